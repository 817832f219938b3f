package study

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
)

var csvHeader = []string{"method", "norm", "init", "depth", "parameters", "init_loss", "init_grad_norm",
	"layer_grad_norm_min", "layer_grad_norm_max", "first_loss", "final_loss", "updates_done", "diverged", "reason", "seconds"}

func csvRow(r *Result) []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	lo, hi := r.LayerRange()
	return []string{r.Method, r.Norm, r.Settings.Init, strconv.Itoa(r.Depth), strconv.FormatInt(r.AtInit.Params, 10),
		f(float64(r.AtInit.Loss)), f(float64(r.AtInit.Total)), f(lo), f(hi), f(float64(r.FirstLoss)), f(float64(r.FinalLoss)),
		strconv.Itoa(r.Done), strconv.FormatBool(r.Diverged), r.Reason, f(r.Seconds)}
}

// writeCSV writes the table atomically (internal/atomicfile): a failed
// write leaves the previous file, never a cut one.
func writeCSV(path string, res []*Result) error {
	return atomicfile.Write(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(csvHeader)
		for _, r := range res {
			w.Write(csvRow(r))
		}
		w.Flush()
		return w.Error()
	})
}

// PrintTable prints one line per run and, for the deepest depth that
// every method reached, which methods trained and which diverged.
func PrintTable(w io.Writer, c Config, res []*Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "method\tdepth\tparams\tinit loss\tinit gnorm\tlayer gnorm min..max\tfirst loss\tfinal loss\tupdates\tverdict\tseconds")
	for _, r := range res {
		lo, hi := r.LayerRange()
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.3g\t%.2g..%.2g\t%s\t%s\t%d\t%s\t%.0f\n", r.Method, r.Depth, r.AtInit.Params,
			fmtNum(float64(r.AtInit.Loss)), float64(r.AtInit.Total), lo, hi, fmtNum(float64(r.FirstLoss)), fmtNum(float64(r.FinalLoss)), r.Done, verdict(r), r.Seconds)
	}
	tw.Flush()
	d := deepest(c, res)
	if d == 0 {
		return
	}
	var ok, bad []string
	for _, r := range res {
		if r.Depth != d {
			continue
		}
		if r.Diverged {
			bad = append(bad, r.Method)
		} else {
			ok = append(ok, r.Method)
		}
	}
	fmt.Fprintf(w, "deepest complete setting %d+%d layers: trained: %s; diverged: %s\n", d, d, list(ok), list(bad))
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
