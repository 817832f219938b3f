package transformer

// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -ltch
// #include <stdint.h>
// void at_manual_seed(int64_t);
import "C"

// ManualSeed seeds libtorch's random generators (torch.manual_seed) and
// the CPU dropout masks' generator (dropout.go): the same seed gives the
// same parameters and the same dropout masks.
func ManualSeed(seed int64) {
	C.at_manual_seed(C.int64_t(seed))
	seedDropout(seed)
}
