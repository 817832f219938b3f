// Command stubgen replaces, in gotch's generated C++ glue, every function
// that does not compile against the installed libtorch by a stub that
// reports "not available in this libtorch" through gotch's error channel.
//
// It reads the compiler's error log, maps each error (including errors
// reported inside system headers, through their "required from here"
// lines) to the enclosing generated function, and rewrites the file in
// place. There is no hand-kept list, so any libtorch version works:
// setup runs compile, stubgen, compile until the glue compiles.
//
// Usage: stubgen -src torch_api_generated.cpp.h -log errors.txt -libtorch 1.13.1
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "", "generated C++ file to patch in place")
	logPath := flag.String("log", "", "compiler output of a failed build")
	version := flag.String("libtorch", "unknown", "libtorch version, named in the stub's error")
	flag.Parse()
	if err := run(*src, *logPath, *version); err != nil {
		fmt.Fprintf(os.Stderr, "stubgen: %v\n", err)
		os.Exit(1)
	}
}

func run(src, logPath, version string) error {
	code, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		return err
	}
	lines := strings.Split(string(code), "\n")
	bad := errorLines(string(log), baseName(src))
	funcs := map[int]bool{} // start line index of each failing function
	for _, n := range bad {
		start := enclosing(lines, n-1)
		if start < 0 {
			return fmt.Errorf("%s:%d: error outside any generated function", src, n)
		}
		funcs[start] = true
	}
	if len(funcs) == 0 {
		return fmt.Errorf("%s: no error in the generated glue; the failure is elsewhere (see %s)", src, logPath)
	}
	starts := make([]int, 0, len(funcs))
	for s := range funcs {
		starts = append(starts, s)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(starts)))
	var names []string
	for _, s := range starts {
		var name string
		lines, name = stub(lines, s, version)
		names = append(names, name)
	}
	out := src + ".tmp"
	if err := os.WriteFile(out, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		return err
	}
	if err := os.Rename(out, src); err != nil {
		return err
	}
	sort.Strings(names)
	w := bufio.NewWriter(os.Stdout)
	for _, n := range names {
		fmt.Fprintln(w, n)
	}
	return w.Flush()
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// errorLines returns the line numbers in file that gcc's log blames: lines
// of "error:" diagnostics and the "required from here" lines that lead to
// errors inside headers.
func errorLines(log, file string) []int {
	re := regexp.MustCompile(regexp.QuoteMeta(file) + `:(\d+):\d+: (error|required from here)`)
	var out []int
	for _, m := range re.FindAllStringSubmatch(log, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

var funcStart = regexp.MustCompile(`^[a-z_0-9]+ \*?atg_\w+\(.*\) \{$`)

// enclosing returns the index of the line that starts the generated
// function holding line i, or -1.
func enclosing(lines []string, i int) int {
	for j := i; j >= 0 && j < len(lines); j-- {
		if funcStart.MatchString(lines[j]) {
			return j
		}
		if j < i && lines[j] == "}" {
			return -1
		}
	}
	return -1
}

// stub replaces the body of the function starting at line s.
func stub(lines []string, s int, version string) ([]string, string) {
	head := lines[s]
	name := head[strings.Index(head, "atg_"):strings.IndexByte(head, '(')]
	end := s + 1
	for end < len(lines) && lines[end] != "}" {
		end++
	}
	ret := "  return 0;"
	switch {
	case strings.HasPrefix(head, "void "):
		ret = ""
	case strings.HasPrefix(head, "tensor *"):
		ret = "  return nullptr;"
	}
	body := []string{
		fmt.Sprintf("  torch_last_err = strdup(\"%s: not available in this libtorch (%s); stubbed by nmt setup\");", name, version),
	}
	if ret != "" {
		body = append(body, ret)
	}
	out := append([]string{}, lines[:s+1]...)
	out = append(out, body...)
	out = append(out, lines[end:]...)
	return out, name
}
