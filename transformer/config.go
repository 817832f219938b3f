package transformer

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Config describes an encoder-decoder Transformer. The zero values of the
// optional fields mean fairseq's defaults; Validate checks the rest.
type Config struct {
	EncoderLayers, DecoderLayers int // depth of each side
	Dim, FFNDim, Heads           int // model width, FFN inner width, attention heads

	Dropout           float64 // residual and embedding dropout
	AttentionDropout  float64 // dropout on attention weights
	ActivationDropout float64 // dropout after the FFN's ReLU

	Norm string // "post" (fairseq default) | "pre" (normalize-before + final LN) | "none"
	Init string // "default" | "fixup" | "t-fixup" | "deepnorm" | "rezero"

	SrcVocab, TgtVocab int
	Pad, EOS           int // fairseq dictionary: bos 0, pad 1, eos 2, unk 3

	ShareDecoderInputOutput bool // output projection = target embedding
	ShareAll                bool // one embedding for source, target and output (joint vocabulary)

	MaxPositions int // longest sequence; 0 means 1024
}

// Presets returns the names Preset accepts.
func Presets() []string { return []string{"base", "big", "iwslt", "small"} }

// Preset returns fairseq's architecture of that name: "iwslt"
// (transformer_iwslt_de_en), "base" (transformer), "big"
// (transformer_vaswani_wmt_en_de_big) and "small" (3+3 layers, d 256, the
// reference benchmark's shape). Vocabulary sizes are those of the benchmark
// (iwslt 10000, small 8000, base/big 32000); set them from the dictionaries.
func Preset(name string) (Config, error) {
	c := DefaultConfig()
	switch name {
	case "iwslt":
		c.Dim, c.FFNDim, c.Heads, c.Dropout = 512, 1024, 4, 0.3
		c.SrcVocab, c.TgtVocab = 10000, 10000
	case "base":
		c.Dim, c.FFNDim, c.Heads, c.Dropout = 512, 2048, 8, 0.1
	case "big":
		c.Dim, c.FFNDim, c.Heads, c.Dropout = 1024, 4096, 16, 0.3
	case "small":
		c.EncoderLayers, c.DecoderLayers = 3, 3
		c.Dim, c.FFNDim, c.Heads, c.Dropout = 256, 1024, 4, 0.3
		c.SrcVocab, c.TgtVocab = 8000, 8000
	default:
		return Config{}, fmt.Errorf("transformer: unknown preset %q (want one of %s)", name, strings.Join(Presets(), ", "))
	}
	return c, nil
}

// DefaultConfig is fairseq's "transformer" (base) architecture with post
// norm and the default initialisation.
func DefaultConfig() Config {
	return Config{
		EncoderLayers: 6, DecoderLayers: 6, Dim: 512, FFNDim: 2048, Heads: 8,
		Dropout: 0.1, Norm: "post", Init: "default",
		SrcVocab: 32000, TgtVocab: 32000, Pad: 1, EOS: 2, MaxPositions: 1024,
	}
}

// validCombos lists, per initialisation, the norms it is defined for.
var validCombos = map[string][]string{
	"default":  {"post", "pre", "none"},
	"fixup":    {"none"},
	"t-fixup":  {"none"},
	"deepnorm": {"post"},
	"rezero":   {"none"},
}

// Combinations describes the valid init/norm pairs, e.g. "default with
// post|pre|none, deepnorm with post, ...".
func Combinations() string {
	var names []string
	for k := range validCombos {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s with %s", k, strings.Join(validCombos[k], "|")))
	}
	return strings.Join(parts, ", ")
}

