/* ods: OpenDocument spreadsheets (.ods, OpenDocument 1.2 Part 1 §9 "Tables"), read natively
 * with zipread and libxml2's streaming reader over content.xml. Only the first <table:table>
 * is read. A cell's office:value-type says what it is: float, percentage and currency give
 * office:value as a number, date office:date-value as dd/mm/yyyy, boolean TRUE / FALSE,
 * string and the rest the cell's text (<text:p> paragraphs joined by line breaks,
 * <text:s> spaces kept, annotations left out); a formula gives its cached value, an error
 * its text (#N/A). table:number-columns-repeated and number-rows-repeated are honoured but
 * bounded: empty repeats only move the position, filled ones count against TABLE_MAX_COLUMNS,
 * SHEET_MAX_CELLS and ROSTER_MAX_ROWS. */
#ifndef CTS_ODS_H
#define CTS_ODS_H

#include <stddef.h>

#include "table.h"

/* Reads the spreadsheet data[0..len) into t, row by row. Every failure ends in roster_fail
 * with a Vietnamese message saying how to save the file again. */
void ods_read(table *t, const char *data, size_t len);

#endif
