package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/data/synth"
	"github.com/fixup-nmt/nmt/tch"
)

// tinyModel stands in for the Transformer: target embedding plus the mean
// of the source embeddings, a tanh layer with dropout and an output
// projection. It has what matters to the trainer: parameters, dropout
// and a [B,T,V] output.
type tinyModel struct {
	src, tgt *nn.Embedding
	hid, out *nn.Linear
	training bool
}

func buildTiny(p *nn.Path, c Config, v Vocab) (Model, any, error) {
	d := int64(32)
	m := &tinyModel{
		src: nn.NewEmbedding(p.Sub("src"), int64(v.Src), d, nn.DefaultEmbeddingConfig()),
		tgt: nn.NewEmbedding(p.Sub("tgt"), int64(v.Tgt), d, nn.DefaultEmbeddingConfig()),
		hid: nn.NewLinear(p.Sub("hid"), d, d, nn.DefaultLinearConfig()),
		out: nn.NewLinear(p.Sub("out"), d, int64(v.Tgt), nn.DefaultLinearConfig()),
	}
	return m, map[string]int{"dim": int(d)}, nil
}

func (m *tinyModel) SetTraining(on bool) { m.training = on }

func (m *tinyModel) Forward(src, prev *ts.Tensor) *ts.Tensor {
	s := m.src.Forward(src).MustMeanDim([]int64{1}, true, gotch.Float, true) // [B,1,D]
	x := m.tgt.Forward(prev).MustAdd(s, true)
	size := x.MustSize()
	x = x.MustView([]int64{-1, size[2]}, true)
	x = m.hid.Forward(x).MustTanh(true)
	if m.training {
		x = ts.MustDropout(x, 0.1, true)
	}
	return m.out.Forward(x).MustView([]int64{size[0], size[1], -1}, true)
}

var (
	prepOnce sync.Once
	prepDir  string
	prepErr  error
)

// tinyData prepares 600 synth pairs (BPE 200 merges) once per test run.
func tinyData(t *testing.T) string {
	t.Helper()
	prepOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nmt-train-test-")
		if err != nil {
			prepErr = err
			return
		}
		k, err := synth.Generate(synth.Config{Seed: 3, Train: 600, Valid: 60, Test: 0})
		if err != nil {
			prepErr = err
			return
		}
		conv := func(ps []synth.Pair) []prep.Pair {
			out := make([]prep.Pair, len(ps))
			for i, p := range ps {
				out[i] = prep.Pair{Src: p.De, Tgt: p.En}
			}
			return out
		}
		in := []prep.Input{
			{Split: "train", Files: []string{"synth"}, Open: func() (prep.PairReader, error) { return &prep.SliceReader{Pairs: conv(k.Train)}, nil }},
			{Split: "valid", Files: []string{"synth"}, Open: func() (prep.PairReader, error) { return &prep.SliceReader{Pairs: conv(k.Valid)}, nil }},
		}
		s := prep.Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", Tokenize: true, Lowercase: true, Merges: 200, MinFrequency: 2, JoinedDictionary: true, Dict: data.DefaultDictConfig()}
		prepDir = filepath.Join(dir, "bin")
		_, prepErr = prep.Run(prep.Config{Settings: s, Out: prepDir, Inputs: in, Workers: 1})
	})
	if prepErr != nil {
		t.Fatal(prepErr)
	}
	return prepDir
}

func tinyConfig(t *testing.T) Config {
	return tinyConfigFor(tinyData(t), t.TempDir())
}

func tinyConfigFor(data, saveDir string) Config {
	c, _ := Recipe("small")
	c.Data.Dir, c.Checkpoint.SaveDir = data, saveDir
	c.Data.MaxTokens, c.Optim.LR, c.Optim.WarmupUpdates, c.Log.Interval = 512, 3e-3, 5, 1
	c.Optim.MaxEpoch, c.Checkpoint.SaveIntervalUpdates, c.Checkpoint.KeepIntervalUpdates = 0, 0, 0
	c.Machine.Threads, c.Machine.Device = 1, "cpu"
	return c
}

