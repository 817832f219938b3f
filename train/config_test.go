package train

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		flags      map[string]string
		want       string
	}{
		{"unknown key", "data: d\nlearning-rate: 1\n", nil, `c.yaml:2: unknown key "learning-rate"`},
		{"bad type", "data: d\nlr: fast\n", nil, `c.yaml:2: lr: want a number, got "fast"`},
		{"bad int", "max-tokens: 4k\n", nil, `max-tokens: want an integer, got "4k"`},
		{"fraction for an integer", "data: d\nmax-tokens: 1024.9\n", nil, `c.yaml:2: max-tokens: want an integer, got "1024.9"`},
		{"exponent for an integer", "data: d\nseed: 1e3\n", nil, `c.yaml:2: seed: want an integer, got "1e3"`},
		{"bad value", "data: d\nlr: -1\n", nil, "lr: want a positive number, got -1"},
		{"bad choice", "data: d\nlr-scheduler: cosine\n", nil, `lr-scheduler: want inverse_sqrt, inverse_sqrt_nowarmup or fixed, got "cosine"`},
		{"bad betas", "data: d\nadam-betas: 0.9\n", nil, "adam-betas: want two numbers"},
		{"bad flag", "data: d\n", map[string]string{"dropout": "lots"}, `--dropout: want a number, got "lots"`},
		{"bad flag value", "data: d\n", map[string]string{"dropout": "1.5"}, "dropout: want a value in [0, 1)"},
		{"bad recipe", "", map[string]string{"recipe": "wmt99"}, `recipe: want one of`},
		{"no data", "", nil, "data: want a prepared data directory"},
		{"key twice", "data: d\nlr: 1\nlr: 2\n", nil, "c.yaml:3: lr: given twice (first on line 2)"},
		{"every error, line 1", "lr: x\nbeam: 5\nseed: 1.5\n", nil, `c.yaml:1: lr: want a number, got "x"`},
		{"every error, line 2", "lr: x\nbeam: 5\nseed: 1.5\n", nil, `c.yaml:2: unknown key "beam" (see nmt train --help for the keys)`},
		{"every error, line 3", "lr: x\nbeam: 5\nseed: 1.5\n", nil, `c.yaml:3: seed: want an integer, got "1.5"`},
		{"a list", "data: d\nlr: [1, 2]\n", nil, `c.yaml:2: lr: want a number, got "!!seq"`},
		{"not a mapping", "- lr\n", nil, "c.yaml:1: want keys and values (key: value lines), got !!seq"},
		{"bad syntax", "data: d\nlr: : 1\n", nil, "c.yaml: line 2: mapping values are not allowed"},
		{"eval-bleu without valid-subset", "data: d\neval-bleu: true\nvalid-subset: \"\"\n", nil, `eval-bleu: needs a valid-subset (got "")`},
		{"bad eval-bleu key", "data: d\neval-bleu-beam: 0\n", nil, "eval-bleu-beam: want 1 or more, got 0"},
		{"bad model key", "data: d\nnorm: layer\n", nil, `norm: want none, post or pre, got "layer"`},
		{"bad checkpoint key", "data: d\nsave-interval: 0\n", nil, "save-interval: want 1 or more (epochs), got 0"},
		{"bad log key", "data: d\nlog-interval: 0\n", nil, "log-interval: want 1 or more, got 0"},
		{"bad machine key", "data: d\nthreads: -2\n", nil, "threads: want 0 (default) or more, got -2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(p, []byte(tc.yaml), 0o644)
			c, err := Resolve(p, tc.flags)
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigPrecedence(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("recipe: iwslt14-fixup\ndata: d\ndropout: 0.4\nlr: 0.001\n"), 0o644)
	c, err := Resolve(p, map[string]string{"lr": "0.002"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Model.Norm != "none" || c.Model.Init != "fixup" || c.Data.MaxTokens != 4000 || c.Optim.WeightDecay != 1e-4 {
		t.Errorf("recipe not applied: %+v", c)
	}
	if c.Model.Dropout != 0.4 || c.Optim.LR != 0.002 {
		t.Errorf("dropout %v lr %v, want 0.4 (file) and 0.002 (flag)", c.Model.Dropout, c.Optim.LR)
	}
	// The printed config reads back to the same config.
	back := DefaultConfig()
	if err := back.DecodeYAML([]byte(c.YAML()), "printed"); err != nil || back != c {
		t.Errorf("YAML round trip: %v\n%+v\n%+v", err, back, c)
	}
	for _, r := range Recipes() {
		rc, _ := Recipe(r)
		rc.Data.Dir = "d"
		if err := rc.Validate(); err != nil {
			t.Errorf("recipe %s: %v", r, err)
		}
	}
}

// TestYAMLIntegers: every integer key refuses a number with a fraction, as
// its flag does, instead of truncating it.
func TestYAMLIntegers(t *testing.T) {
	n := 0
	for _, f := range Fields() {
		if f.Kind != reflect.Int && f.Kind != reflect.Int64 {
			continue
		}
		n++
		var c Config
		err := c.DecodeYAML([]byte("data: d\n"+f.Key+": 7.5\n"), "c.yaml")
		if want := fmt.Sprintf("c.yaml:2: %s: want an integer, got \"7.5\"", f.Key); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", f.Key, err, want)
		}
		if err := c.Set(f.Key, "7.5"); err == nil {
			t.Errorf("--%s 7.5 accepted", f.Key)
		}
		if err := c.DecodeYAML([]byte(f.Key+": 7\n"), "c.yaml"); err != nil || c.Get(f.Key) != "7" {
			t.Errorf("%s: 7: %v, got %s", f.Key, err, c.Get(f.Key))
		}
	}
	if n < 20 {
		t.Errorf("only %d integer keys", n)
	}
}

// TestValidateSettings: a recipe alone is a valid config to print; only
// training needs the data directory.
func TestValidateSettings(t *testing.T) {
	c, err := Recipe("iwslt14-fixup")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ValidateSettings(); err != nil {
		t.Errorf("ValidateSettings: %v", err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "data:") {
		t.Errorf("Validate without data: %v", err)
	}
	c.Optim.LR = -1
	if err := c.ValidateSettings(); err == nil || !strings.Contains(err.Error(), "lr:") {
		t.Errorf("ValidateSettings with lr -1: %v", err)
	}
}

// TestKeysCoverConfig: every field of Config is one key's, and no two keys
// share a field, but for the fields of the embedded transformer.Config and
// decode.Options that the model and the trainer set, and the code path
// that tests choose (LogSoftmax).
func TestKeysCoverConfig(t *testing.T) {
	notKeys := map[string]bool{
		"Model.Config.SrcVocab": true, "Model.Config.TgtVocab": true, "Model.Config.Pad": true, "Model.Config.EOS": true,
		"Valid.EvalBLEU.Options.NBest": true, "Valid.EvalBLEU.Options.MaxPositions": true, "Valid.EvalBLEU.Options.MinLen": true,
		"Valid.EvalBLEU.Options.UnkPen": true, "Valid.EvalBLEU.Options.NoRepeatNgram": true, "Valid.EvalBLEU.Options.Exhaustive": true,
		"Valid.EvalBLEU.Options.Special": true, "Valid.EvalBLEU.Options.LogSoftmax": true,
	}
	var c Config
	byAddr := map[uintptr]string{}
	for _, k := range keys {
		a := reflect.ValueOf(k.field(&c)).Pointer()
		if other, ok := byAddr[a]; ok {
			t.Errorf("keys %s and %s set the same field", other, k.name)
		}
		byAddr[a] = k.name
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := 0; i < v.NumField(); i++ {
			f, p := v.Field(i), path+v.Type().Field(i).Name
			_, isKey := byAddr[f.Addr().Pointer()]
			switch {
			case isKey && f.Kind() != reflect.Struct:
			case notKeys[p]:
			case f.Kind() == reflect.Struct:
				walk(f, p+".")
			default:
				t.Errorf("field %s has no key", p)
			}
		}
	}
	walk(reflect.ValueOf(&c).Elem(), "")
}

// TestKeysHelpNamesCheckpointExt: a key's help that names a checkpoint
// file names it with the extension the trainer writes (Ext).
func TestKeysHelpNamesCheckpointExt(t *testing.T) {
	file := regexp.MustCompile(`checkpoint\w*\.\w+`)
	n := 0
	for _, k := range keys {
		for _, f := range file.FindAllString(k.help, -1) {
			n++
			if !strings.HasSuffix(f, Ext) {
				t.Errorf("key %s: help names %s, want the %s extension", k.name, f, Ext)
			}
		}
	}
	if n == 0 {
		t.Error("no key's help names a checkpoint file")
	}
}
