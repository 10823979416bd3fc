/* xlsxreport: the clerk's reports as Excel workbooks (report.xlsx, NAME.ketqua.xlsx; issue 10
 * item 5), written with libxlsxwriter, the only module that includes xlsxwriter.h.
 *
 * The first sheet, "Kết quả", lists the rejected requests (and the files that could not be
 * read) first, then the accepted ones, each group in the order added: file, line, name, CCCD,
 * procedure by its Vietnamese label ("Gia hạn"), result, what to fix (every finding's
 * message, one per line), documents made. Its header row is frozen and carries an
 * autofilter; the columns have widths a clerk can read. Every text is a string cell, so a
 * CCCD 089186000123 keeps its leading zero and a value that looks like a formula stays
 * text. The second sheet, "Lưu ý về tệp", holds each file's notes (report_row's file, the
 * line, the note) once per file.
 *
 * Memory stays flat in the rows: libxlsxwriter's constant-memory mode writes a row out as
 * the next begins, and the accepted rows wait in an anonymous temporary file (tmpfile) until
 * the rejected ones are all written, at close.
 *
 * libxlsxwriter writes the file only at close, to a name: the caller gives the temporary
 * name it owns (publish.h) and renames it once xlsxreport_close succeeded. */
#ifndef CTS_XLSXREPORT_H
#define CTS_XLSXREPORT_H

#include <stddef.h>

#include "report.h"

typedef struct xlsxreport xlsxreport;

/* Rows a sheet holds below its header: Excel's 1,048,576 less one. Past it the last rows
 * (accepted ones, as they come last) are left out and a note on the second sheet says how
 * many, pointing to the CSV. */
#define XLSXREPORT_MAX_ROWS ((size_t)1048575)
/* Characters a cell holds (Excel's limit); a longer text is cut there with "…". */
#define XLSXREPORT_MAX_CELL_CHARS 32767

/* Starts a workbook that xlsxreport_close writes to path (replacing what is there, keeping
 * its mode when it exists). epoch is its creation time (SOURCE_DATE_EPOCH), 0 for now.
 * Returns NULL with an English reason in err. */
xlsxreport *xlsxreport_new(const char *path, long long epoch, char *err, size_t errlen);

/* Adds one row (rejected ones go to the sheet at once, accepted ones wait). Returns 0, or -1
 * once anything failed (the workbook must then be discarded; close says why). */
int xlsxreport_add_row(xlsxreport *x, const report_row *row);

/* Adds one note about a file (line 0: the whole file). 0 or -1 as above. */
int xlsxreport_add_note(xlsxreport *x, const char *file, long line, const char *note);

/* Writes the workbook to its path and frees x. Returns 0, or -1 with an English reason in err
 * (the file at path may then be partial: the caller removes it). */
int xlsxreport_close(xlsxreport *x, char *err, size_t errlen);

/* Frees x without writing anything (accepts NULL). */
void xlsxreport_free(xlsxreport *x);

/* A plain table (the register's export, the renewal campaign's roster and report; issue 12):
 * one sheet named `sheet`, a frozen header row of heads[0..ncols) with an autofilter, every
 * cell a string (a serial or CCCD keeps its leading zeros), widths in characters (NULL: 18
 * each). Written in constant memory at close, like the reports; same failure contract. */
typedef struct xlsxtable xlsxtable;
xlsxtable *xlsxtable_new(const char *path, long long epoch, const char *title, const char *sheet,
                         const char *const *heads, const double *widths, size_t ncols,
                         char *err, size_t errlen);
/* cells[0..ncols) (NULL: empty). 0, or -1 once anything failed (past XLSXREPORT_MAX_ROWS
 * too: the table is then not written). */
int xlsxtable_add_row(xlsxtable *t, const char *const *cells);
int xlsxtable_close(xlsxtable *t, char *err, size_t errlen);
void xlsxtable_free(xlsxtable *t); /* accepts NULL; writes nothing */

#endif
