package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

// bf16Config is realConfig (the Fixup Transformer, d 32 1+1) in bf16, on
// the engine the CPU has, or the emulation (the same rounding, float32
// speed) where it has none; the process's setting comes back after the
// test.
func bf16Config(t *testing.T) Config {
	t.Helper()
	if e, _ := kernel.BF16Engine(); e == kernel.BF16None {
		restore, err := kernel.SetBF16(kernel.BF16Emulate)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(restore)
	}
	c := realConfig(t)
	c.Model.Dim, c.Model.Heads = 64, 2 // head size 32: the CPU attention kernels in eval-bleu's search
	c.Machine.Precision = "bf16"
	return c
}

// TestBF16MasterWeightsStayFloat32: training in bf16 keeps the weights,
// their gradients and Adam's moments in float32; its losses follow
// float32's within bf16's error without being equal (the products did
// run in bf16).
func TestBF16MasterWeightsStayFloat32(t *testing.T) {
	tch.LockThread()
	c := bf16Config(t)
	c.Optim.MaxUpdate = 12
	var checked bool
	check := func(tr *Trainer, u UpdateStats) {
		if u.Update != 3 {
			return
		}
		checked = true
		for _, p := range tr.params {
			if p.T.DType() != gotch.Float {
				t.Errorf("%s: %v, want float32", p.Name, p.T.DType())
			}
		}
		st, _ := tr.optim.State()
		for k, x := range st {
			if x.DType() != gotch.Float {
				t.Errorf("%s: %v, want float32", k, x.DType())
			}
		}
		if !(u.GNorm > 0) || math.IsInf(u.GNorm, 0) {
			t.Errorf("gradient norm %v", u.GNorm)
		}
		// One more forward and backward: the gradients are float32.
		err := tch.Catch(func() error {
			b := tr.valid.Batch(tr.validPlan.Batches[0])
			loss, _ := tr.loss(b)
			loss.MustBackward()
			for _, p := range tr.params {
				if g := p.T.MustGrad(false); g.DType() != gotch.Float {
					t.Errorf("%s: gradient %v, want float32", p.Name, g.DType())
				}
			}
			ClearGrads(tr.params)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var bf []UpdateStats
	var tr *Trainer
	tr, err := New(c, Options{Build: BuildTransformer, Log: testLog{t}, OnUpdate: func(u UpdateStats) {
		bf = append(bf, u)
		check(tr, u)
	}})
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run()
	tr.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("update 3 never came")
	}
	c.Machine.Precision, c.Checkpoint.SaveDir = "float32", t.TempDir()
	f32, err := runWith(t, c, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for i := range f32 {
		d := math.Abs(bf[i].Loss-f32[i].Loss) / f32[i].Loss
		if d > 0.02 {
			t.Errorf("update %d: bf16 loss %.4f, float32 %.4f: more than 2%% apart", i+1, bf[i].Loss, f32[i].Loss)
		}
		differ = differ || bf[i].Loss != f32[i].Loss
	}
	if !differ {
		t.Error("bf16 and float32 losses are identical: the products did not run in bf16")
	}
}

// TestBF16ExactResume: a bf16 run stopped at update 9 and resumed matches
// the uninterrupted one bit for bit, as float32 does.
func TestBF16ExactResume(t *testing.T) {
	tch.LockThread()
	c := bf16Config(t)
	c.Optim.MaxUpdate = 20
	full, err := runWith(t, c, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	resumedMatches(t, c, 9, full)
}

// TestBF16CheckpointsInterchange: a checkpoint written by bf16 training
// holds float32 tensors and its precision; float32 training resumes from
// it (saying so) and follows bf16's own continuation within bf16's error,
// and bf16 training resumes from float32's checkpoint.
func TestBF16CheckpointsInterchange(t *testing.T) {
	tch.LockThread()
	c := bf16Config(t)
	c.Optim.MaxUpdate = 6
	if _, err := runWith(t, c, BuildTransformer); err != nil {
		t.Fatal(err)
	}
	bf16Last := filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last"+Ext)
	hdr, blobs, err := ReadCheckpoint(bf16Last)
	if err != nil {
		t.Fatal(err)
	}
	if hdr.Meta.Config.Machine.Precision != "bf16" {
		t.Errorf("checkpoint precision %q, want bf16", hdr.Meta.Config.Machine.Precision)
	}
	for _, b := range blobs {
		if b.DType != "float32" {
			t.Errorf("%s: %s, want float32", b.Name, b.DType)
		}
	}
	// resume trains in prec up to update upto from a copy of checkpoint
	// from; it returns the updates, the log and the new checkpoint_last.
	resume := func(prec, from string, upto int) ([]UpdateStats, string, string) {
		c2 := c
		c2.Machine.Precision, c2.Checkpoint.SaveDir, c2.Optim.MaxUpdate = prec, t.TempDir(), upto
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		last := filepath.Join(c2.Checkpoint.SaveDir, "checkpoint_last"+Ext)
		if err := os.WriteFile(last, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var got []UpdateStats
		var log strings.Builder
		tr, err := New(c2, Options{Build: BuildTransformer, Log: &log, OnUpdate: func(u UpdateStats) { got = append(got, u) }})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		if err := tr.Run(); err != nil {
			t.Fatal(err)
		}
		return got, log.String(), last
	}
	f32, log32, f32Last := resume("float32", bf16Last, 10)
	bf, logbf, _ := resume("bf16", bf16Last, 10)
	if len(f32) != 4 || f32[0].Update != 7 || len(bf) != 4 {
		t.Fatalf("resumed at update 6: float32 %+v, bf16 %+v", f32, bf)
	}
	if !strings.Contains(log32, "precision changed from bf16 to float32") || strings.Contains(logbf, "precision changed") {
		t.Errorf("notes on the change of precision:\nfloat32:\n%s\nbf16:\n%s", log32, logbf)
	}
	for i := range f32 {
		if d := math.Abs(f32[i].Loss-bf[i].Loss) / bf[i].Loss; d > 0.02 || d == 0 {
			t.Errorf("update %d from the bf16 checkpoint: float32 loss %.4f, bf16 %.4f", f32[i].Update, f32[i].Loss, bf[i].Loss)
		}
	}
	back, logBack, _ := resume("bf16", f32Last, 13)
	if len(back) != 3 || back[0].Update != 11 || !(back[2].Loss > 0) {
		t.Errorf("bf16 from float32's checkpoint of update 10: %+v", back)
	}
	if !strings.Contains(logBack, "precision changed from float32 to bf16") {
		t.Errorf("no note on the change of precision back:\n%s", logBack)
	}
}

// TestBF16NonFinite: skip-nonfinite and the non-finite stop work in bf16
// (the loss and gradient norm are float32).
func TestBF16NonFinite(t *testing.T) {
	tch.LockThread()
	c := bf16Config(t)
	c.Optim.MaxUpdate, c.Optim.LR, c.Optim.WarmupUpdates, c.Optim.LRScheduler = 6, 1e30, 0, "fixed"
	_, err := runWith(t, c, BuildTransformer)
	if err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("got %v, want a non-finite error", err)
	}
	c.Checkpoint.SaveDir, c.Optim.SkipNonfinite = t.TempDir(), true
	got, err := runWith(t, c, BuildTransformer)
	if err == nil || !strings.Contains(err.Error(), "in a row") {
		t.Fatalf("got %v, want a non-finite error after skipping", err)
	}
	if len(got) == 0 || !got[len(got)-1].Skipped {
		t.Errorf("no update skipped: %+v", got)
	}
}

// TestPrecisionErrors: a precision this trainer does not have, or bf16
// where the CPU cannot, is refused before training, naming the key or
// what is missing.
func TestPrecisionErrors(t *testing.T) {
	tch.LockThread()
	c := realConfig(t)
	for _, p := range []string{"fp16", "int8", ""} {
		c.Machine.Precision = p
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "precision: want float32 or bf16") {
			t.Errorf("precision %q: %v", p, err)
		}
	}
	restore, _ := kernel.SetBF16(kernel.BF16None)
	defer restore()
	c.Machine.Precision = "bf16"
	_, err := New(c, Options{Build: BuildTransformer, Log: testLog{t}})
	if err == nil || !strings.Contains(err.Error(), "precision bf16") {
		t.Fatalf("bf16 without an engine: %v", err)
	}
}
