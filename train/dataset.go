package train

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/spm"
)

// openData opens the train and valid splits and reads the files that
// checkpoints carry (prepare.json, dictionaries, BPE codes, SentencePiece
// models).
func (t *Trainer) openData() error {
	c := &t.cfg.Data
	dir := c.Dir
	rep, err := prep.LoadReport(dir)
	if err != nil {
		return fmt.Errorf("data: %s is not a prepared directory (run nmt prepare): %w", dir, err)
	}
	if c.SourceLang == "" {
		c.SourceLang = rep.SrcLang
	}
	if c.TargetLang == "" {
		c.TargetLang = rep.TgtLang
	}
	f := DataFiles{Dir: dir, SourceLang: c.SourceLang, TargetLang: c.TargetLang}
	if f.Prepare, err = os.ReadFile(filepath.Join(dir, "prepare.json")); err != nil {
		return err
	}
	read := func(name string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		return string(b), err
	}
	if f.SourceDict, err = read("dict." + c.SourceLang + ".txt"); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if f.TargetDict, err = read("dict." + c.TargetLang + ".txt"); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if fileExists(filepath.Join(dir, "codes")) {
		if f.Codes, err = read("codes"); err != nil {
			return err
		}
	}
	if rep.SPM != nil {
		f.SPM = map[string][]byte{}
		for _, name := range []string{rep.SPM.SrcModel, rep.SPM.TgtModel} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return fmt.Errorf("data: %w", err)
			}
			if _, err := spm.Parse(b); err != nil {
				return fmt.Errorf("data: %s: %w", filepath.Join(dir, name), err)
			}
			f.SPM[name] = b
		}
	}
	t.files = f
	sd, err := data.LoadDictionary(filepath.Join(dir, "dict."+c.SourceLang+".txt"))
	if err != nil {
		return err
	}
	td, err := data.LoadDictionary(filepath.Join(dir, "dict."+c.TargetLang+".txt"))
	if err != nil {
		return err
	}
	t.vocab = Vocab{Src: sd.Len(), Tgt: td.Len(), Pad: int(data.PADID), EOS: int(data.EOSID), Joined: rep.JoinedDictionary}
	if t.train, err = data.OpenLanguagePair(dir, c.TrainSubset, c.SourceLang, c.TargetLang); err != nil {
		return fmt.Errorf("train-subset: %w", err)
	}
	if c.ValidSubset != "" {
		if t.valid, err = data.OpenLanguagePair(dir, c.ValidSubset, c.SourceLang, c.TargetLang); err != nil {
			return fmt.Errorf("valid-subset: %w (set --valid-subset \"\" to train without validation)", err)
		}
	}
	return nil
}
