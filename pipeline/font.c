/* font: TrueType metrics read straight from the font file, for the layout engine.
 *
 * FORMS.md: the layout measures text with the fonts' real advance widths so that nothing is
 * clipped or overprinted, and the fonts must hold every precomposed Vietnamese letter. The
 * table layouts follow the OpenType specification ('head', 'hhea', 'maxp', 'hmtx', 'cmap'
 * formats 4 and 12, 'name'). Only TrueType outlines are accepted: a CFF font ('OTTO') or a
 * collection ('ttcf') is refused with a message.
 *
 * Safety: the file is untrusted. Every offset and length taken from it goes through
 * span_sub, which checks it against the bytes actually present before anything is read;
 * the raw readers be16/be32 are only used on ranges that span_sub has accepted. Work done
 * on a hostile file is bounded by its size and by the 65536 code points of the BMP.
 *
 * Speed: the BMP is resolved once at load time into two flat tables (glyph id and advance
 * per code point), so that font_glyph and font_advance_units cost one array read; code
 * points above U+FFFF use a binary search over the cmap format 12 groups. */
#include "font.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

enum {
    FONT_BMP_SIZE = 0x10000,
    FONT_PS_NAME_MAX = 63, /* OpenType 'name' ID 6: at most 63 characters */
    FONT_UPEM_MIN = 16,    /* OpenType 'head': unitsPerEm is 16..16384 */
    FONT_UPEM_MAX = 16384,
    FONT_CP_MAX = 0x10FFFF
};

#define TAG(a, b, c, d)                                                                            \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* A cmap format 12 group: code points start..end map to glyphs gid, gid + 1, ... */
typedef struct font_group {
    uint32_t start;
    uint32_t end;
    uint32_t gid;
} font_group;

struct font {
    unsigned char *data; /* the whole file, owned */
    size_t len;
    int upem;
    int ascent;
    int descent;
    uint16_t num_glyphs;
    uint16_t *glyph_adv; /* advance per glyph id, num_glyphs entries */
    uint16_t *bmp_glyph; /* glyph id per BMP code point, FONT_BMP_SIZE entries */
    uint16_t *bmp_adv;   /* advance per BMP code point, FONT_BMP_SIZE entries */
    font_group *groups;  /* format 12 groups reaching above U+FFFF, sorted, disjoint */
    size_t ngroups;
    char ps_name[FONT_PS_NAME_MAX + 1];
};

/* A bounds-checked view of part of the file. */
typedef struct span {
    const unsigned char *p;
    size_t len;
} span;

