package kernel_test

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

var envTests = []struct {
	name string
	env  map[string]string
	want func(s *kernel.Settings) // the change from DefaultSettings
	err  string                   // substring of the error; "" for none
}{
	{name: "nothing set", env: nil, want: func(*kernel.Settings) {}},
	{name: "empty is unset", env: map[string]string{"NMT_THREADS": "", "NMT_GEMM": ""}, want: func(*kernel.Settings) {}},
	{name: "every variable", env: map[string]string{
		"NMT_THREADS": "3", "NMT_GEMM": " LibTorch ", "NMT_MALLOC": "default",
		"NMT_CPU_CACHE": "0", "NMT_CPU_CACHE_MB": "512", "NMT_POOL_SPIN_US": "0", "NMT_BF16": "Emulate",
	}, want: func(s *kernel.Settings) {
		s.Threads, s.GEMM, s.TuneMalloc, s.CPUCache, s.CPUCacheMB, s.PoolSpinUS = 3, "libtorch", false, false, 512, 0
		s.BF16 = "emulate"
	}},
	{name: "the defaults spelled out", env: map[string]string{
		"NMT_GEMM": "auto", "NMT_MALLOC": "tuned", "NMT_CPU_CACHE": "1", "NMT_POOL_SPIN_US": "100", "NMT_BF16": "auto",
	}, want: func(*kernel.Settings) {}},
	{name: "unknown bf16 engine", env: map[string]string{"NMT_BF16": "fp8"}, want: func(*kernel.Settings) {}, err: `NMT_BF16="fp8": want auto, onednn, emulate, autocast or none`},
	{name: "threads 0", env: map[string]string{"NMT_THREADS": "0"}, want: func(*kernel.Settings) {}, err: `NMT_THREADS="0": want a number of threads >= 1`},
	{name: "threads not a number", env: map[string]string{"NMT_THREADS": "two"}, want: func(*kernel.Settings) {}, err: `NMT_THREADS="two"`},
	{name: "unknown engine", env: map[string]string{"NMT_GEMM": "mkl"}, want: func(*kernel.Settings) {}, err: `NMT_GEMM="mkl": want auto, libtorch or onednn`},
	{name: "unknown malloc", env: map[string]string{"NMT_MALLOC": "off"}, want: func(*kernel.Settings) {}, err: `NMT_MALLOC="off": want tuned or default`},
	{name: "cache yes", env: map[string]string{"NMT_CPU_CACHE": "yes"}, want: func(*kernel.Settings) {}, err: `NMT_CPU_CACHE="yes": want 1 (on) or 0 (off)`},
	{name: "negative cache", env: map[string]string{"NMT_CPU_CACHE_MB": "-5"}, want: func(*kernel.Settings) {}, err: `NMT_CPU_CACHE_MB="-5": want a number of MiB >= 0`},
	{name: "spin too long", env: map[string]string{"NMT_POOL_SPIN_US": "5000000"}, want: func(*kernel.Settings) {}, err: `NMT_POOL_SPIN_US="5000000": want microseconds from 0 to 1000000`},
	{name: "two bad, one good", env: map[string]string{"NMT_THREADS": "x", "NMT_GEMM": "onednn", "NMT_POOL_SPIN_US": "-1"},
		want: func(s *kernel.Settings) { s.GEMM = "onednn" }, err: "NMT_THREADS=\"x\": want a number of threads >= 1\nNMT_POOL_SPIN_US=\"-1\""},
}

// FromEnv parses every variable of Vars, keeps the default of each that
// does not parse, and names each such variable, its value and what it
// wants.
func TestFromEnv(t *testing.T) {
	for _, tc := range envTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kernel.FromEnv(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			want := kernel.DefaultSettings()
			tc.want(&want)
			if got != want {
				t.Errorf("settings %+v, want %+v", got, want)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one with %q", err, tc.err)
			}
			if err == nil {
				// What Var.Value prints reads back as the same settings.
				back, err := kernel.FromEnv(func(k string) (string, bool) {
					for _, v := range kernel.Vars {
						if v.Name == k {
							return v.Value(got), true
						}
					}
					return "", false
				})
				if err != nil || back != got {
					t.Errorf("Var.Value round trip: %+v (%v), want %+v", back, err, got)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		set func(s *kernel.Settings)
		err string
	}{
		{func(*kernel.Settings) {}, ""},
		{func(s *kernel.Settings) { s.Threads = -1 }, "kernel: Threads -1 (NMT_THREADS): want >= 0"},
		{func(s *kernel.Settings) { s.GEMM = "blas" }, `kernel: GEMM "blas" (NMT_GEMM): want auto, libtorch or onednn`},
		{func(s *kernel.Settings) { s.CPUCacheMB = -2 }, "kernel: CPUCacheMB -2 (NMT_CPU_CACHE_MB)"},
		{func(s *kernel.Settings) { s.PoolSpinUS = -1 }, "kernel: PoolSpinUS -1 (NMT_POOL_SPIN_US): want 0 to 1000000"},
		{func(s *kernel.Settings) { s.BF16 = "fp16" }, `kernel: BF16 "fp16" (NMT_BF16): want auto, onednn, emulate, autocast or none`},
	} {
		s := kernel.DefaultSettings()
		tc.set(&s)
		err := s.Validate()
		if (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v: error %v, want %q", s, err, tc.err)
		}
		if err != nil && kernel.Apply(s) == nil {
			t.Errorf("%+v: Apply took settings Validate refuses", s)
		}
	}
}

// Apply sets the threads of libtorch and of the pool and the engine of
// the linear layers; ThreadCount of 0 threads is one per CPU.
func TestApply(t *testing.T) {
	tch.LockThread()
	before, _ := kernel.Env()
	defer kernel.Apply(before)
	s := kernel.DefaultSettings()
	s.Threads, s.GEMM = 3, kernel.GEMMLibtorch
	if err := kernel.Apply(s); err != nil {
		t.Fatal(err)
	}
	if tch.Threads() != 3 || kernel.PoolThreads() != 3 {
		t.Errorf("Threads 3: libtorch %d threads, the pool %d", tch.Threads(), kernel.PoolThreads())
	}
	if e, _ := kernel.GEMM(); e != kernel.GEMMLibtorch {
		t.Errorf("GEMM libtorch: engine %s", e)
	}
	if got := kernel.DefaultSettings().ThreadCount(); got != runtime.NumCPU() {
		t.Errorf("ThreadCount of the defaults %d, want %d CPUs", got, runtime.NumCPU())
	}
}

// Every variable of Vars has its row in docs/foundation.md's table of the
// runtime's settings, with its default.
func TestSettingsDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/foundation.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Split(l, "|"); len(f) > 3 && strings.HasPrefix(strings.TrimSpace(f[1]), "`NMT_") {
			rows[strings.Trim(strings.TrimSpace(f[1]), "`")] = strings.TrimSpace(f[2])
		}
	}
	for _, v := range kernel.Vars {
		def, ok := rows[v.Name]
		switch {
		case !ok:
			t.Errorf("%s has no row in docs/foundation.md's table of settings", v.Name)
		case !strings.Contains(def, v.Default):
			t.Errorf("%s: docs/foundation.md gives the default %q, want %q", v.Name, def, v.Default)
		}
	}
}
