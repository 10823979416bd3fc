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

/* The most pages one PDF may have: 10000, a third of the 32767 that libharu's one-level page
 * tree holds (HPDF_LIMIT_MAX_ARRAY; past it HPDF_AddPage fails) and more than any form or
 * report needs at once (a 30,000-row report). */
#define PDF_MAX_PAGES 10000

/* Renders d into out (appended), emptying each page of d once it is drawn (d is released
 * with display_release as before; its pages are then empty, but npages stays). font_paths
 * names the TrueType file of each face. Returns
 * 0, or -1 with an English reason in err: a display of more than PDF_MAX_PAGES pages
 * (refused before libharu starts), a font that will not load, any libharu call that fails
 * (every one is checked). out may hold a cut PDF after -1: the caller discards it. */
int pdf_render(display *d, const char *const font_paths[FACE_COUNT], const pdf_meta *m, buf *out,
               char *err, size_t errlen);

#endif
