// Package docs checks the repository's Markdown pages: every relative
// link and image points at a file that exists (TestDocLinks), and the
// product pages (README.md, docs/, experiments/results/README.md) carry no
// development-history wording (TestDocsNoHistory). It has no code of its
// own; run `go test ./internal/docs`.
package docs
