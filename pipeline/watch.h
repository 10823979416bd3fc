/* watch: the drop folder as a service (issue 11 item 2). `ctsbatch watch` stays running,
 * learns of new rosters from inotify (a file closed after writing, or moved in) and from a
 * rescan of the folder every few seconds (events are not delivered for files written on
 * another machine of a network share, nor for a hard link), and runs one batch at a time
 * through the run module (run.h) once a roster has settled. The ledger's lock is the run's,
 * held only during a batch: a manual `ctsbatch run` gets in between. Each batch is dated the
 * day it runs unless --as-of fixed the date. SIGTERM and SIGINT stop it within seconds (the
 * run finishes the document in hand and abandons the roster in hand whole: it stays in the
 * drop folder for the next start); SIGHUP loads the configuration again, and a new one that
 * does not load is refused while the old one keeps running. A batch that fails (an operator
 * error, a busy ledger, an unreadable folder) is logged and tried again after a delay that
 * doubles up to WATCH_BACKOFF_MAX; it never stops the service.
 *
 * The tracker below is the decision of when a batch is due, kept apart from the system calls
 * so that it can be tested alone. */
#ifndef CTS_WATCH_H
#define CTS_WATCH_H

#include <stddef.h>

#include "run.h"

/* Seconds between two rescans of the drop folder, by default. */
#define WATCH_RESCAN_DEFAULT 10
/* The first delay before a failed batch is tried again, and the longest (seconds). */
#define WATCH_BACKOFF_MIN 2
#define WATCH_BACKOFF_MAX 300
/* Files of the drop folder the tracker follows at once; more wait for a later look. */
#define WATCH_MAX_FILES 10000

typedef struct watch_options {
    run_options run;    /* as for `run`; run.as_of only when as_of_fixed */
    int as_of_fixed;    /* --as-of given: every batch has that date; else the day it runs */
    int epoch_fixed;    /* SOURCE_DATE_EPOCH: every batch's PDFs have run.epoch; else its start */
    const char *config; /* the configuration file, loaded at start and at SIGHUP */
    const char *home;   /* the folder holding templates/, fonts/, config/ (config_load) */
    long rescan;        /* seconds between rescans; 0: WATCH_RESCAN_DEFAULT */
} watch_options;

/* Runs until SIGTERM or SIGINT, then returns RUN_OK. Returns RUN_USAGE at once when it cannot
 * start: the configuration does not load, the drop folder cannot be read, inotify cannot be
 * had. Operator messages go through log.h. */
int watch_run(const watch_options *o);

/* The delay before the next try of a batch that failed after waiting `current` seconds
 * (0 at the first failure): WATCH_BACKOFF_MIN, then doubled, at most WATCH_BACKOFF_MAX. */
long watch_backoff_next(long current);

/* ---- when a batch is due ---- */

/* How a file looked (lstat): it has settled once it has looked the same for the settle
 * interval. */
typedef struct watch_look {
    long long size;
    long long mtime_ns;
} watch_look;

typedef struct watch_tracker watch_tracker;

/* A tracker of the drop folder's candidate files; settle in seconds (0: at once). */
watch_tracker *watch_tracker_new(double settle);
void watch_tracker_free(watch_tracker *t); /* accepts NULL */

/* The file name (no folder) looked like l at time now (seconds of a monotonic clock).
 * Returns 1 when it is new or changed since last seen, 0 when unchanged, -1 when the tracker
 * already follows WATCH_MAX_FILES files (the name is not added). */
int watch_tracker_see(watch_tracker *t, const char *name, const watch_look *l, double now);
/* A look at the whole folder: mark begins it, every file then seen is kept, and sweep ends
 * it, forgetting the files not seen since mark (gone: done, moved away, deleted). */
void watch_tracker_mark(watch_tracker *t);
void watch_tracker_sweep(watch_tracker *t);
/* A file is no longer there (an event or a failed lstat said so). */
void watch_tracker_forget(watch_tracker *t, const char *name);

/* 1 when some file not yet given to a batch as it looks now has looked the same for the
 * settle interval. *next gets the time a file still settling will have settled (or is left
 * unchanged when none is settling). */
int watch_tracker_due(const watch_tracker *t, double now, double *next);
/* Around a batch: begin notes the files settled at now; end (after a look at the folder)
 * marks those still looking the same as given to a batch, so that a file left in the folder
 * (a note that is no roster, a roster kept back) does not start a batch again until it
 * changes. A file that came or changed during the batch is not marked. */
void watch_tracker_batch_begin(watch_tracker *t, double now);
void watch_tracker_batch_end(watch_tracker *t);
/* Files followed. */
size_t watch_tracker_count(const watch_tracker *t);

#endif
