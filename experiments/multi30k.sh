#!/usr/bin/env bash
# multi30k.sh: Fixup (no LayerNorm) against post-LayerNorm on Multi30k
# en->de under the same budget, the paper's comparison at a size a CPU can
# train. Resumable: rerun the same command and each run continues from its
# checkpoint_last (runs can go in the background and be stopped at any time).
# Its results are in experiments/results/ (README.md there is the index).
#
# Usage: bash experiments/multi30k.sh [OUT]   (default runs/multi30k)
# Environment: DATA (default ../shared/data/multi30k-en-de), MAX_UPDATE
# (default 9000), WARMUP (default 1000), DEVICE (default auto), ARCH
# (small; iwslt on a GPU), PARALLEL=1 (train both at once, e.g. one thread
# each with NMT_THREADS=1), PRECISION (float32 or bf16; the trainer's
# default when unset), NMT_BIN (the folder holding nmt and nmt-torch,
# default bin/: a frozen copy keeps long runs off rebuilt binaries),
# TRAIN_ARGS (more flags for both runs, split on spaces).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=${NMT_BIN:-$root/bin}:$PATH
out=${1:-runs/multi30k}
data=${DATA:-$root/../shared/data/multi30k-en-de}
max_update=${MAX_UPDATE:-9000}
warmup=${WARMUP:-1000}
device=${DEVICE:-auto}
arch=${ARCH:-small}
mkdir -p "$out"

# The reference pipeline (../shared/bench/MULTI30K.md): Moses tokenizer,
# lowercase, joint BPE 10,000, joint dictionary.
if [ ! -f "$out/data/prepare.json" ]; then
	nmt prepare text --train-src "$data/train.en" --train-tgt "$data/train.de" \
		--valid-src "$data/val.en" --valid-tgt "$data/val.de" \
		--test-src "$data/test_2016_flickr.en" --test-tgt "$data/test_2016_flickr.de" \
		--src-lang en --tgt-lang de --lowercase --bpe-merges 10000 --out "$out/data"
fi

common=(--data "$out/data" --arch "$arch" --max-update "$max_update" --max-tokens 4096
	--lr 5e-4 --warmup-updates "$warmup" --label-smoothing 0.1 --device "$device"
	--save-interval-updates 500 --keep-interval-updates 2 --no-epoch-checkpoints --log-interval 50)
[ -n "${PRECISION:-}" ] && common+=(--precision "$PRECISION")
# shellcheck disable=SC2206
common+=(${TRAIN_ARGS:-})
fixup() {
	nmt train --recipe iwslt14-fixup "${common[@]}" --save-dir "$out/fixup" \
		--norm none --init fixup --dropout 0.3 --weight-decay 0.0001 >>"$out/fixup.log" 2>&1
}
layernorm() {
	nmt train --recipe iwslt14-layernorm "${common[@]}" --save-dir "$out/layernorm" \
		--norm post --init default --dropout 0.3 --weight-decay 0.0001 >>"$out/layernorm.log" 2>&1
}
if [ -n "${PARALLEL:-}" ]; then
	fixup &
	f=$!
	layernorm &
	l=$!
	wait "$f"
	wait "$l"
else
	fixup
	layernorm
fi

for run in fixup layernorm; do
	nmt translate --checkpoint "$out/$run/checkpoint_best.ckpt" --data "$out/data" --split test \
		--bleu --beam 5 --lenpen 1 --device "$device" | tee "$out/$run-test-bleu.txt"
done
nmt plot --runs "$out/fixup,$out/layernorm" --out "$out/curves.png"
