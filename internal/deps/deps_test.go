package deps

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// allowed maps a package (or a prefix ending in "/...") to the project
// packages it may import, directly or not. Bottom to top.
var allowed = map[string][]string{
	"internal/atomicfile": {},
	"internal/cmdinfo":    {},
	"text":                {"internal/atomicfile"},
	"bpe":                 {"text", "internal/atomicfile"},
	"spm":                 {"internal/atomicfile"},
	"eval/bleu":           {"internal/atomicfile"},
	"quant":               {},
	"data":                {"text", "bpe", "internal/atomicfile"},
	"data/...":            {"data", "data/prep", "text", "bpe", "spm", "internal/atomicfile"},
	"tch":                 {},
	"kernel":              {"tch"},
	"dist":                {"tch"},
	"transformer":         {"kernel", "tch", "quant"},
	"fixup":               {"transformer", "kernel", "tch", "quant"},
	"decode":              {"transformer", "kernel", "tch", "quant", "text", "bpe", "data", "data/prep", "eval/bleu", "spm", "internal/atomicfile"},
	"train":               {"transformer", "fixup", "decode", "kernel", "tch", "quant", "dist", "text", "bpe", "data", "data/prep", "eval/bleu", "spm", "internal/atomicfile"},
	"translate":           {"train", "transformer", "fixup", "decode", "kernel", "tch", "quant", "dist", "text", "bpe", "data", "data/prep", "eval/bleu", "spm", "internal/atomicfile"},
	"serve":               {"translate", "train", "transformer", "fixup", "decode", "kernel", "tch", "quant", "dist", "text", "bpe", "data", "data/prep", "eval/bleu", "spm", "internal/atomicfile"},
	"study":               {"train", "transformer", "fixup", "decode", "kernel", "tch", "quant", "dist", "text", "bpe", "data", "data/prep", "data/synth", "eval/bleu", "spm", "internal/atomicfile"},
	"cmd/nmt":             {"text", "bpe", "spm", "eval/bleu", "data", "data/...", "internal/atomicfile", "internal/cmdinfo"},
	"cmd/nmt-torch":       {"*"},
	"internal/...":        {"*"},
}

type pkg struct {
	ImportPath string
	Deps       []string
	CgoFiles   []string
}

func list(t *testing.T) []pkg {
	out, err := exec.Command("go", "list", "-json", "github.com/fixup-nmt/nmt/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// rule finds the allow-list entry for a package path (relative).
func rule(rel string) ([]string, bool) {
	if r, ok := allowed[rel]; ok {
		return r, true
	}
	for k, r := range allowed {
		if base, ok := strings.CutSuffix(k, "/..."); ok && strings.HasPrefix(rel, base+"/") {
			return r, true
		}
	}
	return nil, false
}

func TestLayers(t *testing.T) {
	for _, p := range list(t) {
		rel := strings.TrimPrefix(p.ImportPath, Module)
		if strings.HasSuffix(rel, "_test") || strings.HasPrefix(rel, "runs/") {
			continue
		}
		ok, found := rule(rel)
		if !found {
			t.Errorf("%s: not in the allow-list of internal/deps; add it at its layer", rel)
			continue
		}
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, Module) {
				continue
			}
			drel := strings.TrimPrefix(d, Module)
			if drel == rel || Matches(ok, drel) {
				continue
			}
			t.Errorf("%s imports %s, which is not a layer below it", rel, drel)
		}
	}
}

func TestPureGoLayersNeverLinkTorch(t *testing.T) {
	for _, p := range list(t) {
		rel := strings.TrimPrefix(p.ImportPath, Module)
		if !Matches(PureGo, rel) {
			continue
		}
		if len(p.CgoFiles) > 0 {
			t.Errorf("%s has cgo files %v; it must build with CGO_ENABLED=0", rel, p.CgoFiles)
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "github.com/sugarme/gotch") || d == Module+"tch" || d == Module+"kernel" {
				t.Errorf("%s depends on %s: the pure-Go layers must never load libtorch", rel, d)
			}
		}
	}
}
