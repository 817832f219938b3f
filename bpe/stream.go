package bpe

import (
	"bufio"
	"io"
	"runtime"
	"strings"
	"unicode/utf8"
)

// ApplyStream segments every line of src with Apply and writes it to dst,
// in order, using all CPUs. Line breaks are kept as they are. A line that
// is not valid UTF-8 stops it with a *SyntaxError naming the line; lines
// before it have been written. It returns the number of lines written.
func (e *Encoder) ApplyStream(dst io.Writer, src io.Reader) (int, error) {
	return mapLines(dst, src, e.Apply)
}

// RemoveStream applies Remove to every line of src and writes it to dst.
// Line breaks ("\n" or "\r\n") are kept.
func RemoveStream(dst io.Writer, src io.Reader) (int, error) {
	return mapLines(dst, src, func(line string) string {
		body := strings.TrimRight(line, "\r\n")
		return Remove(body) + line[len(body):]
	})
}

const batchLines = 1024

type lineBatch struct {
	lines []string
	out   chan []byte
}

// mapLines runs fn over the lines of src (each with its '\n', if any) on
// GOMAXPROCS goroutines and writes the results in input order.
func mapLines(dst io.Writer, src io.Reader, fn func(string) string) (int, error) {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *lineBatch, workers)
	order := make(chan *lineBatch, 2*workers)
	for range workers {
		go func() {
			for b := range work {
				var buf []byte
				for _, l := range b.lines {
					buf = append(buf, fn(l)...)
				}
				b.out <- buf
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(order)
		br := bufio.NewReaderSize(src, 1<<16)
		n := 0
		for {
			b := &lineBatch{out: make(chan []byte, 1)}
			var err error
			for len(b.lines) < batchLines {
				var line string
				line, err = br.ReadString('\n')
				if line == "" {
					break
				}
				n++
				if !utf8.ValidString(line) {
					err = &SyntaxError{Line: n, Msg: "invalid UTF-8"}
					break
				}
				b.lines = append(b.lines, line)
				if err != nil {
					break
				}
			}
			if len(b.lines) > 0 {
				work <- b
				order <- b
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				return
			}
		}
	}()
	bw := bufio.NewWriterSize(dst, 1<<16)
	lines := 0
	var werr error
	for b := range order {
		out := <-b.out
		if werr == nil {
			if _, werr = bw.Write(out); werr == nil {
				lines += len(b.lines)
			}
		}
	}
	if werr == nil {
		werr = bw.Flush()
	}
	select {
	case err := <-readErr:
		return lines, err
	default:
	}
	return lines, werr
}
