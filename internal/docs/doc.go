// Package docs checks the repository's Markdown pages: every relative
// link and image points at a file that exists (TestDocLinks). It has no
// code of its own; run `go test ./internal/docs`.
package docs
