// Package cmdinfo is what both binaries of nmt's command line say about
// themselves: the version, and the commands nmt-torch runs, which the pure-Go
// nmt lists in its help and forwards by name. Keeping them here means a
// torch command cannot exist in one binary and be missing from the other.
package cmdinfo

// Version is the toolkit's version; it appears in BLEU signatures
// (version:nmt-VERSION) and in prepared data's metadata.
const Version = "0.1.0"

// Usage is the one-line description of the toolkit.
const Usage = "Transformer machine translation without LayerNorm (Fixup)"

// Command is a command's name and one-line usage.
type Command struct{ Name, Usage string }

// Torch lists nmt-torch's commands, in the order `nmt help` shows them.
var Torch = []Command{
	{"train", "train a Transformer on a prepared directory (recipes iwslt14-fixup, iwslt14-layernorm, iwslt14-tfixup, small)"},
	{"average", "average the parameters of the last N checkpoints (element-wise mean)"},
	{"translate", "translate lines of text (standard input or --input) with one or more checkpoints"},
	{"quantize", "write an int8 checkpoint for translation (linear layers by output channel; about 4x smaller)"},
	{"serve", "serve translation over HTTP: LibreTranslate's API, a native /v1 API and a page at /"},
	{"model", "print a model's parameter summary (and per-layer gradient norms at init)"},
	{"env", "print libtorch, CUDA, BLAS and build facts for bug reports"},
	{"study", "run a study (depth: post-LN, pre-LN, no norm, fixup, t-fixup, deepnorm, rezero at depths 6..96)"},
}

// TorchUsage returns the usage of the torch command name; it panics for a
// name not in Torch (a programming error that cmd/nmt-torch's tests catch).
func TorchUsage(name string) string {
	for _, c := range Torch {
		if c.Name == name {
			return c.Usage
		}
	}
	panic("cmdinfo: no torch command " + name)
}
