/* test_font: unit tests of pipeline/font.c: TrueType metrics of the real Liberation Serif
 * fonts (FORMS.md: the fonts must hold every precomposed Vietnamese letter), widths of
 * Vietnamese text, cmap formats 4 and 12 and the hmtx tail on small fonts built here, and
 * clean failures on missing, empty, random, truncated, oversized and hostile files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "font.h"
#include "util.h"

#define FONT_DIR "/usr/share/fonts/truetype/liberation2/"
#define SERIF_REGULAR FONT_DIR "LiberationSerif-Regular.ttf"
#define SERIF_BOLD FONT_DIR "LiberationSerif-Bold.ttf"

/* Known values of LiberationSerif-Regular.ttf and -Bold.ttf (fonts-liberation2 2.1.x, Debian
 * 12), obtained independently of font.c with FreeType 2.12.1: FT_New_Face, face->units_per_EM,
 * face->ascender/descender, FT_Get_Postscript_Name, FT_Get_Char_Index, and
 * FT_Load_Glyph(FT_LOAD_NO_SCALE) -> glyph->metrics.horiAdvance (font units). */
enum { SERIF_UPEM = 2048, SERIF_ASCENT = 1825, SERIF_DESCENT = -443, SERIF_NOTDEF_ADVANCE = 1593 };

typedef struct known_glyph {
    uint32_t cp;
    uint16_t gid;
    int regular_adv;
    int bold_adv;
} known_glyph;

static const known_glyph KNOWN[] = {
    {0x0041, 36, 1479, 1479},   /* A */
    {0x004E, 49, 1479, 1479},   /* N */
    {0x0057, 58, 1933, 2048},   /* W */
    {0x0067, 74, 1024, 1024},   /* g */
    {0x0075, 88, 1024, 1139},   /* u */
    {0x0079, 92, 1024, 1024},   /* y */
    {0x0065, 72, 909, 909},     /* e */
    {0x006E, 81, 1024, 1139},   /* n */
    {0x0069, 76, 569, 569},     /* i */
    {0x0020, 3, 512, 512},      /* space */
    {0x00C0, 130, 1479, 1479},  /* À */
    {0x0103, 197, 909, 1024},   /* ă */
    {0x0111, 211, 1024, 1139},  /* đ */
    {0x01A1, 355, 1083, 1134},  /* ơ */
    {0x01B0, 370, 1110, 1229},  /* ư */
    {0x1EA0, 1674, 1479, 1479}, /* Ạ */
    {0x1EC5, 1711, 909, 909},   /* ễ */
    {0x1EF9, 1763, 1024, 1024}, /* ỹ */
    {0x20AC, 2088, 1024, 1024}, /* € */
};

/* "Nguyễn" in UTF-8 and its advances in the regular face (from KNOWN). */
static const char NGUYEN[] = "Nguy\xe1\xbb\x85n";
static const int NGUYEN_REGULAR_UNITS = 1479 + 1024 + 1024 + 1024 + 909 + 1024;

/* ---- helpers ---- */

static font *load_ok(const char *path)
{
    char err[256] = "";
    font *f = font_load(path, err, sizeof err);
    if (!f) {
        print_error("font_load(%s): %s\n", path, err);
    }
    assert_non_null(f);
    return f;
}

/* Expects loading len bytes from memory to fail with a message. */
static void expect_mem_fails(const unsigned char *data, size_t len)
{
    char err[256] = "";
    font *f = font_load_mem(data, len, err, sizeof err);
    assert_null(f);
    assert_true(strlen(err) > 0);
}

/* Expects loading path to fail with a message. */
static void expect_file_fails(const char *path)
{
    char err[256] = "";
    font *f = font_load(path, err, sizeof err);
    assert_null(f);
    assert_true(strlen(err) > 0);
}

