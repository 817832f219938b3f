package bleu

import (
	"runtime"
	"sync"
)

// scratch is per-goroutine working memory for segment statistics.
type scratch struct {
	ids     map[string]uint32 // token -> id, valid within one segment
	table   ngramTable
	refUni  [][]uint32 // unigram ids of each reference
	refPrev [][]uint32 // n-gram ids of each reference, order by order
	hypUni  []uint32
	hypPrev []uint32
	hyp     []rune
	words   []string
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

// resize returns s with length n, reusing its memory when it can.
func resize(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n, n+n/2)
	}
	return s[:n]
}

// intern appends the ids of toks to dst; ids are shared by all the strings
// interned since the last clear of s.ids.
func (s *scratch) intern(dst []uint32, toks []string) []uint32 {
	for _, t := range toks {
		id, ok := s.ids[t]
		if !ok {
			id = uint32(len(s.ids))
			s.ids[t] = id
		}
		dst = append(dst, id)
	}
	return dst
}

// minChunk is the fewest segments worth handing to a goroutine.
const minChunk = 256

// parallel calls fn on contiguous chunks of [0, n), on up to GOMAXPROCS
// goroutines, each with its own scratch. Results must be written by index.
func parallel(n int, fn func(lo, hi int, s *scratch)) {
	workers := runtime.GOMAXPROCS(0)
	if w := (n + minChunk - 1) / minChunk; w < workers {
		workers = w
	}
	if workers <= 1 {
		fn(0, n, newScratch())
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
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

func newScratch() *scratch {
	return &scratch{ids: make(map[string]uint32, 128)}
}
