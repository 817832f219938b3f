package tch

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sugarme/gotch"
)

// ParseDevice turns "auto", "cpu", "cuda" or "cuda:N" into a device.
// "auto" is CUDA device 0 when one is available, else the CPU. Asking for
// CUDA where there is none is an error, not a silent fallback.
func ParseDevice(s string) (gotch.Device, error) {
	n := len(CUDADevices())
	switch s := strings.ToLower(strings.TrimSpace(s)); {
	case s == "" || s == "auto":
		if n > 0 {
			return gotch.CudaBuilder(0), nil
		}
		return gotch.CPU, nil
	case s == "cpu":
		return gotch.CPU, nil
	case s == "cuda" || strings.HasPrefix(s, "cuda:"):
		i := 0
		if s != "cuda" {
			v, err := strconv.Atoi(strings.TrimPrefix(s, "cuda:"))
			if err != nil || v < 0 {
				return gotch.CPU, fmt.Errorf("device %q: want cuda:N with N >= 0", s)
			}
			i = v
		}
		if i >= n {
			if n == 0 {
				return gotch.CPU, fmt.Errorf("device %q: no CUDA device visible (libtorch built with CUDA: %v); use --device cpu", s, BuiltWithCUDA())
			}
			return gotch.CPU, fmt.Errorf("device %q: only %d CUDA device(s) visible", s, n)
		}
		return gotch.CudaBuilder(uint(i)), nil
	default:
		return gotch.CPU, fmt.Errorf("device %q: want auto, cpu, cuda or cuda:N", s)
	}
}