/* The tables the parser needs, found in the table directory. */
typedef struct font_tables {
    span head, hhea, maxp, hmtx, cmap, name;
    int have_name;
} font_tables;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static int16_t be16s(const unsigned char *p)
{
    uint16_t u = be16(p);
    return u < 0x8000 ? (int16_t)u : (int16_t)((int32_t)u - 0x10000);
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* *out = s[off .. off + n). Returns 0, or -1 when that range is not wholly inside s. */
static int span_sub(span s, size_t off, size_t n, span *out)
{
    if (off > s.len || n > s.len - off) {
        return -1;
    }
    out->p = s.p + off;
    out->len = n;
    return 0;
}

/* The part of s from off to its end, or -1 when off is past the end. */
static int span_tail(span s, size_t off, span *out)
{
    if (off > s.len) {
        return -1;
    }
    return span_sub(s, off, s.len - off, out);
}

/* A byte of a table tag as a character fit for a message. */
static char printable(unsigned char c)
{
    return c >= 32 && c < 127 ? (char)c : '?';
}

/* Locates the tables this module uses in the table directory dir (ntables records, all
 * already checked to lie inside file) and checks their minimum lengths. */
static int find_tables(span dir, size_t ntables, span file, font_tables *t, char *err,
                       size_t errlen)
{
    static const struct {
        uint32_t tag;
        const char *name;
        size_t min_len; /* bytes of fixed fields this module reads */
        int optional;
    } want[] = {
        {TAG('h', 'e', 'a', 'd'), "head", 54, 0}, {TAG('h', 'h', 'e', 'a'), "hhea", 36, 0},
        {TAG('m', 'a', 'x', 'p'), "maxp", 6, 0},  {TAG('h', 'm', 't', 'x'), "hmtx", 0, 0},
        {TAG('c', 'm', 'a', 'p'), "cmap", 4, 0},  {TAG('n', 'a', 'm', 'e'), "name", 6, 1},
    };
    span *dst[] = {&t->head, &t->hhea, &t->maxp, &t->hmtx, &t->cmap, &t->name};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        size_t i = 0;
        while (i < ntables && be32(dir.p + i * 16) != want[w].tag) {
            i++;
        }
        if (i == ntables) {
            if (want[w].optional) {
                continue;
            }
            set_err(err, errlen, "required table '%s' is missing", want[w].name);
            return -1;
        }
        size_t off = be32(dir.p + i * 16 + 8);
        size_t len = be32(dir.p + i * 16 + 12);
        if (span_sub(file, off, len, dst[w]) < 0 || len < want[w].min_len) {
            set_err(err, errlen, "table '%s' is too short (%zu bytes)", want[w].name, len);
            return -1;
        }
        if (want[w].tag == TAG('n', 'a', 'm', 'e')) {
            t->have_name = 1;
        }
    }
    return 0;
}

/* Reads the sfnt header and table directory, checks that every table lies inside the file,
 * and locates the tables this module uses. */
static int read_directory(span file, font_tables *t, char *err, size_t errlen)
{
    span hdr;
    if (span_sub(file, 0, 12, &hdr) < 0) {
        set_err(err, errlen, "file too short for a font (%zu bytes)", file.len);
        return -1;
    }
    uint32_t version = be32(hdr.p);
    if (version == TAG('O', 'T', 'T', 'O')) {
        set_err(err, errlen,
                "OpenType font with CFF outlines ('OTTO') is not supported; "
                "use a TrueType (.ttf) font");
        return -1;
    }
    if (version == TAG('t', 't', 'c', 'f')) {
        set_err(err, errlen, "font collection ('ttcf') is not supported; use a single .ttf");
        return -1;
    }
    if (version != 0x00010000u && version != TAG('t', 'r', 'u', 'e')) {
        set_err(err, errlen, "not a TrueType font (sfnt version 0x%08lx)", (unsigned long)version);
        return -1;
    }
    size_t ntables = be16(hdr.p + 4);
    span dir;
    if (span_sub(file, 12, ntables * 16, &dir) < 0) {
        set_err(err, errlen, "table directory (%zu tables) runs past the end of the file", ntables);
        return -1;
    }
    /* Every table must lie inside the file, not only the ones read here: the bytes are
     * embedded in the PDF as they are, and a truncated file must not get that far. */
    for (size_t i = 0; i < ntables; i++) {
        span table;
        const unsigned char *rec = dir.p + i * 16;
        if (span_sub(file, be32(rec + 8), be32(rec + 12), &table) < 0) {
            set_err(err, errlen,
                    "table '%c%c%c%c' (offset %lu, length %lu) lies outside the "
                    "file (%zu bytes): truncated or damaged font",
                    printable(rec[0]), printable(rec[1]), printable(rec[2]), printable(rec[3]),
                    (unsigned long)be32(rec + 8), (unsigned long)be32(rec + 12), file.len);
            return -1;
        }
    }
    return find_tables(dir, ntables, file, t, err, errlen);
}

/* 'head', 'hhea' and 'maxp': units per em, vertical metrics, glyph count. The spans were
 * checked against their minimum lengths by read_directory. */
