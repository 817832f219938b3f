package train

import "math"

// LR returns the learning rate used for the update that follows
// numUpdates completed updates, as fairseq's schedulers set it (they run
// step_update(num_updates) after every update):
//
//   - inverse_sqrt: linear warmup from warmup-init-lr to lr over W updates,
//     then lr*sqrt(W/t);
//   - inverse_sqrt_nowarmup: lr*sqrt(W/(W+t));
//   - fixed: lr.
//
// The schedule is a function of the update count alone, so its state in a
// checkpoint is that count.
func LR(o OptimConfig, numUpdates int) float64 {
	t := float64(numUpdates)
	w := float64(o.WarmupUpdates)
	switch o.LRScheduler {
	case "inverse_sqrt":
		init := o.WarmupInitLR
		if init < 0 {
			init = 0
			if w == 0 {
				init = o.LR
			}
		}
		if numUpdates < o.WarmupUpdates {
			return init + t*(o.LR-init)/w
		}
		if w == 0 {
			return o.LR / math.Sqrt(math.Max(t, 1))
		}
		return o.LR * math.Sqrt(w) / math.Sqrt(t)
	case "inverse_sqrt_nowarmup":
		return o.LR * math.Sqrt(w/(w+t))
	}
	return o.LR
}
