#!/usr/bin/env bash
# Device check (scripts/device/check-nccl.sh): build the glue and the NCCL
# c10d shim against the GPU machine's CUDA PyTorch, run TestNCCLOneWorker and
# a one-worker `train --nproc-per-node 1` against a plain process (same
# seed). Prepare .device/ as scripts/device/check-nccl-m30k.sh says.
set -x
exec > >(tee "$OUT/nccl.log") 2>&1
T=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
mkdir -p third_party/gotch && cp -r .device/gotch/csrc .device/gotch/libtch third_party/gotch/
export NMT_NO_APT=1 NMT_GLUE_ONLY=1 NMT_GLUE_OPT=-O1 STUBGEN=.device/stubgen LIBTORCH=$T
bash scripts/setup.sh || { cp build/obj/dist-errors.log "$OUT/"; exit 1; }
export LD_LIBRARY_PATH=$PWD/build/lib NMT_THREADS=4
.device/dist.test -test.v -test.run 'NCCL' 2>&1 | tail -12
small=(--recipe small --data .device/data --encoder-layers 2 --decoder-layers 2 --dim 128 --ffn-dim 512
	--heads 4 --lr 0.002 --warmup-updates 100 --max-epoch 3 --log-interval 20 --no-progress-bar --device cuda --seed 3)
time .device/nmt-torch train "${small[@]}" --save-dir /tmp/nccl1 --nproc-per-node 1 2>&1 | tail -12
time .device/nmt-torch train "${small[@]}" --save-dir /tmp/plain --reset 2>&1 | tail -5
