/* pdf: display list -> PDF/A through libharu (the one place hpdf.h is included, STYLE.md 3).
 *
 * libharu stays the PDF library: it holds the document, its pages and objects, numbers them,
 * writes the cross-reference table and saves. What it cannot do right for an archive is done
 * through its object API instead of its font and text API (whose TrueType path walks all
 * 65,536 code points per face per document and embeds whole fonts). The internals this module
 * relies on, all declared in libharu's installed headers and exercised by tests/test_pdf.c:
 *   - HPDF_Doc_Rec's mmgr, xref, catalog, info, trailer and pdf_version fields;
 *   - HPDF_Dict_New, HPDF_DictStream_New, HPDF_Xref_Add, HPDF_Dict_Add(Name|Number|Real),
 *     HPDF_Array_*, HPDF_Name_New, HPDF_String_New (NULL encoder: literal bytes),
 *     HPDF_Binary_New (a hex string), HPDF_Stream_Write;
 *   - a dict's write_fn hook, called inside "<< >>" after its elements: a stream whose bytes
 *     are already deflated keeps its filter NONE (libharu then writes them as they are, and
 *     would drop a hand-set /Filter) and writes "/Filter /FlateDecode" from the hook;
 *   - HPDF_PageAttr_Rec's contents and stream (the page's content stream, written as is
 *     because the document's compression mode stays NONE), and the page's direct
 *     /Resources dict, to which the /Font dict is added;
 *   - HPDF_Doc_Rec's stream, which HPDF_SaveToStream writes to whatever its kind and frees
 *     with the document: set to an HPDF_CallbackWriter_New stream, the save appends straight
 *     to the caller's buffer instead of copying through libharu's memory stream.
 * Every libharu call that can fail is checked: its error handler records the first error,
 * and a NULL object or a status other than HPDF_OK ends the render with that error. */
#include "pdf.h"

#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>
#include <hpdf.h>
#include <libdeflate.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256.h"
#include "text.h"

/* Vietnam's offset from UTC, for the dates the document carries (+07'00', +07:00). */
#define VN_OFFSET_SECONDS (7 * 3600)
/* The project's namespace for the archival description. */
#define ARCHIVE_NS "urn:ctsbatch:luu-tru:1.0#"
#define ARCHIVE_PREFIX "ctsb"

/* Deflate levels (libdeflate): the font files at 6, where higher levels gain little; a
 * document's own page content and the ToUnicode maps at 1, which takes less than half the time
 * for about 50 bytes more each (fonts at 1 would add 130 bytes per face). */
enum { Z_LEVEL = 6, Z_LEVEL_QUICK = 1 };
enum { CMAP_BLOCK = 100, PDF_PAGES_PER_NODE = 1000 };

/* libharu's allocations for one document come from the rendering thread's arena, in blocks of
 * ARENA_BLOCK bytes, and are all given back at once when the document is freed (libharu
 * frees each of its ~450 objects of a one-page form one by one otherwise). Between documents
 * the arena keeps at most ARENA_KEEP bytes of blocks, so a long letter's pages do not stay. */
enum { ARENA_BLOCK = 64 * 1024, ARENA_KEEP = 256 * 1024 };

typedef struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    max_align_t data[];
} arena_block;

typedef struct arena {
    arena_block *head; /* the block being filled; older blocks follow */
} arena;

/* One face's subset for one exact character set. */
typedef struct subset {
    uint32_t *cps; /* the key: code points, sorted, distinct */
    size_t ncps;
    uint64_t hash;
    uint16_t *gids;      /* the subset's glyph id for cps[i] */
    unsigned char *file; /* the subset TrueType file, zlib-compressed */
    size_t file_len, file_raw_len;
    unsigned char *tounicode; /* the ToUnicode CMap, zlib-compressed */
    size_t tounicode_len;
    int *widths;  /* per glyph id of the subset, in 1/1000 em */
    char *w_text; /* "/W [0 [w0 w1 ...]]", written by the CIDFont's hook */
    unsigned nglyphs;
    char tag[7];        /* "ABCDEF" */
    unsigned long used; /* tick of the last use, for eviction */
} subset;

typedef struct face_res {
    const font *metrics; /* the layout's font: code point -> glyph, the file's bytes */
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font; /* scaled to font units */
    int upem;
    int bbox[4], ascent, descent, cap_height, stem_v, flags;
    double italic_angle;
    char name[64];
    subset cache[PDF_SUBSET_CACHE];
    size_t ncache;
} face_res;

struct pdf_engine {
    face_res faces[FACE_COUNT];
    int part;
    unsigned char *icc, *icc_z; /* the profile, and compressed */
    size_t icc_len, icc_zlen;
    int icc_n;
    struct libdeflate_compressor *z, *zq; /* at Z_LEVEL and Z_LEVEL_QUICK */
    unsigned long tick;
    buf content, packed;        /* one page's content, and what it deflates to */
    uint16_t *gmap[FACE_COUNT]; /* BMP code point -> the current subset's glyph, while drawing */
    char *xmp_tail;             /* xmp_extension() */
    arena heap;                 /* libharu's memory while a document is made */
    unsigned char digest[32];   /* SHA-256 of the part, the font files and the ICC profile */
};

/* ---- libharu's memory ---- */

/* The arena of the document being made on this thread: libharu's allocation callbacks take
 * no context. Set by pdf_render around HPDF_NewEx ... HPDF_Free only. */
static _Thread_local arena *current_arena;

static void *HPDF_STDCALL arena_alloc(HPDF_UINT size)
{
    arena *a = current_arena;
    if (!a)
        abort(); /* libharu called outside a document: a bug of this module */
    size_t need = ((size_t)size + sizeof(max_align_t) - 1) / sizeof(max_align_t);
    need *= sizeof(max_align_t);
    arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK - sizeof *b ? need : ARENA_BLOCK - sizeof *b;
        arena_block *nb = xmalloc(sizeof *nb + cap);
        nb->cap = cap;
        nb->used = 0;
        nb->next = b;
        a->head = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += need;
    return p;
}

static void HPDF_STDCALL arena_free(void *p)
{
    (void)p; /* given back with the whole document, by arena_reset */
}

/* Empties the arena after a document, keeping up to ARENA_KEEP bytes of blocks for the next;
 * keep 0 frees it all. */
static void arena_reset(arena *a, size_t keep)
{
    size_t kept = 0;
    arena_block **link = &a->head;
    while (*link) {
        arena_block *b = *link;
        if (kept + sizeof *b + b->cap <= keep) {
            kept += sizeof *b + b->cap;
            b->used = 0;
            link = &b->next;
        } else {
            *link = b->next;
            free(b);
        }
    }
}

/* ---- errors ---- */

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

/* ---- compression ---- */

/* zlib-compresses in[0..n) into out (replacing it). -1 when out cannot hold it. */
static int deflate_into(struct libdeflate_compressor *z, const void *in, size_t n, buf *out)
{
    size_t bound = libdeflate_zlib_compress_bound(z, n);
    buf_reset(out);
    if (bound + 1 > out->max)
        return -1;
    if (out->cap < bound + 1)
        out->data = xgrow(out->data, &out->cap, bound + 1, 1);
    size_t got = libdeflate_zlib_compress(z, in, n, out->data, bound);
    if (!got)
        return -1;
    out->len = got;
    out->data[got] = '\0';
    return 0;
}

