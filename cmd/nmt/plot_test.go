package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlotRuns(t *testing.T) {
	dir := t.TempDir()
	var runs []string
	for _, name := range []string{"fixup", "layernorm"} {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "metrics.jsonl"), []byte(`{"type":"train","update":1,"loss":9,"nll_loss":8.9,"ppl":477}
{"type":"train","update":2,"loss":8,"nll_loss":7.9,"ppl":238}
{"type":"valid","update":2,"loss":8.5,"nll_loss":8.4,"ppl":337}
{"type":"train","update":2,"loss":7.5,"nll_loss":7.4,"ppl":168}
`), 0o644)
		runs = append(runs, d)
	}
	tr, va, err := readMetrics(runs[0], "loss", io.Discard)
	if err != nil || len(tr) != 2 || len(va) != 1 || tr[1].Y != 7.5 {
		t.Fatalf("readMetrics: %v %v %v", tr, va, err)
	}
	out := filepath.Join(dir, "p.png")
	if err := plotRuns(runs, "loss", out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("png: %v", err)
	}
	if err := plotRuns(runs, "bleu", out, io.Discard); err == nil {
		t.Error("bad metric accepted")
	}
}

// TestPlotCutLine: a run killed while writing a record leaves a cut final
// line; the plot skips it with a warning naming the file and line. A bad
// line elsewhere is an error naming it.
func TestPlotCutLine(t *testing.T) {
	dir := t.TempDir()
	good := `{"type":"train","update":1,"loss":9}` + "\n" + `{"type":"valid","update":1,"loss":8.5}` + "\n"
	for _, tc := range []struct {
		name, text, warn, err string
		train                 int
	}{
		{"cut final line", good + `{"type":"train","upda`, "m.jsonl:3: skipped a cut final line", "", 1},
		{"complete final line without newline", good + `{"type":"train","update":2,"loss":7}`, "", "", 2},
		{"cut line in the middle", `{"type":"train","upda` + "\n" + good, "", "m.jsonl:1: want a JSON record", 0},
		{"empty", "", "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "m.jsonl")
			os.WriteFile(p, []byte(tc.text), 0o644)
			var warn strings.Builder
			tr, _, err := readMetrics(p, "loss", &warn)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tr) != tc.train {
				t.Errorf("%d train points, want %d", len(tr), tc.train)
			}
			if !strings.Contains(warn.String(), tc.warn) || tc.warn == "" && warn.Len() > 0 {
				t.Errorf("warning %q, want %q", warn.String(), tc.warn)
			}
		})
	}
}
