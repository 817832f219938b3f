package main

import (
	"reflect"
	"testing"
)

func TestTorchEnv(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"A=1"}, []string{"A=1", "OMP_WAIT_POLICY=passive"}},
		{[]string{"OMP_WAIT_POLICY=active", "A=1"}, []string{"OMP_WAIT_POLICY=active", "A=1"}},
	}
	for _, tt := range tests {
		if got := torchEnv(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("torchEnv(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
