/* zipread: bounded reading of a zip archive held in memory (the container of .xlsx and .ods,
 * ECMA-376 Part 2 and OpenDocument 1.2 Part 3), the only module that includes libzip's
 * header. An archive is hostile until shown otherwise (a zip bomb): its entry count, each
 * entry's declared size, the sum of the declared sizes and each large entry's compression
 * ratio are checked when it is opened; reading an entry stops past its declared size or at
 * ZIPREAD_MAX_ENTRY_BYTES, whatever its header declared, and reading the archive at
 * ZIPREAD_MAX_INFLATED. */
#ifndef CTS_ZIPREAD_H
#define CTS_ZIPREAD_H

#include <stddef.h>

#include "util.h"

#define ZIPREAD_MAX_ENTRIES 1000                    /* an .xlsx holds a dozen or two */
/* one uncompressed entry: parts are read a piece at a time (zipread_stream), so this bounds
 * time, not memory; a 50,000-row .ods saved by LibreOffice has a 102 MB content.xml */
#define ZIPREAD_MAX_ENTRY_BYTES ((size_t)256 << 20)
#define ZIPREAD_MAX_TOTAL_BYTES ((size_t)256 << 20) /* all entries, uncompressed, declared */
/* all the bytes one opened archive gives, its parts read as often as they are (a sheet
 * probed, content.xml opened twice): a 50,000-row .ods reads 204 MB */
#define ZIPREAD_MAX_INFLATED ((size_t)384 << 20)
#define ZIPREAD_MAX_RATIO 200                       /* uncompressed / compressed, per entry */
#define ZIPREAD_RATIO_FROM ((size_t)1 << 20)        /* ... of an entry larger than this */

typedef struct zipread zipread;

typedef enum zipread_status {
    ZIPREAD_OK = 0,
    ZIPREAD_NOT_ZIP = -1,  /* not a zip archive, or one libzip cannot open */
    ZIPREAD_TOO_MANY = -2, /* more than ZIPREAD_MAX_ENTRIES entries */
    ZIPREAD_TOO_BIG = -3,  /* an entry or the total larger than their limits */
    ZIPREAD_RATIO = -4,    /* an entry compressed more than ZIPREAD_MAX_RATIO */
    ZIPREAD_MISSING = -5,  /* no such entry */
    ZIPREAD_BROKEN = -6,   /* an entry that cannot be read (bad data, CRC, encrypted) */
    ZIPREAD_ENCRYPTED = -7 /* the archive is password-protected */
} zipread_status;

/* Opens data[0..len) (borrowed: it must outlive the archive) and checks the bounds above.
 * Returns the archive, or NULL with the reason in *st. */
zipread *zipread_open(const char *data, size_t len, zipread_status *st);
void zipread_close(zipread *z); /* accepts NULL */

/* 1 when the archive has an entry of exactly that name. */
int zipread_has(zipread *z, const char *name);

/* Reads entry `name` whole into out (emptied first), at most ZIPREAD_MAX_ENTRY_BYTES and
 * at most out's own max. Returns ZIPREAD_OK, ZIPREAD_MISSING, ZIPREAD_TOO_BIG (more bytes
 * came than allowed, whatever the header said) or ZIPREAD_BROKEN / ZIPREAD_ENCRYPTED. */
zipread_status zipread_entry(zipread *z, const char *name, buf *out);

/* An entry read a piece at a time (a 44 MB sheet is never held whole): NULL with
 * ZIPREAD_MISSING, ZIPREAD_BROKEN or ZIPREAD_ENCRYPTED in *st, else the stream (*st
 * ZIPREAD_OK), which must be closed before the archive. zipread_stream_read gives up to n
 * bytes into p: how many (0 at the entry's end), or -1 with ZIPREAD_BROKEN, or ZIPREAD_TOO_BIG
 * once more than ZIPREAD_MAX_ENTRY_BYTES came, in *st. zipread_entry is this, whole. */
typedef struct zipread_stream zipread_stream;
zipread_stream *zipread_stream_open(zipread *z, const char *name, zipread_status *st);
long zipread_stream_read(zipread_stream *s, char *p, size_t n, zipread_status *st);
void zipread_stream_close(zipread_stream *s); /* accepts NULL */

#endif
