package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/fixup-nmt/nmt/translate"
)

// V1Request is the body of POST /v1/translate: sentences (one per
// element, translated as they are) or a text (lines and paragraphs, split
// into sentences and joined back), the model by name or by languages,
// and any decoding option of `nmt translate` (unset: the model's).
type V1Request struct {
	Model     string   `json:"model,omitempty"`
	Source    string   `json:"source,omitempty"`
	Target    string   `json:"target,omitempty"`
	Sentences []string `json:"sentences,omitempty"`
	Text      *string  `json:"text,omitempty"`
	Decoding
	APIKey string `json:"api_key,omitempty"`
}

// V1Hypothesis is one hypothesis of a sentence.
type V1Hypothesis struct {
	Text      string    `json:"text"`
	Tokenized string    `json:"tokenized"`
	Score     float64   `json:"score"`
	Tokens    []int64   `json:"tokens"`
	PosScores []float32 `json:"positional_scores"`
}

// V1Sentence is one translated sentence: its text as sent, as the model
// saw it (preprocessed), and its hypotheses, best first.
type V1Sentence struct {
	Source       string         `json:"source"`
	Preprocessed string         `json:"preprocessed"`
	Truncated    bool           `json:"truncated,omitempty"`
	Hypotheses   []V1Hypothesis `json:"hypotheses"`
	Error        string         `json:"error,omitempty"`
}

// V1Response is the answer of POST /v1/translate.
type V1Response struct {
	Model        string       `json:"model"`
	Translations []V1Sentence `json:"translations"`
	Text         *string      `json:"text,omitempty"` // with a text: the best translations joined back
	Timings      V1Timings    `json:"timings"`
}

