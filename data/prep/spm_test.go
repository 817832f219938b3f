package prep

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/internal/testfix"
	"github.com/fixup-nmt/nmt/spm"
)

// TestRunSPM: prepare with a joint SentencePiece model instead of Moses
// and BPE: the spm stage is spm_encode's pieces, the dictionary is built
// from them, prepare.json names the model copied into the directory, and
// the Preprocessor and SPMJoin go from text to pieces and back.
func TestRunSPM(t *testing.T) {
	out, rep := runSPM(t, testfix.SPMModel(t, "uni"))
	if rep.SPM == nil || rep.SPM.SrcModel != "spm.model" || rep.SPM.TgtModel != "spm.model" || rep.SPM.Kind != "unigram" {
		t.Fatalf("prepare.json spm = %+v", rep.SPM)
	}
	m, err := spm.Load(filepath.Join(out, "spm.model"))
	if err != nil {
		t.Fatal(err)
	}
	raw := lines(t, filepath.Join(out, "train.tok.en"))
	pieces := lines(t, filepath.Join(out, "train.spm.en"))
	for i := range raw {
		if want := strings.Join(m.Encode(raw[i]), " "); pieces[i] != want {
			t.Fatalf("train.spm.en:%d = %q, want %q", i+1, pieces[i], want)
		}
	}
	dict, err := data.LoadDictionary(filepath.Join(out, "dict.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(pieces[0]) {
		if dict.Index(p) == data.UNKID {
			t.Errorf("piece %q of train.spm.en is not in dict.en.txt", p)
		}
	}
	pre, err := NewPreprocessor(out, "de")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pre.Apply("Der Hund Nummer 7 schläft."), lines(t, filepath.Join(out, "train.spm.de"))[6]; got != want {
		t.Errorf("Preprocessor: %q, want %q", got, want)
	}
	join, err := rep.Settings.SPMJoin(out, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := join(pieces[6]); got != "The dog number 7 sleeps." {
		t.Errorf("SPMJoin: %q", got)
	}
	ids := []int64{int64(data.BOSID)}
	for _, id := range dict.Encode(pieces[6], nil) {
		ids = append(ids, int64(id))
	}
	if got := rep.Settings.SPMPostprocessor(dict, m).Text(ids); got != "The dog number 7 sleeps." {
		t.Errorf("SPMPostprocessor: %q", got)
	}
}

func TestSPMSettingsRefused(t *testing.T) {
	st := textSettings()
	st.SPM = &SPMSettings{SrcModel: "spm.model", TgtModel: "spm.model"}
	if err := st.Validate(); err == nil || !strings.Contains(err.Error(), "SentencePiece replaces") {
		t.Errorf("spm with tokenize and BPE: %v", err)
	}
	if _, err := SPMFiles("missing.model", "missing.model", "de", "en"); err == nil {
		t.Error("a missing model was accepted")
	}
}

// TestRunSPMHF: prepare with a Hugging Face tokenizer.json model (a BPE
// with byte fallback, spm/testdata/hf.tar.gz): copied as spm.json, its
// kind recorded, the pieces its Encode's, and SPMJoin back to the text.
func TestRunSPMHF(t *testing.T) {
	out, rep := runSPM(t, testfix.HFModel(t, "llama"))
	if rep.SPM == nil || rep.SPM.SrcModel != "spm.json" || rep.SPM.TgtModel != "spm.json" || rep.SPM.Kind != "hf-bpe" {
		t.Fatalf("prepare.json spm = %+v", rep.SPM)
	}
	m, err := rep.Settings.LoadSPM(out, "en")
	if err != nil {
		t.Fatal(err)
	}
	raw := lines(t, filepath.Join(out, "train.tok.en"))
	pieces := lines(t, filepath.Join(out, "train.spm.en"))
	join, err := rep.Settings.SPMJoin(out, "en")
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		if want := strings.Join(m.Encode(raw[i]), " "); pieces[i] != want {
			t.Fatalf("train.spm.en:%d = %q, want %q", i+1, pieces[i], want)
		}
		if got := join(pieces[i]); got != raw[i] {
			t.Errorf("SPMJoin(train.spm.en:%d) = %q, want %q", i+1, got, raw[i])
		}
	}
}

// runSPM prepares a 40-pair corpus with the joint model at path and
// returns the output directory and its report.
func runSPM(t *testing.T, model string) (string, *Report) {
	t.Helper()
	dir := t.TempDir()
	s, g := writeCorpus(t, dir, 40)
	st := Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", JoinedDictionary: true, Dict: data.DefaultDictConfig()}
	sp, err := SPMFiles(model, model, "de", "en")
	if err != nil {
		t.Fatal(err)
	}
	st.SPM = sp
	in, _ := TextConfig{TrainSrc: s, TrainTgt: g}.Inputs()
	out := filepath.Join(dir, "out")
	if _, err := Run(Config{Settings: st, Out: out, Inputs: in, SPMSrc: model, SPMTgt: model}); err != nil {
		t.Fatal(err)
	}
	rep, err := LoadReport(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, rep
}
