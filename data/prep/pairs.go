package prep

import (
	"fmt"
	"io"

	"github.com/fixup-nmt/nmt/data"
)

// Pair is one raw sentence pair and where it came from.
type Pair struct {
	Src, Tgt string
	// Overlong is set when a line was longer than data.MaxLineBytes; its
	// text is then empty.
	Overlong bool
	// Where locates the pair for errors, e.g. "train.de:12".
	Where string
}

// PairReader yields raw sentence pairs; Read returns io.EOF at the end.
type PairReader interface {
	Read() (Pair, error)
	Close() error
}

// linePairs reads two line-aligned files.
type linePairs struct {
	src, tgt *data.LineReader
}

// OpenLinePairs reads the parallel files srcPath and tgtPath line by line
// (".gz" files are decompressed). Different line counts are an error
// naming the shorter file.
func OpenLinePairs(srcPath, tgtPath string) (PairReader, error) {
	s, err := data.OpenLines(srcPath)
	if err != nil {
		return nil, err
	}
	t, err := data.OpenLines(tgtPath)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &linePairs{s, t}, nil
}

func (p *linePairs) Read() (Pair, error) {
	okS, okT := p.src.Scan(), p.tgt.Scan()
	if err := firstErr(p.src.Err(), p.tgt.Err()); err != nil {
		return Pair{}, err
	}
	switch {
	case !okS && !okT:
		return Pair{}, io.EOF
	case !okS:
		return Pair{}, fmt.Errorf("%s:%d: want as many lines as %s, got %d", p.src.Name(), p.src.Line()+1, p.tgt.Name(), p.src.Line())
	case !okT:
		return Pair{}, fmt.Errorf("%s:%d: want as many lines as %s, got %d", p.tgt.Name(), p.tgt.Line()+1, p.src.Name(), p.tgt.Line())
	}
	return Pair{
		Src: p.src.Text(), Tgt: p.tgt.Text(),
		Overlong: p.src.Overlong() || p.tgt.Overlong(),
		Where:    fmt.Sprintf("%s:%d", p.src.Name(), p.src.Line()),
	}, nil
}

func (p *linePairs) Close() error { return firstErr(p.src.Close(), p.tgt.Close()) }

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// concat reads several PairReaders one after the other.
type concat struct {
	open []func() (PairReader, error)
	cur  PairReader
}

// Concat returns a PairReader over the readers that open returns, opened
// one at a time, in order.
func Concat(open ...func() (PairReader, error)) PairReader { return &concat{open: open} }

func (c *concat) Read() (Pair, error) {
	for {
		if c.cur == nil {
			if len(c.open) == 0 {
				return Pair{}, io.EOF
			}
			r, err := c.open[0]()
			if err != nil {
				return Pair{}, err
			}
			c.cur, c.open = r, c.open[1:]
		}
		p, err := c.cur.Read()
		if err != io.EOF {
			return p, err
		}
		if err := c.cur.Close(); err != nil {
			return Pair{}, err
		}
		c.cur = nil
	}
}

func (c *concat) Close() error {
	if c.cur != nil {
		return c.cur.Close()
	}
	return nil
}

// SliceReader yields pairs from a slice (for tests and small inputs).
type SliceReader struct {
	Pairs []Pair
	i     int
}

func (s *SliceReader) Read() (Pair, error) {
	if s.i >= len(s.Pairs) {
		return Pair{}, io.EOF
	}
	s.i++
	return s.Pairs[s.i-1], nil
}

func (s *SliceReader) Close() error { return nil }
