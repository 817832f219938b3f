package translate

import (
	"fmt"
	"strings"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/kernel"
)

// Precision is the arithmetic a loaded model decodes in
// (LoadOptions.Precision, `--precision`).
type Precision string

const (
	// Auto is the checkpoint's own precision: int8 for a checkpoint
	// written by Quantize (`nmt quantize`), else float32.
	Auto Precision = ""
	// Float32: every product in float32 (an int8 checkpoint's weights are
	// dequantized).
	Float32 Precision = "float32"
	// BF16: the model's products in bf16 with float32 accumulation, the
	// rest in float32 (kernel.WithBF16): on CPUs with AVX512-BF16 through
	// oneDNN, on CUDA through libtorch's autocast. The checkpoint stays
	// float32; the decoder's weights are rounded to bf16 once.
	BF16 Precision = "bf16"
	// Int8: every linear layer and the output projection in int8 on the
	// CPU (transformer.Model.UseInt8): weights quantized by output channel
	// (read from an int8 checkpoint, or quantized on load), inputs by row
	// at each product.
	Int8 Precision = "int8"
)

// Precisions lists the precisions a model loads in.
func Precisions() []Precision { return []Precision{Float32, BF16, Int8} }

// ParsePrecision reads a precision's name; "" and "auto" are Auto.
func ParsePrecision(s string) (Precision, error) {
	if s == "" || s == "auto" {
		return Auto, nil
	}
	var names []string
	for _, p := range Precisions() {
		if string(p) == s {
			return p, nil
		}
		names = append(names, string(p))
	}
	return Auto, fmt.Errorf("precision %q: want %s or auto (the checkpoint's)", s, strings.Join(names, ", "))
}

// LoadOptions say where and in which precision a model is loaded.
type LoadOptions struct {
	Device    gotch.Device
	Precision Precision // Auto: the checkpoint's
	// Int8 keeps parts of a model loaded in Int8 in float32: Encoder and
	// Output Float32 (an int8 checkpoint's are dequantized). Embeddings
	// are a matter of files (Quantize): they must be left unset.
	Int8 QuantizeOptions
}

// check reports a precision the device cannot decode in, naming what is
// missing.
func (o LoadOptions) check() error {
	if _, err := ParsePrecision(string(o.Precision)); err != nil {
		return fmt.Errorf("translate: %w", err)
	}
	if _, _, err := o.Int8.check(); err != nil {
		return fmt.Errorf("translate: int8 %w", err)
	}
	if (o.Int8.Encoder != Auto || o.Int8.Output != Auto) && (o.Precision == Float32 || o.Precision == BF16) {
		return fmt.Errorf("translate: parts kept in float32 in int8 (--int8-float32) with precision %s: they apply to int8", o.Precision)
	}
	if o.Int8.Embeddings != Auto {
		return fmt.Errorf("translate: int8 embeddings %q: the embeddings' precision is chosen in files (nmt quantize --embeddings), not at load", o.Int8.Embeddings)
	}
	if o.Precision != BF16 {
		return nil
	}
	if err := kernel.CheckBF16(o.Device); err != nil {
		return fmt.Errorf("translate: %w", err)
	}
	if e, _ := kernel.BF16Engine(); e == kernel.BF16Autocast && !o.Device.IsCuda() {
		return fmt.Errorf("translate: precision bf16 on the CPU decodes with NMT_BF16=onednn or emulate (autocast covers training: the decoding kernels take float32)")
	}
	return nil
}

// inPrecision runs f, a search, in the model's precision.
func (m *Model) inPrecision(f func()) {
	if m.prec == BF16 {
		kernel.WithBF16(m.dev, f)
		return
	}
	f()
}
