package translate

import (
	"fmt"
	"strings"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/kernel"
)

// Precision is the arithmetic a loaded model decodes in.
type Precision string

const (
	// Float32: every product in float32 (the default).
	Float32 Precision = "float32"
	// BF16: the model's products in bf16 with float32 accumulation, the
	// rest in float32 (kernel.WithBF16): on CPUs with AVX512-BF16 through
	// oneDNN, on CUDA through libtorch's autocast. The checkpoint stays
	// float32; the decoder's weights are rounded to bf16 once.
	BF16 Precision = "bf16"
)

// Precisions lists the precisions a model loads in.
func Precisions() []Precision { return []Precision{Float32, BF16} }

// ParsePrecision reads a precision's name; "" is Float32.
func ParsePrecision(s string) (Precision, error) {
	if s == "" {
		return Float32, nil
	}
	var names []string
	for _, p := range Precisions() {
		if string(p) == s {
			return p, nil
		}
		names = append(names, string(p))
	}
	return "", fmt.Errorf("precision %q: want %s", s, strings.Join(names, " or "))
}

// LoadOptions say where and in which precision a model is loaded.
type LoadOptions struct {
	Device    gotch.Device
	Precision Precision // "": Float32
}

// check reports a precision the device cannot decode in, naming what is
// missing.
func (o LoadOptions) check() error {
	if _, err := ParsePrecision(string(o.Precision)); err != nil {
		return fmt.Errorf("translate: %w", err)
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
