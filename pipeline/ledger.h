/* ledger: the run's memory, one SQLite database (DESIGN.md "State lives in one SQLite
 * database"; issue 8). It records runs, rosters (name, SHA-256, agency, outcome), requests
 * (a stable key: procedure, subscriber identity, certificate serial; the run and roster that
 * carried them) and documents (path, form, SHA-256, pages, bytes, the requests they carry).
 * What it makes possible: a rerun, a resubmission or a crash issues nothing twice; one run
 * at a time per ledger; manifest.csv generated whole from it after every run.
 *
 * The only module that includes sqlite3.h. WAL mode, synchronous=FULL (a committed roster
 * survives a power cut), schema version in `PRAGMA user_version`, migrations applied in
 * order at open. The run lock is an flock on FILE.lock held from ledger_open to
 * ledger_close: the kernel drops it when the process dies, so kill -9 never leaves it stuck.
 *
 * Every function returns 0 on success and -1 with an English reason in err (errlen bytes)
 * unless said otherwise. Strings passed in are copied by SQLite; strings handed out are
 * written into caller buffers or given to a callback that must not keep them. */
#ifndef CTS_LEDGER_H
#define CTS_LEDGER_H

#include <stddef.h>

#define LEDGER_SCHEMA_VERSION 5
/* How long one SQLite statement waits for a reader (sqlite3_busy_timeout), in ms. */
#define LEDGER_BUSY_MS 10000

typedef struct ledger ledger;

enum { LEDGER_OK = 0, LEDGER_BUSY = 1, LEDGER_ERROR = -1 };

/* Opens (creating) the ledger at path, takes the run lock, waiting up to wait_seconds for
 * another run to finish, and migrates the schema. LEDGER_OK and *out; LEDGER_BUSY when
 * another process still holds the lock (nothing was touched but the lock file);
 * LEDGER_ERROR with a reason in err. */
int ledger_open(const char *path, long wait_seconds, ledger **out, char *err, size_t errlen);
void ledger_close(ledger *l); /* releases the lock; accepts NULL */

/* The schema version found when the file was opened (0 for a new file). */
int ledger_opened_version(const ledger *l);

/* Starts a run dated as_of (ISO) at `now` (ISO date-time): its id in *run. */
int ledger_run_begin(ledger *l, const char *as_of, const char *now, long long *run, char *err,
                     size_t errlen);
/* Ends a run with its outcome ("ok", "loi-dau-ra", ...). */
int ledger_run_end(ledger *l, long long run, const char *outcome, const char *now, char *err,
                   size_t errlen);

/* ---- the poison-pill guard (issue 8 item 8) ---- */

/* Records that roster `sha` (file `name`) is being processed by run, committed at once so
 * that a crash leaves it behind; *failures gets the earlier attempts that failed or
 * crashed. */
int ledger_attempt_begin(ledger *l, long long run, const char *sha, const char *name, int *failures,
                         char *err, size_t errlen);
/* Ends the running attempt of sha: outcome "xong" (done), "loi" (failed: counts),
 * "hoan" (postponed by an operator error: does not count). */
int ledger_attempt_end(ledger *l, const char *sha, const char *outcome, const char *reason,
                       char *err, size_t errlen);
/* The roster sha was moved aside for the operator: its failed attempts become "giu" and no
 * longer count, so that once mended and put back it is tried afresh. */
int ledger_attempts_forgive(ledger *l, const char *sha, char *err, size_t errlen);
/* At start (the lock held, so every run still marked running is dead): attempts left
 * running become "gian-doan" (interrupted, does not count), except the one of `crashed_sha`
 * (may be NULL), which becomes "sap" (crashed); runs left running become "gian-doan". */
int ledger_attempts_settle(ledger *l, const char *crashed_sha, char *err, size_t errlen);

/* ---- what was issued ---- */

/* 1 when a request with this key was issued, its date (ISO) and first document's path in
 * the buffers; 0 when not; -1 on error. */
int ledger_request_find(ledger *l, const char *key, char *date, size_t datelen, char *file,
                        size_t filelen, char *err, size_t errlen);
