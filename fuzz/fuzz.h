/* What the fuzz targets share. Each fuzz/fuzz_NAME.c defines
 * LLVMFuzzerTestOneInput; it is linked either with libFuzzer (make fuzz) or
 * with replay.c's main (make test), and stops the process on anything that
 * is not a clean refusal, so that either one reports the input. */
#ifndef WGAN_FUZZ_H
#define WGAN_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#include "wgan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data[size] to the file `name` of this process's scratch folder
 * (made on first use, removed at exit); returns the path, or aborts. */
const char *fuzz_file(const char *name, const void *data, size_t size);
/* The scratch folder itself. */
const char *fuzz_dir(void);

/* A failed call on bad input must leave a bad-input status (WG_EINVAL,
 * WG_EFORMAT, WG_EIO) and a message that contains `names` (the file; NULL
 * when there is none to name); aborts with both printed otherwise. */
void fuzz_refused(wg_status st, const char *names);

/* The input after its first byte (which targets use as a selector), as a
 * malloc'ed NUL-terminated text; NULL for an empty input. */
char *fuzz_text(const uint8_t *data, size_t size);

/* Reads every byte of p[n], so that the sanitizers see a result that
 * reaches outside its memory; the bytes' sum. */
unsigned fuzz_touch(const void *p, size_t n);

/* Aborts with the message when cond is false: an invariant of a result. */
#define FUZZ_ASSERT(cond) ((cond) ? (void)0 : fuzz_broken(#cond, __FILE__, __LINE__))
_Noreturn void fuzz_broken(const char *cond, const char *file, int line);

#endif
