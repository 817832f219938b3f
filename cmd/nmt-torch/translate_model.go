package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
)

// checkpoint is a model loaded for translation, with the preprocessing it
// was trained with.
type checkpoint struct {
	path     string
	model    *transformer.Model
	cfg      transformer.Config
	meta     train.Meta
	settings prep.Settings
	srcDict  *data.Dictionary
	tgtDict  *data.Dictionary
	codes    *bpe.Codes // nil: no BPE
}

// loadCheckpoint reads a train checkpoint (format train.FormatVersion):
// its header and checksum are checked before anything is used.
func loadCheckpoint(path string, dev gotch.Device) (*checkpoint, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	hdr, blobs, err := train.ReadCheckpoint(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	c := &checkpoint{path: path, meta: hdr.Meta}
	if hdr.Meta.Format != train.FormatVersion {
		return nil, fmt.Errorf("checkpoint %s: format version %d, this nmt reads %d", path, hdr.Meta.Format, train.FormatVersion)
	}
	if hdr.Meta.ModelConfig == nil {
		return nil, fmt.Errorf("checkpoint %s: no model_config in its metadata", path)
	}
	b, _ := json.Marshal(hdr.Meta.ModelConfig)
	if err := json.Unmarshal(b, &c.cfg); err != nil {
		return nil, fmt.Errorf("checkpoint %s: model_config: %w", path, err)
	}
	if err := c.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	d := hdr.Meta.Data
	if d.SourceDict == "" || d.TargetDict == "" {
		return nil, fmt.Errorf("checkpoint %s: no dictionaries in its metadata (data.source_dict, data.target_dict)", path)
	}
	if c.srcDict, err = data.ReadDictionary(strings.NewReader(d.SourceDict), path+":source_dict"); err != nil {
		return nil, err
	}
	if c.tgtDict, err = data.ReadDictionary(strings.NewReader(d.TargetDict), path+":target_dict"); err != nil {
		return nil, err
	}
	if d.Codes != "" {
		if c.codes, err = bpe.ReadCodes(strings.NewReader(d.Codes)); err != nil {
			return nil, fmt.Errorf("checkpoint %s: bpe codes: %w", path, err)
		}
	}
	if len(d.Prepare) > 0 {
		if err := json.Unmarshal(d.Prepare, &c.settings); err != nil {
			return nil, fmt.Errorf("checkpoint %s: prepare.json: %w", path, err)
		}
	}
	if c.settings.SrcLang == "" {
		c.settings.SrcLang, c.settings.TgtLang = d.SourceLang, d.TargetLang
	}
	if c.srcDict.Len() != c.cfg.SrcVocab || c.tgtDict.Len() != c.cfg.TgtVocab {
		return nil, fmt.Errorf("checkpoint %s: dictionaries of %d and %d symbols, model of %d and %d", path, c.srcDict.Len(), c.tgtDict.Len(), c.cfg.SrcVocab, c.cfg.TgtVocab)
	}
	vs := nn.NewVarStore(dev)
	if c.model, err = fixup.New(vs.Root(), c.cfg); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	byName := map[string]train.Blob{}
	for _, b := range blobs {
		byName[b.Name] = b
	}
	for _, p := range train.AllVars(vs) {
		b, ok := byName["model."+p.Name]
		if !ok {
			return nil, fmt.Errorf("checkpoint %s: model variable %s is missing (incompatible model version?)", path, p.Name)
		}
		if err := copyBlob(p.T, b); err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", path, err)
		}
	}
	c.model.SetTraining(false)
	return c, nil
}

func copyBlob(dst *ts.Tensor, b train.Blob) error {
	s := ts.NewScope()
	defer s.Close()
	shape := dst.MustSize()
	if fmt.Sprint(shape) != fmt.Sprint(b.Shape) {
		return fmt.Errorf("tensor %s: checkpoint shape %v, model shape %v", b.Name, b.Shape, shape)
	}
	if b.DType != "float32" {
		return fmt.Errorf("tensor %s: dtype %s, want float32", b.Name, b.DType)
	}
	src := ts.MustOfSlice(b.Float32s()).MustView(shape, true)
	if d, _ := dst.Device(); d.IsCuda() {
		src = src.MustTo(d, true)
	}
	ts.NoGrad(func() { dst.Copy_(src) })
	return nil
}

// compatible checks that the models of an ensemble share dictionaries and
// preprocessing.
func compatible(cs []*checkpoint) error {
	a := cs[0]
	for _, c := range cs[1:] {
		if c.meta.Data.SourceDict != a.meta.Data.SourceDict || c.meta.Data.TargetDict != a.meta.Data.TargetDict {
			return errors.New("ensemble: " + c.path + " has other dictionaries than " + a.path)
		}
		if c.meta.Data.Codes != a.meta.Data.Codes {
			return errors.New("ensemble: " + c.path + " has other BPE codes than " + a.path)
		}
	}
	return nil
}
