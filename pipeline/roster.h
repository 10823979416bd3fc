/* roster: the record model every reader produces and every later stage reads, and the
 * roster keys with their Vietnamese labels (ROSTER.md "Keys").
 *
 * A roster is one input file: its format and encoding, its records (key -> value, each
 * with the line it starts on), file-level warnings, and at most one file-level error
 * (`tep-khong-doc-duoc`), after which it holds no records. Plain structs: tests build them
 * directly. Every string in them is owned by the roster and freed by roster_free. */
#ifndef CTS_ROSTER_H
#define CTS_ROSTER_H

#include <stddef.h>

/* Records in one file: the readers' limit, CSV and XML. */
#define ROSTER_MAX_ROWS 200000

typedef struct record_field {
    const char *key; /* canonical key ("ho_ten"), or the folded header of an unknown column:
                      * interned, shared by every record, never freed (a few dozen names) */
    char *value;     /* UTF-8 NFC, trimmed; owned by the record */
} record_field;

/* A value the read stage found damaged beyond repair (pipeline/excel.h): the rule that
 * explains it, for the check stage to turn into a finding of that row. */
typedef struct record_flag {
    const char *key;     /* interned, like record_field.key */
    const char *rule;    /* rule id, a static string */
    const char *variant; /* case of the rule's message (<msg key>), static; NULL: general */
} record_flag;

typedef struct record {
    long line; /* line of the file where the record starts (1-based) */
    record_field *fields;
    size_t nfields, cap;
    char *pack; /* after record_trim: the values, one block (NULL before) */
    size_t packlen;
    record_flag *flags; /* damaged values, owned by the record (NULL when none) */
    size_t nflags;
} record;

typedef struct roster_note {
    long line;     /* 0 when it concerns the whole file */
    char *field;   /* key or column concerned, may be NULL */
    char *message; /* Vietnamese, for the clerk */
} roster_note;

typedef struct roster roster;

/* Where a roster read in stream hands each record once complete (roster_stream): 0 to go
 * on, -1 to stop the read. The record is released when it returns. */
typedef int (*roster_sink)(void *ctx, roster *r, record *rec);

struct roster {
    char *path;
    char *format;   /* "csv", "xml", "xlsx", "ods" or "xls" */
    /* "utf-8", "utf-8-bom", "utf-16le", "windows-1258", ... for text; for a spreadsheet
     * the storage of its cells: "utf-8" (the XML of .xlsx and .ods), "biff" (.xls) */
    char *encoding;
    /* SHA-256 of the exact bytes read, 64 lower-case hex digits, for the ledger to know the
     * same bytes dropped again; set for every roster whose bytes were read, failed or not.
     * "" when they could not be read (not opened, not a regular file, too big). */
    char sha256[65];
    record *records;
    size_t nrecords, cap;
    roster_note *warnings;
    size_t nwarnings, wcap;
    int failed;        /* 1 when the file could not be read: no records then */
    /* with failed: the file is plainly no roster (no header naming a roster key in its
     * first rows, a zip that is no spreadsheet): run leaves it in the drop folder */
    int not_roster;
    /* with failed: the program, not the file, is at fault (no temporary file or process to
     * read it with): run keeps the file for the next run as an operator error */
    int operator_fault;
    roster_note error; /* the reason when failed */
    size_t nread;      /* records read: nrecords, or with a sink all it was handed */
    roster_sink sink;  /* NULL: the roster keeps its records */
    void *sink_ctx;
    int stopped; /* the sink said stop (roster_stream); read_roster_each's roster: its
                  * second reading's sink did */
    int changed; /* with failed: the file changed between the readings of read_roster_each,
                  * after records of it may have reached the sink */
};

roster *roster_new(const char *path);
void roster_free(roster *r); /* accepts NULL */

/* Appends an empty record starting at `line`; the pointer is valid until the next add. The
 * record before it is complete then: its field array is shrunk to fit (memory per row is
 * what bounds a 20,000-row roster). */
record *roster_add_record(roster *r, long line);
/* Reads r in stream (issue 12 item 5: a 50,000-row register file is never held whole): each
 * record, once the reader starts the next one or ends (roster_flush), goes to sink and is
 * released, so r holds at most the record being read. When sink returns -1, r fails (the
 * reader stops) with stopped set; read_roster_each's own roster is then not failed, only
 * stopped (read.h). */
void roster_stream(roster *r, roster_sink sink, void *ctx);
/* The reader's end: hands the last record to the sink, if any and r did not fail. */
void roster_flush(roster *r);

/* Marks the file unreadable (rule tep-khong-doc-duoc): drops any records read so far. */
void roster_fail(roster *r, long line, const char *message);
void roster_warn(roster *r, long line, const char *column, const char *message);

/* A complete record made small: its field array shrunk to its fields and its values moved
 * into one block (a 20,000-row roster is held in memory whole). record_set still works on
 * it. */
void record_trim(record *rec);
/* Frees a record's fields and leaves it empty (for records not owned by a roster). */
void record_release(record *rec);

/* Sets key to a copy of value (replacing an earlier value of the same key). */
void record_set(record *rec, const char *key, const char *value);
/* The value of key, or "" when the record has none. Never NULL. */
const char *record_get(const record *rec, const char *key);
int record_has(const record *rec, const char *key); /* 1 when present and not blank */

/* Notes that the value of key is damaged and why (rule id and message case, both static
 * strings that must outlive the record); at most one flag per key: a later one replaces it. */
void record_flag_set(record *rec, const char *key, const char *rule, const char *variant);
/* The flag of key, or NULL. */
const record_flag *record_flag_get(const record *rec, const char *key);

/* A header text the configuration maps to a key (<aliases> in config/ctsbatch.xml): key
 * is a roster key, or "" for a column ignored silently ("STT"). folded is
 * roster_fold_header(text), or NULL to fold text at each match. */
typedef struct roster_alias {
    const char *key, *text, *folded;
} roster_alias;

/* A header folded for matching: NFC, diacritics removed (đ -> d), ASCII lower case, and
 * every ASCII character that is no letter or digit dropped, so case, diacritics, spaces,
 * '_', '/', '-', '.' and ',' make no difference: "Số CCCD/CMND" -> "socccdcmnd". New
 * string, never NULL. */
char *roster_fold_header(const char *header);

/* The canonical key a header names: the key itself, its Vietnamese label, or one of
 * aliases[0..n) (may be NULL), all compared folded (ROSTER.md). "" for an alias that
 * ignores the column; NULL when unknown. The result is static or borrowed from aliases. */
const char *roster_key_match(const char *header, const roster_alias *aliases, size_t n);
/* roster_key_match with no aliases. */
const char *roster_key_for_header(const char *header);
/* 1 when key is one of the roster keys of ROSTER.md. */
int roster_is_key(const char *key);
/* The Vietnamese label of a key ("ho_ten" -> "Họ và tên"), or the key itself. */
const char *roster_label(const char *key);

#endif
