package prep

import "sync"

// parallelFor runs f(w, i) for i in [0, n), split into contiguous ranges
// over workers goroutines; w in [0, workers) names the goroutine, so f can
// use per-worker state.
func parallelFor(n, workers int, f func(w, i int)) {
	if workers <= 1 || n < 64 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for w, lo := 0, 0; lo < n; w, lo = w+1, lo+step {
		hi := min(lo+step, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				f(w, i)
			}
		}()
	}
	wg.Wait()
}
