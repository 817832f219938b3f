#!/usr/bin/env bash
# stress.sh: train the quickstart-size model and decode its test set over
# and over with Go's garbage collector at its most aggressive, to catch
# memory-safety faults at the Go/libtorch boundary (a fault there depends on
# when the collector runs, so one clean run proves little).
#
# Each training run: the quickstart's model (2+2 layers, d 128, Fixup, no
# LayerNorm, 4,096 tokens a batch) for 100 updates from scratch, same seed.
# Each decoding run: the 1,000 test sentences with beam 5. Runs alternate
# GOGC=1 and GOGC=5, all with GODEBUG=gccheckmark=1 (a second, stopped-world
# mark after every collection that verifies the concurrent one). A run
# fails when it exits non-zero, prints a Go fatal error or panic, or gives
# a different result from the first run of its kind (training: the loss
# and validation loss at update 100; decoding: the translations), since
# the collector must not change a single number.
#
# Usage: bash scripts/stress.sh [--train N] [--decode N] [--gogc "1 5"]
#                                [--godebug gccheckmark=1] [--bin DIR] [OUT]
#   --train N, --decode N   runs of each kind (default 30 and 30)
#   --gogc LIST             GOGC values the runs cycle through (default "1 5")
#   --godebug VALUE         GODEBUG of every run (default gccheckmark=1)
#   --bin DIR               binaries to test (default bin/ after setup);
#                           another commit's, to compare
#   OUT                     work folder (default runs/stress)
# Prints one line per run and a summary, also written to OUT/summary.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ntrain=30 ndecode=30 bin="" out=runs/stress gogcs="1 5" godebug=gccheckmark=1
while [ $# -gt 0 ]; do
	case $1 in
	--train) ntrain=$2; shift 2 ;;
	--decode) ndecode=$2; shift 2 ;;
	--bin) bin=$(cd "$2" && pwd); shift 2 ;;
	--gogc) gogcs=$2; shift 2 ;;
	--godebug) godebug=$2; shift 2 ;;
	-h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "stress.sh: unknown flag $1" >&2; exit 2 ;;
	*) out=$1; shift ;;
	esac
done
if [ -z "$bin" ]; then
	bash scripts/setup.sh >&2
	bin=$root/bin
fi
[ -x "$bin/nmt" ] && [ -x "$bin/nmt-torch" ] || { echo "stress.sh: no nmt binaries in $bin" >&2; exit 2; }
export PATH=$bin:$PATH
mkdir -p "$out"
log=$out/summary.txt
: >"$log"
say() { printf '%s\n' "$*" | tee -a "$log"; }

if [ ! -f "$out/data/.done" ]; then
	nmt corpus synth --out "$out/corpus" --train 20000 --valid 1000 --test 1000 >&2
	nmt prepare text --train-src "$out/corpus/train.de" --train-tgt "$out/corpus/train.en" \
		--valid-src "$out/corpus/valid.de" --valid-tgt "$out/corpus/valid.en" \
		--test-src "$out/corpus/test.de" --test-tgt "$out/corpus/test.en" \
		--src-lang de --tgt-lang en --lowercase --bpe-merges 2000 \
		--out "$out/data" --force --quiet >&2
	touch "$out/data/.done"
fi

train() { # train DIR: 100 updates of the quickstart model
	nmt train --recipe small --data "$out/data" --save-dir "$1" --reset \
		--encoder-layers 2 --decoder-layers 2 --dim 128 --ffn-dim 512 --heads 4 \
		--norm none --init fixup --dropout 0.1 --lr 0.002 --warmup-updates 300 \
		--max-tokens 4096 --max-update 100 --log-interval 50 --seed 1 --no-progress-bar
}

# The result a run is compared on: every loss and gradient norm logged.
losses() { grep -o '"\(loss\|gnorm\)":[^,}]*' "$1/metrics.jsonl" | cut -d: -f2 | tr '\n' ' '; }

# bad LOGFILE: a Go fatal error, panic or libtorch error in the output.
bad() { grep -m1 -E 'fatal error|panic:|SIGSEGV|signal: |Libtorch API Error|bad pointer' "$1" || true; }

# pick I: the GOGC of run I, cycling through the list.
pick() { set -- "$1" $gogcs; local i=$1; shift; local n=$#; shift $(( (i - 1) % n )); echo "$1"; }

fails=0 tfail=0 dfail=0 ref=""
commit=$(git -C "$bin/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
say "stress: $(date -u '+%F %T') UTC, binaries $bin (commit $commit), $ntrain training and $ndecode decoding runs, GOGC $gogcs, GODEBUG=$godebug"
for i in $(seq 1 "$ntrain"); do
	gogc=$(pick "$i")
	d=$out/train-$i
	rm -rf "$d"
	start=$(date +%s)
	rc=0
	GOGC=$gogc GODEBUG=$godebug train "$d" >"$d.log" 2>&1 || rc=$?
	why=$(bad "$d.log")
	got=""
	[ -f "$d/metrics.jsonl" ] && got=$(losses "$d")
	if [ "$rc" = 0 ] && [ -z "$why" ] && [ -z "$ref" ]; then ref=$got; fi
	if [ "$rc" != 0 ] || [ -n "$why" ] || [ "$got" != "$ref" ]; then
		tfail=$((tfail + 1))
		say "train $i GOGC=$gogc: FAIL rc=$rc ${why:-result $got, want $ref} ($d.log)"
	else
		say "train $i GOGC=$gogc: ok $(($(date +%s) - start)) s, $got"
		rm -rf "$d"
	fi
done

# Decoding: a model trained once, without stress.
model=$out/model
if [ ! -f "$model/checkpoint_last.ckpt" ]; then
	train "$model" >"$out/model.log" 2>&1 || { echo "stress.sh: training the decoding model failed ($out/model.log)" >&2; exit 1; }
fi
nmt translate --checkpoint "$model/checkpoint_last.ckpt" --beam 5 <"$out/corpus/test.de" >"$out/ref.hyp" 2>"$out/ref.log"
for i in $(seq 1 "$ndecode"); do
	gogc=$(pick "$i")
	h=$out/decode-$i
	start=$(date +%s)
	rc=0
	GOGC=$gogc GODEBUG=$godebug nmt translate --checkpoint "$model/checkpoint_last.ckpt" --beam 5 \
		<"$out/corpus/test.de" >"$h.hyp" 2>"$h.log" || rc=$?
	why=$(bad "$h.log")
	if [ "$rc" != 0 ] || [ -n "$why" ] || ! cmp -s "$h.hyp" "$out/ref.hyp"; then
		dfail=$((dfail + 1))
		say "decode $i GOGC=$gogc: FAIL rc=$rc ${why:-translations differ from the unstressed run} ($h.log)"
	else
		say "decode $i GOGC=$gogc: ok $(($(date +%s) - start)) s"
		rm -f "$h.hyp" "$h.log"
	fi
done
fails=$((tfail + dfail))
say "summary: training $tfail failed of $ntrain, decoding $dfail failed of $ndecode"
[ "$fails" = 0 ]
