package wmt

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
)

// tsvPairs reads a tab-separated corpus: two fields a line.
type tsvPairs struct {
	lr   *data.LineReader
	swap bool // the target is the first field
}

var pairInName = regexp.MustCompile(`\.([a-z]{2,3})-([a-z]{2,3})\.`)

// tsvOrder returns whether the first column of the TSV file spec holds
// src, and the file path. spec is FILE or FILE=L1-L2.
func tsvOrder(spec, src, tgt string) (path string, srcFirst bool, err error) {
	path, langs, explicit := strings.Cut(spec, "=")
	var l1, l2 string
	if explicit {
		l1, l2, _ = strings.Cut(langs, "-")
	} else if m := pairInName.FindStringSubmatch(path); m != nil {
		l1, l2 = m[1], m[2]
	}
	switch {
	case l1 == src && l2 == tgt:
		return path, true, nil
	case l1 == tgt && l2 == src:
		return path, false, nil
	}
	return "", false, fmt.Errorf("%s: want the column order in the name (X.%s-%s.tsv) or as FILE=%s-%s, got %q", path, src, tgt, src, tgt, langs)
}

// OpenTSV reads a TSV corpus whose first field is src when srcFirst.
func OpenTSV(path string, srcFirst bool) (prep.PairReader, error) {
	lr, err := data.OpenLines(path)
	if err != nil {
		return nil, err
	}
	return &tsvPairs{lr: lr, swap: !srcFirst}, nil
}

func (t *tsvPairs) Read() (prep.Pair, error) {
	if !t.lr.Scan() {
		if err := t.lr.Err(); err != nil {
			return prep.Pair{}, err
		}
		return prep.Pair{}, io.EOF
	}
	where := fmt.Sprintf("%s:%d", t.lr.Name(), t.lr.Line())
	if t.lr.Overlong() {
		return prep.Pair{Overlong: true, Where: where}, nil
	}
	f := strings.Split(t.lr.Text(), "\t")
	if len(f) != 2 {
		return prep.Pair{}, fmt.Errorf("%s: want 2 tab-separated fields, got %d", where, len(f))
	}
	if t.swap {
		f[0], f[1] = f[1], f[0]
	}
	return prep.Pair{Src: f[0], Tgt: f[1], Where: where}, nil
}

func (t *tsvPairs) Close() error { return t.lr.Close() }
