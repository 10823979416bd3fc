/* rules: the check stage. Every request of every roster of a run is checked against the
 * rules of RULES.md; each rule is a small function with its id, adding findings (rule id,
 * severity, field, Vietnamese message, legal basis) and derived values. A request with no
 * finding of severity error is accepted. Rule texts and parameters come from the config.
 *
 * A batch owns its data (DESIGN.md "stage outputs own their data"): it takes the records out
 * of the rosters it checks and keeps a copy of each roster's path, so a roster may be freed
 * once checked (what it still holds concerns the whole file: format, warnings, error). The
 * config must outlive the batch (rule ids and coded values are borrowed from it). */
#ifndef CTS_RULES_H
#define CTS_RULES_H

#include <stddef.h>

#include "config.h"
#include "date.h"
#include "roster.h"

typedef struct finding {
    const char *rule; /* id from RULES.md (borrowed from the config or a literal) */
    severity sev;
    char *field;   /* key concerned, may be "" */
    char *message; /* Vietnamese, what to fix */
    char *basis;   /* legal basis, filled like the message */
} finding;

typedef struct verdict {
    const char *file;          /* path of the roster it came from (the batch's copy) */
    size_t from;               /* index of that roster among those checked together */
    const record *rec;         /* the request (the batch's, taken from the roster) */
    const char *thu_tuc;       /* canonical procedure, "" when missing or not allowed */
    const char *loai_thue_bao; /* canonical subscriber type, "" likewise */
    char *ten;                 /* ho_ten, or ten_co_quan for an organisation */
    record *agency; /* managing agency: row values, completed from the register; never NULL
                     * after a check. In a batch, rows with the same agency details share one
                     * record (agency_shared: another verdict of the batch owns it) */
    int agency_shared;
    int accepted;
    finding *findings;
    size_t nfindings, fcap;
    record derived;    /* derived values, ISO dates (line unused) */
    int agency_files;  /* thu-hoi: the managing agency files it, no Mẫu 09 (NĐ 130 Điều 69) */
    int auto_revoked;  /* thu-hoi: expired, revoked by the provider itself (thu-hoi-tu-dong) */
    int issued_before; /* accepted, but an earlier run issued it (rules_note_issued) */
    int postponed;     /* accepted, but its roster was held back: nothing issued this time */
    char *documents;   /* set by the run: the files made for it ("; "-joined), or NULL */
} verdict;

typedef struct batch {
    verdict *v;
    size_t n, cap;
    date as_of;
    record *recs; /* the records taken from the rosters, v[i].rec = &recs[i] */
    char **files; /* the rosters' paths, files[k] for roster k */
    size_t nfiles;
} batch;

/* Checks every record of rosters[0..n) (failed rosters have none) in order; duplicates are
 * looked for across all of them. The records move into the batch: each roster is left with
 * none. Returns a batch the caller frees with batch_free. */
batch *rules_check(roster *const *rosters, size_t n, const config *cfg, date as_of);

/* What rules_check_with checks besides the usual (flags may be or-ed):
 * RULES_HEAD_SIGNS: the renewal campaign: the head's signature on Mẫu 07/08 is the
 *   confirmation, xac_nhan_thu_truong is not asked for (issue 12 item 4);
 * RULES_REGISTER: the rows are certificates of the register (docs/register.md), not
 *   requests: the value rules, the fields of <required procedure="so-dang-ky">, each serial
 *   once in the batch (trung-lap, case so-dang-ky). */
enum { RULES_HEAD_SIGNS = 1, RULES_REGISTER = 2 };
batch *rules_check_with(roster *const *rosters, size_t n, const config *cfg, date as_of, int flags);
void batch_free(batch *b); /* accepts NULL */

/* Checks one record (tests): fills v, which borrows src's path and rec (both must outlive
 * it) and which the caller releases with verdict_release. */
void rules_check_one(const roster *src, const record *rec, const config *cfg, date as_of,
                     verdict *v);
/* The same with rules_check_with's flags: a register file read in stream (register.c) is
 * checked a row at a time. */
void rules_check_one_with(const roster *src, const record *rec, const config *cfg, date as_of,
                          int flags, verdict *v);
void verdict_release(verdict *v);

/* A register row whose serial an earlier accepted row (at first_line of first_file) gave:
 * the finding trung-lap (case so-dang-ky), the first row kept; v is settled again. What
 * rules_check_with RULES_REGISTER does within its batch, for files checked a row at a time. */
void rules_note_register_twice(verdict *v, const config *cfg, long first_line,
                               const char *first_file);

const char *severity_name(severity s); /* "error", "warning", "info" */

/* The request's stable identity across runs (the ledger's key): procedure, subscriber
 * (CCCD for a person, the folded name of an organisation) and certificate serial (upper
 * case, without the spaces a clerk may group its digits with), joined by '|'. NULL for a
 * request without a procedure or subscriber identity. The caller frees it. */
char *rules_request_key(const verdict *v);
/* The key as versions before 2026-12 wrote it (the serial's inner spaces kept), when it
 * differs from rules_request_key, else NULL: what was issued under it is found too. */
char *rules_request_key_legacy(const verdict *v);

/* A certificate serial as the register keys it: trimmed, upper case, no spaces or tabs. The
 * caller frees. */
char *rules_serial_key(const char *raw);

/* What the register knows of a request's certificate (the run asks the ledger). */
typedef struct rules_cert {
    long long register_size;                      /* certificates in the register */
    int known;                                    /* the register has this one */
    const char *status;                           /* trang_thai: hoat-dong, thu-hoi, het-han */
    long renewals;                                /* so_lan_gia_han */
    int pending;                                  /* a request is pending against it ... */
    const char *pending_procedure, *pending_date; /* ... which, since when (ISO) */
    long long pending_run;                        /* ... from which run */
} rules_cert;

/* 1 when the register follows v's procedure on its certificate (config list
 * so_dang_ky.theo_doi: renewal, change, revocation) and v names a serial. */
int rules_register_tracks(const verdict *v, const config *cfg);
/* Adds what the register says to an accepted, tracked request and settles it again (docs/
 * register.md): so-dang-ky-khong-co when unknown to a non-empty register; so-dang-ky-trang-thai
 * on a revoked (or, but for a revocation, expired) one; gia-han-mot-lan from the register's
 * count; so-lan-gia-han-khac when the roster's count differs; trung-lap (lan-chay-truoc) when
 * the same procedure is pending from an earlier run, so-dang-ky-dang-cho when another is. */
void rules_note_register(verdict *v, const config *cfg, const rules_cert *c);

/* The request was issued by an earlier run on `day` (ISO) in `file` (may be ""): adds the
 * finding da-lap (info) and sets issued_before; the request stays accepted but is planned
 * into no document again. */
void rules_note_issued(verdict *v, const config *cfg, const char *day, const char *file);

/* A document of this request could not be made (`reason`, Vietnamese): adds the finding
 * khong-lap-duoc and rejects the request, so no other document lists it. */
void rules_note_not_made(verdict *v, const config *cfg, const char *reason);

/* 1 when key is one of the derived values a verdict may carry (RULES.md "Derived": what a
 * template may name as {derived.KEY}). */
int rules_derives(const char *key);

#endif
