// Package atomicfile writes files that readers see complete or not at
// all. A file is written under a temporary name in its own directory
// (".NAME.tmp-RANDOM", unique per write), flushed and fsynced, renamed
// over NAME, and the directory is fsynced so that the rename survives a
// crash. Every error, a failed write included, is returned, and the
// temporary file is removed on every error path; after a kill -9 or a
// power cut it stays behind, and RemoveTemps clears such leftovers.
//
//	err := atomicfile.Write("dict.en.txt", func(w io.Writer) error {
//		_, err := io.WriteString(w, "hello 3\n")
//		return err
//	})
//
// Create gives the same as a value for long writes (Commit or Abort it);
// Link makes a second name for a finished file the same way.
//
// The package is pure Go and imports nothing of nmt, so the lowest
// layers (text, bpe, spm, data, eval/bleu) and everything above them may
// import it (internal/deps holds the rule).
package atomicfile
