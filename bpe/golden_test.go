package bpe

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testfix.Golden(t, filepath.Join("testdata", name), got, *update)
}

func learnFile(t *testing.T, name string, merges int) *Codes {
	t.Helper()
	counts := map[string]int{}
	if err := CountFile(filepath.Join("testdata", name), counts); err != nil {
		t.Fatal(err)
	}
	return mustLearn(t, counts, LearnOptions{Merges: merges})
}

// applyFile segments each line of a testdata file (invalid UTF-8 too).
func applyFile(t *testing.T, e *Encoder, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		out.WriteString(e.Apply(line))
	}
	return []byte(out.String())
}

func codesBytes(c *Codes) []byte {
	var b bytes.Buffer
	c.WriteTo(&b)
	return b.Bytes()
}

// TestGolden learns codes from small hand-made corpora and applies them.
// paper.txt is the example worked out by hand in TestLearnByHand.
func TestGolden(t *testing.T) {
	golden(t, "paper.codes.golden", codesBytes(learnFile(t, "paper.txt", 100)))

	codes := learnFile(t, "toy.txt", 200)
	golden(t, "toy.codes.golden", codesBytes(codes))
	e := NewEncoder(codes)
	golden(t, "toy.bpe.golden", applyFile(t, e, "toy.txt"))
	golden(t, "unseen.bpe.golden", applyFile(t, e, "unseen.txt"))

	// learn_joint_bpe_and_vocab.py's vocabulary of the segmented corpus,
	// then apply_bpe.py --vocabulary ... --vocabulary-threshold 2.
	vc := NewCounter()
	if err := vc.ReadText(bytes.NewReader(applyFile(t, e, "toy.txt"))); err != nil {
		t.Fatal(err)
	}
	var vocab bytes.Buffer
	vc.WriteTo(&vocab)
	golden(t, "toy.vocab.golden", vocab.Bytes())
	v, err := ReadVocabulary(&vocab, 2)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := NewEncoderWith(codes, EncoderOptions{Vocabulary: v})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "toy.vocab2.bpe.golden", applyFile(t, ev, "unseen.txt"))
}
