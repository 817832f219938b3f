package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fixup-nmt/nmt/translate"
)

// A text is translated line by line, keeping empty lines; a line that
// holds a paragraph is split into sentences (text.Splitter, Moses'
// split-sentences.perl), whose translations are joined with spaces.
// piece says where a sentence goes back.
type piece struct{ text, line int }

// units splits texts into the sentences to translate and where each goes.
// A text given as sentences (split false) is one sentence per line.
func (e *entry) units(texts []string, split bool) (sents []string, where []piece, lines [][]int) {
	lines = make([][]int, len(texts))
	for t, txt := range texts {
		ls := strings.Split(strings.ReplaceAll(txt, "\r\n", "\n"), "\n")
		lines[t] = make([]int, len(ls))
		for l, line := range ls {
			var ss []string
			switch {
			case strings.TrimSpace(line) == "":
			case split && e.split != nil:
				ss = e.split.Split(line)
			default:
				ss = []string{line}
			}
			lines[t][l] = len(ss)
			for _, s := range ss {
				sents = append(sents, s)
				where = append(where, piece{t, l})
			}
		}
	}
	return sents, where, lines
}

// join puts the best translation of each sentence back into its text.
func join(res []translate.Translation, where []piece, lines [][]int) []string {
	out := make([][]string, len(lines))
	for t, ls := range lines {
		out[t] = make([]string, len(ls))
	}
	for i, p := range where {
		best := ""
		if len(res[i].Hyps) > 0 {
			best = res[i].Hyps[0].Text
		}
		if out[p.text][p.line] != "" {
			out[p.text][p.line] += " "
		}
		out[p.text][p.line] += best
	}
	texts := make([]string, len(lines))
	for t := range out {
		texts[t] = strings.Join(out[t], "\n")
	}
	return texts
}

// result is the outcome of translating one request's sentences.
type result struct {
	tr     []translate.Translation
	queued time.Duration
	search time.Duration
}

// translate preprocesses sents, queues them for the model's batcher with
// o and waits for their translations, the request's timeout or its
// client going away.
func (s *Server) translate(r *http.Request, e *entry, sents []string, o translate.Options) (*result, *apiError) {
	if len(sents) > s.cfg.MaxSentences {
		return nil, &apiError{Code: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("Invalid request: %d sentences, this server translates at most %d per request", len(sents), s.cfg.MaxSentences)}
	}
	if s.draining.Load() {
		return nil, &apiError{Code: http.StatusServiceUnavailable, Message: errDraining.Error(), RetryAfter: 5}
	}
	if e.batch.full(len(sents)) {
		return nil, queueFull()
	}
	j := &job{srcs: make([]translate.Source, len(sents)), opt: o, key: fmt.Sprint(o.Options), done: make(chan jobResult, 1)}
	for i, t := range sents {
		j.srcs[i] = e.Model.Preprocess(t)
		if e.Spec.FailOverlong && j.srcs[i].Truncated() {
			return nil, &apiError{Code: http.StatusBadRequest,
				Message: fmt.Sprintf("sentence %d: %d tokens, the model takes at most %d", i+1, j.srcs[i].Tokens, e.Model.MaxPositions())}
		}
		j.tokens += len(j.srcs[i].IDs)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	j.ctx = ctx
	switch err := e.batch.submit(j); err {
	case nil:
	case errQueueFull:
		return nil, queueFull()
	default:
		return nil, &apiError{Code: http.StatusServiceUnavailable, Message: err.Error(), RetryAfter: 5}
	}
	select {
	case res := <-j.done:
		if res.err != nil {
			return nil, s.searchError(res.err)
		}
		return &result{tr: res.tr, queued: res.queued, search: res.search}, nil
	case <-ctx.Done():
		return nil, s.searchError(ctx.Err())
	}
}

func queueFull() *apiError {
	return &apiError{Code: http.StatusTooManyRequests, Message: "Slowdown: " + errQueueFull.Error() + ", retry later", RetryAfter: 1}
}

func (s *Server) searchError(err error) *apiError {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Code: http.StatusServiceUnavailable, Message: fmt.Sprintf("translation timed out after %v", s.cfg.Timeout), RetryAfter: 5}
	case errors.Is(err, context.Canceled):
		return &apiError{Code: 499, Message: "client closed the request"}
	}
	return &apiError{Code: http.StatusInternalServerError, Message: "Cannot translate text: " + err.Error()}
}

// useModel finds the model of a request and marks it used; release it
// after the answer. A reload in between is retried on the new models.
func (s *Server) useModel(find func(*modelSet) (*entry, *apiError)) (*entry, *apiError) {
	for {
		e, aerr := find(s.models.Load())
		if aerr != nil {
			return nil, aerr
		}
		if e.acquire() {
			return e, nil
		}
	}
}
