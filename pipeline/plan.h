/* plan: accepted requests -> the documents a run makes (FORMS.md "Which documents a run
 * makes"). Driven by the config's document table: a "row" document per accepted request of
 * its procedure and subscriber type, an "agency" document per managing agency and procedure
 * with at least one accepted request, listing them in roster order. Rejected rows appear in
 * no document. A document entry may carry a condition (`when`):
 *   "thue-bao-nop"     the subscriber files it: not a revocation the managing agency files
 *                      (NĐ 130 Điều 69), nor one the provider makes itself (thu-hoi-tu-dong);
 *   "can-de-nghi"      a letter is needed: not a certificate revoked by expiry.
 * The plan borrows the batch and config, which must outlive it. */
#ifndef CTS_PLAN_H
#define CTS_PLAN_H

#include <stddef.h>

#include "config.h"
#include "rules.h"

typedef struct doc {
    const config_document *kind; /* form, procedure, per */
    const char *agency;          /* managing agency's name (borrowed from the first row) */
    const verdict **rows;        /* one for a "row" document, all listed for "agency" */
    size_t nrows, cap;
    char *relpath;  /* "<agency-slug>/<folder>/MauNN-<slug>.pdf", unique in the plan */
    record *values; /* document-level values ({doc.KEY}) beyond the rows; may be NULL */
} doc;

typedef struct plan {
    doc *docs;
    size_t n, cap;
    int failed; /* a document could not be given a free name (taken answered -1, or every
                 * name tried was taken): the plan must not be used */
} plan;

/* Answers 1 when relpath is already used by an earlier document (the ledger, the disk),
 * so that a new document never takes its name; 0 when it is free; -1 when that cannot be
 * told (the plan is then marked failed). */
typedef int (*plan_taken_fn)(void *ctx, const char *relpath);

/* Names tried for one document before the plan gives up (…-99999.pdf). */
#define PLAN_MAX_NAME_TRIES 100000

/* Returns the plan (never NULL); the caller frees it with plan_free. Requests issued before
 * (issued_before) are planned into no document. taken may be NULL (nothing is taken). */
plan *plan_make(const batch *b, const config *cfg, plan_taken_fn taken, void *ctx);
void plan_free(plan *p); /* accepts NULL */

/* The clerk's readable result (NAME.ketqua.pdf; template templates/baocao.xml): the
 * requests of the batches bs[0..nb), the rejected ones first (what the clerk must fix), then
 * the accepted ones, each in roster order. A long report is split into parts of at most
 * per_part rows (0: PLAN_REPORT_PART_ROWS), so that a 20,000-row roster never makes one
 * 700-page PDF held whole in memory, and a 98,000-row one stays within what a PDF's page tree
 * holds: plan_report_parts says how many, and plan_report makes part `part` (0-based) alone.
 * Values (doc.KEY): so_tep, so_yeu_cau, so_hop_le, so_da_lap, so_tu_choi, tep_loi (the
 * unreadable files among rosters[0..n)) for the whole report; for the part: phan, so_phan,
 * tu, den (its first and last row, 1-based), so_liet_ke, stt_dau (the rows before it),
 * so_tu_choi_phan and so_hop_le_phan with the table ranges dong_tu_choi and dong_hop_le
 * ("FIRST COUNT", template.h rows=); ghi_chu_phan, the site's sentence `bao_cao_phan`
 * (config) filled from these values when there is more than one part, else ""; luu_y_tep,
 * the rosters' own notes (unknown columns, restored zeros, date order), once per file, ""
 * when none. Release with plan_report_release. */
void plan_report(batch *const *bs, size_t nb, roster *const *rosters, size_t n, size_t part,
                 size_t per_part, const config *cfg, doc *out);
/* The parts a report of bs[0..nb) takes with at most per_part rows each (at least 1). */
size_t plan_report_parts(batch *const *bs, size_t nb, size_t per_part);

/* Rows one part of NAME.ketqua.pdf lists at most (about 35 pages). */
#define PLAN_REPORT_PART_ROWS 1000
void plan_report_release(doc *d);

/* One line of the run's report: a roster and what became of it (strings borrowed). */
typedef struct plan_summary_line {
    const char *file, *outcome; /* outcome: the clerk's words, with the reason if any */
    size_t rows, accepted, before, rejected, documents;
    const char *notes; /* the file's own notes (report_file_notes), NULL or "" when none */
    int needs_fix;     /* rows rejected, or the file not read or not done: listed first */
} plan_summary_line;

/* The run's report (OUT/report.pdf; template templates/baocao-lan-chay.xml): one table row
 * per roster, as a record with the keys tep, ket_qua, luu_y (its notes), so_dong, so_hop_le,
 * so_da_lap, so_tu_choi, so_van_ban; the rosters that need the clerk (needs_fix) first, then
 * the others, each in the order given, as the table ranges dong_can_sua and dong_khong_loi
 * ("FIRST COUNT", template.h rows=) with their counts so_can_sua and so_khong_loi; the run's
 * totals as values (so_tep, so_yeu_cau, so_hop_le, so_da_lap, so_tu_choi, so_van_ban,
 * lan_chay, tep_loi). Its size grows with the rosters,
 * not their rows. The doc owns its rows: release with plan_summary_release. */
void plan_run_summary(const plan_summary_line *lines, size_t n, long long run,
                      const char *unreadable, doc *out);
void plan_summary_release(doc *d);

/* The forms of the clerk's result and of the run's report (templates/NAME.xml). */
#define PLAN_REPORT_FORM "baocao"
#define PLAN_SUMMARY_FORM "baocao-lan-chay"

/* 1 when a template may name `name` because the plan sets it: doc.KEY, a value of the
 * clerk's result or the run's report; with in_row, a key of the run report's rows. */
int plan_provides(const char *name, int in_row);

#endif
