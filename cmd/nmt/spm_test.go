package main

import (
	"io"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/internal/testfix"
)

func TestSpmCommand(t *testing.T) {
	model := testfix.SPMModel(t, "bpe")
	// spm_encode --model=bpe.model (byte fallback for the unseen Ж)
	out, _ := runApp(t, "Paul hat nicht gearbeitet.\nЖ\n", "spm", "encode", "--model", model)
	want := "▁ P au l ▁hat ▁n i cht ▁ge ar b e it et .\n▁ <0xD0> <0x96>\n"
	if out != want {
		t.Errorf("spm encode: got %q, want %q", out, want)
	}
	back, _ := runApp(t, out, "spm", "decode", "--model", model)
	if back != "Paul hat nicht gearbeitet.\nЖ\n" {
		t.Errorf("spm decode: got %q", back)
	}
	ids, _ := runApp(t, "Paul hat nicht gearbeitet.\n", "spm", "encode", "--model", model, "--output-format", "id")
	if text, _ := runApp(t, ids, "spm", "decode", "--model", model, "--input-format", "id"); text != "Paul hat nicht gearbeitet.\n" {
		t.Errorf("ids %q decode to %q", ids, text)
	}
	app := newApp()
	app.Reader, app.Writer, app.ErrWriter = strings.NewReader("1 x\n"), io.Discard, io.Discard
	if err := app.Run([]string{"nmt", "spm", "decode", "--model", model, "--input-format", "id"}); err == nil || !strings.Contains(err.Error(), "stdin:1") {
		t.Errorf("bad id: error %v, want one naming stdin:1", err)
	}
}

// TestSpmCommandHF: --model takes a Hugging Face tokenizer.json file too
// (spm/testdata/hf.tar.gz); the expected pieces, ids and text are Hugging
// Face tokenizers 0.23.2's.
func TestSpmCommandHF(t *testing.T) {
	for _, tt := range []struct{ model, pieces, ids, text string }{
		{"bert", "paul hat nicht gearbeitet .\n[UNK]\n", "345 111 124 892 6\n1\n", "paul hat nicht gearbeitet.\n\n"},
		{"gpt2", "Paul Ġhat Ġnicht Ġgearbeitet .\nÐ ĸ\n", "704 136 143 1006 1\n1801 1902\n", "Paul hat nicht gearbeitet.\nЖ\n"},
	} {
		model := testfix.HFModel(t, tt.model)
		in := "Paul hat nicht gearbeitet.\nЖ\n"
		if out, _ := runApp(t, in, "spm", "encode", "--model", model); out != tt.pieces {
			t.Errorf("%s: spm encode: got %q, want %q", tt.model, out, tt.pieces)
		}
		if out, _ := runApp(t, in, "spm", "encode", "--model", model, "--output-format", "id"); out != tt.ids {
			t.Errorf("%s: spm encode --output-format id: got %q, want %q", tt.model, out, tt.ids)
		}
		if out, _ := runApp(t, tt.pieces, "spm", "decode", "--model", model); out != tt.text {
			t.Errorf("%s: spm decode: got %q, want %q", tt.model, out, tt.text)
		}
		if out, _ := runApp(t, tt.ids, "spm", "decode", "--model", model, "--input-format", "id"); out != tt.text {
			t.Errorf("%s: spm decode --input-format id: got %q, want %q", tt.model, out, tt.text)
		}
	}
}
