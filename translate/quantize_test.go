package translate_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/quant"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
	"github.com/fixup-nmt/nmt/translate"
)

func toyPath() string { return filepath.Join("testdata", "toy.ckpt") }

func load(t *testing.T, path string, p translate.Precision) *translate.Model {
	t.Helper()
	tch.LockThread()
	tch.SetThreads(1)
	m, err := translate.LoadWith([]string{path}, translate.LoadOptions{Device: gotch.CPU, Precision: p})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func texts(t *testing.T, m *translate.Model, lines []string, beam, nbest int) []string {
	t.Helper()
	o := translate.DefaultOptions()
	o.Beam, o.NBest = beam, nbest
	res, err := m.Translate(context.Background(), lines, o)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res {
		for _, h := range r.Hyps {
			out = append(out, h.Text)
		}
		out = append(out, "|")
	}
	return out
}

// TestQuantizeRoundTrip: nmt quantize's checkpoint stores every linear
// weight and the output projection in int8, each value within half its
// row's step of the float32 one (quantize-dequantize error per layer),
// drops the optimizer state and loads in int8 by itself; loaded, it
// translates (greedy, beam n-best) exactly as the float32 checkpoint
// quantized on load does, and loading it again, or as an ensemble of it
// twice (the same probabilities averaged), gives the same again.
// Loaded as float32, its weights are the dequantized ones.
func TestQuantizeRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "int8.ckpt")
	rep, err := translate.Quantize(toyPath(), out, translate.QuantizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, prec, float, err := translate.ReadModel(toyPath())
	if err != nil || prec != translate.Float32 {
		t.Fatalf("toy.ckpt: %v, %v", prec, err)
	}
	if len(rep.Tensors) != len(cfg.Int8Weights()) {
		t.Errorf("%d tensors quantized, want %d", len(rep.Tensors), len(cfg.Int8Weights()))
	}
	for _, q := range rep.Tensors {
		if q.MaxError > q.Bound*(1+1e-5) || q.RelRMS > 0.02 || q.RelRMS == 0 {
			t.Errorf("%s: max error %g (bound %g), relative RMS %g", q.Name, q.MaxError, q.Bound, q.RelRMS)
		}
	}
	_, prec8, stored, err := translate.ReadModel(out)
	if err != nil || prec8 != translate.Int8 {
		t.Fatalf("int8.ckpt: %v, %v", prec8, err)
	}
	checkStored(t, float, stored)
	lines := toyLines(t)
	onLoad := load(t, toyPath(), translate.Int8)
	stored8 := load(t, out, translate.Auto)
	again := load(t, out, translate.Int8)
	twice, err := translate.LoadWith([]string{out, out}, translate.LoadOptions{Device: gotch.CPU})
	if err != nil {
		t.Fatal(err)
	}
	if stored8.Precision() != translate.Int8 || load(t, toyPath(), translate.Auto).Precision() != translate.Float32 {
		t.Fatalf("precisions: int8 checkpoint %v", stored8.Precision())
	}
	for _, beam := range []int{1, 4} {
		want := texts(t, onLoad, lines, beam, min(beam, 2))
		for name, m := range map[string]*translate.Model{"int8 checkpoint": stored8, "loaded again": again, "an ensemble of it twice": twice} {
			if got := texts(t, m, lines, beam, min(beam, 2)); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("beam %d: %s translates otherwise than quantizing on load", beam, name)
			}
		}
	}
	// Dequantized to float32: a float32 model of the int8 weights.
	deq := load(t, out, translate.Float32)
	if deq.Precision() != translate.Float32 {
		t.Fatalf("--precision float32 of an int8 checkpoint: %v", deq.Precision())
	}
	texts(t, deq, lines[:5], 1, 1)
	a, _ := os.Stat(toyPath())
	b, _ := os.Stat(out)
	if rep.InBytes != a.Size() || rep.OutBytes != b.Size() {
		t.Errorf("report sizes %d, %d; files %d, %d", rep.InBytes, rep.OutBytes, a.Size(), b.Size())
	}
	// The model's tensors: 4 bytes a value in float32; in int8, 1 a
	// quantized value and 4 a row scale, the shared output projection's
	// int8 copy added.
	var want32, want8 int64
	for _, f := range float {
		want32 += 4 * int64(len(f.Values))
	}
	for _, s := range stored {
		if s.DType == "int8" {
			want8 += int64(len(s.Values)) + 4*s.Shape[0]
		} else {
			want8 += 4 * int64(len(s.Values))
		}
	}
	if rep.ModelInBytes != want32 || rep.ModelOutBytes != want8 || rep.ModelOutBytes >= rep.ModelInBytes {
		t.Errorf("model bytes %d -> %d, want %d -> %d", rep.ModelInBytes, rep.ModelOutBytes, want32, want8)
	}
}