// V1Timings are in milliseconds: waiting for a search, the search (shared
// with the requests batched with it) and the whole request.
type V1Timings struct {
	QueueMS  float64 `json:"queue_ms"`
	SearchMS float64 `json:"search_ms"`
	TotalMS  float64 `json:"total_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (s *Server) v1Translate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if aerr := s.v1Translate1(w, r, start); aerr != nil {
		writeAPIError(w, aerr)
	}
}

func (s *Server) v1Translate1(w http.ResponseWriter, r *http.Request, start time.Time) *apiError {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var q V1Request
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		aerr := bodyError(err, s.cfg.MaxBodyBytes)
		if f := unknownField(err); f != "" {
			aerr.Field = f
		}
		return aerr
	}
	if aerr := s.checkKey(r, q.APIKey); aerr != nil {
		return aerr
	}
	if (q.Text == nil) == (q.Sentences == nil) {
		return badField("sentences", "want either sentences (a list) or text (a string)")
	}
	e, aerr := s.useModel(func(ms *modelSet) (*entry, *apiError) { return ms.find(q.Model, q.Source, q.Target) })
	if aerr != nil {
		return aerr
	}
	defer e.release()
	o, aerr := s.v1Options(e, q.Decoding)
	if aerr != nil {
		return aerr
	}
	var sents []string
	var where []piece
	var lines [][]int
	if q.Text != nil {
		sents, where, lines = e.units([]string{*q.Text}, true)
	} else {
		sents = q.Sentences
	}
	res, aerr := s.translate(r, e, sents, o)
	if aerr != nil {
		return aerr
	}
	ans := V1Response{Model: e.name, Translations: make([]V1Sentence, len(sents))}
	for i, t := range res.tr {
		v := V1Sentence{Source: sents[i], Preprocessed: t.Text, Truncated: t.Truncated(), Hypotheses: []V1Hypothesis{}}
		if t.Err != nil {
			v.Error = t.Err.Error()
		}
		for _, h := range t.Hyps {
			v.Hypotheses = append(v.Hypotheses, V1Hypothesis{Text: h.Text, Tokenized: h.Tokenized, Score: h.Score, Tokens: h.Tokens, PosScores: h.PosScores})
		}
		ans.Translations[i] = v
	}
	if q.Text != nil {
		ans.Text = &join(res.tr, where, lines)[0]
	}
	ans.Timings = V1Timings{QueueMS: ms(res.queued), SearchMS: ms(res.search), TotalMS: ms(time.Since(start))}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// unknownField names the field of a "json: unknown field" error.
func unknownField(err error) string {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return strings.Trim(f, `"`)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// find resolves a request's model: by name, else by languages, else the
// only one.
func (ms *modelSet) find(name, src, tgt string) (*entry, *apiError) {
	switch {
	case name != "":
		if e := ms.byName[name]; e != nil {
			return e, nil
		}
		return nil, &apiError{Code: http.StatusNotFound, Message: fmt.Sprintf("model: no model %q (GET /v1/models lists them)", name), Field: "model"}
	case src != "" || tgt != "":
		if e := ms.byPair[[2]string{src, tgt}]; e != nil {
			return e, nil
		}
		return nil, &apiError{Code: http.StatusNotFound, Message: fmt.Sprintf("source, target: no model from %q to %q (GET /v1/models lists them)", src, tgt), Field: "source"}
	case len(ms.list) == 1:
		return ms.list[0], nil
	}
	return nil, badField("model", "want a model name (or source and target): %d models are served", len(ms.list))
}

// v1Options applies a request's decoding options to the model's and
// checks them, naming the field at fault.
func (s *Server) v1Options(e *entry, d Decoding) (translate.Options, *apiError) {
	o := e.Options
	d.Apply(&o.Options)
	switch {
	case o.Beam < 1 || o.Beam > s.cfg.MaxBeam:
		return o, badField("beam", "want 1..%d, got %d", s.cfg.MaxBeam, o.Beam)
	case o.NBest < 1 || o.NBest > o.Beam:
		return o, badField("nbest", "want 1..beam (%d), got %d", o.Beam, o.NBest)
	case o.MaxLenA < 0 || o.MaxLenA > 10:
		return o, badField("max_len_a", "want 0..10, got %g", o.MaxLenA)
	case o.MaxLenB < 0:
		return o, badField("max_len_b", "want 0 or more, got %d", o.MaxLenB)
	case o.MaxLenA == 0 && o.MaxLenB == 0:
		return o, badField("max_len_b", "max_len_a 0 and max_len_b 0 leave no room for a token")
	case o.MinLen < 0:
		return o, badField("min_len", "want 0 or more, got %d", o.MinLen)
	case o.NoRepeatNgram < 0:
		return o, badField("no_repeat_ngram_size", "want 0 or more, got %d", o.NoRepeatNgram)
	}
	o.MaxPositions = e.Model.MaxPositions()
	if err := o.Validate(); err != nil {
		return o, badField("lenpen", "%v", err)
	}
	return o, nil
}

// V1Model describes a served model (GET /v1/models): checkpoint file
// names only, never paths.
type V1Model struct {
	Name        string   `json:"name"`
	Source      string   `json:"source"`
	Target      string   `json:"target"`
	Checkpoints []string `json:"checkpoints"`
	Beam        int      `json:"beam"`
	NBest       int      `json:"nbest"`
	LenPen      float64  `json:"lenpen"`
	MaxLenA     float64  `json:"max_len_a"`
	MaxLenB     int      `json:"max_len_b"`
	MaxTokens   int      `json:"max_positions"`
}

func (s *Server) v1Models(w http.ResponseWriter, r *http.Request) {
	var out []V1Model
	for _, e := range s.models.Load().list {
		var cks []string
		for _, p := range e.Model.Paths() {
			cks = append(cks, filepath.Base(p))
		}
		o := e.Options
		out = append(out, V1Model{Name: e.name, Source: e.src, Target: e.tgt, Checkpoints: cks, Beam: o.Beam, NBest: o.NBest,
			LenPen: o.LenPen, MaxLenA: o.MaxLenA, MaxLenB: o.MaxLenB, MaxTokens: e.Model.MaxPositions()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out})
}
