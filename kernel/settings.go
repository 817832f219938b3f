package kernel

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/fixup-nmt/nmt/tch"
)

// Settings are the native runtime's knobs, one field per environment
// variable of Vars. A process reads them once from its environment (Env),
// and Apply (or Start, which does both) sets them; `nmt env` prints them.
// Tests that want another value pass a Settings to Apply, or call the
// setter of one knob (SetThreads, ConfigureGEMM).
type Settings struct {
	// Threads is the thread count of libtorch's intra-op loops and of the
	// kernels' pool (NMT_THREADS); 0 means one per CPU.
	Threads int
	// GEMM is the engine of the linear layers (NMT_GEMM): auto, libtorch
	// or onednn (ConfigureGEMM).
	GEMM string
	// Int8 is the engine of the int8 products (NMT_INT8): auto, onednn or
	// portable (ConfigureInt8).
	Int8 string
	// TuneMalloc keeps glibc malloc from unmapping and trimming the large
	// blocks libtorch frees every step (tch.TuneMalloc) and lets CPUCache
	// apply; NMT_MALLOC=default turns both off.
	TuneMalloc bool
	// CPUCache puts libtorch's CPU tensors of 1 MiB and more on nmt's
	// caching allocator (csrc/alloc); NMT_CPU_CACHE=0 turns it off.
	CPUCache bool
	// CPUCacheMB bounds the freed blocks the cache holds for reuse, in MiB
	// (NMT_CPU_CACHE_MB); -1 means 4096 or a quarter of the machine's
	// memory, whichever is less.
	CPUCacheMB int64
	// PoolSpinUS is how long an idle worker of the pool spins, yielding
	// the core, before it sleeps, in microseconds (NMT_POOL_SPIN_US).
	PoolSpinUS int
	// BF16 is the engine of bf16 products on the CPU (NMT_BF16): auto,
	// onednn, emulate, autocast or none (ConfigureBF16).
	BF16 string
}

// DefaultSettings are the settings of an environment that sets none of
// Vars.
func DefaultSettings() Settings {
	return Settings{GEMM: "auto", Int8: "auto", TuneMalloc: true, CPUCache: true, CPUCacheMB: -1, PoolSpinUS: 100, BF16: "auto"}
}

// maxSpinUS bounds PoolSpinUS: a second of spinning per idle worker is a
// mistake, not a setting.
const maxSpinUS = 1000000

// Var is one environment variable of the runtime.
type Var struct {
	Name    string // e.g. NMT_THREADS
	Default string // its value when unset
	Doc     string // what it sets
	parse   func(s *Settings, v string) error
	value   func(s Settings) string
}

// Value returns the variable's value that gives s's setting.
func (v Var) Value(s Settings) string { return v.value(s) }

// Vars is the one table of the runtime's environment variables: FromEnv
// parses it, `nmt env` prints it, and docs/foundation.md's table lists
// the same rows (TestSettingsDocumented).
var Vars = []Var{
	{"NMT_THREADS", "one per CPU", "threads of libtorch's intra-op loops and of nmt's kernels (commands' --threads overrides it)",
		func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return errors.New("want a number of threads >= 1")
			}
			s.Threads = n
			return nil
		},
		func(s Settings) string {
			if s.Threads == 0 {
				return "" // unset: one per CPU
			}
			return strconv.Itoa(s.Threads)
		}},
	{"NMT_GEMM", "auto", "engine of the linear layers: auto (oneDNN's sgemm on CPUs with AVX-512, else libtorch), libtorch or onednn",
		func(s *Settings, v string) error {
			switch g := strings.ToLower(strings.TrimSpace(v)); g {
			case "auto", GEMMLibtorch, GEMMOneDNN:
				s.GEMM = g
				return nil
			}
			return errors.New("want auto, libtorch or onednn")
		},
		func(s Settings) string { return s.GEMM }},
	{"NMT_INT8", "auto", "engine of the int8 products (--precision int8): auto (oneDNN's packed int8 GEMM where the process has it, else portable), onednn or portable",
		func(s *Settings, v string) error {
			switch g := strings.ToLower(strings.TrimSpace(v)); g {
			case "auto", Int8OneDNN, Int8Portable:
				s.Int8 = g
				return nil
			}
			return errors.New("want auto, onednn or portable")
		},
		func(s Settings) string { return s.Int8 }},
	{"NMT_MALLOC", "tuned", "tuned: glibc malloc keeps large blocks instead of unmapping them, and NMT_CPU_CACHE applies; default: glibc's and libtorch's own behaviour",
		func(s *Settings, v string) error {
			switch v {
			case "tuned", "default":
				s.TuneMalloc = v == "tuned"
				return nil
			}
			return errors.New("want tuned or default")
		},
		func(s Settings) string { return map[bool]string{true: "tuned", false: "default"}[s.TuneMalloc] }},
	{"NMT_CPU_CACHE", "1", "1: libtorch's CPU tensors of 1 MiB and more on nmt's caching allocator (libtorch before 2.3); 0: libtorch's allocator",
		func(s *Settings, v string) error {
			switch v {
			case "0", "1":
				s.CPUCache = v == "1"
				return nil
			}
			return errors.New("want 1 (on) or 0 (off)")
		},
		func(s Settings) string { return map[bool]string{true: "1", false: "0"}[s.CPUCache] }},
	{"NMT_CPU_CACHE_MB", "4096, or a quarter of the memory if less", "MiB of freed blocks the CPU cache holds for reuse",
		func(s *Settings, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return errors.New("want a number of MiB >= 0")
			}
			s.CPUCacheMB = n
			return nil
		},
		func(s Settings) string {
			if s.CPUCacheMB < 0 {
				return ""
			}
			return strconv.FormatInt(s.CPUCacheMB, 10)
		}},
	{"NMT_POOL_SPIN_US", "100", "microseconds an idle worker of the kernels' pool spins, yielding the core, before it sleeps",
		func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > maxSpinUS {
				return fmt.Errorf("want microseconds from 0 to %d", maxSpinUS)
			}
			s.PoolSpinUS = n
			return nil
		},
		func(s Settings) string { return strconv.Itoa(s.PoolSpinUS) }},
	{"NMT_BF16", "auto", "engine of bf16 products on the CPU (--precision bf16): auto (oneDNN's on CPUs with AVX512-BF16, else none), onednn, emulate (bf16's rounding, float32 products: numerics on any CPU), autocast (libtorch's) or none",
		func(s *Settings, v string) error {
			switch e := strings.ToLower(strings.TrimSpace(v)); e {
			case "auto", BF16OneDNN, BF16Emulate, BF16Autocast, BF16None:
				s.BF16 = e
				return nil
			}
			return errors.New("want auto, onednn, emulate, autocast or none")
		},
		func(s Settings) string { return s.BF16 }},
}

