/* read: the first stage. Turns one dropped file into a roster: bounded read, encoding
 * detection and conversion to UTF-8 (iconv), format choice by extension, then the CSV or
 * XML reader. ROSTER.md "CSV" lists the encodings: UTF-8 with or without BOM, UTF-16 LE/BE
 * with BOM, Windows-1258 for 8-bit text that is not valid UTF-8. */
#ifndef CTS_READ_H
#define CTS_READ_H

#include <stddef.h>

#include "roster.h"

#define READ_MAX_FILE_BYTES ((size_t)32 << 20)

typedef struct read_options {
    const char *encoding;   /* iconv name forcing the input encoding, or NULL to detect */
    const char *xml_schema; /* path of config/roster.xsd; NULL: XML is not schema-checked */
} read_options;

/* Reads path into a new roster (never NULL; the caller frees it with roster_free). A file
 * that cannot be read is a roster with failed = 1 and a Vietnamese reason, never an error
 * return: the batch goes on with the other files. */
roster *read_roster(const char *path, const read_options *opt);

/* Same from bytes already in memory; `name` decides the format by its extension. The
 * roster's sha256 is the digest of data[0..len), whatever the bytes turn out to be. */
roster *read_roster_mem(const char *name, const char *data, size_t len, const read_options *opt);

/* 1 when the file name has an extension the readers take (.csv, .txt, .xml). */
int read_is_roster_name(const char *name);

#endif
