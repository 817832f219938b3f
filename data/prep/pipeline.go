package prep

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/fixup-nmt/nmt/bpe"
	"github.com/fixup-nmt/nmt/data"
)

// Input is the raw pairs of one split.
type Input struct {
	Split string   // "train", "valid" or "test"
	Files []string // the files read, for prepare.json
	Open  func() (PairReader, error)
	// TokenizeOnly skips punctuation normalisation and non-printing
	// character removal for this input (the WMT script's test set).
	TokenizeOnly bool
}

// Config is one preparation run.
type Config struct {
	Settings
	Out      string  // output directory (created if missing)
	Inputs   []Input // train first
	Workers  int     // goroutines for text processing (0: GOMAXPROCS)
	Progress io.Writer
	Force    bool // replace an existing prepared directory
	Version  string
	Notes    []string
}

const chunkPairs = 4096

// Run prepares cfg.Out: it extracts, tokenizes, cleans and splits the
// inputs, learns and applies joint BPE, builds dictionaries and binarizes
// every split (see package data's doc for the layout). All files are made
// in a temporary folder inside cfg.Out and moved in when complete,
// prepare.json last; after an error nothing is left behind.
func Run(cfg Config) (*Report, error) {
	start := time.Now()
	if err := cfg.Settings.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Inputs) == 0 || cfg.Inputs[0].Split != "train" {
		return nil, errors.New("prep: want a train input first")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if _, err := os.Stat(cfg.Out); os.IsNotExist(err) {
		// Remove the output folder again if this run made it and fails.
		defer func() {
			if _, err := os.Stat(filepath.Join(cfg.Out, "prepare.json")); err != nil {
				os.Remove(cfg.Out) // only if empty
			}
		}()
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, "prepare.json")); err == nil && !cfg.Force {
		return nil, fmt.Errorf("%s: already prepared (prepare.json exists); remove it or use --force", cfg.Out)
	}
	work, err := os.MkdirTemp(cfg.Out, ".prepare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	p := &pipeline{cfg: cfg, work: work, rep: &Report{
		Settings: cfg.Settings, Version: cfg.Version, Notes: cfg.Notes,
		Inputs: map[string][]string{}, RawPairs: map[string]int{}, Dropped: map[string]map[string]int{},
		Splits: map[string]SplitStats{}, DictSizes: map[string]int{},
	}}
	steps := []func() error{p.extract, p.bpe, p.dictionaries, p.binarize, p.install}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	p.rep.WallSecond = time.Since(start).Seconds()
	err = data.WriteFileAtomic(filepath.Join(cfg.Out, "prepare.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p.rep)
	})
	if err != nil {
		return nil, err
	}
	return p.rep, nil
}

type pipeline struct {
	cfg    Config
	work   string
	rep    *Report
	splits []string // output splits in order
	lines  map[string]int
	dicts  [2]*data.Dictionary
}

func (p *pipeline) langs() [2]string { return [2]string{p.cfg.SrcLang, p.cfg.TgtLang} }

func (p *pipeline) path(split, stage, lang string) string {
	return filepath.Join(p.work, split+"."+stage+"."+lang)
}

// finalStage is the text that is binarized.
func (p *pipeline) finalStage() string {
	if p.cfg.Merges > 0 {
		return "bpe"
	}
	return "tok"
}

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

// dictionaries builds dict.SRC.txt and dict.TGT.txt from train.
func (p *pipeline) dictionaries() error {
	l := p.langs()
	count := func(c *data.Counter, lang string) error {
		return c.AddFile(p.path("train", p.finalStage(), lang))
	}
	var dicts [2]*data.Dictionary
	if p.cfg.JoinedDictionary {
		c := data.NewCounter()
		for _, lang := range l {
			if err := count(c, lang); err != nil {
				return err
			}
		}
		d := data.BuildDictionary(c, p.cfg.Dict)
		dicts = [2]*data.Dictionary{d, d}
	} else {
		for i, lang := range l {
			c := data.NewCounter()
			if err := count(c, lang); err != nil {
				return err
			}
			dicts[i] = data.BuildDictionary(c, p.cfg.Dict)
		}
	}
	for i, lang := range l {
		if err := dicts[i].Save(filepath.Join(p.work, "dict."+lang+".txt")); err != nil {
			return err
		}
		p.rep.DictSizes[lang] = dicts[i].Len()
	}
	p.dicts = dicts
	return nil
}

// binarize writes SPLIT.SRC-TGT.LANG.bin/.idx for every split.
func (p *pipeline) binarize() error {
	l := p.langs()
	for _, split := range p.splits {
		var st SplitStats
		for i, lang := range l {
			d := p.dicts[i]
			w, err := data.NewIndexedWriter(data.DatasetPrefix(p.work, split, l[0], l[1], lang), d.Len())
			if err != nil {
				return err
			}
			unk := 0
			err = data.ForEachLine(p.path(split, p.finalStage(), lang), func(_ int, line string) error {
				return w.Add(d.Encode(line, &unk))
			})
			if err != nil {
				w.Abort()
				return err
			}
			if i == 0 {
				st.Pairs, st.SrcTokens, st.SrcUnk = w.Len(), w.Tokens(), unk
			} else {
				st.TgtTokens, st.TgtUnk = w.Tokens(), unk
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
		p.rep.Splits[split] = st
	}
	return nil
}

// install moves the finished files from the work folder into cfg.Out.
func (p *pipeline) install() error {
	ents, err := os.ReadDir(p.work)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.Rename(filepath.Join(p.work, e.Name()), filepath.Join(p.cfg.Out, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
