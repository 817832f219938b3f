#!/usr/bin/env bash
# Device check (scripts/device/check-cuda.sh): on a GPU machine without Go,
# build the glue against its CUDA PyTorch and run the tch tests (a CUDA
# train step) and a short nmt train/translate on the GPU. Prepare .device/
# here first: bin copies of nmt-torch, tch.test, stubgen, gotch csrc and a
# small prepared data dir (see docs/foundation.md).
set -x
exec > >(tee "$OUT/device.log") 2>&1
nvidia-smi -L; g++ --version | head -1; cat /etc/os-release | head -2
T=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
ls "$T/lib" | head -30
mkdir -p third_party/gotch && cp -r .device/gotch/csrc .device/gotch/libtch third_party/gotch/
rm -rf build
time NMT_NO_APT=1 NMT_GLUE_ONLY=1 NMT_NO_DIST=1 NMT_GLUE_OPT=-O1 STUBGEN=.device/stubgen LIBTORCH=$T bash scripts/setup.sh
ls -la build/lib; cp build/stubbed-ops.txt build/libtorch.env "$OUT/" 2>/dev/null
tail -30 build/obj/glue-errors.log
export LD_LIBRARY_PATH=$PWD/build/lib NMT_BUILD_DIR=$PWD/build
.device/tch.test -test.v -test.run 'CUDA|TensorOp|Autograd|OptimizerStep|VarStore|Stubbed|ParseDevice' 2>&1 | tail -30
.device/nmt-torch env
time .device/nmt-torch train --recipe small --data .device/data --save-dir /tmp/run --encoder-layers 2 --decoder-layers 2 --dim 128 --ffn-dim 512 --heads 4 --lr 0.002 --warmup-updates 100 --max-epoch 6 --log-interval 20 --no-progress-bar --device cuda 2>&1 | tail -15
time .device/nmt-torch translate --checkpoint /tmp/run/checkpoint_best.ckpt --data .device/data --split test --bleu --device cuda 2>&1 | tail -4
