// Package bleu computes BLEU and chrF exactly as sacreBLEU 2.x does, with
// sacreBLEU's tokenizers, reproducibility signatures, bootstrap confidence
// intervals and paired significance tests.
//
// Strings go in, a Score comes out: the package reads no files and imports
// nothing from the rest of the toolkit, so it builds with CGO disabled and
// never touches libtorch.
//
// Scoring a corpus against one or more reference streams (refs[k][i] is the
// k-th reference of segment i):
//
//	b, err := bleu.New(refs, bleu.DefaultConfig())
//	if err != nil { ... }
//	s, err := b.Corpus(hyps)
//	fmt.Println(s) // BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:nmt-dev = 20.80 54.4/...
//
// chrF and chrF++ work the same way through NewCHRF. Sentence-level BLEU
// follows sacreBLEU's sentence_bleu defaults (effective order on):
//
//	s, err := bleu.Sentence(hyp, []string{ref}, bleu.SentenceConfig())
//
// Sufficient statistics (Stats, CHRFStats) are kept per segment and summed
// with Add, which is what the bootstrap and randomization tests resample.
// The random draws reproduce numpy's default_rng (PCG64 seeded through
// SeedSequence), so with the same seed the resamples are the ones sacreBLEU
// draws.
//
// Where sacreBLEU's behaviour is surprising it is kept on purpose and
// documented at the place it happens: Python's notion of whitespace and of
// lower case, the zh tokenizer's historical character ranges, chrF's
// "hypothesis count is 0 when the reference has no n-grams" rule.
package bleu
