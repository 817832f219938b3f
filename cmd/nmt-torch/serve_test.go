package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/fixup-nmt/nmt/tch"
)

// startServe runs `nmt serve ARGS` on a free loopback port in the
// background and waits until /health answers; wait returns the command's
// error once it ends.
func startServe(t *testing.T, args ...string) (url string, wait func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan error, 1)
	go func() {
		app := &cli.App{Name: "nmt", Commands: commands()}
		done <- app.Run(append([]string{"nmt", "serve", "--listen", addr, "--device", "cpu", "--threads", "1"}, args...))
	}()
	url = "http://" + addr
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("nmt serve ended: %v", err)
		default:
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("nmt serve did not answer /health within 30 s")
		}
	}
	return url, func() error {
		select {
		case err := <-done:
			return err
		case <-time.After(60 * time.Second):
			return fmt.Errorf("nmt serve still running 60 s later")
		}
	}
}

// libre posts a LibreTranslate request and returns the status and
// translatedText (or error).
func libre(url string, q any) (int, any, error) {
	js, _ := json.Marshal(map[string]any{"q": q, "source": "de", "target": "en"})
	resp, err := http.Post(url+"/translate", "application/json", bytes.NewReader(js))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var ans map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		return resp.StatusCode, nil, err
	}
	if resp.StatusCode != 200 {
		return resp.StatusCode, ans["error"], nil
	}
	return resp.StatusCode, ans["translatedText"], nil
}

// queued reads the server's queue gauge.
func queued(url string) float64 {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "nmt_serve_queue_sentences{model=\"de-en\"} "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	return 0
}

var toyCheckpoint = filepath.Join("..", "..", "translate", "testdata", "toy.ckpt")

// TestServeSameAsTranslate: 200 sentences through the server give nmt
// translate's output byte for byte, one by one, as texts of several lines
// with empty lines, and as paragraphs split into sentences and joined
// back; then SIGTERM drains requests in flight (none lost) and the
// command returns nil (exit status 0).
func TestServeSameAsTranslate(t *testing.T) {
	tch.LockThread()
	b, err := os.ReadFile(filepath.Join("..", "..", "serve", "testdata", "sents.de"))
	if err != nil {
		t.Fatal(err)
	}
	sents := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	out, errs, err := runCLI(t, string(b), "--checkpoint", toyCheckpoint, "--device", "cpu", "--threads", "1")
	if err != nil {
		t.Fatalf("nmt translate: %v\n%s", err, errs)
	}
	want := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(want) != len(sents) {
		t.Fatalf("nmt translate: %d lines for %d", len(want), len(sents))
	}
	url, wait := startServe(t, "--checkpoint", toyCheckpoint, "--max-wait", "2ms")

	// one sentence per request, 8 clients at once
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; i < len(sents); i += 8 {
				code, got, err := libre(url, sents[i])
				if err != nil || code != 200 || got != want[i] {
					mu.Lock()
					if bad++; bad < 5 {
						t.Errorf("sentence %d: %d %q (%v), nmt translate %q", i+1, code, got, err, want[i])
					}
					mu.Unlock()
				}
			}
		}(c)
	}
	wg.Wait()

	// texts of 1-4 lines with empty lines between, and paragraphs of 2-5
	// sentences
	for i := 0; i < len(sents); {
		n := 1 + i%4
		j := min(i+n, len(sents))
		text := strings.Join(sents[i:j], "\n\n")
		exp := strings.Join(want[i:j], "\n\n")
		if i%3 == 0 {
			text = strings.Join(sents[i:j], " ") + "\n" + sents[i]
			exp = strings.Join(want[i:j], " ") + "\n" + want[i]
		}
		code, got, err := libre(url, text)
		if err != nil || code != 200 || got != exp {
			t.Errorf("text of sentences %d-%d: %d %q (%v), want %q", i+1, j, code, got, err, exp)
		}
		i = j
	}

	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	if err := wait(); err != nil {
		t.Fatalf("nmt serve after SIGTERM: %v, want a clean exit", err)
	}

	// SIGTERM with 32 requests in flight (queued: the server waits 1 s to
	// batch them): every one is answered.
	url, wait = startServe(t, "--checkpoint", toyCheckpoint, "--max-wait", "1s", "--max-tokens", "100000")
	results := make(chan error, 32)
	for c := 0; c < 32; c++ {
		go func(c int) {
			code, got, err := libre(url, []string{sents[c], sents[c+32]})
			if exp := fmt.Sprint([]any{want[c], want[c+32]}); err != nil || code != 200 || fmt.Sprint(got) != exp {
				results <- fmt.Errorf("request %d in flight at SIGTERM: %d %v %v", c, code, got, err)
				return
			}
			results <- nil
		}(c)
	}
	for start := time.Now(); queued(url) < 64; time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%v sentences queued after 10 s, want 64", queued(url))
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	for c := 0; c < 32; c++ {
		if err := <-results; err != nil {
			t.Error(err)
		}
	}
	if err := wait(); err != nil {
		t.Errorf("nmt serve after SIGTERM: %v, want a clean exit", err)
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Error("still serving after SIGTERM")
	}
}

// TestServeReload: a changed checkpoint is picked up by POST
// /admin/reload and by SIGHUP while requests keep coming; none fails.
func TestServeReload(t *testing.T) {
	tch.LockThread()
	dir := t.TempDir()
	a, bck := tinyCheckpoint(t), tinyCheckpoint(t)
	ck := filepath.Join(dir, "model.ckpt")
	install := func(src string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(ck+".tmp", b, 0o644)
		if err := os.Rename(ck+".tmp", ck); err != nil {
			t.Fatal(err)
		}
	}
	install(a)
	input := "w1 w2 w3"
	cli := func(path string) string {
		out, _, err := runCLI(t, input+"\n", "--checkpoint", path, "--device", "cpu", "--max-len-b", "6")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(out, "\n")
	}
	outA, outB := cli(a), cli(bck)
	if outA == outB {
		t.Fatalf("the two random models translate %q alike (%q): pick another input", input, outA)
	}
	keys := filepath.Join(dir, "admin.keys")
	os.WriteFile(keys, []byte("# admin\nadm1n\n"), 0o600)
	url, wait := startServe(t, "--checkpoint", ck, "--admin-keys", keys, "--max-len-b", "6", "--no-split-sentences")
	stop := make(chan struct{})
	var failed []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, got, err := libre(url, input)
				if err != nil || code != 200 || (got != outA && got != outB) {
					mu.Lock()
					failed = append(failed, fmt.Sprintf("%d %v %v", code, got, err))
					mu.Unlock()
				}
			}
		}()
	}
	check := func(want, when string) {
		if _, got, _ := libre(url, input); got != want {
			t.Errorf("%s: %q, want %q", when, got, want)
		}
	}
	check(outA, "before reloading")
	install(bck)
	req, _ := http.NewRequest("POST", url+"/admin/reload", nil)
	req.Header.Set("Authorization", "Bearer adm1n")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/admin/reload: %s %s", resp.Status, body)
	}
	check(outB, "after POST /admin/reload")
	install(a)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, got, _ := libre(url, input); got == outA {
			break
		}
		if time.Now().After(deadline) {
			t.Error("SIGHUP did not reload the checkpoint within 10 s")
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d requests failed during reloads, first: %s", len(failed), failed[0])
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	if err := wait(); err != nil {
		t.Error(err)
	}
}
