package train

import (
	"encoding/json"
	"math"
	"os"
	"time"
)

// Record is one line of SAVE-DIR/metrics.jsonl: "train" records every
// log-interval updates (means over the interval), "valid" records after
// every validation. Loss and nll_loss are bits per target token; ppl is
// 2^nll_loss.
type Record struct {
	Type      string   `json:"type"` // "train" or "valid"
	Update    int      `json:"update"`
	Epoch     int      `json:"epoch"`
	Loss      float64  `json:"loss"`
	NLL       float64  `json:"nll_loss"`
	PPL       float64  `json:"ppl"`
	BLEU      *float64 `json:"bleu,omitempty"` // valid with eval-bleu: corpus BLEU in [0, 100]
	LR        float64  `json:"lr,omitempty"`
	GNorm     float64  `json:"gnorm,omitempty"`
	Tokens    int      `json:"tokens"`                 // target tokens in the interval or valid set
	TokensSec float64  `json:"tokens_per_s,omitempty"` // train: target tokens per second of update time
	Best      *float64 `json:"best,omitempty"`         // valid: best value of the best-checkpoint metric so far
	Wall      float64  `json:"train_wall"`             // seconds of update time since the start of training
	Time      string   `json:"time"`
}

// Metrics appends records to a JSON-lines file.
type Metrics struct{ f *os.File }

// OpenMetrics opens path for appending (a resumed run continues it).
func OpenMetrics(path string) (*Metrics, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &Metrics{f}, nil
}

// Write appends r as one line.
func (m *Metrics) Write(r Record) {
	r.Time = time.Now().UTC().Format(time.RFC3339)
	b, _ := json.Marshal(r)
	m.f.Write(append(b, '\n'))
}

// Close closes the file.
func (m *Metrics) Close() error { return m.f.Close() }

// intervalStats accumulates updates between log lines.
type intervalStats struct {
	lossSum, nllSum, gnormSum float64
	tokens, updates           int
	lr                        float64
	dur                       time.Duration
}

func (a *intervalStats) add(u UpdateStats, d time.Duration) {
	a.lossSum += u.Loss * float64(u.Tokens)
	a.nllSum += u.NLL * float64(u.Tokens)
	a.gnormSum += u.GNorm
	a.tokens += u.Tokens
	a.updates++
	a.lr = u.LR
	a.dur += d
}

func (a intervalStats) record(update, epoch int, wall float64) Record {
	r := Record{Type: "train", Update: update, Epoch: epoch, LR: a.lr, Tokens: a.tokens, Wall: wall}
	if a.tokens > 0 {
		r.Loss = a.lossSum / float64(a.tokens)
		r.NLL = a.nllSum / float64(a.tokens)
		r.PPL = math.Pow(2, r.NLL)
	}
	if a.updates > 0 {
		r.GNorm = a.gnormSum / float64(a.updates)
	}
	if a.dur > 0 {
		r.TokensSec = float64(a.tokens) / a.dur.Seconds()
	}
	return r
}
