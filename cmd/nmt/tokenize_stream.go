package main

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
)

// lineFunc maps one input line (without "\n") to one output line.
// newline is false only for a last line that had no "\n".
type lineFunc func(line string, newline bool) string

// filterStats counts what a filter run saw.
type filterStats struct {
	lines        int
	invalid      int // lines that are not valid UTF-8
	firstInvalid int // 1-based line number of the first of them
}

// lineBatch is a run of consecutive input lines and, once done is closed,
// their outputs.
type lineBatch struct {
	in      []string
	newline []bool
	out     []string
	done    chan struct{}
}

const batchLines = 256

// filterLines reads r line by line, applies f on threads goroutines and
// writes the results to w in input order, each ending in "\n". Lines are
// split at "\n" only, so a CR stays part of its line, as in Perl. Memory
// stays bounded: at most a few batches per thread are in flight.
func filterLines(r io.Reader, w io.Writer, threads int, f lineFunc) (filterStats, error) {
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	var st filterStats
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriterSize(w, 1<<16)

	jobs := make(chan *lineBatch, threads)
	order := make(chan *lineBatch, 2*threads)
	stop := make(chan struct{})
	var readErr error

	// Reader: cut the input into batches, in order.
	go func() {
		defer close(order)
		defer close(jobs)
		for {
			b := &lineBatch{done: make(chan struct{})}
			for len(b.in) < batchLines {
				s, err := br.ReadString('\n')
				if s != "" {
					st.lines++
					nl := strings.HasSuffix(s, "\n")
					line := strings.TrimSuffix(s, "\n")
					if !utf8.ValidString(line) {
						if st.invalid == 0 {
							st.firstInvalid = st.lines
						}
						st.invalid++
					}
					b.in = append(b.in, line)
					b.newline = append(b.newline, nl)
				}
				if err != nil {
					if err != io.EOF {
						readErr = fmt.Errorf("reading input line %d: %w", st.lines+1, err)
					}
					if len(b.in) > 0 {
						send(b, jobs, order, stop)
					}
					return
				}
			}
			if !send(b, jobs, order, stop) {
				return
			}
		}
	}()

	// Workers.
	var wg sync.WaitGroup
	for i := 0; i < threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.out = make([]string, len(b.in))
				for j, line := range b.in {
					b.out[j] = f(line, b.newline[j])
				}
				close(b.done)
			}
		}()
	}

	// Writer: this goroutine, in input order.
	var werr error
	for b := range order {
		<-b.done
		if werr != nil {
			continue // drain so that the reader and workers finish
		}
		for _, s := range b.out {
			bw.WriteString(s)
			if err := bw.WriteByte('\n'); err != nil {
				werr = fmt.Errorf("writing output: %w", err)
				close(stop)
				break
			}
		}
	}
	wg.Wait()
	if werr == nil {
		if err := bw.Flush(); err != nil {
			werr = fmt.Errorf("writing output: %w", err)
		}
	}
	// The reader has closed order, so readErr and st are final.
	if readErr != nil {
		return st, readErr
	}
	return st, werr
}

// send queues b for a worker and for the writer; it returns false when
// the writer has stopped.
func send(b *lineBatch, jobs, order chan<- *lineBatch, stop <-chan struct{}) bool {
	select {
	case order <- b:
	case <-stop:
		return false
	}
	select {
	case jobs <- b:
		return true
	case <-stop:
		close(b.done) // never processed; the writer only drains it
		return false
	}
}
