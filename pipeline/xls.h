/* xls: Excel 97-2003 workbooks (.xls, BIFF5/BIFF8 in an OLE2 compound file) read through
 * FreeXL, the only module that includes freexl.h. FreeXL opens files by path only, so the
 * bytes already read (and hashed) are written to a private temporary file (mkstemp in
 * $TMPDIR or /tmp, mode 0600) that is removed as soon as FreeXL has opened it: what is read
 * is exactly what was hashed, whatever happens to the dropped file meanwhile. The first
 * sheet's cells become text as sheet.h says (FreeXL resolves the shared strings, the date
 * formats and the 1900/1904 date system). */
#ifndef CTS_XLS_H
#define CTS_XLS_H

#include <stddef.h>

#include "table.h"

/* No limit of its own on rows or columns: BIFF8 holds at most 65,536 rows (fewer than
 * ROSTER_MAX_ROWS) and 256 columns (TABLE_MAX_COLUMNS); the cells and bytes of a cell are
 * bounded by sheet_row_set. FreeXL allocates the whole sheet's cell grid at open from the
 * sheet's declared dimensions: at most 65,536 x 256 cells, whatever this module does. */

/* Reads the workbook data[0..len) into t, row by row. Every failure ends in roster_fail
 * with a Vietnamese message saying how to save the file again from Excel. */
void xls_read(table *t, const char *data, size_t len);

#endif
