/* test_pdf: unit tests of pipeline/pdf.c on display lists built here. The PDF is read back
 * with poppler's pdftotext, pdffonts and pdfinfo (STYLE.md rule 15): Vietnamese text extracts
 * exactly as it went in (Identity-H fonts with a ToUnicode map, FORMS.md "Typesetting
 * details"), only the faces used are embedded, one PDF page per display page, metadata, the
 * same display and epoch give the same bytes (DESIGN.md "Deterministic"), and a font that
 * will not load is an error, not a crash. PDF_MAX_PAGES pages render; one more is refused
 * with an error (libharu itself fails past 32767 pages, and the render used to crash). */
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
#include "layout.h"
#include "pdf.h"
#include "util.h"

static const char *const FONT_PATHS[FACE_COUNT] = {
    "fonts/LiberationSerif-Regular.ttf", "fonts/LiberationSerif-Bold.ttf",
    "fonts/LiberationSerif-Italic.ttf", "fonts/LiberationSerif-BoldItalic.ttf"};

#define EPOCH_2026_01_05 1767571200LL /* 2026-01-05T00:00:00Z */

/* ---- building displays ---- */

static dl_page *add_page(display *d)
{
    d->pages = xgrow(d->pages, &d->cap, d->npages + 1, sizeof *d->pages);
    dl_page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    return p;
}

static void add_text(dl_page *p, int face, double size, double x, double y, const char *s)
{
    p->items = xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
    dl_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->kind = DL_TEXT;
    it->face = face;
    it->size = size;
    it->x = x;
    it->y = y;
    it->text = xstrdup(s);
}

static void add_line(dl_page *p, double x, double y, double x2, double y2)
{
    p->items = xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
    dl_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->kind = DL_LINE;
    it->size = 0.6;
    it->x = x, it->y = y, it->x2 = x2, it->y2 = y2;
}

static void display_a4(display *d)
{
    memset(d, 0, sizeof *d);
    d->width = 595.276;
    d->height = 841.89;
}

/* One page: a name in regular, a bold heading, a rule; `bold` 0 leaves the heading out. */
static void sample_display(display *d, int bold)
{
    display_a4(d);
    dl_page *p = add_page(d);
    if (bold)
        add_text(p, FACE_BOLD, 14, 100, 760, "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ");
    add_text(p, FACE_REGULAR, 13, 85, 700, "Nguyễn Thị Ánh Tuyết");
    add_line(p, 85, 690, 300, 690);
}

static void render_ok(display *d, const pdf_meta *m, buf *out)
{
    char err[512] = "";
    buf_init(out, 0);
    if (pdf_render(d, FONT_PATHS, m, out, err, sizeof err) != 0)
        fail_msg("pdf_render: %s", err);
}

static pdf_meta meta(long long epoch)
{
    pdf_meta m = {"Mẫu 01 - Giấy đề nghị", "Sở Tài chính tỉnh An Giang", "Đề nghị cấp chứng thư số",
                  "ctsbatch", epoch};
    return m;
}

/* ---- reading PDFs back with poppler ---- */

/* Writes the bytes to a new temporary file; returns its path (caller unlinks and frees). */
static char *write_temp(const buf *b)
{
    char *path = xstrdup("/tmp/ctsbatch-unit-pdf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
    close(fd);
    return path;
}

/* Runs `tool args path` and returns its standard output (caller frees). */
static char *run_tool(const char *tool, const char *args, const buf *pdf)
{
    char *path = write_temp(pdf);
    char *cmd = xasprintf("%s %s '%s' %s 2>/dev/null", tool, args, path,
                          strcmp(tool, "pdftotext") == 0 ? "-" : "");
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    buf out;
    buf_init(&out, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&out, chunk, n);
    int status = pclose(fp);
    unlink(path);
    free(path);
    if (status != 0)
        fail_msg("`%s` failed (status %d)", cmd, status);
    free(cmd);
    return buf_detach(&out);
}

/* Runs `pdftotext path -` and returns what it says on standard error (caller frees). */
static char *pdftotext_stderr(const buf *pdf)
{
    char *path = write_temp(pdf);
    char *cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>&1 >/dev/null", path);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    buf out;
    buf_init(&out, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&out, chunk, n);
    pclose(fp);
    unlink(path);
    free(path);
    free(cmd);
    return buf_detach(&out);
}

/* The non-empty lines of s, trimmed of spaces and form feeds, in a new array. */
static size_t text_lines(const char *s, char lines[][256], size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        size_t len = strcspn(s, "\n");
        const char *a = s, *e = s + len;
        while (a < e && (*a == ' ' || *a == '\f'))
            a++;
        while (e > a && (e[-1] == ' ' || e[-1] == '\f' || e[-1] == '\r'))
            e--;
        if (e > a && (size_t)(e - a) < 256) {
            memcpy(lines[n], a, (size_t)(e - a));
            lines[n][e - a] = '\0';
            n++;
        }
        s += len + (s[len] == '\n');
    }
    return n;
}

