package translate_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/internal/testfix"
	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/translate"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testdata/toy.ckpt is a 1+1-layer Fixup model (d 32) trained for 700
// updates on 3,000 generated German-English pairs (nmt corpus synth --seed
// 11, lowercased, 300 BPE merges), parameters only. testdata/toy.de is 60
// of its test sentences with an empty, an invalid and a blank line and a
// paragraph of two sentences among them.
func loadToy(t testing.TB) *translate.Model {
	t.Helper()
	tch.LockThread()
	kernel.SetThreads(1)
	m, err := translate.Load([]string{filepath.Join("testdata", "toy.ckpt")}, gotch.CPU)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func toyLines(t testing.TB) []string {
	b, err := os.ReadFile(filepath.Join("testdata", "toy.de"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestGolden: the library's output, in every format, is what `nmt
// translate` printed for testdata/toy.de before the pipeline moved out of
// cmd (the golden files were written by that binary: nmt translate
// --checkpoint testdata/toy.ckpt --input testdata/toy.de --threads 1 with
// the options below). -update rewrites them from the library.
func TestGolden(t *testing.T) {
	m := loadToy(t)
	lines := toyLines(t)
	for _, tc := range []struct {
		name   string
		format string
		edit   func(*translate.Options)
	}{
		{"text", "text", func(o *translate.Options) {}},
		{"greedy", "text", func(o *translate.Options) { o.Beam = 1 }},
		{"json", "json", func(o *translate.Options) { o.Beam, o.NBest = 4, 2 }},
		{"fairseq", "fairseq", func(o *translate.Options) { o.Beam, o.NBest, o.LenPen = 3, 3, 1.2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := translate.DefaultOptions()
			tc.edit(&o)
			var buf bytes.Buffer
			w, err := translate.NewWriter(&buf, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			// 64-line buffers, as nmt translate reads them.
			for first := 0; first < len(lines); first += 64 {
				res, err := m.Translate(context.Background(), lines[first:min(first+64, len(lines))], o)
				if err != nil {
					t.Fatal(err)
				}
				for i, r := range res {
					if err := w.Write(first+i, r); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			testfix.Golden(t, filepath.Join("testdata", "toy."+tc.name+".golden"), buf.Bytes(), *update)
		})
	}
}

// TestSources: invalid, empty and overlong lines.
func TestSources(t *testing.T) {
	m := loadToy(t)
	lines := []string{"\xff ein Haus", "", "  ", "ein Haus"}
	res, err := m.Translate(context.Background(), lines, translate.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res[0].Err, translate.ErrInvalidUTF8) || res[0].Hyps != nil {
		t.Errorf("invalid line: %+v", res[0])
	}
	for i := 1; i <= 2; i++ {
		if res[i].Err != nil || res[i].IDs != nil || res[i].Hyps != nil {
			t.Errorf("line %d (empty): %+v", i+1, res[i])
		}
	}
	if len(res[3].Hyps) != 1 || res[3].Hyps[0].Text == "" || !strings.HasPrefix(res[3].Text, "ein ") {
		t.Errorf("line 4: %+v", res[3])
	}
	long := strings.Repeat("ein ", m.MaxPositions()+5)
	s := m.Preprocess(long)
	if !s.Truncated() || len(s.IDs) != m.MaxPositions() || s.Tokens != m.MaxPositions()+6 {
		t.Errorf("overlong line: %d ids of %d, truncated %v", len(s.IDs), s.Tokens, s.Truncated())
	}
	o := translate.DefaultOptions()
	o.FailOverlong = true
	_, err = m.Translate(context.Background(), []string{"ein Haus", long}, o)
	var oe *translate.OverlongError
	if !errors.As(err, &oe) || oe.Index != 1 || oe.Max != m.MaxPositions() {
		t.Errorf("FailOverlong: %v", err)
	}
}

// TestConcurrent: one Model serves many goroutines with different
// options; each gets what a call of its own gives.
func TestConcurrent(t *testing.T) {
	m := loadToy(t)
	lines := toyLines(t)[:24]
	opts := make([]translate.Options, 4)
	want := make([][]translate.Translation, len(opts))
	for i := range opts {
		opts[i] = translate.DefaultOptions()
		opts[i].Beam, opts[i].NBest = i+1, 1
		var err error
		if want[i], err = m.Translate(context.Background(), lines, opts[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			i := g % len(opts)
			if err := sameAsAlone(m, lines, opts[i], want[i]); err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", g, err)
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCanceled: a done context stops a search before its batches.
func TestCanceled(t *testing.T) {
	m := loadToy(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Translate(ctx, toyLines(t), translate.DefaultOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// TestModelsTogether: searches of two Models and a Load running at once
// (a server with several models, or reloading one) give what they give
// alone: libtorch work of all Models is serialised (gotch's tensor scopes
// are process-wide; unserialised, one goroutine's scope frees the other's
// tensors and the process crashes).
func TestModelsTogether(t *testing.T) {
	a := loadToy(t)
	b := loadToy(t)
	lines := toyLines(t)[:16]
	want, err := a.Translate(context.Background(), lines, translate.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				if g == 5 {
					if _, err := translate.Load([]string{filepath.Join("testdata", "toy.ckpt")}, gotch.CPU); err != nil {
						errs <- err
					}
					continue
				}
				m := []*translate.Model{a, b}[g%2]
				if err := sameAsAlone(m, lines, translate.DefaultOptions(), want); err != nil {
					errs <- fmt.Errorf("goroutine %d: %w", g, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// sameAsAlone translates lines with m and o and compares the best
// hypotheses with want, what a call on its own gave.
func sameAsAlone(m *translate.Model, lines []string, o translate.Options, want []translate.Translation) error {
	got, err := m.Translate(context.Background(), lines, o)
	if err != nil {
		return err
	}
	for k := range got {
		if g, w := got[k].Hyps[0].Text, want[k].Hyps[0].Text; g != w {
			return fmt.Errorf("line %d: %q, alone %q", k+1, g, w)
		}
	}
	return nil
}