static unsigned char *deflate_copy(pdf_engine *e, struct libdeflate_compressor *z, const void *in,
                                   size_t n, size_t *len)
{
    if (deflate_into(z, in, n, &e->packed) < 0)
        return NULL;
    *len = e->packed.len;
    unsigned char *p = xmalloc(*len ? *len : 1);
    memcpy(p, e->packed.data, *len);
    return p;
}

static char *xmp_extension(void);

/* ---- the engine's faces ---- */

static int be16s(const unsigned char *p)
{
    return (int16_t)(uint16_t)((p[0] << 8) | p[1]);
}

/* The descriptor's figures, from the font's own tables through HarfBuzz. */
static void face_figures(face_res *fr, int f)
{
    hb_blob_t *head = hb_face_reference_table(fr->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hl = 0;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &hl);
    int bb[4] = {0, -fr->upem / 4, fr->upem, fr->upem};
    if (h && hl >= 44)
        for (int i = 0; i < 4; i++)
            bb[i] = be16s(h + 36 + 2 * i);
    hb_blob_destroy(head);
    for (int i = 0; i < 4; i++)
        fr->bbox[i] = (int)lround(bb[i] * 1000.0 / fr->upem);
    hb_position_t v;
    fr->ascent = (int)lround(font_ascent(fr->metrics) * 1000.0 / fr->upem);
    fr->descent = (int)lround(font_descent(fr->metrics) * 1000.0 / fr->upem);
    if (hb_ot_metrics_get_position(fr->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) && v > 0)
        fr->cap_height = (int)lround(v * 1000.0 / fr->upem);
    else
        fr->cap_height = fr->ascent * 7 / 10;
    hb_blob_t *post = hb_face_reference_table(fr->face, HB_TAG('p', 'o', 's', 't'));
    unsigned pl = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(post, &pl);
    fr->italic_angle = p && pl >= 8 ? (int32_t)(((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) |
                                                ((uint32_t)p[6] << 8) | p[7]) /
                                          65536.0
                                    : 0;
    hb_blob_destroy(post);
    int italic = f == FACE_ITALIC || f == FACE_BOLD_ITALIC || fr->italic_angle != 0;
    int bold = f == FACE_BOLD || f == FACE_BOLD_ITALIC;
    fr->flags = 4 | (italic ? 64 : 0); /* symbolic (a CID font), italic */
    fr->stem_v = bold ? 120 : 80;
    const char *ps = font_postscript_name(fr->metrics);
    size_t k = 0;
    for (; ps && *ps && k + 1 < sizeof fr->name; ps++)
        if (*ps > ' ' && *ps < 127 && !strchr("()<>[]{}/%#", *ps))
            fr->name[k++] = *ps;
    fr->name[k] = '\0';
    if (!k)
        snprintf(fr->name, sizeof fr->name, "Face%d", f);
}

pdf_engine *pdf_engine_new(const fontset *fs, const char *icc_path, int part, char *err,
                           size_t errlen)
{
    if (part != 1 && part != 2) {
        snprintf(err, errlen, "PDF/A part %d: only 1 and 2 are written", part);
        return NULL;
    }
    pdf_engine *e = xcalloc(1, sizeof *e);
    e->part = part;
    buf_init(&e->content, 0);
    buf_init(&e->packed, 0);
    e->xmp_tail = xmp_extension();
    e->z = libdeflate_alloc_compressor(Z_LEVEL);
    e->zq = libdeflate_alloc_compressor(Z_LEVEL_QUICK);
    if (!e->z || !e->zq)
        abort(); /* memory, as xmalloc */
    for (int f = 0; f < FACE_COUNT; f++) {
        face_res *fr = &e->faces[f];
        size_t len = 0;
        fr->metrics = fs->face[f];
        const unsigned char *data = font_data(fr->metrics, &len);
        fr->blob =
            hb_blob_create((const char *)data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
        fr->face = hb_face_create(fr->blob, 0);
        fr->upem = (int)hb_face_get_upem(fr->face);
        if (hb_face_get_glyph_count(fr->face) == 0 || fr->upem <= 0) {
            snprintf(err, errlen, "HarfBuzz cannot read face %d (%s)", f,
                     font_postscript_name(fr->metrics));
            pdf_engine_free(e);
            return NULL;
        }
        e->gmap[f] = xcalloc(0x10000, sizeof *e->gmap[f]);
        fr->font = hb_font_create(fr->face);
        hb_font_set_scale(fr->font, fr->upem, fr->upem);
        face_figures(fr, f);
    }
    buf icc;
    buf_init(&icc, PDF_ICC_MAX_BYTES);
    if (buf_read_file(&icc, icc_path) < 0 || icc.len < 128) {
        snprintf(err, errlen, "ICC profile %s: cannot be read, is empty or over %zu bytes",
                 icc_path, PDF_ICC_MAX_BYTES);
        buf_release(&icc);
        pdf_engine_free(e);
        return NULL;
    }
    /* the profile header (ICC.1): its size, the 'acsp' signature, a display or output
     * device class (what an output intent names), and the data colour space */
    const unsigned char *h = (const unsigned char *)icc.data;
    uint32_t size = ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
    const char *cls = icc.data + 12, *space = icc.data + 16;
    int device = memcmp(cls, "mntr", 4) == 0 || memcmp(cls, "prtr", 4) == 0;
    e->icc_n = memcmp(icc.data + 36, "acsp", 4) != 0 || size != icc.len || !device ? 0
               : memcmp(space, "GRAY", 4) == 0                                     ? 1
               : memcmp(space, "RGB ", 4) == 0                                     ? 3
               : memcmp(space, "CMYK", 4) == 0                                     ? 4
                                                                                   : 0;
    if (!e->icc_n) {
        snprintf(err, errlen,
                 "ICC profile %s: not a display or output profile (GRAY, RGB or CMYK) whose "
                 "header matches its size",
                 icc_path);
        buf_release(&icc);
        pdf_engine_free(e);
        return NULL;
    }
    e->icc_len = icc.len;
    e->icc = (unsigned char *)buf_detach_whole(&icc);
    e->icc_z = deflate_copy(e, e->z, e->icc, e->icc_len, &e->icc_zlen);
    sha256 dg = {NULL};
    sha256_init(&dg);
    sha256_update(&dg, &e->part, sizeof e->part);
    for (int f = 0; f < FACE_COUNT; f++) {
        size_t flen = 0;
        const unsigned char *fdata = font_data(e->faces[f].metrics, &flen);
        sha256_update(&dg, fdata, flen);
    }
    sha256_update(&dg, e->icc, e->icc_len);
    sha256_final(&dg, e->digest);
    if (!e->icc_z) {
        snprintf(err, errlen, "ICC profile %s does not compress", icc_path);
        pdf_engine_free(e);
        return NULL;
    }
    return e;
}

static void subset_free(subset *s)
{
    free(s->cps);
    free(s->gids);
    free(s->file);
    free(s->tounicode);
    free(s->widths);
    free(s->w_text);
    memset(s, 0, sizeof *s);
}

void pdf_engine_free(pdf_engine *e)
{
    if (!e)
        return;
    for (int f = 0; f < FACE_COUNT; f++) {
        face_res *fr = &e->faces[f];
        for (size_t i = 0; i < fr->ncache; i++)
            subset_free(&fr->cache[i]);
        hb_font_destroy(fr->font);
        hb_face_destroy(fr->face);
        hb_blob_destroy(fr->blob);
        free(e->gmap[f]);
    }
    if (e->z)
        libdeflate_free_compressor(e->z);
    if (e->zq)
        libdeflate_free_compressor(e->zq);
    buf_release(&e->content);
    buf_release(&e->packed);
    free(e->icc);
    free(e->icc_z);
    free(e->xmp_tail);
    arena_reset(&e->heap, 0);
    free(e);
}

/* ---- subsets ---- */

static uint64_t fnv1a(const uint32_t *v, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++) {
            h ^= (v[i] >> (8 * k)) & 0xFF;
            h *= 1099511628211ull;
        }
    return h;
}

static void put_utf16_hex(buf *b, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        buf_printf(b, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
        buf_printf(b, "%04X", cp);
    }
}

typedef struct gidmap {
    uint16_t gid;
    uint32_t cp;
} gidmap;

static int cmp_gid(const void *a, const void *b)
{
    const gidmap *x = a, *y = b;
    if (x->gid != y->gid)
        return x->gid < y->gid ? -1 : 1;
    return x->cp < y->cp ? -1 : x->cp > y->cp; /* the first code point wins, whatever qsort */
}

/* Runs of consecutive glyph ids for consecutive code points, within one high byte on both
 * sides (a bfrange may not cross one), are one bfrange; the rest are bfchar. */
static size_t run_length(const gidmap *m, size_t i, size_t n)
{
    size_t k = i + 1;
    while (k < n && m[k].gid == m[k - 1].gid + 1 && m[k].cp == m[k - 1].cp + 1 &&
           m[k].cp < 0x10000 && (m[k].gid >> 8) == (m[i].gid >> 8) &&
           (m[k].cp >> 8) == (m[i].cp >> 8))
        k++;
    return k - i;
}

static void cmap_blocks(buf *b, const gidmap *m, size_t n, int ranges)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i += run_length(m, i, n))
        count += (run_length(m, i, n) > 1) == ranges;
    for (size_t i = 0, done = 0; i < n; i += run_length(m, i, n)) {
        size_t len = run_length(m, i, n);
        if ((len > 1) != ranges)
            continue;
        if (done % CMAP_BLOCK == 0) {
            size_t left = count - done;
            buf_printf(b, "%zu begin%s\n", left < CMAP_BLOCK ? left : CMAP_BLOCK,
                       ranges ? "bfrange" : "bfchar");
        }
        if (ranges)
            buf_printf(b, "<%04X> <%04X> <", m[i].gid, m[i + len - 1].gid);
        else
            buf_printf(b, "<%04X> <", m[i].gid);
        put_utf16_hex(b, m[i].cp);
        buf_puts(b, ">\n");
        if (++done % CMAP_BLOCK == 0 || done == count)
            buf_printf(b, "end%s\n", ranges ? "bfrange" : "bfchar");
    }
}

