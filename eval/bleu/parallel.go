package bleu

import (
	"runtime"
	"sync"
)

// scratch is per-goroutine working memory for segment statistics.
type scratch struct {
	table    ngramTable
	refPrev  [][]uint32 // n-gram ids of each reference, order by order
	refAlive [][]bool   // which of those n-grams occur on both sides
	hypAlive []bool
	hypUni   []uint32 // BLEU: hypothesis token ids
	hypPrev  []uint32 // n-gram ids of the hypothesis, order by order
	hypChars []uint32 // chrF: hypothesis code points
	hypWords []uint32 // chrF++: hypothesis word ids
	words    []string
	arena    arena // hypothesis token text, reused segment by segment
}

// seqs returns k reusable id slices from *pool, each of length n[i].
func seqs(pool *[][]uint32, n ...int) [][]uint32 {
	for len(*pool) < len(n) {
		*pool = append(*pool, nil)
	}
	for i, l := range n {
		(*pool)[i] = resize((*pool)[i], l)
	}
	return (*pool)[:len(n)]
}

// seqsBool is seqs for flags.
func seqsBool(pool *[][]bool, n ...int) [][]bool {
	for len(*pool) < len(n) {
		*pool = append(*pool, nil)
	}
	for i, l := range n {
		(*pool)[i] = resizeBool((*pool)[i], l)
	}
	return (*pool)[:len(n)]
}

func resizeBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n, n+n/2)
	}
	return s[:n]
}

// resize returns s with length n, reusing its memory when it can.
func resize(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n, n+n/2)
	}
	return s[:n]
}

// minChunk is the fewest segments worth handing to a goroutine.
const minChunk = 256

// chunkSize is how many segments parallel gives each goroutine: n split
// evenly over up to GOMAXPROCS goroutines, at least minChunk each.
func chunkSize(n int) int {
	workers := runtime.GOMAXPROCS(0)
	if w := (n + minChunk - 1) / minChunk; w < workers {
		workers = w
	}
	workers = max(workers, 1)
	return max((n+workers-1)/workers, 1)
}

// parallel calls fn on the chunks [lo, lo+chunkSize(n)) of [0, n), each on
// its own goroutine with its own scratch. Results must be written by index.
func parallel(n int, fn func(lo, hi int, s *scratch)) {
	if n == 0 {
		return
	}
	chunk := chunkSize(n)
	if chunk >= n {
		fn(0, n, newScratch())
		return
	}
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi, newScratch())
		}()
	}
	wg.Wait()
}

func newScratch() *scratch { return &scratch{} }
