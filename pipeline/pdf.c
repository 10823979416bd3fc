/* pdf: display list -> PDF through libharu (the one place hpdf.h is included, STYLE.md 3).
 * Where the engine's speed and size targets will be won (DESIGN.md "Fast and small").
 * Every libharu call that can fail is checked: its error handler records the first error,
 * and a NULL page or a status other than HPDF_OK ends the render with that error. */
#include "pdf.h"

#include <hpdf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct herr {
    HPDF_STATUS code, detail;
} herr;

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    herr *e = user;
    if (!e->code) {
        e->code = code;
        e->detail = detail;
    }
}

/* libharu 2.3 points a UTF-8 font's /ToUnicode at its UTF-8 encoding CMap, which is not a
 * ToUnicode map ("Invalid 'begincidrange' operator"): readers may fail to extract the text.
 * Its text codes are the Unicode values themselves (CIDToGIDMap does the glyph mapping), so
 * the right map is the identity over the BMP, surrogates excepted. bfrange entries may not
 * cross a change of the high byte: one range per high byte, at most 100 per block. */
static HPDF_STATUS write_identity_cmap(HPDF_Stream s)
{
    HPDF_STATUS st = HPDF_Stream_WriteStr(
        s, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
           "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
           "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    int hi[256], n = 0;
    for (int h = 0; h < 256; h++)
        if (h < 0xD8 || h > 0xDF)
            hi[n++] = h;
    for (int i = 0; i < n && st == HPDF_OK; i += 100) {
        int count = n - i < 100 ? n - i : 100;
        char line[64];
        snprintf(line, sizeof line, "%d beginbfrange\n", count);
        st = HPDF_Stream_WriteStr(s, line);
        for (int k = i; k < i + count && st == HPDF_OK; k++) {
            snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi[k], hi[k], hi[k]);
            st = HPDF_Stream_WriteStr(s, line);
        }
        if (st == HPDF_OK)
            st = HPDF_Stream_WriteStr(s, "endbfrange\n");
    }
    if (st == HPDF_OK)
        st = HPDF_Stream_WriteStr(s, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
                                     "end\nend\n");
    return st;
}

static int fix_tounicode(HPDF_Doc pdf, HPDF_Font f)
{
    HPDF_Dict cmap = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!cmap)
        return -1;
    cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (write_identity_cmap(cmap->stream) != HPDF_OK)
        return -1;
    return HPDF_Dict_Add(f, "ToUnicode", cmap) == HPDF_OK ? 0 : -1;
}

/* Loads the faces the display uses, in face order. */
static int load_fonts(HPDF_Doc pdf, const display *d, const char *const paths[FACE_COUNT],
                      HPDF_Font fonts[FACE_COUNT], herr *e, char *err, size_t errlen)
{
    int used[FACE_COUNT] = {0};
    for (size_t p = 0; p < d->npages; p++)
        for (size_t i = 0; i < d->pages[p].n; i++)
            if (d->pages[p].items[i].kind == DL_TEXT)
                used[d->pages[p].items[i].face] = 1;
    for (int f = 0; f < FACE_COUNT; f++) {
        fonts[f] = NULL;
        if (!used[f])
            continue;
        const char *name = HPDF_LoadTTFontFromFile(pdf, paths[f], HPDF_TRUE);
        fonts[f] = name ? HPDF_GetFont(pdf, name, "UTF-8") : NULL;
        if (!fonts[f] || e->code || fix_tounicode(pdf, fonts[f]) < 0) {
            snprintf(err, errlen, "cannot load font %s (libharu error 0x%04X)", paths[f],
                     (unsigned)e->code);
            return -1;
        }
    }
    return 0;
}

static HPDF_STATUS draw_lines(HPDF_Page page, const dl_page *p)
{
    HPDF_STATUS st = HPDF_OK;
    for (size_t i = 0; i < p->n && st == HPDF_OK; i++) {
        const dl_item *it = &p->items[i];
        if (it->kind != DL_LINE)
            continue;
        st = HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->size);
        if (st == HPDF_OK)
            st = HPDF_Page_MoveTo(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y);
        if (st == HPDF_OK)
            st = HPDF_Page_LineTo(page, (HPDF_REAL)it->x2, (HPDF_REAL)it->y2);
        if (st == HPDF_OK)
            st = HPDF_Page_Stroke(page);
    }
    return st;
}

static HPDF_STATUS draw_texts(HPDF_Page page, const dl_page *p, HPDF_Font fonts[FACE_COUNT])
{
    HPDF_STATUS st = HPDF_Page_BeginText(page);
    int face = -1;
    double size = 0;
    for (size_t i = 0; i < p->n && st == HPDF_OK; i++) {
        const dl_item *it = &p->items[i];
        if (it->kind != DL_TEXT)
            continue;
        if (it->face != face || it->size != size) {
            st = HPDF_Page_SetFontAndSize(page, fonts[it->face], (HPDF_REAL)it->size);
            face = it->face;
            size = it->size;
        }
        if (st == HPDF_OK)
            st = HPDF_Page_TextOut(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, it->text);
    }
    if (st == HPDF_OK)
        st = HPDF_Page_EndText(page);
    return st;
}

