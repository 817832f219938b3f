package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// bleuStdinName names standard input in messages.
const bleuStdinName = "<stdin>"

// bleuReadFile reads a file as sacreBLEU opens -i and reference files:
// UTF-8, lines end at "\n" only (a "\r" before it is trailing whitespace,
// removed like all trailing whitespace), a missing final newline is fine,
// an empty line is an empty segment.
func bleuReadFile(name string) ([]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return bleuSplitLines(name, data, false)
}

// bleuReadStdin reads standard input as sacreBLEU does: like a file, except
// that Python's universal newlines make a lone "\r" end a line too.
func bleuReadStdin(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bleuStdinName, err)
	}
	return bleuSplitLines(bleuStdinName, data, true)
}

// bleuSplitLines splits data into lines with trailing whitespace removed,
// checking that each is valid UTF-8.
func bleuSplitLines(name string, data []byte, universal bool) ([]string, error) {
	if universal && bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if len(data) == 0 {
		return nil, nil
	}
	text := unsafe.String(&data[0], len(data)) // data is not written again
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	valid := utf8.ValidString(text)
	for i, l := range lines {
		if !valid && !utf8.ValidString(l) {
			col := 0
			for col < len(l) {
				r, w := utf8.DecodeRuneInString(l[col:])
				if r == utf8.RuneError && w == 1 {
					break
				}
				col += w
			}
			return nil, fmt.Errorf("%s:%d: invalid UTF-8 (byte 0x%02x at byte offset %d of the line); files must be UTF-8", name, i+1, l[col], col)
		}
		lines[i] = bleuRstrip(l)
	}
	return lines, nil
}

// bleuRstrip removes trailing whitespace as Python's str.rstrip() does.
func bleuRstrip(s string) string {
	for len(s) > 0 {
		r, w := utf8.DecodeLastRuneInString(s)
		if !bleuIsSpace(r) {
			return s
		}
		s = s[:len(s)-w]
	}
	return s
}

// bleuIsSpace reports whether Python's str.isspace() holds for r.
func bleuIsSpace(r rune) bool {
	switch {
	case r == ' ', r >= '\t' && r <= '\r', r >= 0x1c && r <= 0x1f:
		return true
	case r < 0x80:
		return false
	case r == 0x85, r == 0xa0, r == 0x1680, r >= 0x2000 && r <= 0x200a,
		r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
		return true
	}
	return false
}

// bleuSystem is one system's hypotheses.
type bleuSystem struct {
	name string // as tables print it
	file string // as error messages name it
	hyps []string
}

// bleuReadSystems reads the hypotheses: the -i files, or standard input,
// where tab-separated columns are several systems ("System 1", ...), as in
// sacreBLEU.
func bleuReadSystems(inputs []string, stdin io.Reader, paired bool) ([]bleuSystem, error) {
	if len(inputs) == 0 {
		lines, err := bleuReadStdin(stdin)
		if err != nil {
			return nil, err
		}
		if len(lines) == 0 {
			return nil, fmt.Errorf("%s: empty input: no hypotheses to score", bleuStdinName)
		}
		n := strings.Count(lines[0], "\t") + 1
		if n == 1 {
			return []bleuSystem{{name: "System 1", file: bleuStdinName, hyps: lines}}, nil
		}
		sys := make([]bleuSystem, n)
		for k := range sys {
			sys[k].name = fmt.Sprintf("System %d", k+1)
			sys[k].file = fmt.Sprintf("%s (column %d)", bleuStdinName, k+1)
		}
		for i, l := range lines {
			f := strings.Split(l, "\t")
			if len(f) != n {
				return nil, fmt.Errorf("%s:%d: want %d tab-separated systems (as on line 1), got %d", bleuStdinName, i+1, n, len(f))
			}
			for k, s := range f {
				sys[k].hyps = append(sys[k].hyps, bleuRstrip(s))
			}
		}
		return sys, nil
	}
	var sys []bleuSystem
	seen := map[string]bool{}
	for _, name := range inputs {
		if seen[name] {
			if paired && name == sys[0].name {
				continue // sacreBLEU skips the baseline given again
			}
			return nil, fmt.Errorf("%s: given twice with -i", name)
		}
		seen[name] = true
		lines, err := bleuReadFile(name)
		if err != nil {
			return nil, err
		}
		if len(lines) == 0 {
			return nil, fmt.Errorf("%s: empty file: no hypotheses to score", name)
		}
		sys = append(sys, bleuSystem{name: name, file: name, hyps: lines})
	}
	return sys, nil
}

// bleuReadRefs reads the reference files into streams (refs[k][i]); with
// numRefs > 1 a single file holds numRefs tab-separated references a line.
func bleuReadRefs(files []string, numRefs int) ([][]string, error) {
	if numRefs > 1 {
		if len(files) != 1 {
			return nil, fmt.Errorf("--num-refs %d wants one tab-separated reference file, got %d files", numRefs, len(files))
		}
		lines, err := bleuReadFile(files[0])
		if err != nil {
			return nil, err
		}
		refs := make([][]string, numRefs)
		for i, l := range lines {
			f := strings.SplitN(l, "\t", numRefs)
			if len(f) != numRefs {
				return nil, fmt.Errorf("%s:%d: want %d tab-separated references, got %d", files[0], i+1, numRefs, len(f))
			}
			for k, r := range f {
				refs[k] = append(refs[k], r)
			}
		}
		return refs, nil
	}
	refs := make([][]string, len(files))
	for k, f := range files {
		lines, err := bleuReadFile(f)
		if err != nil {
			return nil, err
		}
		refs[k] = lines
	}
	return refs, nil
}

// bleuCheckLengths reports the first file whose line count differs from the
// first reference's, naming the first line one of them lacks.
func bleuCheckLengths(refFiles []string, refs [][]string, sys []bleuSystem) error {
	n, first := len(refs[0]), refFiles[0]
	check := func(name string, m int) error {
		if m == n {
			return nil
		}
		short, long, ls, ll := name, first, m, n
		if m > n {
			short, long, ls, ll = first, name, n, m
		}
		return fmt.Errorf("%s:%d: line missing: %s has %d lines but %s has %d (one line per segment in every file)", short, ls+1, short, ls, long, ll)
	}
	for k := 1; k < len(refs) && k < len(refFiles); k++ {
		if err := check(refFiles[k], len(refs[k])); err != nil {
			return err
		}
	}
	for _, s := range sys {
		if err := check(s.file, len(s.hyps)); err != nil {
			return err
		}
	}
	return nil
}
