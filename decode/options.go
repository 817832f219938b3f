package decode

import (
	"errors"
	"fmt"
	"math"
)

// Options are the search settings; the zero value is not valid, start from
// DefaultOptions. Field names follow fairseq-generate's flags.
type Options struct {
	Beam  int // hypotheses kept per sentence (1 with Greedy)
	NBest int // hypotheses returned per sentence, best first (<= Beam)
	// LenPen: hypotheses are ranked by sum(log p) / len^LenPen, where len
	// counts the tokens including EOS (fairseq's normalize_scores).
	LenPen float64
	// The longest output has min(MaxLenA*srcLen+MaxLenB, MaxPositions-1)
	// tokens before EOS, srcLen being the sentence's source length with
	// its EOS. fairseq uses the padded width of the whole batch for srcLen;
	// the sentence's own length makes results independent of batching.
	MaxLenA      float64
	MaxLenB      int
	MaxPositions int // the model's decoder positions; 0: no cap
	// MinLen: EOS is forbidden before step MinLen (fairseq's min_len; 1 by
	// default, so outputs are never empty). It never applies at the last
	// step, where EOS is forced.
	MinLen int
	// UnkPen is subtracted from the unknown word's log-probability.
	UnkPen float64
	// NoRepeatNgram > 0 forbids any n-gram of that size from appearing twice
	// in a hypothesis.
	NoRepeatNgram int
	// Exhaustive keeps searching a sentence after it has Beam finished
	// hypotheses (fairseq stops there) until no unfinished hypothesis can
	// still beat the NBest-th best finished one under the length penalty;
	// see bound in beam.go.
	Exhaustive bool
	Special    Special
	// LogSoftmax makes the CPU searches rank libtorch's log-softmax over
	// the vocabulary instead of the logits through the search kernels
	// (kernel.RowTopK minus kernel.RowLogSumExp): the same hypotheses
	// with the same scores, slower; for tests that compare the two.
	LogSoftmax bool `json:"-" yaml:"-"`
}

// DefaultOptions are fairseq-generate's defaults: beam 5, max length 200,
// min length 1, length penalty 1, fairseq's special ids.
func DefaultOptions() Options {
	return Options{Beam: 5, NBest: 1, LenPen: 1, MaxLenA: 0, MaxLenB: 200, MinLen: 1, Special: FairseqSpecial}
}

// Validate reports settings that cannot work.
func (o Options) Validate() error {
	switch {
	case o.Beam < 1:
		return fmt.Errorf("decode: beam %d: want >= 1", o.Beam)
	case o.NBest < 1 || o.NBest > o.Beam:
		return fmt.Errorf("decode: nbest %d: want 1..beam (%d)", o.NBest, o.Beam)
	case o.MaxLenA < 0 || o.MaxLenB < 0:
		return errors.New("decode: max-len-a and max-len-b must be >= 0")
	case o.MaxLenA == 0 && o.MaxLenB == 0:
		// fairseq would force EOS at step 0: every output empty.
		return errors.New("decode: max-len-a 0 and max-len-b 0 leave no room for a token: want a*src_len+b of 1 or more")
	case o.MinLen < 0:
		return fmt.Errorf("decode: min-len %d: want >= 0", o.MinLen)
	case o.NoRepeatNgram < 0:
		return fmt.Errorf("decode: no-repeat-ngram-size %d: want >= 0", o.NoRepeatNgram)
	case math.IsNaN(o.LenPen) || math.IsInf(o.LenPen, 0) || math.IsNaN(o.UnkPen) || math.IsInf(o.UnkPen, 0):
		return errors.New("decode: lenpen and unkpen must be finite")
	}
	return nil
}

// MaxLen is the most tokens before EOS for a source of srcLen tokens
// (EOS included).
func (o Options) MaxLen(srcLen int) int {
	n := int(o.MaxLenA*float64(srcLen)) + o.MaxLenB
	if o.MaxPositions > 0 && n > o.MaxPositions-1 {
		n = o.MaxPositions - 1
	}
	if n < 0 {
		n = 0
	}
	return n
}

// Normalize is the ranking score of a hypothesis whose log-probabilities
// sum to sum over n tokens (EOS included).
func (o Options) Normalize(sum float64, n int) float64 {
	if o.LenPen == 0 {
		return sum
	}
	return sum / math.Pow(float64(n), o.LenPen)
}

// Hypothesis is one finished output.
type Hypothesis struct {
	Tokens    []int64   // ends in EOS
	Score     float64   // sum of PosScores / len(Tokens)^LenPen
	PosScores []float32 // log-probability of each token (EOS included), penalties applied
}
