package study

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
)

// tinyCorpus prepares 400 synth pairs (BPE 100 merges) once per test run.
func tinyCorpus(t *testing.T) string {
	t.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nmt-study-test-")
		if err != nil {
			corpusErr = err
			return
		}
		c := tinyConfig(dir)
		c.Data = ""
		corpusErr = Prepare(&c, &bytes.Buffer{})
		corpusDir = c.Data
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusDir
}

// tinyConfig: depths 1 and 2, fixup and post-ln, 3 updates, d 16.
func tinyConfig(out string) Config {
	c := DefaultConfig()
	c.Out, c.Data = out, corpusDir
	c.Depths = []int{1, 2}
	c.Methods, _ = ParseMethods("fixup,post-ln")
	c.Dim, c.FFNDim, c.Heads = 16, 32, 2
	c.Updates, c.Warmup, c.MaxTokens = 3, 2, 256
	c.TrainPairs, c.Merges, c.Threads = 400, 100, 1
	return c
}

func TestTinyStudyEndToEnd(t *testing.T) {
	tch.LockThread()
	tinyCorpus(t)
	c := tinyConfig(t.TempDir())
	var log, table bytes.Buffer
	res, err := Run(c, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(res) != 4 {
		t.Fatalf("got %d results, want 4", len(res))
	}
	for _, r := range res {
		if len(r.Curve) != 3 || r.Done != 3 {
			t.Errorf("%s L%d: %d points, %d updates, want 3", r.Method, r.Depth, len(r.Curve), r.Done)
		}
		if r.Diverged || !finite(float64(r.FinalLoss)) || r.AtInit.Total <= 0 || r.AtInit.Params == 0 {
			t.Errorf("%s L%d: %+v", r.Method, r.Depth, r)
		}
		layers := 0
		for _, l := range r.AtInit.Layers {
			if _, _, ok := layerIndex(l.Layer); ok {
				layers++
			}
		}
		if layers != 2*r.Depth {
			t.Errorf("%s L%d: grad norms of %d layers, want %d", r.Method, r.Depth, layers, 2*r.Depth)
		}
	}
	if err := Summarise(c, res, &table); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"final-loss.png", "grad-norm.png", "grad-norm-layers.png", "loss-curves.png"} {
		b, err := os.ReadFile(filepath.Join(c.Out, name))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s: not a PNG (%v)", name, err)
		}
	}
	var back []*Result
	b, err := os.ReadFile(filepath.Join(c.Out, "results.json"))
	if err != nil || json.Unmarshal(b, &back) != nil || len(back) != 4 {
		t.Errorf("results.json: %v, %d results", err, len(back))
	}
	csv, _ := os.ReadFile(filepath.Join(c.Out, "results.csv"))
	if n := strings.Count(string(csv), "\n"); n != 5 {
		t.Errorf("results.csv: %d lines, want 5", n)
	}
	if !strings.Contains(table.String(), "deepest complete setting 2+2 layers: trained: fixup, post-ln; diverged: none") {
		t.Errorf("table:\n%s", table.String())
	}
}

func TestResume(t *testing.T) {
	tch.LockThread()
	tinyCorpus(t)
	c := tinyConfig(t.TempDir())
	c.Depths = []int{1}
	first, err := Run(c, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	// A second run trains nothing and returns the same results.
	var log bytes.Buffer
	again, err := Run(c, &log)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "training") || strings.Count(log.String(), "done before") != 2 {
		t.Errorf("second run trained again:\n%s", log.String())
	}
	for i := range first {
		if !near(first[i].FinalLoss, again[i].FinalLoss) || !near(first[i].AtInit.Total, again[i].AtInit.Total) {
			t.Errorf("%s: resumed result differs", first[i].Method)
		}
	}
	// Without one run file, only that run is made again.
	os.Remove(runPath(c, c.Methods[1], 1))
	log.Reset()
	if _, err := Run(c, &log); err != nil {
		t.Fatal(err)
	}
	if strings.Count(log.String(), "training") != 1 || !strings.Contains(log.String(), "post-ln    1 layers: training") {
		t.Errorf("want only post-ln trained again:\n%s", log.String())
	}
	// Other settings in the same directory are refused.
	c.Updates = 4
	if _, err := Run(c, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("changed settings: got %v", err)
	}
}

