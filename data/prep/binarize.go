package prep

import (
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
)

// dictionaries builds dict.SRC.txt and dict.TGT.txt from train.
func (p *pipeline) dictionaries() error {
	l := p.langs()
	count := func(c *data.Counter, lang string) error {
		return c.AddFile(p.path("train", p.finalStage(), lang))
	}
	var dicts [2]*data.Dictionary
	if p.cfg.JoinedDictionary {
		c := data.NewCounter()
		for _, lang := range l {
			if err := count(c, lang); err != nil {
				return err
			}
		}
		d := data.BuildDictionary(c, p.cfg.Dict)
		dicts = [2]*data.Dictionary{d, d}
	} else {
		for i, lang := range l {
			c := data.NewCounter()
			if err := count(c, lang); err != nil {
				return err
			}
			dicts[i] = data.BuildDictionary(c, p.cfg.Dict)
		}
	}
	for i, lang := range l {
		if err := dicts[i].Save(filepath.Join(p.work, "dict."+lang+".txt")); err != nil {
			return err
		}
		p.rep.DictSizes[lang] = dicts[i].Len()
	}
	p.dicts = dicts
	return nil
}

// binarize writes SPLIT.SRC-TGT.LANG.bin/.idx for every split.
func (p *pipeline) binarize() error {
	l := p.langs()
	for _, split := range p.splits {
		var st SplitStats
		for i, lang := range l {
			d := p.dicts[i]
			w, err := data.NewIndexedWriter(data.DatasetPrefix(p.work, split, l[0], l[1], lang), d.Len())
			if err != nil {
				return err
			}
			unk := 0
			err = data.ForEachLine(p.path(split, p.finalStage(), lang), func(_ int, line string) error {
				return w.Add(d.Encode(line, &unk))
			})
			if err != nil {
				w.Abort()
				return err
			}
			if i == 0 {
				st.Pairs, st.SrcTokens, st.SrcUnk = w.Len(), w.Tokens(), unk
			} else {
				st.TgtTokens, st.TgtUnk = w.Tokens(), unk
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
		p.rep.Splits[split] = st
	}
	return nil
}