static int read_header_tables(font *f, const font_tables *t, size_t *nhm, char *err, size_t errlen)
{
    if (be32(t->head.p + 12) != 0x5F0F3CF5u) {
        set_err(err, errlen, "table 'head' has a bad magic number");
        return -1;
    }
    f->upem = be16(t->head.p + 18);
    if (f->upem < FONT_UPEM_MIN || f->upem > FONT_UPEM_MAX) {
        set_err(err, errlen, "unitsPerEm %d is outside %d..%d", f->upem, FONT_UPEM_MIN,
                FONT_UPEM_MAX);
        return -1;
    }
    f->ascent = be16s(t->hhea.p + 4);
    f->descent = be16s(t->hhea.p + 6);
    *nhm = be16(t->hhea.p + 34);
    f->num_glyphs = be16(t->maxp.p + 4);
    if (f->num_glyphs == 0) {
        set_err(err, errlen, "font has no glyphs (maxp numGlyphs is 0)");
        return -1;
    }
    if (*nhm == 0) {
        set_err(err, errlen, "hhea numberOfHMetrics is 0");
        return -1;
    }
    return 0;
}

/* 'hmtx': one advance per glyph; glyphs past numberOfHMetrics repeat the last advance. */
static int read_hmtx(font *f, span hmtx, size_t nhm, char *err, size_t errlen)
{
    if (nhm > f->num_glyphs) {
        nhm = f->num_glyphs; /* more metrics than glyphs: the extra ones name nothing */
    }
    span metrics;
    if (span_sub(hmtx, 0, nhm * 4, &metrics) < 0) {
        set_err(err, errlen, "table 'hmtx' (%zu bytes) is too short for %zu metrics", hmtx.len,
                nhm);
        return -1;
    }
    f->glyph_adv = xmalloc((size_t)f->num_glyphs * sizeof *f->glyph_adv);
    for (size_t g = 0; g < f->num_glyphs; g++) {
        size_t i = g < nhm ? g : nhm - 1;
        f->glyph_adv[g] = be16(metrics.p + i * 4);
    }
    return 0;
}

/* Glyph id read from a cmap; ids past the glyph count map to .notdef. */
static uint16_t valid_gid(const font *f, uint32_t gid)
{
    return gid < f->num_glyphs ? (uint16_t)gid : 0;
}

/* cmap format 4 (BMP segments) into f->bmp_glyph. sub runs from the subtable to the end of
 * the cmap table: the subtable's own length field is wrong in some real fonts, so reads are
 * bounded by the table instead. Segments are meant to be sorted by end code; each code point
 * is resolved by the first segment whose end is >= it, as a binary search would, and each
 * is visited once, so a hostile segment list costs at most 65536 + segCount steps. */
static int read_cmap4(font *f, span sub, char *err, size_t errlen)
{
    span hdr;
    if (span_sub(sub, 0, 14, &hdr) < 0) {
        set_err(err, errlen, "cmap format 4 subtable is truncated");
        return -1;
    }
    size_t segs = be16(hdr.p + 6) / 2;
    span arrays;
    if (span_sub(sub, 14, segs * 8 + 2, &arrays) < 0) {
        set_err(err, errlen, "cmap format 4 subtable (%zu segments) is truncated", segs);
        return -1;
    }
    const unsigned char *ends = arrays.p;
    const unsigned char *starts = ends + segs * 2 + 2; /* + reservedPad */
    const unsigned char *deltas = starts + segs * 2;
    const unsigned char *ranges = deltas + segs * 2;
    size_t ranges_off = 14 + segs * 6 + 2; /* offset of idRangeOffset[0] in sub */
    uint32_t next = 0;                     /* lowest code point no segment has claimed yet */
    for (size_t i = 0; i < segs && next < FONT_BMP_SIZE; i++) {
        uint32_t end = be16(ends + i * 2);
        uint32_t start = be16(starts + i * 2);
        uint16_t delta = be16(deltas + i * 2);
        size_t range = be16(ranges + i * 2);
        if (end < next) {
            continue;
        }
        uint32_t first = start > next ? start : next;
        for (uint32_t c = first; c <= end; c++) {
            uint32_t g;
            if (range == 0) {
                g = (c + delta) & 0xFFFFu;
            } else {
                /* idRangeOffset counts bytes from its own position to the glyph id */
                size_t at = ranges_off + i * 2 + range + (size_t)(c - start) * 2;
                span cell;
                if (span_sub(sub, at, 2, &cell) < 0) {
                    set_err(err, errlen,
                            "cmap format 4 glyph index for U+%04lX lies outside "
                            "the table",
                            (unsigned long)c);
                    return -1;
                }
                g = be16(cell.p);
                if (g != 0) {
                    g = (g + delta) & 0xFFFFu;
                }
            }
            f->bmp_glyph[c] = valid_gid(f, g);
        }
        next = end + 1;
    }
    return 0;
}

