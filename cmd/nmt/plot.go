package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotCommand is `nmt plot`: train and valid loss curves of one or more
// runs (their metrics.jsonl) in one PNG.
func plotCommand() *cli.Command {
	return &cli.Command{
		Name:      "plot",
		Usage:     "draw train and valid loss curves of training runs into a PNG",
		UsageText: "nmt plot --runs runs/fixup,runs/layernorm --out curves.png",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "runs", Required: true, Usage: "save directories (or metrics.jsonl files), comma-separated"},
			&cli.StringFlag{Name: "out", Value: "plot.png", Usage: "output image (.png, .svg or .pdf)"},
			&cli.StringFlag{Name: "metric", Value: "loss", Usage: "loss, nll_loss or ppl"},
		},
		Action: func(c *cli.Context) error {
			return plotRuns(strings.Split(c.String("runs"), ","), c.String("metric"), c.String("out"), c.App.ErrWriter)
		},
	}
}

type metricLine struct {
	Type   string  `json:"type"`
	Update int     `json:"update"`
	Loss   float64 `json:"loss"`
	NLL    float64 `json:"nll_loss"`
	PPL    float64 `json:"ppl"`
}

// readMetrics returns the train and valid points of one run; a resumed
// run may repeat updates, and the later record wins. A cut final line (a
// run killed while writing it) is skipped with a warning on warn; any
// other line that is not a record is an error naming it.
func readMetrics(path, metric string, warn io.Writer) (train, valid plotter.XYs, err error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "metrics.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	pts := map[string]map[int]float64{"train": {}, "valid": {}}
	order := map[string][]int{}
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if len(line) == 0 {
			break
		}
		var m metricLine
		if jerr := json.Unmarshal(line, &m); jerr != nil {
			if err == io.EOF { // no newline: cut short
				fmt.Fprintf(warn, "nmt plot: %s:%d: skipped a cut final line (%d bytes; the run stopped while writing it)\n", path, n, len(line))
				break
			}
			return nil, nil, fmt.Errorf("%s:%d: want a JSON record, got %q: %v", path, n, shorten(line), jerr)
		}
		v := map[string]float64{"loss": m.Loss, "nll_loss": m.NLL, "ppl": m.PPL}[metric]
		if pts[m.Type] != nil {
			if _, seen := pts[m.Type][m.Update]; !seen {
				order[m.Type] = append(order[m.Type], m.Update)
			}
			pts[m.Type][m.Update] = v
		}
		if err == io.EOF {
			break
		}
	}
	xy := func(t string) plotter.XYs {
		var out plotter.XYs
		for _, u := range order[t] {
			out = append(out, plotter.XY{X: float64(u), Y: pts[t][u]})
		}
		return out
	}
	return xy("train"), xy("valid"), nil
}

// shorten cuts a line for an error message.
func shorten(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return s
}

func plotRuns(runs []string, metric, out string, warn io.Writer) error {
	if metric != "loss" && metric != "nll_loss" && metric != "ppl" {
		return fmt.Errorf("plot: --metric: want loss, nll_loss or ppl, got %q", metric)
	}
	p := plot.New()
	p.Title.Text = "training curves"
	p.X.Label.Text = "updates"
	p.Y.Label.Text = metric + map[string]string{"ppl": "", "loss": " (bits/token)", "nll_loss": " (bits/token)"}[metric]
	colors := []color.Color{color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{255, 127, 14, 255}}
	drawn := 0
	for i, run := range runs {
		tr, va, err := readMetrics(run, metric, warn)
		if err != nil {
			return err
		}
		name := filepath.Base(strings.TrimSuffix(run, "/metrics.jsonl"))
		col := colors[i%len(colors)]
		if len(tr) > 0 {
			l, err := plotter.NewLine(tr)
			if err != nil {
				return err
			}
			l.Color, l.Width = col, vg.Points(1)
			p.Add(l)
			p.Legend.Add(name+" train", l)
			drawn++
		}
		if len(va) > 0 {
			l, s, err := plotter.NewLinePoints(va)
			if err != nil {
				return err
			}
			l.Color, l.Dashes = col, []vg.Length{vg.Points(4), vg.Points(2)}
			s.Color, s.Shape = col, draw.CircleGlyph{}
			p.Add(l, s)
			p.Legend.Add(name+" valid", l, s)
			drawn++
		}
	}
	if drawn == 0 {
		return errors.New("plot: no train or valid records in the runs")
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p.Save(8*vg.Inch, 5*vg.Inch, out)
}
