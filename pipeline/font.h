/* font: TrueType metrics read straight from the font file, for the layout engine.
 *
 * The layout measures text with the fonts' real advance widths (FORMS.md: nothing clipped
 * or overprinted), independently of the PDF library, so that line breaking is the same
 * whatever writes the PDF. Reads the 'head', 'hhea', 'hmtx', 'maxp', 'cmap' (format 4 and
 * 12, Unicode or Windows Unicode subtables) and 'name' tables. Every offset read
 * from the file is bounds-checked: a truncated or hostile file fails cleanly. */
#ifndef CTS_FONT_H
#define CTS_FONT_H

#include <stddef.h>
#include <stdint.h>

/* The four faces of a family, as a document uses them. */
enum { FACE_REGULAR, FACE_BOLD, FACE_ITALIC, FACE_BOLD_ITALIC, FACE_COUNT };

typedef struct font font;

/* Largest font file accepted. */
#define FONT_MAX_FILE_BYTES ((size_t)32 << 20)

/* Loads a TrueType (.ttf) file. Returns a font the caller frees with font_free, or NULL
 * with a reason in err (English, for the operator; err may be NULL). */
font *font_load(const char *path, char *err, size_t errlen);
/* Same from bytes in memory (copied). */
font *font_load_mem(const unsigned char *data, size_t len, char *err, size_t errlen);
void font_free(font *f); /* accepts NULL */

int font_units_per_em(const font *f);
int font_ascent(const font *f);                  /* font units, positive (hhea ascender) */
int font_descent(const font *f);                 /* font units, negative (hhea descender) */
uint16_t font_glyph(const font *f, uint32_t cp); /* 0 (.notdef) when unmapped */
int font_has_glyph(const font *f, uint32_t cp);
int font_advance_units(const font *f, uint32_t cp); /* advance of cp's glyph in font units */

/* Width in points of a UTF-8 string n bytes long set at `size` points. Malformed bytes
 * count as .notdef. */
double font_text_width(const font *f, const char *utf8, size_t n, double size);

/* The raw file bytes (for embedding) and the PostScript name from 'name' (may be ""). */
const unsigned char *font_data(const font *f, size_t *len);
const char *font_postscript_name(const font *f);

#endif
