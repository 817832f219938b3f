package bleu

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

func TestEstimateCI(t *testing.T) {
	// 40 scores 1..40: the interval runs from the 2nd smallest (index
	// 40/40 = 1) to the 2nd largest (index 38): half width (39-2)/2.
	var s []float64
	for i := 40; i >= 1; i-- {
		s = append(s, float64(i))
	}
	mean, ci := EstimateCI(s)
	if mean != 20.5 || ci != 18.5 {
		t.Errorf("EstimateCI(1..40) = %v, %v, want 20.5, 18.5", mean, ci)
	}
	// Python: statistics.mean([0.1, 0.2, 0.3]) == 0.2 (exact), while the
	// naive float sum gives 0.20000000000000004.
	if m, _ := EstimateCIExact([]float64{0.3, 0.1, 0.2}); m != 0.2 {
		t.Errorf("EstimateCIExact mean = %v, want 0.2", m)
	}
	a, b, c := 0.1, 0.2, 0.3 // variables: Go constant arithmetic is exact
	if m, _ := EstimateCI([]float64{c, a, b}); m != (a+b+c)/3 {
		t.Errorf("EstimateCI mean = %v, want the sorted left-to-right sum / 3", m)
	}
}

// TestPairwiseSum checks numpy's summation order on a case where it
// differs from a left-to-right sum.
func TestPairwiseSum(t *testing.T) {
	a := make([]float64, 300)
	for i := range a {
		a[i] = 0.1 * float64(i%7+1)
	}
	// numpy: 300 > 128 splits at 144 (150 rounded down to a multiple of
	// 8); 144 > 128 splits again at 72; blocks <= 128 use 8 accumulators.
	block := func(x []float64) float64 {
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < len(x)-len(x)%8; i += 8 {
			for j := range 8 {
				r[j] += x[i+j]
			}
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < len(x); i++ {
			res += x[i]
		}
		return res
	}
	want := (block(a[:72]) + block(a[72:144])) + (block(a[144:216]) + block(a[216:]))
	if got := pairwiseSum(a); got != want {
		t.Errorf("pairwiseSum = %.17g, want %.17g", got, want)
	}
}

// TestPairedIdentical: a system compared with itself never shows a
// difference above the real one (0), so p = 1/(n+1), as in sacreBLEU.
func TestPairedIdentical(t *testing.T) {
	hyps := []string{"a b c", "d e f g", "h", "the cat sat"}
	refs := [][]string{{"a b c", "d e x g", "h i", "a cat sat"}}
	b, err := New(refs, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Matrix(hyps)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := PairedBootstrap([]Metric{b}, []Matrix{m}, []Matrix{m}, 100, 12345)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := PairedRandomization([]Metric{b}, []Matrix{m}, []Matrix{m}, 200, 12345)
	if err != nil {
		t.Fatal(err)
	}
	if bs[0].PValue != 1.0/101 || ar[0].PValue != 1.0/201 {
		t.Errorf("p-values %v %v, want 1/101 and 1/201", bs[0].PValue, ar[0].PValue)
	}
	// Same seed, same resamples.
	x, y := Bootstrap(b, m, 50, 7), Bootstrap(b, m, 50, 7)
	for i := range x {
		if x[i] != y[i] || x[i] < 0 || x[i] > 100+1e-9 {
			t.Fatalf("resample %d: %v vs %v", i, x[i], y[i])
		}
	}
}

// wmt17Matrices returns the BLEU (cfg) and chrF2 statistics of a system.
func wmt17Matrices(t *testing.T, dir string, ms []Metric, sys string) []Matrix {
	hyps := readSegments(t, filepath.Join(dir, "newstest2017."+sys+".en-de"))
	out := make([]Matrix, len(ms))
	for k, m := range ms {
		x, err := m.Matrix(hyps)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = x
	}
	return out
}

// TestREADMESignificance reproduces, digit for digit, the --confidence,
// --paired-bs and --paired-ar examples of sacreBLEU's README (seed 12345).
func TestREADMESignificance(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := wmt17Dir(t)
	ref := [][]string{readSegments(t, filepath.Join(dir, "newstest2017-ende-ref.de"))}
	b, err := New(ref, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCHRF(ref, DefaultCHRFConfig())
	if err != nil {
		t.Fatal(err)
	}
	ms := []Metric{b, c}

	// sacrebleu -i C-3MA -m bleu chrf --confidence -w 3
	want := []string{"22.675 (μ = 22.669 ± 0.598)", "51.953 (μ = 51.953 ± 0.462)"}
	c3 := wmt17Matrices(t, dir, ms, "C-3MA.4959")
	for k, m := range ms {
		mean, ci := EstimateCIExact(Bootstrap(m, c3[k], 1000, 12345))
		l := Line{Score: m.Line(c3[k]).Score, Mean: mean, CI: ci}
		if got := l.ScoreOnly(3); got != want[k] {
			t.Errorf("--confidence %s: %s, want %s", m.Name(), got, want[k])
		}
	}

	// sacrebleu -i LIUM-NMT online-* -m bleu chrf --paired-bs / --paired-ar
	base := wmt17Matrices(t, dir, ms, "LIUM-NMT.4900")
	for k, w := range []string{"26.6 (26.6 ± 0.6)", "55.9 (55.9 ± 0.5)"} {
		mean, ci := EstimateCI(Bootstrap(ms[k], base[k], 1000, 12345))
		if got := fmt.Sprintf("%.1f (%.1f ± %.1f)", ms[k].Line(base[k]).Score, mean, ci); got != w {
			t.Errorf("baseline %s: %s, want %s", ms[k].Name(), got, w)
		}
	}
	tests := []struct {
		sys    string
		bs, ar [2]string // BLEU, chrF2
	}{
		{"online-A.0", [2]string{"20.8 (20.8 ± 0.6) p = 0.0010", "52.0 (52.0 ± 0.4) p = 0.0010"}, [2]string{"20.8 p = 0.0001", "52.0 p = 0.0001"}},
		{"online-B.0", [2]string{"26.7 (26.6 ± 0.7) p = 0.3077", "56.3 (56.3 ± 0.5) p = 0.0240"}, [2]string{"26.7 p = 0.8066", "56.3 p = 0.0385"}},
		{"online-F.0", [2]string{"15.5 (15.4 ± 0.5) p = 0.0010", "49.3 (49.3 ± 0.4) p = 0.0010"}, [2]string{"15.5 p = 0.0001", "49.3 p = 0.0001"}},
		{"online-G.0", [2]string{"18.2 (18.2 ± 0.5) p = 0.0010", "51.6 (51.6 ± 0.4) p = 0.0010"}, [2]string{"18.2 p = 0.0001", "51.6 p = 0.0001"}},
	}
	for _, tt := range tests {
		sys := wmt17Matrices(t, dir, ms, tt.sys)
		bs, err := PairedBootstrap(ms, base, sys, 1000, 12345)
		if err != nil {
			t.Fatal(err)
		}
		ar, err := PairedRandomization(ms, base, sys, 10000, 12345)
		if err != nil {
			t.Fatal(err)
		}
		for k := range ms {
			r := bs[k]
			if got := fmt.Sprintf("%.1f (%.1f ± %.1f) p = %.4f", r.Score, r.Mean, r.CI, r.PValue); got != tt.bs[k] {
				t.Errorf("%s %s --paired-bs: %s, want %s", tt.sys, ms[k].Name(), got, tt.bs[k])
			}
			if got := fmt.Sprintf("%.1f p = %.4f", ar[k].Score, ar[k].PValue); got != tt.ar[k] {
				t.Errorf("%s %s --paired-ar: %s, want %s", tt.sys, ms[k].Name(), got, tt.ar[k])
			}
		}
	}
}

// TestWMT17PValues runs sacreBLEU's test_significance.py: BLEU with
// tokenize none, baseline LIUM-NMT, paired bootstrap with 2000 resamples
// and randomization with 10000 trials, seed 12345; p-values must be within
// 0.01 of Moses' and multeval's. Our p-values are kept in
// testdata/wmt17-significance.golden.
func TestWMT17PValues(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	dir := wmt17Dir(t)
	// test_significance.py: MOSES_P_VALS, MULTEVAL_P_VALS (BLEU column).
	moses := map[string]float64{
		"C-3MA.4959": 0.00000, "FBK.4870": 0.01267, "KIT.4950": 0.02233, "LMU-nmt-reranked.4934": 0.04383,
		"LMU-nmt-single.4893": 0.20783, "online-A.0": 0.00000, "online-B.0": 0.38100, "online-F.0": 0.00000,
		"online-G.0": 0.00000, "PROMT-Rule-based.4735": 0.00000, "RWTH-nmt-ensemble.4921": 0.01167,
		"SYSTRAN.4847": 0.20983, "TALP-UPC.4834": 0.00000, "uedin-nmt.4722": 0.00000, "xmu.4910": 0.25483,
	}
	multeval := map[string]float64{
		"C-3MA.4959": 0.0001, "FBK.4870": 0.0218, "KIT.4950": 0.0410, "LMU-nmt-reranked.4934": 0.09029,
		"LMU-nmt-single.4893": 0.58494, "online-A.0": 0.0001, "online-B.0": 0.94111, "online-F.0": 0.0001,
		"online-G.0": 0.0001, "PROMT-Rule-based.4735": 0.0001, "RWTH-nmt-ensemble.4921": 0.0207,
		"SYSTRAN.4847": 0.59914, "TALP-UPC.4834": 0.0001, "uedin-nmt.4722": 0.0001, "xmu.4910": 0.71073,
	}
	ref := [][]string{readSegments(t, filepath.Join(dir, "newstest2017-ende-ref.de"))}
	cfg := DefaultConfig()
	cfg.Tokenize = "none"
	b, err := New(ref, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ms := []Metric{b}
	base := wmt17Matrices(t, dir, ms, "LIUM-NMT.4900")
	var g strings.Builder
	g.WriteString("# sacreBLEU's test_significance.py on WMT17 en-de: BLEU (tok none) of each system against\n")
	g.WriteString("# baseline LIUM-NMT.4900, seed 12345. bs: paired bootstrap, 2000 resamples; ar: approximate\n")
	g.WriteString("# randomization, 10000 trials. Moses and multeval p-values as listed there (tolerance 0.01).\n")
	fmt.Fprintf(&g, "# %-22s %8s %8s %8s %8s %8s\n", "system", "BLEU", "bs p", "Moses", "ar p", "multeval")
	for _, sys := range wmt17Systems(t, dir) {
		if sys == "LIUM-NMT.4900" {
			continue
		}
		x := wmt17Matrices(t, dir, ms, sys)
		bs, err := PairedBootstrap(ms, base, x, 2000, 12345)
		if err != nil {
			t.Fatal(err)
		}
		ar, err := PairedRandomization(ms, base, x, 10000, 12345)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(bs[0].PValue-moses[sys]) >= 1e-2 {
			t.Errorf("%s: paired bootstrap p = %.5f, Moses %.5f", sys, bs[0].PValue, moses[sys])
		}
		if math.Abs(ar[0].PValue-multeval[sys]) >= 1e-2 {
			t.Errorf("%s: randomization p = %.5f, multeval %.5f", sys, ar[0].PValue, multeval[sys])
		}
		fmt.Fprintf(&g, "%-24s %8.4f %8.5f %8.5f %8.5f %8.5f\n", sys, bs[0].Score, bs[0].PValue, moses[sys], ar[0].PValue, multeval[sys])
	}
	testfix.Golden(t, "testdata/wmt17-significance.golden", []byte(g.String()), *update)
}
