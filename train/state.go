package train

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"unsafe"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
	"github.com/fixup-nmt/nmt/tch"
)

// Ext is the checkpoint file extension.
const Ext = ".ckpt"

// toBlob copies a tensor's data to host memory.
func toBlob(name string, x *ts.Tensor) Blob {
	s := ts.NewScope()
	defer s.Close()
	if dev, _ := x.Device(); dev.IsCuda() {
		x = x.MustTo(gotch.CPU, false)
	}
	x = x.MustContiguous(false)
	n := x.Numel()
	info := TensorInfo{Name: name, Shape: x.MustSize()}
	var b []byte
	switch x.DType() {
	case gotch.Float:
		v := make([]float32, n)
		if n > 0 {
			x.MustCopyData(v, n)
			b = unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*n)
		}
		info.DType = "float32"
	case gotch.Double:
		v := make([]float64, n)
		if n > 0 {
			x.MustCopyData(v, n)
			b = unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*n)
		}
		info.DType = "float64"
	case gotch.Int64:
		v := make([]int64, n)
		if n > 0 {
			x.MustCopyData(v, n)
			b = unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*n)
		}
		info.DType = "int64"
	default:
		panic(fmt.Sprintf("checkpoint: tensor %s has unsupported dtype %v", name, x.DType()))
	}
	return Blob{TensorInfo: info, Data: b}
}

// loadBlob copies b into dst (same shape), with grad mode off.
func loadBlob(dst *ts.Tensor, b Blob) error {
	s := ts.NewScope()
	defer s.Close()
	shape := dst.MustSize()
	if fmt.Sprint(shape) != fmt.Sprint(b.Shape) {
		return fmt.Errorf("tensor %s: checkpoint shape %v, model shape %v (was the model configured differently?)", b.Name, b.Shape, shape)
	}
	var src *ts.Tensor
	switch b.DType {
	case "float32":
		src = ts.MustOfSlice(b.Float32s())
	case "float64":
		v := make([]float64, len(b.Data)/8)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(b.Data)), b.Data)
		src = ts.MustOfSlice(v)
	case "int64":
		v := make([]int64, len(b.Data)/8)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(b.Data)), b.Data)
		src = ts.MustOfSlice(v)
	default:
		return fmt.Errorf("tensor %s: unknown dtype %q", b.Name, b.DType)
	}
	src = src.MustView(shape, true)
	ts.NoGrad(func() { dst.Copy_(src) })
	return nil
}

func (t *Trainer) meta() Meta {
	_, step := t.optim.State()
	return Meta{
		Format: FormatVersion, NMTVersion: t.opt.Version, Torch: tch.HeaderVersion(),
		Config: t.cfg, ModelConfig: t.modelCfg,
		Updates: t.updates, Epoch: t.it.State().Epoch, Iterator: t.it.State(),
		LR: LR(t.cfg.Optim, t.updates), OptimStep: step, Optimizer: t.cfg.Optim.Optimizer,
		Best: t.best, BestMetric: t.cfg.Valid.BestMetric, BadValids: t.badValids, Skipped: t.skipped,
		WallSecond: t.wall, Data: t.files,
	}
}

// blobs returns the model's variables ("model.NAME") and the optimiser's
// state ("optim....").
func (t *Trainer) blobs() (out []Blob, err error) {
	err = tch.Catch(func() error {
		for _, p := range AllVars(t.vs) {
			out = append(out, toBlob("model."+p.Name, p.T))
		}
		st, _ := t.optim.State()
		names := make([]string, 0, len(st))
		for k := range st {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			out = append(out, toBlob(k, st[k]))
		}
		return nil
	})
	return out, err
}

