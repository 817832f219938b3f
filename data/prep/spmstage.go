package prep

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fixup-nmt/nmt/internal/atomicfile"
	"github.com/fixup-nmt/nmt/spm"
)

// SPMFiles returns the settings and file names for segmenting with the
// SentencePiece models at srcPath and tgtPath (one joint model when they
// are the same file): spm.model, or spm.SRC.model and spm.TGT.model; for
// Hugging Face tokenizer.json models spm.json, or spm.SRC.json and
// spm.TGT.json.
func SPMFiles(srcPath, tgtPath, srcLang, tgtLang string) (*SPMSettings, error) {
	src, err := spm.Load(srcPath)
	if err != nil {
		return nil, err
	}
	ext := ".model"
	if strings.HasPrefix(src.Kind(), "hf-") {
		ext = ".json"
	}
	s := &SPMSettings{SrcModel: "spm" + ext, TgtModel: "spm" + ext, Kind: src.Kind()}
	if tgtPath != srcPath {
		tgt, err := spm.Load(tgtPath)
		if err != nil {
			return nil, err
		}
		if tgt.Kind() != src.Kind() {
			return nil, fmt.Errorf("prep: %s is a %s model, %s a %s model: want one kind", srcPath, src.Kind(), tgtPath, tgt.Kind())
		}
		s.SrcModel, s.TgtModel = "spm."+srcLang+ext, "spm."+tgtLang+ext
	}
	return s, nil
}

// LoadSPM loads lang's SentencePiece model of the prepared directory dir
// whose settings are s.
func (s Settings) LoadSPM(dir, lang string) (*spm.Model, error) {
	name := s.SPMModel(lang)
	if name == "" {
		return nil, fmt.Errorf("%s: not prepared with SentencePiece", filepath.Join(dir, "prepare.json"))
	}
	return spm.Load(filepath.Join(dir, name))
}

// sentencePiece copies the models into the output and segments every
// split: SPLIT.tok.L (the raw text after the chosen normalisation) to
// SPLIT.spm.L, pieces separated by spaces, as spm_encode writes them.
func (p *pipeline) sentencePiece() error {
	if p.cfg.SPM == nil {
		return nil
	}
	l := p.langs()
	paths := [2]string{p.cfg.SPMSrc, p.cfg.SPMTgt}
	names := [2]string{p.cfg.SPM.SrcModel, p.cfg.SPM.TgtModel}
	var models [2]*spm.Model
	for i := range paths {
		if paths[i] == "" {
			return errors.New("prep: spm settings without model files")
		}
		m, err := spm.Load(paths[i])
		if err != nil {
			return err
		}
		models[i] = m
		if err := atomicfile.Copy(paths[i], filepath.Join(p.work, names[i])); err != nil {
			return err
		}
	}
	for _, split := range p.splits {
		for i, lang := range l {
			if err := p.encodeSPM(split, lang, models[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *pipeline) encodeSPM(split, lang string, m *spm.Model) error {
	in, err := os.Open(p.path(split, "tok", lang))
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(p.path(split, "spm", lang))
	if err != nil {
		return err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 256<<10)
	br := bufio.NewReaderSize(in, 256<<10)
	bar := newBar(p.cfg.Progress, "spm "+split+"."+lang, int64(p.lines[split]))
	chunk := make([]string, 0, chunkPairs)
	res := make([]string, chunkPairs)
	flush := func() {
		parallelFor(len(chunk), p.cfg.Workers, func(_, i int) {
			res[i] = strings.Join(m.Encode(chunk[i]), " ")
		})
		for i := range chunk {
			w.WriteString(res[i])
			w.WriteByte('\n')
		}
		bar.add(len(chunk))
		chunk = chunk[:0]
	}
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			chunk = append(chunk, strings.TrimSuffix(line, "\n"))
			if len(chunk) == chunkPairs {
				flush()
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	flush()
	bar.done()
	return errors.Join(w.Flush(), out.Close())
}
