package spm

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

// testdata/spm.tar.gz holds four models made with SentencePiece 0.1.97's
// spm_train on the project's generated German-English corpus, 1,324 input
// lines (held-out sentences, lines with characters the models never saw,
// normalisation cases), and what spm_encode and spm_decode print for
// them; testdata/README.md has the commands.
var spmArchive = &archive{name: "spm.tar.gz"}

// archive is a fixture archive of testdata, read once.
type archive struct {
	name  string
	once  sync.Once
	files map[string][]byte
	err   error
}

func (a *archive) file(t testing.TB, name string) []byte {
	t.Helper()
	a.once.Do(func() { a.files, a.err = testfix.TarGz(filepath.Join("testdata", a.name)) })
	if a.err != nil {
		t.Fatal(a.err)
	}
	b, ok := a.files[name]
	if !ok {
		t.Fatalf("no %s in testdata/%s", name, a.name)
	}
	return b
}

func (a *archive) lines(t testing.TB, name string) []string {
	return strings.Split(strings.TrimSuffix(string(a.file(t, name)), "\n"), "\n")
}

func fixture(t testing.TB, name string) []byte { return spmArchive.file(t, name) }

func fixtureLines(t testing.TB, name string) []string { return spmArchive.lines(t, name) }

func fixtureModel(t testing.TB, name string) *Model {
	m, err := Parse(fixture(t, name+".model"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var models = []struct{ name, kind string }{
	{"uni", "unigram"},  // nmt_nfkc, 400 pieces
	{"bpe", "bpe"},      // identity, byte fallback
	{"user", "unigram"}, // identity, user-defined <sep> and ab, no dummy prefix, spaces kept
	{"bpeid", "bpe"},    // identity, no byte fallback
}

// TestEncodeLikeSpmEncode: pieces and ids identical to spm_encode.
func TestEncodeLikeSpmEncode(t *testing.T) {
	in := fixtureLines(t, "input.txt")
	for _, mm := range models {
		t.Run(mm.name, func(t *testing.T) {
			m := fixtureModel(t, mm.name)
			if m.Kind() != mm.kind {
				t.Errorf("kind %s, want %s", m.Kind(), mm.kind)
			}
			pieces := fixtureLines(t, mm.name+".pieces.out")
			ids := fixtureLines(t, mm.name+".ids.out")
			bad := 0
			for i, line := range in {
				got := strings.Join(m.Encode(line), " ")
				gotIDs := joinInts(m.EncodeIDs(line))
				if got != pieces[i] || gotIDs != ids[i] {
					if bad++; bad <= 5 {
						t.Errorf("line %d %q:\n got %q\nwant %q\n ids %q\nwant %q", i+1, line, got, pieces[i], gotIDs, ids[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d lines differ", bad, len(in))
			}
		})
	}
}

// TestDecodeLikeSpmDecode: spm_decode of spm_encode's pieces and ids.
func TestDecodeLikeSpmDecode(t *testing.T) {
	for _, mm := range models {
		t.Run(mm.name, func(t *testing.T) {
			m := fixtureModel(t, mm.name)
			pieces := fixtureLines(t, mm.name+".pieces.out")
			ids := fixtureLines(t, mm.name+".ids.out")
			want := fixtureLines(t, mm.name+".decoded.out")
			wantIDs := fixtureLines(t, mm.name+".iddecoded.out")
			bad := 0
			for i := range pieces {
				got := m.Decode(SplitPieces(pieces[i]))
				var idList []int
				for _, f := range strings.Fields(ids[i]) {
					v, _ := strconv.Atoi(f)
					idList = append(idList, v)
				}
				gotIDs, err := m.DecodeIDs(idList)
				if err != nil {
					t.Fatal(err)
				}
				if got != want[i] || gotIDs != wantIDs[i] {
					if bad++; bad <= 5 {
						t.Errorf("line %d: decode %q\n got %q\nwant %q\nids got %q\nwant %q", i+1, pieces[i], got, want[i], gotIDs, wantIDs[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d lines differ", bad, len(pieces))
			}
		})
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

func TestParseErrors(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not a model"), {0x0a, 0xff}} {
		if _, err := Parse(b); err == nil {
			t.Errorf("Parse(%q) succeeded", b)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.model")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}
