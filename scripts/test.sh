#!/usr/bin/env bash
# test.sh: the project's test suite, as CI runs it (after setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PWD/bin:$PATH
# The pure-Go layers must build and pass without cgo (no libtorch).
# (internal/deps' pureGo list, as a pattern)
pureGo='/(internal/atomicfile|internal/cmdinfo|text|bpe|spm|eval/bleu|data)(/|$)|/cmd/nmt$'
pure=$(go list ./... | grep -E "$pureGo" || true)
CGO_ENABLED=0 go vet $pure
CGO_ENABLED=0 go test -count=1 $pure
# Everything else (torch packages) with cgo.
torch=$(go list ./... | grep -vE "$pureGo")
go vet $torch
go test -count=1 -timeout 20m $torch