/* Reads a whole file into a heap buffer. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    buf b;
    buf_init(&b, 0);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        assert_int_equal(buf_append(&b, chunk, n), 0);
    }
    fclose(fp);
    *len = b.len;
    return (unsigned char *)buf_detach(&b);
}

/* Writes data to a new temporary file and returns its name (caller unlinks and frees). */
static char *write_temp(const void *data, size_t len)
{
    char *name = xstrdup("/tmp/test_font_XXXXXX");
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    if (len > 0) {
        assert_int_equal(fwrite(data, 1, len, fp), len);
    }
    assert_int_equal(fclose(fp), 0);
    return name;
}

static uint32_t get32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void set32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Offset in a font file of the table directory record for tag, or 0 when absent. */
static size_t dir_record(const unsigned char *d, const char *tag)
{
    size_t n = ((size_t)d[4] << 8) | d[5];
    for (size_t i = 0; i < n; i++) {
        if (memcmp(d + 12 + i * 16, tag, 4) == 0) {
            return 12 + i * 16;
        }
    }
    return 0;
}

/* ---- a tiny font built in memory, for what Liberation Serif does not exercise ---- */

static void put16(buf *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    assert_int_equal(buf_append(b, p, 2), 0);
}

static void put32(buf *b, uint32_t v)
{
    unsigned char p[4];
    set32(p, v);
    assert_int_equal(buf_append(b, p, 4), 0);
}

static void put_zeros(buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(buf_putc(b, 0), 0);
    }
}

typedef struct tbl {
    const char *tag;
    buf data;
} tbl;

/* Lays out an sfnt file: header, directory, tables 4-byte aligned. Frees the tables. */
static unsigned char *sfnt_build(tbl *t, size_t n, size_t *len)
{
    buf out;
    buf_init(&out, 0);
    put32(&out, 0x00010000);
    put16(&out, (unsigned)n);
    put16(&out, 0);
    put16(&out, 0);
    put16(&out, 0);
    size_t off = 12 + 16 * n;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(buf_append(&out, t[i].tag, 4), 0);
        put32(&out, 0);
        put32(&out, (uint32_t)off);
        put32(&out, (uint32_t)t[i].data.len);
        off += (t[i].data.len + 3) & ~(size_t)3;
    }
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(buf_append(&out, t[i].data.data, t[i].data.len), 0);
        put_zeros(&out, ((t[i].data.len + 3) & ~(size_t)3) - t[i].data.len);
        buf_release(&t[i].data);
    }
    *len = out.len;
    return (unsigned char *)buf_detach(&out);
}

enum {
    TINY_UPEM = 1000,
    TINY_ADV0 = 500, /* .notdef */
    TINY_ADV1 = 700  /* glyph 1, and by the hmtx tail rule glyphs 2 and 3 */
};

/* head, hhea, maxp (4 glyphs), hmtx (2 metrics: glyphs 2 and 3 repeat the last advance). */
static void tiny_common(tbl *t)
{
    static const char *tags[] = {"head", "hhea", "maxp", "hmtx"};
    for (size_t i = 0; i < 4; i++) {
        t[i].tag = tags[i];
        buf_init(&t[i].data, 0);
    }
    put32(&t[0].data, 0x00010000); /* version */
    put32(&t[0].data, 0);          /* fontRevision */
    put32(&t[0].data, 0);          /* checksumAdjustment */
    put32(&t[0].data, 0x5F0F3CF5); /* magicNumber */
    put16(&t[0].data, 0);          /* flags */
    put16(&t[0].data, TINY_UPEM);
    put_zeros(&t[0].data, 54 - 20);
    put32(&t[1].data, 0x00010000);
    put16(&t[1].data, 800);           /* ascender */
    put16(&t[1].data, 0x10000 - 200); /* descender -200 */
    put_zeros(&t[1].data, 34 - 8);
    put16(&t[1].data, 2); /* numberOfHMetrics */
    put32(&t[2].data, 0x00005000);
    put16(&t[2].data, 4); /* numGlyphs */
    put16(&t[3].data, TINY_ADV0);
    put16(&t[3].data, 0);
    put16(&t[3].data, TINY_ADV1);
    put16(&t[3].data, 0);
    put16(&t[3].data, 0); /* leftSideBearing of glyphs 2 and 3 */
    put16(&t[3].data, 0);
}