func (t *Trainer) restore(path string, hdr *Header, blobs []Blob) error {
	byName := blobsByName(blobs)
	err := tch.Catch(func() error {
		if err := loadVars(AllVars(t.vs), byName); err != nil {
			return err
		}
		if hdr.Meta.Optimizer != t.cfg.Optim.Optimizer {
			fmt.Fprintf(t.log, "optimizer changed from %s to %s: starting its state afresh\n", hdr.Meta.Optimizer, t.cfg.Optim.Optimizer)
			return nil
		}
		st, _ := t.optim.State()
		for k, x := range st {
			b, ok := byName[k]
			if !ok {
				return fmt.Errorf("optimizer state %s is missing", k)
			}
			if err := loadBlob(x, b); err != nil {
				return err
			}
		}
		t.optim.SetStep(hdr.Meta.OptimStep)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	m := hdr.Meta
	if was := orFloat32(m.Config.Machine.Precision); was != t.cfg.Machine.Precision {
		fmt.Fprintf(t.log, "precision changed from %s to %s: the float32 weights and optimizer state carry over\n", was, t.cfg.Machine.Precision)
	}
	t.updates, t.best, t.badValids, t.skipped, t.wall = m.Updates, m.Best, m.BadValids, m.Skipped, m.WallSecond
	if m.BestMetric != t.cfg.Valid.BestMetric {
		t.best, t.badValids = nil, 0
	}
	return nil
}

// orFloat32 is a checkpoint's precision: float32 where it predates the key.
func orFloat32(p string) string {
	if p == "" {
		return "float32"
	}
	return p
}

// save writes checkpoint_last and, as asked, checkpointE,
// checkpoint_E_U and checkpoint_best, then prunes old ones. It returns the
// path of checkpoint_last.
func (t *Trainer) save(epochEnd, interval, best bool) (string, error) {
	if !t.master() {
		return t.lastSaved, nil
	}
	c := t.cfg
	blobs, err := t.blobs()
	if err != nil {
		return "", err
	}
	meta := t.meta()
	meta.EpochDone = epochEnd
	if meta.MetricsBytes, err = t.metrics.Sync(); err != nil {
		return "", err
	}
	epoch := t.it.State().Epoch
	last := filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext)
	if err := WriteCheckpoint(last, meta, blobs); err != nil {
		return "", err
	}
	var extra []string
	if epochEnd && !c.Checkpoint.NoEpochCheckpoints {
		extra = append(extra, fmt.Sprintf("checkpoint%d%s", epoch, Ext))
	}
	if interval {
		extra = append(extra, fmt.Sprintf("checkpoint_%d_%d%s", epoch, t.updates, Ext))
	}
	if best {
		extra = append(extra, "checkpoint_best"+Ext)
	}
	for _, name := range extra {
		if err := atomicfile.Link(last, filepath.Join(c.Checkpoint.SaveDir, name)); err != nil {
			return "", err
		}
	}
	t.lastSaved = last
	prune(c.Checkpoint.SaveDir, epochPattern, c.Checkpoint.KeepLastEpochs)
	prune(c.Checkpoint.SaveDir, updatePattern, c.Checkpoint.KeepIntervalUpdates)
	return last, nil
}

var (
	epochPattern  = regexp.MustCompile(`^checkpoint(\d+)` + regexp.QuoteMeta(Ext) + `$`)
	updatePattern = regexp.MustCompile(`^checkpoint_\d+_(\d+)` + regexp.QuoteMeta(Ext) + `$`)
)

// Checkpoints lists the files in dir matching pat (epoch or update
// checkpoints), newest (highest number) first.
func Checkpoints(dir string, pat *regexp.Regexp) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type f struct {
		n    int
		path string
	}
	var fs []f
	for _, e := range ents {
		if m := pat.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			fs = append(fs, f{n, filepath.Join(dir, e.Name())})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].n > fs[j].n })
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = fs[i].path
	}
	return out, nil
}

func prune(dir string, pat *regexp.Regexp, keep int) {
	if keep <= 0 {
		return
	}
	fs, _ := Checkpoints(dir, pat)
	for i := keep; i < len(fs); i++ {
		os.Remove(fs[i])
	}
}
