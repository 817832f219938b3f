package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sugarme/gotch"

	"github.com/fixup-nmt/nmt/kernel"
	"github.com/fixup-nmt/nmt/serve"
	"github.com/fixup-nmt/nmt/translate"
)

// toyCheckpoint is translate's test model (1+1 layers, d 32, trained on
// generated German-English pairs).
var toyCheckpoint = filepath.Join("..", "translate", "testdata", "toy.ckpt")

var (
	toyOnce  sync.Once
	toyModel *translate.Model
	toyErr   error
)

// toy loads the toy model once for all tests.
func toy(t testing.TB) *translate.Model {
	toyOnce.Do(func() {
		kernel.SetThreads(1)
		toyModel, toyErr = translate.Load([]string{toyCheckpoint}, gotch.CPU)
	})
	if toyErr != nil {
		t.Fatal(toyErr)
	}
	return toyModel
}

// newServer starts a server on the toy model at a loopback address.
func newServer(t testing.TB, edit func(*serve.Config)) (*serve.Server, *httptest.Server) {
	t.Helper()
	m := toy(t)
	cfg := serve.DefaultConfig()
	cfg.Load = func() ([]serve.Loaded, error) {
		return []serve.Loaded{{Spec: serve.ModelSpec{Name: "toy"}, Model: m, Options: translate.DefaultOptions()}}, nil
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := serve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// post sends a JSON body (or form values) and decodes the JSON answer.
func post(t testing.TB, url string, body any, headers ...string) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case string:
		r = strings.NewReader(b)
	case urlValues:
		r, ct = strings.NewReader(url_Values(b).Encode()), "application/x-www-form-urlencoded"
	default:
		js, _ := json.Marshal(b)
		r = bytes.NewReader(js)
	}
	req, _ := http.NewRequest("POST", url, r)
	req.Header.Set("Content-Type", ct)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &ans); err != nil {
		var list []any
		if json.Unmarshal(b, &list) == nil {
			return resp.StatusCode, map[string]any{"list": list}, resp.Header
		}
		t.Fatalf("%s: answer %q is not JSON: %v", url, b, err)
	}
	return resp.StatusCode, ans, resp.Header
}

type urlValues map[string][]string

func url_Values(v urlValues) url.Values { return url.Values(v) }

// offline translates lines as nmt translate does (translate.Model, 64
// lines at a time) and returns the best translation of each.
func offline(t testing.TB, lines []string) []string {
	m := toy(t)
	var out []string
	for first := 0; first < len(lines); first += 64 {
		res, err := m.Translate(context.Background(), lines[first:min(first+64, len(lines))], translate.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			best := ""
			if len(r.Hyps) > 0 {
				best = r.Hyps[0].Text
			}
			out = append(out, best)
		}
	}
	return out
}

