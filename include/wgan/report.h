/* report.html: a self-contained page summarising a run directory. */
#ifndef WGAN_REPORT_H
#define WGAN_REPORT_H
#include <stddef.h>

#include "wgan/base.h"

typedef struct {
  const char *key;
  const char *value;
} wg_kv;

typedef struct {
  const char *title;      /* page heading; NULL: "wgan run" */
  const wg_kv *config;    /* [nconfig] the run's settings, in the order given */
  size_t nconfig;
  const wg_kv *results;   /* [nresults] the final numbers */
  size_t nresults;
} wg_report;

/* Writes run_dir/report.html (to a temporary name, then renamed): the title,
 * the results, the last evaluations of run_dir/evals.csv if there is one (or
 * why it cannot be read), the configuration, loss.png, then the other PNG files
 * of run_dir grouped by name prefix ("samples_000500.png" is in group
 * "samples", iteration 500) and sorted by iteration, then a list of every
 * file in run_dir. No network: inline CSS, images by relative name. Every
 * text is HTML-escaped and every file name URL-encoded. */
wg_status wg_report_write(const char *run_dir, const wg_report *report);

#endif
