package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBPECommands(t *testing.T) {
	dir := t.TempDir()
	de := filepath.Join(dir, "train.de")
	en := filepath.Join(dir, "train.en")
	os.WriteFile(de, []byte("der niedrigste Preis\nder neueste Preis\n"), 0o644)
	os.WriteFile(en, []byte("the lowest price\nthe newest price\n"), 0o644)
	codes := filepath.Join(dir, "codes")
	vde, ven := filepath.Join(dir, "vocab.de"), filepath.Join(dir, "vocab.en")

	_, stderr := runApp(t, "", "bpe", "learn", "-s", "20", "-o", codes, "--write-vocabulary", vde, "--write-vocabulary", ven, de, en)
	if !strings.Contains(stderr, "8 distinct words, 17 merges") {
		t.Errorf("learn summary: %q", stderr)
	}
	got, _ := os.ReadFile(codes)
	// Joint learning on standard input gives the same file.
	stdout, _ := runApp(t, "der niedrigste Preis\nder neueste Preis\nthe lowest price\nthe newest price\n", "bpe", "learn", "-q", "-s", "20")
	if stdout != string(got) || !strings.HasPrefix(stdout, "#version: 0.2\n") {
		t.Errorf("learn from files:\n%s\nfrom stdin:\n%s", got, stdout)
	}
	if v, _ := os.ReadFile(ven); !strings.Contains(string(v), "the 2\n") {
		t.Errorf("vocabulary:\n%s", v)
	}

	in := "the lowest  price 日本\nder neueste Preis\n"
	seg, _ := runApp(t, in, "bpe", "apply", "-c", codes)
	if strings.Count(seg, "\n") != 2 || !strings.Contains(seg, "@@ ") {
		t.Errorf("apply: %q", seg)
	}
	back, _ := runApp(t, seg, "bpe", "remove")
	if want := "the lowest price 日本\nder neueste Preis\n"; back != want {
		t.Errorf("remove: got %q, want %q", back, want)
	}
	// Files in, files out; --merges 0 leaves words whole but for characters.
	src, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.WriteFile(src, []byte("ab\n"), 0o644)
	runApp(t, "", "bpe", "apply", "-c", codes, "-m", "0", "-i", src, "-o", out)
	if b, _ := os.ReadFile(out); string(b) != "a@@ b\n" {
		t.Errorf("apply -m 0: got %q", b)
	}
	// Glossaries are not split at commas.
	seg, _ = runApp(t, "xlowestx\n", "bpe", "apply", "-c", codes, "--glossaries", "low{1,2}est")
	if !strings.Contains(seg, "lowest") {
		t.Errorf("glossary: got %q", seg)
	}
}

func TestBPECommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("#version: 0.2\na b\nc\n"), 0o644)
	badText := filepath.Join(dir, "text")
	os.WriteFile(badText, []byte("ok\nnot \xff ok\n"), 0o644)
	out := filepath.Join(dir, "out")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bpe", "apply", "-c", bad}, bad + `:3: want two symbols separated by one space, got "c"`},
		{[]string{"bpe", "learn", "-o", out, badText}, "bpe learn: " + badText + ":2: invalid UTF-8"},
		{[]string{"bpe", "learn", "--write-vocabulary", "v", badText, bad}, "bpe learn: 2 inputs but 1 --write-vocabulary files"},
		{[]string{"bpe", "learn", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"bpe", "learn", "-o", out, filepath.Join(dir, "empty")}, "no such file"},
	}
	for _, tt := range tests {
		app := newApp()
		var stdout, stderr bytes.Buffer
		app.Reader, app.Writer, app.ErrWriter = strings.NewReader(""), &stdout, &stderr
		err := app.Run(append([]string{"nmt"}, tt.args...))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("nmt %v: got error %v, want %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed learn left %s behind", out)
	}
	// Invalid UTF-8 while applying names the file and line, and leaves no
	// output file.
	codes := filepath.Join(dir, "codes")
	os.WriteFile(codes, []byte("#version: 0.2\no k</w>\n"), 0o644)
	app := newApp()
	app.Reader, app.Writer, app.ErrWriter = strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}
	err := app.Run([]string{"nmt", "bpe", "apply", "-c", codes, "-i", badText, "-o", out})
	if err == nil || err.Error() != "bpe apply: "+badText+":2: invalid UTF-8" {
		t.Errorf("apply invalid UTF-8: got %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed apply left %s behind", out)
	}
}
