# nmt: make setup (once, idempotent), make test, make quickstart.
.PHONY: setup build test test-go bench quickstart check-env clean

setup:
	bash scripts/setup.sh

build: setup

check-env:
	bash scripts/setup.sh --check

# The test suite: pure-Go packages also build with CGO_ENABLED=0.
test: setup
	bash scripts/test.sh

bench: setup
	go test -run XXX -bench . -benchtime 3x ./tch ./transformer ./eval/bleu ./bpe ./text

quickstart: setup
	bash scripts/quickstart.sh

clean:
	rm -rf build bin third_party
