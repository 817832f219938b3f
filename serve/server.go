package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fixup-nmt/nmt/text"
)

// Server serves translation over HTTP. Its models can be reloaded while
// it runs; requests in flight finish on the models they started with.
type Server struct {
	cfg      Config
	met      *metrics
	log      *slog.Logger
	models   atomic.Pointer[modelSet]
	draining atomic.Bool
	reloadMu sync.Mutex
}

// modelSet is the models of one load.
type modelSet struct {
	list   []*entry
	byName map[string]*entry
	byPair map[[2]string]*entry
}

// entry is one served model: its batcher, and the requests using it.
type entry struct {
	Loaded
	name     string
	src, tgt string
	batch    *batcher
	split    *text.Splitter // nil: no sentence splitting

	mu      sync.Mutex
	users   int
	retired bool
	idle    *sync.Cond
}

// acquire marks a request using e; false once e is retired by a reload.
func (e *entry) acquire() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.retired {
		return false
	}
	e.users++
	return true
}

func (e *entry) release() {
	e.mu.Lock()
	e.users--
	if e.users == 0 {
		e.idle.Broadcast()
	}
	e.mu.Unlock()
}

// retire waits for the requests using e, then stops its batcher.
func (e *entry) retire() {
	e.mu.Lock()
	e.retired = true
	for e.users > 0 {
		e.idle.Wait()
	}
	e.mu.Unlock()
	e.batch.stop()
}

// New loads the models and returns the server.
func New(cfg Config) (*Server, error) {
	d := DefaultConfig()
	cfg.MaxTokens = positive(cfg.MaxTokens, d.MaxTokens)
	cfg.MaxQueue = positive(cfg.MaxQueue, d.MaxQueue)
	cfg.MaxBodyBytes = positive(cfg.MaxBodyBytes, d.MaxBodyBytes)
	cfg.MaxSentences = positive(cfg.MaxSentences, d.MaxSentences)
	cfg.MaxBeam = positive(cfg.MaxBeam, d.MaxBeam)
	cfg.Timeout = positive(cfg.Timeout, d.Timeout)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, met: newMetrics(), log: cfg.Log}
	set, err := s.load()
	if err != nil {
		return nil, err
	}
	s.models.Store(set)
	return s, nil
}

// positive returns v, or d when v is not positive (unset).
func positive[T int | int64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// load loads the models into a new set with batchers of their own.
func (s *Server) load() (*modelSet, error) {
	ls, err := s.cfg.Load()
	if err != nil {
		return nil, err
	}
	set := &modelSet{byName: map[string]*entry{}, byPair: map[[2]string]*entry{}}
	for _, l := range ls {
		st := l.Model.Settings()
		e := &entry{Loaded: l, name: l.Spec.Name, src: l.Spec.Source, tgt: l.Spec.Target}
		if e.src == "" {
			e.src = st.SrcLang
		}
		if e.tgt == "" {
			e.tgt = st.TgtLang
		}
		if e.name == "" {
			e.name = e.src + "-" + e.tgt
		}
		pair := [2]string{e.src, e.tgt}
		if set.byName[e.name] != nil || set.byPair[pair] != nil {
			return nil, fmt.Errorf("serve: model %q (%s-%s): name or language pair served twice", e.name, e.src, e.tgt)
		}
		if l.Spec.SplitSentences == nil || *l.Spec.SplitSentences {
			e.split = text.NewSplitter(e.src, text.SplitterOptions{})
		}
		e.idle = sync.NewCond(&e.mu)
		set.list = append(set.list, e)
		set.byName[e.name], set.byPair[pair] = e, e
	}
	if len(set.list) == 0 {
		return nil, errors.New("serve: no models")
	}
	for _, e := range set.list {
		e.batch = newBatcher(e.Model, e.name, s.cfg.MaxTokens, s.cfg.MaxWait, s.cfg.MaxQueue, s.met)
	}
	return set, nil
}

// Reload loads the models again (changed checkpoints, a changed models
// file) and swaps them in; requests in flight finish on the old ones,
// and no request is refused meanwhile. On an error the old models stay.
func (s *Server) Reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	set, err := s.load()
	if err != nil {
		return err
	}
	old := s.models.Swap(set)
	for _, e := range old.list {
		go e.retire()
	}
	s.log.Info("reloaded", "models", set.names())
	return nil
}

// Drain refuses new translation requests (503) from now on; requests
// already queued are still translated. http.Server.Shutdown then waits
// for them.
func (s *Server) Drain() { s.draining.Store(true) }

// Close stops the batchers once their queues are empty.
func (s *Server) Close() {
	for _, e := range s.models.Load().list {
		e.retire()
	}
}

func (ms *modelSet) names() []string {
	var n []string
	for _, e := range ms.list {
		n = append(n, e.name)
	}
	return n
}

