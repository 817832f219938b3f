package prep

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/fixup-nmt/nmt/data"
)

// splitWriter holds the raw and tok files of one split.
type splitWriter struct {
	files [4]*os.File
	w     [4]*bufio.Writer
	n     int
}

func (p *pipeline) openSplit(split string) (*splitWriter, error) {
	sw := &splitWriter{}
	i := 0
	for _, stage := range []string{"raw", "tok"} {
		for _, l := range p.langs() {
			f, err := os.Create(p.path(split, stage, l))
			if err != nil {
				return nil, err
			}
			sw.files[i], sw.w[i] = f, bufio.NewWriterSize(f, 256<<10)
			i++
		}
	}
	return sw, nil
}

func (sw *splitWriter) write(lines ...string) error {
	for i, l := range lines {
		sw.w[i].WriteString(l)
		if err := sw.w[i].WriteByte('\n'); err != nil {
			return err
		}
	}
	sw.n++
	return nil
}

func (sw *splitWriter) close() error {
	var errs []error
	for i := range sw.files {
		errs = append(errs, sw.w[i].Flush(), sw.files[i].Close())
	}
	return errors.Join(errs...)
}

// extract reads every input, processes each side, cleans (tok stage),
// carves valid out of train, and writes SPLIT.raw.L and SPLIT.tok.L.
func (p *pipeline) extract() error {
	writers := map[string]*splitWriter{}
	defer func() {
		for _, sw := range writers {
			sw.close()
		}
	}()
	get := func(split string) (*splitWriter, error) {
		if sw, ok := writers[split]; ok {
			return sw, nil
		}
		sw, err := p.openSplit(split)
		if err != nil {
			return nil, err
		}
		writers[split] = sw
		p.splits = append(p.splits, split)
		return sw, nil
	}
	for _, in := range p.cfg.Inputs {
		st := p.cfg.Settings
		if in.TokenizeOnly {
			st.NormalizePunctuation, st.RemoveNonPrinting = false, false
		}
		procS, procT := st.LineFunc(p.cfg.SrcLang), st.LineFunc(p.cfg.TgtLang)
		if _, dup := p.rep.RawPairs[in.Split]; dup {
			return fmt.Errorf("prep: split %q given twice", in.Split)
		}
		if in.Split == "valid" && (p.cfg.ValidEvery > 0 || p.cfg.ValidSize > 0) {
			return errors.New("prep: want either a valid input or valid-every/valid-size, got both")
		}
		if in.Split == "test" && p.cfg.TestSize > 0 {
			return errors.New("prep: want either a test input or test-size, got both")
		}
		var holdout []string
		if in.Split == "train" && p.cfg.ValidSize+p.cfg.TestSize > 0 {
			var err error
			if holdout, err = p.holdout(in); err != nil {
				return err
			}
		}
		p.rep.Inputs[in.Split] = in.Files
		if _, err := get(in.Split); err != nil {
			return err
		}
		var cleaner *data.Cleaner
		if in.Split == "train" && p.cfg.Clean != nil && p.cfg.CleanStage == "tok" {
			cleaner, _ = data.NewCleaner(*p.cfg.Clean)
		}
		dropped := map[string]int{}
		r, err := in.Open()
		if err != nil {
			return err
		}
		bar := newBar(p.cfg.Progress, "prepare "+in.Split, -1)
		nRaw, kept := 0, 0
		chunk := make([]Pair, 0, chunkPairs)
		tok := make([][2]string, chunkPairs)
		flush := func() error {
			parallelFor(len(chunk), p.cfg.Workers, func(_, i int) {
				if !chunk[i].Overlong {
					tok[i] = [2]string{procS(chunk[i].Src), procT(chunk[i].Tgt)}
				}
			})
			for i, pr := range chunk {
				nRaw++
				if holdout != nil && holdout[nRaw-1] != "" {
					if pr.Overlong {
						dropped["overlong_line"]++
						continue
					}
					sw, err := get(holdout[nRaw-1])
					if err != nil {
						return err
					}
					if err := sw.write(pr.Src, pr.Tgt, tok[i][0], tok[i][1]); err != nil {
						return err
					}
					continue
				}
				if pr.Overlong {
					if in.Split != "train" {
						return fmt.Errorf("%s: want lines of at most %d bytes in %s data, got a longer one", pr.Where, data.MaxLineBytes, in.Split)
					}
					if cleaner != nil {
						cleaner.Overlong()
					} else {
						dropped["overlong_line"]++
					}
					continue
				}
				s, t := tok[i][0], tok[i][1]
				if cleaner != nil {
					var why data.CleanReason
					if s, t, why = cleaner.Clean(s, t); why != data.CleanKept {
						continue
					}
				}
				kept++
				split := in.Split
				if split == "train" && p.cfg.ValidEvery > 0 && kept%p.cfg.ValidEvery == 0 {
					split = "valid"
				}
				sw, err := get(split)
				if err != nil {
					return err
				}
				if err := sw.write(pr.Src, pr.Tgt, s, t); err != nil {
					return err
				}
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
				r.Close()
				return err
			}
			chunk = append(chunk, pr)
			if len(chunk) == chunkPairs {
				if err := flush(); err != nil {
					r.Close()
					return err
				}
			}
		}
		err = flush()
		bar.done()
		if cerr := r.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if cleaner != nil {
			for k, v := range cleaner.Stats().Dropped {
				dropped[k] += v
			}
		}
		if nRaw == 0 {
			return fmt.Errorf("%s: want at least one %s pair, got an empty corpus", inputName(in), in.Split)
		}
		p.rep.RawPairs[in.Split] = nRaw
		if len(dropped) > 0 {
			p.rep.Dropped[in.Split] = dropped
		}
	}
	p.lines = map[string]int{}
	for split, sw := range writers {
		p.lines[split] = sw.n
		if sw.n == 0 {
			return fmt.Errorf("%s: want at least one %s pair after cleaning and splitting, got none", inputName(p.cfg.Inputs[0]), split)
		}
	}
	errs := []error{}
	for _, sw := range writers {
		errs = append(errs, sw.close())
	}
	writers = nil
	sort.SliceStable(p.splits, func(i, j int) bool { return splitRank(p.splits[i]) < splitRank(p.splits[j]) })
	return errors.Join(errs...)
}

// holdout counts the pairs of in and draws ValidSize + TestSize of them
// with SplitSeed: the result maps a raw pair number to "valid", "test" or
// "" (train).
func (p *pipeline) holdout(in Input) ([]string, error) {
	r, err := in.Open()
	if err != nil {
		return nil, err
	}
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return nil, err
		}
		n++
	}
	r.Close()
	v, t := p.cfg.ValidSize, p.cfg.TestSize
	if n <= v+t {
		return nil, fmt.Errorf("%s: want more than %d pairs to hold out %d valid and %d test pairs, got %d", inputName(in), v+t, v, t, n)
	}
	tag := make([]string, n)
	for i, k := range data.Permutation(n, p.cfg.SplitSeed)[:v+t] {
		if i < v {
			tag[k] = "valid"
		} else {
			tag[k] = "test"
		}
	}
	return tag, nil
}

func splitRank(s string) int {
	switch s {
	case "train":
		return 0
	case "valid":
		return 1
	case "test":
		return 2
	}
	return 3
}

func inputName(in Input) string {
	if len(in.Files) > 0 {
		return in.Files[0]
	}
	return in.Split
}