/* cmap format 12 (32-bit groups): fills the BMP part of f->bmp_glyph and keeps the groups
 * that reach above U+FFFF for font_glyph's binary search. The groups must be sorted and
 * disjoint, as the specification requires, or the binary search would be wrong. */
static int read_cmap12(font *f, span sub, char *err, size_t errlen)
{
    span hdr;
    if (span_sub(sub, 0, 16, &hdr) < 0) {
        set_err(err, errlen, "cmap format 12 subtable is truncated");
        return -1;
    }
    size_t ngroups = be32(hdr.p + 12);
    span groups;
    if (ngroups > (sub.len - 16) / 12 || span_sub(sub, 16, ngroups * 12, &groups) < 0) {
        set_err(err, errlen, "cmap format 12 subtable (%zu groups) is truncated", ngroups);
        return -1;
    }
    size_t cap = 0;
    for (size_t i = 0; i < ngroups; i++) {
        const unsigned char *g = groups.p + i * 12;
        uint32_t start = be32(g);
        uint32_t end = be32(g + 4);
        uint32_t gid = be32(g + 8);
        int overlaps = i > 0 && start <= be32(g - 12 + 4);
        if (start > end || end > FONT_CP_MAX || overlaps) {
            set_err(err, errlen,
                    "cmap format 12 group %zu (U+%04lX..U+%04lX) is out of "
                    "order or out of range",
                    i, (unsigned long)start, (unsigned long)end);
            return -1;
        }
        for (uint32_t c = start; c <= end && c < FONT_BMP_SIZE; c++) {
            f->bmp_glyph[c] = valid_gid(f, gid + (c - start));
        }
        if (end >= FONT_BMP_SIZE) {
            f->groups = xgrow(f->groups, &cap, f->ngroups + 1, sizeof *f->groups);
            f->groups[f->ngroups].start = start;
            f->groups[f->ngroups].end = end;
            f->groups[f->ngroups].gid = gid;
            f->ngroups++;
        }
    }
    return 0;
}

/* Picks the Unicode subtable: Windows UCS-4 (3,10) format 12, else Windows BMP (3,1)
 * format 4, else a Unicode-platform (0,*) format 12 or 4. */