// checkStored compares an int8 checkpoint's tensors (dequantized) with
// the float32 ones: int8 ones within half a row step, the others equal.
func checkStored(t *testing.T, float, stored []translate.StoredTensor) {
	t.Helper()
	byName := map[string]translate.StoredTensor{}
	for _, s := range stored {
		byName[s.Name] = s
	}
	for _, f := range float {
		s, ok := byName[f.Name]
		if !ok {
			t.Errorf("%s missing from the int8 checkpoint", f.Name)
			continue
		}
		if s.DType == "float32" {
			for i := range f.Values {
				if f.Values[i] != s.Values[i] {
					t.Fatalf("%s: float32 tensor changed", f.Name)
				}
			}
			continue
		}
		m, _ := quant.Int8(f.Values, int(f.Shape[0]), int(f.Shape[1]))
		for i := range f.Values {
			if d := math.Abs(float64(s.Values[i] - f.Values[i])); d > float64(m.Bound(i/m.Cols))*(1+1e-5) {
				t.Fatalf("%s[%d]: int8 %g, float32 %g", f.Name, i, s.Values[i], f.Values[i])
			}
		}
	}
}

// TestQuantizeOptions: --embeddings int8 stores the embeddings in int8
// (one tensor that is the output projection too: toy.ckpt shares them),
// --output float32 keeps the output projection in float32 and its
// products run so; sharing makes the two together impossible.
func TestQuantizeOptions(t *testing.T) {
	cfg, _, _, _ := translate.ReadModel(toyPath())
	if !cfg.ShareAll && !cfg.ShareDecoderInputOutput {
		t.Fatal("toy.ckpt shares no embedding: this test wants one that does")
	}
	dir := t.TempDir()
	dtypes := func(path string) map[string]string {
		_, _, ts, err := translate.ReadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, s := range ts {
			m[s.Name] = s.DType
		}
		return m
	}
	emb := filepath.Join(dir, "emb.ckpt")
	if _, err := translate.Quantize(toyPath(), emb, translate.QuantizeOptions{Embeddings: translate.Int8}); err != nil {
		t.Fatal(err)
	}
	d := dtypes(emb)
	if d["encoder.embed_tokens.weight"] != "int8" || d[transformer.OutputProjection] != "" {
		t.Errorf("--embeddings int8: %v", d)
	}
	outF := filepath.Join(dir, "out32.ckpt")
	if _, err := translate.Quantize(toyPath(), outF, translate.QuantizeOptions{Output: translate.Float32}); err != nil {
		t.Fatal(err)
	}
	d = dtypes(outF)
	if d["encoder.embed_tokens.weight"] != "float32" || d[transformer.OutputProjection] != "" || d["decoder.layers.0.fc1.weight"] != "int8" {
		t.Errorf("--output float32: %v", d)
	}
	def := filepath.Join(dir, "default.ckpt")
	translate.Quantize(toyPath(), def, translate.QuantizeOptions{})
	if d = dtypes(def); d[transformer.OutputProjection] != "int8" {
		t.Errorf("default: the shared output projection has no int8 copy: %v", d)
	}
	lines := toyLines(t)[:20]
	a, b := texts(t, load(t, outF, translate.Auto), lines, 4, 2), texts(t, load(t, emb, translate.Auto), lines, 4, 2)
	if strings.Join(a, "\n") == "" || len(a) != len(b) {
		t.Fatal("no translations")
	}
	_, err := translate.Quantize(toyPath(), filepath.Join(dir, "x.ckpt"), translate.QuantizeOptions{Embeddings: translate.Int8, Output: translate.Float32})
	if err == nil || !strings.Contains(err.Error(), "cannot both hold") {
		t.Errorf("embeddings int8 with output float32 on a shared model: %v", err)
	}
}

