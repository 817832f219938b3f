package serve_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The load benchmark (docs/serve.md): `nmt serve` as its own process on
// 127.0.0.1, against `nmt translate` on the same sentences and model.
// Bounded in requests and in time; run it holding the CPU lock:
//
//	flock /tmp/nmt-cpu.lock go test ./serve -run TestLoad -v -timeout 60m -args -load \
//	    [-load.checkpoint runs/quickstart/model/checkpoint_best.ckpt] [-load.rss 100000]
var (
	load         = flag.Bool("load", false, "run TestLoad, the load benchmark")
	loadBin      = flag.String("load.bin", "", "nmt-torch binary (default: bin/nmt-torch of the repository, else PATH)")
	loadCk       = flag.String("load.checkpoint", toyCheckpoint, "model to serve")
	loadThreads  = flag.Int("load.threads", 2, "libtorch threads of nmt translate and nmt serve")
	loadRequests = flag.Int("load.requests", 2000, "requests per client setting")
	loadSeconds  = flag.Float64("load.seconds", 120, "longest run per client setting")
	loadRSS      = flag.Int("load.rss", 0, "requests of the memory run at 32 clients (0: skip)")
	loadOut      = flag.String("load.out", "", "write the figures as JSON here")
	loadOnly     = flag.String("load.only", "", "overload: only the overload measurement")
)

