package prep

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
)

// bpe learns joint BPE on train (both sides) and applies it to every
// split, cleaning train and valid afterwards in the bpe clean stage.
func (p *pipeline) bpe() error {
	if p.cfg.Merges == 0 {
		return nil
	}
	counts := map[string]int{}
	for _, l := range p.langs() {
		f, err := os.Open(p.path("train", "tok", l))
		if err != nil {
			return err
		}
		err = bpe.CountWords(bufio.NewReaderSize(f, 256<<10), counts)
		f.Close()
		if err != nil {
			return fmt.Errorf("counting words of train.tok.%s: %w", l, err)
		}
	}
	if p.cfg.Progress != nil {
		fmt.Fprintf(p.cfg.Progress, "learning %d BPE merges on %d word types\n", p.cfg.Merges, len(counts))
	}
	codes, err := bpe.Learn(counts, bpe.LearnOptions{Merges: p.cfg.Merges, MinFrequency: p.cfg.MinFrequency})
	if err != nil {
		return err
	}
	counts = nil
	f, err := os.Create(filepath.Join(p.work, "codes"))
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	_, err = codes.WriteTo(bw)
	err = errors.Join(err, bw.Flush(), f.Close())
	if err != nil {
		return err
	}
	encoders := make([]*bpe.Encoder, p.cfg.Workers)
	for i := range encoders {
		encoders[i] = bpe.NewEncoder(codes)
	}
	for _, split := range p.splits {
		if err := p.applyBPE(split, encoders); err != nil {
			return err
		}
	}
	return nil
}

func (p *pipeline) applyBPE(split string, enc []*bpe.Encoder) error {
	l := p.langs()
	r, err := OpenLinePairs(p.path(split, "tok", l[0]), p.path(split, "tok", l[1]))
	if err != nil {
		return err
	}
	defer r.Close()
	var cleaner *data.Cleaner
	if p.cfg.Clean != nil && p.cfg.CleanStage == "bpe" && split != "test" {
		cleaner, _ = data.NewCleaner(*p.cfg.Clean)
	}
	var out [2]*os.File
	var w [2]*bufio.Writer
	for i := range out {
		if out[i], err = os.Create(p.path(split, "bpe", l[i])); err != nil {
			return err
		}
		defer out[i].Close()
		w[i] = bufio.NewWriterSize(out[i], 256<<10)
	}
	bar := newBar(p.cfg.Progress, "bpe "+split, int64(p.lines[split]))
	chunk := make([]Pair, 0, chunkPairs)
	res := make([][2]string, chunkPairs)
	kept := 0
	flush := func() error {
		parallelFor(len(chunk), len(enc), func(wk, i int) {
			res[i] = [2]string{enc[wk].Apply(chunk[i].Src), enc[wk].Apply(chunk[i].Tgt)}
		})
		for i := range chunk {
			s, t := res[i][0], res[i][1]
			if cleaner != nil {
				var why data.CleanReason
				if s, t, why = cleaner.Clean(s, t); why != data.CleanKept {
					continue
				}
			}
			w[0].WriteString(s)
			w[0].WriteByte('\n')
			w[1].WriteString(t)
			w[1].WriteByte('\n')
			kept++
		}
		bar.add(len(chunk))
		chunk = chunk[:0]
		return nil
	}
	for {
		pr, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		chunk = append(chunk, pr)
		if len(chunk) == chunkPairs {
			flush()
		}
	}
	flush()
	bar.done()
	for i := range w {
		if err := errors.Join(w[i].Flush(), out[i].Close()); err != nil {
			return err
		}
	}
	if cleaner != nil {
		st := cleaner.Stats()
		if len(st.Dropped) > 0 {
			d := p.rep.Dropped[split+"_bpe"]
			if d == nil {
				d = map[string]int{}
				p.rep.Dropped[split+"_bpe"] = d
			}
			for k, v := range st.Dropped {
				d[k] += v
			}
		}
		if kept == 0 {
			return fmt.Errorf("%s: want at least one %s pair after cleaning, got none", p.path(split, "bpe", l[0]), split)
		}
	}
	p.lines[split] = kept
	return nil
}
