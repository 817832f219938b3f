package train

import "github.com/fixup-nmt/nmt/transformer"

// ManualSeed seeds libtorch's default generators (CPU and CUDA), as
// torch.manual_seed, and the model's CPU dropout generator.
func ManualSeed(seed int64) { transformer.ManualSeed(seed) }
