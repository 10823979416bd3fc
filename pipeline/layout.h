/* layout: a filled form tree -> laid-out pages (FORMS.md "Layout rules for công văn").
 * Text is measured with the fonts' real advance widths; lines break on spaces (a word too
 * wide for its column breaks inside); justified lines are spaced by position, not by the
 * PDF word-spacing operator, which does not apply to 2-byte encodings; tables size their
 * columns from their content (CSS automatic table layout: every column gets its longest
 * word, the spare width goes where it removes the most lines, within the template's bounds;
 * measured over every row before paging), wrap text in their cells and continue on the next
 * page with the header row repeated; a kept block
 * (signatures) is never split nor left alone at the top of a page; pages after the first
 * carry their number centred in the top margin.
 *
 * The result is a display list: positioned text runs and lines per page, in PDF points with
 * the origin at the bottom left. Only the pdf module turns it into a file. */
#ifndef CTS_LAYOUT_H
#define CTS_LAYOUT_H

#include <stddef.h>

#include "font.h"
#include "template.h"

typedef struct fontset {
    font *face[FACE_COUNT]; /* borrowed */
} fontset;

typedef enum { DL_TEXT, DL_LINE } dl_kind;

/* 32 bytes: a 170-page letter holds some 200,000 of them. Positions are floats, finer than
 * the 0.001 pt the PDF is written with anywhere on an A4 page. */
typedef struct dl_item {
    char *text;         /* DL_TEXT, UTF-8 NFC, owned */
    float size;         /* DL_TEXT: pt; DL_LINE: stroke width */
    float x, y;         /* DL_TEXT: start of the baseline; DL_LINE: one end */
    float x2, y2;       /* DL_LINE: other end */
    unsigned char kind; /* dl_kind */
    signed char face;   /* DL_TEXT */
} dl_item;

typedef struct dl_page {
    dl_item *items;
    size_t n, cap;
} dl_page;

typedef struct display {
    double width, height; /* page size, pt (A4) */
    dl_page *pages;
    size_t npages, cap;
} display;

/* Lays out t. Returns 0, or -1 with a Vietnamese reason in err when something cannot be
 * placed (a table row taller than a page). out is initialised here and must be released
 * with display_release either way. */
int layout_document(const template *t, const fontset *fs, display *out, char *err, size_t errlen);
void display_release(display *d);

/* Line breaking, exposed for tests: the widths in points of the lines that `text` (one
 * face, one size) breaks into within `width`; fills widths[0..max) and returns the count. */
size_t layout_break_widths(const font *f, double size, const char *text, double width,
                           double *widths, size_t max);

/* The padding of a table cell on each side, pt. */
#define LAYOUT_CELL_PAD_X 2.5

/* Table column widths, exposed for tests: the widths (pt, padding included) the layout gives
 * the ncols columns of a table set at `size` pt within `width`, whose cells are
 * cells[r * ncols + i], row 0 the header (bold), every column sized from its content alone
 * (no template constraint). Fills out[0..ncols). */
void layout_table_widths(const fontset *fs, double size, const char *const *cells, size_t nrows,
                         size_t ncols, double width, double *out);

#endif
