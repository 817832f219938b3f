package train

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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
	if c.Norm != "none" || c.Init != "fixup" || c.MaxTokens != 4000 || c.WeightDecay != 1e-4 {
		t.Errorf("recipe not applied: %+v", c)
	}
	if c.Dropout != 0.4 || c.LR != 0.002 {
		t.Errorf("dropout %v lr %v, want 0.4 (file) and 0.002 (flag)", c.Dropout, c.LR)
	}
	// The printed config reads back to the same config.
	var back Config
	if err := back.DecodeYAML([]byte(c.YAML()), "printed"); err != nil || back != c {
		t.Errorf("YAML round trip: %v\n%+v\n%+v", err, back, c)
	}
	for _, r := range Recipes() {
		rc, _ := Recipe(r)
		rc.Data = "d"
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
	c.LR = -1
	if err := c.ValidateSettings(); err == nil || !strings.Contains(err.Error(), "lr:") {
		t.Errorf("ValidateSettings with lr -1: %v", err)
	}
}
