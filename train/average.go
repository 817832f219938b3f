package train

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// Average writes to out the element-wise mean of the model tensors of
// the checkpoints in paths, as fairseq's average_checkpoints.py (sums in
// float64 here, then rounds to the stored dtype). Optimiser state is
// dropped; the metadata is the last input's, with averaged_from set.
//
// When out's directory is a save directory (it has the trainer's lock
// file), Average holds its lock while it runs, so that no trainer starts
// there meanwhile (a starting trainer removes temporary checkpoint files);
// while a trainer holds it, a name the trainer writes (checkpoint*.ckpt,
// config.yaml, metrics.jsonl) is refused, and any other (avg5.ckpt) is
// written beside the running trainer's files.
func Average(paths []string, out string) error {
	if len(paths) == 0 {
		return fmt.Errorf("average: no checkpoints to average")
	}
	lock, err := lockIfSaveDir(filepath.Dir(out))
	var held *DirLocked
	switch {
	case errors.As(err, &held):
		if trainerFile.MatchString(filepath.Base(out)) {
			return fmt.Errorf("average: --output %s: %s is training into %s and writes that name (lock %s); choose another name, such as avg.ckpt, or wait for it to end",
				out, held.holder(), held.Dir, filepath.Join(held.Dir, lockName))
		}
	case err != nil:
		return fmt.Errorf("average: %w", err)
	case lock != nil:
		defer lock.Close()
	}
	var sums [][]float64
	var ref []Blob
	var meta Meta
	for i, p := range paths {
		hdr, blobs, err := ReadCheckpoint(p)
		if err != nil {
			return err
		}
		if hdr.Int8() {
			return errInt8(p)
		}
		var model []Blob
		for _, b := range blobs {
			if strings.HasPrefix(b.Name, "model.") {
				model = append(model, b)
			}
		}
		if i == 0 {
			ref = model
			sums = make([][]float64, len(model))
		} else if len(model) != len(ref) {
			return fmt.Errorf("average: %s has %d model tensors, %s has %d", p, len(model), paths[0], len(ref))
		}
		for j, b := range model {
			if b.Name != ref[j].Name || fmt.Sprint(b.Shape) != fmt.Sprint(ref[j].Shape) || b.DType != ref[j].DType {
				return fmt.Errorf("average: %s: tensor %s %v does not match %s's %s %v", p, b.Name, b.Shape, paths[0], ref[j].Name, ref[j].Shape)
			}
			v := values(b)
			if sums[j] == nil {
				sums[j] = make([]float64, len(v))
			}
			for k, x := range v {
				sums[j][k] += x
			}
		}
		meta = hdr.Meta
	}
	n := float64(len(paths))
	outBlobs := make([]Blob, len(ref))
	for j, b := range ref {
		outBlobs[j] = Blob{TensorInfo: b.TensorInfo, Data: encode(b.DType, sums[j], n)}
	}
	meta.AveragedFrom = paths
	meta.OptimStep = 0
	return WriteCheckpoint(out, meta, outBlobs)
}

func values(b Blob) []float64 {
	le := binary.LittleEndian
	switch b.DType {
	case "float32":
		v := make([]float64, len(b.Data)/4)
		for i := range v {
			v[i] = float64(math.Float32frombits(le.Uint32(b.Data[4*i:])))
		}
		return v
	case "float64":
		v := make([]float64, len(b.Data)/8)
		for i := range v {
			v[i] = math.Float64frombits(le.Uint64(b.Data[8*i:]))
		}
		return v
	default: // int64
		v := make([]float64, len(b.Data)/8)
		for i := range v {
			v[i] = float64(int64(le.Uint64(b.Data[8*i:])))
		}
		return v
	}
}

func encode(dtype string, sum []float64, n float64) []byte {
	le := binary.LittleEndian
	switch dtype {
	case "float32":
		b := make([]byte, 4*len(sum))
		for i, s := range sum {
			le.PutUint32(b[4*i:], math.Float32bits(float32(s/n)))
		}
		return b
	case "float64":
		b := make([]byte, 8*len(sum))
		for i, s := range sum {
			le.PutUint64(b[8*i:], math.Float64bits(s/n))
		}
		return b
	default:
		b := make([]byte, 8*len(sum))
		for i, s := range sum {
			le.PutUint64(b[8*i:], uint64(int64(math.Round(s/n))))
		}
		return b
	}
}

// LastCheckpoints returns the newest n checkpoints in dir: update
// checkpoints (checkpoint_E_U) when byUpdate, else epoch checkpoints
// (checkpointE), oldest first.
func LastCheckpoints(dir string, n int, byUpdate bool) ([]string, error) {
	pat := epochPattern
	if byUpdate {
		pat = updatePattern
	}
	fs, err := Checkpoints(dir, pat)
	if err != nil {
		return nil, err
	}
	if len(fs) < n {
		return nil, fmt.Errorf("average: want %d checkpoints in %s, found %d", n, dir, len(fs))
	}
	fs = fs[:n]
	for i, j := 0, len(fs)-1; i < j; i, j = i+1, j-1 {
		fs[i], fs[j] = fs[j], fs[i]
	}
	return fs, nil
}