/* 1 when a document (committed) has this path under the output folder, 0 if not, -1. */
int ledger_path_taken(ledger *l, const char *path, char *err, size_t errlen);
/* 1 when a roster with these bytes was processed before (committed with outcome "xong"; an
 * unreadable one does not count), the date of the first in date; 0 if not, -1 on error. */
int ledger_roster_seen(ledger *l, const char *sha, char *date, size_t datelen, char *err,
                       size_t errlen);

/* ---- one roster's transaction ---- */

typedef struct ledger_roster {
    const char *name;    /* the file's name in the drop folder */
    const char *sha256;  /* of its bytes */
    const char *agency;  /* the first row's managing agency, "" */
    const char *outcome; /* "xong" (processed), "khong-doc-duoc" (unreadable) */
    size_t rows, accepted;
    size_t before;      /* accepted rows an earlier run had issued */
    size_t documents;   /* documents committed with it */
    const char *result; /* its result CSV, relative to the drop folder (done/NAME.ketqua.csv),
                         * "" when none */
} ledger_roster;

typedef struct ledger_request {
    const char *key;
    const char *procedure;
    const char *name; /* subscriber */
    long line;
    /* issue 12: a request against a certificate of the register (renewal, change,
     * revocation) is also recorded as pending against serial (normalised, as the register
     * keys it) in the same transaction; NULL or "": none */
    const char *serial;
} ledger_request;

typedef struct ledger_document {
    const char *path; /* under the output folder */
    const char *tmp;  /* staged temporary file, renamed to path after the commit; relative to
                       * the output folder, as path is */
    const char *form, *agency, *procedure, *name, *sha256, *sources;
    size_t pages, bytes;
    const size_t *requests; /* indexes into the roster's requests */
    size_t nrequests;
    /* the archival description (Nghị định 30/2020 Phụ lục VI) beside agency and pages */
    const char *type_name, *subject, *issued, *signer, *language;
} ledger_document;

/* In one transaction: the roster, its issued requests and its documents (each with its
 * staged temporary name, so that ledger_each_staged can finish the renames after a crash).
 * A request key already in the ledger makes the whole commit fail: nothing twice. The date
 * (ISO) is the run's. */
int ledger_commit(ledger *l, long long run, const char *date, const ledger_roster *r,
                  const ledger_request *reqs, size_t nreqs, const ledger_document *docs,
                  size_t ndocs, char *err, size_t errlen);

/* The same transaction streamed, for a roster too large to hold all its requests and
 * documents in memory at once: ledger_roster_begin (BEGIN and the roster's row, its id in
 * *roster), then each request (its id in *id) and each document (d->requests index req_ids),
 * then ledger_roster_end (COMMIT). After any failure, or to give up, ledger_roster_abort:
 * nothing of the roster stays. No other ledger call may come in between. */
int ledger_roster_begin(ledger *l, long long run, const char *date, const ledger_roster *r,
                        long long *roster, char *err, size_t errlen);
int ledger_roster_request(ledger *l, long long run, long long roster, const char *date,
                          const ledger_request *q, long long *id, char *err, size_t errlen);
int ledger_roster_document(ledger *l, long long run, long long roster, const char *date,
                           const ledger_document *d, const long long *req_ids, char *err,
                           size_t errlen);
int ledger_roster_end(ledger *l, char *err, size_t errlen);
void ledger_roster_abort(ledger *l); /* accepts a ledger with no roster begun */
/* Calls fn for every document whose temporary name is still recorded (committed, maybe not
 * yet renamed): path and tmp. A non-zero return from fn stops and is returned. */
int ledger_each_staged(ledger *l, int (*fn)(void *ctx, const char *path, const char *tmp),
                       void *ctx, char *err, size_t errlen);
/* Forgets every temporary name (once the renames are durable). */
int ledger_clear_staged(ledger *l, char *err, size_t errlen);

/* One document as the archive lists it (borrowed strings, valid during the callback). */
typedef struct ledger_doc_row {
    const char *path, *form, *agency, *procedure, *name, *sha256, *date, *sources;
    long long pages, bytes, run;
    const char *type_name, *subject, *issued, *signer, *language; /* "" before schema v3 */
} ledger_doc_row;

