/* fault: failure injection for tests (STYLE.md 20). Every file operation of the run's
 * transaction (staging, renaming, moving a roster, writing a result, a ledger statement)
 * first calls fault_op. In a test build (compiled with CTS_FAULT_HOOKS, as the sanitizer
 * build is) the environment then decides:
 *   CTSBATCH_FAULT_KILL_AT=N   the Nth operation kills the process with SIGKILL, as a
 *                              power cut or `kill -9` would, before doing anything;
 *   CTSBATCH_FAULT_FAIL_AT=N   the Nth operation fails with ENOSPC (a full disk);
 *   CTSBATCH_FAULT_CRASH_IN=S  fault_roster(S) on a roster whose name contains S raises
 *                              SIGSEGV (a crash in processing it);
 *   CTSBATCH_FAULT_SLOW_MS=M   every file created waits M ms first, so that tests of runs
 *                              that overlap or are killed mid-way do not depend on how fast
 *                              the engine is;
 *   CTSBATCH_FAULT_TODAY=FILE  fault_today reads today's date from FILE (YYYY-MM-DD) at each
 *                              call, so that a test can see `watch` date each batch by the
 *                              day it runs without waiting for midnight.
 * In a release build both are no-ops that cost one branch. */
#ifndef CTS_FAULT_H
#define CTS_FAULT_H

struct date; /* date.h; not included, so that modules with locals named date include this */

/* 0, or -1 with errno = ENOSPC when this operation is to fail. `what` names it (tests). */
int fault_op(const char *what);
/* Called when processing of roster `name` begins. */
void fault_roster(const char *name);
/* Replaces *today with the date CTSBATCH_FAULT_TODAY's file holds, when it holds one. */
void fault_today(struct date *today);

#endif