/* A format 4 subtable mapping 'A' to glyph 2 (by idDelta) and 'a', 'b', 'c' to 0, 2, 3 (by
 * idRangeOffset into glyphIdArray {0, 1, 2}, then idDelta +1, which leaves 0 alone); range_fix
 * is added to that idRangeOffset. */
static void put_cmap4(buf *b, unsigned range_fix)
{
    unsigned segs = 3;
    put16(b, 4);
    put16(b, 16 + segs * 8 + 6); /* length */
    put16(b, 0);
    put16(b, segs * 2);
    put16(b, 4); /* searchRange etc.: not used by the reader */
    put16(b, 1);
    put16(b, 2);
    put16(b, 'A'); /* endCode */
    put16(b, 'c');
    put16(b, 0xFFFF);
    put16(b, 0);   /* reservedPad */
    put16(b, 'A'); /* startCode */
    put16(b, 'a');
    put16(b, 0xFFFF);
    put16(b, (2 - 'A') & 0xFFFF); /* idDelta, wrapping modulo 65536 */
    put16(b, 1);
    put16(b, 1);
    put16(b, 0); /* idRangeOffset: segment 1 points 4 bytes on, to glyphIdArray[0] */
    put16(b, 4 + range_fix);
    put16(b, 0);
    put16(b, 0); /* glyphIdArray */
    put16(b, 1);
    put16(b, 2);
}

/* A format 12 subtable: 'A'..'B' -> glyphs 1, 2; 'C' -> glyph 9, past numGlyphs; U+1F600
 * -> glyph 3; and, when overlap is set, a last group that overlaps the one before. */
static void put_cmap12(buf *b, int overlap)
{
    uint32_t n = overlap ? 4 : 3;
    put16(b, 12);
    put16(b, 0);
    put32(b, 16 + 12 * n);
    put32(b, 0);
    put32(b, n);
    put32(b, 'A');
    put32(b, 'B');
    put32(b, 1);
    put32(b, 'C');
    put32(b, 'C');
    put32(b, 9);
    put32(b, 0x1F600);
    put32(b, 0x1F600);
    put32(b, 3);
    if (overlap) {
        put32(b, 0x1F600);
        put32(b, 0x1F601);
        put32(b, 1);
    }
}

enum { TINY_CMAP4_ONLY, TINY_CMAP_BOTH, TINY_CMAP12_OVERLAP, TINY_CMAP4_BAD_RANGE };

/* A name table with a Macintosh record "Mac-Name" and a Windows record, in UTF-16BE,
 * "Tiny(Font)-Ωx" (the Windows one wins; '(', ')' and 'Ω' are not PostScript characters). */
static void put_name(buf *b)
{
    static const char mac[] = "Mac-Name";
    static const uint16_t win[] = {'T', 'i', 'n', 'y', '(',    'F', 'o',
                                   'n', 't', ')', '-', 0x03A9, 'x'};
    size_t mac_len = sizeof mac - 1;
    size_t win_len = sizeof win / sizeof win[0] * 2;
    put16(b, 0);
    put16(b, 2);
    put16(b, 6 + 2 * 12);
    put16(b, 1);
    put16(b, 0);
    put16(b, 0);
    put16(b, 6);
    put16(b, (unsigned)mac_len);
    put16(b, 0);
    put16(b, 3);
    put16(b, 1);
    put16(b, 0x409);
    put16(b, 6);
    put16(b, (unsigned)win_len);
    put16(b, (unsigned)mac_len);
    assert_int_equal(buf_append(b, mac, mac_len), 0);
    for (size_t i = 0; i < sizeof win / sizeof win[0]; i++) {
        put16(b, win[i]);
    }
}

