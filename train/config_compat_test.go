package train

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/transformer"
)

// oldCase is a line of testdata/oldconfig/cases.txt.
type oldCase struct {
	name    string
	args    []string
	trained bool // NAME.yaml was written by a training run (no ARGS)
}

func oldCases(t *testing.T) []oldCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "oldconfig", "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []oldCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<16)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, args, ok := strings.Cut(line, ":")
		out = append(out, oldCase{name: name, args: strings.Fields(args), trained: !ok})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// flagsOf turns `nmt train` arguments into Resolve's config path and
// flags, as cmd/nmt-torch does.
func flagsOf(t *testing.T, args []string) (string, map[string]string) {
	t.Helper()
	kinds := map[string]reflect.Kind{}
	for _, f := range Fields() {
		kinds[f.Key] = f.Kind
	}
	config, flags := "", map[string]string{}
	for i := 0; i < len(args); i++ {
		k, ok := strings.CutPrefix(args[i], "--")
		if !ok {
			t.Fatalf("argument %q: want --KEY", args[i])
		}
		if kinds[k] == reflect.Bool {
			flags[k] = "true"
			continue
		}
		if i+1 == len(args) {
			t.Fatalf("--%s without a value", k)
		}
		i++
		if k == "config" {
			config = filepath.Join("testdata", "oldconfig", args[i])
		} else {
			flags[k] = args[i]
		}
	}
	return config, flags
}

// TestOldConfigs: config files written before Config had parts load to the
// same settings: printed again, every key of the file has its comment and
// value byte for byte (keys added since print too), as a --config file
// too; the command lines that printed them (recipes, the docs' and
// scripts' examples, every key) still resolve to them and validate.
func TestOldConfigs(t *testing.T) {
	cases := oldCases(t)
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", "oldconfig", tc.name+".yaml")
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := DefaultConfig()
			if err := c.DecodeYAML(want, path); err != nil {
				t.Fatal(err)
			}
			sameYAML(t, path, c.YAML(), string(want)) // loaded and printed again
			if rc, err := Resolve(path, nil); err != nil || rc != c {
				t.Errorf("as --config: %v\n%+v\nwant %+v", err, rc, c)
			}
			if tc.trained {
				return
			}
			config, flags := flagsOf(t, tc.args)
			fc, err := Resolve(config, flags)
			if err != nil {
				t.Fatal(err)
			}
			if fc != c {
				t.Errorf("%s resolves to\n%+v\nwant %+v", strings.Join(tc.args, " "), fc, c)
			}
			if err := fc.ValidateSettings(); err != nil {
				t.Errorf("ValidateSettings: %v", err)
			}
		})
	}
}

// TestOldCheckpointConfig: the config a checkpoint recorded before Config
// had parts (the flat struct's JSON, Go field names) reads back to the
// run's config.yaml, and resolves to the model the run built; a config
// written now reads back the same.
func TestOldCheckpointConfig(t *testing.T) {
	n := 0
	for _, tc := range oldCases(t) {
		if !tc.trained {
			continue
		}
		n++
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "oldconfig")
			path := filepath.Join(dir, tc.name+".yaml")
			yml, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(filepath.Join(dir, tc.name+".meta.json"))
			if err != nil {
				t.Fatal(err)
			}
			var meta struct {
				Config      Config             `json:"config"`
				ModelConfig transformer.Config `json:"model_config"`
			}
			if err := json.Unmarshal(js, &meta); err != nil {
				t.Fatal(err)
			}
			// The checkpoint has the languages the trainer read from
			// prepare.json; config.yaml has them as they were given.
			c := meta.Config
			if c.Data.SourceLang != "de" || c.Data.TargetLang != "en" {
				t.Errorf("languages %q, %q, want de, en", c.Data.SourceLang, c.Data.TargetLang)
			}
			c.Data.SourceLang, c.Data.TargetLang = "", ""
			sameYAML(t, path, c.YAML(), string(yml))
			mc := meta.ModelConfig
			got, err := c.Model.Resolve(Vocab{Src: mc.SrcVocab, Tgt: mc.TgtVocab, Pad: mc.Pad, EOS: mc.EOS})
			if err != nil || got != mc {
				t.Errorf("model: %v\n%+v\nwant %+v", err, got, mc)
			}
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var back Config
			if err := json.Unmarshal(b, &back); err != nil || back != c {
				t.Errorf("JSON round trip: %v\n%s", err, b)
			}
			if !strings.HasPrefix(string(b), `{"recipe":`) {
				t.Errorf("meta.config is not keyed by the YAML keys: %.80s", b)
			}
		})
	}
	if n < 2 {
		t.Fatalf("only %d checkpoints", n)
	}
}

// sameYAML checks that got, a config printed now, has the old file
// want's comment and value for every key of want, in want's order. Keys
// added since print their lines too; they are not in want.
func sameYAML(t *testing.T, path, got, want string) {
	t.Helper()
	g, w := splitYAML(got), splitYAML(want)
	var kept strings.Builder
	for _, b := range g {
		if _, ok := w.find(b.key); ok {
			kept.WriteString(b.text)
		}
	}
	if kept.String() == want {
		return
	}
	for _, b := range w {
		if gb, ok := g.find(b.key); !ok || gb.text != b.text {
			t.Errorf("%s: printed again:\n%s\nwant:\n%s", path, gb.text, b.text)
		}
	}
	t.Errorf("%s: printed again, the old keys give %d bytes, the file has %d", path, kept.Len(), len(want))
}

// yamlBlock is one key of a printed config: its comment and its line.
type yamlBlock struct{ key, text string }

type yamlBlocks []yamlBlock

// splitYAML splits a printed config into its keys' blocks.
func splitYAML(s string) yamlBlocks {
	var out yamlBlocks
	var cur strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		cur.WriteString(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _ := strings.Cut(line, ":")
		out = append(out, yamlBlock{k, cur.String()})
		cur.Reset()
	}
	return out
}

func (bs yamlBlocks) find(key string) (yamlBlock, bool) {
	for _, b := range bs {
		if b.key == key {
			return b, true
		}
	}
	return yamlBlock{}, false
}