// FromEnv returns DefaultSettings changed by the variables of Vars that
// lookup finds set and not empty. A variable whose value does not parse
// keeps its default, and the error names each such variable with its
// value and what it wants.
func FromEnv(lookup func(name string) (string, bool)) (Settings, error) {
	s := DefaultSettings()
	var errs []error
	for _, v := range Vars {
		val, ok := lookup(v.Name)
		if !ok || val == "" {
			continue
		}
		if err := v.parse(&s, val); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", v.Name, val, err))
		}
	}
	return s, errors.Join(errs...)
}

var env struct {
	once sync.Once
	s    Settings
	err  error
}

// Env returns FromEnv of the process's environment, read on the first
// call and kept: the process reads its runtime knobs once.
func Env() (Settings, error) {
	env.once.Do(func() { env.s, env.err = FromEnv(syscall.Getenv) })
	return env.s, env.err
}

// Validate reports a setting out of its range, naming the field and its
// variable.
func (s Settings) Validate() error {
	var errs []error
	bad := func(field, name, want string, got any) {
		errs = append(errs, fmt.Errorf("kernel: %s %v (%s): want %s", field, got, name, want))
	}
	if s.Threads < 0 {
		bad("Threads", "NMT_THREADS", ">= 0 (0: one per CPU)", s.Threads)
	}
	switch s.GEMM {
	case "", "auto", GEMMLibtorch, GEMMOneDNN:
	default:
		bad("GEMM", "NMT_GEMM", "auto, libtorch or onednn", fmt.Sprintf("%q", s.GEMM))
	}
	switch s.Int8 {
	case "", "auto", Int8OneDNN, Int8Portable:
	default:
		bad("Int8", "NMT_INT8", "auto, onednn or portable", fmt.Sprintf("%q", s.Int8))
	}
	if s.CPUCacheMB < -1 {
		bad("CPUCacheMB", "NMT_CPU_CACHE_MB", ">= 0, or -1 for the default", s.CPUCacheMB)
	}
	if s.PoolSpinUS < 0 || s.PoolSpinUS > maxSpinUS {
		bad("PoolSpinUS", "NMT_POOL_SPIN_US", fmt.Sprintf("0 to %d", maxSpinUS), s.PoolSpinUS)
	}
	switch s.BF16 {
	case "", "auto", BF16OneDNN, BF16Emulate, BF16Autocast, BF16None:
	default:
		bad("BF16", "NMT_BF16", "auto, onednn, emulate, autocast or none", fmt.Sprintf("%q", s.BF16))
	}
	return errors.Join(errs...)
}

// ThreadCount is the number of threads s gives: Threads, or one per CPU.
func (s Settings) ThreadCount() int {
	if s.Threads > 0 {
		return s.Threads
	}
	return runtime.NumCPU()
}

// cacheBytes is the CPU cache's limit that s gives.
func (s Settings) cacheBytes() int64 {
	if s.CPUCacheMB >= 0 {
		return s.CPUCacheMB << 20
	}
	mb := int64(4096)
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		mb = min(mb, int64(si.Totalram)*int64(si.Unit)/4>>20)
	}
	return mb << 20
}

// Apply sets s on the process: the threads of libtorch and of the pool,
// glibc malloc's tuning and the CPU cache, the linear layers' engine, the
// pool's spin and the engine of bf16 products. The cache, once installed, stays for the life of the
// process (tensors made through it may still be alive).
func Apply(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	SetThreads(s.ThreadCount())
	if s.TuneMalloc {
		if s.CPUCache {
			enableCPUCache(s.cacheBytes())
		}
		tch.TuneMalloc()
	}
	if _, err := ConfigureGEMM(s.GEMM); err != nil {
		return err
	}
	if _, err := ConfigureInt8(s.Int8); err != nil {
		return err
	}
	setPoolSpin(s.PoolSpinUS)
	_, err := ConfigureBF16(s.BF16)
	return err
}

// Start applies the environment's settings (Env, then Apply): what a
// command or a benchmark does once, first.
func Start() error {
	s, err := Env()
	if err != nil {
		return err
	}
	return Apply(s)
}

func init() {
	// Every process that links the kernels, tests and libraries too, runs
	// its linear layers on the engine, its pool with the spin and its bf16
	// products on the engine the environment says, as commands do; the rest waits for Start. Start
	// reports a variable that does not parse (it keeps its default here).
	s, _ := Env()
	_, _ = ConfigureGEMM(s.GEMM)
	_, _ = ConfigureInt8(s.Int8)
	setPoolSpin(s.PoolSpinUS)
	_, _ = ConfigureBF16(s.BF16)
}
