/* report: what the clerk and other programs read about a run.
 *  - the JSON verdicts of ROSTER.md "What the program says about a roster" (validate --json);
 *  - report.csv: one line per row (file, line, procedure, name, status, findings, the files
 *    made for it), UTF-8
 *    with a BOM so Excel shows Vietnamese, every cell that could start a formula (= + - @,
 *    their fullwidth forms, after invisible characters; tab, CR) neutralised so a
 *    spreadsheet never runs it (CWE-1236). */
#ifndef CTS_REPORT_H
#define CTS_REPORT_H

#include <stddef.h>

#include "roster.h"
#include "rules.h"
#include "util.h"

/* A report held in memory before it is written: 1 GiB, far above 200,000-row rosters. */
#define REPORT_MAX_BYTES ((size_t)1 << 30)

/* One line of the clerk's reports (report.csv, report.xlsx, NAME.ketqua.*): a request and
 * its verdict, or a file that could not be read. Every writer takes its cells from here, so
 * the CSV, the spreadsheet and the PDF cannot drift apart. Strings are borrowed from the
 * roster, the verdict and the config. */
typedef struct report_row {
    const char *file;            /* the roster's path as read */
    long line;                   /* the request's line; an unreadable file's: where it failed */
    const char *procedure;       /* the canonical code ("gia-han"), or as written, or "" */
    const char *procedure_label; /* the configuration's label ("Gia hạn"), or as above */
    const char *name;            /* ho_ten or ten_co_quan, "" for an unreadable file */
    const char *cccd;            /* so_cccd as written, "" when none */
    const char *status;          /* report_status_label, or "Không đọc được tệp" */
    const finding *findings;     /* what to fix: every finding, in order */
    size_t nfindings;
    const char *error;     /* an unreadable file's reason, else NULL */
    const char *fix;       /* what to fix as text, for a row read back from a result CSV
                            * (report_csv_read_row), else NULL */
    const char *documents; /* the files made for it ("; "-joined), "" when none */
    int rejected;          /* a rejected request or an unreadable file: listed first */
} report_row;

/* The row of verdict v of roster r, or, with v NULL, of r as an unreadable file. cfg gives
 * the procedure's label; with cfg NULL the label is the code. */
void report_row_of(const roster *r, const verdict *v, const config *cfg, report_row *out);

/* What to fix in a row, for a person (the caller frees): its findings' messages, one per
 * line, each after "[rule] " when with_rules; an unreadable file's reason; a row read back's
 * text (its "[rule] " prefixes dropped unless with_rules); "" when none. */
char *report_row_fix(const report_row *row, int with_rules);

/* Appends the JSON object of one file, r, checked as roster number `index` of b (its rows
 * are the verdicts whose `from` is index): the file's keys on the first line, one row per
 * line after it, then a newline. Returns 0, or -1 when out is full (out->full): the object
 * is cut. */
int report_json(buf *out, const roster *r, size_t index, const batch *b);

/* Appends report.csv for the run (rosters rs[0..n), checked in this order into b). Returns
 * 0, or -1 when out is full: the report is cut and must not be written. */
int report_csv(buf *out, roster *const *rs, size_t n, const batch *b);
/* The same in two parts, for a report assembled roster by roster: the BOM and header line,
 * then the rows of rs[0..n) (0, or -1 when out is full). */
void report_csv_header(buf *out);
int report_csv_rows(buf *out, roster *const *rs, size_t n, const batch *b);

/* Reads back one line of a report CSV as report_csv_rows wrote it (every cell quoted, quotes
 * doubled, CRLF), from *p (not past end), advancing *p past it: row gets the line's cells
 * (file, line, procedure, name, status, what to fix, documents; the procedure's label from
 * cfg, NULL: the code; no CCCD), borrowed from store, which holds them until the next call.
 * The ' a neutralised cell got is taken off again. Returns 0, or -1 at the end or at a line
 * that is not of that shape (then *p is at the end). */
int report_csv_read_row(const char **p, const char *end, const config *cfg, buf *store,
                        report_row *row);

/* The clerk's word for a verdict: "Hợp lệ", "Đã lập trước" (issued by an earlier run),
 * "Hợp lệ, chưa lập" (its roster was held back, nothing issued yet) or "Bị từ chối" (a
 * static string). */
const char *report_status_label(const verdict *v);

/* What was made for a request this run, for the clerk: "Đã lập: Mau01-....pdf; Mau02-....pdf."
 * (the caller frees), or NULL when nothing was. */
char *report_documents_text(const verdict *v);

/* The files' own notes (roster warnings: unknown columns, restored zeros, date order), each
 * once: "Dòng 1: ... Dòng 3: ..." and, when there are several files, each after its file's
 * name ("a.csv, dòng 1: ..."). "" when there is none. The caller frees. */
char *report_file_notes(roster *const *rs, size_t n);

/* An unreadable file, for the clerk: "PATH (dòng N): why" (the caller frees). */
char *report_unreadable(const roster *r);
/* The unreadable files among rs[0..n), joined with "; ", or "không có" (the caller frees). */
char *report_unreadable_list(roster *const *rs, size_t n);

/* Appends the verdicts of one file as lines a person reads on a terminal (validate without
 * --json): "PATH:LINE: name: hợp lệ", each finding indented under its row. */
void report_text(buf *out, const roster *r, size_t index, const batch *b);
/* Appends the last line of validate's text: how many files (of which unreadable), requests,
 * accepted and rejected. */
void report_text_summary(buf *out, size_t files, size_t unreadable, size_t requests,
                         size_t accepted);

/* Appends s as one CSV cell: quoted, quotes doubled, a ' in front when csv_needs_quote_mark
 * (csv.h) says so, so that a spreadsheet shows it as text; then ',' or, for the last cell,
 * CRLF. */
void report_csv_cell(buf *out, const char *s, int last);

/* Appends s as a JSON string literal (quotes included). */
void report_json_string(buf *out, const char *s);

#endif