/* The ToUnicode CMap of a subset: each glyph id to the code point it was drawn for (the
 * first, when two share a glyph). */
static void tounicode_text(const subset *s, buf *b)
{
    buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    gidmap *m = xcalloc(s->ncps ? s->ncps : 1, sizeof *m);
    size_t n = 0;
    for (size_t i = 0; i < s->ncps; i++)
        m[n++] = (gidmap){s->gids[i], s->cps[i]};
    qsort(m, n, sizeof *m, cmp_gid);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || m[k - 1].gid != m[i].gid)
            m[k++] = m[i];
    cmap_blocks(b, m, k, 1);
    cmap_blocks(b, m, k, 0);
    buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    free(m);
}

static void drop_tables(hb_subset_input_t *in)
{
    static const char *const tags[] = {"GSUB", "GPOS", "GDEF", "kern", "DSIG", "gasp", "hdmx",
                                       "VDMX", "LTSH", "PCLT", "BASE", "JSTF", "morx", "mort",
                                       "kerx", "FFTM", "meta", "name", "cmap", "post", "OS/2"};
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        hb_set_add(drop, hb_tag_from_string(tags[i], 4));
}

/* Makes the subset of fr for cps[0..n) into s (whose key is already set). */
static int subset_make(pdf_engine *e, face_res *fr, subset *s, char *err, size_t errlen)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        abort();
    hb_set_t *u = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < s->ncps; i++)
        hb_set_add(u, s->cps[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    drop_tables(in);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(fr->face, in);
    hb_subset_input_destroy(in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    hb_blob_t *blob = sub ? hb_face_reference_blob(sub) : NULL;
    unsigned len = 0;
    const char *data = blob ? hb_blob_get_data(blob, &len) : NULL;
    int rc = -1;
    if (!data || !len) {
        snprintf(err, errlen, "HarfBuzz could not subset %s", fr->name);
        goto out;
    }
    const hb_map_t *u2old = hb_subset_plan_unicode_to_old_glyph_mapping(plan);
    const hb_map_t *old2new = hb_subset_plan_old_to_new_glyph_mapping(plan);
    const hb_map_t *new2old = hb_subset_plan_new_to_old_glyph_mapping(plan);
    s->nglyphs = hb_face_get_glyph_count(sub);
    s->gids = xcalloc(s->ncps ? s->ncps : 1, sizeof *s->gids);
    for (size_t i = 0; i < s->ncps; i++) {
        hb_codepoint_t old = hb_map_get(u2old, s->cps[i]);
        hb_codepoint_t nw = old == HB_MAP_VALUE_INVALID ? old : hb_map_get(old2new, old);
        if (nw == HB_MAP_VALUE_INVALID || nw == 0 || nw >= s->nglyphs || nw > 0xFFFF) {
            snprintf(err, errlen, "%s has no glyph for U+%04X", fr->name, s->cps[i]);
            goto out;
        }
        s->gids[i] = (uint16_t)nw;
    }
    s->widths = xcalloc(s->nglyphs ? s->nglyphs : 1, sizeof *s->widths);
    for (unsigned g = 0; g < s->nglyphs; g++) {
        hb_codepoint_t old = hb_map_get(new2old, g);
        hb_position_t adv =
            old == HB_MAP_VALUE_INVALID ? 0 : hb_font_get_glyph_h_advance(fr->font, old);
        /* whole thousandths, rounded down as libharu's own fonts were: within one unit of
         * the font (PDF/A), and pages look exactly as before (rounding to nearest shifted
         * glyphs by a fraction of a pixel, 1,900 pixels of a page at 100 dpi) */
        s->widths[g] = (int)(adv * 1000 / fr->upem);
    }
    buf wt;
    buf_init(&wt, 0);
    buf_puts(&wt, "/W [0 [");
    for (unsigned g = 0; g < s->nglyphs; g++)
        buf_printf(&wt, g ? " %d" : "%d", s->widths[g]);
    buf_puts(&wt, "]]\012");
    s->w_text = wt.full ? NULL : buf_detach(&wt);
    if (!s->w_text) {
        buf_release(&wt);
        snprintf(err, errlen, "the widths of %s do not fit", fr->name);
        goto out;
    }
    s->file_raw_len = len;
    s->file = deflate_copy(e, e->z, data, len, &s->file_len);
    buf t;
    buf_init(&t, 0);
    tounicode_text(s, &t);
    s->tounicode = t.full ? NULL : deflate_copy(e, e->zq, t.data, t.len, &s->tounicode_len);
    buf_release(&t);
    if (!s->file || !s->tounicode) {
        snprintf(err, errlen, "the subset of %s does not compress", fr->name);
        goto out;
    }
    /* the subset tag: six capitals from the character set, the same set the same tag */
    uint64_t h = s->hash;
    for (int i = 0; i < 6; i++, h /= 26)
        s->tag[i] = (char)('A' + h % 26);
    s->tag[6] = '\0';
    rc = 0;
out:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    return rc;
}

/* The subset of fr for exactly cps[0..n) (sorted, distinct), from the cache or made. */
static const subset *subset_get(pdf_engine *e, face_res *fr, const uint32_t *cps, size_t n,
                                char *err, size_t errlen)
{
    uint64_t h = fnv1a(cps, n);
    e->tick++;
    for (size_t i = 0; i < fr->ncache; i++) {
        subset *s = &fr->cache[i];
        if (s->hash == h && s->ncps == n && memcmp(s->cps, cps, n * sizeof *cps) == 0) {
            s->used = e->tick;
            return s;
        }
    }
    size_t slot = fr->ncache;
    if (slot == PDF_SUBSET_CACHE) {
        slot = 0;
        for (size_t i = 1; i < fr->ncache; i++)
            if (fr->cache[i].used < fr->cache[slot].used)
                slot = i;
        subset_free(&fr->cache[slot]);
    } else {
        fr->ncache++;
    }
    subset *s = &fr->cache[slot];
    s->cps = xmalloc((n ? n : 1) * sizeof *cps);
    memcpy(s->cps, cps, n * sizeof *cps);
    s->ncps = n;
    s->hash = h;
    s->used = e->tick;
    if (subset_make(e, fr, s, err, errlen) < 0) {
        subset_free(s);
        fr->ncache--;
        if (slot != fr->ncache) { /* keep the cache dense */
            fr->cache[slot] = fr->cache[fr->ncache];
            memset(&fr->cache[fr->ncache], 0, sizeof fr->cache[0]);
        }
        return NULL;
    }
    return s;
}

/* The subset's glyph for cp (present by construction). */
static uint16_t subset_glyph(const subset *s, uint32_t cp)
{
    size_t lo = 0, hi = s->ncps;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->cps[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->ncps && s->cps[lo] == cp ? s->gids[lo] : 0;
}

/* ---- the characters a document draws ---- */

enum { BMP_WORDS = 0x10000 / 64 };

/* One face's characters: a bitmap of the BMP (sorted for free), and a list for the rest. */
typedef struct cpset {
    uint64_t bmp[BMP_WORDS];
    int any;
    uint32_t *v; /* sorted, distinct: the BMP's from the bitmap, then the rest */
    size_t n, cap;
    uint32_t *astral;
    size_t nastral, astral_cap;
} cpset;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void cpset_add(cpset *s, uint32_t cp)
{
    s->any = 1;
    if (cp < 0x10000) {
        s->bmp[cp >> 6] |= (uint64_t)1 << (cp & 63);
        return;
    }
    for (size_t i = 0; i < s->nastral; i++)
        if (s->astral[i] == cp)
            return;
    s->astral = xgrow(s->astral, &s->astral_cap, s->nastral + 1, sizeof *s->astral);
    s->astral[s->nastral++] = cp;
}

/* The set as a sorted list in s->v. */
static void cpset_list(cpset *s)
{
    s->n = 0;
    for (uint32_t w = 0; w < BMP_WORDS; w++)
        for (uint64_t bits = s->bmp[w]; bits; bits &= bits - 1) {
            s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
            s->v[s->n++] = w * 64 + (uint32_t)__builtin_ctzll(bits);
        }
    if (s->nastral)
        qsort(s->astral, s->nastral, sizeof *s->astral, cmp_u32);
    for (size_t i = 0; i < s->nastral; i++) {
        s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
        s->v[s->n++] = s->astral[i];
    }
}

static void cpset_release(cpset *s)
{
    free(s->v);
    free(s->astral);
}

/* Gathers, per face, the code points d draws. -1 (err) for a malformed text or a character
 * the face has no glyph for. The characters a face lacks are bounded by the font's cmap: at
 * most one astral entry per glyph it maps. */
static int gather(const pdf_engine *e, const display *d, cpset *sets, char *err, size_t errlen)
{
    for (size_t p = 0; p < d->npages; p++)
        for (size_t i = 0; i < d->pages[p].n; i++) {
            const dl_item *it = &d->pages[p].items[i];
            if (!isfinite(it->x) || !isfinite(it->y) || !isfinite(it->x2) || !isfinite(it->y2) ||
                !isfinite(it->size) || fabs(it->x) > 1e6 || fabs(it->y) > 1e6 ||
                fabs(it->x2) > 1e6 || fabs(it->y2) > 1e6 || fabs(it->size) > 1e6) {
                snprintf(err, errlen, "a position or size out of range on page %zu", p + 1);
                return -1;
            }
            if (it->kind != DL_TEXT)
                continue;
            if (it->face < 0 || it->face >= FACE_COUNT) {
                snprintf(err, errlen, "text in face %d, which does not exist", it->face);
                return -1;
            }
            const char *q = it->text, *end = q + strlen(q);
            while (q < end) {
                long cp = text_utf8_next(&q, end);
                if (cp < 0) {
                    snprintf(err, errlen, "malformed UTF-8 in a text on page %zu", p + 1);
                    return -1;
                }
                if (!font_has_glyph(e->faces[it->face].metrics, (uint32_t)cp)) {
                    snprintf(err, errlen, "%s has no glyph for U+%04lX on page %zu",
                             e->faces[it->face].name, cp, p + 1);
                    return -1;
                }
                cpset_add(&sets[it->face], (uint32_t)cp);
            }
        }
    for (int f = 0; f < FACE_COUNT; f++)
        if (sets[f].any)
            cpset_list(&sets[f]);
    return 0;
}

/* ---- libharu objects ---- */

static void put_code(buf *b, unsigned char c);

static HPDF_STATUS flate_hook(HPDF_Dict d, HPDF_Stream s)
{
    (void)d;
    return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}

static HPDF_Dict new_dict(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    return d && HPDF_Xref_Add(pdf->xref, d) == HPDF_OK ? d : NULL;
}

/* A stream object whose bytes are known when it is made: a plain dict (so its /Length can
 * be direct, not one more object) whose hooks write the length inside "<< >>" and the bytes
 * after it. The bytes are copied into libharu's memory and freed with the dict. */
typedef struct rawbody {
    HPDF_Stream out; /* the file being written, between the two hooks */
    size_t len;
    unsigned char data[];
} rawbody;

static HPDF_STATUS raw_length(HPDF_Dict d, HPDF_Stream s)
{
    rawbody *r = d->attr;
    char k[48];
    r->out = s;
    snprintf(k, sizeof k, "/Length %zu\012", r->len);
    return HPDF_Stream_WriteStr(s, k);
}

static HPDF_STATUS raw_body(HPDF_Dict d)
{
    rawbody *r = d->attr;
    if (!r->out)
        return HPDF_INVALID_STREAM;
    HPDF_STATUS st = HPDF_Stream_WriteStr(r->out, "\012stream\015\012");
    if (st == HPDF_OK && r->len)
        st = HPDF_Stream_Write(r->out, r->data, (HPDF_UINT)r->len);
    if (st == HPDF_OK)
        st = HPDF_Stream_WriteStr(r->out, "\012endstream");
    r->out = NULL;
    return st;
}

static void raw_free(HPDF_Dict d)
{
    HPDF_FreeMem(d->mmgr, d->attr);
    d->attr = NULL;
}

/* A stream of data[0..len), already zlib-compressed when flated. */
static HPDF_Dict new_stream(HPDF_Doc pdf, const void *data, size_t len, int flated)
{
    HPDF_Dict d = new_dict(pdf);
    rawbody *r =
        d && len < HPDF_LIMIT_MAX_INT ? HPDF_GetMem(pdf->mmgr, (HPDF_UINT)(sizeof *r + len)) : NULL;
    if (!r)
        return NULL;
    r->out = NULL;
    r->len = len;
    memcpy(r->data, data, len);
    d->attr = r;
    d->free_fn = raw_free;
    d->write_fn = raw_length;
    d->after_write_fn = raw_body;
    return !flated || HPDF_Dict_AddName(d, "Filter", "FlateDecode") == HPDF_OK ? d : NULL;
}

/* The UTF-16BE bytes, with their mark, of UTF-8 s (a malformed byte becomes U+FFFD). */
static void utf16be(buf *b, const char *s)
{
    buf_append(b, "\xFE\xFF", 2);
    const char *q = s, *end = s + strlen(s);
    while (q < end) {
        long cp = text_utf8_next(&q, end);
        if (cp < 0)
            cp = 0xFFFD;
        if (cp >= 0x10000) {
            uint32_t c = (uint32_t)cp - 0x10000, hi = 0xD800 + (c >> 10), lo = 0xDC00 + (c & 0x3FF);
            unsigned char u[4] = {hi >> 8, hi & 0xFF, lo >> 8, lo & 0xFF};
            buf_append(b, u, 4);
        } else {
            unsigned char u[2] = {(unsigned char)(cp >> 8), (unsigned char)(cp & 0xFF)};
            buf_append(b, u, 2);
        }
    }
}

static int is_ascii_text(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s >= 0x7F)
            return 0;
    return 1;
}

/* "/Key (bytes)\n": s as a literal string, PDFDocEncoding when it is printable ASCII, else
 * UTF-16BE. A literal string of the UTF-16 bytes is half the size of libharu's hex string. */
static void info_entry(buf *b, const char *key, const char *s)
{
    buf tmp;
    buf_init(&tmp, HPDF_LIMIT_MAX_STRING_LEN);
    if (is_ascii_text(s))
        buf_puts(&tmp, s);
    else
        utf16be(&tmp, s);
    buf_printf(b, "/%s (", key);
    for (size_t i = 0; i < tmp.len; i++)
        put_code(b, (unsigned char)tmp.data[i]);
    buf_puts(b, ")\012");
    buf_release(&tmp);
}

/* Text a dict's hook writes inside its "<< >>", in libharu's memory, freed with the dict. */
typedef struct rawtext {
    size_t len;
    char data[];
} rawtext;

static HPDF_STATUS rawtext_hook(HPDF_Dict d, HPDF_Stream s)
{
    const rawtext *t = d->attr;
    return t->len ? HPDF_Stream_Write(s, (const HPDF_BYTE *)t->data, (HPDF_UINT)t->len) : HPDF_OK;
}

static int set_rawtext(HPDF_Dict d, const buf *b)
{
    rawtext *t = b->full || b->len >= HPDF_LIMIT_MAX_INT
                     ? NULL
                     : HPDF_GetMem(d->mmgr, (HPDF_UINT)(sizeof *t + b->len));
    if (!t)
        return -1;
    t->len = b->len;
    memcpy(t->data, b->data, b->len);
    d->attr = t;
    d->free_fn = raw_free;
    d->write_fn = rawtext_hook;
    return 0;
}

/* Writes a CIDFont's /W from its subset's cached text: one string instead of a libharu
 * number object per glyph. */
static HPDF_STATUS widths_hook(HPDF_Dict d, HPDF_Stream s)
{
    return HPDF_Stream_WriteStr(s, (const char *)d->attr);
}

/* The Type0 font of one subset. */
static HPDF_Dict font_objects(pdf_engine *e, HPDF_Doc pdf, const face_res *fr, const subset *s)
{
    char name[80];
    snprintf(name, sizeof name, "%s+%s", s->tag, fr->name);
    HPDF_Dict file = new_stream(pdf, s->file, s->file_len, 1);
    HPDF_Dict tounicode = new_stream(pdf, s->tounicode, s->tounicode_len, 1);
    HPDF_Dict fd = new_dict(pdf), cid = HPDF_Dict_New(pdf->mmgr), t0 = new_dict(pdf);
    HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
    HPDF_Array bbox = HPDF_Array_New(pdf->mmgr), desc = HPDF_Array_New(pdf->mmgr);
    if (!file || !tounicode || !fd || !cid || !t0 || !info || !bbox || !desc)
        return NULL;
    HPDF_STATUS st = HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)s->file_raw_len);
    for (int i = 0; i < 4 && st == HPDF_OK; i++)
        st = HPDF_Array_AddNumber(bbox, fr->bbox[i]);
    st |= HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
    st |= HPDF_Dict_AddName(fd, "FontName", name);
    st |= HPDF_Dict_AddNumber(fd, "Flags", fr->flags);
    st |= HPDF_Dict_Add(fd, "FontBBox", bbox);
    st |= HPDF_Dict_AddReal(fd, "ItalicAngle", (HPDF_REAL)fr->italic_angle);
    st |= HPDF_Dict_AddNumber(fd, "Ascent", fr->ascent);
    st |= HPDF_Dict_AddNumber(fd, "Descent", fr->descent);
    st |= HPDF_Dict_AddNumber(fd, "CapHeight", fr->cap_height);
    st |= HPDF_Dict_AddNumber(fd, "StemV", fr->stem_v);
    st |= HPDF_Dict_Add(fd, "FontFile2", file);
    if (e->part == 1) { /* PDF/A-1 6.3.5: a CIDSet naming every CID of the subset */
        size_t n = (s->nglyphs + 7) / 8;
        unsigned char *bits = xcalloc(n ? n : 1, 1);
        for (unsigned g = 0; g < s->nglyphs; g++)
            bits[g / 8] |= (unsigned char)(0x80 >> (g % 8));
        HPDF_Dict cidset = new_stream(pdf, bits, n, 0);
        free(bits);
        st |= cidset ? HPDF_Dict_Add(fd, "CIDSet", cidset) : HPDF_FAILD_TO_ALLOC_MEM;
    }
    st |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
    st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
    st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
    st |= HPDF_Dict_AddName(cid, "Type", "Font");
    st |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    st |= HPDF_Dict_AddName(cid, "BaseFont", name);
    st |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    st |= HPDF_Dict_Add(cid, "FontDescriptor", fd);
    st |= HPDF_Dict_AddNumber(cid, "DW", 1000);
    cid->attr = (void *)s->w_text; /* the subset outlives the document */
    cid->write_fn = widths_hook;
    st |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
    st |= HPDF_Array_Add(desc, cid);
    st |= HPDF_Dict_AddName(t0, "Type", "Font");
    st |= HPDF_Dict_AddName(t0, "Subtype", "Type0");
    st |= HPDF_Dict_AddName(t0, "BaseFont", name);
    st |= HPDF_Dict_AddName(t0, "Encoding", "Identity-H");
    st |= HPDF_Dict_Add(t0, "DescendantFonts", desc);
    st |= HPDF_Dict_Add(t0, "ToUnicode", tounicode);
    return st == HPDF_OK ? t0 : NULL;
}

