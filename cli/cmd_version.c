/* wgan version: the version, and what this CPU gets: the vector level of the
 * library's own loops, whose sgemm serves the float products, OpenBLAS's
 * kernels (the double products) and whether --precision bf16 can run. */
#include <stdio.h>

#include "commands.h"
#include "wgan.h"

int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("wgan 0.1.0\n");
  printf("vector level: %s\n", wg_isa_name(wg_isa_active()));
  printf("float products: %s's sgemm; OpenBLAS's kernels: %s\n", wg_sgemm_library(), wg_openblas_kernels());
  if (wg_precision_check(WG_PRECISION_BF16) == WG_OK) printf("--precision bf16: available\n");
  else printf("--precision bf16: not available: %s\n", wg_last_error());
  return 0;
}
