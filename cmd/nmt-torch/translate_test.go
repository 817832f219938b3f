package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sugarme/gotch"
	"github.com/sugarme/gotch/nn"
	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/fixup"
	"github.com/fixup-nmt/nmt/tch"
	"github.com/fixup-nmt/nmt/train"
	"github.com/fixup-nmt/nmt/transformer"
)

// tinyCheckpoint writes a random 1+1-layer model over the words w0..w11
// with max positions 8.
func tinyCheckpoint(t *testing.T) string { return tinyCheckpointWords(t, 12) }

// tinyCheckpointWords is tinyCheckpoint over the words w0..w(n-1): a
// dictionary of n+4 symbols.
func tinyCheckpointWords(t *testing.T, n int) string {
	var dict strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&dict, "w%d 1\n", i)
	}
	c := transformer.DefaultConfig()
	c.EncoderLayers, c.DecoderLayers, c.Dim, c.FFNDim, c.Heads = 1, 1, 16, 16, 2
	c.SrcVocab, c.TgtVocab, c.MaxPositions = n+4, n+4, 8
	vs := nn.NewVarStore(gotch.CPU)
	if _, err := fixup.New(vs.Root(), c); err != nil {
		t.Fatal(err)
	}
	var blobs []train.Blob
	for _, p := range train.AllVars(vs) {
		v := p.T.Vals().([]float32)
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, v)
		blobs = append(blobs, train.Blob{TensorInfo: train.TensorInfo{Name: "model." + p.Name, DType: "float32", Shape: p.T.MustSize(), Bytes: int64(b.Len())}, Data: b.Bytes()})
	}
	meta := train.Meta{Format: train.FormatVersion, ModelConfig: c,
		Data: train.DataFiles{SourceLang: "de", TargetLang: "en", SourceDict: dict.String(), TargetDict: dict.String()}}
	path := filepath.Join(t.TempDir(), "ck.pt")
	if err := train.WriteCheckpoint(path, meta, blobs); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs `nmt translate --input IN ARGS` with stdin in IN and
// returns its standard output and error.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	dir := t.TempDir()
	outF, _ := os.Create(filepath.Join(dir, "out"))
	stderr, err = runCLITo(t, outF, stdin, args...)
	outF.Close()
	o, _ := os.ReadFile(filepath.Join(dir, "out"))
	return string(o), stderr, err
}

// runCLITo is runCLI writing standard output to out.
func runCLITo(t *testing.T, out *os.File, stdin string, args ...string) (stderr string, err error) {
	in := filepath.Join(t.TempDir(), "in")
	os.WriteFile(in, []byte(stdin), 0o644)
	return runAppTo(t, out, append([]string{"translate", "--input", in}, args...)...)
}

// runAppTo runs `nmt ARGS` in this process with standard output to out
// and returns its standard error.
func runAppTo(t *testing.T, out *os.File, args ...string) (stderr string, err error) {
	dir := t.TempDir()
	errF, _ := os.Create(filepath.Join(dir, "err"))
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = out, errF
	app := &cli.App{Name: "nmt", Commands: commands()}
	err = app.Run(append([]string{"nmt"}, args...))
	os.Stdout, os.Stderr = oldOut, oldErr
	errF.Close()
	e, _ := os.ReadFile(filepath.Join(dir, "err"))
	return string(e), err
}

