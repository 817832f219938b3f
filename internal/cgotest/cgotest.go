// Package cgotest holds C helpers for the tests of nmt's Go/C boundary
// (test files cannot use cgo themselves).
package cgotest

/*
#include <stdint.h>
#include <stdlib.h>

// poison allocates blocks of size bytes, fills each with vals over and
// over, and frees them all, so that the next mallocs of that size return
// memory holding those values.
static void poison(const uintptr_t *vals, int nvals, size_t size, int blocks) {
	void **ps = malloc((size_t)blocks * sizeof(void *));
	if (ps == NULL) return;
	for (int b = 0; b < blocks; b++) {
		uintptr_t *p = malloc(size);
		ps[b] = p;
		if (p == NULL) continue;
		for (size_t i = 0; i < size / sizeof(uintptr_t); i++) p[i] = vals[i % (size_t)nvals];
	}
	for (int b = blocks - 1; b >= 0; b--) free(ps[b]);
	free(ps);
}
*/
import "C"

import "unsafe"

// PoisonCHeap leaves blocks freed blocks of size bytes in the C heap,
// each filled with vals, for the next mallocs of that size to return.
func PoisonCHeap(vals []uintptr, size, blocks int) {
	if len(vals) == 0 {
		return
	}
	cv := C.malloc(C.size_t(len(vals)) * C.size_t(unsafe.Sizeof(uintptr(0))))
	defer C.free(cv)
	copy(unsafe.Slice((*uintptr)(cv), len(vals)), vals)
	C.poison((*C.uintptr_t)(cv), C.int(len(vals)), C.size_t(size), C.int(blocks))
}
