/* pdf: the only module that talks to libharu (and to HarfBuzz's subsetter). Turns a display
 * list (layout.h) into an archival PDF: PDF/A-2b by default, PDF/A-1b on request
 * (TCVN 14159-1 and -2 are ISO 19005-1 and -2).
 *
 * The engine owns its fonts: it is made once per renderer from the faces the layout measured
 * with, and each document embeds, per face it draws, a TrueType subset of exactly the glyphs
 * it draws (HarfBuzz hb-subset: no hinting, no layout tables, no glyph names, glyphs
 * renumbered) as an Identity-H Type0 / CIDFontType2 font with /CIDToGIDMap /Identity, /W
 * for every glyph of the subset, a ToUnicode map (so text extracts as it went in) and, for
 * PDF/A-1b, a CIDSet. Subsets are cached by their exact character set, so a document's bytes
 * depend only on its own content, the engine's settings and the caller's epoch, never on the
 * documents rendered before it. Page content is written with glyph ids and compressed with
 * one reused libdeflate compressor.
 *
 * PDF/A: PDF 1.4 (part 1) or 1.7 (part 2); XMP metadata matching the document information
 * (dates at +07:00, Vietnam's offset), pdfaid part and conformance B, and the document's
 * archival description (Nghị định 30/2020 Phụ lục VI) in the project's own namespace, declared
 * by a PDF/A extension schema; an output intent with a grey ICC profile (black text and
 * rules only, in the default DeviceGray); a trailer /ID that is a digest of the document, so
 * the same input gives the same bytes (DESIGN.md "Deterministic"). */
#ifndef CTS_PDF_H
#define CTS_PDF_H

#include <stddef.h>

#include "font.h"
#include "layout.h"
#include "util.h"

/* The archival description (Nghị định 30/2020 Phụ lục VI) and the document information.
 * Strings are UTF-8; NULL or "" leaves a field out (title, author, subject) or writes it
 * empty (the description). PageAmount is the display's page count. */
typedef struct pdf_meta {
    const char *title, *author, *subject, *creator;
    long long epoch;       /* creation time, seconds since 1970 UTC */
    const char *type_name; /* TypeName: "Công văn", "Đơn đề nghị", "Biên bản" */
    const char *organ;     /* OrganName: the agency that issues it */
    const char *issued;    /* IssuedDate, YYYY-MM-DD */
    const char *signer;    /* SignerInfo: "GIÁM ĐỐC Trần Văn Bình" */
    const char *language;  /* Language: "vi" */
} pdf_meta;

/* The most pages one PDF may have: 10000, a third of the 32767 that libharu's one-level page
 * tree holds (HPDF_LIMIT_MAX_ARRAY; past it HPDF_AddPage fails) and more than any form or
 * report needs at once (a 30,000-row report). */
#define PDF_MAX_PAGES 10000

/* Subsets kept per face: the fixed text of a form (bold titles, italic notes) hits, a
 * subscriber's own characters usually do not. */
#define PDF_SUBSET_CACHE 32

/* Largest ICC profile accepted for the output intent. */
#define PDF_ICC_MAX_BYTES ((size_t)1 << 20)

typedef struct pdf_engine pdf_engine;

/* Makes an engine over the faces of fs (borrowed: they must outlive the engine), with the
 * ICC profile at icc_path (GRAY, RGB or CMYK) for the output intent, writing PDF/A part
 * `part` (1 or 2), conformance B. NULL with an English reason in err. */
pdf_engine *pdf_engine_new(const fontset *fs, const char *icc_path, int part, char *err,
                           size_t errlen);
void pdf_engine_free(pdf_engine *e); /* accepts NULL */

/* Renders d into out (appended), emptying each page of d once it is drawn (d is released
 * with display_release as before; its pages are then empty, but npages stays). Returns
 * 0, or -1 with an English reason in err: a display of more than PDF_MAX_PAGES pages
 * (refused before libharu starts), a character a face has no glyph for (the layout refuses
 * those first), a subset HarfBuzz cannot make, any libharu call that fails (every one is
 * checked). out may hold a cut PDF after -1: the caller discards it. */
int pdf_render(pdf_engine *e, display *d, const pdf_meta *m, buf *out, char *err, size_t errlen);

#endif
