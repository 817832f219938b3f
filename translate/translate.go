package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fixup-nmt/nmt/decode"
	"github.com/fixup-nmt/nmt/tch"
)

// Options are the settings of one translation: the search (beam, n-best,
// length penalty, ...; MaxPositions is the model's and is set by the
// Model), the batches and what to do with overlong sentences.
type Options struct {
	decode.Options
	Batching decode.Batching
	// FailOverlong makes a sentence longer than the model takes an error
	// (OverlongError); by default it is truncated (Source.Tokens says so).
	FailOverlong bool
}

// DefaultOptions are `nmt translate`'s defaults: decode.DefaultOptions
// (beam 5, max length 200), batches of 4,096 source tokens.
func DefaultOptions() Options {
	return Options{Options: decode.DefaultOptions(), Batching: decode.Batching{MaxTokens: 4096}}
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	if o.Batching.MaxTokens < 0 || o.Batching.BatchSize < 0 {
		return fmt.Errorf("translate: max-tokens %d, batch-size %d: want 0 (no bound) or more", o.Batching.MaxTokens, o.Batching.BatchSize)
	}
	return o.Options.Validate()
}

// Source is one input sentence made ready for the model.
type Source struct {
	// Text is the preprocessed sentence (normalised, tokenized, lowercased,
	// segmented as the training data): fairseq's S- line.
	Text string
	// IDs are the source ids, EOS last; nil for an empty or invalid
	// sentence, which is given no hypotheses.
	IDs []int64
	// Tokens counts the ids before truncation: more than len(IDs) when
	// the sentence was longer than the model takes and was cut.
	Tokens int
	// Err says why the sentence is not translated (invalid UTF-8); its
	// output is empty.
	Err error
}

// Truncated reports whether the sentence was cut to the model's length.
func (s Source) Truncated() bool { return s.Tokens > len(s.IDs) }

// ErrInvalidUTF8 is Source.Err for a sentence that is not UTF-8 text.
var ErrInvalidUTF8 = errors.New("invalid UTF-8")

// OverlongError is returned for a sentence longer than the model takes
// when Options.FailOverlong is set. Index counts from 0 in the batch.
type OverlongError struct{ Index, Tokens, Max int }

func (e *OverlongError) Error() string {
	return fmt.Sprintf("sentence %d: %d tokens, the model takes at most %d (EOS included)", e.Index+1, e.Tokens, e.Max)
}

// Hypothesis is one translation of a sentence.
type Hypothesis struct {
	Text      string    // detokenized output
	Tokenized string    // subwords joined, still tokenized (fairseq's H- line)
	Tokens    []int64   // target ids, EOS last
	Score     float64   // sum of PosScores / len(Tokens)^LenPen (natural log)
	PosScores []float32 // log-probability of each token, EOS included
}

// Translation is a sentence and its hypotheses, best first (none for an
// empty or invalid sentence).
type Translation struct {
	Source
	Hyps []Hypothesis
}

// Preprocess makes a line ready for the model: its text steps and subword
// segmentation as in training (prep.Preprocessor), then the source
// dictionary's ids. A line longer than the model takes is cut (its last
// tokens dropped, EOS kept). It is safe for concurrent use.
func (m *Model) Preprocess(line string) Source {
	if !utf8.ValidString(line) {
		return Source{Err: ErrInvalidUTF8}
	}
	line = m.pre.Apply(line)
	if strings.TrimSpace(line) == "" {
		return Source{}
	}
	ids32 := m.srcDict.Encode(line, nil)
	ids := make([]int64, len(ids32))
	for i, v := range ids32 {
		ids[i] = int64(v)
	}
	s := Source{Text: line, IDs: ids, Tokens: len(ids)}
	s.IDs = m.truncate(ids)
	return s
}

// truncate cuts ids to the model's positions, keeping the last (EOS).
func (m *Model) truncate(ids []int64) []int64 {
	if lim := m.maxPos; lim > 0 && len(ids) > lim {
		return append(ids[:lim-1:lim-1], ids[len(ids)-1])
	}
	return ids
}

// Postprocess turns target ids into text: subwords joined, still
// tokenized, and the detokenized output (prep.Postprocessor). It is safe
// for concurrent use.
func (m *Model) Postprocess(ids []int64) (tokenized, text string) {
	tokenized = m.post.Tokenized(ids)
	return tokenized, m.post.Detokenize(tokenized)
}

// Translate preprocesses lines, searches and postprocesses: a batch of
// sentences already split (one per line) with o. Invalid or empty lines
// get no hypotheses (Source.Err says which are invalid). With
// o.FailOverlong, an overlong line is an *OverlongError and nothing is
// translated.
func (m *Model) Translate(ctx context.Context, lines []string, o Options) ([]Translation, error) {
	srcs := make([]Source, len(lines))
	for i, l := range lines {
		srcs[i] = m.Preprocess(l)
		if o.FailOverlong && srcs[i].Truncated() {
			return nil, &OverlongError{Index: i, Tokens: srcs[i].Tokens, Max: m.maxPos}
		}
	}
	return m.Search(ctx, srcs, o)
}

// Search translates preprocessed sentences with o, in batches of similar
// length (o.Batching), and postprocesses the hypotheses. Sentences
// without ids get no hypotheses. Searches of every Model run one at a
// time, on one OS thread; ctx is checked between batches. A libtorch
// failure is returned as an error.
func (m *Model) Search(ctx context.Context, srcs []Source, o Options) ([]Translation, error) {
	o.MaxPositions = m.maxPos
	if err := o.Validate(); err != nil {
		return nil, err
	}
	out := make([]Translation, len(srcs))
	var ids [][]int64
	var which []int
	for i, s := range srcs {
		out[i].Source = s
		if s.IDs != nil {
			ids = append(ids, s.IDs)
			which = append(which, i)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := m.search1(ctx, ids, o)
	if err != nil {
		return nil, err
	}
	for j, i := range which {
		hs := make([]Hypothesis, len(res[j]))
		for k, h := range res[j] {
			tk, d := m.Postprocess(h.Tokens)
			hs[k] = Hypothesis{Text: d, Tokenized: tk, Tokens: h.Tokens, Score: h.Score, PosScores: h.PosScores}
		}
		out[i].Hyps = hs
	}
	return out, nil
}

// search1 runs one search holding torch.
func (m *Model) search1(ctx context.Context, ids [][]int64, o Options) (res [][]decode.Hypothesis, err error) {
	err = withTorch(func() error {
		return tch.Catch(func() error {
			var err error
			m.inPrecision(func() { res, err = decode.TranslateContext(ctx, m.search, ids, o.Options, o.Batching, m.dev) })
			return err
		})
	})
	return res, err
}