// Validate reports the first problem with c, naming the field.
func (c Config) Validate() error {
	switch {
	case c.EncoderLayers < 1 || c.DecoderLayers < 1:
		return fmt.Errorf("transformer: need at least one layer per side, got %d+%d", c.EncoderLayers, c.DecoderLayers)
	case c.Dim < 2 || c.FFNDim < 1 || c.Heads < 1:
		return fmt.Errorf("transformer: bad widths Dim %d FFNDim %d Heads %d", c.Dim, c.FFNDim, c.Heads)
	case c.Dim%c.Heads != 0:
		return fmt.Errorf("transformer: Dim %d not divisible by Heads %d", c.Dim, c.Heads)
	case c.SrcVocab <= c.Pad || c.TgtVocab <= c.Pad || c.SrcVocab <= c.EOS || c.TgtVocab <= c.EOS:
		return fmt.Errorf("transformer: vocabularies %d/%d must hold Pad %d and EOS %d", c.SrcVocab, c.TgtVocab, c.Pad, c.EOS)
	case c.Pad < 0 || c.EOS < 0 || c.Pad == c.EOS:
		return fmt.Errorf("transformer: bad Pad %d / EOS %d", c.Pad, c.EOS)
	case c.ShareAll && c.SrcVocab != c.TgtVocab:
		return fmt.Errorf("transformer: ShareAll needs SrcVocab == TgtVocab, got %d and %d", c.SrcVocab, c.TgtVocab)
	case c.MaxPositions < 0:
		return fmt.Errorf("transformer: MaxPositions %d < 0", c.MaxPositions)
	}
	for _, p := range []float64{c.Dropout, c.AttentionDropout, c.ActivationDropout} {
		if p < 0 || p >= 1 {
			return fmt.Errorf("transformer: dropout %g outside [0, 1)", p)
		}
	}
	norms, ok := validCombos[c.Init]
	if !ok {
		return fmt.Errorf("transformer: unknown init %q; valid: %s", c.Init, Combinations())
	}
	for _, n := range norms {
		if n == c.Norm {
			return nil
		}
	}
	switch c.Norm {
	case "post", "pre", "none":
		return fmt.Errorf("transformer: init %q with norm %q is not defined; valid: %s", c.Init, c.Norm, Combinations())
	}
	return fmt.Errorf("transformer: unknown norm %q (want post, pre or none); valid: %s", c.Norm, Combinations())
}

// maxPositions returns MaxPositions or its default.
func (c Config) maxPositions() int {
	if c.MaxPositions == 0 {
		return 1024
	}
	return c.MaxPositions
}

// The structure each initialisation needs. Fixup and rezero add scalar
// parameters; fixup drops the biases inside attention and FFN; deepnorm
// scales the residual.

// LinearBiases reports whether attention and FFN projections have biases
// (all inits but fixup).
func (c Config) LinearBiases() bool { return c.Init != "fixup" }

// FixupScalars reports whether the model has Fixup's scalar biases and
// multipliers.
func (c Config) FixupScalars() bool { return c.Init == "fixup" }

// Rezero reports whether each layer has a ReZero gate.
func (c Config) Rezero() bool { return c.Init == "rezero" }

// DeepNormAlpha returns DeepNet's residual multipliers (encoder, decoder):
// 0.81*(N^4 M)^(1/16) and (3M)^(1/4) for N encoder and M decoder layers;
// 1, 1 for other inits.
func (c Config) DeepNormAlpha() (enc, dec float64) {
	if c.Init != "deepnorm" {
		return 1, 1
	}
	n, m := float64(c.EncoderLayers), float64(c.DecoderLayers)
	return 0.81 * math.Pow(math.Pow(n, 4)*m, 1.0/16), math.Pow(3*m, 0.25)
}

// DeepNormBeta returns DeepNet's weight gains (encoder, decoder):
// 0.87*(N^4 M)^(-1/16) and (12M)^(-1/4).
func (c Config) DeepNormBeta() (enc, dec float64) {
	n, m := float64(c.EncoderLayers), float64(c.DecoderLayers)
	return 0.87 * math.Pow(math.Pow(n, 4)*m, -1.0/16), math.Pow(12*m, -0.25)
}
