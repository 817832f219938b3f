package train

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch/nn"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/transformer"
)

// evalBLEUConfig is realConfig with eval-bleu on and short outputs.
func evalBLEUConfig(t *testing.T) Config {
	c := realConfig(t)
	c.Valid.EvalBLEU.On, c.Valid.EvalBLEU.RemoveBPE, c.Valid.EvalBLEU.Detok = true, true, "moses"
	c.Valid.EvalBLEU.MaxLenA, c.Valid.EvalBLEU.MaxLenB = 1, 2
	return c
}

// spyModel is the Transformer with a record of its mode: search must run
// in eval mode, and training must resume in training mode.
type spyModel struct {
	*transformer.Model
	search        decode.Model
	training      bool
	stepsTraining int // decoder steps run in training mode
	steps         int
}

func (m *spyModel) SetTraining(on bool) { m.training = on; m.Model.SetTraining(on) }

func (m *spyModel) Start(src *ts.Tensor, maxLen int) decode.State { return m.search.Start(src, maxLen) }

func (m *spyModel) Step(prev *ts.Tensor, st decode.State) *ts.Tensor {
	m.steps++
	if m.training {
		m.stepsTraining++
	}
	return m.search.Step(prev, st)
}

func runEvalBLEU(t *testing.T, c Config, spy **spyModel) ([]UpdateStats, string, error) {
	t.Helper()
	var log strings.Builder
	build := func(p *nn.Path, c Config, v Vocab) (Model, any, error) {
		m, mc, err := BuildTransformer(p, c, v)
		if err != nil {
			return nil, nil, err
		}
		tm := m.(*transformer.Model)
		s := &spyModel{Model: tm, search: decode.FromTransformer(tm)}
		if spy != nil {
			*spy = s
		}
		return s, mc, nil
	}
	var got []UpdateStats
	tr, err := New(c, Options{Build: build, Log: &log, Version: "test", OnUpdate: func(u UpdateStats) { got = append(got, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	err = tr.Run()
	t.Log(log.String())
	return got, log.String(), err
}

func readValidRecords(t *testing.T, dir string) []Record {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Type == "valid" {
			out = append(out, r)
		}
	}
	return out
}

// TestEvalBLEU: with eval-bleu every validation logs and records a BLEU
// in [0, 100], search runs in eval mode, and with best-checkpoint-metric
// bleu checkpoint_best is the validation of the highest BLEU (the first
// one of a tie), whatever the loss did.
func TestEvalBLEU(t *testing.T) {
	tch.LockThread()
	c := evalBLEUConfig(t)
	c.Optim.MaxUpdate, c.Valid.ValidateIntervalUpdates = 40, 4
	c.Valid.BestMetric, c.Valid.MaximizeBestMetric, c.Valid.EvalBLEU.PrintSamples = "bleu", true, true
	var spy *spyModel
	_, log, err := runEvalBLEU(t, c, &spy)
	if err != nil {
		t.Fatal(err)
	}
	// The run ends with a validation (update 40), so the mode it leaves
	// behind is the one training would go on in.
	if spy.steps == 0 || spy.stepsTraining > 0 || !spy.training {
		t.Errorf("%d of %d search steps in training mode; training mode after the last validation %v", spy.stepsTraining, spy.steps, spy.training)
	}
	for _, want := range []string{"eval-bleu: 60 valid pairs, beam 5", "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-test",
		"| bleu ", "| best_bleu ", "example hypothesis: ", "example reference: "} {
		if !strings.Contains(log, want) {
			t.Errorf("log has no %q", want)
		}
	}
	recs := readValidRecords(t, c.Checkpoint.SaveDir)
	if len(recs) < 10 {
		t.Fatalf("%d valid records, want at least 10", len(recs))
	}
	// best must be the running maximum of BLEU: neither the running
	// minimum (lower is better) nor a loss.
	var best Record
	for i, r := range recs {
		if r.BLEU == nil || !(*r.BLEU >= 0 && *r.BLEU <= 100) || r.Best == nil {
			t.Fatalf("valid record %d: bleu %v, best %v; want a BLEU in [0, 100] and a best", i, r.BLEU, r.Best)
		}
		if best.BLEU == nil || *r.BLEU > *best.BLEU {
			best = r
		}
		if *r.Best != *best.BLEU {
			t.Errorf("update %d: best %v, want the highest BLEU so far %v", r.Update, *r.Best, *best.BLEU)
		}
	}
	if *best.BLEU == 0 {
		t.Fatalf("BLEU stayed 0: the test cannot tell which checkpoint is best")
	}
	hdr, _, err := ReadCheckpoint(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_best"+Ext))
	if err != nil {
		t.Fatal(err)
	}
	if hdr.Meta.Updates != best.Update || hdr.Meta.BestMetric != "bleu" || *hdr.Meta.Best != *best.BLEU {
		t.Errorf("checkpoint_best: update %d, %s %v; want update %d, bleu %v", hdr.Meta.Updates, hdr.Meta.BestMetric, *hdr.Meta.Best, best.Update, *best.BLEU)
	}
	lowest := recs[0]
	for _, r := range recs {
		if r.Loss < lowest.Loss {
			lowest = r
		}
	}
	t.Logf("best BLEU %.2f at update %d of %d validations; lowest loss at update %d", *best.BLEU, best.Update, len(recs), lowest.Update)
}

// TestEvalBLEUKeepsTraining: eval-bleu changes no training loss or
// gradient norm, bit for bit, and a run with it stopped after update 9
// and resumed matches the one never stopped.
func TestEvalBLEUKeepsTraining(t *testing.T) {
	tch.LockThread()
	c := evalBLEUConfig(t)
	c.Optim.MaxUpdate, c.Valid.ValidateIntervalUpdates = 24, 5
	plain := c
	plain.Valid.EvalBLEU.On, plain.Checkpoint.SaveDir = false, t.TempDir()
	want, err := runWith(t, plain, BuildTransformer)
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := runEvalBLEU(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Checkpoint.SaveDir, c.Optim.MaxUpdate = t.TempDir(), 9
	first, _, err := runEvalBLEU(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Optim.MaxUpdate = 24
	rest, _, err := runEvalBLEU(t, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]UpdateStats{"with eval-bleu": full, "with eval-bleu, resumed at 9": append(first, rest...)} {
		if len(got) != len(want) {
			t.Fatalf("%s: %d updates, want %d", name, len(got), len(want))
		}
		for i := range want {
			if got[i].Loss != want[i].Loss || got[i].GNorm != want[i].GNorm {
				t.Fatalf("%s: update %d: loss %v gnorm %v, without eval-bleu %v %v", name, i+1, got[i].Loss, got[i].GNorm, want[i].Loss, want[i].GNorm)
			}
		}
	}
	if recs := readValidRecords(t, c.Checkpoint.SaveDir); len(recs) == 0 || recs[len(recs)-1].BLEU == nil {
		t.Errorf("resumed run: no BLEU in its last valid record")
	}
}

func TestEvalBLEUConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags map[string]string
		want  string
	}{
		{"bleu without eval-bleu", map[string]string{"best-checkpoint-metric": "bleu"}, "best-checkpoint-metric: bleu needs eval-bleu"},
		{"bad metric", map[string]string{"best-checkpoint-metric": "chrf"}, `best-checkpoint-metric: want loss, nll_loss, ppl or bleu, got "chrf"`},
		{"maximize loss", map[string]string{"maximize-best-checkpoint-metric": "true"}, "maximize-best-checkpoint-metric: loss is lower-is-better"},
		{"no valid set", map[string]string{"eval-bleu": "true", "valid-subset": ""}, `eval-bleu: needs a valid-subset`},
		{"bad detok", map[string]string{"eval-bleu-detok": "13a"}, `eval-bleu-detok: want space or moses, got "13a"`},
		{"bad beam", map[string]string{"eval-bleu-beam": "0"}, "eval-bleu-beam: want 1 or more, got 0"},
		{"bad max-len-a", map[string]string{"eval-bleu-max-len-a": "-1"}, "eval-bleu-max-len-a: want 0 or more"},
		{"no length", map[string]string{"eval-bleu-max-len-b": "0"}, "want a*src_len+b of 1 or more"},
		{"bad flag type", map[string]string{"eval-bleu-beam": "five"}, `eval-bleu-beam: want an integer, got "five"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.flags["data"] = "d"
			c, err := Resolve("", tc.flags)
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	ok, err := Resolve("", map[string]string{"data": "d", "eval-bleu": "true", "best-checkpoint-metric": "bleu", "maximize-best-checkpoint-metric": "true"})
	if err != nil || ok.Validate() != nil {
		t.Errorf("eval-bleu with bleu, maximised: %v %v", err, ok.Validate())
	}
	// A model the search cannot drive is refused before training.
	tch.LockThread()
	c := tinyConfig(t)
	c.Valid.EvalBLEU.On = true
	if _, err := New(c, Options{Build: buildTiny, Log: testLog{t}}); err == nil || !strings.Contains(err.Error(), "eval-bleu: model *train.tinyModel cannot be searched") {
		t.Errorf("tiny model with eval-bleu: %v", err)
	}
}
