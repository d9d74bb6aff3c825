/* A minimal test harness: TEST cases that print "ok NAME", "FAIL NAME: why" or
 * "skip NAME: why" (a case that cannot run here). tests/run.sh counts those
 * lines; a binary's exit status is non-zero on failure. */
#ifndef WGAN_TESTS_CHECK_H
#define WGAN_TESTS_CHECK_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int check_case_failed_;
static int check_total_failed_;
static int check_case_skipped_;
static char check_skip_why_[512];

#define CHECK(cond, ...)                                                     \
  do {                                                                       \
    if (!(cond)) {                                                           \
      if (!check_case_failed_) printf("FAIL %s: ", check_case_name_);        \
      else printf("     also: ");                                            \
      printf("%s:%d: %s: ", __FILE__, __LINE__, #cond);                      \
      printf(__VA_ARGS__);                                                   \
      printf("\n");                                                          \
      check_case_failed_ = 1;                                                \
    }                                                                        \
  } while (0)

/* |a - b| <= atol + rtol * |b| */
#define CHECK_CLOSE(a, b, atol, rtol)                                        \
  do {                                                                       \
    double check_a_ = (a), check_b_ = (b);                                   \
    CHECK(fabs(check_a_ - check_b_) <= (atol) + (rtol)*fabs(check_b_),      \
          "%s = %.10g, expected %.10g", #a, check_a_, check_b_);             \
  } while (0)

static const char *check_case_name_ = "";

/* Ends the current case (a void function) as skipped, saying why: a tool
 * or data set that is not installed, a known bug. Checks that failed before
 * it still count. */
#define SKIP(...)                                                            \
  do {                                                                       \
    check_case_skipped_ = 1;                                                 \
    snprintf(check_skip_why_, sizeof check_skip_why_, __VA_ARGS__);          \
    return;                                                                  \
  } while (0)

/* Runs the statement stmt as the test case called name. */
#define RUN_AS(name, stmt)                                                   \
  do {                                                                       \
    check_case_name_ = (name);                                               \
    check_case_failed_ = check_case_skipped_ = 0;                            \
    fflush(stdout);                                                          \
    stmt;                                                                    \
    if (check_case_failed_) check_total_failed_++;                           \
    else if (check_case_skipped_)                                            \
      printf("skip %s: %s\n", check_case_name_, check_skip_why_);            \
    else printf("ok %s\n", check_case_name_);                                \
    fflush(stdout);                                                          \
  } while (0)

#define RUN(fn) RUN_AS(#fn, fn())

#define CHECK_EXIT() return check_total_failed_ ? 1 : 0

/* The seed of a randomised test, printed first so that tests/run.sh shows it
 * beside a failure. fixed != 0: always that seed. 0: WGAN_TEST_SEED if set,
 * else the clock, so that every run tries a new seed and a failing one can
 * be repeated. */
static inline unsigned long long check_seed(unsigned long long fixed) {
  if (fixed) {
    printf("seed %llu\n", fixed);
    return fixed;
  }
  const char *env = getenv("WGAN_TEST_SEED");
  unsigned long long seed = env ? strtoull(env, NULL, 10) : (unsigned long long)time(NULL);
  printf("seed %llu (repeat with WGAN_TEST_SEED=%llu)\n", seed, seed);
  return seed;
}

#endif
