/* How much memory the machine can still give: what a large allocation is
 * planned against, so that it is refused up front instead of the kernel
 * killing the process once the pages are touched. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "wgan/base.h"

double wg_memory_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = -1;
  while (f && kb < 0 && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) != 1) kb = -1;
  if (f) fclose(f);
  if (kb >= 0) return kb * 1024;
  long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  /* Unknown: nothing is refused for want of it. */
  return pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
}
