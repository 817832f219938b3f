package train

// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -ltch
// #include <stdint.h>
// void at_manual_seed(int64_t);
import "C"

// ManualSeed seeds libtorch's default generators (CPU and CUDA), as
// torch.manual_seed.
func ManualSeed(seed int64) { C.at_manual_seed(C.int64_t(seed)) }
