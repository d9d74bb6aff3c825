/* Status codes, the last-error message, threads. */
#ifndef WGAN_BASE_H
#define WGAN_BASE_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
  WG_OK = 0,
  WG_EINVAL,   /* bad argument or shape mismatch */
  WG_EIO,      /* a file could not be read or written */
  WG_EFORMAT,  /* a file's content is malformed */
  WG_ENOMEM,   /* allocation failed */
  WG_ELIMIT,   /* a user-set limit (iterations, size) was reached */
  WG_ENUMERIC  /* NaN or infinity where a finite number was needed */
} wg_status;

/* The message left by the last failing call on this thread ("" if none). */
const char *wg_last_error(void);
/* The status of that failure (WG_OK if none). */
wg_status wg_last_status(void);
void wg_clear_error(void);

/* Sets both OpenMP's and OpenBLAS's thread counts; n <= 0 means all cores. */
void wg_set_threads(int n);
int wg_get_threads(void);

/* Bytes of memory the machine can still give without swapping (Linux's
 * MemAvailable, else the free physical pages): the exact solver and the
 * trainer refuse up front (WG_ENOMEM) a request that needs more. INFINITY
 * when the system does not say. */
double wg_memory_available(void);

/* Seconds on a monotonic clock, from an arbitrary fixed point. */
double wg_seconds(void);

/* The vector instruction sets the library's own wide loops are built for.
 * One binary serves every x86-64: each such loop has a variant per level
 * and runs the widest the CPU (and its OS) supports. */
typedef enum {
  WG_ISA_BASELINE = 0, /* x86-64's SSE2 (or the compiler's target elsewhere) */
  WG_ISA_AVX2,         /* AVX2 + FMA: 256-bit vectors */
  WG_ISA_AVX512        /* AVX-512 F, BW, DQ, VL: 512-bit vectors */
} wg_isa;

/* The level in use: the widest the CPU supports, capped by the environment
 * variable ONEDNN_MAX_CPU_ISA when set — oneDNN's own switch, so one
 * setting caps oneDNN and this library alike ("AVX2", "AVX2_VNNI" → AVX2;
 * "SSE41", "AVX" → baseline; "AVX512_*" → AVX-512; "ALL", "DEFAULT",
 * anything else → no cap). Read once, at the first call. */
wg_isa wg_isa_active(void);
/* "baseline", "avx2", "avx512". */
const char *wg_isa_name(wg_isa isa);

/* OpenBLAS picks its kernels by the CPU's model number, and a model it does
 * not know gets its SSE3 ones, a fifth of the rate (the library's float
 * products then go through oneDNN's sgemm, but double products stay on
 * OpenBLAS). The OPENBLAS_CORETYPE naming OpenBLAS's kernels of the level in
 * use ("SkylakeX", "Haswell") when that happened, NULL when OpenBLAS's choice
 * has AVX2, the level is below AVX2 or OPENBLAS_CORETYPE is set already.
 * OpenBLAS reads the variable when it loads, so a program can only set it and
 * execute itself again (the wgan tool does). */
const char *wg_openblas_coretype_wanted(void);
/* "oneDNN" or "OpenBLAS": whose sgemm serves the float matrix products (the
 * rule above, or WGAN_SGEMM=onednn|openblas). */
const char *wg_sgemm_library(void);
/* OpenBLAS's name for the kernels it runs ("SkylakeX", "Haswell", "Zen", ...). */
const char *wg_openblas_kernels(void);

#endif
