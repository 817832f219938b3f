package main

import (
	"os"
	"path/filepath"
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
	tr, va, err := readMetrics(runs[0], "loss")
	if err != nil || len(tr) != 2 || len(va) != 1 || tr[1].Y != 7.5 {
		t.Fatalf("readMetrics: %v %v %v", tr, va, err)
	}
	out := filepath.Join(dir, "p.png")
	if err := plotRuns(runs, "loss", out); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("png: %v", err)
	}
	if err := plotRuns(runs, "bleu", out); err == nil {
		t.Error("bad metric accepted")
	}
}
