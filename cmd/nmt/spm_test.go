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
