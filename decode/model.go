package decode

import "github.com/sugarme/gotch/ts"

// Model is what the searches need from a translation model (or an
// ensemble): an encoder that starts an incremental decoder state, and one
// decoder step. The transformer package's Model satisfies it through
// FromTransformer (transformer.go).
type Model interface {
	// Start encodes src [B,S] (int64, left-padded with pad, each row ending
	// in EOS) and returns the decoder state of its B rows, good for steps
	// 0..maxLen.
	Start(src *ts.Tensor, maxLen int) State
	// Step feeds prev [N] int64, the last token of each of the state's N
	// rows (EOS at step 0), advances st by one position and returns the
	// log-probabilities [N,V] float32 of the next token. The caller owns
	// the result (it is made in the caller's scope).
	Step(prev *ts.Tensor, st State) *ts.Tensor
}

// State is a model's incremental decoder state for N rows.
type State interface {
	// Reorder keeps, drops or duplicates rows: row i of the new state is
	// row idx[i] of the old one. Beam search keeps each sentence's rows
	// consecutive and in equal numbers, which lets a state share
	// per-sentence tensors (the encoder side) among a sentence's rows.
	Reorder(idx []int64)
	// Free releases the state's tensors.
	Free()
}

// Special holds the ids the search treats specially (fairseq's: pad 1,
// eos 2, unk 3).
type Special struct{ Pad, EOS, Unk int64 }

// FairseqSpecial is fairseq's dictionary layout: <s> 0, <pad> 1, </s> 2,
// <unk> 3.
var FairseqSpecial = Special{Pad: 1, EOS: 2, Unk: 3}
