/* read: the first stage. Turns one dropped file into a roster: bounded read, then the reader
 * table (DESIGN.md "Readers are a table"): the content decides first (a zip holding an
 * .xlsx or .ods, an OLE2 file holding an .xls, whatever the file is called), then the
 * extension (.xml; .csv, .txt and anything else as text). Text goes through encoding
 * detection and conversion to UTF-8 (iconv; ROSTER.md "CSV": UTF-8 with or without BOM,
 * UTF-16 LE/BE with BOM, Windows-1258 for 8-bit text that is not valid UTF-8) and the CSV
 * tokenizer; spreadsheets through their readers (xlsx.h, ods.h, xls.h). CSV and the
 * spreadsheets feed one header mapper and record builder (table.h); XML element names go
 * through the same key function (roster_key_match), all with the configured aliases.
 *
 * What is plainly not a roster (an Excel lock file ~$NAME, a zip that is no spreadsheet, a
 * text whose first rows name no roster key) is a failed roster with not_roster set and a
 * reason saying what it is: run leaves it where it is. */
#ifndef CTS_READ_H
#define CTS_READ_H

#include <stddef.h>

#include "roster.h"

#define READ_MAX_FILE_BYTES ((size_t)32 << 20)

typedef struct read_options {
    const char *encoding;   /* iconv name forcing the input encoding, or NULL to detect */
    const char *xml_schema; /* path of config/roster.xsd; NULL: XML is not schema-checked */
    const roster_alias *aliases; /* header aliases (config_aliases), borrowed; may be NULL */
    size_t naliases;
} read_options;

/* 1 when iconv knows the encoding name (what --encoding may force), else 0: a name it does
 * not know is the operator's mistake, said before any file is read. */
int read_encoding_known(const char *name);

/* Reads path into a new roster (never NULL; the caller frees it with roster_free). A file
 * that cannot be read is a roster with failed = 1 and a Vietnamese reason, never an error
 * return: the batch goes on with the other files.
 *
 * Only a regular file is a roster (issue 8, "what enters"): a symlink is not followed, and a
 * FIFO, directory, device or socket is not opened for reading; each is a failed roster
 * whose reason names what it is. A FIFO never blocks the program (O_NONBLOCK). At most
 * READ_MAX_FILE_BYTES are read; a larger file fails. */
roster *read_roster(const char *path, const read_options *opt);

/* read_roster for a file too big to hold as records (issue 12 item 5: a register of 50,000
 * certificates): each record, repaired as read_roster would (excel.h), goes to sink in file
 * order (roster.h roster_stream; sink's roster is the one returned) and is released. The
 * roster returned holds no record: its warnings, format, sha256, nread, and its failure;
 * a file that fails (unreadable, no header, code page) fails before any record reaches
 * sink, so a sink sees a file whole or not at all. The bytes are read twice in memory:
 * first for what the repairs decide per column, then for the records. A sink that returns
 * -1 stops the read: the roster has stopped set then, not failed. */
roster *read_roster_each(const char *path, const read_options *opt, roster_sink sink, void *ctx);

/* Same from bytes already in memory; `name` decides the format by its extension. The
 * roster's sha256 is the digest of data[0..len), whatever the bytes turn out to be. */
roster *read_roster_mem(const char *name, const char *data, size_t len, const read_options *opt);

/* What a directory entry is, seen without following a symlink or reading a byte (lstat):
 * for the run module to decide what enters before it reads anything. */
typedef enum read_entry_kind {
    READ_ENTRY_REGULAR, /* the only kind read_roster reads */
    READ_ENTRY_SYMLINK,
    READ_ENTRY_FIFO,
    READ_ENTRY_DIR,
    READ_ENTRY_DEVICE, /* character or block device */
    READ_ENTRY_OTHER,  /* a socket, or any other special file */
    READ_ENTRY_GONE    /* no longer there, or cannot be looked at: errno says why */
} read_entry_kind;

/* The kind of the entry at path itself (a symlink is a symlink, whatever it points to). */
read_entry_kind read_entry_kind_of(const char *path);
/* An English word for the operator's log: "regular file", "symlink", "FIFO", "directory",
 * "device", "special file", "missing". Static, never NULL. */
const char *read_entry_kind_name(read_entry_kind kind);

/* 1 when the file name has an extension the readers take (.csv, .txt, .xml, .xlsx, .ods,
 * .xls). */
int read_is_roster_name(const char *name);

/* Why a drop-folder entry is left alone by its name alone: NULL when it is not; "" for "."
 * and "..", and the temporaries this program writes (.NAME.tmp-XXXXXX), to pass over in
 * silence; else an English phrase for the operator's log: "an Excel lock file" (~$NAME),
 * "a hidden file" (.NAME). */
const char *read_name_skipped(const char *name);

#endif
