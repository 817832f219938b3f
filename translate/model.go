package translate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/spm"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
)

// torch serialises the libtorch work of every Model (loading, searching):
// gotch's tensor scopes are process-wide, so two goroutines working with
// tensors at once would free each other's. It also keeps that work on one
// OS thread at a time (libtorch's grad mode and gotch's error slot are
// per thread).
var torch sync.Mutex

// withTorch runs f holding torch, on a locked OS thread.
func withTorch(f func() error) error {
	torch.Lock()
	defer torch.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return f()
}

// Model is one checkpoint, or an ensemble of checkpoints, loaded for
// translation with the preprocessing they were trained with. It is safe
// for concurrent use: preprocessing and postprocessing run in parallel;
// searches, of this and of every other Model, one at a time.
type Model struct {
	paths    []string
	meta     train.Meta // the first checkpoint's
	search   decode.Model
	maxPos   int // the smallest MaxPositions of the ensemble
	dev      gotch.Device
	prec     Precision // the products' (never Auto)
	settings prep.Settings
	srcDict  *data.Dictionary
	tgtDict  *data.Dictionary
	pre      *prep.Preprocessor
	post     *prep.Postprocessor
}

// checkpoint is one loaded checkpoint file.
type checkpoint struct {
	path     string
	prec     Precision // what its products run in
	model    *transformer.Model
	cfg      transformer.Config
	meta     train.Meta
	settings prep.Settings
	srcDict  *data.Dictionary
	tgtDict  *data.Dictionary
	codes    *bpe.Codes    // nil: no BPE
	spm      [2]*spm.Model // source and target SentencePiece models; nil: none
}

// Load reads checkpoints written by training (format train.FormatVersion)
// or by Quantize onto dev, in their own precision: LoadWith(paths,
// LoadOptions{Device: dev}).
func Load(paths []string, dev gotch.Device) (*Model, error) {
	return LoadWith(paths, LoadOptions{Device: dev})
}

