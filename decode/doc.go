// Package decode searches for translations: greedy search and batched beam
// search with the semantics of fairseq's SequenceGenerator, over a small
// Model interface (Start, Step; a State that Reorders and Frees).
//
// Beam search, one step (beam.go): the model scores every unfinished row;
// topK merges each sentence's 2*Beam best extensions; finalize turns the
// EOS candidates among the first Beam into finished hypotheses (an EOS
// candidate ranked between Beam and 2*Beam is dropped, as in fairseq);
// prune keeps the first Beam other candidates. Scores are sums of
// log-probabilities, ranked as sum / len^LenPen with len counting EOS. A
// sentence is done once it has Beam finished hypotheses or reaches its
// maximum length (EOS forced there), and leaves the batch; with
// Options.Exhaustive it is done only when no unfinished row can still
// beat its NBest-th finished hypothesis (finish.go documents the bound).
//
// The state is started once per batch for one row per sentence (step 0
// runs on those rows only), then replicated to Beam rows by Reorder with
// repeated indices; afterwards Reorder runs only when the surviving rows
// are not already in place (never in greedy search until a sentence ends).
// Each step runs in a ts.Scope that is closed after the step, so a State
// must Keep the tensors it holds across steps.
//
// Usage:
//
//	tch.LockThread()
//	o := decode.DefaultOptions() // beam 5, lenpen 1, max len 200
//	o.MaxPositions = cfg.MaxPositions
//	hyps, err := decode.Translate(model, srcIDs, o, decode.Batching{MaxTokens: 4096}, dev)
//	// hyps[i][0].Tokens ends in EOS; hyps[i][0].Score, .PosScores
//
// Differences from fairseq, all deliberate: the maximum length uses the
// sentence's own source length, not the padded width of its batch, so a
// sentence's translation does not depend on its batch; MinLen never
// forbids EOS at the last step (fairseq would leave such a sentence with no
// hypothesis); NaN log-probabilities are not mapped to -Inf.
package decode
