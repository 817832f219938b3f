#!/usr/bin/env bash
# bench-vs-reference.sh: nmt's training and decoding speed against the
# PyTorch reference (../shared/bench/transformer_ref.py) on the same
# libtorch, run back to back in one session with the same shapes, thread
# count and malloc/OpenMP environment, in float32 and in bf16 (nmt's
# --precision bf16 against the reference under torch.autocast("cpu",
# dtype=torch.bfloat16)). Prints one line per pair and precision; a bf16
# line also gives bf16's speed over float32 on each side. nmt's bf16 lines
# say why they were skipped on a CPU without bf16 products (nmt env,
# "bf16 products"). PRECISIONS (default "float32 bf16") chooses;
# REF_PRECISIONS (default PRECISIONS) the ones the reference runs in (its
# figure is "-" in the others: libtorch 1.13's CPU bf16 products are
# about 60 times slower than float32's on a CPU without AVX-512, too slow
# to time).
#
# Usage: THREADS=2 bash scripts/bench-vs-reference.sh [small|iwslt|decode|decode-iwslt|precision|precision-iwslt]...
#
# precision and precision-iwslt decode with nmt in float32, in int8 and
# in int8 with its encoder in float32, and with the reference in float32,
# bf16 and int8 (--precision; REF_PRECISIONS chooses), and print every
# figure and the ratios (docs/decode.md, "int8").
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${REF:-../shared/bench/transformer_ref.py}
threads=${THREADS:-2}
precisions=${PRECISIONS:-float32 bf16}
ref_precisions=${REF_PRECISIONS:-$precisions}
export NMT_THREADS=$threads OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000
py=/usr/bin/python3
small="--layers 3 --dim 256 --ffn 1024 --heads 4 --vocab 8000 --batch-tokens 2048 --src-len 32 --tgt-len 32"
iwslt="--layers 6 --dim 512 --ffn 1024 --heads 4 --vocab 10000 --batch-tokens 4096 --src-len 32 --tgt-len 32"
reftok() { sed -n 's/.*"tokens_per_s": \([0-9.]*\).*/\1/p' | tail -1; }
gotok() { sed -n 's/.* \([0-9.]*\) tok\/s.*/\1/p' | tail -1; }
skipped() { sed -n 's/^ *[a-z_0-9]*\.go:[0-9]*: \(precision bf16.*\)/\1/p' | head -1; }
refruns() { [[ " $ref_precisions " == *" $1 "* ]]; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
# nmtvalue NUMBER OUTPUT: the number, or "skipped (why)" from a skipped benchmark's OUTPUT.
nmtvalue() {
	if [ -n "$1" ]; then echo "$1"; else echo "skipped ($(echo "$2" | skipped))"; fi
}
train() { # preset steps gobench
	local p=$1 steps=$2 bench=$3 args
	[ "$p" = small ] && args=$small || args=$iwslt
	for pair in "post layernorm default" "fixup none fixup"; do
		set -- $pair
		local goname=$bench${1^} out g r prec refargs
		local -A gf rf
		[ "$1" = post ] && refargs="--norm layernorm" || refargs="--init fixup --norm none"
		for prec in $precisions; do
			out=$(go test -count=1 -run '^$' -bench "^$goname\$/^$prec\$" -benchtime "${steps}x" -v ./train 2>&1)
			g=$(echo "$out" | gotok)
			r=""
			refruns "$prec" && r=$($py "$ref" --mode train $args --steps "$steps" --threads "$threads" $refargs --precision "$prec" | reftok)
			gf[$prec]=$g rf[$prec]=$r
			if [ "$prec" = float32 ]; then
				printf 'train %-6s %-6s threads %d: nmt %s tok/s, reference %s tok/s, ratio %s\n' "$p" "$1" "$threads" "$g" "$r" "$(ratio "$g" "$r")"
			else
				printf 'train %-6s %-6s %-7s %s: nmt %s tok/s (%s x nmt float32), reference %s tok/s (%s x reference float32), ratio %s\n' \
					"$p" "$1" "$prec" "threads $threads" "$(nmtvalue "$g" "$out")" "$(ratio "$g" "${gf[float32]:-}")" "$r" "$(ratio "$r" "${rf[float32]:-}")" "$(ratio "$g" "$r")"
			fi
		done
	done
}
# decargs preset: the reference's model arguments for a preset's decoding.
decargs() {
	[ "$1" = small ] && echo "--layers 3 --dim 256 --ffn 1024 --heads 4 --vocab 8000" ||
		echo "--layers 6 --dim 512 --ffn 1024 --heads 4 --vocab 10000"
}
# gobench name benchtime: BenchmarkDecode/NAME/ in a process of its own.
gobench() {
	go test -count=1 -run '^$' -bench "Decode/^$1\$/" -benchtime "${2}x" ./decode 2>&1
}
# refdecode preset precision: the reference's decoding run.
refdecode() {
	$py "$ref" --mode decode $(decargs "$1") --src-len 32 --tgt-len 32 --threads "$threads" --sentences 100 --precision "$2" 2>&1
}
# gorate output name search, refrate output beam: sentences per second.
gorate() { echo "$1" | sed -n "s|^BenchmarkDecode/$2/$3-[0-9]* .* \([0-9.]*\) sent/s.*|\1|p"; }
refrate() { echo "$1" | grep "\"beam\": $2," | sed -n 's/.*"sentences_per_s": \([0-9.]*\).*/\1/p'; }
decode() { # preset benchtime
	local p=$1 n=$2 args out r s b g rs prec suffix
	local -A gf rf
	[ "$p" = small ] && args="--layers 3 --dim 256 --ffn 1024 --heads 4 --vocab 8000" ||
		args="--layers 6 --dim 512 --ffn 1024 --heads 4 --vocab 10000"
	out=$(go test -count=1 -run '^$' -bench "Decode/$p/" -benchtime "${n}x" -v ./decode 2>&1) ||
		{ printf 'decode %s: nmt benchmark failed:\n%s\n' "$p" "$(echo "$out" | tail -20)"; return 1; }
	for prec in $precisions; do
		r=""
		if refruns "$prec"; then
			r=$($py "$ref" --mode decode $args --src-len 32 --tgt-len 32 --threads "$threads" --sentences 100 --precision "$prec" 2>&1) ||
				{ printf 'decode %s: reference failed:\n%s\n' "$p" "$(echo "$r" | tail -20)"; return 1; }
		fi
		[ "$prec" = float32 ] && suffix="" || suffix="-$prec"
		for s in greedy beam5; do
			[ $s = greedy ] && b=1 || b=5
			g=$(echo "$out" | sed -n "s|^BenchmarkDecode/$p/$s$suffix-[0-9]* .* \([0-9.]*\) sent/s.*|\1|p")
			rs=$(echo "$r" | grep "\"beam\": $b," | sed -n 's/.*"sentences_per_s": \([0-9.]*\).*/\1/p' || true)
			gf[$s$prec]=$g rf[$s$prec]=$rs
			if [ "$prec" = float32 ]; then
				printf 'decode %-6s %-6s threads %d: nmt %s sent/s, reference %s sent/s, ratio %s\n' "$p" "$s" "$threads" "$g" "$rs" "$(ratio "$g" "$rs")"
			else
				printf 'decode %-6s %-6s %-7s %s: nmt %s sent/s (%s x nmt float32), reference %s sent/s (%s x reference float32), ratio %s\n' \
					"$p" "$s" "$prec" "threads $threads" "$(nmtvalue "$g" "$out")" "$(ratio "$g" "${gf[${s}float32]:-}")" "$rs" "$(ratio "$rs" "${rf[${s}float32]:-}")" "$(ratio "$g" "$rs")"
			fi
		done
	done
}
# precision preset benchtime: nmt in float32, in int8 and in int8 with
# its encoder in float32 (NMT_BENCH_INT8_FLOAT32=encoder, nmt translate
# --int8-float32 encoder), a process each, the reference in the
# precisions of REF_PRECISIONS (here default "float32 bf16 int8"; "-"
# for one left out), one line per search with every figure and the
# ratios of int8 to nmt's float32 and to the reference's fastest
# precision.
precision() {
	local p=$1 n=$2 o32 o8 o8e s b g32 g8 g8e best bestp rp v
	local rps=${REF_PRECISIONS:-float32 bf16 int8}
	local -A r
	o32=$(gobench "$p" "$n") || { printf 'precision %s: nmt float32 benchmark failed:\n%s\n' "$p" "$(echo "$o32" | tail -20)"; return 1; }
	o8=$(gobench "$p-int8" "$n") || { printf 'precision %s: nmt int8 benchmark failed:\n%s\n' "$p" "$(echo "$o8" | tail -20)"; return 1; }
	o8e=$(NMT_BENCH_INT8_FLOAT32=encoder gobench "$p-int8" "$n") || { printf 'precision %s: nmt int8 (encoder float32) benchmark failed:\n%s\n' "$p" "$(echo "$o8e" | tail -20)"; return 1; }
	for rp in float32 bf16 int8; do
		r[$rp]=""
		[[ " $rps " == *" $rp "* ]] || continue
		r[$rp]=$(refdecode "$p" $rp) || { printf 'precision %s: reference %s failed:\n%s\n' "$p" $rp "$(echo "${r[$rp]}" | tail -20)"; return 1; }
	done
	for s in greedy beam5; do
		[ $s = greedy ] && b=1 || b=5
		g32=$(gorate "$o32" "$p" $s)
		g8=$(gorate "$o8" "$p-int8" $s)
		g8e=$(gorate "$o8e" "$p-int8" $s)
		best=0 bestp=-
		local line=""
		for rp in float32 bf16 int8; do
			v=$(refrate "${r[$rp]}" $b || true) # "" for a precision left out
			line="$line $rp ${v:--}"
			if awk -v a="${v:-0}" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$v bestp=$rp; fi
		done
		printf 'precision %-6s %-6s threads %d: nmt float32 %s, int8 %s, int8 encoder float32 %s sent/s (int8/float32 %s, %s); reference%s sent/s; int8/fastest reference (%s) %s; float32/reference float32 %s\n' \
			"$p" "$s" "$threads" "$g32" "$g8" "$g8e" "$(ratio "$g8" "$g32")" "$(ratio "$g8e" "$g32")" "$line" "$bestp" "$(ratio "$g8" "$best")" "$(ratio "$g32" "$(refrate "${r[float32]}" $b)")"
	done
}
# OpenBLAS's kernels follow OPENBLAS_CORETYPE, which both sides inherit.
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-unset, OpenBLAS picks}, NMT_BF16=${NMT_BF16:-auto}, threads $threads"
for what in "${@:-small decode}"; do
	case $what in
	small) train small 8 BenchmarkTrainSmall ;;
	iwslt) train iwslt 4 BenchmarkTrainIWSLT ;;
	decode) decode small 3 ;;
	decode-iwslt) decode iwslt 2 ;;
	precision) precision small 3 ;;
	precision-iwslt) precision iwslt 2 ;;
	esac
done
