/* run: one batch as a transaction (DESIGN.md "The run is a library module"; issue 8). Holds
 * the whole policy of `ctsbatch run`: take the ledger's lock, finish what a crashed run left
 * (staged documents placed, temporaries removed), list the drop folder, and for each roster
 * in turn: read, check, leave out what the ledger says was issued, plan, render, stage, make
 * durable, commit to the ledger, place the documents, write the roster's own result beside
 * it and move it to done/. Then the run's report and the manifest. `validate` shares the
 * reading and checking. The later `watch` and `renew` commands call the same functions.
 *
 * A roster is the unit of the transaction: its documents are committed together or not at
 * all, and it leaves the drop folder only once they are. A document that cannot be made
 * because of one row's content is a finding for that row; one that cannot be made for any
 * other reason holds the roster back (left in the drop folder, retried); a roster that fails
 * or crashes on RUN_MAX_FAILURES attempts is moved to IN/held/ with the reason beside it. */
#ifndef CTS_RUN_H
#define CTS_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "date.h"

/* Failed or crashed attempts after which a roster is moved aside for the operator. */
#define RUN_MAX_FAILURES 2

/* Exit statuses of run and validate (README "Exit status"). */
enum {
    RUN_OK = 0,       /* every request accepted, every document written */
    RUN_REJECTED = 1, /* some request rejected or some file unreadable or held */
    RUN_USAGE = 2,    /* usage or configuration error: nothing was processed */
    RUN_OUTPUT = 3,   /* an operator error (template, font, output folder): retried next run */
    RUN_BUSY = 4      /* another run holds the ledger: nothing was touched */
};

struct run_document;

typedef struct run_options {
    const char *in, *out; /* drop folder, output folder */
    const char *db;       /* ledger file; NULL: OUT/ctsbatch.db */
    const char *encoding; /* forced roster encoding, or NULL */
    const char *schema;   /* config/roster.xsd */
    date as_of;
    long settle;     /* seconds a file must be unchanged to be taken */
    long wait;       /* seconds to wait for another run holding the ledger */
    long long epoch; /* the PDFs' date (SOURCE_DATE_EPOCH or now) */
    int workers;     /* documents rendered at once: 0 for the machine's choice (two on two
                      * cores or more), 1 or 2; the documents are the same bytes either way */
    /* Called for every document as it is placed or found impossible to make (NULL: nobody
     * listens). The run keeps no list of its documents: a month of 20,000 rows would hold
     * them all, and the ledger and manifest.csv are their record. */
    void (*on_document)(void *ctx, const struct run_document *d);
    void *on_document_ctx;
    /* the renewal campaign's rosters (renew.h): the head's signature on Mẫu 07/08 is the
     * confirmation, xac_nhan_thu_truong is not asked (rules.h RULES_HEAD_SIGNS) */
    int head_signs;
    /* Set (by a signal handler) to ask the batch to stop soon (NULL: never): it is looked at
     * between documents and between rosters. The document being made is finished; the roster
     * in hand is then abandoned whole, its staged documents removed, nothing of it issued, and
     * it stays in the drop folder (RUN_ROSTER_KEPT, not counted as a failure), as do the
     * rosters not begun; the rosters committed before keep their results, and the run's report
     * and manifest are written as usual. */
    const volatile sig_atomic_t *stop;
    /* The templates to use (render.h render_new_like), as a service loaded them; NULL: read
     * from the templates folder at the start of the batch. */
    const struct renderer *templates;
} run_options;

typedef enum {
    RUN_ROSTER_DONE,       /* processed; in done/ with NAME.ketqua.csv and .pdf beside it */
    RUN_ROSTER_UNREADABLE, /* in rejected/ with NAME.loi.txt */
    RUN_ROSTER_KEPT,       /* a document could not be made: left in the drop folder */
    RUN_ROSTER_HELD        /* failed RUN_MAX_FAILURES times: in held/ with NAME.loi.txt */
} run_roster_outcome;

typedef struct run_roster {
    char *name; /* as dropped */
    run_roster_outcome outcome;
    size_t rows, accepted, before, rejected; /* before: accepted, issued by an earlier run */
    size_t documents;                        /* documents made for it by this run */
    char *reason;                            /* why it was kept, held or unreadable; "" */
    int operator; /* kept by an operator error: the reason is for the operator (English) */
    char *notes;  /* the file's own notes for the clerk (report_file_notes); NULL when none */
} run_roster;

/* One document of the run, as on_document sees it (borrowed strings, valid during the
 * call). */
typedef struct run_document {
    const char *path;   /* under OUT */
    const char *roster; /* the roster it came from */
    int made;           /* 1: placed under path; 0: not made, see reason */
    const char *reason; /* why not made (Vietnamese: the row's content); NULL when made */
} run_document;

typedef struct run_result {
    int status;   /* the exit status */
    long long id; /* the ledger's run id; 0 when no run was recorded */
    run_roster *rosters;
    size_t nrosters, rcap;
    size_t documents; /* documents placed by this run */
} run_result;

/* Runs one batch. Fills res (release with run_result_release) and returns res->status.
 * Operator messages go to stderr, the summary line to stdout. */
int run_batch(const run_options *o, const config *cfg, run_result *res);
void run_result_release(run_result *res);

/* validate: reads and checks files[0..n) as run does (and, with o->db, against the register
 * of that ledger: register.h), writes nothing and moves nothing;
 * prints the verdicts to out (JSON objects when json). Returns RUN_OK, RUN_REJECTED or
 * RUN_USAGE (a verdict too large to print). */
int run_validate(char *const *files, size_t n, const run_options *o, const config *cfg, int json,
                 FILE *out);

#endif
