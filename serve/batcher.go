package serve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fixup-nmt/nmt/translate"
)

// Errors of submit, answered 429 and 503 with Retry-After.
var (
	errQueueFull = errors.New("the translation queue is full")
	errDraining  = errors.New("the server is shutting down")
)

// job is one request's sentences, queued for the model's batcher.
type job struct {
	srcs   []translate.Source
	tokens int // source tokens, EOS included
	opt    translate.Options
	key    string // jobs of one key may share a search
	ctx    context.Context
	enq    time.Time
	done   chan jobResult // buffered: the batcher never waits on a handler
}

type jobResult struct {
	tr     []translate.Translation
	err    error
	queued time.Duration // from submit to the search's start
	search time.Duration // the search the job was part of
}

// batcher merges the queued jobs of one model into searches of up to
// maxTokens source tokens, waiting at most maxWait after the oldest job
// for more, and routes each job's translations back to it. Jobs whose
// options differ (beam, n-best, ...) never share a search; a job's
// sentences stay together and in order.
type batcher struct {
	model     *translate.Model
	name      string
	maxTokens int
	maxWait   time.Duration
	maxQueue  int // sentences queued at most; more is errQueueFull
	met       *metrics

	mu       sync.Mutex
	queue    []*job
	queued   int // sentences in queue
	stopping bool
	wake     chan struct{}
	done     chan struct{}
}

func newBatcher(m *translate.Model, name string, maxTokens int, maxWait time.Duration, maxQueue int, met *metrics) *batcher {
	b := &batcher{model: m, name: name, maxTokens: maxTokens, maxWait: maxWait, maxQueue: maxQueue, met: met,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go b.run()
	return b
}

// submit queues j, or refuses it when the queue is full or the batcher
// stops. A job larger than the whole queue is taken when the queue is
// empty, so that every request the size limits allow can run.
func (b *batcher) submit(j *job) error {
	b.mu.Lock()
	switch {
	case b.stopping:
		b.mu.Unlock()
		return errDraining
	case b.queued > 0 && b.queued+len(j.srcs) > b.maxQueue:
		b.mu.Unlock()
		return errQueueFull
	}
	j.enq = time.Now()
	b.queue = append(b.queue, j)
	b.queued += len(j.srcs)
	b.met.queue.WithLabelValues(b.name).Set(float64(b.queued))
	b.mu.Unlock()
	b.signal()
	return nil
}

// full reports whether n more sentences would be refused now (a check
// before the work of preprocessing them; submit decides).
func (b *batcher) full(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.queued > 0 && b.queued+n > b.maxQueue
}

func (b *batcher) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// stop lets the batcher finish what is queued, then end; it waits for
// that.
func (b *batcher) stop() {
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	b.signal()
	<-b.done
}

func (b *batcher) run() {
	defer close(b.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			stopping := b.stopping
			b.mu.Unlock()
			if stopping {
				return
			}
			<-b.wake
			continue
		}
		first := b.queue[0]
		ready := b.stopping || b.tokensLocked(first.key) >= b.maxTokens
		wait := time.Until(first.enq.Add(b.maxWait))
		b.mu.Unlock()
		if !ready && wait > 0 {
			timer.Reset(wait)
			select {
			case <-b.wake:
				if !timer.Stop() {
					<-timer.C
				}
				continue
			case <-timer.C:
			}
		}
		b.runBatch(b.take())
	}
}

// tokensLocked counts the queued tokens of jobs with key.
func (b *batcher) tokensLocked(key string) int {
	n := 0
	for _, j := range b.queue {
		if j.key == key {
			n += j.tokens
		}
	}
	return n
}

// take removes the first job and the following ones of its key, in
// order, while they fit in maxTokens.
func (b *batcher) take() []*job {
	b.mu.Lock()
	defer b.mu.Unlock()
	first := b.queue[0]
	batch := []*job{first}
	tokens := first.tokens
	rest := b.queue[:0]
	for _, j := range b.queue[1:] {
		if j.key == first.key && tokens+j.tokens <= b.maxTokens {
			batch = append(batch, j)
			tokens += j.tokens
		} else {
			rest = append(rest, j)
		}
	}
	for i := len(rest); i < len(b.queue); i++ {
		b.queue[i] = nil
	}
	b.queue = rest
	for _, j := range batch {
		b.queued -= len(j.srcs)
	}
	b.met.queue.WithLabelValues(b.name).Set(float64(b.queued))
	return batch
}

// runBatch searches the jobs' sentences together and answers each job.
// Jobs whose request has gone (timed out, client closed) are answered
// with its error and left out.
func (b *batcher) runBatch(jobs []*job) {
	var live []*job
	var srcs []translate.Source
	tokens := 0
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		live = append(live, j)
		srcs = append(srcs, j.srcs...)
		tokens += j.tokens
	}
	if len(live) == 0 {
		return
	}
	start := time.Now()
	o := live[0].opt
	o.Batching.MaxTokens, o.Batching.BatchSize = b.maxTokens, 0
	tr, err := b.model.Search(context.Background(), srcs, o)
	took := time.Since(start)
	b.met.batchSentences.Observe(float64(len(srcs)))
	b.met.batchTokens.Observe(float64(tokens))
	if err == nil {
		out := 0
		for _, t := range tr {
			for _, h := range t.Hyps[:min(1, len(t.Hyps))] {
				out += len(h.Tokens)
			}
		}
		b.met.tokens.WithLabelValues(b.name, "source").Add(float64(tokens))
		b.met.tokens.WithLabelValues(b.name, "target").Add(float64(out))
		b.met.sentences.WithLabelValues(b.name).Add(float64(len(srcs)))
	}
	k := 0
	for _, j := range live {
		r := jobResult{err: err, queued: start.Sub(j.enq), search: took}
		if err == nil {
			r.tr = tr[k : k+len(j.srcs)]
		} else {
			r.err = fmt.Errorf("translation failed: %w", err)
		}
		k += len(j.srcs)
		j.done <- r
	}
}
