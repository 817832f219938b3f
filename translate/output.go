package translate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// Formats are the output formats of Writer.
var Formats = []string{"text", "json", "fairseq"}

// JSONHypothesis is one hypothesis of the json format.
type JSONHypothesis struct {
	Text      string    `json:"text"`
	Tokenized string    `json:"tokenized"`
	Tokens    []int64   `json:"tokens"`
	Score     float64   `json:"score"`
	PosScores []float32 `json:"positional_scores"`
}

// JSONLine is one input line of the json format.
type JSONLine struct {
	ID         int              `json:"id"`
	Source     string           `json:"source"`
	Hypotheses []JSONHypothesis `json:"hypotheses"`
}

// JSON returns t as a line of the json format, id being its 0-based line
// number.
func JSON(id int, t Translation) JSONLine {
	l := JSONLine{ID: id, Source: t.Text, Hypotheses: []JSONHypothesis{}}
	for _, h := range t.Hyps {
		l.Hypotheses = append(l.Hypotheses, JSONHypothesis{Text: h.Text, Tokenized: h.Tokenized, Tokens: h.Tokens, Score: h.Score, PosScores: h.PosScores})
	}
	return l
}

// Writer writes translations in one of Formats, buffered: text, the
// n-best outputs one per line (an empty line for a sentence without
// hypotheses); json, one JSONLine per sentence; fairseq,
// fairseq-generate's S-, H- (subwords joined, tokenized), D- (detokenized)
// and P- lines, with scores in base 2 as fairseq prints them. Write
// errors are kept and returned by Write and Flush from then on.
type Writer struct {
	w      *bufio.Writer
	format string
}

// NewWriter returns a Writer of format to w.
func NewWriter(w io.Writer, format string) (*Writer, error) {
	for _, f := range Formats {
		if f == format {
			return &Writer{w: bufio.NewWriter(w), format: format}, nil
		}
	}
	return nil, fmt.Errorf("--format %q: want text, json or fairseq", format)
}

// Write writes the translation of input line id (0-based).
func (w *Writer) Write(id int, t Translation) error {
	out := w.w
	switch w.format {
	case "text":
		if len(t.Hyps) == 0 {
			fmt.Fprintln(out)
		}
		for _, h := range t.Hyps {
			fmt.Fprintln(out, h.Text)
		}
	case "json":
		b, _ := json.Marshal(JSON(id, t))
		out.Write(append(b, '\n'))
	case "fairseq":
		fmt.Fprintf(out, "S-%d\t%s\n", id, t.Text)
		for _, h := range t.Hyps {
			sc := h.Score / math.Ln2
			fmt.Fprintf(out, "H-%d\t%.6g\t%s\n", id, sc, h.Tokenized)
			fmt.Fprintf(out, "D-%d\t%.6g\t%s\n", id, sc, h.Text)
			ps := make([]string, len(h.PosScores))
			for i, p := range h.PosScores {
				ps[i] = fmt.Sprintf("%.4f", float64(p)/math.Ln2)
			}
			fmt.Fprintf(out, "P-%d\t%s\n", id, strings.Join(ps, " "))
		}
	}
	_, err := out.Write(nil)
	return err
}

// WriteScores writes scores one per line, "LABEL: BLEU|signature = ...".
func (w *Writer) WriteScores(scores []SplitScore) error {
	for _, s := range scores {
		fmt.Fprintf(w.w, "%s: %v\n", s.Label, s.Score)
	}
	_, err := w.w.Write(nil)
	return err
}

// Flush writes what is buffered; it returns the first write error.
func (w *Writer) Flush() error { return w.w.Flush() }
