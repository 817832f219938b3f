package bleu

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestLibm checks libmExp and libmLog against glibc's exp and log on the
// arguments of testdata/libm.txt, most of which Go's math.Exp or math.Log
// rounds differently.
func TestLibm(t *testing.T) {
	f, err := os.Open("testdata/libm.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	sc := bufio.NewScanner(f)
	n, goDiffers := 0, 0
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		var v [3]float64
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			t.Fatalf("libm.txt:%d: want 3 fields, got %d", line, len(fs))
		}
		for i, s := range fs {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatalf("libm.txt:%d: %v", line, err)
			}
		}
		x, e, l := v[0], v[1], v[2]
		if got := libmExp(x); !same(got, e) {
			t.Errorf("libm.txt:%d: exp(%x) = %x, glibc %x", line, x, got, e)
		}
		if got := libmLog(x); !same(got, l) {
			t.Errorf("libm.txt:%d: log(%x) = %x, glibc %x", line, x, got, l)
		}
		if !same(math.Exp(x), e) || !same(math.Log(x), l) {
			goDiffers++
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d arguments, %d where Go's math package differs from glibc", n, goDiffers)
}
