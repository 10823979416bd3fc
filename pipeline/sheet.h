/* sheet: what the three spreadsheet readers share (xlsx.c, ods.c, xls.c): recognising a
 * spreadsheet by its bytes, the text a typed cell becomes, the limits, and the row of cells
 * each reader fills and hands to the table (table.h) that makes records of it.
 *
 * A cell becomes the text a clerk sees, so that every reader gives what the CSV of the same
 * sheet gives: text as typed; a number as an integer without ".0", else the shortest decimal
 * that reads back as the same double, '.' as decimal point; a date as yyyy-mm-dd (the
 * excel pass prints it dd/mm/yyyy), with " hh:mm" only when it has a time of day; a boolean as TRUE / FALSE; an error as Excel
 * writes it (#N/A, #VALUE!, ...); a formula as its cached value. */
#ifndef CTS_SHEET_H
#define CTS_SHEET_H

#include <stddef.h>

#include "table.h"
#include "util.h"
#include "xmlcheck.h"
#include "zipread.h"

#define SHEET_MAX_CELLS 4000000 /* non-empty cells read from one sheet */
#define SHEET_MAX_XML_DEPTH 32  /* a worksheet is 5 levels deep, a content.xml about 8 */
#define SHEET_MAX_ROW 1048576   /* Excel's last row: rows beyond it are never read */
#define SHEET_TEXT_BYTES 64     /* room for a number's or a date's text */

typedef enum sheet_kind {
    SHEET_NONE,       /* not a spreadsheet by its bytes */
    SHEET_ZIP,        /* a zip archive that is neither .xlsx nor .ods */
    SHEET_ZIP_BROKEN, /* "PK\3\4" but not openable, or past a limit of zipread.h */
    SHEET_XLSX,       /* zip with [Content_Types].xml or xl/workbook.xml */
    SHEET_ODS,        /* zip whose mimetype is application/vnd.oasis.opendocument.spreadsheet */
    SHEET_XLS         /* OLE2 compound file (D0 CF 11 E0): Excel 97-2003 */
} sheet_kind;

/* What data[0..len) is, by content only (the reader then says what is wrong with it). */
sheet_kind sheet_sniff(const char *data, size_t len);

/* The text of a number (see above) into out[SHEET_TEXT_BYTES]. */
void sheet_number_text(double v, char *out);

/* A typed date is written ISO, yyyy-mm-dd [hh:mm]: the excel pass (excel.h) reads that
 * as neither day- nor month-first and writes dd/mm/yyyy, so a text cell typed month-first
 * in the same column can never turn a typed date round.
 *
 * The text of a date serial into out[SHEET_TEXT_BYTES]: days since 1899-12-31 in Excel's
 * 1900 system (where serial 60 is the 29 February 1900 Lotus had), or since 1904-01-01 in
 * the 1904 system (date1904). Returns 0, or -1 when serial is no date (below 1, or 0 in
 * 1904, after 9999-12-31, not finite): the caller prints it as a number then. */
int sheet_serial_text(double serial, int date1904, char *out);

/* 1 when number format `id` (built-in 14-22, 45-47) or format code `code` (may be NULL: a
 * custom code holding d, m or y outside quotes, brackets and escapes) shows a date. */
int sheet_format_is_date(long id, const char *code);

/* An ISO 8601 date or date-time ("2027-03-14", "2027-03-14T08:30:00", as ODS and FreeXL
 * write them) as yyyy-mm-dd [hh:mm] into out[SHEET_TEXT_BYTES]. Returns 0, or -1 when iso
 * is not one. */
int sheet_iso_text(const char *iso, char *out);

/* A workbook's roster is on its first visible sheet (any, when all are hidden) whose first
 * rows hold a roster header (table_probe_new); when none has one, on the first visible sheet,
 * whose reading says why it is no roster. At most SHEET_MAX_PROBED sheets are looked at. What
 * became of the sheets before the one read: */
#define SHEET_MAX_PROBED 16
enum { SHEET_UNSEEN, SHEET_HIDDEN, SHEET_NO_HEADER };

/* When the roster was not on the first of n sheets: one file note naming the sheet read
 * (names[chosen]) and why each before it was not (why[k]). Names may be NULL. */
void sheet_note_choice(table *t, char *const *names, const unsigned char *why, size_t n,
                       size_t chosen);

/* One row being read: cells by column (0-based), NULL where empty. */
typedef struct sheet_row {
    char *cells[TABLE_MAX_COLUMNS];
    size_t n;     /* one past the last column set */
    long line;    /* the row's number, 1-based, as the spreadsheet shows it */
    size_t total; /* non-empty cells read so far in the sheet */
} sheet_row;

/* Sets column col to a copy of text (empty text sets nothing). Returns 0; -1 after failing
 * the roster when col is past TABLE_MAX_COLUMNS, the text past CSV_MAX_FIELD_BYTES or the
 * sheet past SHEET_MAX_CELLS. */
int sheet_row_set(sheet_row *row, table *t, size_t col, const char *text, size_t len);
/* Hands the row to the table (table_row) and empties it. Returns table_row's result. */
int sheet_row_emit(sheet_row *row, table *t);
/* Empties the row (frees its cells), keeping total. */
void sheet_row_clear(sheet_row *row);

/* The XML parts of .xlsx and .ods, read as a stream (xmlTextReader), never as a tree. `name`
 * is the part's name for messages, `kind` the file's kind ("tệp Excel (.xlsx)"), `fix` the
 * clerk's sentence saying how to repair the file ("Hãy mở tệp trong Excel và lưu lại ..."). */

/* A reader over the zip's entry `name`, read a piece at a time as the reader asks (a 44 MB
 * sheet is never held whole), each piece scanned for attributes before libxml2 parses it.
 * NULL: the entry cannot be opened (*status its zipread_status, nothing failed: the caller
 * says whether that matters), is empty (*status ZIPREAD_OK), or failed the roster. A piece
 * that cannot be read later fails the roster, and sheet_xml_next returns -1. */
xmlTextReader *sheet_xml_stream(table *t, zipread *z, const char *name, const char *kind,
                                const char *fix, zipread_status *status);
/* Fails t's roster with "Không đọc được KIND: WHAT. FIX": kind the file's kind for the clerk
 * ("tệp Excel (.xlsx)"), what went wrong, how to repair it. Also for a part's zip error met
 * while it is streamed (sheet_xml_stream). */
void sheet_fail(table *t, const char *kind, const char *what, const char *fix);
/* The next node: 1, 0 at the end, -1 after failing the roster (malformed XML, a DOCTYPE,
 * deeper than SHEET_MAX_XML_DEPTH). */
int sheet_xml_next(table *t, xmlTextReader *rd, const char *name, const char *fix);
/* The local name of the current node ("" for none), borrowed. */
const char *sheet_xml_name(xmlTextReader *rd);
/* The value of the current element's attribute whose local name is `local`, whatever its
 * prefix, as a new string; NULL when absent. */
char *sheet_xml_attr(xmlTextReader *rd, const char *local);

/* The clerk's words for a zipread_status (zipread.h), static. */
const char *sheet_zip_problem(int status);

#endif