// Handler returns the server's routes, wrapped in the access log,
// metrics, CORS and panic recovery.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc) {
		mux.Handle(pattern, s.wrap(name, h))
	}
	route("GET /{$}", "page", s.page)
	route("GET /static/", "page", s.static)
	route("POST /translate", "translate", s.libreTranslate)
	route("GET /languages", "languages", s.libreLanguages)
	route("POST /detect", "detect", s.libreDetect)
	route("GET /frontend/settings", "settings", s.libreSettings)
	route("POST /v1/translate", "v1_translate", s.v1Translate)
	route("GET /v1/models", "v1_models", s.v1Models)
	route("GET /health", "health", s.health)
	route("POST /admin/reload", "reload", s.adminReload)
	mux.Handle("GET /metrics", s.wrap("metrics", promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{}).ServeHTTP))
	return s.cors(mux)
}

// statusWriter records a response's status and size.
type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// wrap adds the access log (method, path, status, size, duration, client;
// never the query, the body or a key), the metrics and panic recovery.
func (s *Server) wrap(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p))
				if sw.code == 0 {
					writeError(sw, http.StatusInternalServerError, fmt.Sprintf("internal error: %v", p))
				}
			}
			d := time.Since(start)
			s.met.requests.WithLabelValues(name, strconv.Itoa(sw.code)).Inc()
			s.met.latency.WithLabelValues(name).Observe(d.Seconds())
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.code, "bytes", sw.bytes,
				"duration_ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr)
		}()
		h(sw, r)
	})
}

// cors answers browsers' cross-origin requests from the configured
// origins; without any, it adds nothing (browsers then refuse them).
func (s *Server) cors(next http.Handler) http.Handler {
	if len(s.cfg.CORSOrigins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if allow := s.corsOrigin(origin); allow != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", allow)
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "86400")
			if allow != "*" {
				h.Add("Vary", "Origin")
			}
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) corsOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" {
			return "*"
		}
		if strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

// apiError is an error answer: LibreTranslate's {"error": "..."}, with the
// field at fault for the native API.
type apiError struct {
	Code       int    `json:"-"`
	Message    string `json:"error"`
	Field      string `json:"field,omitempty"`
	RetryAfter int    `json:"-"` // seconds; 0: no Retry-After
}

func (e *apiError) Error() string { return e.Message }

func badField(field, format string, a ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Message: field + ": " + fmt.Sprintf(format, a...), Field: field}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeAPIError(w, &apiError{Code: code, Message: msg})
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	writeJSON(w, e.Code, e)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// health answers 200 with the models once they are loaded, 503 while
// draining.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeAPIError(w, &apiError{Code: http.StatusServiceUnavailable, Message: errDraining.Error(), RetryAfter: 5})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "models": s.models.Load().names()})
}

// adminReload reloads the models (POST /admin/reload with an admin key).
func (s *Server) adminReload(w http.ResponseWriter, r *http.Request) {
	if len(s.cfg.AdminKeys) == 0 {
		writeError(w, http.StatusForbidden, "the admin API is off: start nmt serve with --admin-keys FILE")
		return
	}
	if !s.cfg.AdminKeys[requestKey(r, "")] {
		writeError(w, http.StatusForbidden, "Invalid API key")
		return
	}
	if err := s.Reload(); err != nil {
		s.log.Error("reload failed", "error", err.Error())
		writeError(w, http.StatusInternalServerError, "reload failed, the old models stay: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "reloaded", "models": s.models.Load().names()})
}

// requestKey is the request's API key: the Authorization header's
// bearer token, or the api_key field (body parsed by the caller).
func requestKey(r *http.Request, field string) string {
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
	}
	return field
}

// checkKey returns a 403 when keys are configured and key is not one.
func (s *Server) checkKey(r *http.Request, field string) *apiError {
	if len(s.cfg.APIKeys) == 0 {
		return nil
	}
	k := requestKey(r, field)
	if k == "" {
		return &apiError{Code: http.StatusForbidden, Message: "Please contact the server operator to get an API key"}
	}
	if !s.cfg.APIKeys[k] {
		return &apiError{Code: http.StatusForbidden, Message: "Invalid API key"}
	}
	return nil
}

// languageNames are the English names of common language codes, for
// /languages; other codes are shown as themselves.
var languageNames = map[string]string{
	"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
	"et": "Estonian", "fi": "Finnish", "fr": "French", "hu": "Hungarian", "it": "Italian", "ja": "Japanese",
	"ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch", "pl": "Polish", "pt": "Portuguese",
	"ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sv": "Swedish", "tr": "Turkish",
	"uk": "Ukrainian", "zh": "Chinese",
}

func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

// sources lists the source languages with their targets, sorted.
func (ms *modelSet) sources() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range ms.list {
		if !seen[e.src] {
			seen[e.src] = true
			out = append(out, e.src)
		}
	}
	sort.Strings(out)
	return out
}
