package bleu

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// wmt17Dir returns the directory of the WMT17 en-de system outputs
// (../shared/data/... from the repository root, or $NMT_WMT17_DIR), or
// skips the test: the outputs are not part of the repository.
func wmt17Dir(t testing.TB) string {
	dir := os.Getenv("NMT_WMT17_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "wmt14-en-de", "system-outputs", "wmt17-en-de")
	}
	if _, err := os.Stat(filepath.Join(dir, "newstest2017-ende-ref.de")); err != nil {
		t.Skipf("WMT17 en-de system outputs not found in %s (set NMT_WMT17_DIR)", dir)
	}
	return dir
}

// readSegments reads a text file as sacreBLEU reads -i files: one segment
// per "\n"-terminated line, trailing whitespace removed.
func readSegments(t testing.TB, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = pyRstrip(lines[i])
	}
	return lines
}

// wmt17Systems returns the system names (newstest2017.NAME.en-de).
func wmt17Systems(t testing.TB, dir string) []string {
	m, err := filepath.Glob(filepath.Join(dir, "newstest2017.*.en-de"))
	if err != nil || len(m) != 16 {
		t.Fatalf("want 16 systems in %s, found %d (%v)", dir, len(m), err)
	}
	var names []string
	for _, p := range m {
		b := filepath.Base(p)
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(b, "newstest2017."), ".en-de"))
	}
	return names
}

type published struct {
	system, metric, value, source string
	decimals                      int
}

func readPublished(t testing.TB) []published {
	f, err := os.Open("testdata/sacrebleu-published.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []published
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("sacrebleu-published.tsv:%d: want 5 tab-separated fields, got %d", n, len(f))
		}
		d, err := strconv.Atoi(f[3])
		if err != nil {
			t.Fatalf("sacrebleu-published.tsv:%d: decimals: %v", n, err)
		}
		out = append(out, published{f[0], f[1], f[2], f[4], d})
	}
	return out
}

// wmt17Metrics are the metrics of the golden file, in its order.
var wmt17Metrics = []string{"BLEU", "BLEU-intl", "chrF2", "chrF2-eps", "chrF2++", "chrF2++-eps"}

// wmt17Scores scores every system with every metric of wmt17Metrics, and
// returns the scores and the default BLEU line of each system.
func wmt17Scores(t testing.TB, dir string) (map[string]map[string]float64, map[string]string) {
	ref := [][]string{readSegments(t, filepath.Join(dir, "newstest2017-ende-ref.de"))}
	intl := DefaultConfig()
	intl.Tokenize = "intl"
	bleus := map[string]Config{"BLEU": DefaultConfig(), "BLEU-intl": intl}
	chrfs := map[string]CHRFConfig{
		"chrF2": DefaultCHRFConfig(), "chrF2-eps": chrfCfg(2, 0, true, false),
		"chrF2++": chrfCfg(2, 2, false, false), "chrF2++-eps": chrfCfg(2, 2, true, false),
	}
	type scorer func([]string) (float64, string)
	scorers := map[string]scorer{}
	for name, cfg := range bleus {
		b, err := New(ref, cfg)
		if err != nil {
			t.Fatal(err)
		}
		scorers[name] = func(h []string) (float64, string) {
			s, err := b.Corpus(h)
			if err != nil {
				t.Fatal(err)
			}
			return s.Score, s.Line().Text(2, false)
		}
	}
	for name, cfg := range chrfs {
		c, err := NewCHRF(ref, cfg)
		if err != nil {
			t.Fatal(err)
		}
		scorers[name] = func(h []string) (float64, string) {
			s, err := c.Corpus(h)
			if err != nil {
				t.Fatal(err)
			}
			return s.Score, ""
		}
	}
	scores := map[string]map[string]float64{}
	lines := map[string]string{}
	for _, sys := range wmt17Systems(t, dir) {
		hyps := readSegments(t, filepath.Join(dir, "newstest2017."+sys+".en-de"))
		scores[sys] = map[string]float64{}
		for _, m := range wmt17Metrics {
			v, line := scorers[m](hyps)
			scores[sys][m] = v
			if m == "BLEU" {
				lines[sys] = line
			}
		}
	}
	return scores, lines
}

// TestWMT17Golden scores the 16 WMT17 en-de systems with BLEU and chrF
// and (1) checks every number sacreBLEU publishes for them at the
// precision it was published with, (2) compares all scores with
// testdata/wmt17-en-de.golden (-update rewrites it).
func TestWMT17Golden(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := wmt17Dir(t)
	scores, lines := wmt17Scores(t, dir)
	pub := readPublished(t)
	for _, p := range pub {
		v, ok := scores[p.system][p.metric]
		if !ok {
			t.Errorf("published %s %s: no such system or metric", p.system, p.metric)
			continue
		}
		pv, _ := strconv.ParseFloat(p.value, 64)
		want := fmtF(pv, p.decimals)
		if got := fmtF(v, p.decimals); got != want {
			t.Errorf("%s %s = %s, sacreBLEU (%s) publishes %s", p.system, p.metric, got, p.source, want)
		}
	}

	var b strings.Builder
	b.WriteString("# WMT17 en-de (newstest2017, 3004 segments, 1 reference): eval/bleu scores with 4 decimals\n")
	b.WriteString("# beside the numbers sacreBLEU publishes (testdata/sacrebleu-published.tsv; equal at their precision).\n")
	b.WriteString("# Regenerate: go test ./eval/bleu -run TestWMT17Golden -update (needs ../shared/data/wmt14-en-de).\n")
	fmt.Fprintf(&b, "# %-22s %-12s %9s  %s\n", "system", "metric", "eval/bleu", "sacreBLEU")
	for _, sys := range wmt17Systems(t, dir) {
		for _, m := range wmt17Metrics {
			var ps []string
			for _, p := range pub {
				if p.system == sys && p.metric == m {
					ps = append(ps, p.value+" ("+p.source+")")
				}
			}
			if len(ps) == 0 {
				ps = []string{"-"}
			}
			fmt.Fprintf(&b, "%-24s %-12s %9s  %s\n", sys, m, fmtF(scores[sys][m], 4), strings.Join(ps, ", "))
		}
	}
	b.WriteString("\n# Default BLEU lines (-w 2)\n")
	for _, sys := range wmt17Systems(t, dir) {
		fmt.Fprintf(&b, "%-24s %s\n", sys, strings.Replace(lines[sys], "version:"+DefaultVersion, "version:nmt", 1))
	}
	testfix.Golden(t, "testdata/wmt17-en-de.golden", []byte(b.String()), *update)
}
