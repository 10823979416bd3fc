/* util: the allocation family and the bounded growable text buffer every module uses.
 *
 * Ownership rule for the whole program: a function that returns a `char *` or a pointer
 * to a heap object gives it to the caller, who frees it with the matching `free`
 * (`free()` for strings); a `const char *` is borrowed and lives as long as its owner.
 * Out of memory is not an error path: xmalloc and friends abort (STYLE.md rule 10). */
#ifndef CTS_UTIL_H
#define CTS_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation that never returns NULL: prints a message and aborts on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A new string formatted like printf, for paths and messages: at most XASPRINTF_MAX bytes.
 * A longer result, or a format printf refuses, is a programming error of the out-of-memory
 * class: it aborts as xmalloc does, never returning a cut string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The local time now as ISO 8601 without zone, "2026-12-02T08:30:00", into out[len]. */
void time_now_iso(char *out, size_t len);

/* Grow an array of `*cap` elements of `size` bytes so that it holds at least `need`. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
/* Gives the memory freed so far back to the system where the C library allows it (glibc's
 * malloc_trim, every thread's arena): after a large document, so that what one worker
 * thread laid out does not stay counted in the process while the run goes on. */
void mem_give_back(void);

/* Default ceiling of a buffer made with buf_init(b, 0): 64 MiB. */
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

/* The longest string xasprintf makes: 64 MiB. Its longest callers join two values of one
 * roster (a duplicate key), and a roster file is at most READ_MAX_FILE_BYTES (32 MiB). */
#define XASPRINTF_MAX BUF_DEFAULT_MAX

/* A growable byte buffer, always NUL-terminated when data != NULL, never longer than max.
 * Once an append is refused the buffer is `full` and refuses every later one too, so a caller
 * may append many pieces and check `full` once: the text is whole or known to be cut. */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    int full;
} buf;

void buf_init(buf *b, size_t max); /* max 0 means BUF_DEFAULT_MAX */
void buf_release(buf *b);          /* frees the storage; b may be reused after buf_init */
void buf_reset(buf *b);            /* empties it (and clears full), keeps the storage */
/* Each append returns 0, or -1 (and appends nothing) when the result would exceed max. */
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Returns the contents (never NULL, "" when empty) and leaves b empty and initialised. */
char *buf_detach(buf *b);
/* buf_detach for text whose length the caller bounded by construction (b->max is a proven
 * ceiling, not a guess): a full b means that proof is wrong, a programming error, and it
 * aborts as out of memory does rather than hand back a cut text. */
char *buf_detach_whole(buf *b);
/* Returns a NUL-terminated view of the contents ("" when empty); b keeps ownership. */
const char *buf_str(const buf *b);

/* Reads the whole file at path into b (appended), never more than b->max bytes. Returns 0;
 * -1 when the file cannot be opened or read (errno says why); -2 when it is larger than
 * b->max (b then holds a cut prefix, to be discarded). */
int buf_read_file(buf *b, const char *path);

/* Bounded whole-string helpers. */
int str_eq(const char *a, const char *b); /* NULL-safe equality */
int str_empty(const char *s);             /* NULL or only ASCII white space */
char *str_trim_dup(const char *s);        /* copy without leading/trailing space */
/* Parse a decimal integer (optional sign, surrounding spaces allowed) into *out.
 * Returns 0, or -1 when the text is not a whole number or does not fit in a long. */
int str_to_long(const char *s, long *out);

/* A map from strings (copied) to indexes, hashed: for the checks that must stay linear on
 * thousands of rows (duplicates, unique file names). */
typedef struct strmap strmap;
strmap *strmap_new(void);
void strmap_free(strmap *m); /* accepts NULL */
/* Adds key -> value and returns 0; when key is already there, changes nothing, returns 1 and
 * gives its value in *old (may be NULL). */
int strmap_put(strmap *m, const char *key, size_t value, size_t *old);
/* Sets key -> value, adding it or replacing its value. */
void strmap_set(strmap *m, const char *key, size_t value);
/* 1 and the value in *value (may be NULL) when key is there, else 0. */
int strmap_get(const strmap *m, const char *key, size_t *value);

/* The longest expansion str_expand makes: 1 MiB, as long as a whole template
 * (TEMPLATE_MAX_BYTES) and many pages' worth of text: only values far too long to print get
 * there (a roster value is at most 16384 characters, config/roster.xsd). */
#define STR_EXPAND_MAX ((size_t)1 << 20)

/* Expands "{name}" placeholders: each is replaced by lookup(ctx, name); a NULL answer
 * keeps the placeholder as written. "{{" gives "{". Names are at most 127 bytes. Returns
 * the expansion, or NULL when it would be longer than STR_EXPAND_MAX bytes: never a cut
 * text; the caller says what stands in (rules keep the text unexpanded, forms their blank). */
typedef const char *(*str_lookup)(void *ctx, const char *name);
char *str_expand(const char *tmpl, str_lookup lookup, void *ctx);
/* tmpl with its {name}s filled from kv (name, value, ..., NULL; may be NULL); a copy of
 * tmpl, placeholders as written, when the expansion would pass STR_EXPAND_MAX. Never NULL:
 * a message is still made, readable and never cut. */
char *str_expand_pairs(const char *tmpl, const char *const *kv);

#endif
