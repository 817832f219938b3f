package translate_test

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/translate"
)

// TestBF16Decoding: the toy model (trained in float32) decodes in bf16
// with beam 5: most sentences translate as in float32, and every
// hypothesis's score is within bf16's error of float32's score for the
// same output (the model is the same; only the products' rounding
// differs). On CPUs without bf16 instructions the emulation runs (the
// same rounding).
func TestBF16Decoding(t *testing.T) {
	m32 := loadToy(t)
	if e, _ := kernel.BF16Engine(); e == kernel.BF16None {
		restore, err := kernel.SetBF16(kernel.BF16Emulate)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
	}
	m16, err := translate.LoadWith([]string{filepath.Join("testdata", "toy.ckpt")}, translate.LoadOptions{Device: gotch.CPU, Precision: translate.BF16})
	if err != nil {
		t.Fatal(err)
	}
	if m16.Precision() != translate.BF16 || m32.Precision() != translate.Float32 {
		t.Fatalf("precisions %q and %q", m16.Precision(), m32.Precision())
	}
	lines := toyLines(t)
	o := translate.DefaultOptions()
	r32, err := m32.Translate(context.Background(), lines, o)
	if err != nil {
		t.Fatal(err)
	}
	r16, err := m16.Translate(context.Background(), lines, o)
	if err != nil {
		t.Fatal(err)
	}
	same, n, scoreDiff := 0, 0, 0.0
	for i := range r32 {
		if len(r32[i].Hyps) == 0 {
			continue
		}
		n++
		a, b := r32[i].Hyps[0], r16[i].Hyps[0]
		if a.Text == b.Text {
			same++
			scoreDiff = math.Max(scoreDiff, math.Abs(a.Score-b.Score))
		}
	}
	t.Logf("bf16 against float32, beam 5: %d of %d outputs the same, scores at most %.4f apart", same, n, scoreDiff)
	if same < n*3/4 {
		t.Errorf("only %d of %d outputs as in float32", same, n)
	}
	if scoreDiff == 0 || scoreDiff > 0.05 {
		t.Errorf("scores of the same outputs up to %.4f apart: want bf16's rounding (above 0, at most 0.05)", scoreDiff)
	}
}

// TestPrecisionErrors: an unknown precision, or bf16 where the device
// cannot, is refused at load, naming it or what is missing.
func TestPrecisionErrors(t *testing.T) {
	tch.LockThread()
	ck := []string{filepath.Join("testdata", "toy.ckpt")}
	if _, err := translate.ParsePrecision("fp16"); err == nil || !strings.Contains(err.Error(), `precision "fp16": want float32, bf16, int8 or auto`) {
		t.Errorf("fp16: %v", err)
	}
	if _, err := translate.LoadWith(ck, translate.LoadOptions{Device: gotch.CPU, Precision: "int4"}); err == nil || !strings.Contains(err.Error(), `"int4"`) {
		t.Errorf("int4: %v", err)
	}
	restore, _ := kernel.SetBF16(kernel.BF16None)
	defer restore()
	if _, err := translate.LoadWith(ck, translate.LoadOptions{Device: gotch.CPU, Precision: translate.BF16}); err == nil || !strings.Contains(err.Error(), "precision bf16") {
		t.Errorf("bf16 without an engine: %v", err)
	}
	kernel.ConfigureBF16(kernel.BF16Autocast)
	if _, err := translate.LoadWith(ck, translate.LoadOptions{Device: gotch.CPU, Precision: translate.BF16}); err == nil || !strings.Contains(err.Error(), "NMT_BF16=onednn or emulate") {
		t.Errorf("bf16 on the CPU's autocast: %v", err)
	}
}
