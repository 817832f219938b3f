package iwslt

import (
	"fmt"
	"io"
	"strings"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
)

// dropTags are the markers of lines that are dropped from train.tags
// files: the script's three and those of later releases.
var dropTags = []string{"<url>", "<talkid>", "<keywords>", "<speaker>", "<reviewer", "<translator", "<doc", "</doc>"}

// stripTags are deleted from the lines that stay, keeping their text.
var stripTags = strings.NewReplacer("<title>", "", "</title>", "", "<description>", "", "</description>", "")

// TrainLines reads a train.tags file, skipping and stripping tag lines as
// prepare-iwslt14.sh's grep and sed do. It counts the lines it skipped.
type TrainLines struct {
	lr      *data.LineReader
	Skipped int
}

// OpenTrain opens a train.tags.de-en.LANG file.
func OpenTrain(path string) (*TrainLines, error) {
	lr, err := data.OpenLines(path)
	if err != nil {
		return nil, err
	}
	return &TrainLines{lr: lr}, nil
}

// Next returns the next kept line, its line number and whether it was
// overlong; io.EOF at the end.
func (t *TrainLines) Next() (string, int, bool, error) {
	for t.lr.Scan() {
		line := t.lr.Text()
		if dropped(line) {
			t.Skipped++
			continue
		}
		return stripTags.Replace(line), t.lr.Line(), t.lr.Overlong(), nil
	}
	if err := t.lr.Err(); err != nil {
		return "", 0, false, err
	}
	return "", 0, false, io.EOF
}

func dropped(line string) bool {
	for _, tag := range dropTags {
		if strings.Contains(line, tag) {
			return true
		}
	}
	return false
}

// Close closes the file.
func (t *TrainLines) Close() error { return t.lr.Close() }

// trainPairs pairs the kept lines of the two train.tags files.
type trainPairs struct {
	src, tgt *TrainLines
	names    [2]string
}

// OpenTrainPairs reads the two train.tags files in parallel. As in the
// script, each file is filtered on its own; different numbers of kept
// lines are an error.
func OpenTrainPairs(srcPath, tgtPath string) (prep.PairReader, error) {
	s, err := OpenTrain(srcPath)
	if err != nil {
		return nil, err
	}
	t, err := OpenTrain(tgtPath)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &trainPairs{s, t, [2]string{srcPath, tgtPath}}, nil
}

func (p *trainPairs) Read() (prep.Pair, error) {
	a, na, oa, errA := p.src.Next()
	b, nb, ob, errB := p.tgt.Next()
	switch {
	case errA == io.EOF && errB == io.EOF:
		return prep.Pair{}, io.EOF
	case errA != nil && errA != io.EOF:
		return prep.Pair{}, errA
	case errB != nil && errB != io.EOF:
		return prep.Pair{}, errB
	case errA == io.EOF:
		return prep.Pair{}, fmt.Errorf("%s: want as many text lines as %s, got fewer (%s:%d has one more)", p.names[0], p.names[1], p.names[1], nb)
	case errB == io.EOF:
		return prep.Pair{}, fmt.Errorf("%s: want as many text lines as %s, got fewer (%s:%d has one more)", p.names[1], p.names[0], p.names[0], na)
	}
	return prep.Pair{Src: a, Tgt: b, Overlong: oa || ob, Where: fmt.Sprintf("%s:%d", p.names[0], na)}, nil
}

func (p *trainPairs) Close() error {
	e1, e2 := p.src.Close(), p.tgt.Close()
	if e1 != nil {
		return e1
	}
	return e2
}