/* Calls fn for every document, in the order they were committed. A non-zero return from fn
 * stops and is returned. */
int ledger_each_document(ledger *l, int (*fn)(void *ctx, const ledger_doc_row *d), void *ctx,
                         char *err, size_t errlen);

/* The run's report. 1 when the latest run that committed a roster has not written its
 * report (it was killed, or the disk was full), its id in *run; 0 when it has; -1. */
int ledger_report_due(ledger *l, long long *run, char *err, size_t errlen);
/* Records that run's report was written. */
int ledger_run_reported(ledger *l, long long run, char *err, size_t errlen);
/* Calls fn for every roster committed by run, in order (borrowed strings). A non-zero return
 * from fn stops and is returned. */
int ledger_each_roster(ledger *l, long long run, int (*fn)(void *ctx, const ledger_roster *r),
                       void *ctx, char *err, size_t errlen);

/* 1 when documents were committed since manifest.csv was last written (a crash may have
 * come between), 0 if not, -1 on error. */
int ledger_manifest_due(ledger *l, char *err, size_t errlen);
/* Records that manifest.csv now lists every committed document. */
int ledger_manifest_written(ledger *l, char *err, size_t errlen);

/* ---- the certificate register (issue 12, docs/register.md) ---- */

/* The register's columns, named by their roster keys (ROSTER.md, docs/register.md). Dates
 * are ISO (so that the campaign's window is a range of the index), so_lan_gia_han digits. */
enum {
    LEDGER_CERT_SERIAL, /* so_hieu_cts, upper case, no spaces: the primary key */
    LEDGER_CERT_TYPE,
    LEDGER_CERT_NAME,
    LEDGER_CERT_ORG,
    LEDGER_CERT_CCCD,
    LEDGER_CERT_BIRTH,
    LEDGER_CERT_TITLE,
    LEDGER_CERT_UNIT,
    LEDGER_CERT_EMAIL,
    LEDGER_CERT_PHONE,
    LEDGER_CERT_AGENCY,
    LEDGER_CERT_ISSUED,
    LEDGER_CERT_EXPIRY,
    LEDGER_CERT_RENEWALS,
    LEDGER_CERT_STATUS,
    LEDGER_CERT_TOKEN,
    LEDGER_CERT_NFIELDS
};
extern const char *const LEDGER_CERT_KEYS[LEDGER_CERT_NFIELDS];

/* One certificate: v[i] is the value of LEDGER_CERT_KEYS[i] ("" when none). Handed to a
 * callback, the strings are borrowed for the call; from ledger_cert_get, owned (release). */
typedef struct ledger_cert {
    char *v[LEDGER_CERT_NFIELDS];
} ledger_cert;
void ledger_cert_release(ledger_cert *c);

/* A request pending against a certificate: what, from which run, when, its request key. */
typedef struct ledger_pending {
    long long id, run;
    char procedure[32], date[16], key[1024];
} ledger_pending;

/* A transaction around many register writes (an import of 50,000 rows is one commit). */
int ledger_tx_begin(ledger *l, char *err, size_t errlen);
int ledger_tx_commit(ledger *l, char *err, size_t errlen);
void ledger_tx_abort(ledger *l);

/* Certificates in the register, in *n. */
int ledger_cert_count(ledger *l, long long *n, char *err, size_t errlen);
/* 1 and *out (release it) when serial is in the register, 0 when not, -1 on error. */
int ledger_cert_get(ledger *l, const char *serial, ledger_cert *out, char *err, size_t errlen);
/* Inserts or replaces the certificate c->v[LEDGER_CERT_SERIAL]; now dates the change. */
int ledger_cert_put(ledger *l, const ledger_cert *c, const char *now, char *err, size_t errlen);
/* The serials an import named so far (a temporary table of this connection, never written
 * to the ledger file: a 50,000-row file is not held in memory to find a serial given
 * twice). ledger_seen_reset empties it (register import: each file); ledger_seen_put
 * notes serial at file and line: 0 when new, 1 with *first and first_file (filelen bytes)
 * the row that named it first, -1 on error. */