/* The value of "Key:" in pdfinfo output (a pointer into out, up to the newline). */
static char *info_value(const char *info, const char *key)
{
    const char *p = strstr(info, key);
    if (!p)
        return xstrdup("");
    p += strlen(key);
    while (*p == ' ')
        p++;
    return xstrndup(p, strcspn(p, "\n"));
}

static size_t count_occurrences(const buf *b, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    for (size_t i = 0; i + nl <= b->len; i++)
        n += memcmp(b->data + i, needle, nl) == 0;
    return n;
}

/* ---- tests ---- */

static void test_starts_with_pdf_header(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 1);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-", 5);
    /* ends with the trailer marker */
    size_t tail = out.len > 16 ? out.len - 16 : 0;
    assert_non_null(strstr(out.data + tail, "%%EOF"));
    buf_release(&out);
    display_release(&d);
}

static void test_appends_to_buffer(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    buf_init(&out, 0);
    buf_puts(&out, "PREFIX");
    char err[256] = "";
    assert_int_equal(pdf_render(&d, FONT_PATHS, &m, &out, err, sizeof err), 0);
    assert_memory_equal(out.data, "PREFIX%PDF-", 11);
    buf_release(&out);
    display_release(&d);
}

static void test_vietnamese_text_extracts(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 1);
    dl_page *p = &d.pages[0];
    add_text(p, FACE_ITALIC, 13, 300, 640, "An Giang, ngày 05 tháng 01 năm 2026");
    add_text(p, FACE_BOLD_ITALIC, 12, 85, 600, "Nơi nhận:");
    add_text(p, FACE_REGULAR, 13, 85, 560, "ĂÂĐÊÔƠƯ ăâđêôơư Ỳ ỹ Ự ữ Ộ ờ Ặ ẫ");
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *text = run_tool("pdftotext", "-enc UTF-8", &out);
    char lines[16][256];
    size_t n = text_lines(text, lines, 16);
    if (n != 5)
        fail_msg("pdftotext gave %zu lines:\n%s", n, text);
    assert_string_equal(lines[0], "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ");
    assert_string_equal(lines[1], "Nguyễn Thị Ánh Tuyết");
    assert_string_equal(lines[2], "An Giang, ngày 05 tháng 01 năm 2026");
    assert_string_equal(lines[3], "Nơi nhận:");
    assert_string_equal(lines[4], "ĂÂĐÊÔƠƯ ăâđêôơư Ỳ ỹ Ự ữ Ộ ờ Ặ ẫ");
    free(text);
    buf_release(&out);
    display_release(&d);
}

/* pdf.h: fonts carry a ToUnicode map so text extracts as it went in. A ToUnicode CMap maps
 * codes to Unicode with bfchar/bfrange (PDF 32000-1 §9.10.3); a reader that has to fall back
 * on the font's own cmap says so. */
static void test_tounicode_map_is_valid(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *errors = pdftotext_stderr(&out);
    size_t maps = count_occurrences(&out, "/ToUnicode");
    char said[512];
    snprintf(said, sizeof said, "%s", errors);
    free(errors);
    buf_release(&out);
    display_release(&d);
    assert_true(maps >= 1); /* the map is referenced from the font */
    if (said[0])
        fail_msg("pdftotext complains about the PDF: %s", said);
}

