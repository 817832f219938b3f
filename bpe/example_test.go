package bpe_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/fixup-nmt/nmt/bpe"
)

func Example() {
	counts := map[string]int{}
	corpus := "low low low low low lower lower newest newest newest newest newest newest widest widest widest"
	if err := bpe.CountWords(strings.NewReader(corpus), counts); err != nil {
		panic(err)
	}
	codes, err := bpe.Learn(counts, bpe.LearnOptions{Merges: 10})
	if err != nil {
		panic(err)
	}
	codes.WriteTo(os.Stdout)
	enc := bpe.NewEncoder(codes)
	line := enc.Apply("the lowest newer wider")
	fmt.Println(line)
	fmt.Println(bpe.Remove(line))
	// Output:
	// #version: 0.2
	// s t</w>
	// e st</w>
	// l o
	// w est</w>
	// n e
	// ne west</w>
	// lo w</w>
	// w i
	// wi d
	// wid est</w>
	// t@@ h@@ e lo@@ west ne@@ w@@ e@@ r wid@@ e@@ r
	// the lowest newer wider
}
