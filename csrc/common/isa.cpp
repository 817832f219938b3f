// isa.cpp: which clones of the kernels run (isa.h). A probe built with
// NMT_CLONES, as every kernel is, has its resolver asked which clone it
// picks; that is the choice the loader made for all of them.
#include "common/isa.h"

#include "common/simd.h"

extern "C" {

#if defined(__x86_64__)
NMT_CLONES __attribute__((noinline)) int nmt_isa_probe(void) { return 0; }
// The clones and the resolver GCC makes of it, by their assembler names.
int nmt_isa_probe_v4(void) __asm__("nmt_isa_probe.arch_x86_64_v4");
int nmt_isa_probe_v3(void) __asm__("nmt_isa_probe.arch_x86_64_v3");
int nmt_isa_probe_default(void) __asm__("nmt_isa_probe.default");
void *nmt_isa_probe_resolver(void) __asm__("nmt_isa_probe.resolver");

int nmt_kernel_isa(void) {
  const void *p = nmt_isa_probe_resolver();
  if (p == reinterpret_cast<void *>(&nmt_isa_probe_v4)) return 4;
  if (p == reinterpret_cast<void *>(&nmt_isa_probe_v3)) return 3;
  if (p == reinterpret_cast<void *>(&nmt_isa_probe_default)) return 1;
  return -1;  // not one of the three: the probe is out of date with simd.h
}
#else
int nmt_kernel_isa(void) { return 0; }
#endif

}  // extern "C"