func TestTranslateBadInput(t *testing.T) {
	tch.LockThread()
	ck := tinyCheckpoint(t)
	input := "w1 w2\n\nw3 w4 w5 w6 w7 w8 w9 w10 w11\n\xff\xfe w1\nw5\n"
	for _, beam := range []string{"1", "3"} {
		out, errs, err := runCLI(t, input, "--checkpoint", ck, "--beam", beam, "--max-len-b", "5", "--buffer-size", "2", "--device", "cpu")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 {
			t.Fatalf("beam %s: %d output lines for 5 input lines: %q (stderr %s)", beam, len(lines), out, errs)
		}
		if lines[1] != "" || lines[3] != "" {
			t.Errorf("beam %s: empty and invalid lines should give empty output: %q", beam, lines)
		}
		if !strings.Contains(errs, "line 3: 10 tokens, truncated to the model's 8") {
			t.Errorf("beam %s: no truncation warning: %s", beam, errs)
		}
		if !strings.Contains(errs, "line 4: invalid UTF-8") || err == nil {
			t.Errorf("beam %s: invalid UTF-8 not reported (err %v): %s", beam, err, errs)
		}
		// same lines alone give the same output (order kept across buffers)
		alone, _, _ := runCLI(t, "w5\n", "--checkpoint", ck, "--beam", beam, "--max-len-b", "5", "--device", "cpu")
		if lines[4]+"\n" != alone {
			t.Errorf("beam %s: line 5 %q, alone %q", beam, lines[4], alone)
		}
	}
	_, _, err := runCLI(t, "w3 w4 w5 w6 w7 w8 w9 w10 w11\n", "--checkpoint", ck, "--fail-overlong", "--device", "cpu")
	if err == nil || !strings.Contains(err.Error(), "line 1: 10 tokens") {
		t.Errorf("--fail-overlong: %v", err)
	}
	_, _, err = runCLI(t, "w1\n", "--checkpoint", filepath.Join(t.TempDir(), "missing.pt"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing checkpoint: %v", err)
	}
	b, _ := os.ReadFile(ck)
	bad := filepath.Join(t.TempDir(), "corrupt.pt")
	os.WriteFile(bad, b[:len(b)/2], 0o644)
	_, _, err = runCLI(t, "w1\n", "--checkpoint", bad)
	if err == nil || !strings.Contains(err.Error(), "corrupt.pt") {
		t.Errorf("corrupt checkpoint: %v", err)
	}
	out, _, err := runCLI(t, "w1 w2\n", "--checkpoint", ck, "--checkpoint", ck, "--format", "fairseq", "--nbest", "2", "--device", "cpu")
	if err != nil || strings.Count(out, "H-0\t") != 2 || !strings.HasPrefix(out, "S-0\tw1 w2\n") {
		t.Errorf("ensemble, fairseq format: %v %q", err, out)
	}
}

// TestTranslateWriteErrors: translations that cannot be written (a full
// disk, a closed standard output) are an error, not a silent success.
func TestTranslateWriteErrors(t *testing.T) {
	tch.LockThread()
	ck := tinyCheckpoint(t)
	closed, err := os.Create(filepath.Join(t.TempDir(), "closed"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	outs := map[string]*os.File{"closed standard output": closed}
	if full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0); err == nil {
		defer full.Close()
		outs["/dev/full"] = full
	} else {
		t.Logf("no /dev/full (%v): only the closed output is tried", err)
	}
	for name, f := range outs {
		for _, buf := range []string{"1", "64"} {
			_, err := runCLITo(t, f, "w1 w2\nw3\n", "--checkpoint", ck, "--beam", "2", "--max-len-b", "3", "--buffer-size", buf, "--device", "cpu")
			if err == nil || !strings.Contains(err.Error(), "writing the translations") {
				t.Errorf("%s, buffer %s: err %v, want a write error", name, buf, err)
			}
		}
	}
}

// TestTranslateFlagLimits: flags that cannot work are refused with a
// message naming them.
func TestTranslateFlagLimits(t *testing.T) {
	tch.LockThread()
	ck := tinyCheckpoint(t)
	tooMany := fmt.Sprint(maxThreads() + 1) // 999 on machines of up to 249 CPUs
	if maxThreads() < 999 {
		tooMany = "999"
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--threads", "-1"}, "--threads -1: want 1.."},
		{[]string{"--threads", tooMany}, "--threads " + tooMany + ": want 1.."},
		{[]string{"--max-len-b", "0"}, "max-len-a 0 and max-len-b 0"},
		{[]string{"--format", "xml"}, `--format "xml"`},
	} {
		out, _, err := runCLI(t, "w1\n", append([]string{"--checkpoint", ck, "--device", "cpu"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("%v: wrote %q", tc.args, out)
		}
	}
	if _, _, err := runCLI(t, "w1\n", "--checkpoint", ck, "--device", "cpu", "--max-len-b", "0", "--max-len-a", "1"); err != nil {
		t.Errorf("--max-len-b 0 --max-len-a 1: %v", err)
	}
}
