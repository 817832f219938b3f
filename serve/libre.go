package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/fixup-nmt/nmt/data"
)

// LibreTranslate's API (https://libretranslate.com/docs): POST /translate,
// GET /languages, POST /detect, GET /frontend/settings, with its field
// names, its {"error": "..."} answers and its status codes.

// libreRequest holds the fields of a LibreTranslate request, from a JSON
// body or a form.
type libreRequest struct {
	Q      json.RawMessage `json:"q"`
	Source string          `json:"source"`
	Target string          `json:"target"`
	Format string          `json:"format"`
	APIKey string          `json:"api_key"`
	// APIKeyCamel is api_key as some clients send it (npm libretranslate).
	APIKeyCamel string `json:"apiKey"`

	texts []string // q as a list
	batch bool     // q was a list
}

// readLibre reads a LibreTranslate request body (JSON or form) under the
// size limit.
func (s *Server) readLibre(w http.ResponseWriter, r *http.Request, needQ bool) (*libreRequest, *apiError) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var q libreRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&q); err != nil {
			return nil, bodyError(err, s.cfg.MaxBodyBytes)
		}
		switch {
		case len(q.Q) == 0 || string(q.Q) == "null":
		case q.Q[0] == '[':
			if err := json.Unmarshal(q.Q, &q.texts); err != nil {
				return nil, &apiError{Code: http.StatusBadRequest, Message: "Invalid request: q: want a string or a list of strings", Field: "q"}
			}
			q.batch = true
		default:
			var t string
			if err := json.Unmarshal(q.Q, &t); err != nil {
				return nil, &apiError{Code: http.StatusBadRequest, Message: "Invalid request: q: want a string or a list of strings", Field: "q"}
			}
			q.texts = []string{t}
		}
	} else {
		if err := r.ParseMultipartForm(s.cfg.MaxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, bodyError(err, s.cfg.MaxBodyBytes)
		}
		if t := r.PostForm.Get("q"); t != "" {
			q.texts = []string{t}
		}
		q.Source, q.Target, q.Format, q.APIKey = r.PostForm.Get("source"), r.PostForm.Get("target"), r.PostForm.Get("format"), r.PostForm.Get("api_key")
	}
	if q.APIKey == "" {
		q.APIKey = q.APIKeyCamel
	}
	if aerr := s.checkKey(r, q.APIKey); aerr != nil {
		return nil, aerr
	}
	if needQ && (len(q.texts) == 0 || (!q.batch && q.texts[0] == "")) {
		return nil, &apiError{Code: http.StatusBadRequest, Message: "Invalid request: missing q parameter", Field: "q"}
	}
	return &q, nil
}

// bodyError turns a body read error into 413 or 400.
func bodyError(err error, limit int64) *apiError {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &apiError{Code: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("Invalid request: body over %d bytes", limit)}
	}
	return &apiError{Code: http.StatusBadRequest, Message: "Invalid request: " + err.Error()}
}

func (s *Server) libreTranslate(w http.ResponseWriter, r *http.Request) {
	q, aerr := s.readLibre(w, r, true)
	if aerr == nil {
		aerr = s.libreTranslate1(w, r, q)
	}
	if aerr != nil {
		writeAPIError(w, aerr)
	}
}

