package train

import (
	"fmt"
	"os"
	"sort"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/dist"
	"github.com/fixup-nmt/nmt/tch"
)

// Data-parallel training, as fairseq does it on DistributedDataParallel:
//
//   - Options.Dist is this worker's c10d process group (package dist).
//   - Rank 0 alone writes checkpoints, config.yaml, metrics.jsonl and log
//     lines; the other ranks log nothing and return errors only.
//   - After New builds (or restores) the model, rank 0's parameters and
//     optimiser state are broadcast, and the ranks check that they agree
//     on the update count and the data position.
//   - Every update takes the next W*update-freq batches of the epoch's
//     order (same seed, same order on every rank); rank r takes those at
//     positions r, r+W, r+2W, ... So W workers with update-freq F see,
//     together, exactly the batches one process with update-freq W*F
//     sees.
//   - After the backward passes the gradients are summed across ranks in
//     flattened buckets (dist.Group.BucketBytes), together with the
//     target token count and loss sums, and divided by the total target
//     tokens: the gradient is the one of the pooled batches.
//   - A signal on any rank stops every rank after the same update (the
//     stop flag travels with the loss sums); rank 0 saves checkpoint_last.
//   - Every collective has a timeout: a dead or unreachable rank makes
//     the others' Run return an error within it, without saving.
//
// The iterator position is counted in batches, so a run resumes from
// checkpoint_last with any number of workers.

// master reports whether this worker writes files and logs.
func (t *Trainer) master() bool { return t.opt.Dist == nil || t.opt.Dist.Rank == 0 }

// world is the number of workers (1 without Options.Dist).
func (t *Trainer) world() int {
	if t.opt.Dist == nil {
		return 1
	}
	return t.opt.Dist.World
}

// nextBatches takes the batches of the next update: update-freq of them,
// or this rank's share of the next W*update-freq. more is false when the
// epoch is over for every rank; a rank may get no batch at the end of an
// epoch and still takes part in the update.
func (t *Trainer) nextBatches() (batches []data.Batch, more bool) {
	w, r := t.world(), 0
	if t.opt.Dist != nil {
		r = t.opt.Dist.Rank
	}
	for i := 0; i < w*t.cfg.Optim.UpdateFreq; i++ {
		idx, ok := t.it.Next()
		if !ok {
			break
		}
		more = true
		if i%w == r {
			batches = append(batches, t.train.Batch(idx))
		}
	}
	return batches, more
}

// syncStart broadcasts rank 0's parameters and optimiser state and
// checks that every rank resumed at the same place.
func (t *Trainer) syncStart(state data.IterState) error {
	g := t.opt.Dist
	if g == nil {
		return nil
	}
	return tch.Catch(func() error {
		s := ts.NewScope()
		defer s.Close()
		var xs []*ts.Tensor
		for _, p := range t.params {
			xs = append(xs, p.T)
		}
		if err := broadcastByKind(g, xs); err != nil {
			return fmt.Errorf("broadcasting the initial parameters: %w", err)
		}
		st, step := t.optim.State()
		names := make([]string, 0, len(st))
		for k := range st {
			names = append(names, k)
		}
		sort.Strings(names)
		xs = xs[:0]
		for _, k := range names {
			xs = append(xs, st[k])
		}
		if err := broadcastByKind(g, xs); err != nil {
			return fmt.Errorf("broadcasting the optimiser state: %w", err)
		}
		mine := []int64{int64(t.updates), int64(state.Epoch), int64(state.Pos), step}
		x := ts.MustOfSlice(mine)
		if err := g.Broadcast([]*ts.Tensor{x}, 0); err != nil {
			return fmt.Errorf("broadcasting the resume point: %w", err)
		}
		got := x.Int64Values()
		if got[0] != mine[0] || got[1] != mine[1] || got[2] != mine[2] || got[3] != mine[3] {
			return fmt.Errorf("rank %d resumed at update %d, epoch %d, batch %d but rank 0 at update %d, epoch %d, batch %d: every rank must see the same checkpoint_last (a shared --save-dir, or copy it)", g.Rank, mine[0], mine[1], mine[2], got[0], got[1], got[2])
		}
		return nil
	})
}

// broadcastByKind broadcasts from rank 0, one call per dtype/device.
func broadcastByKind(g *dist.Group, xs []*ts.Tensor) error {
	for _, grp := range byKind(xs) {
		if err := g.Broadcast(grp, 0); err != nil {
			return err
		}
	}
	return nil
}

func byKind(xs []*ts.Tensor) [][]*ts.Tensor {
	type key struct {
		k gotch.DType
		d gotch.Device
	}
	idx := map[key]int{}
	var out [][]*ts.Tensor
	for _, x := range xs {
		k := key{x.DType(), x.MustDevice()}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], x)
	}
	return out
}

// reduceGrads sums gradients, target tokens and loss sums across ranks.
// A rank without batches contributes zero gradients. A pending stop on
// any rank becomes a stop on all.
func (t *Trainer) reduceGrads(tokens *int, lossSum, nllSum *float64) error {
	g := t.opt.Dist
	if g == nil {
		return nil
	}
	s := ts.NewScope()
	defer s.Close()
	var sc scalars
	defer sc.drop()
	stop := 0.0
	if t.pendingStop.Load() != nil {
		stop = 1
	}
	stats := ts.MustOfSlice([]float64{float64(*tokens), *lossSum, *nllSum, stop})
	var grads []*ts.Tensor
	for _, p := range t.params {
		gr := p.T.MustGrad(false)
		if !gr.MustDefined() {
			// No backward on this rank yet (no batch): zeros.
			z := p.T.MustSum(p.T.DType(), false)
			z = z.MustMulScalar(sc.f(0), true)
			z.MustBackward()
			gr = p.T.MustGrad(false)
		}
		grads = append(grads, gr)
	}
	for _, grp := range byKind(grads) {
		if err := g.AllReduce(grp); err != nil {
			return err
		}
	}
	if err := g.AllReduce([]*ts.Tensor{stats}); err != nil {
		return err
	}
	v := stats.Float64Values()
	*tokens, *lossSum, *nllSum = int(v[0]+0.5), v[1], v[2]
	if v[3] > 0 {
		sig := t.pendingStop.Load()
		if sig == nil {
			sig = os.Interrupt
		}
		t.stop.Store(sig)
	}
	return nil
}
