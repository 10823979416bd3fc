/* xls: Excel 97-2003 workbooks (.xls, BIFF5/BIFF8 in an OLE2 compound file) read through
 * FreeXL, the only module that includes freexl.h. FreeXL opens files by path only, so the
 * bytes already read (and hashed) are written to a private temporary file (mkstemp in
 * $TMPDIR or /tmp, mode 0600), removed once read: what is read is exactly what was hashed,
 * whatever happens to the dropped file meanwhile. The first sheet's cells become text as
 * sheet.h says (FreeXL resolves the shared strings, the date formats and the 1900/1904 date
 * system).
 *
 * FreeXL 1.0.6 is not safe on hostile input (the fuzzer found a stack buffer underflow in
 * its code page conversion within seconds) and allocates a sheet's whole cell grid from its
 * declared dimensions. So it runs in a child process (fork), bounded in time
 * (XLS_MAX_SECONDS) and, outside sanitizer builds, in address space (XLS_MAX_MEMORY); it
 * sends the non-empty cells back over a pipe. A child that dies or overruns fails the roster
 * with a message; the run goes on. What FreeXL does not give: a formula's cached result (the
 * cell comes out empty) and booleans as such (TRUE is 1). */
#ifndef CTS_XLS_H
#define CTS_XLS_H

#include <stddef.h>

#include "table.h"

#define XLS_MAX_SECONDS 20               /* FreeXL's time on one workbook */
#define XLS_MAX_MEMORY ((size_t)1 << 30) /* FreeXL's address space: 65,536 x 256 cells fit */
/* The address-space limit cannot apply under AddressSanitizer (its shadow memory alone is
 * terabytes of address space). */
#if defined(__SANITIZE_ADDRESS__)
#define XLS_LIMIT_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XLS_LIMIT_MEMORY 0
#endif
#endif
#ifndef XLS_LIMIT_MEMORY
#define XLS_LIMIT_MEMORY 1
#endif

/* No limit of its own on rows or columns: BIFF8 holds at most 65,536 rows (fewer than
 * ROSTER_MAX_ROWS) and 256 columns (TABLE_MAX_COLUMNS); the cells and bytes of a cell are
 * bounded by sheet_row_set. FreeXL allocates the whole sheet's cell grid at open from the
 * sheet's declared dimensions: at most 65,536 x 256 cells, whatever this module does. */

/* Reads the workbook data[0..len) into t, row by row. Every failure ends in roster_fail
 * with a Vietnamese message saying how to save the file again from Excel. */
void xls_read(table *t, const char *data, size_t len);

#endif
