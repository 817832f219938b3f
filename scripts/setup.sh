#!/usr/bin/env bash
# setup.sh: everything nmt needs to build, idempotent.
#
#  1. libtorch: Debian's libtorch-dev + libopenblas0-openmp (installed with
#     apt-get when run as root and missing), or a CUDA/CPU libtorch given by
#     LIBTORCH=/path (a folder with include/ and lib/, e.g. the official
#     libtorch 2.1 build or a PyTorch install's torch/ folder).
#  2. gotch v0.9.1: downloaded with `go mod download`, copied to
#     third_party/gotch (git-ignored; go.mod replaces the module with it),
#     patched (patches/gotch/README.md says what and why).
#     github.com/sugarme/tokenizer v0.3.0 likewise, in third_party/tokenizer
#     (patches/tokenizer/README.md); `setup.sh --tokenizer` does only this.
#  3. build/lib/libtch.so: gotch's C++ glue plus csrc/ (every csrc/*/*.cpp
#     but csrc/dist/ and tests: package tch's glue and nmt's kernels),
#     compiled once against that libtorch. Generated functions that the
#     libtorch lacks are found by compiling and replaced by stubs that
#     return a clear error.
#  4. build/lib/libnmtdist.so: csrc/dist/, nmt's shim over
#     libtorch's c10d (distributed training; package dist), compiled with
#     -DUSE_C10D_GLOO (needs Debian's libgloo-dev headers, installed with
#     apt-get when run as root and missing) and, when the libtorch has CUDA
#     and NCCL, -DUSE_C10D_NCCL. NMT_NO_DIST=1 skips it.
#  5. bin/nmt (pure Go) and bin/nmt-torch (links build/lib/libtch.so).
#  6. what nmt serve's tests use: Debian's chromium (the page's browser
#     test, with apt-get when run as root and missing) and the npm package
#     libretranslate in serve/testdata/npm (the third-party client test;
#     npm ci, when node and npm are there). Missing ones skip their test.
#
# Environment: LIBTORCH=/path (default: Debian's), NMT_NO_APT=1 (never run
# apt-get), JOBS=N (parallel C++ compiles), NMT_NO_DIST=1 (no c10d shim).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GOTCH_VERSION=v0.9.1
TOKENIZER_VERSION=v0.3.0
JOBS=${JOBS:-$(nproc)}

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