int ledger_seen_reset(ledger *l, char *err, size_t errlen);
int ledger_seen_put(ledger *l, const char *serial, const char *file, long line, long *first,
                    char *first_file, size_t filelen, char *err, size_t errlen);
/* 1 and *out for the oldest request pending against serial, 0 when none, -1. */
int ledger_cert_pending(ledger *l, const char *serial, ledger_pending *out, char *err,
                        size_t errlen);
/* Settles a pending request: status "da-xac-nhan" (the provider confirmed it on day) or
 * "rut" (withdrawn on day: its request key is freed so that it may be asked again). */
int ledger_pending_settle(ledger *l, long long id, const char *status, const char *day, char *err,
                          size_t errlen);

/* Records the new expiry (ISO) a confirmed renewal gave its certificate. */
int ledger_pending_set_expiry(ledger *l, long long id, const char *expiry, char *err,
                              size_t errlen);
/* The renewals of serial the provider confirmed (status da-xac-nhan, procedure gia-han) in
 * *renewals, and the latest new expiry they gave (ISO, "" when none) in expiry. */
int ledger_cert_confirmed(ledger *l, const char *serial, long *renewals, char *expiry,
                          size_t expirylen, char *err, size_t errlen);

/* Streams certificates to fn (borrowed strings, valid during the call; fn must not call the
 * ledger) without holding the register in memory. A non-zero return from fn stops and is
 * returned. */
typedef int (*ledger_cert_fn)(void *ctx, const ledger_cert *c);
/* Every certificate, by serial. */
int ledger_each_cert(ledger *l, ledger_cert_fn fn, void *ctx, char *err, size_t errlen);
/* The campaign (issue 12 item 4): active (hoat-dong), renewed fewer than max_renewals times
 * (the larger of the register's count and the confirmed renewals),
 * nothing pending, from <= expiry < to (ISO); by agency, then serial. */
int ledger_each_renewable(ledger *l, const char *from, const char *to, long max_renewals,
                          ledger_cert_fn fn, void *ctx, char *err, size_t errlen);
/* What cannot be renewed in or before that window: not revoked, nothing pending, expiry
 * before `to`, and either renewed max_renewals times or more or expiring before `from`; by
 * agency, then serial. */
int ledger_each_not_renewable(ledger *l, const char *from, const char *to, long max_renewals,
                              ledger_cert_fn fn, void *ctx, char *err, size_t errlen);

/* What in that window the campaign leaves out for another reason than its count: active
 * with a request of another procedure than gia-han pending (p: the oldest such; its id and
 * key not filled), or status het-han (p NULL unless one is pending too); renewed fewer than
 * max_renewals times; by agency, then serial. Strings borrowed for the call. */
typedef int (*ledger_blocked_fn)(void *ctx, const ledger_cert *c, const ledger_pending *p);
int ledger_each_blocked(ledger *l, const char *from, const char *to, long max_renewals,
                        ledger_blocked_fn fn, void *ctx, char *err, size_t errlen);

/* The as-of date (ISO, in day) of the earliest renewal campaign of year-month whose roster
 * (gia-han-YYYY-MM-DD*.csv) a run processed: 1, or 0 when none; -1 on error. */
int ledger_campaign_day(ledger *l, int year, int month, char *day, size_t daylen, char *err,
                        size_t errlen);

/* 1 the first time key is noted (a file the operator must hear about once), 0 after. */
int ledger_notice_once(ledger *l, const char *key, const char *now, char *err, size_t errlen);

/* ---- the campaign's memory of earlier months ---- */

/* The as-of date (ISO, in day) of the latest renewal campaign before `before` (ISO) whose
 * roster (gia-han-YYYY-MM-DD*.csv) a run processed: 1, or 0 when none; -1 on error. */
int ledger_campaign_before(ledger *l, const char *before, char *day, size_t daylen, char *err,
                           size_t errlen);
/* ledger_each_not_renewable less the certificates whose expiry is before `since` (ISO; ""
 * keeps them all): those expired before the previous campaign, which listed them then. */
int ledger_each_not_renewable_since(ledger *l, const char *from, const char *to, long max_renewals,
                                    const char *since, ledger_cert_fn fn, void *ctx, char *err,
                                    size_t errlen);

#endif
