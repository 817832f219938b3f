#!/bin/sh
# Times the whole nmt bleu process on the WMT17 en-de files, as reported in
# eval/bleu/README-section.md. Usage (from the repository root):
#   go build -o /tmp/nmt ./cmd/nmt && sh eval/bleu/testdata/time-nmt-bleu.sh /tmp/nmt
# The figures in timing-2cpu.txt were taken on an idle host with
# `taskset -c 0-1` and GOMAXPROCS=2 (2 CPUs, like the development machine).
set -e
NMT=${1:-nmt}
D=${NMT_WMT17_DIR:-../shared/data/wmt14-en-de/system-outputs/wmt17-en-de}
REF=$D/newstest2017-ende-ref.de
HYP=$D/newstest2017.online-A.0.en-de
hyperfine -N -w 5 -r 40 \
	"$NMT bleu --version" \
	"$NMT bleu $REF -i $HYP" \
	"$NMT bleu $REF -i $HYP -m chrf" \
	"$NMT bleu $REF -i $HYP -m bleu chrf" \
	"$NMT bleu $REF -i $HYP -m chrf -cw 2"
