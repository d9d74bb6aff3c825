/* Which vector level the library's own wide loops run at. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wgan/base.h"

static wg_isa supported(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  /* libgcc's checks include the OS's consent (XGETBV) to save the wide
   * registers, not only CPUID. */
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return WG_ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return WG_ISA_AVX2;
#endif
  return WG_ISA_BASELINE;
}

static wg_isa cap_from_env(void) {
  const char *v = getenv("ONEDNN_MAX_CPU_ISA");
  if (!v) return WG_ISA_AVX512;
  if (!strncmp(v, "AVX512", 6)) return WG_ISA_AVX512;
  if (!strncmp(v, "AVX2", 4)) return WG_ISA_AVX2;
  if (!strcmp(v, "SSE41") || !strcmp(v, "AVX")) return WG_ISA_BASELINE;
  return WG_ISA_AVX512;
}

static wg_isa active;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void decide(void) {
  wg_isa s = supported(), cap = cap_from_env();
  active = s < cap ? s : cap;
}

wg_isa wg_isa_active(void) {
  pthread_once(&once, decide);
  return active;
}

const char *wg_isa_name(wg_isa isa) {
  switch (isa) {
    case WG_ISA_AVX512: return "avx512";
    case WG_ISA_AVX2: return "avx2";
    default: return "baseline";
  }
}
