package study

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"
)

// Run runs every depth (shallow first) and method of c that has no run
// file yet, writing each run's file as soon as it ends, and returns the
// results of all runs of c, old and new, in depth then method order.
// c.Data must be a prepared directory (see Prepare). A run file made with
// other settings is an error: use another output directory.
func Run(c Config, log io.Writer) ([]*Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(c.Out, "runs"), 0o755); err != nil {
		return nil, err
	}
	var k *corpus
	var out []*Result
	for _, depth := range c.Depths {
		for _, m := range c.Methods {
			path := runPath(c, m, depth)
			r, ok, err := readRun(path)
			if err != nil {
				return out, err
			}
			if ok {
				if want := settingsFor(c, m, depth); r.Settings != want {
					return out, fmt.Errorf("%s: made with other settings (%+v, want %+v); use another output directory", path, r.Settings, want)
				}
				fmt.Fprintf(log, "study: %-8s %3d layers: done before (%s)\n", m.Name, depth, path)
				out = append(out, r)
				continue
			}
			if k == nil {
				if k, err = openCorpus(c); err != nil {
					return out, err
				}
			}
			fmt.Fprintf(log, "study: %-8s %3d layers: training %d updates ... ", m.Name, depth, c.Updates)
			start := time.Now()
			if r, err = runOne(c, k, m, depth, log); err != nil {
				fmt.Fprintln(log)
				return out, err
			}
			if err := writeJSON(path, r); err != nil {
				return out, err
			}
			fmt.Fprintf(log, "final loss %.3f, %s (%.0fs)\n", float64(r.FinalLoss), verdict(r), time.Since(start).Seconds())
			out = append(out, r)
		}
	}
	return out, nil
}

// Collect reads the run files of c that exist, in depth then method order.
func Collect(c Config) ([]*Result, error) {
	var out []*Result
	for _, depth := range c.Depths {
		for _, m := range c.Methods {
			r, ok, err := readRun(runPath(c, m, depth))
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func verdict(r *Result) string {
	if r.Diverged {
		return "diverged"
	}
	return "trained"
}

// Summarise writes OUT/results.json, OUT/results.csv and the plots for
// res and prints the table to w.
func Summarise(c Config, res []*Result, w io.Writer) error {
	if err := writeResults(filepath.Join(c.Out, "results.json"), res); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(c.Out, "results.csv"), res); err != nil {
		return err
	}
	if err := Plot(c, res); err != nil {
		return err
	}
	PrintTable(w, c, res)
	return nil
}

// deepest returns the largest depth at which every method of c has a
// result, or 0.
func deepest(c Config, res []*Result) int {
	have := map[int]int{}
	for _, r := range res {
		have[r.Depth]++
	}
	best := 0
	for _, d := range c.Depths {
		if have[d] >= len(c.Methods) && d > best {
			best = d
		}
	}
	return best
}

func fmtNum(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	if math.Abs(x) >= 1e4 {
		return fmt.Sprintf("%.3g", x)
	}
	return fmt.Sprintf("%.3f", x)
}
