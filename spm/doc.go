// Package spm encodes and decodes text with SentencePiece models (the
// .model files of spm_train, Marian/OPUS-MT and many fairseq recipes), in
// pure Go, with the results of SentencePiece 0.1.97's spm_encode and
// spm_decode.
//
//	m, err := spm.Load("sentencepiece.model")
//	pieces := m.Encode("Hello world.")  // ["▁Hello", "▁world", "."]
//	ids := m.EncodeIDs("Hello world.")
//	text := m.Decode(pieces)            // "Hello world."
//
// Unigram and BPE models are supported, with the model's normalisation
// (the precompiled character map, e.g. nmt_nfkc), dummy prefix, extra
// whitespace removal, user-defined symbols, unknown-character merging and
// byte fallback. A Model holds no mutable state and may be shared between
// goroutines.
//
// github.com/sugarme/tokenizer was the first choice for this: it has a
// Unigram model and SentencePiece's precompiled character map, but no
// reader for .model files (it loads Hugging Face tokenizer.json only), its
// BPE is Hugging Face's merge-rank BPE rather than SentencePiece's
// score-ordered one, and its Viterbi does not reproduce SentencePiece's
// float32 path scores and tie-breaking. This package implements the
// algorithms of SentencePiece's unigram_model.cc, bpe_model.cc,
// normalizer.cc and sentencepiece_processor.cc directly.
package spm
