package data

import "fmt"

// IterState is where an EpochIterator stands: Pos batches of epoch Epoch
// (counted from 1) have been handed out. Save it with a checkpoint to
// resume training mid-epoch.
type IterState struct {
	Epoch int `json:"epoch"`
	Pos   int `json:"position"`
}

// EpochIterator hands out a Plan's batches epoch after epoch. The order of
// the batches in epoch e is a shuffle seeded with seed+e, as in fairseq's
// EpochBatchIterator, so it depends only on the seed and the epoch, and an
// iterator resumed from a saved IterState continues exactly as the
// uninterrupted one would.
type EpochIterator struct {
	plan    *Plan
	seed    int64
	shuffle bool
	st      IterState
	order   []int // batch numbers of the current epoch
}

// NewEpochIterator starts at st (IterState{Epoch: 1} for a fresh run).
// shuffle false keeps the plan's order every epoch (for validation).
func NewEpochIterator(p *Plan, seed int64, shuffle bool, st IterState) (*EpochIterator, error) {
	if st.Epoch < 1 || st.Pos < 0 || st.Pos > len(p.Batches) {
		return nil, fmt.Errorf("data: want epoch >= 1 and position in [0, %d], got epoch %d position %d", len(p.Batches), st.Epoch, st.Pos)
	}
	it := &EpochIterator{plan: p, seed: seed, shuffle: shuffle, st: st}
	it.order = it.EpochOrder(st.Epoch)
	return it, nil
}

// EpochOrder returns the batch numbers in the order epoch visits them.
func (it *EpochIterator) EpochOrder(epoch int) []int {
	order := make([]int, len(it.plan.Batches))
	for i := range order {
		order[i] = i
	}
	if it.shuffle {
		shuffle(newRNG(it.seed+int64(epoch)), order)
	}
	return order
}

// Next returns the next batch of the current epoch (dataset indices), or
// false at the end of the epoch; then call NextEpoch.
func (it *EpochIterator) Next() ([]int, bool) {
	if it.st.Pos >= len(it.order) {
		return nil, false
	}
	b := it.plan.Batches[it.order[it.st.Pos]]
	it.st.Pos++
	return b, true
}

// NextEpoch moves to the start of the following epoch.
func (it *EpochIterator) NextEpoch() {
	it.st = IterState{Epoch: it.st.Epoch + 1}
	it.order = it.EpochOrder(it.st.Epoch)
}

// State is the position to save: resuming from it hands out the batch that
// Next would return now.
func (it *EpochIterator) State() IterState { return it.st }

// Len is the number of batches per epoch.
func (it *EpochIterator) Len() int { return len(it.order) }