/* Adds one page of size w x h and draws p on it. */
static HPDF_STATUS add_page(HPDF_Doc pdf, double w, double h, const dl_page *p,
                            HPDF_Font fonts[FACE_COUNT])
{
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!page)
        return HPDF_INVALID_PAGE; /* the error handler has libharu's own code */
    HPDF_STATUS st = HPDF_Page_SetWidth(page, (HPDF_REAL)w);
    if (st == HPDF_OK)
        st = HPDF_Page_SetHeight(page, (HPDF_REAL)h);
    if (st == HPDF_OK)
        st = draw_lines(page, p);
    if (st == HPDF_OK)
        st = draw_texts(page, p, fonts);
    return st;
}

static HPDF_STATUS set_meta(HPDF_Doc pdf, const pdf_meta *m)
{
    time_t t = (time_t)m->epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return HPDF_INVALID_DATE_TIME;
    HPDF_Date dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                    tm.tm_sec,         'Z',           0,          0};
    HPDF_STATUS st = HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, m->title ? m->title : "");
    if (st == HPDF_OK)
        st = HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, m->author ? m->author : "");
    if (st == HPDF_OK)
        st = HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, m->subject ? m->subject : "");
    if (st == HPDF_OK)
        st = HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, m->creator ? m->creator : "ctsbatch");
    if (st == HPDF_OK)
        st = HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, dt);
    if (st == HPDF_OK)
        st = HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, dt);
    return st;
}

static HPDF_STATUS set_up(HPDF_Doc pdf)
{
    HPDF_STATUS st = HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    if (st == HPDF_OK)
        st = HPDF_UseUTFEncodings(pdf);
    if (st == HPDF_OK)
        st = HPDF_SetCurrentEncoder(pdf, "UTF-8");
    return st;
}

static int save(HPDF_Doc pdf, buf *out)
{
    if (HPDF_SaveToStream(pdf) != HPDF_OK || HPDF_ResetStream(pdf) != HPDF_OK)
        return -1;
    for (;;) {
        HPDF_BYTE chunk[65536];
        HPDF_UINT32 n = sizeof chunk;
        HPDF_STATUS st = HPDF_ReadFromStream(pdf, chunk, &n);
        if (n && buf_append(out, chunk, n) < 0)
            return -1;
        if (st == HPDF_STREAM_EOF)
            return 0;
        if (st != HPDF_OK)
            return -1;
    }
}

/* A page already drawn is not needed any more: its items go (a 170-page letter holds its
 * display and libharu's copy of it at once otherwise). */
static void page_release(dl_page *pg)
{
    for (size_t i = 0; i < pg->n; i++)
        free(pg->items[i].text);
    free(pg->items);
    pg->items = NULL;
    pg->n = pg->cap = 0;
}

int pdf_render(display *d, const char *const font_paths[FACE_COUNT], const pdf_meta *m, buf *out,
               char *err, size_t errlen)
{
    if (d->npages > PDF_MAX_PAGES) {
        snprintf(err, errlen,
                 "the document would have %zu pages, more than the %d one PDF may have", d->npages,
                 PDF_MAX_PAGES);
        return -1;
    }
    herr e = {0, 0};
    HPDF_Doc pdf = HPDF_New(on_error, &e);
    if (!pdf) {
        snprintf(err, errlen, "libharu could not start");
        return -1;
    }
    int rc = -1;
    HPDF_Font fonts[FACE_COUNT];
    const char *stage = "setting up the document";
    size_t p = 0;
    if (set_up(pdf) != HPDF_OK)
        goto fail;
    if (load_fonts(pdf, d, font_paths, fonts, &e, err, errlen) < 0)
        goto out;
    stage = "writing the metadata";
    if (set_meta(pdf, m) != HPDF_OK)
        goto fail;
    for (; p < d->npages; p++) {
        if (add_page(pdf, d->width, d->height, &d->pages[p], fonts) != HPDF_OK)
            break;
        page_release(&d->pages[p]);
    }
    if (p < d->npages) {
        snprintf(err, errlen, "libharu error 0x%04X (detail %u) on page %zu of %zu",
                 (unsigned)e.code, (unsigned)e.detail, p + 1, d->npages);
        goto out;
    }
    stage = "saving";
    if (e.code || save(pdf, out) < 0 || e.code)
        goto fail;
    rc = 0;
    goto out;
fail:
    snprintf(err, errlen, "libharu error 0x%04X (detail %u) while %s", (unsigned)e.code,
             (unsigned)e.detail, stage);
out:
    HPDF_Free(pdf);
    return rc;
}
