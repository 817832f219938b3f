package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The README example of sacreBLEU: three hypotheses, two references.
const (
	bleuHyp  = "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n"
	bleuRef1 = "The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n"
	bleuRef2 = "The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n"
	// sacreBLEU: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
	bleuLine = "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0 = 48.5 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n"
	chrfLine = "chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:nmt-0.1.0 = 59.7\n"
)

// bleuFiles writes name=content files into a temporary directory and
// changes into it.
func bleuFiles(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func runBleuTest(args []string, stdin string) (string, string, error) {
	var out, errw bytes.Buffer
	err := runBleu(args, strings.NewReader(stdin), &out, &errw)
	return out.String(), errw.String(), err
}

func TestReorderBleuArgs(t *testing.T) {
	tests := []struct {
		In, Want string
	}{
		{"REF", "-- REF"},
		{"REF -m chrf", "--metrics chrf -- REF"},
		{"-m bleu chrf REF", "--metrics bleu --metrics chrf -- REF"},
		{"REF -m bleu chrf -b", "--metrics bleu --metrics chrf -b -- REF"},
		{"-i HYP REF1 REF2", "--input HYP -- REF1 REF2"},
		{"-i A -i B REF", "--input A --input B -- REF"},
		{"REF -i A B C -w 4", "--input A --input B --input C -w 4 -- REF"},
		{"REF1 REF2 -tok intl -lc -s floor -sv 0.5", "-tok intl -lc -s floor -sv 0.5 -- REF1 REF2"},
		{"REF --width=3 -f json", "--width=3 -f json -- REF"},
		{"-w 2 -- -odd-name", "-w 2 -- -odd-name"},
		{"REF -m ter", "--metrics ter -- REF"},
	}
	for _, tt := range tests {
		got := strings.Join(reorderBleuArgs(strings.Fields(tt.In), bleuFlags()), " ")
		if got != tt.Want {
			t.Errorf("reorder(%q) = %q, want %q", tt.In, got, tt.Want)
		}
	}
}

func TestBleuCommand(t *testing.T) {
	bleuFiles(t, map[string]string{"hyp": bleuHyp, "ref1": bleuRef1, "ref2": bleuRef2,
		"hyp.crlf": strings.ReplaceAll(strings.TrimSuffix(bleuHyp, "\n"), "\n", "\r\n")})
	tests := []struct {
		Name  string
		Args  string
		Stdin string
		Want  string
	}{
		{"stdin", "ref1 ref2", bleuHyp, bleuLine},
		{"-i before refs", "-i hyp ref1 ref2", "", bleuLine},
		{"-i after refs", "ref1 ref2 -i hyp", "", bleuLine},
		{"CRLF, no final newline", "-i hyp.crlf ref1 ref2", "", bleuLine},
		{"flags after refs", "ref1 ref2 -m chrf", bleuHyp, chrfLine},
		{"two metrics aligned", "ref1 ref2 -m chrf bleu -i hyp", "",
			"  " + bleuLine + chrfLine},
		{"score only", "-i hyp ref1 ref2 -b -w 4", "", "48.5308\n"},
		{"score only, two metrics", "-i hyp ref1 ref2 -b -m bleu chrf -w 2", "", "48.53\n59.73\n"},
		{"short signature", "-i hyp ref1 ref2 -sh -w 2", "",
			"BLEU|#:2|c:mixed|e:no|tok:13a|s:exp|v:nmt-0.1.0 = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n"},
		{"tok none (sacreBLEU: 49.1919566)", "-i hyp ref1 ref2 -tok none -b -w 7", "", "49.1919566\n"},
		{"tok intl (sacreBLEU: 43.91623493)", "-i hyp ref1 ref2 --tokenize intl -b -w 8", "", "43.91623493\n"},
		{"floor smoothing in signature", "-i hyp ref1 ref2 -s floor -sv 0.5 -lc", "",
			"BLEU|nrefs:2|case:lc|eff:no|tok:13a|smooth:floor[0.50]|version:nmt-0.1.0 = 48.5 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n"},
		// hand (chrF++ statistics summed over the three segments)
		{"chrF++", "-i hyp ref1 -m chrf -cw 2 -w 2", "",
			"chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:nmt-0.1.0 = 51.73\n"},
		// hand: against ref1 only, matches 12/17, 6/14, 4/11, 3/8,
		// reference lengths 6+5+6 = 17.
		{"one reference only", "-i hyp ref1 -w 2", "",
			"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0 = 45.07 70.6/42.9/36.4/37.5 (BP = 1.000 ratio = 1.000 hyp_len = 17 ref_len = 17)\n"},
		// hand: segment 2: BP e^(1-5/4), precisions 2/4, then exp
		// smoothing 100/(2*3), 100/(4*2), 100/(8*1): 14.79; segment 3:
		// 4/7, 1/6, 100/(2*5), 100/(4*4): 15.62.
		{"sentence level", "-i hyp ref1 -sl -b -w 2", "", "100.00\n14.79\n15.62\n"},
		{"version", "-V", "", "nmt bleu nmt-0.1.0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			out, _, err := runBleuTest(strings.Fields(tt.Args), tt.Stdin)
			if err != nil {
				t.Fatal(err)
			}
			if out != tt.Want {
				t.Errorf("nmt bleu %s\n got  %q\n want %q", tt.Args, out, tt.Want)
			}
		})
	}
}