static unsigned char *tiny_font(int kind, size_t *len)
{
    tbl t[6];
    tiny_common(t);
    t[4].tag = "cmap";
    buf_init(&t[4].data, 0);
    buf *c = &t[4].data;
    int both = kind == TINY_CMAP_BOTH || kind == TINY_CMAP12_OVERLAP;
    put16(c, 0);
    put16(c, both ? 2 : 1);
    put16(c, 3);
    put16(c, 1);
    put32(c, both ? 20 : 12);
    if (both) {
        put16(c, 3);
        put16(c, 10);
        put32(c, 20 + 16 + 3 * 8 + 6);
    }
    put_cmap4(c, kind == TINY_CMAP4_BAD_RANGE ? 0xF000 : 0);
    if (both) {
        put_cmap12(c, kind == TINY_CMAP12_OVERLAP);
    }
    t[5].tag = "name";
    buf_init(&t[5].data, 0);
    put_name(&t[5].data);
    return sfnt_build(t, 6, len);
}

/* ---- the real fonts ---- */

static void test_regular_metrics(void **state)
{
    (void)state;
    font *f = load_ok(SERIF_REGULAR);
    assert_int_equal(font_units_per_em(f), SERIF_UPEM);
    assert_int_equal(font_ascent(f), SERIF_ASCENT);
    assert_int_equal(font_descent(f), SERIF_DESCENT);
    assert_string_equal(font_postscript_name(f), "LiberationSerif");
    size_t file_len = 0;
    unsigned char *file = slurp(SERIF_REGULAR, &file_len);
    size_t len = 0;
    const unsigned char *data = font_data(f, &len);
    assert_int_equal(len, file_len);
    assert_memory_equal(data, file, len);
    free(file);
    font_free(f);
}

static void test_glyphs_and_advances_match_freetype(void **state)
{
    (void)state;
    font *reg = load_ok(SERIF_REGULAR);
    font *bold = load_ok(SERIF_BOLD);
    assert_string_equal(font_postscript_name(bold), "LiberationSerif-Bold");
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        const known_glyph *k = &KNOWN[i];
        assert_int_equal(font_glyph(reg, k->cp), k->gid);
        assert_int_equal(font_glyph(bold, k->cp), k->gid);
        assert_int_equal(font_advance_units(reg, k->cp), k->regular_adv);
        assert_int_equal(font_advance_units(bold, k->cp), k->bold_adv);
    }
    font_free(reg);
    font_free(bold);
}

/* FORMS.md: the fonts must hold every precomposed Vietnamese letter. */
static void test_every_vietnamese_letter_has_a_glyph(void **state)
{
    (void)state;
    static const uint32_t extra[] = {
        0x0102, 0x0103, 0x00C2, 0x00E2, 0x0110, 0x0111, 0x00CA, 0x00EA, 0x00D4, 0x00F4,
        0x01A0, 0x01A1, 0x01AF, 0x01B0, /* Ă ă Â â Đ đ Ê ê Ô ô Ơ ơ Ư ư */
        0x00C0, 0x00C1, 0x00C3, 0x00C8, 0x00C9, 0x00CC, 0x00CD, 0x00D2, 0x00D3, 0x00D5,
        0x00D9, 0x00DA, 0x00DD, 0x00E0, 0x00E1, 0x00E3, 0x00E8, 0x00E9, 0x00EC, 0x00ED,
        0x00F2, 0x00F3, 0x00F5, 0x00F9, 0x00FA, 0x00FD, 0x0128, 0x0129, 0x0168, 0x0169,
    };
    const char *paths[] = {SERIF_REGULAR, SERIF_BOLD};
    for (size_t p = 0; p < 2; p++) {
        font *f = load_ok(paths[p]);
        for (uint32_t cp = 0x1EA0; cp <= 0x1EF9; cp++) {
            if (!font_has_glyph(f, cp)) {
                print_error("%s lacks U+%04X\n", paths[p], (unsigned)cp);
            }
            assert_true(font_has_glyph(f, cp));
            assert_true(font_advance_units(f, cp) > 0);
        }
        for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
            assert_true(font_has_glyph(f, extra[i]));
            assert_true(font_advance_units(f, extra[i]) > 0);
        }
        font_free(f);
    }
}

