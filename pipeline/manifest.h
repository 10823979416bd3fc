/* manifest: OUT/manifest.csv, the archive's record of every document made here (DESIGN.md:
 * file, form, subscriber, pages, SHA-256), one line per document with the run's date and
 * the roster rows it came from, so an archivist can prove years later which PDF is which.
 * It is an export of the ledger, written whole after every run that changed it (never read
 * back), streamed so that its size is bounded only by the disk. */
#ifndef CTS_MANIFEST_H
#define CTS_MANIFEST_H

#include <stddef.h>

#include "ledger.h"

/* Writes OUT/manifest.csv (UTF-8 with a BOM, the header, every document of the ledger in
 * the order they were committed), replacing the earlier one atomically. Returns 0, or -1
 * with an English reason in err. */
int manifest_write(ledger *l, const char *out_dir, char *err, size_t errlen);

#endif