need_go() {
	[ -z "${NMT_GLUE_ONLY:-}" ] || return 0
	command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.22 or newer (https://go.dev/doc/install) and put it on PATH"
	command -v g++ >/dev/null 2>&1 || apt_install g++ || die "g++ is missing: apt-get install g++"
}

# apt_install installs Debian packages when we may; returns 1 otherwise.
apt_install() {
	[ -z "${NMT_NO_APT:-}" ] || return 1
	[ "$(id -u)" = 0 ] || return 1
	command -v apt-get >/dev/null 2>&1 || return 1
	say "installing $* with apt-get"
	if [ ! -f /tmp/.nmt-apt-updated ]; then
		apt-get update -qq >&2 && touch /tmp/.nmt-apt-updated
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
# prefix of Debian's libtorch; only tests change it.
prefix=${NMT_DEBIAN_PREFIX:-/usr}

# find_libtorch sets TORCH_INC (list), TORCH_LIB, TORCH_VERSION, TORCH_KIND.
find_libtorch() {
	if [ -n "${LIBTORCH:-}" ]; then
		[ -d "$LIBTORCH" ] || die "LIBTORCH=$LIBTORCH is not a folder: point it at a libtorch with include/ and lib/ (the official libtorch build, or a PyTorch install's torch/ folder)"
		[ -f "$LIBTORCH/include/torch/csrc/api/include/torch/torch.h" ] || die "LIBTORCH=$LIBTORCH has no include/torch/csrc/api/include/torch/torch.h: not a libtorch folder"
		ls "$LIBTORCH"/lib/libtorch.so* >/dev/null 2>&1 || ls "$LIBTORCH"/lib/libtorch_cpu.so* >/dev/null 2>&1 || die "LIBTORCH=$LIBTORCH has no lib/libtorch.so"
		TORCH_INC="$LIBTORCH/include $LIBTORCH/include/torch/csrc/api/include"
		TORCH_LIB="$LIBTORCH/lib"
		TORCH_KIND=custom
		TORCH_VERSION=$(sed -n 's/.*TORCH_VERSION "\(.*\)"/\1/p; s/^ *"\([0-9.]*\)"$/\1/p' "$LIBTORCH/include/torch/csrc/api/include/torch/version.h" | head -1)
		if [ -f "$LIBTORCH/version.py" ]; then
			TORCH_VERSION=$(sed -n "s/^__version__ = '\(.*\)'/\1/p" "$LIBTORCH/version.py" | head -1)
		elif [ -f "$LIBTORCH/build-version" ]; then
			TORCH_VERSION=$(cat "$LIBTORCH/build-version")
		fi
		return
	fi
	local inc=$prefix/include/torch/csrc/api/include/torch/torch.h
	local lib=$prefix/lib/$multiarch/libtorch.so
	if [ ! -f "$inc" ] || [ ! -e "$lib" ]; then
		apt_install libtorch-dev libopenblas0-openmp ||
			die "libtorch not found: as root run 'apt-get install libtorch-dev libopenblas0-openmp' (Debian 12), or set LIBTORCH=/path/to/libtorch"
	fi
	[ -f "$inc" ] || die "libtorch-dev installed but $inc is missing"
	TORCH_INC="$prefix/include/torch/csrc/api/include"
	[ "$prefix" = /usr ] || TORCH_INC="$prefix/include $TORCH_INC"
	TORCH_LIB=$prefix/lib/$multiarch
	TORCH_KIND=debian
	TORCH_VERSION=$(dpkg-query -W -f '${Version}' libtorch-dev 2>/dev/null || echo unknown)
	check_openblas
}

# check_openblas makes sure Debian's libtorch gets OpenBLAS: without it
# libtorch falls back to reference BLAS, about 30 times slower at matmul.
check_openblas() {
	local blas
	blas=$(readlink -f "$prefix/lib/$multiarch/libblas.so.3" 2>/dev/null || true)
	case "$blas" in
	*openblas*) return ;;
	esac
	apt_install libopenblas0-openmp || die "libblas.so.3 is ${blas:-missing}, not OpenBLAS: as root run 'apt-get install libopenblas0-openmp' (without it matmul is about 30 times slower)"
	blas=$(readlink -f "$prefix/lib/$multiarch/libblas.so.3" 2>/dev/null || true)
	case "$blas" in
	*openblas*) ;;
	*) die "libblas.so.3 is $blas after installing OpenBLAS: run 'update-alternatives --config libblas.so.3-$multiarch' and choose openblas" ;;
	esac
}

