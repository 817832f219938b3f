// Package study runs the depth study: for each depth (encoder = decoder
// layers) and each way of normalising and initialising a Transformer
// (post-LN, pre-LN, no norm, fixup, t-fixup, deepnorm, rezero), it
// measures the gradient norm of every layer at initialisation on one real
// batch, trains for a fixed number of updates with package train's
// trainer, and records the loss curve, whether the run diverged and the
// final loss.
//
// Every run writes OUT/runs/METHOD-LDEPTH.json when it ends; Run skips
// runs whose file exists, so a study stopped at any point resumes where
// it left off (a run that was cut short starts again). Summarise then
// reads every run file and writes OUT/results.json, OUT/results.csv and
// the plots final-loss.png, grad-norm.png, grad-norm-layers.png and
// loss-curves.png.
//
// All torch work runs on the calling goroutine, which must be locked to
// its OS thread (tch.LockThread). Each run's tensors (model, gradients,
// Adam state) live in one ts.Scope that is closed when the run ends.
//
// Usage:
//
//	tch.LockThread()
//	c := study.DefaultConfig()
//	c.Out, c.Depths, c.Updates = "runs/depth", []int{6, 12}, 100
//	if err := study.Prepare(&c, os.Stderr); err != nil { ... } // data/synth -> data/prep
//	res, err := study.Run(c, os.Stderr)
//	err = study.Summarise(c, res, os.Stdout)
package study