func TestDivergence(t *testing.T) {
	tch.LockThread()
	tinyCorpus(t)
	c := tinyConfig(t.TempDir())
	c.Depths, c.Updates, c.LR, c.Schedule, c.Warmup = []int{2}, 5, 1e3, "warmup", 1
	c.Methods, _ = ParseMethods("no-norm")
	res, err := Run(c, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if !r.Diverged || r.Reason == "" {
		t.Fatalf("lr 1e3 did not diverge: final loss %v, curve %+v", r.FinalLoss, r.Curve)
	}
	t.Logf("diverged: %s", r.Reason)
	// The run file keeps non-finite numbers.
	back, ok, err := readRun(runPath(c, c.Methods[0], 2))
	if err != nil || !ok || !back.Diverged || math.IsNaN(float64(back.FinalLoss)) != math.IsNaN(float64(r.FinalLoss)) {
		t.Errorf("run file: %v %v %+v", err, ok, back)
	}
	var table bytes.Buffer
	if err := Summarise(c, res, &table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "trained: none; diverged: no-norm") {
		t.Errorf("table:\n%s", table.String())
	}
}

// The gradient norm at init is the one the trainer logs for its first
// update: same model, same batch, same scaling.
func TestInitGradsMatchTrainer(t *testing.T) {
	tch.LockThread()
	tinyCorpus(t)
	c := tinyConfig(t.TempDir())
	c.Depths, c.Updates = []int{2}, 1
	c.Methods, _ = ParseMethods("pre-ln")
	res, err := Run(c, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	got, want := float64(r.AtInit.Total), float64(r.Curve[0].GNorm)
	if math.Abs(got-want) > 1e-4*want {
		t.Errorf("grad norm at init %v, trainer's first update %v", got, want)
	}
	if math.Abs(float64(r.AtInit.Loss-r.Curve[0].Loss)) > 1e-4 {
		t.Errorf("loss at init %v, trainer's first update %v", r.AtInit.Loss, r.Curve[0].Loss)
	}
}

func TestNumJSON(t *testing.T) {
	for _, x := range []float64{1.5, 0, math.NaN(), math.Inf(1), math.Inf(-1)} {
		b, err := json.Marshal(Num(x))
		if err != nil {
			t.Fatal(err)
		}
		var y Num
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatal(err)
		}
		if !(float64(y) == x || math.IsNaN(x) && math.IsNaN(float64(y))) {
			t.Errorf("%v -> %s -> %v", x, b, y)
		}
	}
}

// A run whose model is not finite at init still writes its file.
func TestNonFiniteRunFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs", "x.json")
	nan, inf := Num(math.NaN()), Num(math.Inf(1))
	r := &Result{AtInit: InitGrads{Loss: inf, Total: nan, Layers: []LayerGrad{{"encoder.layers.0", nan}}},
		Curve: []Point{{1, nan, nan, inf, 1e-7}}, FinalLoss: nan, Diverged: true}
	if err := writeJSON(path, r); err != nil {
		t.Fatal(err)
	}
	back, ok, err := readRun(path)
	if err != nil || !ok || !math.IsInf(float64(back.AtInit.Loss), 1) || !math.IsNaN(float64(back.AtInit.Layers[0].Norm)) {
		t.Fatalf("%v %v %+v", err, ok, back)
	}
}

func TestParseMethods(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		fail string
	}{
		{"all", 7, ""},
		{"fixup, t-fixup", 2, ""},
		{"fixup,layernorm", 0, `unknown method "layernorm"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := ParseMethods(tt.in)
			if tt.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fail) {
					t.Fatalf("got %v, want error %q", err, tt.fail)
				}
				return
			}
			if err != nil || len(m) != tt.n {
				t.Fatalf("got %d methods, %v; want %d", len(m), err, tt.n)
			}
		})
	}
	c := DefaultConfig()
	c.Depths, c.Heads, c.Schedule = []int{0}, 5, "cosine"
	err := c.Validate()
	for _, want := range []string{"depth 0", "divisible by heads", `schedule "cosine"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: got %v, want %q", err, want)
		}
	}
}

func near(a, b Num) bool { return math.Abs(float64(a-b)) <= 1e-6*math.Abs(float64(a)) }
