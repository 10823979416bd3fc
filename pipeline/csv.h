/* csv: RFC 4180 rosters (ROSTER.md "CSV"): quoted fields holding delimiters, doubled quotes
 * and line breaks; CRLF, LF or CR line ends; delimiter ',', ';' or tab detected from the
 * header line; blank rows skipped; every record keeps the line it starts on. */
#ifndef CTS_CSV_H
#define CTS_CSV_H

#include <stddef.h>

#include "roster.h"

#define CSV_MAX_FIELD_BYTES ((size_t)16 << 10) /* one cell */
#define CSV_MAX_COLUMNS 256

/* The delimiter the header line uses: the one of ',', ';', '\t' that occurs most often
 * outside quotes on the first line (',' when none does). */
char csv_detect_delimiter(const char *text, size_t len);

/* Parses UTF-8 text (no BOM) into r's records, keyed by the header line mapped through
 * roster_key_for_header. Values are trimmed and NFC. A broken file (unclosed quote, a
 * limit passed, no header) ends in roster_fail with a Vietnamese message naming the line;
 * unknown columns and ragged rows are warnings. delim 0 means detect. */
void csv_parse(roster *r, const char *text, size_t len, char delim);

#endif
