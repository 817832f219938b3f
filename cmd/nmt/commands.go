package main

import "github.com/urfave/cli/v2"

// commands lists every subcommand; pure-Go ones run here, the others are
// forwarded to nmt-torch.
func commands() []*cli.Command {
	return []*cli.Command{
		torchCommand("train", "train a model (recipes iwslt14-fixup, iwslt14-layernorm, iwslt14-tfixup, small)"), torchCommand("average", "average the last N checkpoints"), plotCommand(),
		torchCommand("env", "print libtorch, CUDA, BLAS and build facts for bug reports"),
		torchCommand("model", "print a model's parameter summary and per-layer gradient norms at init"),
		torchCommand("translate", "translate text with trained checkpoints (beam search, n-best, BLEU on a prepared split)"),
		torchCommand("study", "run a study: `nmt study depth` trains post-LN, pre-LN, no norm, fixup, t-fixup, deepnorm, rezero at depths 6..96 and plots"),
		prepareCommand(), corpusCommand(), bpeCommand(),
		tokenizeCommand(), detokenizeCommand(), normalizePunctCommand(), splitSentencesCommand(), spmCommand(),
		bleuCommand(),
	}
}
