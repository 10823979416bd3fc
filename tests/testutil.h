/* testutil: helpers every cmocka suite shares (linked into each test by the Makefile). They
 * fail the running test on error rather than return one. */
#ifndef CTS_TESTUTIL_H
#define CTS_TESTUTIL_H

#include <stddef.h>

#include "roster.h"

/* Writes text to a new file under /tmp; returns its path (the caller unlinks and frees). */
char *tu_temp_file(const char *text);
/* The whole file as a NUL-terminated string ("" when empty; the caller frees). */
char *tu_slurp(const char *path);
/* Removes path and, for a folder (never followed through a link), everything under it.
 * Returns 0 or -1. */
int tu_remove_tree(const char *path);
/* The shipped configuration (config/ctsbatch.xml, run from the project's folder); fails
 * the running test when it does not load. The caller frees it with config_free. */
struct config *tu_config(void);
/* Expects record i of r to hold want under key. */
void tu_expect_field(const roster *r, size_t i, const char *key, const char *want);

/* ROSTER.md "Keys", written out again here so that a key dropped from roster.c fails. */
#define TU_NROSTER_KEYS 38
extern const char *const TU_ROSTER_KEYS[TU_NROSTER_KEYS];

#endif
