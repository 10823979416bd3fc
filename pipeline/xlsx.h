/* xlsx: Office Open XML workbooks (.xlsx, ECMA-376 Part 1 §18 SpreadsheetML), read natively
 * with zipread and libxml2's streaming reader. Only the first sheet of xl/workbook.xml is
 * read (found through xl/_rels/workbook.xml.rels); its cells become text as sheet.h says:
 * shared strings (xl/sharedStrings.xml) and inline strings, numbers, booleans, errors,
 * formulas by their cached value, and dates recognised from the cell's number format
 * (xl/styles.xml cellXfs) in the 1900 or 1904 system (<workbookPr date1904>). */
#ifndef CTS_XLSX_H
#define CTS_XLSX_H

#include <stddef.h>

#include "table.h"

#define XLSX_MAX_STYLES 65536 /* cell formats (cellXfs) kept; Excel allows 64,000 */

/* Reads the workbook data[0..len) into t, row by row. Every failure (a broken or hostile
 * archive, a limit passed, malformed XML) ends in roster_fail with a Vietnamese message
 * saying how to save the file again from Excel. */
void xlsx_read(table *t, const char *data, size_t len);

#endif
