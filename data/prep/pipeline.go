package prep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/internal/atomicfile"
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
	// SPMSrc and SPMTgt are the SentencePiece model files to segment
	// with when Settings.SPM is set (the same file for a joint model).
	SPMSrc, SPMTgt string
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
	steps := []func() error{p.extract, p.bpe, p.sentencePiece, p.dictionaries, p.binarize, p.install}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	p.rep.WallSecond = time.Since(start).Seconds()
	err = atomicfile.Write(filepath.Join(cfg.Out, "prepare.json"), func(w io.Writer) error {
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
	return StagePath(p.work, split, stage, lang)
}

// StagePath is the text file of one split, stage ("raw", "tok", "bpe", "spm")
// and language in a prepared directory: DIR/SPLIT.STAGE.LANG.
func StagePath(dir, split, stage, lang string) string {
	return filepath.Join(dir, split+"."+stage+"."+lang)
}

// finalStage is the text that is binarized.
func (p *pipeline) finalStage() string {
	switch {
	case p.cfg.SPM != nil:
		return "spm"
	case p.cfg.Merges > 0:
		return "bpe"
	}
	return "tok"
}

// install moves the finished files from the work folder into cfg.Out.
// Outputs of an earlier run (with Force) that this run did not make are
// removed, prepare.json first, so the folder never mixes two runs.
func (p *pipeline) install() error {
	ents, err := os.ReadDir(p.work)
	if err != nil {
		return err
	}
	made := map[string]bool{}
	for _, e := range ents {
		made[e.Name()] = true
	}
	if err := os.Remove(filepath.Join(p.cfg.Out, "prepare.json")); err != nil && !os.IsNotExist(err) {
		return err
	}
	old, err := os.ReadDir(p.cfg.Out)
	if err != nil {
		return err
	}
	for _, e := range old {
		if !made[e.Name()] && isOutput(e.Name()) {
			if err := os.Remove(filepath.Join(p.cfg.Out, e.Name())); err != nil {
				return err
			}
		}
	}
	for _, e := range ents {
		if err := os.Rename(filepath.Join(p.work, e.Name()), filepath.Join(p.cfg.Out, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// isOutput reports whether name is a file that Run writes.
func isOutput(name string) bool {
	if name == "codes" || (strings.HasPrefix(name, "dict.") && strings.HasSuffix(name, ".txt")) ||
		(strings.HasPrefix(name, "spm.") && (strings.HasSuffix(name, ".model") || strings.HasSuffix(name, ".json"))) {
		return true
	}
	for _, split := range []string{"train.", "valid.", "test."} {
		if strings.HasPrefix(name, split) {
			return true
		}
	}
	return false
}
