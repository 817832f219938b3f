package serve

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/translate"
)

// Decoding holds the decoding options a models file may set for a model
// (the flags of `nmt translate`); unset keys keep translate's defaults.
type Decoding struct {
	Beam           *int     `yaml:"beam" json:"beam,omitempty"`
	NBest          *int     `yaml:"nbest" json:"nbest,omitempty"`
	LenPen         *float64 `yaml:"lenpen" json:"lenpen,omitempty"`
	MaxLenA        *float64 `yaml:"max_len_a" json:"max_len_a,omitempty"`
	MaxLenB        *int     `yaml:"max_len_b" json:"max_len_b,omitempty"`
	MinLen         *int     `yaml:"min_len" json:"min_len,omitempty"`
	UnkPen         *float64 `yaml:"unkpen" json:"unkpen,omitempty"`
	NoRepeatNgram  *int     `yaml:"no_repeat_ngram_size" json:"no_repeat_ngram_size,omitempty"`
	ExhaustiveStop *bool    `yaml:"exhaustive_stop" json:"exhaustive_stop,omitempty"`
}

// Apply sets the options d names.
func (d Decoding) Apply(o *decode.Options) {
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setf := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&o.Beam, d.Beam)
	set(&o.NBest, d.NBest)
	setf(&o.LenPen, d.LenPen)
	setf(&o.MaxLenA, d.MaxLenA)
	set(&o.MaxLenB, d.MaxLenB)
	set(&o.MinLen, d.MinLen)
	setf(&o.UnkPen, d.UnkPen)
	set(&o.NoRepeatNgram, d.NoRepeatNgram)
	if d.ExhaustiveStop != nil {
		o.Exhaustive = *d.ExhaustiveStop
	}
}

// ModelSpec is one model of a models file (--models):
//
//	models:
//	  - name: de-en              # unique; the native API's "model"
//	    source: de               # language codes (LibreTranslate's source, target);
//	    target: en               #   default: the checkpoint's languages
//	    checkpoints: [model/checkpoint_best.ckpt]   # several: an ensemble
//	    device: cpu              # auto, cpu, cuda, cuda:N (default auto)
//	    split_sentences: true    # split paragraphs into sentences (default true)
//	    fail_overlong: false     # an overlong sentence is an error (default: cut)
//	    decoding: {beam: 5, lenpen: 1.0, max_len_a: 0, max_len_b: 200}
type ModelSpec struct {
	Name           string   `yaml:"name"`
	Source         string   `yaml:"source"`
	Target         string   `yaml:"target"`
	Checkpoints    []string `yaml:"checkpoints"`
	Device         string   `yaml:"device"`
	SplitSentences *bool    `yaml:"split_sentences"`
	FailOverlong   bool     `yaml:"fail_overlong"`
	Decoding       Decoding `yaml:"decoding"`
}

// ReadModels reads a models file.
func ReadModels(path string) ([]ModelSpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Models []ModelSpec `yaml:"models"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.Models) == 0 {
		return nil, fmt.Errorf("%s: want a list of models under \"models:\", got none", path)
	}
	seen := map[string]bool{}
	for i, m := range f.Models {
		switch {
		case m.Name == "":
			return nil, fmt.Errorf("%s: model %d: want a name", path, i+1)
		case seen[m.Name]:
			return nil, fmt.Errorf("%s: model %q given twice", path, m.Name)
		case len(m.Checkpoints) == 0:
			return nil, fmt.Errorf("%s: model %q: want checkpoints", path, m.Name)
		}
		seen[m.Name] = true
	}
	return f.Models, nil
}

// Loaded is a model ready to serve: its spec, the loaded checkpoints and
// its default options.
type Loaded struct {
	Spec    ModelSpec
	Model   *translate.Model
	Options translate.Options
}

// Config are the server's settings.
type Config struct {
	// Load loads the models; it runs at start and at every reload (SIGHUP,
	// POST /admin/reload). Every model needs a distinct name and a
	// distinct source-target pair.
	Load func() ([]Loaded, error)

	MaxTokens    int           // source tokens per search (dynamic batches)
	MaxWait      time.Duration // wait at most this long after a request for others to batch with it
	MaxQueue     int           // sentences waiting per model; more is answered 429
	MaxBodyBytes int64         // request body limit; more is answered 413
	MaxSentences int           // sentences per request (after splitting); more is 413
	MaxBeam      int           // largest beam a request may ask for
	Timeout      time.Duration // per request: answered 503 once over

	APIKeys     map[string]bool // when not empty, translation needs one of them (403)
	AdminKeys   map[string]bool // keys of POST /admin/reload (disabled when empty)
	CORSOrigins []string        // origins allowed to call from a browser ("*": any); none: no CORS headers

	Log *slog.Logger // access log and events; nil: discarded
}

// DefaultConfig returns the settings of `nmt serve` without flags.
func DefaultConfig() Config {
	return Config{MaxTokens: 4096, MaxWait: 5 * time.Millisecond, MaxQueue: 4096, MaxBodyBytes: 1 << 20,
		MaxSentences: 512, MaxBeam: 16, Timeout: 30 * time.Second}
}

// ReadKeys reads API keys, one per line; blank lines and lines starting
// with # are skipped.
func ReadKeys(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keys := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		k := strings.TrimSpace(sc.Text())
		if k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		if strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%s:%d: want one key per line, got spaces inside", path, n)
		}
		keys[k] = true
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no keys", path)
	}
	return keys, nil
}