static void test_unmapped_code_points_are_notdef(void **state)
{
    (void)state;
    font *f = load_ok(SERIF_REGULAR);
    static const uint32_t none[] = {0x4E00,   0xFFFF,   0x10000,    0x1F600,
                                    0x10FFFF, 0x110000, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        assert_int_equal(font_glyph(f, none[i]), 0);
        assert_false(font_has_glyph(f, none[i]));
        assert_int_equal(font_advance_units(f, none[i]), SERIF_NOTDEF_ADVANCE);
    }
    font_free(f);
}

static void test_width_of_nguyen_is_sum_of_letters(void **state)
{
    (void)state;
    font *f = load_ok(SERIF_REGULAR);
    double w = font_text_width(f, NGUYEN, strlen(NGUYEN), 13.0);
    assert_true(w > 0.0);
    assert_float_equal(w, NGUYEN_REGULAR_UNITS * 13.0 / SERIF_UPEM, 1e-9);
    /* The same sum, letter by letter through the public API. */
    static const uint32_t letters[] = {'N', 'g', 'u', 'y', 0x1EC5, 'n'};
    double sum = 0.0;
    for (size_t i = 0; i < 6; i++) {
        sum += font_advance_units(f, letters[i]) * 13.0 / font_units_per_em(f);
    }
    assert_float_equal(w, sum, 1e-9);
    /* Width scales with size and stops at n bytes. */
    assert_float_equal(font_text_width(f, NGUYEN, strlen(NGUYEN), 26.0), 2 * w, 1e-9);
    assert_float_equal(font_text_width(f, NGUYEN, 1, 13.0), 1479 * 13.0 / SERIF_UPEM, 1e-9);
    assert_float_equal(font_text_width(f, "", 0, 13.0), 0.0, 0.0);
    assert_float_equal(font_text_width(f, NULL, 0, 13.0), 0.0, 0.0);
    font_free(f);
}

static void test_malformed_utf8_counts_as_notdef(void **state)
{
    (void)state;
    font *f = load_ok(SERIF_REGULAR);
    /* A lone continuation byte, then "A", then a truncated 3-byte sequence cut after 2. */
    static const char bad[] = "\x80"
                              "A"
                              "\xe1\xbb";
    double w = font_text_width(f, bad, sizeof bad - 1, 10.0);
    double notdef = SERIF_NOTDEF_ADVANCE * 10.0 / SERIF_UPEM;
    double a = 1479 * 10.0 / SERIF_UPEM;
    /* The decoder skips one byte per bad sequence: two .notdef for the truncated tail. */
    assert_float_equal(w, 3 * notdef + a, 1e-9);
    font_free(f);
}

static void test_bold_is_wider_than_regular(void **state)
{
    (void)state;
    font *reg = load_ok(SERIF_REGULAR);
    font *bold = load_ok(SERIF_BOLD);
    static const char sample[] = "C\xe1\xbb\x98NG H\xc3\x92"
                                 "A X\xc3\x83 H\xe1\xbb\x98I "
                                 "Nguy\xe1\xbb\x85n V\xc4\x83n \xc4\x90\xc6\xb0\xe1\xbb\x9d"
                                 "ng";
    size_t n = strlen(sample);
    double wr = font_text_width(reg, sample, n, 13.0);
    double wb = font_text_width(bold, sample, n, 13.0);
    assert_true(wr > 0.0);
    assert_true(wb > wr);
    font_free(reg);
    font_free(bold);
}

/* ---- fonts built here ---- */

