// Package translate is the translation pipeline as a library: load
// checkpoints (one, or an ensemble) with the dictionaries, BPE codes and
// preprocessing settings they carry; preprocess sentences, batch them,
// search, postprocess; write the output formats of `nmt translate`; score
// a split of a prepared directory. `nmt translate`, `nmt serve` and
// int8 inference use it; training's eval-bleu turns ids into text through
// the same prep.Postprocessor.
//
// A sentence's route from `nmt translate` to standard output goes down
// the layers once and comes back up to cmd only as finished text; no
// package calls one above it:
//
//	cmd/nmt-torch  reads a line; Model.Preprocess, Model.Search
//	translate      Preprocess:  data/prep -> text (normalise, tokenize,
//	                            lowercase), bpe (segment), data (ids)
//	               Search:      decode (batches, beam search) -> transformer
//	                            -> kernel (products, attention, search
//	                            steps) -> tch (libtorch)
//	               Postprocess: data/prep -> data (symbols), bpe (join),
//	                            text (detokenize)
//	cmd/nmt-torch  Writer: the format, to standard output
//
// A Model is safe to share between goroutines (a server's handlers):
// Preprocess and Postprocess run concurrently; searches and loads, of all
// Models together, one at a time on a locked OS thread (gotch's tensor
// scopes are process-wide); a libtorch failure comes back as an error. Options travel with each call, so requests can differ in beam,
// n-best or length penalty; a context stops a search between batches.
//
// Usage:
//
//	m, err := translate.Load([]string{"model/checkpoint_best.ckpt"}, gotch.CPU)
//	o := translate.DefaultOptions() // beam 5, batches of 4,096 tokens
//	o.NBest = 2
//	res, err := m.Translate(ctx, []string{"Ein Haus.", "Zwei Häuser."}, o)
//	// res[i].Hyps[k].Text, .Score; res[i].Source.Err for an invalid line
//
// LoadWith's LoadOptions.Precision chooses the arithmetic: float32, or
// bf16 (the products in bf16 with float32 accumulation; kernel.WithBF16).
//
// Translations of a sentence do not depend on the other sentences of its
// batch (decode computes each maximum length from the sentence itself).
//
// The subword step is chosen in data/prep (Settings.Preprocessor and
// Settings.Postprocessor): BPE today; a SentencePiece model saved by
// prepare plugs in there without changes here.
package translate
