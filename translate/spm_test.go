package translate_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/data"
	"github.com/fixup-nmt/nmt/data/prep"
	"github.com/fixup-nmt/nmt/data/synth"
	"github.com/fixup-nmt/nmt/internal/testfix"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/translate"
)

// TestSPMCheckpointAlone: a model trained on data prepared with
// SentencePiece carries the model in its checkpoints, so a checkpoint
// copied alone, its prepared directory gone, encodes and decodes with it
// and translates as it did beside the directory.
func TestSPMCheckpointAlone(t *testing.T) {
	tch.LockThread()
	tch.SetThreads(1)
	dir := t.TempDir()
	k, err := synth.Generate(synth.Config{Seed: 5, Train: 300, Valid: 0, Test: 0})
	if err != nil {
		t.Fatal(err)
	}
	pairs := make([]prep.Pair, len(k.Train))
	for i, p := range k.Train {
		pairs[i] = prep.Pair{Src: p.De, Tgt: p.En}
	}
	model := testfix.SPMModel(t, "uni")
	st := prep.Settings{Recipe: "text", SrcLang: "de", TgtLang: "en", JoinedDictionary: true, Dict: data.DefaultDictConfig()}
	if st.SPM, err = prep.SPMFiles(model, model, "de", "en"); err != nil {
		t.Fatal(err)
	}
	in := []prep.Input{{Split: "train", Files: []string{"synth"}, Open: func() (prep.PairReader, error) { return &prep.SliceReader{Pairs: pairs}, nil }}}
	dataDir := filepath.Join(dir, "data")
	if _, err := prep.Run(prep.Config{Settings: st, Out: dataDir, Inputs: in, SPMSrc: model, SPMTgt: model}); err != nil {
		t.Fatal(err)
	}

	c, err := train.Recipe("small")
	if err != nil {
		t.Fatal(err)
	}
	c.Data.Dir, c.Data.ValidSubset, c.Data.MaxTokens = dataDir, "", 512
	c.Checkpoint.SaveDir = filepath.Join(dir, "model")
	c.Model.EncoderLayers, c.Model.DecoderLayers, c.Model.Dim, c.Model.FFNDim, c.Model.Heads = 1, 1, 32, 64, 2
	c.Optim.LR, c.Optim.WarmupUpdates, c.Optim.MaxUpdate = 3e-3, 5, 3
	c.Machine.Threads, c.Machine.Device = 1, "cpu"
	tr, err := train.New(c, train.Options{Build: train.BuildTransformer, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run()
	tr.Close()
	if err != nil {
		t.Fatal(err)
	}

	lines := []string{"Der Hund schläft.", "Die Katze sieht den Hund."}
	translateWith := func(ckpt string) []translate.Translation {
		t.Helper()
		m, err := translate.Load([]string{ckpt}, gotch.CPU)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := os.ReadFile(model); !bytes.Equal(m.Meta().Data.SPM["spm.model"], want) {
			t.Errorf("%s: data.spm_models has %d bytes of spm.model, want the %d of %s", ckpt, len(m.Meta().Data.SPM["spm.model"]), len(want), model)
		}
		o := translate.DefaultOptions()
		o.MaxLenB = 10
		res, err := m.Translate(context.Background(), lines, o)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	beside := translateWith(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last.ckpt"))
	if !strings.HasPrefix(beside[0].Text, "▁") {
		t.Errorf("source %q: want SentencePiece pieces", beside[0].Text)
	}

	alone := filepath.Join(dir, "elsewhere", "model.ckpt")
	b, err := os.ReadFile(filepath.Join(c.Checkpoint.SaveDir, "checkpoint_last.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(alone), 0o755)
	if err := os.WriteFile(alone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	if got := translateWith(alone); !reflect.DeepEqual(got, beside) {
		t.Errorf("alone:\n%+v\nbeside its data:\n%+v", got, beside)
	}
}