func TestBleuJSON(t *testing.T) {
	bleuFiles(t, map[string]string{"hyp": bleuHyp, "ref1": bleuRef1, "ref2": bleuRef2})
	out, _, err := runBleuTest(strings.Fields("-i hyp ref1 ref2 -f json -w 2"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "name": "BLEU",
 "score": 48.53,
 "signature": "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0",
 "verbose_score": "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)",
 "nrefs": "2",
 "case": "mixed",
 "eff": "no",
 "tok": "13a",
 "smooth": "exp",
 "version": "nmt-0.1.0"
}
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, _, err = runBleuTest(strings.Fields("-i hyp ref1 ref2 -f json -m bleu chrf --confidence -cin 50"), "")
	if err != nil {
		t.Fatal(err)
	}
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v) != 2 {
		t.Fatalf("two-metric JSON: %v\n%s", err, out)
	}
	if v[1]["name"] != "chrF2" || v[0]["bs"] != "50" || v[0]["seed"] != "12345" || v[0]["confidence_mean"] == nil {
		t.Errorf("unexpected JSON: %s", out)
	}
}

// TestBleuSystems checks the comparison table and the paired tests on the
// README example (two systems: the hypotheses and the first reference).
func TestBleuSystems(t *testing.T) {
	bleuFiles(t, map[string]string{"hyp": bleuHyp, "ref1": bleuRef1, "ref2": bleuRef2})
	out, _, err := runBleuTest(strings.Fields("ref2 -i hyp ref1 -m bleu chrf"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// tabulate: a column is at least its header + 2 wide.
		"╒══════════╤════════╤═════════╕",
		"│   System │  BLEU  │  chrF2  │",
		"│      hyp │",
		"│     ref1 │",
		" - BLEU       nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-0.1.0\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, test := range []string{"--paired-bs", "--paired-ar"} {
		out, _, err := runBleuTest([]string{"ref2", "-i", "hyp", "ref1", "-m", "bleu", "chrf", test, "-pbsn", "100", "-parn", "100"}, "")
		if err != nil {
			t.Fatal(err)
		}
		sig := "nrefs:1|ar:100|seed:12345|"
		if test == "--paired-bs" {
			sig = "nrefs:1|bs:100|seed:12345|"
		}
		if !strings.Contains(out, "Baseline: hyp") || !strings.Contains(out, "(p = ") || !strings.Contains(out, sig) {
			t.Errorf("%s output:\n%s", test, out)
		}
		again, _, _ := runBleuTest([]string{"ref2", "-i", "hyp", "ref1", "-m", "bleu", "chrf", test, "-pbsn", "100", "-parn", "100"}, "")
		if again != out {
			t.Errorf("%s: same seed, different output", test)
		}
	}
	a, _, _ := runBleuTest(strings.Fields("-i hyp ref1 --confidence -cin 200"), "")
	b, _, _ := runBleuTest(strings.Fields("-i hyp ref1 --confidence -cin 200 --seed 7"), "")
	if a == b || !strings.Contains(a, "bs:200|seed:12345") || !strings.Contains(b, "seed:7") || !strings.Contains(a, "(μ = ") {
		t.Errorf("--confidence with seeds 12345 and 7:\n%s%s", a, b)
	}
}

// TestBleuLines checks that empty lines are segments, CRLF and a missing
// final newline change nothing, and a lone CR ends a line on standard
// input only (Python's universal newlines), as in sacreBLEU.
func TestBleuLines(t *testing.T) {
	bleuFiles(t, map[string]string{
		"ref": "a b c d\nx y\nd e f g\n", "ref.crlf": "a b c d\r\nx y\r\nd e f g",
		"hyp": "a b c d\n\nd e f g\n", "hyp.cr": "a b c d\r\rd e f g\n",
	})
	want, _, err := runBleuTest(strings.Fields("ref -i hyp -w 4"), "")
	if err != nil {
		t.Fatal(err)
	}
	// hand: hyp_len 8, ref_len 10, all n-grams match: BP e^(1-10/8) = 0.7788
	if !strings.Contains(want, "= 77.8801 100.0/100.0/100.0/100.0 (BP = 0.779 ratio = 0.800 hyp_len = 8 ref_len = 10)") {
		t.Errorf("empty hypothesis line: %s", want)
	}
	for _, args := range []string{"ref.crlf -i hyp -w 4", "ref -w 4"} {
		got, _, err := runBleuTest(strings.Fields(args), "a b c d\r\rd e f g")
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("nmt bleu %s: %q, want %q", args, got, want)
		}
	}
	// In a file a lone CR is not a line break: hyp.cr has 1 line.
	if _, _, err := runBleuTest(strings.Fields("ref -i hyp.cr"), ""); err == nil ||
		!strings.Contains(err.Error(), "hyp.cr:2: line missing") {
		t.Errorf("lone CR in a file: %v", err)
	}
}