/* ---- page content ---- */

/* A number to `digits` decimals (1 to 4), without trailing zeros. */
static void put_fixed(buf *b, double v, int digits)
{
    static const long long scale[] = {1, 10, 100, 1000, 10000};
    long long r = llround(v * (double)scale[digits]);
    char s[40], *p = s + sizeof s;
    *--p = '\0';
    int neg = r < 0, started = 0;
    unsigned long long a = neg ? 0ULL - (unsigned long long)r : (unsigned long long)r;
    for (int k = 0; k < digits; k++, a /= 10) {
        unsigned d = (unsigned)(a % 10);
        if (d || started) {
            *--p = (char)('0' + d);
            started = 1;
        }
    }
    if (started)
        *--p = '.';
    do {
        *--p = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (neg)
        *--p = '-';
    buf_puts(b, p);
}

/* Text positions and sizes: to the hundredth of a point. */
static void put_num(buf *b, double v)
{
    put_fixed(b, v, 2);
}

/* Rules: to the thousandth, so that a thin rule falls on the same pixel row as before
 * (a hundredth moved some by a row at 100 dpi). */
static void put_rule(buf *b, double v)
{
    put_fixed(b, v, 3);
}

/* One byte of a 2-byte glyph code in a literal string: the delimiters and the backslash
 * escaped, and CR too (a reader would read a bare CR as LF). */
static void put_code(buf *b, unsigned char c)
{
    if (c == '(' || c == ')' || c == '\\') {
        char esc[2] = {'\\', (char)c};
        buf_append(b, esc, 2);
    } else if (c == '\r') {
        buf_append(b, "\\r", 2);
    } else {
        buf_append(b, &c, 1);
    }
}

/* One page's content: the rules first, then the text, as the layout drew them. */
static void page_content(pdf_engine *e, const dl_page *p, const subset *subs[FACE_COUNT], buf *b)
{
    double width = -1;
    for (size_t i = 0; i < p->n; i++) {
        const dl_item *it = &p->items[i];
        if (it->kind != DL_LINE)
            continue;
        if (it->size != width) {
            put_num(b, it->size);
            buf_puts(b, " w\n");
            width = it->size;
        }
        put_rule(b, it->x);
        buf_putc(b, ' ');
        put_rule(b, it->y);
        buf_puts(b, " m ");
        put_rule(b, it->x2);
        buf_putc(b, ' ');
        put_rule(b, it->y2);
        buf_puts(b, " l S\n");
    }
    int face = -1, open = 0;
    double size = 0, lx = 0, ly = 0;
    for (size_t i = 0; i < p->n; i++) {
        const dl_item *it = &p->items[i];
        if (it->kind != DL_TEXT || !it->text[0])
            continue;
        if (!open) {
            buf_puts(b, "BT\n");
            open = 1;
        }
        if (it->face != face || it->size != size) {
            buf_printf(b, "/F%d ", it->face);
            put_num(b, it->size);
            buf_puts(b, " Tf\n");
            face = it->face;
            size = it->size;
        }
        /* Td moves from the start of the last line: positions stay exact to 0.01 pt */
        double x = llround(it->x * 100) / 100.0, y = llround(it->y * 100) / 100.0;
        put_num(b, x - lx);
        buf_putc(b, ' ');
        put_num(b, y - ly);
        buf_puts(b, " Td (");
        lx = x;
        ly = y;
        const uint16_t *map = e->gmap[it->face];
        const char *q = it->text, *end = q + strlen(q);
        /* at most 4 bytes per character (two escaped bytes), written in place */
        size_t room = 4 * (size_t)(end - q) + 1;
        if (b->len + room + 1 > b->max) {
            b->full = 1;
            return;
        }
        if (b->cap < b->len + room + 1)
            b->data = xgrow(b->data, &b->cap, b->len + room + 1, 1);
        char *w = b->data + b->len;
        while (q < end) {
            long cp = text_utf8_next(&q, end);
            uint16_t g =
                cp >= 0 && cp < 0x10000 ? map[cp] : subset_glyph(subs[it->face], (uint32_t)cp);
            unsigned char two[2] = {(unsigned char)(g >> 8), (unsigned char)(g & 0xFF)};
            for (int k = 0; k < 2; k++) {
                unsigned char ch = two[k];
                if (ch == '(' || ch == ')' || ch == '\\' || ch == '\r')
                    *w++ = '\\', ch = ch == '\r' ? 'r' : ch;
                *w++ = (char)ch;
            }
        }
        b->len = (size_t)(w - b->data);
        b->data[b->len] = '\0';
        buf_puts(b, ") Tj\n");
    }
    if (open)
        buf_puts(b, "ET\n");
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

/* Adds page p of d with its content and the document's font dict. */
static int add_page(pdf_engine *e, HPDF_Doc pdf, const display *d, const dl_page *p,
                    const subset *subs[FACE_COUNT], HPDF_Dict fonts, sha256 *id)
{
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!page)
        return -1; /* the error handler has libharu's own code */
    if (HPDF_Page_SetWidth(page, (HPDF_REAL)d->width) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)d->height) != HPDF_OK)
        return -1;
    buf_reset(&e->content);
    page_content(e, p, subs, &e->content);
    if (e->content.full || deflate_into(e->zq, e->content.data, e->content.len, &e->packed) < 0)
        return -1;
    sha256_update(id, e->packed.data, e->packed.len);
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    attr->contents->write_fn = flate_hook;
    if (HPDF_Stream_Write(attr->stream, (HPDF_BYTE *)e->packed.data, (HPDF_UINT)e->packed.len) !=
        HPDF_OK)
        return -1;
    HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
    return res && HPDF_Dict_Add(res, "Font", fonts) == HPDF_OK ? 0 : -1;
}

