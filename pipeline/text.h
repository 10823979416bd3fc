/* text: UTF-8 handling, Unicode NFC composition for Vietnamese, key folding and ASCII slugs.
 *
 * ROSTER.md: every value becomes UTF-8 in NFC whatever came in; Windows-1258 and macOS
 * text carry combining marks (tone marks, circumflex, breve, horn) that must be composed
 * before layout and comparison. FORMS.md: the renderer has no shaping engine, so only
 * precomposed letters may reach it. All returned strings are heap copies the caller frees.
 *
 * Bounds (STYLE.md 9, 12): text_nfc, text_fold_key, text_slug and text_upper read at most
 * TEXT_MAX_BYTES of their input. A longer text is read as its first TEXT_MAX_BYTES bytes,
 * cut back to the start of a character, and the rest is ignored: the result is that of the
 * cut text, never NULL. No reader makes a value that long (a roster file is at most
 * READ_MAX_FILE_BYTES, a template TEMPLATE_MAX_BYTES), and a value that long is refused for
 * its row by the length rule (gia-tri-qua-dai, a few hundred characters) whatever the cut.
 * Each result is built in a buffer of at most TEXT_GROWTH bytes per byte read (plus one): a
 * proven ceiling, not a guess; a result past it would be a bug and aborts as out of memory
 * does (buf_detach_whole). text_slug also stops at its own max. */
#ifndef CTS_TEXT_H
#define CTS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The longest input the text functions read: 32 MiB, as READ_MAX_FILE_BYTES. */
#define TEXT_MAX_BYTES ((size_t)32 << 20)

/* Output bytes per input byte, at most: a malformed byte becomes U+FFFD (3 bytes, the worst
 * case); a decomposition left uncomposed is at most twice its letter (U+0344 -> U+0308
 * U+0301), composing, dropping marks and changing case never lengthen text. */
#define TEXT_GROWTH 3

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF); else 0, with the byte offset of the first bad sequence in *bad_at (may be NULL). */
int text_utf8_valid(const char *s, size_t n, size_t *bad_at);

/* Decodes the code point at *p (not past end) and advances *p past it. Returns the code
 * point, or -1 for a malformed sequence (then *p advances by one byte). */
long text_utf8_next(const char **p, const char *end);

/* Appends the UTF-8 encoding of cp to b. Returns 0, or -1 if b is full or cp is invalid. */
int text_utf8_put(buf *b, uint32_t cp);

/* Number of code points in a valid UTF-8 string. */
size_t text_utf8_count(const char *s);

/* NFC of a valid UTF-8 string, for every Vietnamese letter: a base letter followed by
 * combining marks (in any order that canonical ordering accepts), or a precomposed letter
 * followed by further marks, becomes the single precomposed letter. Sequences with no
 * precomposed form are kept, in canonical order. Never returns NULL. */
char *text_nfc(const char *s);

/* Folds a header label or key for matching: NFC, diacritics removed (đ/Đ -> d), ASCII
 * lower case, leading and trailing space dropped, each run of spaces, '_' or '-' becomes
 * one '_'. "Họ và tên" -> "ho_va_ten"; " HO  VA TEN " -> "ho_va_ten"; "ho_ten" -> "ho_ten". */
char *text_fold_key(const char *s);

/* ASCII slug for file names: diacritics removed, lower case, every run of characters that
 * are not [a-z0-9] becomes one '-', none leading or trailing, at most max bytes (cut at a
 * '-' boundary when possible; only the first max + 1 bytes of the slug are ever made, all
 * the cut looks at). Empty input gives "khong-ten". */
char *text_slug(const char *s, size_t max);

/* Upper case of Vietnamese text (all precomposed Vietnamese letters and ASCII). */
char *text_upper(const char *s);
/* Lower case of Vietnamese text, the same letters ("GIÁM ĐỐC" -> "giám đốc"). */
char *text_lower(const char *s);
/* The first letter in upper case, the rest unchanged ("giám đốc" -> "Giám đốc"). */
char *text_capital(const char *s);

#endif