// TestBleuBadInput: every bad input gives an error naming the file (and
// line, where there is one) and prints nothing on standard output.
func TestBleuBadInput(t *testing.T) {
	bleuFiles(t, map[string]string{
		"ref": "a b\nc d\ne f\n", "hyp3": "a b\nc d\ne f\n", "hyp2": "a b\nc d\n", "hyp4": "a b\nc d\ne f\ng\n",
		"bad": "a b\nc \xff d\ne f\n", "badref": "a b\n\xc3\x28\ne\n", "empty": "",
	})
	tests := []struct {
		Name, Args, Stdin, Want string
	}{
		{"hypothesis too short", "ref -i hyp2", "", "hyp2:3: line missing: hyp2 has 2 lines but ref has 3"},
		{"hypothesis too long", "ref -i hyp4", "", "ref:4: line missing: ref has 3 lines but hyp4 has 4"},
		{"stdin too short", "ref", "a b\n", "<stdin>:2: line missing"},
		{"invalid UTF-8 in hypothesis", "ref -i bad", "", "bad:2: invalid UTF-8"},
		{"invalid UTF-8 in reference", "badref -i hyp3", "", "badref:2: invalid UTF-8"},
		{"missing file", "ref -i nosuchfile", "", "nosuchfile: no such file"},
		{"missing reference", "noref -i hyp3", "", "noref: no such file"},
		{"empty hypothesis file", "ref -i empty", "", "empty: empty file"},
		{"empty standard input", "ref", "", "<stdin>: empty input"},
		{"no reference", "-i hyp3", "", "no reference file"},
		{"unknown metric", "ref -m meteor", "a\nb\nc\n", "meteor: unknown metric"},
		{"korean", "ref -l en-ko", "a\nb\nc\n", "ko-mecab"},
		{"unknown tokenizer", "ref -tok ja-mecab", "a\nb\nc\n", "unknown tokenizer"},
		{"paired needs systems", "ref -i hyp3 --paired-bs", "", "several systems"},
		{"paired flags exclusive", "ref -i hyp3 hyp3 --paired-bs --paired-ar", "", "exclude each other"},
		{"bad seed", "ref --seed x", "a\nb\nc\n", `seed "x"`},
		{"unknown flag", "ref --nope", "a\nb\nc\n", "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			out, _, err := runBleuTest(strings.Fields(tt.Args), tt.Stdin)
			if err == nil || !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("nmt bleu %s: error %v, want one containing %q", tt.Args, err, tt.Want)
			}
			if strings.Contains(out, "BLEU") || strings.Contains(out, "chrF") || strings.Contains(out, "=") {
				t.Errorf("nmt bleu %s printed %q", tt.Args, out)
			}
		})
	}
}

// TestBleuProcess runs the nmt binary's main on bad input and checks the
// exit status and that standard output stays empty.
func TestBleuProcess(t *testing.T) {
	if os.Getenv("NMT_BLEU_MAIN") == "1" {
		os.Args = append([]string{"nmt"}, strings.Fields(os.Getenv("NMT_BLEU_ARGS"))...)
		main()
		os.Exit(0)
	}
	bleuFiles(t, map[string]string{"ref": "a b c d\ne f g h\n", "hyp": "a b c d\n", "good": "a b c d\ne f g h\n"})
	run := func(args string) (string, string, int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBleuProcess$")
		cmd.Env = append(os.Environ(), "NMT_BLEU_MAIN=1", "NMT_BLEU_ARGS="+args)
		var out, errw bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errw
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		return out.String(), errw.String(), code
	}
	out, stderr, code := run("bleu ref -i hyp")
	if code == 0 || out != "" || !strings.Contains(stderr, "hyp:2: line missing") {
		t.Errorf("bad input: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, _, code = run("bleu ref -i good -b")
	if code != 0 || !slices.Contains([]string{"100.0\n"}, out) {
		t.Errorf("good input: exit %d, stdout %q", code, out)
	}
}

// TestBleuSacreBLEUGolden runs the command lines of testdata/sacrebleu/cases.txt
// on the generated systems there and compares with sacreBLEU 2.6.0's
// output (expected.txt; the version field reads VERSION), byte for byte:
// the JSON of the paired tests prints every digit of the scores, bootstrap
// means and intervals, so they must be computed with sacreBLEU's float32
// resampling, numpy's pairwise mean and the C library's exp and log.
func TestBleuSacreBLEUGolden(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "sacrebleu"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, block := range strings.Split(string(b), "=== ")[1:] {
		args, want, _ := strings.Cut(block, "\n")
		t.Run(args, func(t *testing.T) {
			out, _, err := runBleuTest(strings.Fields(args), "")
			if err != nil {
				t.Fatal(err)
			}
			out = strings.ReplaceAll(out, bleuVersion(), "VERSION")
			if out != want {
				t.Errorf("nmt bleu %s:\n%s\nsacreBLEU:\n%s", args, out, want)
			}
		})
	}
}