/* ---- metadata ---- */

typedef struct stamp {
    char info[48]; /* D:20261120083000+07'00' */
    char xmp[48];  /* 2026-11-20T08:30:00+07:00 */
} stamp;

static int make_stamp(long long epoch, stamp *s)
{
    time_t t = (time_t)(epoch + VN_OFFSET_SECONDS);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return -1;
    int y = tm.tm_year + 1900;
    if (y < 1 || y > 9999)
        return -1;
    snprintf(s->info, sizeof s->info, "D:%04d%02d%02d%02d%02d%02d+07'00'", y, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(s->xmp, sizeof s->xmp, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 0;
}

/* s as XML character data: markup escaped, control characters other than tab and newline
 * (not allowed in XML 1.0) left out; plain runs appended at once. */
static void xml_text(buf *b, const char *s)
{
    static const char special[] = "&<>\"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0d\x0e"
                                  "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                  "\x1e\x1f";
    while (s && *s) {
        size_t n = strcspn(s, special);
        buf_append(b, s, n);
        s += n;
        if (!*s)
            break;
        switch (*s++) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            break; /* a control character */
        }
    }
}

static int has(const char *s)
{
    return s && *s;
}

/* The archival description's properties: name, XMP value type, description. */
static const char *const ARCHIVE_PROPS[][3] = {
    {"TypeName", "Text", "Tên loại văn bản"}, {"OrganName", "Text", "Cơ quan ban hành"},
    {"Subject", "Text", "Trích yếu"},         {"IssuedDate", "Text", "Ngày văn bản"},
    {"PageAmount", "Integer", "Số trang"},    {"SignerInfo", "Text", "Người ký"},
    {"Language", "Text", "Ngôn ngữ"},
};

static void xmp_alt(buf *b, const char *prop, const char *v)
{
    if (!has(v))
        return;
    buf_printf(b, "<%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", prop);
    xml_text(b, v);
    buf_printf(b, "</rdf:li></rdf:Alt></%s>", prop);
}

/* The end of every XMP packet: the extension schema that declares the project's namespace
 * (PDF/A-1 6.7.8, PDF/A-2 6.6.2.3), the same for every document: made once per engine. */
static char *xmp_extension(void)
{
    buf bb, *b = &bb;
    buf_init(b, 0);
    buf_puts(b, "\n</rdf:Description>\n<rdf:Description rdf:about=\"\""
                " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
                " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
                " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">"
                "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
                "<pdfaSchema:schema>Nghị định 30/2020 Phụ lục VI</pdfaSchema:schema>"
                "<pdfaSchema:namespaceURI>" ARCHIVE_NS "</pdfaSchema:namespaceURI>"
                "<pdfaSchema:prefix>" ARCHIVE_PREFIX "</pdfaSchema:prefix>"
                "<pdfaSchema:property><rdf:Seq>\n");
    for (size_t i = 0; i < sizeof ARCHIVE_PROPS / sizeof *ARCHIVE_PROPS; i++)
        buf_printf(b,
                   "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>%s</pdfaProperty:name>"
                   "<pdfaProperty:valueType>%s</pdfaProperty:valueType>"
                   "<pdfaProperty:category>external</pdfaProperty:category>"
                   "<pdfaProperty:description>%s</pdfaProperty:description></rdf:li>\n",
                   ARCHIVE_PROPS[i][0], ARCHIVE_PROPS[i][1], ARCHIVE_PROPS[i][2]);
    buf_puts(b, "</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
                "</rdf:Description>\n</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>");
    return buf_detach(b);
}

/* The XMP packet: one description with every namespace, then the extension schema that
 * declares the project's own (PDF/A-1 6.7.8, PDF/A-2 6.6.2.3). */
static void xmp_text(buf *b, const pdf_meta *m, int part, const stamp *st, const char *producer,
                     size_t pages, const char *tail)
{
    buf_printf(b,
               "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
               "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
               "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
               "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""
               " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
               " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\""
               " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""
               " xmlns:" ARCHIVE_PREFIX "=\"" ARCHIVE_NS "\">\n"
               "<pdfaid:part>%d</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n"
               "",
               part);
    xmp_alt(b, "dc:title", m->title);
    if (has(m->author)) {
        buf_puts(b, "<dc:creator><rdf:Seq><rdf:li>");
        xml_text(b, m->author);
        buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>");
    }
    xmp_alt(b, "dc:description", m->subject);
    buf_puts(b, "\n<xmp:CreatorTool>");
    xml_text(b, has(m->creator) ? m->creator : "ctsbatch");
    buf_printf(b,
               "</xmp:CreatorTool><xmp:CreateDate>%s</xmp:CreateDate>"
               "<xmp:ModifyDate>%s</xmp:ModifyDate><pdf:Producer>",
               st->xmp, st->xmp);
    xml_text(b, producer);
    buf_puts(b, "</pdf:Producer>\n");
    char count[24];
    snprintf(count, sizeof count, "%zu", pages);
    const char *values[] = {m->type_name, m->organ,  m->subject, m->issued,
                            count,        m->signer, m->language};
    for (size_t i = 0; i < sizeof ARCHIVE_PROPS / sizeof *ARCHIVE_PROPS; i++) {
        buf_printf(b, "<" ARCHIVE_PREFIX ":%s>", ARCHIVE_PROPS[i][0]);
        xml_text(b, values[i] ? values[i] : "");
        buf_printf(b, "</" ARCHIVE_PREFIX ":%s>", ARCHIVE_PROPS[i][0]);
    }
    buf_puts(b, tail);
}

/* Info, XMP, output intent, version and /ID. */
static int set_meta(pdf_engine *e, HPDF_Doc pdf, const pdf_meta *m, size_t pages, sha256 *id)
{
    stamp st;
    if (make_stamp(m->epoch, &st) < 0)
        return -1;
    char producer[96];
    snprintf(producer, sizeof producer, "ctsbatch, libharu %s", HPDF_GetVersion());
    HPDF_Dict info = pdf->info;
    if (!info)
        return -1;
    HPDF_STATUS s = HPDF_OK;
    const char *keys[] = {"Title", "Author", "Subject"};
    const char *vals[] = {m->title, m->author, m->subject};
    buf entries;
    buf_init(&entries, 0);
    for (int i = 0; i < 3; i++)
        if (has(vals[i]))
            info_entry(&entries, keys[i], vals[i]);
    info_entry(&entries, "Creator", has(m->creator) ? m->creator : "ctsbatch");
    info_entry(&entries, "Producer", producer);
    int bad = set_rawtext(info, &entries);
    buf_release(&entries);
    HPDF_Dict_RemoveElement(info, "Producer"); /* libharu's own, replaced above */
    s |= HPDF_Dict_Add(info, "CreationDate", HPDF_String_New(pdf->mmgr, st.info, NULL));
    s |= HPDF_Dict_Add(info, "ModDate", HPDF_String_New(pdf->mmgr, st.info, NULL));
    if (bad || s != HPDF_OK)
        return -1;
    buf x;
    buf_init(&x, 0);
    xmp_text(&x, m, e->part, &st, producer, pages, e->xmp_tail);
    sha256_update(id, x.data, x.len);
    HPDF_Dict meta = x.full ? NULL : new_stream(pdf, x.data, x.len, 0);
    buf_release(&x);
    if (!meta)
        return -1;
    s |= HPDF_Dict_AddName(meta, "Type", "Metadata");
    s |= HPDF_Dict_AddName(meta, "Subtype", "XML");
    s |= HPDF_Dict_Add(pdf->catalog, "Metadata", meta);
    HPDF_Dict icc = new_stream(pdf, e->icc_z, e->icc_zlen, 1);
    HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
    HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
    if (!icc || !intent || !intents)
        return -1;
    s |= HPDF_Dict_AddNumber(icc, "N", e->icc_n);
    s |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    s |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    const char *cond = e->icc_n == 1 ? "Gray" : e->icc_n == 3 ? "sRGB" : "CMYK";
    s |= HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(pdf->mmgr, cond, NULL));
    s |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, cond, NULL));
    s |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
    s |= HPDF_Array_Add(intents, intent);
    s |= HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents);
    pdf->pdf_version = e->part == 1 ? HPDF_VER_14 : HPDF_VER_17;
    unsigned char digest[32];
    sha256_final(id, digest);
    HPDF_Array ids = HPDF_Array_New(pdf->mmgr);
    if (!ids)
        return -1;
    s |= HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, digest, 16));
    s |= HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, digest, 16));
    s |= HPDF_Dict_Add(pdf->trailer, "ID", ids);
    return s == HPDF_OK ? 0 : -1;
}