static void test_same_input_same_bytes(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 1);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf a, b, c;
    render_ok(&d, &m, &a);
    for (size_t i = 0; i < d.npages; i++) /* drawn pages are emptied as they go */
        assert_int_equal(d.pages[i].n, 0);
    display_release(&d);
    sample_display(&d, 1); /* the same display again */
    render_ok(&d, &m, &b);
    display_release(&d);
    sample_display(&d, 1);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* the epoch is the creation date, and another epoch changes the bytes */
    assert_true(count_occurrences(&a, "D:20260105000000Z") >= 1);
    pdf_meta later = meta(EPOCH_2026_01_05 + 86400 + 3600 + 61);
    render_ok(&d, &later, &c);
    assert_true(count_occurrences(&c, "D:20260106010101Z") >= 1);
    assert_int_equal(count_occurrences(&c, "D:20260105000000Z"), 0);
    buf_release(&a);
    buf_release(&b);
    buf_release(&c);
    display_release(&d);
}

/* pdffonts output: the number of font lines after the two header lines. */
static size_t font_count(const char *listing, const char *must_have)
{
    size_t lines = 0;
    for (const char *p = listing; *p; p++)
        lines += *p == '\n';
    if (must_have && !strstr(listing, must_have))
        fail_msg("pdffonts lacks %s:\n%s", must_have, listing);
    return lines >= 2 ? lines - 2 : 0;
}

static void test_only_used_faces_embedded(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *fonts = run_tool("pdffonts", "", &out);
    assert_int_equal(font_count(fonts, "LiberationSerif"), 1);
    /* embedded (emb yes) and with a ToUnicode map (uni yes), as a CID TrueType font */
    assert_non_null(strstr(fonts, "CID TrueType"));
    assert_non_null(strstr(fonts, "Identity-H"));
    assert_non_null(strstr(fonts, "yes yes yes"));
    assert_null(strstr(fonts, "Bold"));
    free(fonts);
    buf_release(&out);
    display_release(&d);

    sample_display(&d, 1);
    render_ok(&d, &m, &out);
    fonts = run_tool("pdffonts", "", &out);
    assert_int_equal(font_count(fonts, "LiberationSerif-Bold"), 2);
    free(fonts);
    buf_release(&out);
    display_release(&d);
}

static void test_pages_and_size(void **state)
{
    (void)state;
    display d;
    display_a4(&d);
    for (int i = 1; i <= 3; i++) {
        char s[32];
        snprintf(s, sizeof s, "Trang số %d", i);
        add_text(add_page(&d), FACE_REGULAR, 13, 85, 700, s);
    }
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *info = run_tool("pdfinfo", "", &out);
    char *pages = info_value(info, "Pages:"), *size = info_value(info, "Page size:");
    assert_string_equal(pages, "3");
    assert_non_null(strstr(size, "595.276 x 841.89 pts (A4)"));
    free(pages);
    free(size);
    free(info);
    /* page 2 holds page 2's text only */
    char *p2 = run_tool("pdftotext", "-enc UTF-8 -f 2 -l 2", &out);
    char lines[4][256];
    assert_int_equal(text_lines(p2, lines, 4), 1);
    assert_string_equal(lines[0], "Trang số 2");
    free(p2);
    buf_release(&out);
    display_release(&d);
}

static void test_metadata(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *info = run_tool("pdfinfo", "-enc UTF-8", &out);
    char *title = info_value(info, "Title:"), *author = info_value(info, "Author:");
    char *creator = info_value(info, "Creator:");
    assert_string_equal(creator, "ctsbatch");
    /* Vietnamese metadata must read back as written (a PDF text string is PDFDocEncoding or
     * UTF-16BE with a BOM; raw UTF-8 bytes show as mojibake) */
    assert_string_equal(title, "Mẫu 01 - Giấy đề nghị");
    assert_string_equal(author, "Sở Tài chính tỉnh An Giang");
    free(title);
    free(author);
    free(creator);
    free(info);
    buf_release(&out);
    display_release(&d);
}