func nmtTorch(t *testing.T) string {
	if *loadBin != "" {
		return *loadBin
	}
	if p, err := filepath.Abs(filepath.Join("..", "bin", "nmt-torch")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("nmt-torch")
	if err != nil {
		t.Fatal("no nmt-torch binary: build bin/nmt-torch or pass -load.bin")
	}
	return p
}

// loadFigures are one client setting's results.
type loadFigures struct {
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"sentences_per_second"`
	Ratio     float64 `json:"ratio_to_offline"`
	P50, P95  float64 // ms
	P99       float64
	Wrong     int `json:"wrong_or_lost"`
}

func TestLoad(t *testing.T) {
	if !*load {
		t.Skip("the load benchmark runs with -args -load")
	}
	bin := nmtTorch(t)
	if *loadOnly == "overload" {
		overload(t, bin, strconv.Itoa(*loadThreads))
		return
	}
	sents := testSentences(t)
	threads := strconv.Itoa(*loadThreads)

	// Offline: nmt translate on the sentences, five times over.
	var in bytes.Buffer
	for r := 0; r < 5; r++ {
		in.WriteString(strings.Join(sents, "\n") + "\n")
	}
	cmd := exec.Command(bin, "translate", "--checkpoint", *loadCk, "--threads", threads, "--device", "cpu")
	cmd.Stdin = &in
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nmt translate: %v", err)
	}
	offSecs := time.Since(start).Seconds()
	want := strings.Split(string(out), "\n")[:len(sents)]
	offline := float64(5*len(sents)) / offSecs
	t.Logf("nmt translate: %d sentences in %.2f s: %.1f sentences/s (model load included)", 5*len(sents), offSecs, offline)

	url, proc, _ := startServer(t, bin, "--checkpoint", *loadCk, "--threads", threads, "--device", "cpu", "--max-queue", "100000")
	var figs []loadFigures
	for _, clients := range []int{1, 8, 32, 128} {
		f := hammer(t, url, sents, want, clients, *loadRequests, time.Duration(*loadSeconds*float64(time.Second)), nil)
		f.Ratio = f.PerSecond / offline
		figs = append(figs, f)
		t.Logf("%3d clients: %6d requests in %6.1f s: %7.1f sentences/s (%.2fx offline), latency p50 %.1f p95 %.1f p99 %.1f ms, %d wrong or lost",
			clients, f.Requests, f.Seconds, f.PerSecond, f.Ratio, f.P50, f.P95, f.P99, f.Wrong)
		if f.Wrong > 0 {
			t.Errorf("%d clients: %d wrong or lost answers", clients, f.Wrong)
		}
	}
	res := map[string]any{"offline_sentences_per_second": offline, "clients": figs, "checkpoint": filepath.Base(*loadCk), "threads": *loadThreads}

	if *loadRSS > 0 {
		var samples []int
		var mu sync.Mutex
		f := hammer(t, url, sents, want, 32, *loadRSS, 30*time.Minute, func(n int) {
			if n%1000 == 0 {
				mu.Lock()
				samples = append(samples, rssKB(t, proc.Process.Pid))
				mu.Unlock()
			}
		})
		warm := len(samples) / 10 // after the first tenth
		base, peak := samples[warm], 0
		for _, s := range samples[warm:] {
			peak = max(peak, s)
		}
		growth := 100 * float64(peak-base) / float64(base)
		t.Logf("memory: %d requests at 32 clients (%.1f sentences/s, %d wrong or lost): RSS %d KB after warm-up (%d requests), peak %d KB after it: %+.2f%%",
			f.Requests, f.PerSecond, f.Wrong, base, warm*1000, peak, growth)
		res["rss"] = map[string]any{"requests": f.Requests, "warm_kb": base, "peak_kb": peak, "growth_percent": growth, "wrong_or_lost": f.Wrong}
		if growth > 5 {
			t.Errorf("RSS grew %.2f%% after warm-up", growth)
		}
	}
	proc.Process.Signal(syscall.SIGTERM)
	proc.Wait()

	res["overload"] = overload(t, bin, threads)
	if *loadOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		os.WriteFile(*loadOut, b, 0o644)
	}
}

// overload keeps a server with a queue of 8 sentences saturated (32
// clients, each waiting 1 ms after a 429) and measures, from a probe
// client on a kept-alive connection, how fast a 429 comes back; the
// server's own time (its access log) too.
func overload(t *testing.T, bin, threads string) map[string]any {
	url, proc, logf := startServer(t, bin, "--checkpoint", *loadCk, "--threads", threads, "--device", "cpu", "--max-queue", "8")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 32; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if code, _, _ := libre(url, "Der Hund schläft."); code == 429 {
					time.Sleep(time.Millisecond)
				}
			}
		}(c)
	}
	time.Sleep(time.Second)
	var probe []float64
	for i := 0; i < 300; i++ {
		t0 := time.Now()
		code, _, _ := libre(url, "Die Katze schläft.")
		if code == 429 {
			probe = append(probe, float64(time.Since(t0).Microseconds())/1000)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	proc.Process.Signal(syscall.SIGTERM)
	proc.Wait()
	if len(probe) == 0 {
		t.Fatal("overload: the probe never got a 429")
	}
	var server []float64
	b, _ := os.ReadFile(logf)
	for _, l := range strings.Split(string(b), "\n") {
		var e struct {
			Status int     `json:"status"`
			MS     float64 `json:"duration_ms"`
		}
		if json.Unmarshal([]byte(l), &e) == nil && e.Status == 429 {
			server = append(server, e.MS)
		}
	}
	pc := func(v []float64, q float64) float64 {
		if len(v) == 0 {
			return 0
		}
		sort.Float64s(v)
		return v[min(len(v)-1, int(q*float64(len(v))))]
	}
	t.Logf("overload: the probe got %d 429s of 300 requests, in p50 %.2f p99 %.2f ms; the server answered %d 429s in p50 %.3f p99 %.3f ms",
		len(probe), pc(probe, 0.5), pc(probe, 0.99), len(server), pc(server, 0.5), pc(server, 0.99))
	if pc(probe, 0.99) > 10 {
		t.Errorf("429 answered in %.2f ms at p99, want under 10", pc(probe, 0.99))
	}
	return map[string]any{"probe_429": len(probe), "probe_p50_ms": pc(probe, 0.5), "probe_p99_ms": pc(probe, 0.99),
		"server_429": len(server), "server_p50_ms": pc(server, 0.5), "server_p99_ms": pc(server, 0.99)}
}

// startServer runs `nmt serve` on a free loopback port; its standard
// error (the access log) goes to the file logf.
func startServer(t *testing.T, bin string, args ...string) (url string, cmd *exec.Cmd, logf string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf = filepath.Join(t.TempDir(), "serve.log")
	lf, err := os.Create(logf)
	if err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, append([]string{"serve", "--listen", addr}, args...)...)
	cmd.Stderr = lf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); lf.Close() })
	url = "http://" + addr
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/health"); err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			return url, cmd, logf
		}
	}
	t.Fatal("nmt serve did not start within 30 s")
	return "", nil, ""
}

// hammer sends requests (one sentence each, LibreTranslate's /translate)
// from clients goroutines until n are answered or d has passed; each
// answer is checked against want. each runs after every answer with
// its count.
func hammer(t *testing.T, url string, sents, want []string, clients, n int, d time.Duration, each func(int)) loadFigures {
	var next, done, wrong atomic.Int64
	lat := make([][]float64, clients)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				k := i % len(sents)
				t0 := time.Now()
				code, got, err := libre(url, sents[k])
				lat[c] = append(lat[c], float64(time.Since(t0).Microseconds())/1000)
				if err != nil || code != 200 || got != want[k] {
					wrong.Add(1)
				}
				if m := done.Add(1); each != nil {
					each(int(m))
				}
			}
		}(c)
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	var all []float64
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Float64s(all)
	p := func(q float64) float64 { return all[min(len(all)-1, int(q*float64(len(all))))] }
	ok := int(done.Load() - wrong.Load())
	return loadFigures{Clients: clients, Requests: int(done.Load()), Seconds: secs, PerSecond: float64(ok) / secs,
		P50: p(0.5), P95: p(0.95), P99: p(0.99), Wrong: int(wrong.Load())}
}

// libre sends one LibreTranslate request and returns the status and the
// translated text.
func libre(url, q string) (int, string, error) {
	js, _ := json.Marshal(map[string]string{"q": q, "source": "de", "target": "en"})
	resp, err := http.Post(url+"/translate", "application/json", bytes.NewReader(js))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var ans struct {
		Text string `json:"translatedText"`
	}
	err = json.NewDecoder(resp.Body).Decode(&ans)
	return resp.StatusCode, ans.Text, err
}

// rssKB reads a process's resident set size.
func rssKB(t *testing.T, pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
