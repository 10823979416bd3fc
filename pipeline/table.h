/* table: the one header -> key mapper and row -> record builder of every tabular reader (CSV,
 * .xlsx, .ods, .xls; DESIGN.md "Readers are a table"), so that they cannot drift apart.
 *
 * A reader feeds the rows of its file, one at a time, as text cells. The header is looked
 * for among the first TABLE_HEADER_ROWS rows, since a clerk's sheet often starts with a title
 * ("DANH SÁCH ĐỀ NGHỊ ...") and blank rows: it is the row naming the most distinct roster
 * keys (by key, label or configured alias, roster_key_match), at least 2 of them; a row
 * naming a single key is the header only when it is the first non-blank row (a one-column
 * roster as CSV has always allowed). The earliest row wins a tie. Rows above the header are
 * ignored with one file-level warning naming the header's row; after it, every non-blank row
 * is a record, its cells trimmed and made NFC. Only those first rows are ever held; after the
 * header each row becomes a record at once, so memory follows the records.
 *
 * A file where no such row exists is plainly no roster: the roster fails with not_roster set
 * (run leaves it in the drop folder). Unknown columns are warnings; a column an alias marks
 * ignored (key "", "STT") is dropped silently; a second column naming a key an earlier one
 * gives is reported and ignored. */
#ifndef CTS_TABLE_H
#define CTS_TABLE_H

#include <stddef.h>

#include "roster.h"

#define TABLE_HEADER_ROWS 20  /* rows searched for the header, blank ones included */
#define TABLE_MAX_COLUMNS 256 /* cells in one row: CSV_MAX_COLUMNS is this */

typedef struct table table;

/* A table filling r (borrowed, must outlive the table) with header aliases[0..n) (borrowed,
 * may be NULL). Never NULL; free with table_free. */
table *table_new(roster *r, const roster_alias *aliases, size_t n);
void table_free(table *t); /* accepts NULL */

/* Feeds one row: n text cells (UTF-8, borrowed), `line` the line or sheet row it starts on.
 * Returns 0 to go on, -1 once the roster has failed (too many rows, no header): the reader
 * stops then. More than TABLE_MAX_COLUMNS cells fail the roster. */
int table_row(table *t, long line, char *const *cells, size_t n);

/* The end of the file: a file with fewer rows than TABLE_HEADER_ROWS gets its header found
 * here; a file with no non-blank row fails ("no header and no data"). */
void table_end(table *t);

/* The roster being filled, for a reader's own failures. */
roster *table_roster(const table *t);

/* A workbook's sheet is chosen by looking for the header in each (xlsx.c, ods.c): a probe is
 * a table with the same aliases as `like`, filling a roster of its own, whose table_row
 * returns -1 (stop) once it has decided. Free with table_free. */
table *table_probe_new(const table *like);
/* 1 when a header was found (the sheet is a roster), 0 when the rows cannot hold one,
 * -1 when undecided (call table_end at the end of the sheet). */
int table_decided(const table *t);

#endif