// LoadWith reads checkpoints written by training (format
// train.FormatVersion) or by Quantize: one, or several for an ensemble
// whose probabilities are averaged, each in o.Precision (Int8 quantizes a
// float32 checkpoint as it loads; Float32 and BF16 dequantize an int8 one;
// Auto keeps each one's own). The models of an ensemble must share
// dictionaries and BPE codes; the first one's preprocessing settings are
// used. A precision the device cannot decode in is an error naming what
// is missing.
func LoadWith(paths []string, o LoadOptions) (*Model, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("translate: no checkpoint given")
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	dev := o.Device
	var cks []*checkpoint
	err := withTorch(func() error {
		for _, p := range paths {
			ck, err := loadCheckpoint(p, o)
			if err != nil {
				return err
			}
			cks = append(cks, ck)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := compatible(cks); err != nil {
		return nil, err
	}
	var ens decode.Ensemble
	maxPos := 0
	for _, ck := range cks {
		ens = append(ens, decode.FromTransformer(ck.model))
		if maxPos == 0 || ck.cfg.MaxPositions < maxPos {
			maxPos = ck.cfg.MaxPositions
		}
	}
	a := cks[0]
	m := &Model{paths: paths, meta: a.meta, search: ens, maxPos: maxPos, dev: dev, prec: a.prec,
		settings: a.settings, srcDict: a.srcDict, tgtDict: a.tgtDict}
	if len(ens) == 1 {
		m.search = ens[0]
	}
	m.pre = a.settings.Preprocessor(a.settings.SrcLang, a.codes)
	m.post = a.settings.Postprocessor(a.tgtDict)
	if a.spm[0] != nil {
		m.pre = a.settings.SPMPreprocessor(a.settings.SrcLang, a.spm[0])
		m.post = a.settings.SPMPostprocessor(a.tgtDict, a.spm[1])
	}
	return m, nil
}

// Paths returns the checkpoint files, as given to Load.
func (m *Model) Paths() []string { return append([]string(nil), m.paths...) }

// Meta returns the first checkpoint's metadata.
func (m *Model) Meta() train.Meta { return m.meta }

// Settings returns the preprocessing the model was trained with
// (prepare.json), languages included.
func (m *Model) Settings() prep.Settings { return m.settings }

// MaxPositions is the most source tokens (EOS included) the model takes.
func (m *Model) MaxPositions() int { return m.maxPos }

// Device is where the model lives.
func (m *Model) Device() gotch.Device { return m.dev }

// Precision is what the model's products run in (the first checkpoint's,
// where an ensemble mixes them).
func (m *Model) Precision() Precision { return m.prec }

// loadCheckpoint reads a train checkpoint, or an int8 one (Quantize), in
// o.Precision (train.LoadModelWith: its header and checksum are checked
// before anything is used), and the data it carries.
func loadCheckpoint(path string, o LoadOptions) (*checkpoint, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	prec := o.Precision
	if o.Device.IsCuda() && prec != Float32 {
		if hdr, _, err := train.ReadCheckpointHeader(path); err == nil && hdr.Int8() && prec == Auto {
			prec = Int8
		}
		if prec == Int8 {
			return nil, fmt.Errorf("checkpoint %s: int8 products run on the CPU, not %v", path, o.Device)
		}
	}
	var q8 map[string]*quant.Matrix
	load := func(cfg transformer.Config, vars []train.Param, byName map[string]train.Blob) error {
		stored := false // an int8 checkpoint
		for _, b := range byName {
			stored = stored || b.DType == "int8"
		}
		if prec == Auto {
			prec = Float32
			if stored {
				prec = Int8
			}
		}
		if prec == Int8 {
			var err error
			if q8, err = int8Weights(cfg, byName, stored, o.Int8); err != nil {
				return err
			}
		}
		for _, p := range vars {
			b, ok := byName["model."+p.Name]
			if !ok {
				return fmt.Errorf("model variable %s is missing (incompatible model version?)", p.Name)
			}
			if q8[p.Name] != nil {
				continue // its float32 storage goes (UseInt8)
			}
			if err := copyBlob(p.T, byName, b); err != nil {
				return err
			}
		}
		return nil
	}
	m, hdr, err := train.LoadModelWith(path, nn.NewVarStore(o.Device), load)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %w", err)
	}
	c := &checkpoint{path: path, prec: prec, model: m, cfg: m.Config(), meta: hdr.Meta}
	if err := c.readData(hdr.Meta.Data); err != nil {
		return nil, err
	}
	if c.prec == Int8 {
		err := c.model.UseInt8(func(name string) (*quant.Matrix, error) { return q8[name], nil })
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", path, err)
		}
	}
	return c, nil
}

// int8Weights returns the int8 matrices of the weights cfg.Int8Weights
// names that o puts in int8: as stored in an int8 checkpoint (none for
// one stored in float32, which stays so), or quantized from a float32
// one. The output projection is the shared embedding's where it has no
// tensor of its own.
func int8Weights(cfg transformer.Config, byName map[string]train.Blob, stored bool, o QuantizeOptions) (map[string]*quant.Matrix, error) {
	q8 := map[string]*quant.Matrix{}
	for _, n := range cfg.Int8Weights() {
		if !o.quantizes(n) {
			continue // loaded in float32, dequantized where stored in int8
		}
		b, ok := byName["model."+n]
		if !ok && n == transformer.OutputProjection {
			b, ok = byName["model."+sharedEmbedding(cfg)]
		}
		if !ok {
			return nil, fmt.Errorf("model variable %s is missing (incompatible model version?)", n)
		}
		switch {
		case b.DType == "int8":
			m, err := int8Matrix(byName, b.Name)
			if err != nil {
				return nil, err
			}
			q8[n] = m
		case stored: // kept in float32 when quantized
		default:
			w, err := blobFloat32s(byName, b)
			if err != nil {
				return nil, err
			}
			if len(b.Shape) != 2 {
				return nil, fmt.Errorf("tensor %s: shape %v, want a matrix", b.Name, b.Shape)
			}
			m, err := quant.Int8(w, int(b.Shape[0]), int(b.Shape[1]))
			if err != nil {
				return nil, fmt.Errorf("tensor %s: %w", b.Name, err)
			}
			q8[n] = &m
		}
	}
	return q8, nil
}

// readData reads the dictionaries, BPE codes and preprocessing settings a
// checkpoint carries, and checks the dictionaries against the model.
func (c *checkpoint) readData(d train.DataFiles) error {
	path := c.path
	if d.SourceDict == "" || d.TargetDict == "" {
		return fmt.Errorf("checkpoint %s: no dictionaries in its metadata (data.source_dict, data.target_dict)", path)
	}
	var err error
	if c.srcDict, err = data.ReadDictionary(strings.NewReader(d.SourceDict), path+":source_dict"); err != nil {
		return err
	}
	if c.tgtDict, err = data.ReadDictionary(strings.NewReader(d.TargetDict), path+":target_dict"); err != nil {
		return err
	}
	if d.Codes != "" {
		if c.codes, err = bpe.ReadCodes(strings.NewReader(d.Codes)); err != nil {
			return fmt.Errorf("checkpoint %s: bpe codes: %w", path, err)
		}
	}
	if len(d.Prepare) > 0 {
		if err := json.Unmarshal(d.Prepare, &c.settings); err != nil {
			return fmt.Errorf("checkpoint %s: prepare.json: %w", path, err)
		}
	}
	if c.settings.SrcLang == "" {
		c.settings.SrcLang, c.settings.TgtLang = d.SourceLang, d.TargetLang
	}
	if c.settings.SPM != nil {
		for i, lang := range []string{c.settings.SrcLang, c.settings.TgtLang} {
			if c.spm[i], err = spmModel(d, c.settings, lang); err != nil {
				return fmt.Errorf("checkpoint %s: %w", path, err)
			}
		}
	}
	if c.srcDict.Len() != c.cfg.SrcVocab || c.tgtDict.Len() != c.cfg.TgtVocab {
		return fmt.Errorf("checkpoint %s: dictionaries of %d and %d symbols, model of %d and %d", path, c.srcDict.Len(), c.tgtDict.Len(), c.cfg.SrcVocab, c.cfg.TgtVocab)
	}
	return nil
}

// spmModel returns lang's SentencePiece model: the checkpoint's copy or,
// in a checkpoint that carries none, the prepared directory's file.
func spmModel(d train.DataFiles, s prep.Settings, lang string) (*spm.Model, error) {
	name := s.SPMModel(lang)
	if b, ok := d.SPM[name]; ok {
		m, err := spm.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("spm_models %s: %w", name, err)
		}
		return m, nil
	}
	m, err := s.LoadSPM(d.Dir, lang)
	if err != nil {
		return nil, fmt.Errorf("prepared with SentencePiece; the checkpoint carries no model, and the prepared directory's cannot be read: %w", err)
	}
	return m, nil
}