static void test_lines_only_page(void **state)
{
    (void)state;
    display d;
    display_a4(&d);
    dl_page *p = add_page(&d);
    add_line(p, 85, 700, 500, 700);
    add_line(p, 85, 700, 85, 600);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *fonts = run_tool("pdffonts", "", &out);
    assert_int_equal(font_count(fonts, NULL), 0);
    free(fonts);
    char *text = run_tool("pdftotext", "-enc UTF-8", &out);
    char lines[4][256];
    assert_int_equal(text_lines(text, lines, 4), 0);
    free(text);
    buf_release(&out);
    display_release(&d);
}

static void test_missing_font_is_error(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 1);
    const char *paths[FACE_COUNT] = {FONT_PATHS[0], "fonts/unit-khong-co-phong.ttf", FONT_PATHS[2],
                                     FONT_PATHS[3]};
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    buf_init(&out, 0);
    char err[512] = "";
    assert_int_equal(pdf_render(&d, paths, &m, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot load font fonts/unit-khong-co-phong.ttf"));
    buf_release(&out);
    display_release(&d);

    /* an unused face may be missing: only the faces a document uses are loaded */
    sample_display(&d, 0);
    buf_init(&out, 0);
    assert_int_equal(pdf_render(&d, paths, &m, &out, err, sizeof err), 0);
    assert_memory_equal(out.data, "%PDF-", 5);
    buf_release(&out);
    display_release(&d);
}

/* A display of n pages, each with a rule and its number (in regular when text is set). */
static void pages_display(display *d, size_t n, int text)
{
    display_a4(d);
    for (size_t i = 0; i < n; i++) {
        dl_page *p = add_page(d);
        add_line(p, 85, 690, 300, 690);
        if (text) {
            char s[32];
            snprintf(s, sizeof s, "Trang %zu", i + 1);
            add_text(p, FACE_REGULAR, 13, 85, 700, s);
        }
    }
}

/* PDF_MAX_PAGES: a display of exactly that many pages renders, all of them. */
static void test_page_limit_reached(void **state)
{
    (void)state;
    display d;
    pages_display(&d, PDF_MAX_PAGES, 1);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(&d, &m, &out);
    char *info = run_tool("pdfinfo", "", &out);
    char *pages = info_value(info, "Pages:");
    char want[16];
    snprintf(want, sizeof want, "%d", PDF_MAX_PAGES);
    assert_string_equal(pages, want);
    free(pages);
    free(info);
    char *last = run_tool("pdftotext", "-enc UTF-8 -f 10000 -l 10000", &out);
    assert_non_null(strstr(last, "Trang 10000"));
    free(last);
    buf_release(&out);
    display_release(&d);
}

/* One page past PDF_MAX_PAGES is refused with an English reason and nothing appended; far
 * past libharu's own limit (the 98,000-row report of issue 8) too, without a crash. */
static void test_page_limit_passed_is_error(void **state)
{
    (void)state;
    const size_t counts[] = {PDF_MAX_PAGES + 1, 32768};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        display d;
        pages_display(&d, counts[k], 0);
        pdf_meta m = meta(EPOCH_2026_01_05);
        buf out;
        buf_init(&out, 0);
        char err[512] = "";
        assert_int_equal(pdf_render(&d, FONT_PATHS, &m, &out, err, sizeof err), -1);
        char want[100];
        snprintf(want, sizeof want, "%zu pages, more than the %d", counts[k], PDF_MAX_PAGES);
        assert_non_null(strstr(err, want));
        assert_int_equal(out.len, 0);
        buf_release(&out);
        display_release(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_with_pdf_header),
        cmocka_unit_test(test_appends_to_buffer),
        cmocka_unit_test(test_vietnamese_text_extracts),
        cmocka_unit_test(test_tounicode_map_is_valid),
        cmocka_unit_test(test_same_input_same_bytes),
        cmocka_unit_test(test_only_used_faces_embedded),
        cmocka_unit_test(test_pages_and_size),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_lines_only_page),
        cmocka_unit_test(test_missing_font_is_error),
        cmocka_unit_test(test_page_limit_reached),
        cmocka_unit_test(test_page_limit_passed_is_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
