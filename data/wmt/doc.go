// Package wmt prepares WMT news translation data as fairseq's
// examples/translation/prepare-wmt14en2de.sh does, in Go, streaming: the
// corpus passes line by line through temporary files and is never held in
// memory (BPE learning keeps a map of word counts, binarization a list of
// sentence lengths).
//
// Input: the folder where the script's archives are unpacked (RAW):
//
//	training/europarl-v7.de-en.{de,en}
//	commoncrawl.de-en.{de,en}
//	training/news-commentary-v12.de-en.{de,en}
//	test-full/newstest2014-deen-src.en.sgm, newstest2014-deen-ref.de.sgm
//
// Other corpora can be named in Config.Corpora, each one of
//
//	PREFIX             PREFIX.SRC and PREFIX.TGT, plain or PREFIX.LANG.gz
//	FILE.tsv[.gz]      one pair a line, two tab-separated fields, in the
//	                   order of the language pair in the name
//	                   (news-commentary-v14.de-en.tsv: German first), or
//	                   FILE.tsv=de-en to say it
//
// and SGM test sets may put <seg>, text and </seg> on separate lines.
//
// The steps, as in the script (src en, tgt de):
//
//  1. train = the corpora concatenated; per side normalize-punctuation.perl
//     -l LANG, remove-non-printing-char.perl, tokenizer.perl -a -l LANG;
//  2. valid = every 100th line (awk NR%100==0), train = the rest;
//  3. test = the <seg> lines of newstest2014 (test-full), U+2019 replaced
//     by "'", tokenized with -a (not normalised, as in the script);
//  4. joint BPE with 40,000 merges learned on train, applied to all;
//  5. train and valid cleaned after BPE as clean-corpus-n.perl -ratio 1.5
//     ... 1 250; test is not cleaned;
//  6. a joined dictionary and binarization (fairseq-preprocess
//     --joined-dictionary).
//
// Usage:
//
//	rep, err := wmt.Prepare(wmt.Config{Raw: "orig", Out: "data-bin/wmt14_en_de"})
package wmt
