package data

import (
	"fmt"
	"path/filepath"
)

// LanguagePair is one split of a prepared directory: the binarized source
// and target sides and their dictionaries.
type LanguagePair struct {
	Src, Tgt         *Indexed // Tgt is nil for source-only data
	SrcDict, TgtDict *Dictionary
}

// DatasetPrefix is the path prefix fairseq-preprocess uses for one side of
// a split: DIR/SPLIT.SRC-TGT.LANG (then .bin and .idx).
func DatasetPrefix(dir, split, src, tgt, lang string) string {
	return filepath.Join(dir, fmt.Sprintf("%s.%s-%s.%s", split, src, tgt, lang))
}

// OpenLanguagePair opens split ("train", "valid", "test") of the prepared
// directory dir, with dictionaries dict.SRC.txt and dict.TGT.txt.
func OpenLanguagePair(dir, split, src, tgt string) (*LanguagePair, error) {
	p := &LanguagePair{}
	var err error
	if p.SrcDict, err = LoadDictionary(filepath.Join(dir, "dict."+src+".txt")); err != nil {
		return nil, err
	}
	if p.TgtDict, err = LoadDictionary(filepath.Join(dir, "dict."+tgt+".txt")); err != nil {
		return nil, err
	}
	if p.Src, err = OpenIndexed(DatasetPrefix(dir, split, src, tgt, src)); err != nil {
		return nil, err
	}
	if p.Tgt, err = OpenIndexed(DatasetPrefix(dir, split, src, tgt, tgt)); err != nil {
		p.Src.Close()
		return nil, err
	}
	if p.Src.Len() != p.Tgt.Len() {
		p.Close()
		return nil, fmt.Errorf("%s: want as many target sentences as source sentences (%d), got %d", DatasetPrefix(dir, split, src, tgt, tgt), p.Src.Len(), p.Tgt.Len())
	}
	return p, nil
}

// Len is the number of pairs.
func (p *LanguagePair) Len() int { return p.Src.Len() }

// TgtSizes returns the target sizes, or nil without targets.
func (p *LanguagePair) TgtSizes() []int32 {
	if p.Tgt == nil {
		return nil
	}
	return p.Tgt.Sizes()
}

// Plan batches the pairs with cfg (see MakePlan).
func (p *LanguagePair) Plan(cfg BatchConfig) (*Plan, error) {
	return MakePlan(p.Src.Sizes(), p.TgtSizes(), cfg)
}

// Sample returns pair i.
func (p *LanguagePair) Sample(i int) Sample {
	s := Sample{ID: i, Source: p.Src.Get(nil, i)}
	if p.Tgt != nil {
		s.Target = p.Tgt.Get(nil, i)
	}
	return s
}

// Batch collates the pairs at indices.
func (p *LanguagePair) Batch(indices []int) Batch {
	samples := make([]Sample, len(indices))
	for k, i := range indices {
		samples[k] = p.Sample(i)
	}
	return Collate(samples)
}

// Close unmaps the datasets.
func (p *LanguagePair) Close() error {
	err := p.Src.Close()
	if p.Tgt != nil {
		if e := p.Tgt.Close(); err == nil {
			err = e
		}
	}
	return err
}