static void test_format12_preferred_and_hmtx_tail(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *data = tiny_font(TINY_CMAP_BOTH, &len);
    char err[256] = "";
    font *f = font_load_mem(data, len, err, sizeof err);
    free(data); /* font_load_mem copies */
    if (!f) {
        print_error("%s\n", err);
    }
    assert_non_null(f);
    assert_int_equal(font_units_per_em(f), TINY_UPEM);
    assert_int_equal(font_ascent(f), 800);
    assert_int_equal(font_descent(f), -200);
    /* (3,10) format 12 wins over (3,1) format 4, which maps 'A' to 2 and 'a' to 1. */
    assert_int_equal(font_glyph(f, 'A'), 1);
    assert_int_equal(font_glyph(f, 'B'), 2);
    assert_int_equal(font_glyph(f, 'C'), 0); /* glyph 9 does not exist */
    assert_int_equal(font_glyph(f, 'a'), 0);
    assert_int_equal(font_glyph(f, 0x1F600), 3);
    assert_int_equal(font_glyph(f, 0x1F5FF), 0);
    assert_int_equal(font_glyph(f, 0x1F601), 0);
    /* Glyphs 2 and 3 lie past numberOfHMetrics: they take the last advance. */
    assert_int_equal(font_advance_units(f, 'B'), TINY_ADV1);
    assert_int_equal(font_advance_units(f, 0x1F600), TINY_ADV1);
    assert_int_equal(font_advance_units(f, 'Z'), TINY_ADV0);
    static const char smile[] = "A\xf0\x9f\x98\x80";
    assert_float_equal(font_text_width(f, smile, sizeof smile - 1, 10.0),
                       (TINY_ADV1 + TINY_ADV1) * 10.0 / TINY_UPEM, 1e-9);
    assert_string_equal(font_postscript_name(f), "TinyFont-x");
    font_free(f);
}

static void test_format4_delta_and_range_offset(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *data = tiny_font(TINY_CMAP4_ONLY, &len);
    char err[256] = "";
    font *f = font_load_mem(data, len, err, sizeof err);
    free(data);
    assert_non_null(f);
    assert_int_equal(font_glyph(f, 'A'), 2); /* idDelta */
    assert_int_equal(font_glyph(f, 'a'), 0); /* glyphIdArray 0 stays 0 */
    assert_int_equal(font_glyph(f, 'b'), 2); /* 1 + 1 */
    assert_int_equal(font_glyph(f, 'c'), 3);
    assert_int_equal(font_glyph(f, 'd'), 0);
    assert_int_equal(font_glyph(f, 0x1F600), 0);
    assert_int_equal(font_advance_units(f, 'c'), TINY_ADV1);
    font_free(f);
}

static void test_hostile_cmaps_fail(void **state)
{
    (void)state;
    int kinds[] = {TINY_CMAP12_OVERLAP, TINY_CMAP4_BAD_RANGE};
    for (size_t i = 0; i < 2; i++) {
        size_t len = 0;
        unsigned char *data = tiny_font(kinds[i], &len);
        expect_mem_fails(data, len);
        free(data);
    }
}

/* ---- load failures ---- */

static void test_missing_file_fails(void **state)
{
    (void)state;
    expect_file_fails("/nonexistent/ctsbatch/NoSuchFont.ttf");
    expect_file_fails("/tmp"); /* a directory */
}

static void test_empty_file_fails(void **state)
{
    (void)state;
    char *name = write_temp("", 0);
    expect_file_fails(name);
    unlink(name);
    free(name);
    expect_mem_fails(NULL, 0);
}

static void test_random_bytes_fail(void **state)
{
    (void)state;
    unsigned char junk[4096];
    uint32_t x = 2463534242u; /* xorshift32: the same bytes on every run */
    for (size_t i = 0; i < sizeof junk; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (unsigned char)x;
    }
    char *name = write_temp(junk, sizeof junk);
    expect_file_fails(name);
    unlink(name);
    free(name);
    /* Random bytes behind a valid sfnt version and a full table count. */
    set32(junk, 0x00010000);
    junk[4] = 0;
    junk[5] = 64;
    expect_mem_fails(junk, sizeof junk);
}

static void test_truncated_font_fails(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *data = slurp(SERIF_REGULAR, &len);
    assert_true(len > 1000);
    char *name = write_temp(data, 1000);
    expect_file_fails(name);
    unlink(name);
    free(name);
    /* Every cut short of the last table fails, never reads out of bounds (ASan watches). */
    static const size_t cuts[] = {0, 1, 11, 12, 100, 316, 400, 10944, 12000, 342788};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        expect_mem_fails(data, cuts[i]);
    }
    expect_mem_fails(data, len - 1); /* the last table is one byte short */
    free(data);
}

