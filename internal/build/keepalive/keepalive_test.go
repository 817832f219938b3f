package keepalive

import (
	"strings"
	"testing"
)

const header = "package ts\n\nimport lib \"x/libtch\"\n\n"

var fixTests = []struct {
	name string
	in   string // function bodies after header
	want []string
	miss int
}{
	{
		name: "op: each argument kept after the call",
		in: `func (ts *Tensor) Baddbmm(b1 *Tensor, beta *Scalar) {
	ptr := outBuf()
	lib.AtgBaddbmm(ptr, ctOf(ts), b1.ctensor, beta.cscalar)
	if err := TorchErr(); err != nil {
		return
	}
}`,
		want: []string{"lib.AtgBaddbmm(ptr, ctOf(ts), b1.ctensor, beta.cscalar)\n\truntime.KeepAlive(", "runtime.KeepAlive(ts)", "runtime.KeepAlive(b1)", "runtime.KeepAlive(beta)", "import \"runtime\""},
		miss: 3,
	},
	{
		name: "handles collected in a range loop: the slice, deferred",
		in: `func Cat(tensors []*Tensor) {
	var cts []lib.Ctensor
	for _, t := range tensors {
		cts = append(cts, t.ctensor)
	}
	lib.AtgCat(ptr, cts, len(cts))
}`,
		want: []string{"defer runtime.KeepAlive(tensors)\n\tfor _, t := range tensors"},
		miss: 1,
	},
	{
		name: "read in a return statement: deferred",
		in: `func (ts *Tensor) Dim() int {
	return lib.AtDim(ts.ctensor)
}`,
		want: []string{"defer runtime.KeepAlive(ts)\n\treturn lib.AtDim"},
		miss: 1,
	},
	{
		name: "handle stored in a variable: deferred",
		in: `func (ts *Tensor) X() {
	c := ts.ctensor
	lib.AtFoo(c)
}`,
		want: []string{"defer runtime.KeepAlive(ts)\n\tc := ts.ctensor"},
		miss: 1,
	},
	{
		name: "a temporary made in the function",
		in: `func (ts *Tensor) AddOne() {
	s := FloatScalar(1)
	lib.AtgAdd(ptr, ts.ctensor, s.cscalar)
}`,
		want: []string{"runtime.KeepAlive(s)", "runtime.KeepAlive(ts)"},
		miss: 2,
	},
	{
		name: "writes of the handle are not reads",
		in: `func (ts *Tensor) Clear() {
	ts.ctensor = nil
}`,
		miss: 0,
	},
	{
		name: "already kept",
		in: `func (ts *Tensor) Dim() int {
	defer runtime.KeepAlive(ts)
	return lib.AtDim(ts.ctensor)
}`,
		miss: 0,
	},
	{
		name: "kept too early does not count",
		in: `func (ts *Tensor) Dim() {
	runtime.KeepAlive(ts)
	lib.AtDim(ts.ctensor)
}`,
		want: []string{"lib.AtDim(ts.ctensor)\n\truntime.KeepAlive(ts)"},
		miss: 1,
	},
}

func TestFixAndCheck(t *testing.T) {
	for _, tt := range fixTests {
		t.Run(tt.name, func(t *testing.T) {
			src := header + tt.in + "\n"
			if strings.Contains(tt.in, "runtime.") {
				src = "package ts\n\nimport (\n\t\"runtime\"\n\tlib \"x/libtch\"\n)\n\n" + tt.in + "\n"
			}
			miss, err := Check("x.go", []byte(src), Gotch)
			if err != nil {
				t.Fatal(err)
			}
			if len(miss) != tt.miss {
				t.Fatalf("Check found %d misses, want %d:\n%s", len(miss), tt.miss, Report(miss))
			}
			out, _, err := Fix("x.go", []byte(src), Gotch)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("fixed source lacks %q:\n%s", w, out)
				}
			}
			again, err := Check("x.go", out, Gotch)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 0 {
				t.Errorf("after Fix, Check still finds:\n%s\n%s", Report(again), out)
			}
			twice, n, err := Fix("x.go", out, Gotch)
			if err != nil || n != 0 || string(twice) != string(out) {
				t.Errorf("Fix is not idempotent (%d edits, %v)", n, err)
			}
		})
	}
}

func TestNmtRules(t *testing.T) {
	src := `package tch

import "C"

func Linear(x, w *Tensor) {
	C.nmt_linear(x.Ctensor(), w.Ctensor())
}

func Stale(p *Packed) bool { return C.nmt_pack_stale(p.cpack) == 1 }
`
	miss, err := Check("x.go", []byte(src), Nmt)
	if err != nil {
		t.Fatal(err)
	}
	if len(miss) != 3 {
		t.Fatalf("want 3 misses (x, w, p), got:\n%s", Report(miss))
	}
	if !strings.Contains(Report(miss), "x.go:6:") {
		t.Errorf("misses do not name the line:\n%s", Report(miss))
	}
}

func TestHeaderDeclarationNeedsHand(t *testing.T) {
	src := header + `func F() {
	if s := FloatScalar(1); s != nil {
		lib.AtFoo(s.cscalar)
	}
}
`
	if _, _, err := Fix("x.go", []byte(src), Gotch); err == nil {
		t.Fatal("Fix accepted an owner declared in an if header")
	}
}

func TestRangeOverRange(t *testing.T) {
	src := "package tch\n\nimport \"C\"\n\n" + `func F(groups [][]*Tensor) {
	for _, g := range groups {
		for _, x := range g {
			slots = append(slots, x.Ctensor())
		}
	}
	C.f(slots)
}
`
	out, _, err := Fix("x.go", []byte(src), Nmt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "defer runtime.KeepAlive(groups)\n\tfor _, g := range groups") {
		t.Errorf("the outer slice is not kept:\n%s", out)
	}
}
