/* manifest: the archival record of every document a run made (DESIGN.md: file, form,
 * subscriber, pages, SHA-256). OUT/manifest.csv grows with every run, as the documents do
 * (none is ever replaced): one line per document, with the run's date and the roster rows
 * it came from, so an archivist can prove years later which PDF is which. */
#ifndef CTS_MANIFEST_H
#define CTS_MANIFEST_H

#include <stddef.h>

typedef struct manifest_entry {
    char *file;      /* path under the output folder */
    char *form;      /* "07" */
    char *agency;    /* managing agency */
    char *procedure; /* its folder: "gia-han", "ban-giao-thiet-bi" */
    char *name;      /* the subscriber of a form, the agency of a letter */
    size_t pages, bytes;
    char sha256[65];
    char *date;    /* the run's as-of date, ISO */
    char *sources; /* "stc.csv:2; stc.csv:5" */
} manifest_entry;

typedef struct manifest {
    manifest_entry *e;
    size_t n, cap;
} manifest;

/* Adds an entry (strings copied; sha256 from the document's bytes). */
void manifest_add(manifest *m, const manifest_entry *entry, const void *pdf, size_t len);
void manifest_release(manifest *m);

/* Appends m's entries to the manifest at path (created with its header, UTF-8 with a BOM,
 * when absent), rewriting the file atomically. Returns 0, or -1 with a reason in err. */
int manifest_append(const manifest *m, const char *path, char *err, size_t errlen);

#endif
