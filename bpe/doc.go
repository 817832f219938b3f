// Package bpe learns and applies byte-pair merges.
//
// It reads and writes the codes files of subword-nmt (Sennrich et al.,
// "Neural Machine Translation of Rare Words with Subword Units", ACL 2016)
// and reproduces its results: the same corpus and number of merges give the
// same codes file, byte for byte, that subword-nmt's learn_bpe.py writes, and
// an Encoder segments text as apply_bpe.py does, with "@@ " between the
// pieces of a word. Remove undoes the segmentation as fairseq's
// --remove-bpe does.
//
// Learning is fast: the pair counts are updated incrementally after each
// merge through an index from pairs to the words that contain them, and the
// best pair comes from a priority queue, so 10,000 merges over a corpus of a
// few million words take seconds.
//
// # Usage
//
//	counts := map[string]int{}
//	for _, path := range []string{"train.de", "train.en"} { // joint BPE
//		if err := bpe.CountFile(path, counts); err != nil {
//			return err
//		}
//	}
//	codes, err := bpe.Learn(counts, bpe.LearnOptions{Merges: 10000})
//	if err != nil {
//		return err
//	}
//	if err := codes.Save("codes"); err != nil { // "#version: 0.2" format
//		return err
//	}
//	enc := bpe.NewEncoder(codes)
//	line := enc.Apply("the lowest price") // e.g. "the low@@ est price"
//	bpe.Remove(line)                      // "the lowest price"
//
// # Compatibility with subword-nmt
//
// Words are the pieces of a line between ASCII spaces, as in subword-nmt;
// tabs and other Unicode spaces are ordinary characters. A character is a
// Unicode code point. Learning follows learn_bpe.py (version 0.2) exactly,
// including its tie-break (among pairs of equal frequency the one whose
// symbols compare greatest as strings wins) and the side effects of its
// pruned statistics, which can change late merges; see Learn. The differences, all in input that tokenized text does not
// contain, are listed in the comments of CountWords, Learn and the Encoder.
package bpe
