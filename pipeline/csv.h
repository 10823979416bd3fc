/* csv: RFC 4180 rosters (ROSTER.md "CSV"): quoted fields holding delimiters, doubled quotes
 * and line breaks; CRLF, LF or CR line ends; delimiter ',', ';' or tab detected from the
 * header line; blank rows skipped; every record keeps the line it starts on. */
#ifndef CTS_CSV_H
#define CTS_CSV_H

#include <stddef.h>

#include "roster.h"
#include "table.h"
#include "util.h"

#define CSV_MAX_FIELD_BYTES ((size_t)16 << 10) /* one cell */
#define CSV_MAX_COLUMNS TABLE_MAX_COLUMNS

/* The delimiter the header line uses: the one of ',', ';', '\t' that occurs most often
 * outside quotes on the first line holding any of them, among the first TABLE_HEADER_ROWS
 * lines (a title line may hold none); ',' when none does. */
char csv_detect_delimiter(const char *text, size_t len);

/* Tokenizes UTF-8 text (no BOM) into rows fed to t (table.h: header finding, keys, records;
 * each row's line is the line it starts on). A broken file (unclosed quote, a cell or
 * column limit passed) ends in roster_fail with a Vietnamese message naming the line.
 * delim 0 means detect. */
void csv_read(table *t, const char *text, size_t len, char delim);
/* The same over text that comes in pieces (a file read a block at a time: read_roster_each):
 * each feed tokenizes the complete rows of text[0..len) into t and returns how many bytes it
 * used; the rest, a row the text ends inside, is to be given again at the start of the next
 * feed, with what follows it. final: nothing follows (then the file's end, table_end, as
 * csv_read). -1 once the roster has failed (csv_read's failures) or a final feed was given.
 * The delimiter (0: detect) is detected on the first feed's text: give it the file's first
 * TABLE_HEADER_ROWS lines whole. */
typedef struct csv_stream csv_stream;
csv_stream *csv_stream_new(table *t, char delim);
long csv_stream_feed(csv_stream *s, const char *text, size_t len, int final);
void csv_stream_free(csv_stream *s); /* accepts NULL */

/* csv_read into r through a table without aliases (tests, tools). */
void csv_parse(roster *r, const char *text, size_t len, char delim);

/* 1 when a spreadsheet could take s for a formula: it starts, after any invisible format
 * characters (zero-width space U+200B, joiners U+200C/D, word joiner U+2060, BOM U+FEFF,
 * bidirectional marks, soft hyphen), with = + - @ or their fullwidth or small forms
 * (＝ ＋ － ＠), a tab or a CR. 0 otherwise (also for invalid UTF-8 at the start). */
int csv_needs_quote_mark(const char *s);
/* s without the ' a writer put before what csv_needs_quote_mark takes for a formula. */
const char *csv_unmark(const char *s);

/* Appends s as one cell of a file csv_read reads back as it was (issue 12: the register's
 * export, the campaign's roster): quoted only when it holds ',', '"' or a line break, quotes
 * doubled, and with a ' in front of what a spreadsheet would run as a formula
 * (csv_needs_quote_mark), which csv_read takes off again; then ',' or, for the last cell,
 * CRLF. */
void csv_write_cell(buf *out, const char *s, int last);
/* The same, quoted whatever it holds when always_quote (report.csv's cells). */
void csv_cell(buf *out, const char *s, int last, int always_quote);

#endif
