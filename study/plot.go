package study

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot draws, into c.Out:
//
//   - final-loss.png: final loss against depth per method (crosses mark
//     diverged runs; non-finite ones sit on the top edge);
//   - grad-norm.png: total gradient norm at init against depth (log-log);
//   - grad-norm-layers.png: each layer's gradient norm at init, for the
//     deepest depth with results (encoder layers, then decoder layers);
//   - loss-curves.png: the loss curves at that depth.
func Plot(c Config, res []*Result) error {
	if len(res) == 0 {
		return nil
	}
	deep := 0
	for _, r := range res {
		deep = max(deep, r.Depth)
	}
	for name, draw := range map[string]func(Config, []*Result, int) (*plot.Plot, error){
		"final-loss.png": finalLossPlot, "grad-norm.png": gradNormPlot,
		"grad-norm-layers.png": layerPlot, "loss-curves.png": curvePlot,
	} {
		p, err := draw(c, res, deep)
		if err != nil {
			return fmt.Errorf("study: %s: %w", name, err)
		}
		if err := p.Save(6.5*vg.Inch, 4*vg.Inch, filepath.Join(c.Out, name)); err != nil {
			return err
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// style gives method i its colour and glyph.
func style(i int, l *plotter.Line, s *plotter.Scatter) {
	if l != nil {
		l.Color, l.Width = plotutil.Color(i), vg.Points(1.2)
		l.Dashes = plotutil.Dashes(i / 7)
	}
	if s != nil {
		s.Color, s.Shape, s.Radius = plotutil.Color(i), plotutil.Shape(i), vg.Points(2.5)
	}
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Add(plotter.NewGrid())
	return p
}

func depthAxis(p *plot.Plot, c Config) {
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, d := range c.Depths {
		ticks = append(ticks, plot.Tick{Value: float64(d), Label: fmt.Sprint(d)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
}

func finalLossPlot(c Config, res []*Result, _ int) (*plot.Plot, error) {
	// Runs that diverged are drawn at the top edge (cap), so the axis
	// resolves the runs that trained.
	cap := 0.0
	for _, r := range res {
		cap = math.Max(cap, r.Threshold)
	}
	cap *= 1.1
	p := newPlot(fmt.Sprintf("final loss after %d updates (d %d); above %.1f bits: at the top", c.Updates, c.Dim, cap),
		"layers (encoder = decoder)", "loss, bits/token")
	var crosses plotter.XYs
	for i, m := range c.Methods {
		var xy plotter.XYs
		for _, r := range res {
			if r.Method != m.Name {
				continue
			}
			y := float64(r.FinalLoss)
			if !finite(y) || y > cap {
				y = cap
			}
			xy = append(xy, plotter.XY{X: float64(r.Depth), Y: y})
			if r.Diverged {
				crosses = append(crosses, plotter.XY{X: float64(r.Depth), Y: y})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		style(i, l, s)
		p.Add(l, s)
		p.Legend.Add(m.Name, l, s)
	}
	if len(crosses) > 0 {
		s, err := plotter.NewScatter(crosses)
		if err != nil {
			return nil, err
		}
		s.Shape, s.Radius = draw.CrossGlyph{}, vg.Points(6)
		p.Add(s)
		p.Legend.Add("diverged", s)
	}
	// Leave the bottom free for the legend.
	p.Y.Max, p.Legend.Top, p.Legend.Left = cap+0.3, false, true
	p.Y.Min = math.Max(0, p.Y.Min-0.9*(p.Y.Max-p.Y.Min))
	depthAxis(p, c)
	return p, nil
}

func gradNormPlot(c Config, res []*Result, _ int) (*plot.Plot, error) {
	p := newPlot("gradient norm at initialisation (one batch)", "layers (encoder = decoder)", "total gradient norm")
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decadeTicks{}
	for i, m := range c.Methods {
		var xy plotter.XYs
		for _, r := range res {
			if r.Method == m.Name && finite(float64(r.AtInit.Total)) && r.AtInit.Total > 0 {
				xy = append(xy, plotter.XY{X: float64(r.Depth), Y: float64(r.AtInit.Total)})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		style(i, l, s)
		p.Add(l, s)
		p.Legend.Add(m.Name, l, s)
	}
	roomForLegend(p)
	depthAxis(p, c)
	return p, nil
}

func layerPlot(c Config, res []*Result, deep int) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("gradient norm at init per layer, %d+%d layers", deep, deep),
		fmt.Sprintf("layer (encoder 1-%d, then decoder %d-%d)", deep, deep+1, 2*deep), "layer gradient norm")
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decadeTicks{}
	zero := map[string]bool{}
	for _, r := range res {
		if lo, hi := r.LayerRange(); r.Depth == deep && lo == 0 && hi == 0 {
			zero[r.Method] = true
		}
	}
	for i, m := range c.Methods {
		var xy plotter.XYs
		for _, r := range res {
			if r.Method != m.Name || r.Depth != deep {
				continue
			}
			for _, l := range r.AtInit.Layers {
				side, n, ok := layerIndex(l.Layer)
				if !ok || !finite(float64(l.Norm)) || l.Norm <= 0 {
					continue
				}
				x := float64(n + 1)
				if side == "decoder" {
					x += float64(deep)
				}
				xy = append(xy, plotter.XY{X: x, Y: float64(l.Norm)})
			}
		}
		if len(xy) == 0 {
			if zero[m.Name] {
				// Fixup's zero output projection leaves every layer without
				// gradient at init: say so rather than draw nothing.
				l := &plotter.Line{}
				style(i, l, nil)
				p.Legend.Add(m.Name+" (all 0)", l)
			}
			continue
		}
		sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		style(i, l, nil)
		p.Add(l)
		p.Legend.Add(m.Name, l)
	}
	roomForLegend(p)
	return p, nil
}

// roomForLegend raises a log-scale Y axis so the legend (top left) sits
// above the data.
func roomForLegend(p *plot.Plot) {
	if p.Y.Max > 0 && p.Y.Min > 0 {
		p.Y.Max *= math.Pow(p.Y.Max/p.Y.Min, 0.6)
	}
}

func curvePlot(c Config, res []*Result, deep int) (*plot.Plot, error) {
	cap := 0.0
	for _, r := range res {
		cap = math.Max(cap, r.Threshold)
	}
	cap *= 1.1
	p := newPlot(fmt.Sprintf("training loss, %d+%d layers; above %.1f bits: at the top", deep, deep, cap), "update", "loss, bits/token")
	p.Legend.Left = false
	for i, m := range c.Methods {
		var xy plotter.XYs
		for _, r := range res {
			if r.Method != m.Name || r.Depth != deep {
				continue
			}
			for _, pt := range r.Curve {
				y := float64(pt.Loss)
				if !finite(y) || y > cap {
					y = cap
				}
				xy = append(xy, plotter.XY{X: float64(pt.Update), Y: y})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		style(i, l, nil)
		p.Add(l)
		p.Legend.Add(m.Name, l)
	}
	p.Y.Max = cap + 0.6*(cap-p.Y.Min) // room for the legend
	return p, nil
}

// decadeTicks labels powers of ten on a log axis, at most about 8.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	step := math.Max(1, math.Ceil((hi-lo)/8))
	var out []plot.Tick
	for e := lo; e <= hi; e += step {
		out = append(out, plot.Tick{Value: math.Pow(10, e), Label: fmt.Sprintf("1e%d", int(e))})
	}
	return out
}
