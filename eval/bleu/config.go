package bleu

import (
	"fmt"
	"strconv"
)

// Config holds the BLEU settings that change the score; each one appears
// in the signature.
type Config struct {
	// Tokenize names the tokenizer: "13a" (default), "intl", "zh",
	// "char" or "none".
	Tokenize string
	// Lowercase makes the comparison case-insensitive (Python's lower()).
	Lowercase bool
	// Smooth is the smoothing method: "exp" (default), "floor", "add-k"
	// or "none" (Chen & Cherry 2014, methods 3, 1, 2 and none).
	Smooth string
	// SmoothValue is the value for floor and add-k; nil means sacreBLEU's
	// default (0.1 for floor, 1 for add-k). exp and none ignore it.
	SmoothValue *float64
	// EffectiveOrder stops the geometric mean at the highest n-gram order
	// the hypothesis has. sacreBLEU turns it on for sentence-level BLEU.
	EffectiveOrder bool
	// Version is the version field of the signature; "" means
	// DefaultVersion.
	Version string
}

// MaxOrder is BLEU's highest n-gram order.
const MaxOrder = 4

// DefaultConfig returns sacreBLEU's corpus BLEU defaults: 13a tokenizer,
// mixed case, exp smoothing, no effective order.
func DefaultConfig() Config {
	return Config{Tokenize: "13a", Smooth: "exp"}
}

// SentenceConfig returns the defaults of sacreBLEU's sentence_bleu and of
// `sacrebleu --sentence-level`: those of DefaultConfig with effective order.
func SentenceConfig() Config {
	c := DefaultConfig()
	c.EffectiveOrder = true
	return c
}

// smoothDefaults are the default values of the smoothing methods that take
// one; the others are absent.
var smoothDefaults = map[string]float64{"floor": 0.1, "add-k": 1}

// SmoothMethods lists the smoothing methods in sacreBLEU's order.
var SmoothMethods = []string{"none", "floor", "add-k", "exp"}

// Validate reports a setting that sacreBLEU would not accept.
func (c Config) Validate() error {
	if _, err := NewTokenizer(c.tokenizer()); err != nil {
		return err
	}
	switch c.smooth() {
	case "exp", "floor", "add-k", "none":
	default:
		return fmt.Errorf("bleu: unknown smoothing method %q (want none, floor, add-k or exp)", c.Smooth)
	}
	return nil
}

func (c Config) tokenizer() string {
	if c.Tokenize == "" {
		return "13a"
	}
	return c.Tokenize
}

func (c Config) smooth() string {
	if c.Smooth == "" {
		return "exp"
	}
	return c.Smooth
}

// smoothValue returns the value used by floor and add-k.
func (c Config) smoothValue() float64 {
	if c.SmoothValue != nil {
		return *c.SmoothValue
	}
	return smoothDefaults[c.smooth()]
}

func (c Config) version() string {
	if c.Version == "" {
		return DefaultVersion
	}
	return c.Version
}

// signature returns the BLEU signature for nrefs references.
func (c Config) signature(nrefs string) Signature {
	var s Signature
	s.set("nrefs", nrefs)
	cs := "mixed"
	if c.Lowercase {
		cs = "lc"
	}
	s.set("case", cs)
	s.set("eff", yesNo(c.EffectiveOrder))
	s.set("tok", c.tokenizer())
	sm := c.smooth()
	if _, ok := smoothDefaults[sm]; ok {
		sm += "[" + strconv.FormatFloat(c.smoothValue(), 'f', 2, 64) + "]"
	}
	s.set("smooth", sm)
	s.set("version", c.version())
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