// copyBlob copies tensor b (float32, or int8 dequantized) into dst.
func copyBlob(dst *ts.Tensor, byName map[string]train.Blob, b train.Blob) error {
	s := ts.NewScope()
	defer s.Close()
	shape := dst.MustSize()
	if fmt.Sprint(shape) != fmt.Sprint(b.Shape) {
		return fmt.Errorf("tensor %s: checkpoint shape %v, model shape %v", b.Name, b.Shape, shape)
	}
	v, err := blobFloat32s(byName, b)
	if err != nil {
		return err
	}
	src := ts.MustOfSlice(v).MustView(shape, true)
	if d, _ := dst.Device(); d.IsCuda() {
		src = src.MustTo(d, true)
	}
	ts.NoGrad(func() { dst.Copy_(src) })
	return nil
}

// compatible checks that the models of an ensemble share dictionaries and
// BPE codes.
func compatible(cs []*checkpoint) error {
	a := cs[0]
	for _, c := range cs[1:] {
		if c.meta.Data.SourceDict != a.meta.Data.SourceDict || c.meta.Data.TargetDict != a.meta.Data.TargetDict {
			return fmt.Errorf("ensemble: %s has other dictionaries than %s", c.path, a.path)
		}
		if c.meta.Data.Codes != a.meta.Data.Codes {
			return fmt.Errorf("ensemble: %s has other BPE codes than %s", c.path, a.path)
		}
		if (c.settings.SPM != nil || a.settings.SPM != nil) && !sameSPM(c.meta.Data, a.meta.Data) {
			return fmt.Errorf("ensemble: %s has other SentencePiece models than %s", c.path, a.path)
		}
	}
	return nil
}

// sameSPM reports whether two checkpoints have the same SentencePiece
// models: the same bytes, or for checkpoints without them, the same
// prepared directory.
func sameSPM(a, b train.DataFiles) bool {
	if a.SPM == nil || b.SPM == nil {
		return a.Dir == b.Dir
	}
	if len(a.SPM) != len(b.SPM) {
		return false
	}
	for name, m := range a.SPM {
		if !bytes.Equal(m, b.SPM[name]) {
			return false
		}
	}
	return true
}