static void test_table_outside_file_fails(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *data = slurp(SERIF_REGULAR, &len);
    static const char *tags[] = {"head", "hhea", "maxp", "hmtx", "cmap", "name"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        size_t rec = dir_record(data, tags[i]);
        assert_true(rec > 0);
        uint32_t off = get32(data + rec + 8);
        uint32_t tlen = get32(data + rec + 12);
        set32(data + rec + 8, (uint32_t)len + 16); /* offset past the end */
        expect_mem_fails(data, len);
        set32(data + rec + 8, 0xFFFFFFF0u); /* offset + length wraps in 32 bits */
        expect_mem_fails(data, len);
        set32(data + rec + 8, off);
        set32(data + rec + 12, (uint32_t)(len - off + 1)); /* length one byte too long */
        expect_mem_fails(data, len);
        set32(data + rec + 12, tlen);
    }
    /* The repaired copy loads again. */
    font *f = font_load_mem(data, len, NULL, 0);
    assert_non_null(f);
    font_free(f);
    /* A cmap subtable offset past the table. */
    size_t rec = dir_record(data, "cmap");
    size_t cmap = get32(data + rec + 8);
    set32(data + cmap + 4 + 4, 0x7FFFFFF0u);
    expect_mem_fails(data, len);
    free(data);
}

static void test_otto_and_ttcf_refused(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *data = slurp(SERIF_REGULAR, &len);
    static const char *heads[] = {"OTTO", "ttcf"};
    for (size_t i = 0; i < 2; i++) {
        memcpy(data, heads[i], 4);
        char err[256] = "";
        assert_null(font_load_mem(data, len, err, sizeof err));
        assert_non_null(strstr(err, heads[i]));
    }
    memcpy(data, "true", 4); /* Apple's TrueType tag is accepted */
    font *f = font_load_mem(data, len, NULL, 0);
    assert_non_null(f);
    font_free(f);
    free(data);
}

/* STYLE.md rule 12: FONT_MAX_FILE_BYTES is enforced for files and for memory. */
static void test_size_limit(void **state)
{
    (void)state;
    unsigned char *big = xcalloc(1, FONT_MAX_FILE_BYTES + 1);
    char err[256] = "";
    assert_null(font_load_mem(big, FONT_MAX_FILE_BYTES + 1, err, sizeof err));
    assert_non_null(strstr(err, "large"));
    free(big);
    char *name = write_temp("", 0);
    assert_int_equal(truncate(name, (off_t)FONT_MAX_FILE_BYTES + 1), 0);
    err[0] = '\0';
    assert_null(font_load(name, err, sizeof err));
    assert_non_null(strstr(err, "larger"));
    unlink(name);
    free(name);
}

static void test_free_null_and_null_err(void **state)
{
    (void)state;
    font_free(NULL);
    assert_null(font_load("/nonexistent/x.ttf", NULL, 0));
    char tiny[8];
    assert_null(font_load("/nonexistent/x.ttf", tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), sizeof tiny - 1); /* cut, still terminated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_metrics),
        cmocka_unit_test(test_glyphs_and_advances_match_freetype),
        cmocka_unit_test(test_every_vietnamese_letter_has_a_glyph),
        cmocka_unit_test(test_unmapped_code_points_are_notdef),
        cmocka_unit_test(test_width_of_nguyen_is_sum_of_letters),
        cmocka_unit_test(test_malformed_utf8_counts_as_notdef),
        cmocka_unit_test(test_bold_is_wider_than_regular),
        cmocka_unit_test(test_format12_preferred_and_hmtx_tail),
        cmocka_unit_test(test_format4_delta_and_range_offset),
        cmocka_unit_test(test_hostile_cmaps_fail),
        cmocka_unit_test(test_missing_file_fails),
        cmocka_unit_test(test_empty_file_fails),
        cmocka_unit_test(test_random_bytes_fail),
        cmocka_unit_test(test_truncated_font_fails),
        cmocka_unit_test(test_table_outside_file_fails),
        cmocka_unit_test(test_otto_and_ttcf_refused),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_free_null_and_null_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
