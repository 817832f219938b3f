package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderBleuArgs turns a sacreBLEU-style command line into one that
// urfave/cli (which stops at the first positional argument) parses the same
// way: flags first, then "--", then the positional arguments.
//
// It also gives the two list-valued flags sacreBLEU's meaning:
//
//   - -m/--metrics takes every following argument that names a metric
//     (-m bleu chrf);
//   - -i/--input takes every following non-flag argument when references
//     were already given (sacrebleu REF -i SYS1 SYS2 ...), and one file per
//     occurrence otherwise (nmt bleu -i HYP REF..., nmt bleu -i A -i B REF).
//
// Both are rewritten as repeated flags. Arguments after "--" stay
// positional.
func reorderBleuArgs(args []string, flags []cli.Flag) []string {
	takesValue := map[string]bool{}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	isFlag := func(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }
	name := func(a string) string {
		n := strings.TrimLeft(a, "-")
		if i := strings.IndexByte(n, '='); i >= 0 {
			n = n[:i]
		}
		return n
	}

	var out, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !isFlag(a) {
			pos = append(pos, a)
			continue
		}
		n := name(a)
		if strings.Contains(a, "=") || !takesValue[n] {
			out = append(out, a)
			continue
		}
		switch n {
		case "m", "metrics":
			j := i + 1
			for j < len(args) && bleuIsMetric(args[j]) {
				out = append(out, "--metrics", args[j])
				j++
			}
			if j == i+1 && j < len(args) { // let the parser report the bad value
				out = append(out, "--metrics", args[j])
				j++
			}
			if j == i+1 {
				out = append(out, a)
			}
			i = j - 1
		case "i", "input":
			j := i + 1
			for j < len(args) && !isFlag(args[j]) && args[j] != "--" {
				out = append(out, "--input", args[j])
				j++
				if len(pos) == 0 {
					break // no references yet: one file per -i
				}
			}
			if j == i+1 {
				out = append(out, a)
			}
			i = j - 1
		default:
			out = append(out, a)
			if i+1 < len(args) {
				out = append(out, args[i+1])
				i++
			}
		}
	}
	return append(append(out, "--"), pos...)
}

// bleuMetrics are the metrics nmt bleu computes; sacreBLEU's ter is
// recognised so that it gets a clear error.
var bleuMetrics = []string{"bleu", "chrf", "ter"}

func bleuIsMetric(s string) bool {
	for _, m := range bleuMetrics {
		if strings.EqualFold(s, m) {
			return true
		}
	}
	return false
}
