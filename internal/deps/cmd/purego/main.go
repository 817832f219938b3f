// Command purego reads import paths (go list ./...) on stdin and prints
// those of the pure-Go layers (deps.PureGo), one a line; with -torch it
// prints the others. scripts/test.sh runs the two sets apart, the first
// with CGO_ENABLED=0.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/fixup-nmt/nmt/internal/deps"
)

func main() {
	torch := flag.Bool("torch", false, "print the packages that are not pure Go")
	flag.Parse()
	var paths []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" {
			paths = append(paths, p)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "purego: stdin:", err)
		os.Exit(1)
	}
	out, others := deps.Split(paths)
	if *torch {
		out = others
	}
	for _, p := range out {
		fmt.Println(p)
	}
}