static int read_cmap(font *f, span cmap, char *err, size_t errlen)
{
    size_t nsub = be16(cmap.p + 2);
    span recs;
    if (span_sub(cmap, 4, nsub * 8, &recs) < 0) {
        set_err(err, errlen, "table 'cmap' lists %zu subtables but is truncated", nsub);
        return -1;
    }
    enum { PICK_NONE, PICK_0_4, PICK_0_12, PICK_3_1_4, PICK_3_10_12 };
    int best = PICK_NONE;
    span best_sub = {NULL, 0};
    for (size_t i = 0; i < nsub; i++) {
        const unsigned char *r = recs.p + i * 8;
        uint16_t platform = be16(r);
        uint16_t encoding = be16(r + 2);
        span sub;
        if (span_tail(cmap, be32(r + 4), &sub) < 0 || sub.len < 2) {
            set_err(err, errlen, "cmap subtable %zu lies outside the table", i);
            return -1;
        }
        uint16_t format = be16(sub.p);
        int pick = PICK_NONE;
        if (platform == 3 && encoding == 10 && format == 12) {
            pick = PICK_3_10_12;
        } else if (platform == 3 && encoding == 1 && format == 4) {
            pick = PICK_3_1_4;
        } else if (platform == 0 && format == 12) {
            pick = PICK_0_12;
        } else if (platform == 0 && format == 4) {
            pick = PICK_0_4;
        }
        if (pick > best) {
            best = pick;
            best_sub = sub;
        }
    }
    if (best == PICK_NONE) {
        set_err(err, errlen, "no Unicode cmap subtable (format 4 or 12) in the font");
        return -1;
    }
    if (best == PICK_3_10_12 || best == PICK_0_12) {
        return read_cmap12(f, best_sub, err, errlen);
    }
    return read_cmap4(f, best_sub, err, errlen);
}

/* Keeps the characters a PostScript name may hold: printable ASCII without the PDF/PS
 * delimiters, so that the name can go into a PDF name object as it is. */
static int ps_name_char(uint32_t c)
{
    return c > 32 && c < 127 && !strchr("[](){}<>/%", (int)c);
}

/* 'name' ID 6, the PostScript name: from a Windows (3,*) or Unicode (0,*) record in
 * UTF-16BE, else a Macintosh (1,0) record in bytes. A missing or bad name gives "". */
static void read_ps_name(font *f, span name)
{
    size_t count = be16(name.p + 2);
    size_t strings_off = be16(name.p + 4);
    span recs, strings;
    if (span_sub(name, 6, count * 12, &recs) < 0 || span_tail(name, strings_off, &strings) < 0) {
        return;
    }
    int best_rank = 0;
    span best = {NULL, 0};
    int best_wide = 0;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *r = recs.p + i * 12;
        uint16_t platform = be16(r);
        uint16_t encoding = be16(r + 2);
        if (be16(r + 6) != 6) {
            continue;
        }
        int rank = 0;
        if (platform == 3) {
            rank = 3;
        } else if (platform == 0) {
            rank = 2;
        } else if (platform == 1 && encoding == 0) {
            rank = 1;
        }
        span s;
        if (rank <= best_rank || span_sub(strings, be16(r + 10), be16(r + 8), &s) < 0) {
            continue;
        }
        best_rank = rank;
        best = s;
        best_wide = platform != 1;
    }
    size_t n = 0;
    size_t step = best_wide ? 2 : 1;
    for (size_t i = 0; i + step <= best.len && n < FONT_PS_NAME_MAX; i += step) {
        uint32_t c = best_wide ? be16(best.p + i) : best.p[i];
        if (ps_name_char(c)) {
            f->ps_name[n++] = (char)c;
        }
    }
    f->ps_name[n] = '\0';
}

/* Parses the font in data[0..len), which the new font takes over (freed on failure). */
static font *font_parse(unsigned char *data, size_t len, char *err, size_t errlen)
{
    font *f = xcalloc(1, sizeof *f);
    f->data = data;
    f->len = len;
    span file = {data, len};
    font_tables t;
    memset(&t, 0, sizeof t);
    size_t nhm = 0;
    if (read_directory(file, &t, err, errlen) < 0 ||
        read_header_tables(f, &t, &nhm, err, errlen) < 0 ||
        read_hmtx(f, t.hmtx, nhm, err, errlen) < 0) {
        goto fail;
    }
    f->bmp_glyph = xcalloc(FONT_BMP_SIZE, sizeof *f->bmp_glyph);
    if (read_cmap(f, t.cmap, err, errlen) < 0) {
        goto fail;
    }
    f->bmp_adv = xmalloc(FONT_BMP_SIZE * sizeof *f->bmp_adv);
    for (size_t c = 0; c < FONT_BMP_SIZE; c++) {
        f->bmp_adv[c] = f->glyph_adv[f->bmp_glyph[c]];
    }
    if (t.have_name) {
        read_ps_name(f, t.name);
    }
    return f;
fail:
    font_free(f);
    return NULL;
}

