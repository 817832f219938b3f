// Package iwslt prepares the IWSLT'14 German-English release as fairseq's
// examples/translation/prepare-iwslt14.sh does, in Go.
//
// Input: the folder of the release as distributed (de-en.tgz unpacked;
// RAW or RAW/de-en):
//
//	train.tags.de-en.de, train.tags.de-en.en      talks, one sentence a line
//	IWSLT14.TED.dev2010.de-en.{de,en}.xml         <seg id="N"> lines
//	IWSLT14.TEDX.dev2012.de-en.{de,en}.xml
//	IWSLT14.TED.tst2010.de-en.{de,en}.xml, tst2011, tst2012
//
// The steps, as in the script:
//
//  1. train: per file, lines containing <url>, <talkid> or <keywords> are
//     dropped and the tags <title>, </title>, <description>,
//     </description> deleted (keeping their text). We also drop lines
//     with <speaker>, <reviewer>, <translator>, <doc or </doc>, which later
//     IWSLT releases have; the 2014 release has none (fairseq's valid set,
//     every 23rd training line, has no line with "<"), so on it this
//     changes nothing;
//  2. tokenize (tokenizer.perl -l LANG, not aggressive), clean as
//     clean-corpus-n.perl -ratio 1.5 ... 1 175, lowercase;
//  3. valid = every 23rd cleaned line (awk NR%23==0: lines 23, 46, ...),
//     train = the rest;
//  4. test = the <seg> lines of TED.dev2010, TEDX.dev2012, TED.tst2010,
//     tst2011, tst2012 in this order (the script's cat order), with the
//     tags and the white space beside them removed and U+2019 replaced by
//     "'", then tokenized and lowercased;
//  5. joint BPE with 10,000 merges learned on train (de and en), applied to
//     all splits; then dictionaries and binarization as fairseq-preprocess
//     (separate dictionaries, as fairseq's IWSLT'14 example, unless
//     JoinedDictionary).
//
// fairseq's published split sizes are 160,239 / 7,283 / 6,750 pairs.
//
// Usage:
//
//	rep, err := iwslt.Prepare(iwslt.Config{Raw: "orig/de-en", Out: "data-bin/iwslt14"})
package iwslt
