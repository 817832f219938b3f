// isa.h: which build of the kernels (NMT_CLONES, simd.h) runs on this CPU.
#ifndef NMT_ISA_H
#define NMT_ISA_H
#ifdef __cplusplus
extern "C" {
#endif

// nmt_kernel_isa is the x86-64 level whose clones of the kernels the
// library picked when it loaded: 4 (AVX-512), 3 (AVX2 and FMA), 1 (the
// baseline); 0 where the kernels are built once (not x86-64).
int nmt_kernel_isa(void);

#ifdef __cplusplus
}
#endif
#endif
