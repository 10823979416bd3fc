/* pdf: the only module that talks to libharu. Turns a display list (layout.h) into PDF
 * bytes: TrueType faces embedded as Identity-H CID fonts with a ToUnicode map (so text
 * extracts as it went in), text runs and lines, document metadata. Only the faces a
 * document uses are embedded. Dates come from SOURCE_DATE_EPOCH when the caller passes it,
 * so the same input gives the same bytes (DESIGN.md "Deterministic"). */
#ifndef CTS_PDF_H
#define CTS_PDF_H

#include <stddef.h>

#include "font.h"
#include "layout.h"
#include "util.h"

typedef struct pdf_meta {
    const char *title, *author, *subject, *creator;
    long long epoch; /* creation time, seconds since 1970 UTC */
} pdf_meta;

/* Renders d into out (appended). font_paths names the TrueType file of each face. Returns
 * 0, or -1 with an English reason in err (a font that will not load, a libharu error). */
int pdf_render(const display *d, const char *const font_paths[FACE_COUNT], const pdf_meta *m,
               buf *out, char *err, size_t errlen);

#endif
