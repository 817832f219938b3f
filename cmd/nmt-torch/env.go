package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/internal/cmdinfo"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
)

func envCommand() *cli.Command {
	return &cli.Command{
		Name:  "env",
		Usage: cmdinfo.TorchUsage("env"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json"},
			&cli.BoolFlag{Name: "config", Usage: "also print libtorch's full build configuration"},
		},
		Action: func(c *cli.Context) error {
			e := collectEnv()
			if c.String("format") == "json" {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(e)
			}
			e.print()
			if c.Bool("config") {
				fmt.Println()
				fmt.Print(tch.BuildConfig())
			}
			return nil
		},
	}
}

// envVar is one runtime setting (kernel.Vars) as the environment gives
// it.
type envVar struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Default string `json:"default"`
	Doc     string `json:"doc"`
}

type envInfo struct {
	NMT              string   `json:"nmt"`
	Go               string   `json:"go"`
	Gotch            string   `json:"gotch"`
	LibtorchVersion  string   `json:"libtorch_version"`
	LibtorchHeaders  string   `json:"libtorch_headers"`
	LibtorchKind     string   `json:"libtorch_kind"`
	LibtorchPath     string   `json:"libtorch_path"`
	BuiltWithCUDA    bool     `json:"built_with_cuda"`
	CUDADevices      []string `json:"cuda_devices"`
	BLAS             []string `json:"blas"`
	BLASOK           bool     `json:"blas_openblas_or_mkl"`
	BLASCore         string   `json:"blas_core"`
	GEMM             string   `json:"gemm"`
	GEMMWhy          string   `json:"gemm_why"`
	BF16             string   `json:"bf16"`
	BF16Why          string   `json:"bf16_why"`
	Int8             string   `json:"int8"`
	Int8Detail       string   `json:"int8_detail"`
	KernelISA        string   `json:"kernel_isa"`
	Threads          int      `json:"threads"`
	Settings         []envVar `json:"settings"`
	CPUs             int      `json:"cpus"`
	OS               string   `json:"os"`
	StubbedOps       int      `json:"stubbed_ops"`
	LoadedTorchFiles []string `json:"loaded_torch_libraries"`
}

func collectEnv() envInfo {
	e := envInfo{
		NMT:             cmdinfo.Version,
		Go:              runtime.Version(),
		Gotch:           moduleVersion("github.com/sugarme/gotch"),
		LibtorchHeaders: tch.HeaderVersion(),
		BuiltWithCUDA:   tch.BuiltWithCUDA(),
		CUDADevices:     tch.CUDADevices(),
		BLAS:            tch.LoadedLibraries("blas", "mkl"),
		BLASCore:        tch.BLASCore(),
		Threads:         tch.Threads(),
		CPUs:            runtime.NumCPU(),
		OS:              runtime.GOOS + "/" + runtime.GOARCH + " " + osRelease(),
	}
	e.GEMM, e.GEMMWhy = kernel.GEMM()
	e.BF16, e.BF16Why = kernel.BF16Engine()
	s, _ := kernel.Env() // an error stops every command before this one
	for _, v := range kernel.Vars {
		e.Settings = append(e.Settings, envVar{v.Name, v.Value(s), v.Default, v.Doc})
	}
	e.Int8, e.Int8Detail = kernel.Int8Engine()
	_, e.KernelISA = kernel.ISA()
	for _, b := range e.BLAS {
		if strings.Contains(b, "openblas") || strings.Contains(b, "mkl") {
			e.BLASOK = true
		}
	}
	for _, l := range tch.LoadedLibraries("libtorch", "libc10", "libtch") {
		e.LoadedTorchFiles = append(e.LoadedTorchFiles, l)
	}
	build := readBuildEnv()
	e.LibtorchVersion, e.LibtorchKind, e.LibtorchPath = build["version"], build["kind"], build["lib"]
	if e.LibtorchVersion == "" {
		e.LibtorchVersion = e.LibtorchHeaders
	}
	e.StubbedOps = countLines(filepath.Join(buildDir(), "stubbed-ops.txt"))
	return e
}

func (e envInfo) print() {
	p := func(k, v string) { fmt.Printf("%-22s %s\n", k+":", v) }
	p("nmt", e.NMT)
	p("Go", e.Go)
	p("gotch", e.Gotch+" (patched; see patches/gotch/README.md)")
	p("libtorch", fmt.Sprintf("%s (%s, %s; headers say %s)", e.LibtorchVersion, e.LibtorchKind, e.LibtorchPath, e.LibtorchHeaders))
	p("stubbed ops", fmt.Sprintf("%d generated ops this libtorch lacks", e.StubbedOps))
	cuda := "no CUDA device"
	if len(e.CUDADevices) > 0 {
		cuda = strings.Join(e.CUDADevices, ", ")
	}
	p("CUDA", fmt.Sprintf("built with CUDA: %v; %s", e.BuiltWithCUDA, cuda))
	blas := "none loaded (reference BLAS compiled in?)"
	if len(e.BLAS) > 0 {
		blas = strings.Join(e.BLAS, ", ")
	}
	if !e.BLASOK && !e.BuiltWithCUDA {
		blas += "  WARNING: not OpenBLAS/MKL: matmul will be about 30x slower (apt-get install libopenblas0-openmp)"
	}
	p("BLAS", blas)
	if e.BLASCore != "" {
		how := "OpenBLAS's own choice for this CPU"
		if v, ok := os.LookupEnv("OPENBLAS_CORETYPE"); ok {
			how = "set by OPENBLAS_CORETYPE=" + v
		}
		p("BLAS kernels", e.BLASCore+" ("+how+")")
	}
	p("linear layers", e.GEMM+" ("+e.GEMMWhy+"; NMT_GEMM=auto|libtorch|onednn)")
	p("bf16 products", e.BF16+" ("+e.BF16Why+"; NMT_BF16=auto|onednn|emulate|autocast|none)")
	p("int8 products", e.Int8Detail+"; NMT_INT8=auto|onednn|portable")
	p("nmt's kernels", "built for "+e.KernelISA+", picked by the CPU's features")
	p("threads", fmt.Sprintf("%d libtorch intra-op threads, %d CPUs", e.Threads, e.CPUs))
	p("OS", e.OS)
	fmt.Println("runtime settings (kernel.Settings; docs/foundation.md):")
	for _, v := range e.Settings {
		kv := v.Name + "=" + v.Value
		if v.Value == "" {
			kv = v.Name + " unset"
		}
		fmt.Printf("  %-24s %s (default: %s)\n", kv, v.Doc, v.Default)
	}
}

// buildDir is the build/ folder beside bin/, where setup records what it
// built against.
func buildDir() string {
	if d := os.Getenv("NMT_BUILD_DIR"); d != "" {
		return d
	}
	self, err := os.Executable()
	if err != nil {
		return "build"
	}
	self, _ = filepath.EvalSymlinks(self)
	return filepath.Join(filepath.Dir(filepath.Dir(self)), "build")
}

func readBuildEnv() map[string]string {
	m := map[string]string{}
	f, err := os.Open(filepath.Join(buildDir(), "libtorch.env"))
	if err != nil {
		return m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, m := range info.Deps {
		if m.Path == path {
			return m.Version
		}
	}
	return "unknown"
}

func osRelease() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