func testSentences(t testing.TB) []string {
	b, err := os.ReadFile(filepath.Join("testdata", "sents.de"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestLibreTranslate(t *testing.T) {
	_, ts := newServer(t, nil)
	sents := testSentences(t)[:3]
	want := offline(t, sents)
	for _, tc := range []struct {
		name string
		body any
		code int
		want any // translatedText, or the error message
	}{
		{"json string", map[string]any{"q": sents[0], "source": "de", "target": "en"}, 200, want[0]},
		{"json list", map[string]any{"q": sents, "source": "de", "target": "en", "format": "text"}, 200, []any{want[0], want[1], want[2]}},
		{"form", urlValues{"q": {sents[1]}, "source": {"de"}, "target": {"en"}}, 200, want[1]},
		{"lines", map[string]any{"q": sents[0] + "\n\n" + sents[1], "source": "de", "target": "en"}, 200, want[0] + "\n\n" + want[1]},
		{"auto", map[string]any{"q": sents[2], "source": "auto", "target": "en"}, 200, want[2]},
		{"missing q", map[string]any{"source": "de", "target": "en"}, 400, "Invalid request: missing q parameter"},
		{"missing source", map[string]any{"q": "x", "target": "en"}, 400, "Invalid request: missing source parameter"},
		{"missing target", urlValues{"q": {"x"}, "source": {"de"}}, 400, "Invalid request: missing target parameter"},
		{"unknown source", map[string]any{"q": "x", "source": "fr", "target": "en"}, 400, "fr is not supported"},
		{"unknown target", map[string]any{"q": "x", "source": "de", "target": "fr"}, 400, "fr is not supported"},
		{"html", map[string]any{"q": "x", "source": "de", "target": "en", "format": "html"}, 400, "html format is not supported"},
		{"bad q", map[string]any{"q": 5, "source": "de", "target": "en"}, 400, "Invalid request: q: want a string or a list of strings"},
		{"bad json", `{"q": "x",`, 400, "Invalid request: unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ans, _ := post(t, ts.URL+"/translate", tc.body)
			if code != tc.code {
				t.Fatalf("status %d, want %d: %v", code, tc.code, ans)
			}
			got := ans["translatedText"]
			if code != 200 {
				got = ans["error"]
				if len(ans) != 1 && ans["field"] == nil {
					t.Errorf("error answer %v: want {\"error\": ...}", ans)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	resp, err := http.Get(ts.URL + "/languages")
	if err != nil {
		t.Fatal(err)
	}
	var langs []map[string]any
	json.NewDecoder(resp.Body).Decode(&langs)
	resp.Body.Close()
	if fmt.Sprint(langs) != "[map[code:de name:German targets:[en]] map[code:en name:English targets:[]]]" {
		t.Errorf("/languages: %v", langs)
	}
	code, ans, _ := post(t, ts.URL+"/detect", urlValues{"q": {sents[0]}})
	if l := ans["list"]; code != 200 || fmt.Sprint(l) != "[map[confidence:100 language:de]]" {
		t.Errorf("/detect: %d %v", code, ans)
	}
}

func TestNative(t *testing.T) {
	_, ts := newServer(t, nil)
	m := toy(t)
	sents := testSentences(t)[:4]
	o := translate.DefaultOptions()
	o.Beam, o.NBest, o.LenPen = 3, 2, 1.3
	want, err := m.Translate(context.Background(), sents, o)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"sentences": sents, "beam": 3, "nbest": 2, "lenpen": 1.3}
	js, _ := json.Marshal(body)
	resp, err := http.Post(ts.URL+"/v1/translate", "application/json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	var ans serve.V1Response
	json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if resp.StatusCode != 200 || ans.Model != "toy" || len(ans.Translations) != len(sents) {
		t.Fatalf("status %d: %+v", resp.StatusCode, ans)
	}
	for i, tr := range ans.Translations {
		if len(tr.Hypotheses) != 2 || tr.Source != sents[i] || tr.Preprocessed != want[i].Text {
			t.Fatalf("sentence %d: %+v", i, tr)
		}
		for k, h := range tr.Hypotheses {
			w := want[i].Hyps[k]
			if h.Text != w.Text || h.Score != w.Score || fmt.Sprint(h.Tokens) != fmt.Sprint(w.Tokens) {
				t.Errorf("sentence %d, hypothesis %d: %q %v, want %q %v", i, k, h.Text, h.Score, w.Text, w.Score)
			}
		}
	}
	if ans.Timings.TotalMS <= 0 || ans.Timings.SearchMS <= 0 {
		t.Errorf("timings %+v", ans.Timings)
	}
	text := sents[0] + " " + sents[1] + "\n\n" + sents[2]
	code, got, _ := post(t, ts.URL+"/v1/translate", map[string]any{"text": text, "model": "toy"})
	w := offline(t, sents[:3])
	if code != 200 || got["text"] != w[0]+" "+w[1]+"\n\n"+w[2] {
		t.Errorf("text: %d %v", code, got["text"])
	}
	for _, tc := range []struct {
		body  any
		code  int
		field string
	}{
		{map[string]any{"sentences": []string{"x"}, "beam": 300}, 400, "beam"},
		{map[string]any{"sentences": []string{"x"}, "beam": 2, "nbest": 3}, 400, "nbest"},
		{map[string]any{"sentences": []string{"x"}, "max_len_a": -1}, 400, "max_len_a"},
		{map[string]any{"sentences": []string{"x"}, "max_len_b": 0}, 400, "max_len_b"},
		{map[string]any{"sentences": []string{"x"}, "beem": 2}, 400, "beem"},
		{map[string]any{"sentences": "x"}, 400, "sentences"},
		{map[string]any{"sentences": []string{"x"}, "text": "x"}, 400, "sentences"},
		{map[string]any{}, 400, "sentences"},
		{map[string]any{"sentences": []string{"x"}, "model": "../../etc/passwd"}, 404, "model"},
		{map[string]any{"sentences": []string{"x"}, "source": "de", "target": "fr"}, 404, "source"},
	} {
		code, ans, _ := post(t, ts.URL+"/v1/translate", tc.body)
		if code != tc.code || ans["field"] != tc.field || ans["error"] == "" {
			t.Errorf("%v: %d %v, want %d naming %q", tc.body, code, ans, tc.code, tc.field)
		}
	}
	resp, err = http.Get(ts.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"checkpoints":["toy.ckpt"]`) || strings.Contains(string(b), "testdata") {
		t.Errorf("/v1/models shows paths or misses the checkpoint: %s", b)
	}
}

// TestConcurrentClients: 64 clients with distinct inputs at once; every
// answer is its own request's translation, in order.
func TestConcurrentClients(t *testing.T) {
	_, ts := newServer(t, func(c *serve.Config) { c.MaxWait = 20 * time.Millisecond; c.MaxTokens = 512 })
	sents := testSentences(t)
	want := offline(t, sents)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				// client c asks for sentences c*3+r, c*3+r+1 (mod 200), as a list
				i, j := (c*3+r)%len(sents), (c*3+r+1)%len(sents)
				code, ans, _ := post(t, ts.URL+"/translate", map[string]any{"q": []string{sents[i], sents[j]}, "source": "de", "target": "en"})
				got := fmt.Sprint(ans["translatedText"])
				if exp := fmt.Sprint([]any{want[i], want[j]}); code != 200 || got != exp {
					errs <- fmt.Errorf("client %d request %d: %d %s, want %s", c, r, code, got, exp)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestLimits(t *testing.T) {
	sents := testSentences(t)
	t.Run("413 body", func(t *testing.T) {
		_, ts := newServer(t, func(c *serve.Config) { c.MaxBodyBytes = 100 })
		code, ans, _ := post(t, ts.URL+"/translate", map[string]any{"q": strings.Repeat("ein ", 50), "source": "de", "target": "en"})
		if code != 413 || !strings.Contains(fmt.Sprint(ans["error"]), "body over 100 bytes") {
			t.Errorf("%d %v", code, ans)
		}
	})
	t.Run("413 sentences", func(t *testing.T) {
		_, ts := newServer(t, func(c *serve.Config) { c.MaxSentences = 2 })
		code, ans, _ := post(t, ts.URL+"/v1/translate", map[string]any{"sentences": sents[:3]})
		if code != 413 || !strings.Contains(fmt.Sprint(ans["error"]), "3 sentences, this server translates at most 2") {
			t.Errorf("%d %v", code, ans)
		}
	})
	t.Run("429 queue full", func(t *testing.T) {
		// The first request waits 2 s for company; the queue then holds
		// its 2 sentences, the most allowed.
		_, ts := newServer(t, func(c *serve.Config) { c.MaxWait, c.MaxQueue, c.MaxTokens = 2*time.Second, 2, 1<<20 })
		first := make(chan int)
		go func() {
			code, _, _ := post(t, ts.URL+"/v1/translate", map[string]any{"sentences": sents[:2]})
			first <- code
		}()
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		code, ans, hdr := post(t, ts.URL+"/translate", map[string]any{"q": sents[2], "source": "de", "target": "en"})
		took := time.Since(start)
		if code != 429 || hdr.Get("Retry-After") != "1" || !strings.HasPrefix(fmt.Sprint(ans["error"]), "Slowdown: ") {
			t.Errorf("%d %v Retry-After %q", code, ans, hdr.Get("Retry-After"))
		}
		t.Logf("429 answered in %v", took)
		if c := <-first; c != 200 {
			t.Errorf("the queued request: %d", c)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, ts := newServer(t, func(c *serve.Config) { c.MaxWait, c.Timeout, c.MaxTokens = time.Second, 100*time.Millisecond, 1<<20 })
		code, ans, hdr := post(t, ts.URL+"/v1/translate", map[string]any{"sentences": sents[:1]})
		if code != 503 || hdr.Get("Retry-After") == "" || !strings.Contains(fmt.Sprint(ans["error"]), "timed out after 100ms") {
			t.Errorf("%d %v", code, ans)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	var log bytes.Buffer
	var mu sync.Mutex
	_, ts := newServer(t, func(c *serve.Config) {
		c.APIKeys = map[string]bool{"s3cret-key": true}
		c.Log = slog.New(slog.NewJSONHandler(lockedWriter{&mu, &log}, nil))
	})
	q := map[string]any{"q": "Wir finden das Ei.", "source": "de", "target": "en"}
	for _, tc := range []struct {
		name   string
		body   any
		header []string
		code   int
	}{
		{"no key", q, nil, 403},
		{"wrong key", map[string]any{"q": "x", "source": "de", "target": "en", "api_key": "nope"}, nil, 403},
		{"json key", map[string]any{"q": "x", "source": "de", "target": "en", "api_key": "s3cret-key"}, nil, 200},
		{"form key", urlValues{"q": {"x"}, "source": {"de"}, "target": {"en"}, "api_key": {"s3cret-key"}}, nil, 200},
		{"bearer", q, []string{"Authorization", "Bearer s3cret-key"}, 200},
	} {
		code, ans, _ := post(t, ts.URL+"/translate", tc.body, tc.header...)
		if code != tc.code || (code == 403 && ans["error"] == nil) {
			t.Errorf("%s: %d %v, want %d", tc.name, code, ans, tc.code)
		}
	}
	if code, _, _ := post(t, ts.URL+"/v1/translate", map[string]any{"sentences": []string{"x"}}); code != 403 {
		t.Errorf("/v1/translate without a key: %d", code)
	}
	if resp, err := http.Get(ts.URL + "/languages"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/languages without a key: %v %v", err, resp.Status)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(log.String(), "s3cret") || !strings.Contains(log.String(), `"status":403`) {
		t.Errorf("access log shows a key, or no 403:\n%s", log.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestCORS(t *testing.T) {
	for _, origins := range [][]string{nil, {"https://app.example"}} {
		_, ts := newServer(t, func(c *serve.Config) { c.CORSOrigins = origins })
		req, _ := http.NewRequest("OPTIONS", ts.URL+"/translate", nil)
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("Access-Control-Allow-Origin")
		if (origins == nil) != (got == "") {
			t.Errorf("origins %v: Access-Control-Allow-Origin %q", origins, got)
		}
	}
}

func TestOperations(t *testing.T) {
	s, ts := newServer(t, func(c *serve.Config) { c.AdminKeys = map[string]bool{"admin-key": true} })
	for _, p := range []string{"/health", "/", "/static/app.js", "/metrics"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", p, err, resp.Status)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if p == "/" && (!strings.Contains(string(b), "<textarea") || strings.Contains(string(b), "https://")) {
			t.Errorf("the page: %s", b)
		}
	}
	post(t, ts.URL+"/translate", map[string]any{"q": "Wir finden das Ei.", "source": "de", "target": "en"})
	resp, _ := http.Get(ts.URL + "/metrics")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{`nmt_serve_requests_total{code="200",handler="translate"} 1`, "nmt_serve_request_duration_seconds_bucket",
		"nmt_serve_batch_sentences_count 1", "nmt_serve_batch_tokens_sum", `nmt_serve_queue_sentences{model="toy"} 0`,
		`nmt_serve_tokens_total{model="toy",side="source"}`, "go_goroutines"} {
		if !strings.Contains(string(b), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	if code, _, _ := post(t, ts.URL+"/admin/reload", map[string]any{}); code != 403 {
		t.Errorf("reload without a key: %d", code)
	}
	if code, ans, _ := post(t, ts.URL+"/admin/reload", map[string]any{}, "Authorization", "Bearer admin-key"); code != 200 || ans["status"] != "reloaded" {
		t.Errorf("reload: %d %v", code, ans)
	}
	s.Drain()
	if code, _, hdr := post(t, ts.URL+"/translate", map[string]any{"q": "x", "source": "de", "target": "en"}); code != 503 || hdr.Get("Retry-After") == "" {
		t.Errorf("draining: %d", code)
	}
	if resp, _ := http.Get(ts.URL + "/health"); resp.StatusCode != 503 {
		t.Errorf("health while draining: %d", resp.StatusCode)
	}
}
