// Package data turns prepared text into batches of token ids: fairseq-style
// dictionaries, binarized datasets, length-bucketed batching and padding.
//
// The pieces, each in its own file:
//
//   - Dictionary (dictionary.go): fairseq's Dictionary. Ids 0-3 are <s>,
//     <pad>, </s>, <unk>; then the symbols of the training text by
//     descending count, ties in code point order, padded to a multiple of 8
//     with madeupword0000, ...; saved as fairseq's dict.txt ("symbol count"
//     per line, specials not written). Encode appends EOS.
//   - Indexed, IndexedWriter (indexed.go): binarized datasets in fairseq's
//     mmap format (PREFIX.bin ids, PREFIX.idx header, sizes and offsets),
//     written atomically and read by mmap with bounds checks.
//   - LanguagePair (langpair.go): the source and target datasets of a split.
//   - MakePlan, Plan (batch.go): fairseq's --max-tokens batching: indices
//     shuffled with a seed, sorted by length, filtered by --max-positions
//     (dropped pairs counted), grouped so that sentences x longest <=
//     MaxTokens.
//   - EpochIterator (iterator.go): batch order shuffled per epoch from
//     seed+epoch; its IterState (epoch, position) resumes mid-epoch.
//   - Collate, Batch (collate.go): padded []int64 slices: source left-padded,
//     target right-padded, PrevOutput = EOS + target shifted right.
//   - LineReader (lines.go): line-numbered UTF-8 input whose errors read
//     "file:line: want ..., got ...". Outputs are written through
//     internal/atomicfile, so they appear only when complete.
//   - Clean (clean.go): Moses clean-corpus-n.perl's rules.
//
// Preparation recipes live in subpackages: data/prep (the shared pipeline
// and `nmt prepare text`), data/iwslt (prepare-iwslt14.sh), data/wmt
// (prepare-wmt14en2de.sh) and data/synth (the project's own generated
// German-English corpus).
//
// # Prepared directory
//
// Every `nmt prepare` command writes one directory, laid out like
// fairseq-preprocess's destdir plus the text of every stage, for languages
// SRC and TGT and splits train, valid and test:
//
//	SPLIT.raw.LANG              the split before any processing (as extracted
//	                            from the release: tags removed; pairs dropped
//	                            by tok-stage cleaning left out)
//	SPLIT.tok.LANG              tokenized (and lowercased) text: fairseq's
//	                            tmp/SPLIT.LANG, what BLEU on tokenized text uses
//	SPLIT.bpe.LANG              tokenized text with BPE applied ("@@ " marks);
//	                            absent when no BPE is learned (--bpe-merges 0)
//	codes                       the joint BPE merges (subword-nmt format)
//	dict.SRC.txt, dict.TGT.txt  fairseq dictionaries (the same file when joint)
//	SPLIT.SRC-TGT.LANG.bin/.idx binarized ids of SPLIT.bpe.LANG (or .tok),
//	                            EOS appended (fairseq mmap format)
//	prepare.json                every setting (languages, text steps,
//	                            tokenizer options, lowercase, merges, cleaning,
//	                            splitting) and every count (pairs read, kept
//	                            and dropped per rule, tokens, <unk>s), so
//	                            translation can apply the same preprocessing
//	                            (prep.NewPreprocessor); written last
//
// In the WMT recipe, cleaning comes after BPE (as in fairseq's script):
// there SPLIT.raw and SPLIT.tok hold train and valid before cleaning, and
// SPLIT.bpe and the binarized files after it.
//
// Input rules: lines end at "\n" (a "\r" before it is removed); text must
// be UTF-8 (an invalid byte is an error naming file and line); a line over
// MaxLineBytes (1 MiB) drops its pair from training data (counted as
// "overlong_line") and is an error in valid and test data; line counts of
// the two sides must agree; an empty training corpus is an error.
// Characters the tokenizer does not know pass through as tokens, and
// tokens missing from the dictionary become <unk> (counted per split in
// prepare.json).
//
// A prepare command works in a hidden temporary folder inside the output
// directory and moves the files in only when all of them are complete,
// prepare.json last; on an error the temporary folder is removed.
//
// # Usage
//
//	pair, err := data.OpenLanguagePair("data-bin/iwslt14", "train", "de", "en")
//	plan, err := pair.Plan(data.DefaultBatchConfig())
//	it, err := data.NewEpochIterator(plan, seed, true, data.IterState{Epoch: 1})
//	for {
//		idx, ok := it.Next()
//		if !ok {
//			it.NextEpoch()
//			continue
//		}
//		b := pair.Batch(idx) // b.Source [b.B, b.S], b.Target [b.B, b.T]
//		_ = b
//		// save it.State() with checkpoints to resume mid-epoch
//	}
package data