font *font_load_mem(const unsigned char *data, size_t len, char *err, size_t errlen)
{
    if (!data && len > 0) {
        set_err(err, errlen, "no font data");
        return NULL;
    }
    if (len > FONT_MAX_FILE_BYTES) {
        set_err(err, errlen, "font data too large (%zu bytes, limit %zu)", len,
                FONT_MAX_FILE_BYTES);
        return NULL;
    }
    unsigned char *copy = xmalloc(len);
    if (len > 0) {
        memcpy(copy, data, len);
    }
    return font_parse(copy, len, err, errlen);
}

font *font_load(const char *path, char *err, size_t errlen)
{
    buf data;
    buf_init(&data, FONT_MAX_FILE_BYTES);
    int rc = buf_read_file(&data, path);
    if (rc < 0) {
        if (rc == -2)
            set_err(err, errlen, "font %s is larger than %zu bytes", path, FONT_MAX_FILE_BYTES);
        else
            set_err(err, errlen, "cannot read font %s: %s", path, strerror(errno));
        buf_release(&data);
        return NULL;
    }
    size_t len = data.len;
    unsigned char *bytes = (unsigned char *)buf_detach(&data);
    font *f = font_parse(bytes, len, err, errlen);
    if (!f && err && errlen > 0) {
        /* Name the file in the message: the parser does not know it. */
        size_t n = strlen(err);
        char *why = xstrndup(err, n);
        set_err(err, errlen, "font %s: %s", path, why);
        free(why);
    }
    return f;
}

void font_free(font *f)
{
    if (!f) {
        return;
    }
    free(f->data);
    free(f->glyph_adv);
    free(f->bmp_glyph);
    free(f->bmp_adv);
    free(f->groups);
    free(f);
}

int font_units_per_em(const font *f)
{
    return f->upem;
}

int font_ascent(const font *f)
{
    return f->ascent;
}

int font_descent(const font *f)
{
    return f->descent;
}

uint16_t font_glyph(const font *f, uint32_t cp)
{
    if (cp < FONT_BMP_SIZE) {
        return f->bmp_glyph[cp];
    }
    size_t lo = 0;
    size_t hi = f->ngroups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const font_group *g = &f->groups[mid];
        if (cp < g->start) {
            hi = mid;
        } else if (cp > g->end) {
            lo = mid + 1;
        } else {
            return valid_gid(f, g->gid + (cp - g->start));
        }
    }
    return 0;
}

int font_has_glyph(const font *f, uint32_t cp)
{
    return font_glyph(f, cp) != 0;
}

int font_advance_units(const font *f, uint32_t cp)
{
    if (cp < FONT_BMP_SIZE) {
        return f->bmp_adv[cp];
    }
    return f->glyph_adv[font_glyph(f, cp)];
}

double font_text_width(const font *f, const char *utf8, size_t n, double size)
{
    if (n == 0) {
        return 0.0;
    }
    const char *p = utf8;
    const char *end = utf8 + n;
    uint64_t units = 0; /* at most 65535 per byte: cannot overflow */
    while (p < end) {
        long cp = text_utf8_next(&p, end);
        units += cp < 0 ? f->glyph_adv[0] : (uint64_t)font_advance_units(f, (uint32_t)cp);
    }
    return (double)units * size / f->upem;
}

const unsigned char *font_data(const font *f, size_t *len)
{
    if (len) {
        *len = f->len;
    }
    return f->data;
}

const char *font_postscript_name(const font *f)
{
    return f->ps_name;
}
