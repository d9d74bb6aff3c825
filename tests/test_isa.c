/* The vector level in use: the widest the CPU's flags in /proc/cpuinfo (the
 * kernel's word, independent of the CPUID checks under test) allow, capped
 * by ONEDNN_MAX_CPU_ISA. The level is read once per process, so each cap is
 * tried in a child: this binary run again with the cap set and the expected
 * level's name as its argument. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "wgan.h"

static int has_flag(const char *flags, const char *name) {
  size_t n = strlen(name);
  for (const char *p = flags; (p = strstr(p, name)); p += n)
    if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n')) return 1;
  return 0;
}

/* -1 when /proc/cpuinfo cannot be read (not Linux, or no x86 flags). */
static int level_from_cpuinfo(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[8192];
  int level = -1;
  while (f && level < 0 && fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags", 5)) continue;
    if (has_flag(line, "avx512f") && has_flag(line, "avx512bw") && has_flag(line, "avx512dq") &&
        has_flag(line, "avx512vl"))
      level = WG_ISA_AVX512;
    else if (has_flag(line, "avx2") && has_flag(line, "fma")) level = WG_ISA_AVX2;
    else level = WG_ISA_BASELINE;
  }
  if (f) fclose(f);
  return level;
}

/* Runs this binary with the cap set; it exits 0 when it found `expected`. */
static void try_cap(const char *cap, int cap_level) {
  int have = level_from_cpuinfo();
  if (have < 0) SKIP("/proc/cpuinfo has no x86 flags");
  int expected = have < cap_level ? have : cap_level;
  pid_t pid = fork();
  if (pid == 0) {
    if (cap) setenv("ONEDNN_MAX_CPU_ISA", cap, 1);
    else unsetenv("ONEDNN_MAX_CPU_ISA");
    execl("/proc/self/exe", "test_isa", wg_isa_name((wg_isa)expected), (char *)NULL);
    _exit(3);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cap %s: expected %s, child status %d",
        cap ? cap : "(unset)", wg_isa_name((wg_isa)expected), status);
}

static void no_cap(void) { try_cap(NULL, WG_ISA_AVX512); }
static void cap_all(void) { try_cap("ALL", WG_ISA_AVX512); }
static void cap_avx512(void) { try_cap("AVX512_CORE", WG_ISA_AVX512); }
static void cap_avx2(void) { try_cap("AVX2", WG_ISA_AVX2); }
static void cap_avx2_vnni(void) { try_cap("AVX2_VNNI", WG_ISA_AVX2); }
static void cap_sse41(void) { try_cap("SSE41", WG_ISA_BASELINE); }

int main(int argc, char **argv) {
  if (argc == 2) return strcmp(wg_isa_name(wg_isa_active()), argv[1]) ? 1 : 0;
  RUN(no_cap);
  RUN(cap_all);
  RUN(cap_avx512);
  RUN(cap_avx2);
  RUN(cap_avx2_vnni);
  RUN(cap_sse41);
  CHECK_EXIT();
}