func run(t *testing.T, c Config, hook func(*Trainer, UpdateStats)) ([]UpdateStats, error) {
	t.Helper()
	var got []UpdateStats
	var tr *Trainer
	tr, err := New(c, Options{Build: buildTiny, Log: testLog{t}, OnUpdate: func(u UpdateStats) {
		got = append(got, u)
		if hook != nil {
			hook(tr, u)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	return got, tr.Run()
}

type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func TestLossFalls(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 60
	got, err := run(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := mean(got[:5]), mean(got[len(got)-5:])
	t.Logf("loss (bits/token) first 5 updates %.3f, last 5 %.3f", first, last)
	if !(last < first-1) {
		t.Fatalf("loss did not fall: %.3f -> %.3f", first, last)
	}
	for _, name := range []string{"checkpoint_last.ckpt", "checkpoint1.ckpt", "checkpoint_best.ckpt", "metrics.jsonl", "config.yaml"} {
		if _, err := os.Stat(filepath.Join(c.Checkpoint.SaveDir, name)); err != nil {
			t.Error(err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl"))
	if !strings.Contains(string(b), `"type":"valid"`) {
		t.Errorf("metrics.jsonl has no valid record")
	}
}

func mean(us []UpdateStats) float64 {
	s := 0.0
	for _, u := range us {
		s += u.Loss
	}
	return s / float64(len(us))
}

// TestExactResume: a run stopped after update k and resumed gives the
// same loss at every later update, bit for bit, as one never stopped.
func TestExactResume(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 40 // more than one epoch (about 14 updates each)
	c.Valid.ValidateIntervalUpdates = 7
	full, err := run(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{9, 14} { // mid-epoch, and where an epoch ends
		c2 := c
		c2.Checkpoint.SaveDir = t.TempDir()
		c2.Optim.MaxUpdate = k
		first, err := run(t, c2, nil)
		if err != nil {
			t.Fatal(err)
		}
		c2.Optim.MaxUpdate = c.Optim.MaxUpdate
		rest, err := run(t, c2, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := append(first, rest...)
		if len(got) != len(full) {
			t.Fatalf("k=%d: %d updates, want %d", k, len(got), len(full))
		}
		for i := range full {
			if got[i].Loss != full[i].Loss || got[i].GNorm != full[i].GNorm {
				t.Fatalf("k=%d: update %d: loss %v gnorm %v, uninterrupted %v %v", k, i+1, got[i].Loss, got[i].GNorm, full[i].Loss, full[i].GNorm)
			}
		}
	}
}

// TestInterrupt: a signal during training finishes the update, saves
// checkpoint_last and returns Interrupted; resuming continues exactly.
func TestInterrupt(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 12
	full, err := run(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Checkpoint.SaveDir = t.TempDir()
	first, err := run(t, c, func(tr *Trainer, u UpdateStats) {
		if u.Update == 5 {
			tr.Interrupt(syscall.SIGTERM)
		}
	})
	var intr *Interrupted
	if !errors.As(err, &intr) || intr.Update != 5 || intr.Signal != syscall.SIGTERM {
		t.Fatalf("got %v, want Interrupted after update 5", err)
	}
	rest, err := run(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := append(first, rest...)
	for i := range full {
		if got[i].Loss != full[i].Loss {
			t.Fatalf("update %d: loss %v after the interrupt, %v without", i+1, got[i].Loss, full[i].Loss)
		}
	}
}

func TestNonFinite(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxUpdate = 6
	c.Optim.LR = 1e30
	c.Optim.WarmupUpdates = 0
	c.Optim.LRScheduler = "fixed"
	_, err := run(t, c, nil)
	var nf *NonFinite
	if !errors.As(err, &nf) {
		t.Fatalf("got %v, want a non-finite error", err)
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "update ") {
		t.Errorf("error does not name the update: %v", err)
	}
	c.Checkpoint.SaveDir = t.TempDir()
	c.Optim.SkipNonfinite = true
	got, err := run(t, c, nil)
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "in a row") {
		t.Fatalf("got %v, want a non-finite error after skipping", err)
	}
	skipped := 0
	for _, u := range got {
		if u.Skipped {
			skipped++
		}
	}
	if skipped == 0 {
		t.Errorf("no update skipped")
	}
}

func TestLabelSmoothedCE(t *testing.T) {
	tch.LockThread()
	for _, fused := range []bool{true, false} {
		ce := lossPath(fused)
		s := ts.NewScope()
		// B=1, T=3, V=4; the last target is padding (id 1).
		logits := []float32{1, 2, 3, 4, 0, 0, 1, 0, 5, 5, 5, 5}
		target := []int64{3, 2, 1}
		eps := 0.1
		lt := ts.MustOfSlice(logits).MustView([]int64{1, 3, 4}, true)
		tt := ts.MustOfSlice(target).MustView([]int64{1, 3}, true)
		loss, nll := ce(lt, tt, eps, 1)
		gl, _ := loss.Float64Value(nil)
		gn, _ := nll.Float64Value(nil)
		s.Close()
		// By hand, fairseq's formula.
		var wantNLL, wantSmooth float64
		for r := 0; r < 2; r++ {
			row := logits[4*r : 4*r+4]
			lse := 0.0
			for _, x := range row {
				lse += math.Exp(float64(x))
			}
			lse = math.Log(lse)
			wantNLL += lse - float64(row[target[r]])
			for _, x := range row {
				wantSmooth += lse - float64(x)
			}
		}
		epsI := eps / 3
		want := (1-eps-epsI)*wantNLL + epsI*wantSmooth
		if math.Abs(gl-want) > 1e-5 || math.Abs(gn-wantNLL) > 1e-5 {
			t.Fatalf("fused %v: loss %v nll %v, want %v %v", fused, gl, gn, want, wantNLL)
		}
	}
}

// lossPath is LabelSmoothedCE (the kernel for CPU floats) when fused,
// else libtorch's ops.
func lossPath(fused bool) func(logits, target *ts.Tensor, eps float64, pad int64) (loss, nll *ts.Tensor) {
	if fused {
		return LabelSmoothedCE
	}
	return labelSmoothedCEOps
}

// TestFusedLabelSmoothedCEMatchesOps compares the fused CPU op with the
// composed libtorch ops: loss, nll and the gradient of the logits, with
// padding rows, large logits (where a naive exp overflows), label
// smoothing on and off, and an output gradient other than 1.
func TestFusedLabelSmoothedCEMatchesOps(t *testing.T) {
	tch.LockThread()
	const b, tl, v, pad = 3, 7, 37, 1
	ManualSeed(5)
	base := ts.MustRandn([]int64{b, tl, v}, gotch.Float, gotch.CPU)
	defer base.MustDrop()
	target := make([]int64, b*tl)
	for i := range target {
		target[i] = int64((i*13 + 3) % v)
		if i%5 == 4 {
			target[i] = pad
		}
	}
	for _, tc := range []struct {
		name       string
		scale, eps float64
		outputGrad float64
	}{
		{"plain", 1, 0.1, 1},
		{"no smoothing", 3, 0, 1},
		{"large logits", 400, 0.1, 1},
		{"output gradient 2.5", 2, 0.1, 2.5},
	} {
		run := func(fused bool) (loss, nll float64, grad []float64) {
			s := ts.NewScope()
			defer s.Close()
			x := base.MustMulScalar(ts.FloatScalar(tc.scale), false).MustSetRequiresGrad(true, true)
			tt := ts.MustOfSlice(target).MustView([]int64{b, tl}, true)
			l, n := lossPath(fused)(x, tt, tc.eps, pad)
			l.MustMulScalar(ts.FloatScalar(tc.outputGrad), false).MustBackward()
			loss, _ = l.Float64Value(nil)
			nll, _ = n.Float64Value(nil)
			return loss, nll, x.MustGrad(false).Float64Values()
		}
		fl, fn, fg := run(true)
		ol, on, og := run(false)
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*math.Max(1, math.Abs(b)) }
		if !close(fl, ol) || !close(fn, on) {
			t.Errorf("%s: fused loss %v nll %v, ops %v %v", tc.name, fl, fn, ol, on)
		}
		for i := range og {
			if math.Abs(fg[i]-og[i]) > 1e-6*math.Max(1, tc.outputGrad) {
				t.Errorf("%s: gradient %d: fused %v, ops %v", tc.name, i, fg[i], og[i])
				break
			}
			if target[i/v] == pad && fg[i] != 0 {
				t.Errorf("%s: padding row %d has gradient %v", tc.name, i/v, fg[i])
				break
			}
		}
	}
}

func TestLR(t *testing.T) {
	c := DefaultConfig() // inverse_sqrt, 4000 warmup from 1e-7 to 5e-4
	for _, tc := range []struct {
		sched string
		u     int
		want  float64
	}{
		{"inverse_sqrt", 0, 1e-7},
		{"inverse_sqrt", 2000, 1e-7 + 2000*(5e-4-1e-7)/4000},
		{"inverse_sqrt", 4000, 5e-4},
		{"inverse_sqrt", 16000, 2.5e-4},
		{"inverse_sqrt_nowarmup", 0, 5e-4},
		{"inverse_sqrt_nowarmup", 12000, 2.5e-4},
		{"fixed", 123, 5e-4},
	} {
		c.Optim.LRScheduler = tc.sched
		if got := LR(c.Optim, tc.u); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s at %d: %v, want %v", tc.sched, tc.u, got, tc.want)
		}
	}
}

// TestAdamMatchesFormula runs three Adam steps with weight decay over two
// parameters (and one without a gradient, which must not move), fused and
// as libtorch's ops, against fairseq's formula computed here in float64.
func TestAdamMatchesFormula(t *testing.T) {
	tch.LockThread()
	const b1, b2, eps, wd = 0.9, 0.98, 1e-8, 0.01
	lrs := []float64{1e-2, 5e-3, 2e-3}
	p0 := [][]float64{{0.5, -1, 2, 0.25, -3}, {1e-3, 7, -0.5}}
	grads := [][][]float64{ // per step, per parameter
		{{0.1, -0.2, 0.3, 0, 5}, {1, -1, 1e-4}},
		{{-0.3, 0.2, 0.1, 2, -5}, {0.5, 0, -2}},
		{{0.05, 0.05, -0.4, 1, 0}, {-1, 3, 0.25}},
	}
	// The formula, in float64.
	want := make([][]float64, len(p0))
	m := make([][]float64, len(p0))
	v := make([][]float64, len(p0))
	for i := range p0 {
		want[i] = append([]float64(nil), p0[i]...)
		m[i], v[i] = make([]float64, len(p0[i])), make([]float64, len(p0[i]))
	}
	for s, lr := range lrs {
		step := lr * math.Sqrt(1-math.Pow(b2, float64(s+1))) / (1 - math.Pow(b1, float64(s+1)))
		for i := range want {
			for j, g := range grads[s][i] {
				m[i][j] = b1*m[i][j] + (1-b1)*g
				v[i][j] = b2*v[i][j] + (1-b2)*g*g
				want[i][j] = want[i][j]*(1-wd*lr) - step*m[i][j]/(math.Sqrt(v[i][j])+eps)
			}
		}
	}
	for _, fused := range []bool{true, false} {
		func() {
			s := ts.NewScope()
			defer s.Close()
			var params []Param
			for i, p := range append(p0, []float64{4, 5}) {
				x := ts.MustOfSlice(float32s(p)).MustSetRequiresGrad(true, true)
				params = append(params, Param{Name: fmt.Sprint(i), T: x})
			}
			a := NewAdam(params, b1, b2, eps, wd)
			a.Ops = !fused
			for st, lr := range lrs {
				for i := range p0 {
					g := params[i].T.MustGrad(false)
					if !g.MustDefined() {
						// Give the parameter a gradient tensor to fill.
						params[i].T.MustMulScalar(ts.FloatScalar(0), false).MustSum(gotch.Float, true).MustBackward()
						g = params[i].T.MustGrad(false)
					}
					ts.NoGrad(func() { g.Copy_(ts.MustOfSlice(float32s(grads[st][i]))) })
				}
				ts.NoGrad(func() { a.Step(lr) })
			}
			for i := range params {
				got := params[i].T.MustDetach(false).Float64Values()
				exp := append(p0, []float64{4, 5})[i]
				if i < len(want) {
					exp = want[i]
				}
				for j := range exp {
					if math.Abs(got[j]-exp[j]) > 2e-6*math.Max(1, math.Abs(exp[j])) {
						t.Errorf("fused %v: parameter %d[%d] = %v, want %v", fused, i, j, got[j], exp[j])
					}
				}
			}
		}()
	}
}

func float32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, f := range x {
		out[i] = float32(f)
	}
	return out
}

// The trainer's loss leaves padded positions out of the output layer
// (transformer.Model.ForwardRows); the sums must equal the full pass's.
func TestLossSkipsPadding(t *testing.T) {
	tch.LockThread()
	c := DefaultConfig()
	c.Model.Arch, c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = "small", 2, 2, 32, 48, 4
	c.Model.Norm, c.Model.Init, c.Model.Dropout, c.Optim.LabelSmoothing = "post", "default", 0, 0.1
	tr := benchTrainer(t, c, 50)
	b := randomBatch(rand.New(rand.NewPCG(3, 4)), 6, 9, 11, 50)
	if b.NTokens == len(b.Target) {
		t.Fatal("the batch has no padding")
	}
	s := ts.NewScope()
	defer s.Close()
	tr.model.SetTraining(false)
	var fl, fn, pl, pn float64
	ts.NoGrad(func() {
		src, prev, tgt := tr.tensors(b)
		l, n := LabelSmoothedCE(tr.model.Forward(src, prev), tgt, c.Optim.LabelSmoothing, int64(tr.vocab.Pad))
		fl, _ = l.Float64Value(nil)
		fn, _ = n.Float64Value(nil)
		l, n = tr.loss(b)
		pl, _ = l.Float64Value(nil)
		pn, _ = n.Float64Value(nil)
	})
	if math.Abs(fl-pl) > 1e-5*fl || math.Abs(fn-pn) > 1e-5*fn {
		t.Fatalf("loss %v nll %v without the padding, %v %v with it", pl, pn, fl, fn)
	}
}

// fairseq's --validate-interval and --save-interval: validation every N
// epochs, checkpoints every M epochs, both at the end of the last epoch.
func TestValidateAndSaveIntervals(t *testing.T) {
	tch.LockThread()
	c := tinyConfig(t)
	c.Optim.MaxEpoch, c.Valid.ValidateInterval, c.Checkpoint.SaveInterval = 5, 2, 3
	if _, err := run(t, c, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Checkpoint.SaveDir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var validEpochs []int
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.Type == "valid" {
			validEpochs = append(validEpochs, r.Epoch)
		}
	}
	if !slices.Equal(validEpochs, []int{2, 4, 5}) {
		t.Errorf("validated at the end of epochs %v, want [2 4 5]", validEpochs)
	}
	for e := 1; e <= 5; e++ {
		_, err := os.Stat(filepath.Join(c.Checkpoint.SaveDir, fmt.Sprintf("checkpoint%d%s", e, Ext)))
		if want := e == 3 || e == 5; (err == nil) != want {
			t.Errorf("checkpoint%d: exists %v, want %v", e, err == nil, want)
		}
	}
	c.Valid.ValidateInterval = 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "validate-interval") {
		t.Errorf("validate-interval 0: err = %v", err)
	}
}