/* libharu's writer callback: the saved bytes go straight into the document's buffer. */
static HPDF_STATUS save_write(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT size)
{
    return buf_append(stream->attr, ptr, size) < 0 ? HPDF_FILE_IO_ERROR : HPDF_OK;
}

/* Saves pdf into out. The document's save stream is a callback writer appending to out rather
 * than libharu's memory stream, which would copy every byte into 4 KiB blocks and out again:
 * HPDF_SaveToStream writes to pdf->stream whatever its kind, and frees it with the document. */
static int save(HPDF_Doc pdf, buf *out)
{
    if (!pdf->stream && !(pdf->stream = HPDF_CallbackWriter_New(pdf->mmgr, save_write, out)))
        return -1;
    return HPDF_SaveToStream(pdf) == HPDF_OK ? 0 : -1;
}

int pdf_render(pdf_engine *e, display *d, const pdf_meta *m, buf *out, char *err, size_t errlen)
{
    if (d->npages > PDF_MAX_PAGES) {
        snprintf(err, errlen,
                 "the document would have %zu pages, more than the %d one PDF may have", d->npages,
                 PDF_MAX_PAGES);
        return -1;
    }
    cpset *sets = xcalloc(FACE_COUNT, sizeof *sets); /* 8 KiB each: not on the stack */
    const subset *subs[FACE_COUNT] = {NULL};
    int rc = -1;
    herr he = {0, 0};
    HPDF_Doc pdf = NULL;
    sha256 id = {NULL};
    if (gather(e, d, sets, err, errlen) < 0)
        goto out;
    for (int f = 0; f < FACE_COUNT; f++)
        if (sets[f].n &&
            !(subs[f] = subset_get(e, &e->faces[f], sets[f].v, sets[f].n, err, errlen)))
            goto out;
    /* no libharu memory pool (it does not align its blocks): the engine's arena instead */
    current_arena = &e->heap;
    pdf = HPDF_NewEx(on_error, arena_alloc, arena_free, 0, &he);
    if (!pdf) {
        snprintf(err, errlen, "libharu could not start");
        goto out;
    }
    const char *stage = "making the fonts";
    HPDF_Dict fonts = new_dict(pdf);
    if (!fonts)
        goto fail;
    sha256_init(&id);
    { /* the /ID covers what the engine puts in every document, and the page size */
        double size[2] = {d->width, d->height};
        sha256_update(&id, e->digest, sizeof e->digest);
        sha256_update(&id, size, sizeof size);
    }
    /* PDF/A-1 allows arrays of 8191 entries: past PDF_PAGES_PER_NODE pages the page tree gets
     * intermediate nodes (a shorter document keeps its one node, and its bytes) */
    if (d->npages > PDF_PAGES_PER_NODE &&
        HPDF_SetPagesConfiguration(pdf, PDF_PAGES_PER_NODE) != HPDF_OK)
        goto fail;
    for (int f = 0; f < FACE_COUNT; f++) {
        if (!subs[f])
            continue;
        char key[8];
        snprintf(key, sizeof key, "F%d", f);
        HPDF_Dict t0 = font_objects(e, pdf, &e->faces[f], subs[f]);
        if (!t0 || HPDF_Dict_Add(fonts, key, t0) != HPDF_OK)
            goto fail;
        sha256_update(&id, subs[f]->tag, 6);
    }
    for (int f = 0; f < FACE_COUNT; f++)
        for (size_t i = 0; subs[f] && i < subs[f]->ncps && subs[f]->cps[i] < 0x10000; i++)
            e->gmap[f][subs[f]->cps[i]] = subs[f]->gids[i];
    size_t p = 0;
    for (; p < d->npages; p++) {
        if (add_page(e, pdf, d, &d->pages[p], subs, fonts, &id) < 0)
            break;
        page_release(&d->pages[p]);
    }
    if (p < d->npages) {
        snprintf(err, errlen, "libharu error 0x%04X (detail %u) on page %zu of %zu",
                 (unsigned)he.code, (unsigned)he.detail, p + 1, d->npages);
        goto out;
    }
    stage = "writing the metadata";
    if (set_meta(e, pdf, m, d->npages, &id) < 0 || he.code)
        goto fail;
    stage = "saving";
    if (save(pdf, out) < 0 || he.code)
        goto fail;
    rc = 0;
    goto out;
fail:
    snprintf(err, errlen, "libharu error 0x%04X (detail %u) while %s", (unsigned)he.code,
             (unsigned)he.detail, stage);
out:
    for (int f = 0; f < FACE_COUNT; f++) /* the map is left all zero for the next document */
        for (size_t i = 0; subs[f] && i < subs[f]->ncps && subs[f]->cps[i] < 0x10000; i++)
            e->gmap[f][subs[f]->cps[i]] = 0;
    sha256_release(&id);
    if (pdf)
        HPDF_Free(pdf);
    current_arena = NULL;
    arena_reset(&e->heap, ARENA_KEEP);
    for (int f = 0; f < FACE_COUNT; f++)
        cpset_release(&sets[f]);
    free(sets);
    return rc;
}
