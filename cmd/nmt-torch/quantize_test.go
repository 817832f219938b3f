package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fixup-nmt/nmt/tch"
)

// runApp runs `nmt ARGS` in this process and returns its output.
func runApp(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "out")
	f, _ := os.Create(p)
	stderr, err = runAppTo(t, f, args...)
	f.Close()
	o, _ := os.ReadFile(p)
	return string(o), stderr, err
}

// TestQuantizeCommand: nmt quantize writes an int8 checkpoint, nmt model
// shows each checkpoint's precision and the dtype of every tensor, nmt
// translate runs it (in int8 by itself, in float32 on request, a float32
// checkpoint in int8 with --precision int8), and the commands that read
// float32 checkpoints only (average) or cannot run int8 say so.
func TestQuantizeCommand(t *testing.T) {
	tch.LockThread()
	ck := tinyCheckpointWords(t, 40)
	q := filepath.Join(t.TempDir(), "int8.ckpt")
	out, _, err := runApp(t, "quantize", "--checkpoint", ck, "--out", q)
	if err != nil || !strings.Contains(out, "wrote "+q+": 11 tensors in int8") {
		t.Fatalf("nmt quantize: %q, %v", out, err)
	}
	for path, want := range map[string]string{q: "precision: int8 (11 tensors int8", ck: "precision: float32 ("} {
		out, _, err := runApp(t, "model", "--checkpoint", path)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("nmt model --checkpoint %s: %v\n%s", path, err, out)
		}
	}
	out, _, _ = runApp(t, "model", "--checkpoint", q)
	dtype := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			dtype[f[0]] = f[1]
		}
	}
	if dtype["decoder.layers.0.fc1.weight"] != "int8" || dtype["decoder.layers.0.fc1.bias"] != "float32" {
		t.Errorf("nmt model: fc1's dtypes %q, %q", dtype["decoder.layers.0.fc1.weight"], dtype["decoder.layers.0.fc1.bias"])
	}
	outs := translations(t, []string{"--checkpoint", q}, []string{"--checkpoint", ck, "--precision", "int8"}, []string{"--checkpoint", q, "--precision", "float32"})
	if outs[0] != outs[1] {
		t.Errorf("the int8 checkpoint translates %q, the float32 one in int8 %q", outs[0], outs[1])
	}
	// The encoder kept in float32: in the file (--encoder) or on load (--int8-float32).
	qe := filepath.Join(t.TempDir(), "int8-enc32.ckpt")
	if out, _, err := runApp(t, "quantize", "--checkpoint", ck, "--out", qe, "--encoder", "float32"); err != nil || !strings.Contains(out, "tensors in int8") {
		t.Fatalf("nmt quantize --encoder float32: %q, %v", out, err)
	}
	encOuts := translations(t, []string{"--checkpoint", qe}, []string{"--checkpoint", ck, "--precision", "int8", "--int8-float32", "encoder"})
	if encOuts[0] != encOuts[1] {
		t.Errorf("--encoder float32 translates %q, --int8-float32 encoder %q", encOuts[0], encOuts[1])
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"average", "--inputs", q + "," + q, "--output", filepath.Join(t.TempDir(), "avg.ckpt")}, "an int8 checkpoint (nmt quantize) is for translation only"},
		{[]string{"quantize", "--checkpoint", q, "--out", q + ".2"}, "already an int8 checkpoint"},
		{[]string{"quantize", "--checkpoint", ck, "--out", q + ".3", "--embeddings", "int4"}, `--embeddings: precision "int4"`},
		{[]string{"translate", "--checkpoint", q, "--precision", "fp16"}, `--precision: precision "fp16": want float32, bf16, int8 or auto`},
		{[]string{"translate", "--checkpoint", ck, "--precision", "int8", "--int8-float32", "decoder"}, `--int8-float32 "decoder": want encoder or output`},
		{[]string{"quantize", "--checkpoint", ck, "--out", q + ".4", "--encoder", "bf16"}, `encoder "bf16": want int8 or float32`},
	} {
		_, _, err := runApp(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nmt %v: %v, want %q", tc.args, err, tc.want)
		}
	}
}

// translations runs nmt translate with each args on two lines of the
// tiny checkpoints' words (beam 2, at most 4 tokens) and returns each
// output.
func translations(t *testing.T, args ...[]string) []string {
	t.Helper()
	var outs []string
	for _, a := range args {
		o, errs, err := runCLI(t, "w1 w2 w3\nw5 w6\n", append(a, "--beam", "2", "--max-len-b", "4", "--device", "cpu")...)
		if err != nil || strings.Count(o, "\n") != 2 {
			t.Fatalf("nmt translate %v: %q %v %s", a, o, err, errs)
		}
		outs = append(outs, o)
	}
	return outs
}
