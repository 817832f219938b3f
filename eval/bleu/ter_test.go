package bleu

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/ter holds sacreBLEU 2.6.0's TER on 449 cases (cases.jsonl:
// hand-written ones, random sentences with moved blocks, substitutions,
// insertions and deletions, long and lopsided ones; 1 to 3 references)
// under seven settings (expected.jsonl: edits, reference length and score
// per case, and the corpus score and signature per setting). README.md
// there says how they were made.

type terCase struct {
	Hyp  string   `json:"hyp"`
	Refs []string `json:"refs"`
}

type terExpected struct {
	Config    string  `json:"config"`
	Case      int     `json:"case"`
	Edits     int     `json:"edits"`
	RefLength float64 `json:"ref_length"`
	Score     float64 `json:"score"`
	Signature string  `json:"signature"`
	Short     string  `json:"short"`
}

var terConfigs = map[string]TERConfig{
	"default":       {},
	"case":          {CaseSensitive: true},
	"norm":          {Normalized: true},
	"nopunct":       {NoPunct: true},
	"asian":         {Normalized: true, AsianSupport: true},
	"asian-nopunct": {NoPunct: true, AsianSupport: true},
	"all":           {Normalized: true, NoPunct: true, AsianSupport: true, CaseSensitive: true},
}

func readJSONL[T any](t *testing.T, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "ter", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestTERSacreBLEU(t *testing.T) {
	cases := readJSONL[terCase](t, "cases.jsonl")
	exp := readJSONL[terExpected](t, "expected.jsonl")
	bad := 0
	for _, e := range exp {
		cfg := terConfigs[e.Config]
		cfg.Version = "2.6.0"
		if e.Case < 0 {
			hyps := make([]string, len(cases))
			refs := make([]string, len(cases))
			for i, c := range cases {
				hyps[i], refs[i] = c.Hyp, c.Refs[0]
			}
			s, err := CorpusTER(hyps, [][]string{refs}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if s.NumEdits != e.Edits || s.RefLength != e.RefLength || s.Score != e.Score {
				t.Errorf("%s corpus: edits %d ref %v score %v, want %d %v %v", e.Config, s.NumEdits, s.RefLength, s.Score, e.Edits, e.RefLength, e.Score)
			}
			if got := s.Signature.String(); got != e.Signature {
				t.Errorf("%s signature %q, want %q", e.Config, got, e.Signature)
			}
			if got := s.Signature.Format(true); got != e.Short {
				t.Errorf("%s short signature %q, want %q", e.Config, got, e.Short)
			}
			continue
		}
		c := cases[e.Case]
		s, err := SentenceTER(c.Hyp, c.Refs, cfg)
		if err != nil {
			t.Fatalf("case %d: %v", e.Case, err)
		}
		if s.NumEdits != e.Edits || math.Abs(s.RefLength-e.RefLength) > 1e-12 || math.Abs(s.Score-e.Score) > 1e-9 {
			if bad++; bad <= 10 {
				t.Errorf("%s case %d: hyp %q refs %q: edits %d ref %v score %v, want %d %v %v",
					e.Config, e.Case, c.Hyp, c.Refs, s.NumEdits, s.RefLength, s.Score, e.Edits, e.RefLength, e.Score)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cases differ", bad, len(exp))
	}
}

// TestTEREdits: hand-computed edit counts.
func TestTEREdits(t *testing.T) {
	tests := []struct {
		hyp, ref string
		edits    int
	}{
		{"", "a b c", 3},
		{"a b c", "a b c", 0},
		{"a b c", "", 3},
		{"a x c", "a b c", 1},             // one substitution
		{"b c a", "a b c", 1},             // one shift
		{"d e f a b c", "a b c d e f", 1}, // a block of three moves at once
		{"a b", "a b c d", 2},             // two insertions
		{"the cat sat on the mat", "the cat is on the mat", 1},
	}
	for _, tt := range tests {
		e, _ := terEdits(strings.Fields(tt.hyp), strings.Fields(tt.ref))
		if e != tt.edits {
			t.Errorf("TER edits(%q, %q) = %d, want %d", tt.hyp, tt.ref, e, tt.edits)
		}
	}
}
