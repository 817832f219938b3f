package cgotest

import (
	"fmt"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/ts"
)

// WantSum reports an error unless x's elements sum to want (in float64).
func WantSum(x *ts.Tensor, want float64) error {
	s := x.MustSum(gotch.Double, false)
	defer s.MustDrop()
	if got := s.Float64Values()[0]; got != want {
		return fmt.Errorf("sum %v, want %v", got, want)
	}
	return nil
}
