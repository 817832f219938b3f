package train

import (
	"os"
	"path/filepath"
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
