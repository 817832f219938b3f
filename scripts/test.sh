#!/usr/bin/env bash
# test.sh: the project's test suite, as CI runs it (after setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PWD/bin:$PATH
# The pure-Go layers (internal/deps.PureGo) must build and pass without
# cgo (no libtorch).
all=$(go list ./...)
pure=$(printf '%s\n' "$all" | CGO_ENABLED=0 go run ./internal/deps/cmd/purego)
CGO_ENABLED=0 go vet $pure
CGO_ENABLED=0 go test -count=1 $pure
# Everything else (torch packages) with cgo.
torch=$(printf '%s\n' "$all" | CGO_ENABLED=0 go run ./internal/deps/cmd/purego -torch)
go vet $torch
go test -count=1 -timeout 20m $torch
