/* A context's arithmetic precision, and whether the CPU offers bfloat16.
 * oneDNN emulates bfloat16 on plain AVX-512, slower than float, so only the
 * levels with native bfloat16 instructions count. */
#include <oneapi/dnnl/dnnl.h>
#include <stdlib.h>

#include "core/ctx.h"

static int native_bf16(void) {
  const unsigned isa = (unsigned)dnnl_get_effective_cpu_isa();
  return (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16;
}

wg_status wg_precision_check(wg_precision p) {
  if (p == WG_PRECISION_FP32) return WG_OK;
  if (p != WG_PRECISION_BF16) return wg_set_error(WG_EINVAL, "unknown precision %d", (int)p);
  if (native_bf16()) return WG_OK;
  return wg_set_error(WG_EINVAL, "bf16 needs a CPU with AVX-512-BF16 or AMX; this one has neither%s (fp32 runs anywhere)",
                      getenv("ONEDNN_MAX_CPU_ISA") ? " under ONEDNN_MAX_CPU_ISA" : "");
}

wg_status wg_ctx_set_precision(wg_ctx *ctx, wg_precision p) {
  if (wg_precision_check(p) != WG_OK) return wg_last_status();
  ctx->precision = p;
  return WG_OK;
}
