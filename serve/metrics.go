package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (with the Go runtime's and the process's).
type metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec   // by handler and status code
	latency        *prometheus.HistogramVec // by handler
	batchSentences prometheus.Histogram
	batchTokens    prometheus.Histogram
	queue          *prometheus.GaugeVec   // sentences waiting, by model
	tokens         *prometheus.CounterVec // by model and side (source, target)
	sentences      *prometheus.CounterVec // translated, by model
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nmt_serve_requests_total", Help: "HTTP requests by handler and status code."}, []string{"handler", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nmt_serve_request_duration_seconds", Help: "HTTP request latency by handler.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}, []string{"handler"}),
		batchSentences: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nmt_serve_batch_sentences", Help: "Sentences per search (dynamic batches).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11)}),
		batchTokens: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "nmt_serve_batch_tokens", Help: "Source tokens per search (dynamic batches).",
			Buckets: prometheus.ExponentialBuckets(8, 2, 12)}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nmt_serve_queue_sentences", Help: "Sentences waiting for a search, by model."}, []string{"model"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nmt_serve_tokens_total", Help: "Tokens translated (source) and produced (target, best hypotheses); rate() is tokens/s."}, []string{"model", "side"}),
		sentences: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nmt_serve_sentences_total", Help: "Sentences translated, by model."}, []string{"model"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.batchSentences, m.batchTokens, m.queue, m.tokens, m.sentences,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