// TestInt8BadInput: quantizing an int8 checkpoint, int8 on CUDA and an
// unknown precision are refused with errors that say so.
func TestInt8BadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "int8.ckpt")
	if _, err := translate.Quantize(toyPath(), out, translate.QuantizeOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := translate.Quantize(out, out+"2", translate.QuantizeOptions{}); err == nil || !strings.Contains(err.Error(), "already an int8 checkpoint") {
		t.Errorf("quantizing an int8 checkpoint: %v", err)
	}
	_, err := translate.LoadWith([]string{out}, translate.LoadOptions{Device: gotch.CudaBuilder(0)})
	if err == nil || !strings.Contains(err.Error(), "int8 products run on the CPU") {
		t.Errorf("int8 on CUDA: %v", err)
	}
	if _, err := translate.ParsePrecision("int4"); err == nil || !strings.Contains(err.Error(), `precision "int4": want float32, bf16, int8 or auto`) {
		t.Errorf("int4: %v", err)
	}
	if _, err := translate.Quantize(toyPath(), out, translate.QuantizeOptions{Output: "bf16"}); err == nil {
		t.Error("--output bf16 accepted")
	}
}

// TestInt8EncoderFloat32: --encoder float32 (QuantizeOptions.Encoder)
// stores the encoder's linear weights in float32 and the decoder's in
// int8; that checkpoint translates as the float32 one loaded in int8
// with its encoder kept in float32 (LoadOptions.Int8, --int8-float32
// encoder). Bad values, and parts kept in float32 for a float32 model,
// are refused by name.
func TestInt8EncoderFloat32(t *testing.T) {
	dir := t.TempDir()
	enc := filepath.Join(dir, "enc32.ckpt")
	if _, err := translate.Quantize(toyPath(), enc, translate.QuantizeOptions{Encoder: translate.Float32}); err != nil {
		t.Fatal(err)
	}
	_, _, stored, err := translate.ReadModel(enc)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, s := range stored {
		if strings.HasSuffix(s.Name, "proj_weight") || strings.HasSuffix(s.Name, "proj.weight") || strings.HasSuffix(s.Name, "fc1.weight") || strings.HasSuffix(s.Name, "fc2.weight") {
			n[strings.SplitN(s.Name, ".", 2)[0]+" "+s.DType]++
		}
	}
	if n["encoder int8"] != 0 || n["encoder float32"] == 0 || n["decoder float32"] != 0 || n["decoder int8"] == 0 {
		t.Errorf("--encoder float32: linear weights by part and dtype %v", n)
	}
	tch.LockThread()
	tch.SetThreads(1)
	onLoad, err := translate.LoadWith([]string{toyPath()}, translate.LoadOptions{Device: gotch.CPU, Precision: translate.Int8,
		Int8: translate.QuantizeOptions{Encoder: translate.Float32}})
	if err != nil {
		t.Fatal(err)
	}
	lines := toyLines(t)
	for _, beam := range []int{1, 4} {
		want := texts(t, onLoad, lines, beam, 1)
		if got := texts(t, load(t, enc, translate.Auto), lines, beam, 1); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("beam %d: the --encoder float32 checkpoint translates otherwise than --int8-float32 encoder on load", beam)
		}
	}
	for _, o := range []translate.LoadOptions{
		{Device: gotch.CPU, Precision: translate.Int8, Int8: translate.QuantizeOptions{Encoder: "bf16"}},
		{Device: gotch.CPU, Precision: translate.Int8, Int8: translate.QuantizeOptions{Embeddings: translate.Int8}},
		{Device: gotch.CPU, Precision: translate.Float32, Int8: translate.QuantizeOptions{Encoder: translate.Float32}},
	} {
		if _, err := translate.LoadWith([]string{toyPath()}, o); err == nil || !strings.Contains(err.Error(), "int8") {
			t.Errorf("%+v: %v", o.Int8, err)
		}
	}
	if _, err := translate.Quantize(toyPath(), filepath.Join(dir, "x.ckpt"), translate.QuantizeOptions{Encoder: "int4"}); err == nil || !strings.Contains(err.Error(), `encoder "int4"`) {
		t.Errorf("--encoder int4: %v", err)
	}
}
