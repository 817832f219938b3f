// Package dist is nmt's data-parallel layer over libtorch's c10d, the
// library PyTorch's DistributedDataParallel runs on: rendezvous through
// c10d's TCPStore, ProcessGroupGloo on CPU and ProcessGroupNCCL on CUDA
// builds, with allreduce (sum, in flattened buckets), broadcast and
// barrier. Every collective has a timeout, and libtorch's errors come back
// as Go errors.
//
// The C++ shim is csrc/dist/dist.cpp, built by scripts/setup.sh into
// build/lib/libnmtdist.so. As with all torch work (package tch), call
// everything from one goroutine locked to its OS thread.
//
// Env reads torchrun's variables: MASTER_ADDR, MASTER_PORT, RANK,
// WORLD_SIZE, LOCAL_RANK.
package dist

// #cgo CFLAGS: -I${SRCDIR}/../csrc
// #cgo LDFLAGS: -L${SRCDIR}/../build/lib -Wl,-rpath,${SRCDIR}/../build/lib -lnmtdist
// #include <stdlib.h>
// #include "dist/dist.h"
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	"github.com/sugarme/gotch/ts"

	"github.com/fixup-nmt/nmt/tch"
)

// Backends lists the compiled-in backends, e.g. "gloo" or "gloo,nccl".
func Backends() string { return C.GoString(C.nmt_dist_backends()) }

// Env is a worker's place in the job, as torchrun describes it.
type Env struct {
	MasterAddr string
	MasterPort int
	Rank       int
	WorldSize  int
	LocalRank  int
}

// EnvFromOS reads MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE and
// LOCAL_RANK. ok is false when WORLD_SIZE is unset (not a distributed
// run); an error reports a malformed or incomplete set.
func EnvFromOS() (e Env, ok bool, err error) {
	ws := os.Getenv("WORLD_SIZE")
	if ws == "" {
		return e, false, nil
	}
	num := func(name string, def int) (int, error) {
		v := os.Getenv(name)
		if v == "" {
			if def >= 0 {
				return def, nil
			}
			return 0, fmt.Errorf("dist: WORLD_SIZE is set but %s is not", name)
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("dist: %s=%q is not a non-negative integer", name, v)
		}
		return n, nil
	}
	if e.WorldSize, err = num("WORLD_SIZE", -1); err != nil {
		return e, true, err
	}
	if e.Rank, err = num("RANK", -1); err != nil {
		return e, true, err
	}
	if e.LocalRank, err = num("LOCAL_RANK", e.Rank); err != nil {
		return e, true, err
	}
	if e.MasterPort, err = num("MASTER_PORT", 29500); err != nil {
		return e, true, err
	}
	e.MasterAddr = os.Getenv("MASTER_ADDR")
	if e.MasterAddr == "" {
		e.MasterAddr = "127.0.0.1"
	}
	return e, true, e.Validate()
}

// Validate checks ranks, sizes and the port.
func (e Env) Validate() error {
	switch {
	case e.WorldSize < 1:
		return fmt.Errorf("dist: world size %d < 1", e.WorldSize)
	case e.Rank < 0 || e.Rank >= e.WorldSize:
		return fmt.Errorf("dist: rank %d outside world of size %d", e.Rank, e.WorldSize)
	case e.MasterPort < 1 || e.MasterPort > 65535:
		return fmt.Errorf("dist: master port %d out of range", e.MasterPort)
	}
	return nil
}

// Group is a c10d process group. Not safe for concurrent use.
type Group struct {
	pg      *C.nmt_pg
	Rank    int
	World   int
	Backend string
	// Timeout bounds every collective (default: the one given to New).
	Timeout time.Duration
	// BucketBytes is the largest flattened bucket AllReduce builds
	// (default 25 MiB, DistributedDataParallel's bucket_cap_mb).
	BucketBytes int64
}

// DefaultBucketBytes is DistributedDataParallel's default bucket size.
const DefaultBucketBytes = 25 << 20

func cerr(p *C.char) error {
	if p == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(p))
	return errors.New("c10d: " + C.GoString(p))
}

// New joins a process group: rank 0 serves the TCPStore on
// e.MasterAddr:e.MasterPort and every rank waits at most timeout for the
// others. backend is "gloo" or "nccl".
func New(backend string, e Env, timeout time.Duration) (*Group, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = 30 * time.Minute
	}
	cb, ca := C.CString(backend), C.CString(e.MasterAddr)
	defer C.free(unsafe.Pointer(cb))
	defer C.free(unsafe.Pointer(ca))
	var pg *C.nmt_pg
	if err := cerr(C.nmt_dist_new(cb, ca, C.int(e.MasterPort), C.int(e.Rank), C.int(e.WorldSize), C.int64_t(timeout.Milliseconds()), &pg)); err != nil {
		return nil, err
	}
	return &Group{pg: pg, Rank: e.Rank, World: e.WorldSize, Backend: backend, Timeout: timeout, BucketBytes: DefaultBucketBytes}, nil
}

// Close leaves the group. After a peer died it may take a moment while
// c10d's threads notice.
func (g *Group) Close() {
	if g != nil && g.pg != nil {
		C.nmt_dist_free(g.pg)
		g.pg = nil
	}
}

func (g *Group) ms() C.int64_t { return C.int64_t(g.Timeout.Milliseconds()) }

// AllReduce sums xs (contiguous, one dtype and device) across the group in
// place, flattened into buckets of at most BucketBytes.
func (g *Group) AllReduce(xs []*ts.Tensor) error {
	if g.pg == nil {
		return errors.New("dist: group is closed")
	}
	if len(xs) == 0 {
		return nil
	}
	return tch.WithHandles(func(arr *unsafe.Pointer) error {
		return cerr(C.nmt_dist_allreduce(g.pg, arr, C.int(len(xs)), C.int64_t(g.BucketBytes), g.ms()))
	}, xs)
}

// Broadcast copies root's xs to every rank in place.
func (g *Group) Broadcast(xs []*ts.Tensor, root int) error {
	if g.pg == nil {
		return errors.New("dist: group is closed")
	}
	if len(xs) == 0 {
		return nil
	}
	return tch.WithHandles(func(arr *unsafe.Pointer) error {
		return cerr(C.nmt_dist_broadcast(g.pg, arr, C.int(len(xs)), C.int(root), C.int64_t(g.BucketBytes), g.ms()))
	}, xs)
}

// Barrier waits until every rank reaches it.
func (g *Group) Barrier() error {
	if g.pg == nil {
		return errors.New("dist: group is closed")
	}
	return cerr(C.nmt_dist_barrier(g.pg, g.ms()))
}
