// Package spm encodes and decodes text with SentencePiece models (the
// .model files of spm_train, Marian/OPUS-MT and many fairseq recipes), in
// pure Go, with the results of SentencePiece 0.1.97's spm_encode and
// spm_decode, and with Hugging Face tokenizer.json models.
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
// Load and Parse also read Hugging Face tokenizer.json files (BPE,
// Unigram, WordPiece and WordLevel models, as Llama 2, T5, BERT, GPT-2 and
// their converters write them), run by github.com/sugarme/tokenizer v0.3.0
// with nmt's patches (patches/tokenizer/README.md, applied by
// scripts/setup.sh): Encode gives the tokens of Hugging Face's encode
// without special tokens, Decode and DecodeIDs its decode with special
// tokens skipped, identical to Hugging Face tokenizers 0.23.2 on the
// fixtures (TestHFLikeTokenizers). Kind is then "hf-bpe", "hf-unigram",
// "hf-wordpiece" or "hf-wordlevel". Refused when loading: a token with a
// space (pieces are written space-separated), an unknown token missing
// from the vocabulary, and Split pre-tokenizers whose pattern Go's regexp
// cannot compile (look-around, as in Llama 3's and Qwen 2's files).
//
// SentencePiece .model files are read by this package itself:
// sugarme/tokenizer has no reader for the .model protobuf (its pretrained
// package reads tokenizer.json only), and its BPE is Hugging Face's
// merge-rank BPE, not SentencePiece's score-ordered one. Its Unigram model,
// given the vocabulary of a .model file and text normalised by this
// package, gave spm_encode's pieces on all 1,330 fixture lines (checked
// once by hand), but it scores paths in float64 with a length bonus for
// pieces other than <unk>, where SentencePiece sums float32 scores, so
// agreement is not guaranteed for every model. This package therefore
// implements the algorithms of SentencePiece's unigram_model.cc,
// bpe_model.cc, normalizer.cc and sentencepiece_processor.cc itself.
package spm
