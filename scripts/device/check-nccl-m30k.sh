#!/usr/bin/env bash
# Device check (scripts/device/check-nccl-m30k.sh), one call on a lent GPU
# machine without Go: build the glue and the c10d shim (NCCL) against its
# CUDA PyTorch, run the NCCL test and a one-worker `train --nproc-per-node
# 1` on the GPU, and train the iwslt preset on Multi30k with both recipes
# (Fixup without LayerNorm, post-LayerNorm) side by side for TRAIN_S
# seconds, then score both on test_2016_flickr. Prepare .device/ here first:
#   go build -ldflags "-s -w" -o .device/nmt-torch ./cmd/nmt-torch
#   go test -c -ldflags "-s -w" -o .device/dist.test ./dist
#   go build -o .device/stubgen ./internal/build/stubgen
#   cp -r third_party/gotch/{csrc,libtch} .device/gotch/   (csrc holds the
#     generated glue as shipped, .orig, which setup stubs for the GPU libtorch)
#   .device/data: a small prepared corpus; .device/m30k: runs/multi30k/data
#   (binarized splits, dictionaries, codes, prepare.json, test text).
set -x
exec > >(tee "$OUT/device.log") 2>&1
start=$(date +%s)
TRAIN_S=${TRAIN_S:-330}
nvidia-smi -L
T=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, "nccl", torch.cuda.nccl.version())'
mkdir -p third_party/gotch && cp -r .device/gotch/csrc .device/gotch/libtch third_party/gotch/
rm -rf build
export NMT_NO_APT=1 NMT_GLUE_ONLY=1 NMT_GLUE_OPT=-O1 STUBGEN=.device/stubgen LIBTORCH=$T
if ! time bash scripts/setup.sh; then
	echo "SHIM BUILD FAILED"
	cp build/obj/dist-errors.log "$OUT/" 2>/dev/null
	NMT_NO_DIST=1 bash scripts/setup.sh
fi
cp build/obj/dist-errors.log "$OUT/" 2>/dev/null
export LD_LIBRARY_PATH=$PWD/build/lib NMT_BUILD_DIR=$PWD/build NMT_THREADS=4
.device/nmt-torch env

# Multi30k, iwslt preset, both recipes at once on the one GPU (the
# arguments of experiments/multi30k.sh with ARCH=iwslt DEVICE=cuda).
mkdir -p /tmp/m30k
nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv -l 30 >/tmp/m30k/smi.csv &
smi=$!
common=(--data .device/m30k --arch iwslt --max-update 20000 --max-tokens 4096 --lr 5e-4
	--warmup-updates 1000 --label-smoothing 0.1 --device cuda --save-interval-updates 1000
	--keep-interval-updates 1 --no-epoch-checkpoints --log-interval 100 --no-progress-bar)
left=$((start + 80 + TRAIN_S - $(date +%s)))
timeout -k 90 -s TERM $left .device/nmt-torch train --recipe iwslt14-fixup "${common[@]}" \
	--save-dir /tmp/m30k/fixup --norm none --init fixup --dropout 0.3 --weight-decay 0.0001 >/tmp/m30k/fixup.log 2>&1 &
f=$!
timeout -k 90 -s TERM $left .device/nmt-torch train --recipe iwslt14-layernorm "${common[@]}" \
	--save-dir /tmp/m30k/layernorm --norm post --init default --dropout 0.3 --weight-decay 0.0001 >/tmp/m30k/layernorm.log 2>&1 &
l=$!

# NCCL: the collectives test, then one worker through the launcher against
# a plain process, same seed and batches.
.device/dist.test -test.v -test.run 'NCCL|EnvFromOS' 2>&1 | tail -12
small=(--recipe small --data .device/data --encoder-layers 2 --decoder-layers 2 --dim 128 --ffn-dim 512
	--heads 4 --lr 0.002 --warmup-updates 100 --max-epoch 3 --log-interval 20 --no-progress-bar --device cuda)
time .device/nmt-torch train "${small[@]}" --save-dir /tmp/nccl1 --nproc-per-node 1 2>&1 | tail -6
time .device/nmt-torch train "${small[@]}" --save-dir /tmp/plain 2>&1 | tail -4

wait $f $l
kill $smi
tail -n 4 /tmp/m30k/fixup.log /tmp/m30k/layernorm.log
for run in fixup layernorm; do
	time .device/nmt-torch translate --checkpoint /tmp/m30k/$run/checkpoint_best.ckpt --data .device/m30k \
		--split test --bleu --beam 5 --lenpen 1 --device cuda 2>&1 | tee /tmp/m30k/$run-test-bleu.txt | tail -4
done
cp /tmp/m30k/fixup/metrics.jsonl /tmp/m30k/fixup-metrics.jsonl
cp /tmp/m30k/layernorm/metrics.jsonl /tmp/m30k/layernorm-metrics.jsonl
cp /tmp/m30k/fixup/config.yaml /tmp/m30k/fixup-config.yaml
cp /tmp/m30k/layernorm/config.yaml /tmp/m30k/layernorm-config.yaml
tar -C /tmp/m30k -czf "$OUT/m30k-gpu.tgz" fixup.log layernorm.log smi.csv fixup-test-bleu.txt layernorm-test-bleu.txt \
	fixup-metrics.jsonl layernorm-metrics.jsonl fixup-config.yaml layernorm-config.yaml
echo "done in $(($(date +%s) - start)) s"
