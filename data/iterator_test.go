package data

import (
	"reflect"
	"testing"
)

func testPlan(t *testing.T) *Plan {
	src, tgt := randomSizes(1000, 11)
	p, err := MakePlan(src, tgt, BatchConfig{MaxTokens: 200, SizeMultiple: 8, Shuffle: true, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// drain returns the batches of the current epoch from it onwards.
func drain(it *EpochIterator) [][]int {
	var out [][]int
	for {
		b, ok := it.Next()
		if !ok {
			return out
		}
		out = append(out, b)
	}
}

func TestEpochIteratorResume(t *testing.T) {
	p := testPlan(t)
	full, _ := NewEpochIterator(p, 1, true, IterState{Epoch: 1})
	var want [][]int
	for e := 0; e < 3; e++ {
		want = append(want, drain(full)...)
		full.NextEpoch()
	}
	// Stop in epoch 2 after 5 batches, save, resume in a new iterator.
	it, _ := NewEpochIterator(p, 1, true, IterState{Epoch: 1})
	got := drain(it)
	it.NextEpoch()
	for i := 0; i < 5; i++ {
		b, _ := it.Next()
		got = append(got, b)
	}
	st := it.State()
	if st != (IterState{Epoch: 2, Pos: 5}) {
		t.Fatalf("state %+v", st)
	}
	resumed, err := NewEpochIterator(p, 1, true, st)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, drain(resumed)...)
	resumed.NextEpoch()
	got = append(got, drain(resumed)...)
	if !reflect.DeepEqual(got, want) {
		t.Error("resumed run differs from the uninterrupted one")
	}
}

func TestEpochIteratorEpochs(t *testing.T) {
	p := testPlan(t)
	it, _ := NewEpochIterator(p, 1, true, IterState{Epoch: 1})
	e1 := it.EpochOrder(1)
	e2 := it.EpochOrder(2)
	if reflect.DeepEqual(e1, e2) {
		t.Error("epochs 1 and 2 have the same order")
	}
	if !reflect.DeepEqual(sorted(e1), sorted(e2)) || len(e1) != len(p.Batches) {
		t.Error("an epoch does not visit every batch once")
	}
	fixed, _ := NewEpochIterator(p, 1, false, IterState{Epoch: 3})
	if got := drain(fixed); !reflect.DeepEqual(got, p.Batches) {
		t.Error("unshuffled iterator changed the plan's order")
	}
	if _, err := NewEpochIterator(p, 1, true, IterState{Epoch: 0}); err == nil {
		t.Error("epoch 0: want an error")
	}
}
