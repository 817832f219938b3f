#!/usr/bin/env bash
# bf16-study.sh: does training in bf16 keep Fixup (no LayerNorm) and
# post-LayerNorm as stable as float32? Multi30k en->de, small preset, the
# four runs {Fixup, post-LN} x {float32, bf16} of experiments/multi30k.sh
# with the same seed and budget; their validation loss curves in one plot
# (valid.png); the test BLEU of each float32 model decoded in float32 and
# in bf16; and the depth study's deepest setting (96+96) in bf16 for Fixup
# and post-LN. Resumable: rerun the same command and every part continues
# or is skipped where done.
#
# Usage: bash experiments/bf16-study.sh [OUT]   (default runs/bf16-study)
# Environment: MAX_UPDATE (default 1000), WARMUP (default 300), DATA,
# NMT_BIN, NMT_BF16 (on a CPU without AVX512-BF16: emulate), as
# multi30k.sh; DEPTH=0 skips the depth runs. Each training runs on one
# thread (NMT_THREADS=1), the two of a precision at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-runs/bf16-study}
export PATH=${NMT_BIN:-$root/bin}:$PATH
export MAX_UPDATE=${MAX_UPDATE:-1000} WARMUP=${WARMUP:-300} PARALLEL=1 NMT_THREADS=${NMT_THREADS:-1}
export TRAIN_ARGS="--validate-interval-updates 100 ${TRAIN_ARGS:-}"

for prec in float32 bf16; do
	PRECISION=$prec bash experiments/multi30k.sh "$out/$prec"
done

# Test BLEU of the float32 models decoded in both precisions.
for run in fixup layernorm; do
	for prec in float32 bf16; do
		f=$out/decode-$run-$prec.txt
		[ -s "$f" ] && continue
		nmt translate --checkpoint "$out/float32/$run/checkpoint_best.ckpt" --data "$out/float32/data" \
			--split test --bleu --beam 5 --lenpen 1 --precision "$prec" >"$f.tmp"
		mv "$f.tmp" "$f"
	done
done

# The validation curves of the four runs in one plot (nmt plot names a
# curve by its folder).
mkdir -p "$out/valid"
runs=""
for run in fixup layernorm; do
	for prec in float32 bf16; do
		mkdir -p "$out/valid/$run-$prec"
		grep '"type":"valid"' "$out/$prec/$run/metrics.jsonl" >"$out/valid/$run-$prec/metrics.jsonl"
		runs=$runs${runs:+,}$out/valid/$run-$prec
	done
done
nmt plot --runs "$runs" --out "$out/valid.png"

# The depth study's deepest setting in bf16: 96+96 layers, 100 updates.
if [ "${DEPTH:-1}" != 0 ]; then
	nmt study depth --out "$out/depth96-bf16" --depths 96 --methods post-ln,fixup --precision bf16 \
		>>"$out/depth96-bf16.log" 2>&1
fi
