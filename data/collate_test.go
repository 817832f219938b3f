package data

import (
	"reflect"
	"testing"
)

func TestCollate(t *testing.T) {
	b := Collate([]Sample{
		{ID: 7, Source: []int32{10, 2}, Target: []int32{20, 21, 22, 2}},
		{ID: 3, Source: []int32{11, 12, 13, 2}, Target: []int32{23, 2}},
	})
	P, E := int64(PADID), int64(EOSID)
	want := Batch{
		IDs:           []int64{3, 7}, // longer source first
		SourceLengths: []int64{4, 2},
		Source: []int64{
			11, 12, 13, E,
			P, P, 10, E,
		},
		Target: []int64{
			23, E, P, P,
			20, 21, 22, E,
		},
		PrevOutput: []int64{
			E, 23, P, P,
			E, 20, 21, 22,
		},
		B: 2, S: 4, T: 4, NTokens: 6,
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("Collate =\n%+v\nwant\n%+v", b, want)
	}
}

func TestCollateSourceOnly(t *testing.T) {
	b := Collate([]Sample{{ID: 0, Source: []int32{5, 2}}, {ID: 1, Source: []int32{2}}})
	if b.Target != nil || b.PrevOutput != nil || b.NTokens != 3 || !reflect.DeepEqual(b.Source, []int64{5, 2, 1, 2}) {
		t.Errorf("got %+v", b)
	}
}