# copy_module MODULE VERSION NAME copies the module from `go mod download`
# to third_party/NAME.tmp, writable.
copy_module() {
	local dir
	dir=$(GOFLAGS=-mod=mod go mod download -json "$1@$2" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir" ] || die "go mod download $1@$2 failed"
	rm -rf "third_party/$3.tmp"
	mkdir -p third_party
	cp -r "$dir" "third_party/$3.tmp"
	chmod -R u+w "third_party/$3.tmp"
}

# prepare_gotch materialises the patched gotch copy.
prepare_gotch() {
	local stamp="$GOTCH_VERSION $(cat patches/gotch/*.patch internal/build/gotchpatch/*.go internal/build/keepalive/*.go | sha256sum | cut -c1-16)"
	if [ -f third_party/gotch/.nmt-stamp ] && [ "$(cat third_party/gotch/.nmt-stamp)" = "$stamp" ]; then
		return
	fi
	say "preparing gotch $GOTCH_VERSION in third_party/gotch"
	copy_module github.com/sugarme/gotch "$GOTCH_VERSION" gotch
	(cd "$root" && go run ./internal/build/gotchpatch third_party/gotch.tmp)
	for p in patches/gotch/*.patch; do
		(cd third_party/gotch.tmp && git apply -p1 "$root/$p") || die "patch $p does not apply"
	done
	# Last, over the diffs' code too: every op keeps the tensors and
	# scalars whose C handles it passes alive until libtorch returns.
	(cd "$root" && go run ./internal/build/gotchpatch -keepalive third_party/gotch.tmp) || die "gotchpatch -keepalive failed"
	# The C++ glue is built into libtch.so, not by cgo.
	mkdir -p third_party/gotch.tmp/csrc
	mv third_party/gotch.tmp/libtch/*.cpp third_party/gotch.tmp/libtch/torch_api_generated.cpp.h third_party/gotch.tmp/libtch/stb_image*.h third_party/gotch.tmp/csrc/
	cp third_party/gotch.tmp/libtch/torch_api.h third_party/gotch.tmp/csrc/
	# build_glue stubs the generated ops a libtorch lacks in place; it starts
	# each time from this copy, so that one libtorch's stubs never reach
	# another's build (a CPU build, then LIBTORCH= a CUDA one).
	cp third_party/gotch.tmp/csrc/torch_api_generated.cpp.h third_party/gotch.tmp/csrc/torch_api_generated.cpp.h.orig
	cat >third_party/gotch.tmp/libtch/lib.go <<'GO'
package libtch

// Written by nmt's scripts/setup.sh: link the prebuilt glue library.

// #cgo CFLAGS: -I${SRCDIR} -O2 -Wno-unused-variable -Wno-deprecated-declarations
// #cgo LDFLAGS: -L${SRCDIR}/../../../build/lib -Wl,-rpath,${SRCDIR}/../../../build/lib -ltch -lstdc++
import "C"
GO
	echo "$stamp" >third_party/gotch.tmp/.nmt-stamp
	rm -rf third_party/gotch
	mv third_party/gotch.tmp third_party/gotch
}

# prepare_tokenizer materialises the patched github.com/sugarme/tokenizer
# copy (pure Go: nmt spm and prepare read Hugging Face tokenizer.json with
# it). Only third_party/tokenizer is written.
prepare_tokenizer() {
	local stamp="$TOKENIZER_VERSION $(cat patches/tokenizer/*.patch | sha256sum | cut -c1-16)"
	if [ -f third_party/tokenizer/.nmt-stamp ] && [ "$(cat third_party/tokenizer/.nmt-stamp)" = "$stamp" ]; then
		return
	fi
	say "preparing github.com/sugarme/tokenizer $TOKENIZER_VERSION in third_party/tokenizer"
	copy_module github.com/sugarme/tokenizer "$TOKENIZER_VERSION" tokenizer
	# From the top with --directory: run inside the ignored copy, git apply
	# skipped these diffs without an error.
	for p in patches/tokenizer/*.patch; do
		git apply -p1 --directory=third_party/tokenizer.tmp "$p" || die "patch $p does not apply"
	done
	grep -q normalizeWith third_party/tokenizer.tmp/normalizer/normalized.go || die "patches/tokenizer were not applied"
	echo "$stamp" >third_party/tokenizer.tmp/.nmt-stamp
	rm -rf third_party/tokenizer
	mv third_party/tokenizer.tmp third_party/tokenizer
}

# build_glue compiles libtch.so, stubbing what this libtorch lacks.
# torch_cxx prints the g++ command line (up to the project's own -I flags)
# for code that includes libtorch's headers, at optimisation level $1.
# PyTorch wheels before 2.7 use the old C++ ABI; Debian's and the cxx11-abi
# libtorch builds use the new one: ask the library.
torch_cxx() {
	local abi=0 syms incs="" d
	syms=$(nm -D "$(ls "$TORCH_LIB"/libc10.so* | head -1)" 2>/dev/null || true)
	case "$syms" in *B5cxx11*) abi=1 ;; esac
	for d in $TORCH_INC; do incs="$incs -isystem $d"; done
	printf 'g++ -std=c++17 -fPIC %s -w -D_GLIBCXX_USE_CXX11_ABI=%s%s' "$1" "$abi" "$incs"
}

build_glue() {
	local cuda_flags="" cuda_libs=""
	if ls "$TORCH_LIB"/libtorch_cuda.so* >/dev/null 2>&1; then
		# CUDA libtorch: link its CUDA parts (so their kernels register) and,
		# where the CUDA runtime's header and library are found, cudart for
		# device names.
		cuda_flags="-DNMT_WITH_CUDA"
		cuda_libs="-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed"
		local d cudart=""
		for d in "$TORCH_LIB" "$TORCH_LIB/../../nvidia/cuda_runtime/lib" "${CUDA_HOME:-/usr/local/cuda}/lib64"; do
			cudart=$(ls "$d"/libcudart.so* 2>/dev/null | head -1) || true
			[ -n "$cudart" ] && break
		done
		for d in "${CUDA_HOME:-/usr/local/cuda}/include" "$TORCH_LIB/../../nvidia/cuda_runtime/include"; do
			[ -f "$d/cuda_runtime_api.h" ] && [ -n "$cudart" ] && cuda_flags="$cuda_flags -I$d" && break
		done
		[ -n "$cudart" ] && cuda_libs="$cuda_libs $cudart -Wl,-rpath,$(dirname "$cudart")"
	fi
	local cxx="$(torch_cxx "${NMT_GLUE_OPT:--O2}") -Ithird_party/gotch/csrc -Ithird_party/gotch/libtch -Icsrc $cuda_flags"
	# gotch's glue (one large object, minutes to compile) is rebuilt when the
	# compiler line, the libtorch or the patches change; the project's own
	# C++ files beside it each when they change; then libtch.so is relinked.
	local stamp relink=""
	# The glue's own sources as gotch ships them (nmt's diffs and rules
	# change only Go files, which need no recompile).
	stamp=$(printf '%s\n%s\n%s\n' "$cxx" "$TORCH_LIB" "$TORCH_VERSION" | cat - third_party/gotch/csrc/torch_api.cpp third_party/gotch/csrc/torch_api.h third_party/gotch/csrc/torch_api_generated.cpp.h.orig | sha256sum | cut -c1-16)
	mkdir -p build/lib build/obj
	if [ ! -f build/obj/torch_api.o ] || [ "$(cat build/.glue-stamp 2>/dev/null)" != "$stamp" ]; then
		local gen=third_party/gotch/csrc/torch_api_generated.cpp.h
		local tries=0
		# Stubs are made for this libtorch: start from the generated glue as
		# gotch ships it (prepare_gotch's copy), not another libtorch's stubs.
		if [ -f "$gen.orig" ]; then cp "$gen.orig" "$gen"; fi
		: >build/stubbed-ops.txt
		while :; do
			say "compiling gotch's C++ glue against libtorch $TORCH_VERSION (a few minutes)"
			if $cxx -fmax-errors=0 -c third_party/gotch/csrc/torch_api.cpp -o build/obj/torch_api.o 2>build/obj/glue-errors.log; then
				break
			fi
			tries=$((tries + 1))
			[ $tries -le 3 ] || die "gotch's glue still fails to compile after stubbing; see build/obj/glue-errors.log"
			local n
			n=$(${STUBGEN:-go run ./internal/build/stubgen} -src "$gen" -log build/obj/glue-errors.log -libtorch "$TORCH_VERSION" | tee -a build/stubbed-ops.txt | wc -l) ||
				die "compiling gotch's glue failed outside the generated ops; see build/obj/glue-errors.log"
			say "stubbed $n generated ops that libtorch $TORCH_VERSION lacks (list: build/stubbed-ops.txt)"
		done
		echo "$stamp" >build/.glue-stamp
		relink=yes
	fi
	# csrc/dist/ is the c10d shim's (build_dist), not the glue's; files
	# named *_test.cpp are tests (internal/build runs them).
	# The project's own files may assume -fno-math-errno (as libtorch is
	# built): sqrt without its errno branch vectorizes. -Wno-psabi: GCC's
	# note on 32-byte vector arguments (csrc/common/simd.h), which stay inline.
	# at::parallel_for is inline: compiled without OpenMP, the project's
	# kernels (loss, Adam, search, attention, the split GEMM) run on one
	# thread. They are built with -fopenmp and linked to the libgomp that
	# libtorch itself loads (Debian's, or a wheel's renamed copy, whose
	# folder goes on the rpath), so that one OpenMP runtime serves both.
	local gomp omp=""
	gomp=$(ldd "$(ls "$TORCH_LIB"/libtorch_cpu.so* | head -1)" 2>/dev/null | awk '/libgomp/ && $3 ~ /^\// && !f { print $3; f = 1 }')
	if [ -n "$gomp" ]; then
		omp="-fopenmp"
	else
		say "libtorch loads no libgomp: nmt's own CPU kernels will run on one thread"
	fi
	local f o objs="" s pcxx="$cxx -fno-math-errno -Wno-psabi $omp" headers
	# A header change recompiles every file (they include each other's).
	headers=$(ls csrc/*/*.h | grep -v '^csrc/dist/')
	for f in $(ls csrc/*/*.cpp | grep -v -e '^csrc/dist/' -e '_test\.cpp$'); do
		# build/obj/<folder>_<file>.o: csrc/gemm/gemm.cpp -> gemm_gemm.o
		o=build/obj/$(basename "$(dirname "$f")")_$(basename "$f" .cpp).o
		objs="$objs $o"
		s=$(printf '%s\n%s\n%s\n' "$pcxx" "$TORCH_LIB" "$TORCH_VERSION" | cat - "$f" $headers | sha256sum | cut -c1-16)
		[ -f "$o" ] && [ "$(cat "$o.stamp" 2>/dev/null)" = "$s" ] && continue
		say "compiling $f"
		$pcxx -DNMT_LIBTORCH_VERSION="\"$TORCH_VERSION\"" -c "$f" -o "$o" || die "$f does not compile against libtorch $TORCH_VERSION"
		echo "$s" >"$o.stamp"
		relink=yes
	done
	# The objects of files since removed or renamed are not linked: relink
	# when the list changes.
	[ "$(cat build/.objs 2>/dev/null)" = "$objs" ] || relink=yes
	echo "$objs" >build/.objs
	printf 'kind=%s\nversion=%s\nlib=%s\ncuda=%s\n' "$TORCH_KIND" "$TORCH_VERSION" "$TORCH_LIB" "${cuda_flags:+yes}" >build/libtorch.env
	[ -n "$relink" ] || [ ! -f build/lib/libtch.so ] || return 0
	g++ -shared -o build/lib/libtch.so.tmp build/obj/torch_api.o $objs \
		-L"$TORCH_LIB" -Wl,-rpath,"$TORCH_LIB" $cuda_libs -ltorch -ltorch_cpu -lc10 \
		${gomp:+"$gomp" -Wl,-rpath,"$(dirname "$gomp")"}
	mv build/lib/libtch.so.tmp build/lib/libtch.so
}

# build_dist compiles build/lib/libnmtdist.so, the c10d shim (csrc/dist/)
# that package dist links. It needs gloo's headers: c10d's
# ProcessGroupGloo.hpp includes <gloo/...>.
build_dist() {
	if [ -n "${NMT_NO_DIST:-}" ]; then
		say "building without distributed training (NMT_NO_DIST=1): a stub libnmtdist.so"
		mkdir -p build/lib build/obj
		gcc -shared -fPIC -O2 -Icsrc -o build/lib/libnmtdist.so.tmp csrc/dist/dist_stub.c
		mv build/lib/libnmtdist.so.tmp build/lib/libnmtdist.so
		rm -f build/.dist-stamp
		return 0
	fi
	# NCCL when the libtorch is a CUDA build with ProcessGroupNCCL.
	local nccl="" flags="" libs=""
	if ls "$TORCH_LIB"/libtorch_cuda.so* >/dev/null 2>&1 && grep -q '_ZN4c10d16ProcessGroupNCCL' <(nm -D "$(ls "$TORCH_LIB"/libtorch_cuda.so* | head -1)" 2>/dev/null); then
		nccl=yes
		flags="-DUSE_C10D_NCCL"
		# CUDA's runtime (with its crt/ headers) and NCCL's headers: the
		# toolkit's, or those of the wheels beside a PyTorch (nvidia/cu13,
		# nvidia/cuda_runtime, nvidia/nccl); the first found of each.
		local roots="${CUDA_HOME:-/usr/local/cuda}/include" pat f d
		if command -v nvcc >/dev/null; then roots="$roots $(dirname "$(command -v nvcc)")/../include"; fi
		roots="$roots $TORCH_LIB/../../nvidia"
		for pat in '*/crt/host_config.h' '*/cuda_runtime_api.h' '*/nccl.h'; do
			f=$(find -H $roots -maxdepth 4 -path "$pat" 2>/dev/null | head -1)
			[ -n "$f" ] || continue
			d=$(dirname "$f")
			case $pat in */crt/*) d=$(dirname "$d") ;; esac
			flags="$flags -I$d"
		done
		libs="-Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed"
	fi
	local c10d_hdr
	for d in $TORCH_INC /usr/include; do
		[ -f "$d/torch/csrc/distributed/c10d/TCPStore.hpp" ] && c10d_hdr=yes
	done
	[ -n "${c10d_hdr:-}" ] || die "this libtorch ($TORCH_LIB) ships no c10d headers (torch/csrc/distributed/c10d/TCPStore.hpp): it was built without distributed support; set NMT_NO_DIST=1"
	# Gloo needs gloo's own headers beside c10d's (Debian: libgloo-dev;
	# PyTorch's wheels ship none, so a CUDA wheel gets an NCCL-only shim).
	local gloo_inc=""
	for d in $TORCH_INC /usr/include; do
		[ -f "$d/gloo/algorithm.h" ] && gloo_inc=yes
	done
	if [ -z "$gloo_inc" ] && [ -z "$nccl" ]; then
		apt_install libgloo-dev || die "gloo's headers (gloo/algorithm.h) are missing, needed by the c10d shim csrc/dist/dist.cpp: as root run 'apt-get install libgloo-dev' (Debian 12), or set NMT_NO_DIST=1 to build without distributed training"
		[ -f /usr/include/gloo/algorithm.h ] || die "libgloo-dev installed but /usr/include/gloo/algorithm.h is missing"
		gloo_inc=yes
	fi
	if [ -n "$gloo_inc" ]; then
		flags="-DUSE_C10D_GLOO $flags"
	else
		say "no gloo headers in this libtorch: the c10d shim gets NCCL only"
	fi
	local cxx="$(torch_cxx -O2) -Icsrc $flags"
	local stamp
	stamp=$(printf '%s\n%s\n%s\n' "$cxx" "$TORCH_LIB" "$TORCH_VERSION" | cat - csrc/dist/dist.cpp csrc/dist/dist.h | sha256sum | cut -c1-16)
	if [ -f build/lib/libnmtdist.so ] && [ "$(cat build/.dist-stamp 2>/dev/null)" = "$stamp" ]; then
		return
	fi
	mkdir -p build/lib build/obj
	say "compiling the c10d shim csrc/dist/dist.cpp ($flags)"
	$cxx -c csrc/dist/dist.cpp -o build/obj/dist.o 2>build/obj/dist-errors.log ||
		die "csrc/dist/dist.cpp does not compile against libtorch $TORCH_VERSION; see build/obj/dist-errors.log"
	g++ -shared -Wl,--no-undefined -o build/lib/libnmtdist.so.tmp build/obj/dist.o \
		-L"$TORCH_LIB" -Wl,-rpath,"$TORCH_LIB" $libs -ltorch -ltorch_cpu -lc10 2>>build/obj/dist-errors.log ||
		die "linking build/lib/libnmtdist.so failed (is this libtorch built with USE_DISTRIBUTED?); see build/obj/dist-errors.log"
	mv build/lib/libnmtdist.so.tmp build/lib/libnmtdist.so
	echo "$stamp" >build/.dist-stamp
}

build_bins() {
	mkdir -p bin
	say "building bin/nmt and bin/nmt-torch"
	CGO_ENABLED=0 go build -o bin/nmt ./cmd/nmt
	if [ -d cmd/nmt-torch ]; then
		go build -o bin/nmt-torch ./cmd/nmt-torch
	fi
}

# serve_test_tools installs the browser and the npm client of nmt serve's
# tests (their tests skip without them).
serve_test_tools() {
	command -v chromium >/dev/null 2>&1 || apt_install chromium ||
		say "chromium is not installed: serve's browser test will be skipped"
	if command -v npm >/dev/null 2>&1; then
		[ -d serve/testdata/npm/node_modules/libretranslate ] ||
			(cd serve/testdata/npm && npm ci --no-audit --no-fund --loglevel=error >&2) ||
			say "npm ci in serve/testdata/npm failed: serve's client test will be skipped"
	else
		say "npm is not installed: serve's client test will be skipped"
	fi
}

need_go
if [ "${1:-}" = --tokenizer ]; then
	prepare_tokenizer
	exit 0
fi
find_libtorch
if [ "${1:-}" = --check ]; then
	say "libtorch $TORCH_VERSION ($TORCH_KIND, $TORCH_LIB) is usable"
	exit 0
fi
[ -n "${NMT_GLUE_ONLY:-}" ] || prepare_gotch
[ -n "${NMT_GLUE_ONLY:-}" ] || prepare_tokenizer
build_glue
build_dist
[ -n "${NMT_GLUE_ONLY:-}" ] || build_bins
[ -n "${NMT_GLUE_ONLY:-}" ] || serve_test_tools
say "ready: bin/nmt (libtorch $TORCH_VERSION, $TORCH_KIND, $TORCH_LIB)"
