#!/usr/bin/env bash
# quickstart.sh: set up, then run the toolkit's main job end to end on the
# project's own German-English corpus: generate it, prepare it (Moses
# tokenizer, lowercase, joint BPE, binarize), train a small Transformer
# with Fixup and no LayerNorm, translate the held-out test set with beam
# search, and score it with BLEU. About 5 minutes on 2 CPU cores.
#
# Usage: bash scripts/quickstart.sh [OUT_DIR]   (default runs/quickstart)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export PATH=$root/bin:$PATH
out=${1:-runs/quickstart}
epochs=${QUICKSTART_EPOCHS:-8}
mkdir -p "$out"

step() { printf '\n== %s\n' "$*" >&2; }

step "environment"
nmt env

step "corpus: the project's generated German-English corpus"
nmt corpus synth --out "$out/corpus" --train 20000 --valid 1000 --test 1000

step "prepare: tokenize, lowercase, joint BPE (2,000 merges), binarize"
nmt prepare text --train-src "$out/corpus/train.de" --train-tgt "$out/corpus/train.en" \
	--valid-src "$out/corpus/valid.de" --valid-tgt "$out/corpus/valid.en" \
	--test-src "$out/corpus/test.de" --test-tgt "$out/corpus/test.en" \
	--src-lang de --tgt-lang en --lowercase --bpe-merges 2000 \
	--out "$out/data" --force --quiet

step "train: 2+2 layers, d 128, Fixup, no LayerNorm, $epochs epochs"
nmt train --recipe small --data "$out/data" --save-dir "$out/model" --reset \
	--encoder-layers 2 --decoder-layers 2 --dim 128 --ffn-dim 512 --heads 4 \
	--norm none --init fixup --dropout 0.1 --lr 0.002 --warmup-updates 300 \
	--max-tokens 4096 --max-epoch "$epochs" --log-interval 50 --no-progress-bar

step "translate the test set (beam 5) and score it"
nmt translate --checkpoint "$out/model/checkpoint_best.ckpt" --data "$out/data" --split test --bleu \
	| tee "$out/test-bleu.txt"
nmt translate --checkpoint "$out/model/checkpoint_best.ckpt" --beam 5 \
	<"$out/corpus/test.de" >"$out/test.hyp.en"
nmt bleu -lc "$out/corpus/test.en" <"$out/test.hyp.en" | tee "$out/test-sacrebleu.txt"

step "plot the learning curves"
nmt plot --runs "$out/model" --out "$out/curves.png"

printf '\nDone. Written under %s/:\n' "$out"
printf '  checkpoint     %s\n' "$out/model/checkpoint_best.ckpt (and checkpoint_last.ckpt)"
printf '  translations   %s\n' "$out/test.hyp.en (source $out/corpus/test.de)"
printf '  metrics        %s\n' "$out/model/metrics.jsonl"
printf '  plot           %s\n' "$out/curves.png"
printf '  BLEU           %s\n' "$out/test-bleu.txt, $out/test-sacrebleu.txt"
