package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"syscall"
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

// Metrics appends records to a JSON-lines file. Each record is one
// write of a whole line; a write that fails is an error, and the file is
// cut back to its last complete record, so a full disk leaves no part of
// a line behind for the next record to be glued onto.
type Metrics struct {
	f    *os.File
	path string
	size int64 // bytes of complete records
}

// OpenMetrics opens path for appending (a resumed run continues it).
func OpenMetrics(path string) (*Metrics, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Metrics{f: f, path: path, size: st.Size()}, nil
}

// Write appends r as one line.
func (m *Metrics) Write(r Record) error {
	r.Time = time.Now().UTC().Format(time.RFC3339)
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%s: %w", m.path, err)
	}
	n, err := m.f.Write(append(b, '\n'))
	if err != nil {
		if n > 0 {
			m.f.Truncate(m.size) // best effort: the next start cuts it too
		}
		return err // an *fs.PathError naming the file
	}
	m.size += int64(n)
	return nil
}

// Sync flushes the records to disk and returns the file's size in bytes
// of complete records (saved in checkpoints: see trimMetrics).
func (m *Metrics) Sync() (int64, error) {
	if err := m.f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return 0, fmt.Errorf("writing %s: %w", m.path, err)
	}
	return m.size, nil
}

// Close closes the file.
func (m *Metrics) Close() error { return m.f.Close() }

// trimMetrics cuts the metrics file at path back to the records of a run
// that resumes after update upTo: it keeps the leading complete, readable
// records of updates up to upTo and, when limit > 0, no more than the
// first limit bytes (the file's size when the checkpoint was saved: this
// drops records of update upTo written after it). A cut final line goes
// in any case. It returns how many lines it dropped; files that are not
// regular are left alone.
func trimMetrics(path string, upTo int, limit int64) (dropped int, err error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && !st.Mode().IsRegular() {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	keep := 0
	for keep < len(b) {
		end := bytes.IndexByte(b[keep:], '\n')
		if end < 0 {
			break // cut line
		}
		var r struct {
			Update *int `json:"update"`
		}
		if json.Unmarshal(b[keep:keep+end], &r) != nil || r.Update == nil || *r.Update > upTo {
			break
		}
		if limit > 0 && int64(keep+end+1) > limit {
			break
		}
		keep += end + 1
	}
	if keep == len(b) {
		return 0, nil
	}
	dropped = bytes.Count(b[keep:], []byte{'\n'})
	if b[len(b)-1] != '\n' {
		dropped++
	}
	if err := os.Truncate(path, int64(keep)); err != nil {
		return 0, err
	}
	return dropped, nil
}

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

// openMetrics opens SAVE-DIR/metrics.jsonl on rank 0, first cutting it
// back to the resume point: this run writes the records of updates after
// the checkpoint it restored (hdr, read from restore) again, and on a
// fresh start (hdr nil) all of them. Checkpoints of this save directory
// also bound it by the file's size when they were saved.
func (t *Trainer) openMetrics(restore string, hdr *Header) error {
	if !t.master() {
		return nil
	}
	path := filepath.Join(t.cfg.Checkpoint.SaveDir, "metrics.jsonl")
	upTo, limit := 0, int64(0)
	if hdr != nil {
		upTo = hdr.Meta.Updates
		if sameDir(filepath.Dir(restore), t.cfg.Checkpoint.SaveDir) {
			limit = hdr.Meta.MetricsBytes
		}
	}
	n, err := trimMetrics(path, upTo, limit)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(t.log, "%s: dropped %d lines written after update %d, where this run starts\n", path, n, upTo)
	}
	t.metrics, err = OpenMetrics(path)
	return err
}

// record logs r and appends it to metrics.jsonl. When the record cannot
// be written, training stops: the error says so, after checkpoint_last
// is saved if it can be (the run resumes from there, without that one
// record).
func (t *Trainer) record(prog *progress, r Record) error {
	prog.logLine(r)
	if t.metrics == nil {
		return nil
	}
	err := t.metrics.Write(r)
	if err == nil {
		return nil
	}
	path, serr := t.save(false, false, false)
	if serr != nil {
		return fmt.Errorf("%w; saving checkpoint_last failed too: %v", err, serr)
	}
	return fmt.Errorf("%w (saved %s at update %d)", err, path, t.updates)
}