func (s *Server) libreTranslate1(w http.ResponseWriter, r *http.Request, q *libreRequest) *apiError {
	switch {
	case q.Source == "":
		return &apiError{Code: http.StatusBadRequest, Message: "Invalid request: missing source parameter", Field: "source"}
	case q.Target == "":
		return &apiError{Code: http.StatusBadRequest, Message: "Invalid request: missing target parameter", Field: "target"}
	case q.Format != "" && q.Format != "text":
		return &apiError{Code: http.StatusBadRequest, Message: q.Format + " format is not supported", Field: "format"}
	}
	var detected []detection
	src := q.Source
	if src == "auto" {
		detected = s.detect(strings.Join(q.texts, "\n"))
		if len(detected) == 0 {
			return &apiError{Code: http.StatusBadRequest, Message: "auto is not supported: no language detected", Field: "source"}
		}
		src = detected[0].Language
	}
	e, aerr := s.useModel(func(ms *modelSet) (*entry, *apiError) {
		if e := ms.byPair[[2]string{src, q.Target}]; e != nil {
			return e, nil
		}
		for _, e := range ms.list {
			if e.src == src {
				return nil, &apiError{Code: http.StatusBadRequest, Message: q.Target + " is not supported", Field: "target"}
			}
		}
		return nil, &apiError{Code: http.StatusBadRequest, Message: src + " is not supported", Field: "source"}
	})
	if aerr != nil {
		return aerr
	}
	defer e.release()
	sents, where, lines := e.units(q.texts, true)
	res, aerr := s.translate(r, e, sents, e.Options)
	if aerr != nil {
		return aerr
	}
	out := join(res.tr, where, lines)
	ans := map[string]any{}
	if q.batch {
		ans["translatedText"] = out
	} else {
		ans["translatedText"] = out[0]
	}
	if detected != nil {
		if q.batch {
			d := make([]detection, len(out))
			for i := range d {
				d[i] = detected[0]
			}
			ans["detectedLanguage"] = d
		} else {
			ans["detectedLanguage"] = detected[0]
		}
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

type libreLanguage struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
}

// languages lists every language of the models, each with the targets
// it can be translated into.
func (ms *modelSet) languages() []libreLanguage {
	targets := map[string][]string{}
	all := map[string]bool{}
	for _, e := range ms.list {
		targets[e.src] = append(targets[e.src], e.tgt)
		all[e.src], all[e.tgt] = true, true
	}
	var codes []string
	for c := range all {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	out := make([]libreLanguage, len(codes))
	for i, c := range codes {
		t := append([]string{}, targets[c]...)
		sort.Strings(t)
		out[i] = libreLanguage{Code: c, Name: languageName(c), Targets: t}
	}
	return out
}

func (s *Server) libreLanguages(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.models.Load().languages())
}

type detection struct {
	Confidence float64 `json:"confidence"`
	Language   string  `json:"language"`
}

// detect ranks the models' source languages by the share of txt's
// tokens each source dictionary knows (after that model's
// preprocessing): confidence in percent, best first.
func (s *Server) detect(txt string) []detection {
	ms := s.models.Load()
	var out []detection
	for _, src := range ms.sources() {
		var e *entry
		for _, x := range ms.list {
			if x.src == src {
				e = x
				break
			}
		}
		known, n := 0, 0
		for _, line := range strings.Split(txt, "\n") {
			ids := e.Model.Preprocess(line).IDs
			for _, id := range ids[:max(0, len(ids)-1)] {
				n++
				if id != int64(data.UNKID) {
					known++
				}
			}
		}
		if n > 0 {
			out = append(out, detection{Confidence: math.Round(1000*float64(known)/float64(n)) / 10, Language: src})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Confidence > out[j].Confidence })
	return out
}

func (s *Server) libreDetect(w http.ResponseWriter, r *http.Request) {
	q, aerr := s.readLibre(w, r, true)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	d := s.detect(strings.Join(q.texts, "\n"))
	if d == nil {
		d = []detection{}
	}
	writeJSON(w, http.StatusOK, d)
}

// libreSettings is LibreTranslate's /frontend/settings, which its clients
// read for limits and whether a key is needed.
func (s *Server) libreSettings(w http.ResponseWriter, r *http.Request) {
	ms := s.models.Load()
	first := ms.list[0]
	lang := func(c string) map[string]string { return map[string]string{"code": c, "name": languageName(c)} }
	writeJSON(w, http.StatusOK, map[string]any{
		"charLimit": -1, "frontendTimeout": 500, "apiKeys": len(s.cfg.APIKeys) > 0, "keyRequired": len(s.cfg.APIKeys) > 0,
		"suggestions": false, "filesTranslation": false, "supportedFilesFormat": []string{},
		"language": map[string]any{"source": lang(first.src), "target": lang(first.tgt)},
	})
}
