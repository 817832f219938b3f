// Package prep turns raw parallel text into a prepared directory (layout
// in package data's doc): the pipeline shared by `nmt prepare text`,
// data/iwslt and data/wmt.
//
// Run works in stages over temporary files, so memory stays small however
// large the corpus:
//
//  1. extract: read raw pairs (PairReader: line-aligned files, .gz, SGM/XML
//     segments, TSV), apply the text steps of Settings to each side in
//     parallel (LineFunc: normalise punctuation, remove non-printing
//     characters, tokenize, lowercase), clean training pairs
//     (clean-corpus-n rules) when CleanStage is "tok", route pairs to
//     train, valid (every ValidEvery-th, or ValidSize held out with a
//     seed) and test; write SPLIT.raw.L and SPLIT.tok.L;
//  2. bpe: count words of train (both sides), learn Merges joint merges,
//     apply them to every split (cleaning train and valid when CleanStage
//     is "bpe"); write codes and SPLIT.bpe.L;
//  3. dictionaries: fairseq dictionaries from train, joint or per side;
//  4. binarize: every split and side to fairseq's mmap format, counting
//     <unk>s;
//  5. install: move everything into the output directory, prepare.json
//     (Report) last.
//
// Errors name the file and line of the bad input ("train.de:12: want UTF-8
// text, got invalid byte 0xff at byte 7"); after an error nothing is left
// in the output directory (and the directory is removed if Run made it).
//
// Usage:
//
//	in, err := prep.TextConfig{TrainSrc: "train.de", TrainTgt: "train.en"}.Inputs()
//	rep, err := prep.Run(prep.Config{Settings: st, Out: "data-bin/x", Inputs: in})
//	pre, err := prep.NewPreprocessor("data-bin/x", "de") // for translation input
package prep
