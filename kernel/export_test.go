package kernel

// PoolRethrows is poolRethrows, for the external tests.
var PoolRethrows = poolRethrows

// EnableCPUCache installs the CPU cache with the default limit, for the
// external tests.
func EnableCPUCache() bool { return enableCPUCache(DefaultSettings().cacheBytes()) }

// BF16Missing is bf16Missing, for the external tests.
var BF16Missing = bf16Missing
