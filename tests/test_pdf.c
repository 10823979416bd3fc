/* test_pdf: unit tests of pipeline/pdf.c, the PDF/A engine, on display lists built here.
 *
 * The PDFs are read back by other programs (STYLE.md rule 15): poppler's pdftotext, pdffonts
 * and pdfinfo, qpdf (--check, and --filtered-stream-data as a second inflater), libxml2 for
 * the XMP packet and HarfBuzz for the embedded font programs. A small reader here walks the
 * file through its cross-reference table, so the tests can look at any object and inflate
 * its stream (libdeflate).
 *
 * What is checked: the header, and that a render appends; Vietnamese text extracts exactly
 * as it went in (Identity-H fonts with a ToUnicode map, FORMS.md "Typesetting details"),
 * where the layout put it and as wide as the layout measured it; only the faces used are
 * embedded, each as a real subset whose widths are the font program's; one PDF page per
 * display page; the document information and the XMP packet say the same things, with the
 * archival description; PDF/A part 1 against part 2; the trailer /ID; the same input gives
 * the same bytes whatever the engine rendered before (DESIGN.md "Deterministic"); characters
 * a face lacks, malformed UTF-8 and bad ICC profiles are errors, not PDFs; the libharu
 * internals pdf.c relies on (its header comment) still hold; PDF_MAX_PAGES pages render and
 * one more is refused; a one-page form stays small.
 *
 * Tests marked "was an engine bug" failed on 5b435c7 and led to its fixes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <harfbuzz/hb.h>
#include <libdeflate.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "font.h"
#include "layout.h"
#include "pdf.h"
#include "sha256.h"
#include "testutil.h"
#include "text.h"
#include "util.h"

#define SERIF(face) "fonts/LiberationSerif-" face ".ttf"
#define SANS(face) "/usr/share/fonts/truetype/liberation2/LiberationSans-" face ".ttf"
static const char *const SERIF_PATHS[FACE_COUNT] = {SERIF("Regular"), SERIF("Bold"),
                                                    SERIF("Italic"), SERIF("BoldItalic")};
static const char *const SANS_PATHS[FACE_COUNT] = {SANS("Regular"), SANS("Bold"), SANS("Italic"),
                                                   SANS("BoldItalic")};

#define ICC_GRAY CONFIG_DEFAULT_ICC
#define ICC_DIR "/usr/share/color/icc/"

#define EPOCH_2026_01_05 1767571200LL /* 2026-01-05T00:00:00Z */
#define EPOCH_2026_11_26 1795651200LL /* 2026-11-26T00:00:00Z, 07:00 in Vietnam */

/* PDF/A-1 (ISO 19005-1 6.1.12, PDF Reference 1.4 Table C.1): no array of more elements. */
#define PDFA1_MAX_ARRAY 8191

/* The suite's fonts and its engine: part 2 with the grey profile, the renderer's default. */
static fontset FONTS;
static pdf_engine *ENGINE;

/* ---- fonts and engines ---- */

static int load_fonts(const char *const paths[FACE_COUNT], fontset *fs)
{
    for (int f = 0; f < FACE_COUNT; f++) {
        char err[256] = "";
        fs->face[f] = font_load(paths[f], err, sizeof err);
        if (!fs->face[f]) {
            print_error("cannot load %s: %s\n", paths[f], err);
            while (f-- > 0)
                font_free(fs->face[f]);
            return -1;
        }
    }
    return 0;
}

static void free_fonts(fontset *fs)
{
    for (int f = 0; f < FACE_COUNT; f++)
        font_free(fs->face[f]);
}

static pdf_engine *engine_ok(const fontset *fs, const char *icc, int part)
{
    char err[512] = "";
    pdf_engine *e = pdf_engine_new(fs, icc, part, err, sizeof err);
    if (!e)
        fail_msg("pdf_engine_new(%s, part %d): %s", icc, part, err);
    return e;
}

/* pdf_engine_new refuses; the reason in err names `want`. */
static void engine_refused(const char *icc, int part, const char *want)
{
    char err[512] = "";
    pdf_engine *e = pdf_engine_new(&FONTS, icc, part, err, sizeof err);
    if (e) {
        pdf_engine_free(e);
        fail_msg("pdf_engine_new(%s, part %d) accepted it", icc, part);
    }
    if (!strstr(err, want))
        fail_msg("the reason \"%s\" does not name \"%s\"", err, want);
}

static int suite_setup(void **state)
{
    (void)state;
    if (load_fonts(SERIF_PATHS, &FONTS) < 0)
        return -1;
    char err[512] = "";
    ENGINE = pdf_engine_new(&FONTS, ICC_GRAY, 2, err, sizeof err);
    if (!ENGINE) {
        print_error("pdf_engine_new: %s\n", err);
        free_fonts(&FONTS);
        return -1;
    }
    return 0;
}

static int suite_teardown(void **state)
{
    (void)state;
    pdf_engine_free(ENGINE);
    free_fonts(&FONTS);
    return 0;
}

/* ---- building displays ---- */

static void display_a4(display *d)
{
    memset(d, 0, sizeof *d);
    d->width = 595.276;
    d->height = 841.89;
}

static dl_page *add_page(display *d)
{
    d->pages = xgrow(d->pages, &d->cap, d->npages + 1, sizeof *d->pages);
    dl_page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    return p;
}

static dl_item *add_item(dl_page *p, dl_kind kind, double size, double x, double y)
{
    p->items = xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
    dl_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->size = size;
    it->x = x;
    it->y = y;
    return it;
}

static void add_text(dl_page *p, int face, double size, double x, double y, const char *s)
{
    dl_item *it = add_item(p, DL_TEXT, size, x, y);
    it->face = face;
    it->text = xstrdup(s);
}

static void add_line(dl_page *p, double x, double y, double x2, double y2)
{
    dl_item *it = add_item(p, DL_LINE, 0.6, x, y);
    it->x2 = x2;
    it->y2 = y2;
}

/* One page: a bold heading (left out when bold is 0), a name in regular, a rule. */
static void sample_display(display *d, int bold)
{
    display_a4(d);
    dl_page *p = add_page(d);
    if (bold)
        add_text(p, FACE_BOLD, 14, 100, 760, "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ");
    add_text(p, FACE_REGULAR, 13, 85, 700, "Nguyễn Thị Ánh Tuyết");
    add_line(p, 85, 690, 300, 690);
}

/* One page holding one text in one face. */
static void text_display(display *d, int face, const char *text)
{
    display_a4(d);
    add_text(add_page(d), face, 13, 85, 700, text);
}

/* Every precomposed Vietnamese vowel with every tone, and đ: 146 characters in one face,
 * more than one block of ToUnicode entries (pdf.c writes them 100 to a block). A word per
 * vowel: pdftotext reads a line of one-letter words evenly spaced as letter spacing. */
static const char *const VIETNAMESE_LETTERS[] = {
    "aàáảãạ ăằắẳẵặ âầấẩẫậ", "eèéẻẽẹ êềếểễệ",        "iìíỉĩị yỳýỷỹỵ", "oòóỏõọ ôồốổỗộ ơờớởỡợ",
    "uùúủũụ ưừứửữự đ",      "AÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ", "EÈÉẺẼẸ ÊỀẾỂỄỆ", "IÌÍỈĨỊ YỲÝỶỸỴ",
    "OÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ", "UÙÚỦŨỤ ƯỪỨỬỮỰ Đ"};
#define NLETTER_LINES (sizeof VIETNAMESE_LETTERS / sizeof *VIETNAMESE_LETTERS)

/* All four faces on one page, then every Vietnamese letter in regular, a line each. */
static void four_faces_display(display *d)
{
    sample_display(d, 1);
    dl_page *p = &d->pages[0];
    add_text(p, FACE_ITALIC, 13, 300, 640, "An Giang, ngày 05 tháng 01 năm 2026");
    add_text(p, FACE_BOLD_ITALIC, 12, 85, 600, "Nơi nhận:");
    for (size_t i = 0; i < NLETTER_LINES; i++)
        add_text(p, FACE_REGULAR, 13, 85, 560 - 24.0 * (double)i, VIETNAMESE_LETTERS[i]);
}

/* The page of a request form as templates/mau01.xml lays it out for the sample subscriber:
 * motto, title, eight filled fields, two paragraphs, the signatures; regular, bold and
 * italic at 11 to 14 pt. */
static void form_display(display *d)
{
    static const struct {
        int face;
        double size, x, y;
        const char *text;
    } runs[] = {
        {FACE_ITALIC, 11, 523.3, 800.2, "Mẫu 01"},
        {FACE_BOLD, 13, 165.4, 775.1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
        {FACE_BOLD, 14, 212.8, 757.6, "Độc lập - Tự do - Hạnh phúc"},
        {FACE_ITALIC, 13, 323.6, 723.4, "An Giang, ngày 05 tháng 01 năm 2026"},
        {FACE_BOLD, 14, 183.9, 688.5, "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ"},
        {FACE_BOLD, 13, 252.7, 672.2, "(Dành cho cá nhân)"},
        {FACE_REGULAR, 13, 196.2, 645.9, "Kính gửi: Sở Tài chính tỉnh An Giang"},
        {FACE_REGULAR, 13, 85.04, 619.6, "Họ và tên:"},
        {FACE_BOLD, 13, 140.2, 619.6, "Nguyễn Thị Ánh Tuyết"},
        {FACE_REGULAR, 13, 85.04, 603.4, "Ngày sinh: 14/03/1985"},
        {FACE_REGULAR, 13, 85.04, 587.1, "Số định danh cá nhân (CCCD): 089185001234"},
        {FACE_REGULAR, 13, 85.04, 570.9,
         "Ngày cấp: 10/05/2021; nơi cấp: Cục Cảnh sát QLHC về TTXH"},
        {FACE_REGULAR, 13, 85.04, 554.6, "Chức vụ: Phó Chánh Văn phòng"},
        {FACE_REGULAR, 13, 85.04, 538.4, "Cơ quan công tác: Văn phòng Sở Tài chính"},
        {FACE_REGULAR, 13, 85.04, 522.1, "Thư điện tử công vụ: tuyetnta@angiang.gov.vn"},
        {FACE_REGULAR, 13, 85.04, 505.9, "Số điện thoại: 0913 456 789"},
        {FACE_REGULAR, 13, 113.4, 481.6,
         "Đề nghị Sở Thông tin và Truyền thông tỉnh An Giang cấp chứng thư số chuyên"},
        {FACE_REGULAR, 13, 85.04, 465.4,
         "dùng Chính phủ cho cá nhân tôi để phục vụ giao dịch điện tử trong hoạt động công vụ."},
        {FACE_REGULAR, 13, 113.4, 445.1,
         "Tôi cam kết các thông tin nêu trên là đúng sự thật; quản lý, sử dụng chứng thư số và"},
        {FACE_REGULAR, 13, 85.04, 428.9,
         "thiết bị lưu khóa bí mật theo đúng quy định của Nghị định số 130/2018/NĐ-CP và chịu"},
        {FACE_REGULAR, 13, 85.04, 412.6,
         "trách nhiệm trước pháp luật về việc sử dụng chứng thư số được cấp."},
        {FACE_BOLD, 13, 101.5, 380.1, "XÁC NHẬN CỦA THỦ TRƯỞNG"},
        {FACE_BOLD, 13, 94.2, 363.9, "CƠ QUAN QUẢN LÝ TRỰC TIẾP"},
        {FACE_ITALIC, 13, 137.7, 347.6, "(Ký tên, đóng dấu)"},
        {FACE_BOLD, 13, 148.3, 267.4, "Trần Văn Bình"},
        {FACE_BOLD, 13, 379.6, 380.1, "NGƯỜI ĐỀ NGHỊ"},
        {FACE_ITALIC, 13, 364.2, 347.6, "(Ký, ghi rõ họ tên)"},
        {FACE_BOLD, 13, 350.9, 267.4, "Nguyễn Thị Ánh Tuyết"},
    };
    display_a4(d);
    dl_page *p = add_page(d);
    add_line(p, 240.1, 754.2, 355.2, 754.2); /* under the motto */
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        add_text(p, runs[i].face, runs[i].size, runs[i].x, runs[i].y, runs[i].text);
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

static pdf_meta meta(long long epoch)
{
    pdf_meta m = {.title = "Mẫu 01 - Giấy đề nghị",
                  .author = "Sở Tài chính tỉnh An Giang",
                  .subject = "Đề nghị cấp chứng thư số",
                  .creator = "ctsbatch",
                  .epoch = epoch,
                  .type_name = "Đơn đề nghị",
                  .organ = "Sở Tài chính tỉnh An Giang",
                  .issued = "2026-01-05",
                  .signer = "GIÁM ĐỐC Trần Văn Bình",
                  .language = "vi"};
    return m;
}

/* ---- bytes ---- */

static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; nl <= n && i <= n - nl; i++)
        if (memcmp(hay + i, needle, nl) == 0)
            return hay + i;
    return NULL;
}

static size_t count_bytes(const char *hay, size_t n, const char *needle)
{
    size_t count = 0, nl = strlen(needle);
    for (const char *p = hay; (p = find_bytes(p, n - (size_t)(p - hay), needle)); p += nl)
        count++;
    return count;
}

static size_t count_occurrences(const buf *b, const char *needle)
{
    return count_bytes(b->data, b->len, needle);
}

static int contains(const buf *b, const char *needle)
{
    return b->len && find_bytes(b->data, b->len, needle) != NULL;
}

static void assert_same_bytes(const buf *a, const buf *b, const char *what)
{
    if (a->len != b->len || memcmp(a->data, b->data, a->len) != 0)
        fail_msg("%s: %zu bytes against %zu, not the same", what, a->len, b->len);
}

/* ---- rendering ---- */

/* Renders d with e into out (initialised here) and releases d; fails the test on an error.
 * Checks pdf.h's promise on the way: every page drawn is emptied, and npages stays. */
static void render_ok(pdf_engine *e, display *d, const pdf_meta *m, buf *out)
{
    char err[512] = "";
    size_t npages = d->npages;
    buf_init(out, 0);
    if (pdf_render(e, d, m, out, err, sizeof err) != 0)
        fail_msg("pdf_render: %s", err);
    assert_int_equal(d->npages, npages);
    for (size_t i = 0; i < d->npages; i++)
        assert_int_equal(d->pages[i].n, 0);
    display_release(d);
}

/* Renders the display `build` makes, with meta(EPOCH_2026_01_05). */
static void render_built(pdf_engine *e, void (*build)(display *), buf *out)
{
    display d;
    build(&d);
    pdf_meta m = meta(EPOCH_2026_01_05);
    render_ok(e, &d, &m, out);
}

static void render_sample(pdf_engine *e, int bold, long long epoch, buf *out)
{
    display d;
    sample_display(&d, bold);
    pdf_meta m = meta(epoch);
    render_ok(e, &d, &m, out);
}

/* Expects pdf_render to refuse d (released here) with a reason naming `want`, and no whole
 * PDF in out: nothing drawn with .notdef, nothing a caller could take for a document. */
static void render_refused(pdf_engine *e, display *d, const char *want, char *err, size_t errlen)
{
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    buf_init(&out, 0);
    err[0] = '\0';
    int rc = pdf_render(e, d, &m, &out, err, errlen);
    int whole = contains(&out, "%%EOF");
    buf_release(&out);
    display_release(d);
    if (rc != -1)
        fail_msg("pdf_render returned %d, not -1 (%s)", rc, whole ? "and wrote a PDF" : "");
    assert_false(whole);
    assert_true(err[0] != '\0');
    if (want && !strstr(err, want))
        fail_msg("the reason \"%s\" does not name \"%s\"", err, want);
}

/* ---- other programs ---- */

static char *write_temp(const void *data, size_t len)
{
    char *path = xstrdup("/tmp/ctsbatch-unit-pdf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Runs `cmd 'file' tail` on the PDF in a temporary file; returns its standard output
 * (caller frees) and its exit status in *status. */
static char *run_on(const char *cmd, const buf *pdf, const char *tail, int *status)
{
    char *path = write_temp(pdf->data, pdf->len);
    char *line = xasprintf("%s '%s' %s", cmd, path, tail);
    FILE *fp = popen(line, "r");
    assert_non_null(fp);
    buf out;
    buf_init(&out, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&out, chunk, n);
    *status = pclose(fp);
    unlink(path);
    free(path);
    free(line);
    return buf_detach(&out);
}

/* The same, failing the test unless the program succeeds; stderr is dropped. */
static char *run_tool(const char *cmd, const buf *pdf, const char *tail)
{
    int status;
    char *t = xasprintf("%s 2>/dev/null", tail);
    char *out = run_on(cmd, pdf, t, &status);
    free(t);
    if (status != 0)
        fail_msg("`%s FILE %s` failed (status %d)", cmd, tail, status);
    return out;
}

static char *pdftotext(const buf *pdf, const char *pages)
{
    char *cmd = xasprintf("pdftotext -enc UTF-8 %s", pages);
    char *text = run_tool(cmd, pdf, "-");
    free(cmd);
    return text;
}

/* qpdf reads the whole file, every stream decoded, without a warning. */
static void qpdf_check(const buf *pdf)
{
    int status;
    char *said = run_on("qpdf --check", pdf, "2>&1", &status);
    if (status != 0 || !strstr(said, "No syntax or stream encoding errors") ||
        strstr(said, "WARNING"))
        fail_msg("qpdf --check (status %d):\n%s", status, said);
    free(said);
}

/* The non-empty lines of s, trimmed of spaces and form feeds. */
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

/* The value of the line "Key: value" in pdfinfo's output (caller frees; "" when absent). */
static char *info_value(const char *info, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = info; *p; p += strcspn(p, "\n"), p += *p == '\n') {
        if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
            p += kl + 1;
            while (*p == ' ')
                p++;
            return xstrndup(p, strcspn(p, "\n"));
        }
    }
    return xstrdup("");
}

static void expect_info(const char *info, const char *key, const char *want)
{
    char *got = info_value(info, key);
    if (strcmp(got, want) != 0)
        fail_msg("pdfinfo %s: \"%s\", expected \"%s\"", key, got, want);
    free(got);
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

/* ---- reading the PDF's objects ---- */

/* One object: its dictionary (or value) as text, and its stream's raw bytes if any. */
typedef struct pobj {
    const char *text;
    size_t text_len;
    const unsigned char *data; /* NULL: not a stream */
    size_t data_len;
} pobj;

typedef struct pdoc {
    pobj *o; /* o[k] is object k; o[0] is the free head */
    size_t n;
} pdoc;

static int is_name_char(char c)
{
    return c && !strchr(" \t\r\n/<>[]()%", c);
}

/* Where key (a name, "/Length") is in o, and the text after it; NULL when absent. */
static const char *obj_key(const pobj *o, const char *key)
{
    const char *p = o->text, *end = o->text + o->text_len;
    size_t kl = strlen(key);
    while ((p = find_bytes(p, (size_t)(end - p), key))) {
        if (p + kl < end && !is_name_char(p[kl]))
            return p + kl;
        p += kl;
    }
    return NULL;
}

/* The value of a key: an integer, or the integer the reference after it leads to. -1 when
 * absent. */
static long obj_int(const pdoc *d, const pobj *o, const char *key)
{
    const char *p = obj_key(o, key);
    if (!p)
        return -1;
    char *end;
    long v = strtol(p, &end, 10);
    if (strncmp(end, " 0 R", 4) == 0) {
        assert_true(v > 0 && (size_t)v < d->n);
        return strtol(d->o[v].text, NULL, 10);
    }
    return v;
}

/* The object number the key refers to; 0 when it is absent or not a reference. */
static size_t obj_ref(const pobj *o, const char *key)
{
    const char *p = obj_key(o, key);
    if (!p)
        return 0;
    char *end;
    long v = strtol(p, &end, 10);
    return strncmp(end, " 0 R", 4) == 0 && v > 0 ? (size_t)v : 0;
}

/* Does o's dictionary say `/key /value`? */
static int obj_is(const pobj *o, const char *key, const char *value)
{
    const char *p = obj_key(o, key);
    size_t vl = strlen(value);
    if (!p)
        return 0;
    while (*p == ' ')
        p++;
    return strncmp(p, value, vl) == 0 && !is_name_char(p[vl]);
}

/* The next object after `from` whose dictionary says `/key /value`; 0 when none. */
static size_t find_obj(const pdoc *d, const char *key, const char *value, size_t from)
{
    for (size_t k = from + 1; k < d->n; k++)
        if (obj_is(&d->o[k], key, value))
            return k;
    return 0;
}

/* Reads raw through its cross-reference table, checking it on the way: every offset holds
 * its object, and every stream's /Length ends where "endstream" begins. */
static void pdf_read(const buf *raw, pdoc *d)
{
    memset(d, 0, sizeof *d);
    const char *s = raw->data, *end = raw->data + raw->len;
    const char *sx = NULL;
    for (const char *p = s; (p = find_bytes(p, (size_t)(end - p), "startxref")); p++)
        sx = p;
    assert_non_null(sx);
    long xref = strtol(sx + 9, NULL, 10);
    assert_true(xref > 0 && xref < (long)raw->len);
    assert_memory_equal(s + xref, "xref\n0 ", 7);
    char *p;
    d->n = strtoul(s + xref + 7, &p, 10);
    assert_true(d->n > 1);
    d->o = xcalloc(d->n, sizeof *d->o);
    p += strspn(p, "\r\n");
    for (size_t k = 0; k < d->n; k++, p += 20) {
        long off = strtol(p, NULL, 10);
        if (k == 0)
            continue;
        assert_memory_equal(p + 17, "n", 1);
        assert_true(off > 0 && off < xref);
        char head[32];
        int hl = snprintf(head, sizeof head, "%zu 0 obj\n", k);
        assert_memory_equal(s + off, head, (size_t)hl);
        pobj *o = &d->o[k];
        o->text = s + off + hl;
        const char *eo = find_bytes(o->text, (size_t)(end - o->text), "endobj");
        const char *st = find_bytes(o->text, (size_t)(end - o->text), "\nstream\r\n");
        assert_non_null(eo);
        if (st && st < eo) {
            o->data = (const unsigned char *)st + 9;
            o->text_len = (size_t)(st - o->text);
        } else {
            o->text_len = (size_t)(eo - o->text);
        }
    }
    for (size_t k = 1; k < d->n; k++) {
        pobj *o = &d->o[k];
        if (!o->data)
            continue;
        long len = obj_int(d, o, "/Length");
        assert_true(len >= 0 && (const char *)o->data + len + 10 <= end);
        o->data_len = (size_t)len;
        if (memcmp(o->data + len, "\nendstream", 10) != 0)
            fail_msg("object %zu: /Length %ld does not end at endstream", k, len);
    }
}

static void pdf_done(pdoc *d)
{
    free(d->o);
    memset(d, 0, sizeof *d);
}

/* zlib-inflates in[0..n) into out (initialised here); fails the test when it is not zlib. */
static void inflate_all(const unsigned char *in, size_t n, buf *out)
{
    struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
    assert_non_null(z);
    buf_init(out, 0);
    for (size_t cap = 4 * n + 4096;; cap *= 4) {
        unsigned char *o = xmalloc(cap);
        size_t got = 0;
        enum libdeflate_result r = libdeflate_zlib_decompress(z, in, n, o, cap, &got);
        if (r == LIBDEFLATE_SUCCESS)
            buf_append(out, o, got);
        free(o);
        if (r == LIBDEFLATE_SUCCESS)
            break;
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
            fail_msg("a /FlateDecode stream of %zu bytes does not inflate (%d)", n, (int)r);
    }
    libdeflate_free_decompressor(z);
}

/* Object k's stream as a reader sees it: inflated when its one /Filter is /FlateDecode. */
static void stream_data(const pdoc *d, size_t k, buf *out)
{
    assert_true(k > 0 && k < d->n);
    const pobj *o = &d->o[k];
    if (!o->data)
        fail_msg("object %zu is not a stream", k);
    size_t filters = count_bytes(o->text, o->text_len, "/Filter");
    if (filters > 1)
        fail_msg("object %zu has %zu /Filter keys", k, filters);
    if (filters == 0) {
        buf_init(out, 0);
        buf_append(out, o->data, o->data_len);
        return;
    }
    assert_true(obj_is(o, "/Filter", "/FlateDecode"));
    inflate_all(o->data, o->data_len, out);
}

/* The /Contents stream of every page, in page-tree order, inflated and joined. */
static void page_contents(const pdoc *d, buf *out)
{
    size_t pages = find_obj(d, "/Type", "/Pages", 0);
    assert_true(pages > 0);
    buf_init(out, 0);
    const char *kids = obj_key(&d->o[pages], "/Kids");
    assert_non_null(kids);
    for (const char *p = strchr(kids, '[') + 1; *p != ']';) {
        char *end;
        long k = strtol(p, &end, 10);
        assert_true(k > 0 && (size_t)k < d->n && strncmp(end, " 0 R", 4) == 0);
        buf c;
        stream_data(d, obj_ref(&d->o[k], "/Contents"), &c);
        buf_append(out, c.data, c.len);
        buf_release(&c);
        p = end + 4 + strspn(end + 4, " \r\n");
    }
}

/* The numbers of the array after key in o (up to max); returns how many. */
static size_t obj_numbers(const pobj *o, const char *key, long *v, size_t max)
{
    const char *p = obj_key(o, key);
    assert_non_null(p);
    p = strchr(p, '[');
    size_t n = 0;
    for (p++; *p && *p != ']' && n < max; p++) {
        if (*p == ' ' || *p == '[' || *p == '\n')
            continue;
        char *end;
        v[n++] = strtol(p, &end, 10);
        assert_true(end > p);
        p = end - 1;
    }
    return n;
}

/* The trailer's /ID: two hex strings, copied into id[0] and id[1]. */
static void trailer_id(const buf *pdf, char id[2][80])
{
    const char *t = find_bytes(pdf->data, pdf->len, "trailer");
    assert_non_null(t);
    const char *p = strstr(t, "/ID [");
    if (!p)
        fail_msg("the trailer has no /ID:\n%s", t);
    p += 5;
    for (int i = 0; i < 2; i++) {
        p += strspn(p, " ");
        assert_int_equal(*p, '<');
        size_t n = strspn(p + 1, "0123456789ABCDEFabcdef");
        assert_int_equal(p[1 + n], '>');
        assert_true(n < 80);
        memcpy(id[i], p + 1, n);
        id[i][n] = '\0';
        p += n + 2;
    }
}

/* ---- the XMP packet ---- */

typedef struct xmp {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
    char *raw;
} xmp;

/* Parses the document's metadata stream (the catalog's /Metadata, /Subtype /XML, not
 * filtered: PDF/A-1 6.7.2) as XML: it must be well formed. */
static void xmp_open(const buf *pdf, xmp *x)
{
    pdoc d;
    pdf_read(pdf, &d);
    size_t catalog = find_obj(&d, "/Type", "/Catalog", 0);
    assert_true(catalog > 0);
    size_t k = obj_ref(&d.o[catalog], "/Metadata");
    assert_true(k > 0 && obj_is(&d.o[k], "/Subtype", "/XML"));
    assert_null(obj_key(&d.o[k], "/Filter"));
    x->raw = xstrndup((const char *)d.o[k].data, d.o[k].data_len);
    x->doc = xmlReadMemory(x->raw, (int)d.o[k].data_len, "xmp.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    pdf_done(&d);
    if (!x->doc)
        fail_msg("the XMP packet is not well-formed XML:\n%s", x->raw);
    x->ctx = xmlXPathNewContext(x->doc);
    static const char *const ns[][2] = {{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
                                        {"dc", "http://purl.org/dc/elements/1.1/"},
                                        {"xmp", "http://ns.adobe.com/xap/1.0/"},
                                        {"pdf", "http://ns.adobe.com/pdf/1.3/"},
                                        {"pdfaid", "http://www.aiim.org/pdfa/ns/id/"},
                                        {"pdfaSchema", "http://www.aiim.org/pdfa/ns/schema#"},
                                        {"pdfaProperty", "http://www.aiim.org/pdfa/ns/property#"},
                                        {"ctsb", "urn:ctsbatch:luu-tru:1.0#"}};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        xmlXPathRegisterNs(x->ctx, (const xmlChar *)ns[i][0], (const xmlChar *)ns[i][1]);
}

/* The string value of an XPath expression over the packet (caller frees). */
static char *xmp_get(xmp *x, const char *expr)
{
    char *q = xasprintf("string(%s)", expr);
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)q, x->ctx);
    free(q);
    assert_non_null(r);
    char *v = xstrdup(r->stringval ? (const char *)r->stringval : "");
    xmlXPathFreeObject(r);
    return v;
}

static void expect_xmp(xmp *x, const char *expr, const char *want)
{
    char *got = xmp_get(x, expr);
    if (strcmp(got, want) != 0)
        fail_msg("XMP %s: \"%s\", expected \"%s\"", expr, got, want);
    free(got);
}

static void xmp_close(xmp *x)
{
    xmlXPathFreeContext(x->ctx);
    xmlFreeDoc(x->doc);
    free(x->raw);
}

/* ---- tests: the file ---- */

static void test_starts_with_pdf_header(void **state)
{
    (void)state;
    buf out;
    render_sample(ENGINE, 1, EPOCH_2026_01_05, &out);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "%PDF-1.7\n%", 10);
    /* the comment after the header holds four bytes of 128 or more (PDF/A-1 6.1.2) */
    for (int i = 10; i < 14; i++)
        assert_true((unsigned char)out.data[i] >= 128);
    size_t tail = out.len > 16 ? out.len - 16 : 0;
    assert_non_null(strstr(out.data + tail, "%%EOF"));
    qpdf_check(&out);
    buf_release(&out);
}

static void test_appends_to_buffer(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out, alone;
    buf_init(&out, 0);
    buf_puts(&out, "PREFIX");
    char err[256] = "";
    assert_int_equal(pdf_render(ENGINE, &d, &m, &out, err, sizeof err), 0);
    display_release(&d);
    render_sample(ENGINE, 0, EPOCH_2026_01_05, &alone);
    /* the prefix stays, and after it comes the very PDF a render into an empty buffer makes */
    assert_int_equal(out.len, alone.len + 6);
    assert_memory_equal(out.data, "PREFIX", 6);
    assert_memory_equal(out.data + 6, alone.data, alone.len);
    buf_release(&out);
    buf_release(&alone);
}

/* ---- tests: text ---- */

static void test_vietnamese_text_extracts(void **state)
{
    (void)state;
    buf out;
    render_built(ENGINE, four_faces_display, &out);
    char *text = pdftotext(&out, "");
    char lines[32][256];
    size_t n = text_lines(text, lines, 32);
    if (n != 4 + NLETTER_LINES)
        fail_msg("pdftotext gave %zu lines:\n%s", n, text);
    assert_string_equal(lines[0], "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ");
    assert_string_equal(lines[1], "Nguyễn Thị Ánh Tuyết");
    assert_string_equal(lines[2], "An Giang, ngày 05 tháng 01 năm 2026");
    assert_string_equal(lines[3], "Nơi nhận:");
    for (size_t i = 0; i < NLETTER_LINES; i++)
        assert_string_equal(lines[4 + i], VIETNAMESE_LETTERS[i]);
    free(text);
    buf_release(&out);
}

/* Lines of every other character of Latin-1, Latin Extended-A and the Vietnamese block
 * (U+00C0 to U+017F, U+1EA0 to U+1EF9): no two consecutive, so each is a bfchar entry of
 * its own, 141 of them, more than the 100 a CMap block may hold. Returns the line count. */
static size_t sparse_lines(char lines[][256], size_t max)
{
    static const uint32_t ranges[][2] = {{0x00C0, 0x017F}, {0x1EA0, 0x1EF9}};
    size_t n = 0, k = 0;
    buf b;
    buf_init(&b, 0);
    for (size_t r = 0; r < 2; r++)
        for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp += 2) {
            text_utf8_put(&b, cp);
            if (++k % 16 == 0 || (r == 1 && cp + 2 > ranges[r][1])) {
                assert_true(n < max && b.len < 256);
                memcpy(lines[n++], b.data, b.len + 1);
                buf_reset(&b);
            }
        }
    buf_release(&b);
    return n;
}

/* Checks a ToUnicode CMap's blocks ("N beginbfchar" ... "endbfchar", N at most 100, Adobe
 * technical note 5411) and returns how many bfchar entries it has. */
static size_t cmap_bfchars(const char *cmap)
{
    size_t chars = 0;
    for (const char *p = cmap; (p = strstr(p, " beginbf"));) {
        const char *num = p;
        while (num > cmap && num[-1] >= '0' && num[-1] <= '9')
            num--;
        long want = strtol(num, NULL, 10);
        int range = strncmp(p, " beginbfrange", 13) == 0;
        const char *end = strstr(p, range ? "endbfrange" : "endbfchar");
        assert_non_null(end);
        long lines = -1; /* the rest of the begin line */
        for (const char *q = p; q < end; q++)
            lines += *q == '\n';
        if (want < 1 || want > 100 || lines != want)
            fail_msg("a CMap block says %ld entries and holds %ld:\n%s", want, lines, cmap);
        chars += range ? 0 : (size_t)want;
        p = end;
    }
    return chars;
}

/* pdf.h: fonts carry a ToUnicode map so text extracts as it went in. A ToUnicode CMap maps
 * codes to Unicode with bfchar/bfrange (PDF 32000-1 9.10.3); a reader that has to fall back
 * on the font's own cmap (which the subsets do not keep) says so. */
static void test_tounicode_map_is_valid(void **state)
{
    (void)state;
    char want[16][256], got[16][256];
    size_t nwant = sparse_lines(want, 16);
    display d;
    display_a4(&d);
    dl_page *p = add_page(&d);
    for (size_t i = 0; i < nwant; i++)
        add_text(p, FACE_REGULAR, 13, 85, 760 - 20.0 * (double)i, want[i]);
    add_text(p, FACE_BOLD, 13, 85, 400, "GIẤY ĐỀ NGHỊ");
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    int status;
    char *said = run_on("pdftotext -enc UTF-8", &out, "- 2>&1 >/dev/null", &status), copy[512];
    snprintf(copy, sizeof copy, "%s", said);
    free(said);
    if (copy[0] || status != 0)
        fail_msg("pdftotext complains about the PDF (status %d): %s", status, copy);
    char *text = pdftotext(&out, "");
    size_t ngot = text_lines(text, got, 16);
    assert_int_equal(ngot, nwant + 1);
    for (size_t i = 0; i < nwant; i++)
        assert_string_equal(got[i], want[i]);
    free(text);
    pdoc doc;
    pdf_read(&out, &doc);
    size_t maps = 0, most = 0;
    for (size_t k = 0; (k = find_obj(&doc, "/Subtype", "/Type0", k)); maps++) {
        buf cmap;
        stream_data(&doc, obj_ref(&doc.o[k], "/ToUnicode"), &cmap);
        size_t n = cmap_bfchars(buf_str(&cmap));
        most = n > most ? n : most;
        buf_release(&cmap);
    }
    assert_int_equal(maps, 2); /* one map per font */
    assert_true(most > 100);
    pdf_done(&doc);
    buf_release(&out);
}

/* The layout places each run at (x, y) and measured it with font.c: the PDF draws it there
 * (Td moves relative to the run before, exact to 0.01 pt) and as wide (the /W widths). */
static void test_text_where_and_as_wide_as_the_layout_put_it(void **state)
{
    (void)state;
    static const struct {
        int face;
        double size, x, y;
        const char *word;
    } runs[] = {
        {FACE_REGULAR, 13, 85, 700, "Nguyễn"},         {FACE_BOLD, 14, 300.25, 650.5, "ĐỀ"},
        {FACE_REGULAR, 13, 85.5, 640, "Tuyết"},        {FACE_ITALIC, 11.5, 72.37, 100.01, "tháng"},
        {FACE_BOLD_ITALIC, 12, 410.99, 420.42, "Nơi"}, {FACE_REGULAR, 9, 500, 780.3, "Ứng"}};
    size_t nruns = sizeof runs / sizeof *runs;
    display d;
    display_a4(&d);
    dl_page *p = add_page(&d);
    for (size_t i = 0; i < nruns; i++)
        add_text(p, runs[i].face, runs[i].size, runs[i].x, runs[i].y, runs[i].word);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    char *html = pdftotext(&out, "-bbox");
    for (size_t i = 0; i < nruns; i++) {
        char *tag = xasprintf(">%s</word>", runs[i].word);
        const char *w = strstr(html, tag);
        if (!w)
            fail_msg("pdftotext -bbox has no word %s:\n%s", runs[i].word, html);
        const char *line = w;
        while (line > html && line[-1] != '\n')
            line--;
        double x0, y0, x1, y1;
        if (sscanf(strstr(line, "xMin="), "xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
                   &x0, &y0, &x1, &y1) != 4)
            fail_msg("cannot read the box of %s", runs[i].word);
        const font *f = FONTS.face[runs[i].face];
        double want = font_text_width(f, runs[i].word, strlen(runs[i].word), runs[i].size);
        /* poppler's box: from the baseline, ascent up and descent down, at the font's hhea
         * figures as the descriptor gives them */
        double asc = font_ascent(f) / (double)font_units_per_em(f);
        double base = 841.89 - (y0 + asc * runs[i].size);
        if (fabs(x0 - runs[i].x) > 0.006 || fabs(base - runs[i].y) > 0.02 ||
            fabs((x1 - x0) - want) > 0.05)
            fail_msg("%s: drawn at (%.3f, %.3f), %.3f wide; the layout put it at (%.2f, %.2f), "
                     "%.3f wide",
                     runs[i].word, x0, base, x1 - x0, runs[i].x, runs[i].y, want);
        free(tag);
    }
    free(html);
    buf_release(&out);
}

/* ---- tests: determinism ---- */

static void test_same_input_same_bytes(void **state)
{
    (void)state;
    buf a, b, c;
    render_sample(ENGINE, 1, EPOCH_2026_01_05, &a);
    render_sample(ENGINE, 1, EPOCH_2026_01_05, &b); /* the subsets now come from the cache */
    assert_same_bytes(&a, &b, "the same display twice");
    /* the epoch is the creation date, at Vietnam's offset, and another epoch changes it */
    assert_int_equal(count_occurrences(&a, "(D:20260105070000+07'00')"), 2);
    render_sample(ENGINE, 1, EPOCH_2026_01_05 + 86400 + 3600 + 61, &c);
    assert_int_equal(count_occurrences(&c, "(D:20260106080101+07'00')"), 2);
    assert_int_equal(count_occurrences(&c, "D:20260105"), 0);
    buf_release(&a);
    buf_release(&b);
    buf_release(&c);
}

/* The k-th of many displays whose regular and bold faces each draw a character set no
 * other of them draws (k < 52). */
static void history_display(display *d, size_t k)
{
    char s[16];
    snprintf(s, sizeof s, "Trang %c", (char)(k < 26 ? 'A' + k : 'a' + (k - 26)));
    text_display(d, FACE_REGULAR, s);
    add_text(&d->pages[0], FACE_BOLD, 14, 100, 760, s);
}

/* pdf.h: a document's bytes depend only on its own content, the engine's settings and the
 * epoch, never on the documents rendered before it: not with the subset cache warm with
 * others, nor after it overflowed and the document's own subsets were evicted. */
static void test_bytes_do_not_depend_on_engine_history(void **state)
{
    (void)state;
    pdf_engine *fresh = engine_ok(&FONTS, ICC_GRAY, 2), *used = engine_ok(&FONTS, ICC_GRAY, 2);
    buf alone, after, evicted, other;
    render_sample(fresh, 1, EPOCH_2026_01_05, &alone);

    display d;
    pdf_meta m = meta(EPOCH_2026_01_05);
    four_faces_display(&d); /* B: other sets in the same faces */
    render_ok(used, &d, &m, &other);
    buf_release(&other);
    form_display(&d); /* C */
    render_ok(used, &d, &m, &other);
    buf_release(&other);
    render_sample(used, 1, EPOCH_2026_01_05, &after);
    assert_same_bytes(&alone, &after, "A after B and C");

    for (size_t k = 0; k < PDF_SUBSET_CACHE + 8; k++) {
        history_display(&d, k);
        render_ok(used, &d, &m, &other);
        buf_release(&other);
    }
    render_sample(used, 1, EPOCH_2026_01_05, &evicted);
    assert_same_bytes(&alone, &evicted, "A after the subset cache overflowed");
    buf_release(&alone);
    buf_release(&after);
    buf_release(&evicted);
    pdf_engine_free(fresh);
    pdf_engine_free(used);
}

/* ---- tests: fonts ---- */

static void test_only_used_faces_embedded(void **state)
{
    (void)state;
    buf out;
    render_sample(ENGINE, 0, EPOCH_2026_01_05, &out);
    char *fonts = run_tool("pdffonts", &out, "");
    assert_int_equal(font_count(fonts, "LiberationSerif"), 1);
    /* embedded (emb yes), a subset (sub yes), with a ToUnicode map (uni yes), CID TrueType */
    assert_non_null(strstr(fonts, "CID TrueType"));
    assert_non_null(strstr(fonts, "Identity-H"));
    assert_non_null(strstr(fonts, "yes yes yes"));
    assert_null(strstr(fonts, "Bold"));
    free(fonts);
    buf_release(&out);

    render_sample(ENGINE, 1, EPOCH_2026_01_05, &out);
    fonts = run_tool("pdffonts", &out, "");
    assert_int_equal(font_count(fonts, "LiberationSerif-Bold"), 2);
    free(fonts);
    buf_release(&out);
}

/* A character no face has, anywhere in the document, is refused with its code point: a PDF
 * would draw it as .notdef (an empty box) and extract it as nothing. */
static void test_character_the_face_lacks_is_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text, *cp;
    } cases[] = {{"Nguyễn 中 Tuyết", "U+4E2D"}, {"Chúc mừng 😀", "U+1F600"}};
    char err[512];
    buf before, after;
    render_sample(ENGINE, 1, EPOCH_2026_01_05, &before);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        display d;
        text_display(&d, FACE_REGULAR, cases[i].text);
        render_refused(ENGINE, &d, cases[i].cp, err, sizeof err);
        /* on a later page, in another face */
        pages_display(&d, 3, 1);
        add_text(&d.pages[2], FACE_BOLD_ITALIC, 12, 85, 500, cases[i].text);
        render_refused(ENGINE, &d, cases[i].cp, err, sizeof err);
        assert_non_null(strstr(err, "page 3"));
    }
    /* and the engine goes on rendering, as before */
    render_sample(ENGINE, 1, EPOCH_2026_01_05, &after);
    assert_same_bytes(&before, &after, "a render after the refusals");
    buf_release(&before);
    buf_release(&after);
}

static const char *const MALFORMED[] = {
    "Nguy\xC3\x28n",    /* a lead byte without its continuation */
    "Th\xE1\xBB",       /* cut at the end */
    "\xC0\xAF",         /* overlong '/' */
    "\xED\xA0\x80",     /* a surrogate */
    "\xF4\x90\x80\x80", /* past U+10FFFF */
    "Tuy\xFFt",         /* a byte UTF-8 never uses */
};

static void test_malformed_utf8_is_refused(void **state)
{
    (void)state;
    char err[512];
    for (size_t i = 0; i < sizeof MALFORMED / sizeof *MALFORMED; i++) {
        display d;
        text_display(&d, FACE_REGULAR, MALFORMED[i]);
        render_refused(ENGINE, &d, NULL, err, sizeof err);
    }
}

/* Was an engine bug (fixed): gather() formats the -1 that text_utf8_next returns for a malformed
 * sequence as a code point: "LiberationSerif has no glyph for U+FFFFFFFFFFFFFFFF on page 1". The
 * operator is told of a character that does not exist instead of malformed UTF-8. */
static void test_malformed_utf8_reason_says_so(void **state)
{
    (void)state;
    char err[512];
    display d;
    text_display(&d, FACE_REGULAR, MALFORMED[0]);
    render_refused(ENGINE, &d, NULL, err, sizeof err);
    if (strstr(err, "U+FFFFFFFF") || !strstr(err, "UTF-8"))
        fail_msg("a malformed text is reported as \"%s\", not as malformed UTF-8", err);
}

enum { MAX_GLYPHS = 4096 };

/* For each embedded font: the Type0 font and its subset program, inflated (and checked:
 * /Length1 is the program's size), with its /W widths and, as HarfBuzz reads the program,
 * its glyph count and advances (in 1/1000 em). */
typedef struct embedded {
    size_t type0, descriptor;
    buf program;
    unsigned glyphs;
    long w[MAX_GLYPHS + 1], advance[MAX_GLYPHS];
    size_t nw;
} embedded;

static size_t embedded_fonts(const pdoc *d, embedded *fonts, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; (k = find_obj(d, "/Subtype", "/Type0", k)) && n < max; n++) {
        embedded *e = &fonts[n];
        e->type0 = k;
        e->descriptor = obj_ref(&d->o[k], "/FontDescriptor"); /* in the CIDFont, inline */
        assert_true(e->descriptor > 0);
        size_t file = obj_ref(&d->o[e->descriptor], "/FontFile2");
        assert_true(file > 0);
        stream_data(d, file, &e->program);
        long length1 = obj_int(d, &d->o[file], "/Length1");
        if (length1 != (long)e->program.len)
            fail_msg("/FontFile2 %zu: /Length1 %ld, but it inflates to %zu bytes", file, length1,
                     e->program.len);
        assert_memory_equal(e->program.data, "\0\1\0\0", 4); /* a TrueType file */
        hb_blob_t *blob = hb_blob_create(e->program.data, (unsigned)e->program.len,
                                         HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *face = hb_face_create(blob, 0);
        hb_font_t *hbf = hb_font_create(face);
        int upem = (int)hb_face_get_upem(face);
        hb_font_set_scale(hbf, upem, upem);
        e->glyphs = hb_face_get_glyph_count(face);
        assert_true(e->glyphs > 0 && e->glyphs <= MAX_GLYPHS);
        for (unsigned g = 0; g < e->glyphs; g++)
            e->advance[g] = lround(hb_font_get_glyph_h_advance(hbf, g) * 1000.0 / upem);
        hb_font_destroy(hbf);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        /* "/W [ 0 [ w0 w1 ... ] ]": the widths of CIDs 0, 1, ... */
        e->nw = obj_numbers(&d->o[k], "/W", e->w, sizeof e->w / sizeof *e->w);
        assert_true(e->nw >= 2 && e->w[0] == 0);
    }
    return n;
}

static void embedded_release(embedded *fonts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_release(&fonts[i].program);
}

/* pdf.c's promises on each font (its header comment): /FontFile2 has /Length1 equal to its
 * inflated size, and is a TrueType file HarfBuzz reads; /W gives a width to every glyph of
 * the subset (CIDToGIDMap /Identity), and each is the font program's own advance
 * (PDF/A-1 6.3.6, PDF/A-2 6.2.11.5: consistent widths). */
static void test_font_programs_and_widths(void **state)
{
    (void)state;
    buf out;
    render_built(ENGINE, four_faces_display, &out);
    pdoc doc;
    pdf_read(&out, &doc);
    static embedded fonts[FACE_COUNT + 1];
    size_t n = embedded_fonts(&doc, fonts, FACE_COUNT + 1);
    assert_int_equal(n, FACE_COUNT);
    for (size_t i = 0; i < n; i++) {
        embedded *e = &fonts[i];
        assert_true(obj_is(&doc.o[e->type0], "/CIDToGIDMap", "/Identity"));
        assert_int_equal(e->nw - 1, e->glyphs);
        for (unsigned g = 0; g < e->glyphs; g++)
            if (labs(e->w[1 + g] - e->advance[g]) > 1)
                fail_msg("font %zu glyph %u: /W says %ld, the program %ld", e->type0, g,
                         e->w[1 + g], e->advance[g]);
    }
    embedded_release(fonts, n);
    pdf_done(&doc);
    buf_release(&out);
}

/* ---- tests: libharu internals ---- */

/* The streams pdf.c deflates itself keep libharu's filter NONE and get "/Filter
 * /FlateDecode" from a dict's write_fn hook: written exactly once, and the data inflates.
 * The page's content stream (written through HPDF_PageAttr_Rec) holds the text as glyph
 * ids, never glyph 0 (.notdef), and the rules; qpdf, inflating on its own, agrees. */
static void test_deflated_streams_decode(void **state)
{
    (void)state;
    buf out;
    render_built(ENGINE, four_faces_display, &out);
    qpdf_check(&out);
    pdoc doc;
    pdf_read(&out, &doc);
    size_t flated = 0;
    for (size_t k = 1; k < doc.n; k++) {
        const pobj *o = &doc.o[k];
        assert_true(count_bytes(o->text, o->text_len, "/Filter") <= 1);
        assert_true(count_bytes(o->text, o->text_len, "/FlateDecode") <= 1);
        if (!o->data || !obj_key(o, "/FlateDecode"))
            continue;
        buf plain;
        stream_data(&doc, k, &plain);
        assert_true(plain.len > o->data_len / 2);
        buf_release(&plain);
        flated++;
    }
    /* per font its program and map, the page's content, the ICC profile */
    assert_int_equal(flated, 2 * FACE_COUNT + 2);

    size_t page = find_obj(&doc, "/Type", "/Page", 0), k = obj_ref(&doc.o[page], "/Contents");
    assert_true(obj_is(&doc.o[k], "/Filter", "/FlateDecode"));
    buf content;
    stream_data(&doc, k, &content);
    const char *c = buf_str(&content);
    assert_non_null(strstr(c, "0.6 w\n85 690 m 300 690 l S\n"));
    /* glyph codes are 2 bytes in literal strings, so the stream holds NULs: read it by
     * length, never as a C string */
    assert_non_null(find_bytes(c, content.len, "BT\n/F1 14 Tf\n100 760 Td ("));
    assert_int_equal(count_bytes(c, content.len, ") Tj\n"), 4 + NLETTER_LINES);
    size_t strings = 0;
    for (const char *s = c, *end = c + content.len; (s = find_bytes(s, (size_t)(end - s), " Td ("));
         strings++) {
        size_t n = 0;
        unsigned char prev = 0;
        for (s += 5; s < end && *s != ')'; s++, n++) {
            unsigned char ch = (unsigned char)*s;
            if (ch == '\\') { /* the escapes the engine writes: ( ) \\ and CR */
                ch = (unsigned char)*++s;
                assert_true(ch == '(' || ch == ')' || ch == '\\' || ch == 'r');
                ch = ch == 'r' ? '\r' : ch;
            } else {
                assert_true(ch != '\r' && ch != '(');
            }
            if (n % 2 == 1 && prev == 0 && ch == 0)
                fail_msg("glyph 0 (.notdef) drawn");
            prev = ch;
        }
        assert_true(s < end && (size_t)(end - s) >= 4 && memcmp(s, ") Tj", 4) == 0);
        assert_true(n > 0 && n % 2 == 0);
    }
    assert_int_equal(strings, 4 + NLETTER_LINES);
    char want[65];
    sha256_hex(c, content.len, want);
    char *cmd = xasprintf("qpdf --show-object=%zu --filtered-stream-data", k);
    char *theirs = run_tool(cmd, &out, "| sha256sum");
    assert_int_equal(strncmp(theirs, want, 64), 0);
    free(theirs);
    free(cmd);
    buf_release(&content);
    pdf_done(&doc);
    buf_release(&out);
}

/* ---- tests: pages ---- */

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
    render_ok(ENGINE, &d, &m, &out);
    char *info = run_tool("pdfinfo", &out, "");
    expect_info(info, "Pages", "3");
    char *size = info_value(info, "Page size");
    assert_non_null(strstr(size, "595.276 x 841.89 pts (A4)"));
    free(size);
    free(info);
    /* page 2 holds page 2's text only */
    char *p2 = pdftotext(&out, "-f 2 -l 2");
    char lines[4][256];
    assert_int_equal(text_lines(p2, lines, 4), 1);
    assert_string_equal(lines[0], "Trang số 2");
    free(p2);
    buf_release(&out);
}

static void test_lines_only_page(void **state)
{
    (void)state;
    display d;
    display_a4(&d);
    dl_page *p = add_page(&d);
    add_line(p, 85, 700, 500, 700);
    add_line(p, 85, 700, 85.125, 600.5);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    char *fonts = run_tool("pdffonts", &out, "");
    assert_int_equal(font_count(fonts, NULL), 0);
    free(fonts);
    char *text = pdftotext(&out, "");
    char lines[4][256];
    assert_int_equal(text_lines(text, lines, 4), 0);
    free(text);
    pdoc doc;
    pdf_read(&out, &doc);
    buf content;
    page_contents(&doc, &content);
    /* the rules, to the hundredth of a point, and no text object */
    assert_string_equal(buf_str(&content),
                        "0.6 w\n85 700 m 500 700 l S\n85 700 m 85.125 600.5 l S\n");
    buf_release(&content);
    pdf_done(&doc);
    qpdf_check(&out);
    buf_release(&out);
}

/* PDF_MAX_PAGES: a display of exactly that many pages renders, all of them. */
static void test_page_limit_reached(void **state)
{
    (void)state;
    display d;
    pages_display(&d, PDF_MAX_PAGES, 1);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    char *info = run_tool("pdfinfo", &out, "");
    char want[16];
    snprintf(want, sizeof want, "%d", PDF_MAX_PAGES);
    expect_info(info, "Pages", want);
    free(info);
    char *last = pdftotext(&out, "-f 10000 -l 10000");
    assert_non_null(strstr(last, "Trang 10000"));
    free(last);
    buf_release(&out);
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
        assert_int_equal(pdf_render(ENGINE, &d, &m, &out, err, sizeof err), -1);
        char want[100];
        snprintf(want, sizeof want, "%zu pages, more than the %d", counts[k], PDF_MAX_PAGES);
        assert_non_null(strstr(err, want));
        assert_int_equal(out.len, 0);
        buf_release(&out);
        display_release(&d);
    }
}

/* Was an engine bug (fixed): PDF/A-1 takes PDF 1.4's implementation limits (ISO 19005-1 6.1.12, PDF
 * Reference 1.4 Table C.1), among them 8191 elements to an array. libharu's page tree is one
 * level, so a part-1 document of 8192 to PDF_MAX_PAGES pages has a /Kids array too long to
 * be PDF/A-1b. Either such a document is refused (the limit is 8191 pages for part 1) or
 * its page tree has more levels. */
static void test_part1_page_tree_within_pdfa1_limits(void **state)
{
    (void)state;
    pdf_engine *e = engine_ok(&FONTS, ICC_GRAY, 1);
    display d;
    pages_display(&d, PDFA1_MAX_ARRAY + 1, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    buf_init(&out, 0);
    char err[512] = "";
    int rc = pdf_render(e, &d, &m, &out, err, sizeof err);
    display_release(&d);
    pdf_engine_free(e);
    if (rc == 0) {
        pdoc doc;
        pdf_read(&out, &doc);
        size_t most = 0;
        for (size_t k = 0; (k = find_obj(&doc, "/Type", "/Pages", k));) {
            const char *kids = obj_key(&doc.o[k], "/Kids");
            size_t n = count_bytes(kids, strcspn(kids, "]"), " R");
            most = n > most ? n : most;
        }
        pdf_done(&doc);
        buf_release(&out);
        if (most > PDFA1_MAX_ARRAY)
            fail_msg("a PDF/A-1 page tree node has %zu kids, more than %d", most, PDFA1_MAX_ARRAY);
    } else {
        buf_release(&out);
        assert_non_null(strstr(err, "pages"));
    }
}

/* ---- tests: metadata ---- */

static void test_metadata(void **state)
{
    (void)state;
    buf out;
    render_sample(ENGINE, 0, EPOCH_2026_01_05, &out);
    char *info = run_tool("pdfinfo -enc UTF-8", &out, "");
    /* Vietnamese metadata reads back as written (a PDF text string is PDFDocEncoding or
     * UTF-16BE with a BOM; raw UTF-8 bytes show as mojibake) */
    expect_info(info, "Title", "Mẫu 01 - Giấy đề nghị");
    expect_info(info, "Author", "Sở Tài chính tỉnh An Giang");
    expect_info(info, "Subject", "Đề nghị cấp chứng thư số");
    expect_info(info, "Creator", "ctsbatch");
    char *producer = info_value(info, "Producer");
    assert_true(strncmp(producer, "ctsbatch, libharu ", 18) == 0);
    assert_int_equal(count_occurrences(&out, "/Producer"), 1); /* libharu's own replaced */
    free(producer);
    free(info);
    buf_release(&out);
}

/* pdf_meta: NULL or "" leaves the title, author and subject out, in the document
 * information and in the XMP alike; the archival description is written empty; a NULL
 * creator is "ctsbatch". */
static void test_metadata_left_out(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = {.author = "", .epoch = EPOCH_2026_01_05}; /* the rest NULL */
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    for (const char *const *k = (const char *const[]){"/Title", "/Author", "/Subject", NULL}; *k;
         k++)
        assert_false(contains(&out, *k));
    char *info = run_tool("pdfinfo", &out, "");
    expect_info(info, "Creator", "ctsbatch");
    free(info);
    xmp x;
    xmp_open(&out, &x);
    expect_xmp(&x, "count(//dc:title | //dc:creator | //dc:description)", "0");
    expect_xmp(&x, "//xmp:CreatorTool", "ctsbatch");
    expect_xmp(&x, "count(//ctsb:TypeName | //ctsb:OrganName | //ctsb:SignerInfo)", "3");
    expect_xmp(&x,
               "concat(//ctsb:TypeName, //ctsb:OrganName, //ctsb:IssuedDate, "
               "//ctsb:SignerInfo, //ctsb:Language)",
               "");
    expect_xmp(&x, "//ctsb:PageAmount", "1");
    xmp_close(&x);
    buf_release(&out);
}

/* The XMP packet says what the document information says (PDF/A-1 6.7.3, PDF/A-2 6.6.2.3):
 * title, author, subject, creator tool, producer, and the dates of the same instant at
 * +07:00; plus the archival description (Nghị định 30/2020 Phụ lục VI), PageAmount the page
 * count, in a namespace its extension schema declares. */
static void test_xmp_matches_info(void **state)
{
    (void)state;
    display d;
    pages_display(&d, 3, 1);
    pdf_meta m = meta(EPOCH_2026_11_26);
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    char *info = run_tool("pdfinfo -enc UTF-8 -rawdates", &out, "");
    expect_info(info, "CreationDate", "D:20261126070000+07'00'");
    expect_info(info, "ModDate", "D:20261126070000+07'00'");
    xmp x;
    xmp_open(&out, &x);
    expect_xmp(&x, "//xmp:CreateDate", "2026-11-26T07:00:00+07:00");
    expect_xmp(&x, "//xmp:ModifyDate", "2026-11-26T07:00:00+07:00");
    static const char *const pairs[][2] = {
        {"Title", "//dc:title/rdf:Alt/rdf:li[@xml:lang='x-default']"},
        {"Author", "//dc:creator/rdf:Seq/rdf:li"},
        {"Subject", "//dc:description/rdf:Alt/rdf:li[@xml:lang='x-default']"},
        {"Creator", "//xmp:CreatorTool"},
        {"Producer", "//pdf:Producer"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char *want = info_value(info, pairs[i][0]);
        assert_true(want[0] != '\0');
        expect_xmp(&x, pairs[i][1], want);
        free(want);
    }
    expect_xmp(&x, "//dc:title/rdf:Alt/rdf:li", "Mẫu 01 - Giấy đề nghị");
    expect_xmp(&x, "//pdfaid:conformance", "B");
    expect_xmp(&x, "//ctsb:TypeName", "Đơn đề nghị");
    expect_xmp(&x, "//ctsb:OrganName", "Sở Tài chính tỉnh An Giang");
    expect_xmp(&x, "//ctsb:Subject", "Đề nghị cấp chứng thư số");
    expect_xmp(&x, "//ctsb:IssuedDate", "2026-01-05");
    expect_xmp(&x, "//ctsb:PageAmount", "3");
    expect_xmp(&x, "//ctsb:SignerInfo", "GIÁM ĐỐC Trần Văn Bình");
    expect_xmp(&x, "//ctsb:Language", "vi");
    /* every property of the description is declared by the extension schema */
    expect_xmp(&x, "//pdfaSchema:namespaceURI", "urn:ctsbatch:luu-tru:1.0#");
    expect_xmp(&x, "//pdfaSchema:prefix", "ctsb");
    static const char *const props[] = {"TypeName",   "OrganName",  "Subject", "IssuedDate",
                                        "PageAmount", "SignerInfo", "Language"};
    for (size_t i = 0; i < sizeof props / sizeof *props; i++) {
        char *q = xasprintf("count(//pdfaProperty:name[. = '%s'])", props[i]);
        expect_xmp(&x, q, "1");
        free(q);
    }
    expect_xmp(&x, "//rdf:li[pdfaProperty:name = 'PageAmount']/pdfaProperty:valueType", "Integer");
    xmp_close(&x);
    free(info);
    buf_release(&out);
}

/* Markup in the values is escaped in the XMP and reads back whole, in both kinds of PDF
 * string (an ASCII literal, and UTF-16BE). */
static void test_xmp_escapes_markup(void **state)
{
    (void)state;
    display d;
    sample_display(&d, 0);
    pdf_meta m = meta(EPOCH_2026_01_05);
    m.title = "Form A&B <draft> \"v2\"";
    m.subject = "Biên bản <số 01> & phụ lục";
    m.author = "Sở Kế hoạch & Đầu tư";
    m.signer = "<GIÁM ĐỐC> & Trần Văn Bình";
    buf out;
    render_ok(ENGINE, &d, &m, &out);
    char *info = run_tool("pdfinfo -enc UTF-8", &out, "");
    expect_info(info, "Title", m.title);
    expect_info(info, "Subject", m.subject);
    free(info);
    xmp x;
    xmp_open(&out, &x);
    assert_non_null(strstr(x.raw, "Form A&amp;B &lt;draft"));
    expect_xmp(&x, "//dc:title/rdf:Alt/rdf:li", m.title);
    expect_xmp(&x, "//dc:description/rdf:Alt/rdf:li", m.subject);
    expect_xmp(&x, "//dc:creator/rdf:Seq/rdf:li", m.author);
    expect_xmp(&x, "//ctsb:Subject", m.subject);
    expect_xmp(&x, "//ctsb:SignerInfo", m.signer);
    xmp_close(&x);
    buf_release(&out);
}

/* ---- tests: PDF/A parts ---- */

static void expect_part(const buf *pdf, int part)
{
    char head[16], p[4];
    snprintf(head, sizeof head, "%%PDF-1.%d\n", part == 1 ? 4 : 7);
    assert_memory_equal(pdf->data, head, strlen(head));
    snprintf(p, sizeof p, "%d", part);
    xmp x;
    xmp_open(pdf, &x);
    expect_xmp(&x, "//pdfaid:part", p);
    expect_xmp(&x, "//pdfaid:conformance", "B");
    xmp_close(&x);
    qpdf_check(pdf);
}

/* Part 1 is PDF 1.4 with a CIDSet naming every glyph of each subset (PDF/A-1 6.3.5); part 2
 * is PDF 1.7 without one. Any other part is refused. */
static void test_part_1_and_part_2(void **state)
{
    (void)state;
    pdf_engine *e1 = engine_ok(&FONTS, ICC_GRAY, 1);
    display d;
    four_faces_display(&d);
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf one, two;
    render_ok(e1, &d, &m, &one);
    four_faces_display(&d);
    render_ok(ENGINE, &d, &m, &two);
    pdf_engine_free(e1);
    expect_part(&one, 1);
    expect_part(&two, 2);
    assert_false(contains(&two, "/CIDSet"));

    pdoc doc;
    pdf_read(&one, &doc);
    static embedded fonts[FACE_COUNT];
    size_t n = embedded_fonts(&doc, fonts, FACE_COUNT);
    assert_int_equal(n, FACE_COUNT);
    for (size_t i = 0; i < n; i++) {
        size_t k = obj_ref(&doc.o[fonts[i].descriptor], "/CIDSet");
        if (!k)
            fail_msg("the part-1 font descriptor %zu has no /CIDSet", fonts[i].descriptor);
        buf bits;
        stream_data(&doc, k, &bits);
        unsigned g = fonts[i].glyphs;
        assert_int_equal(bits.len, (g + 7) / 8);
        for (unsigned b = 0; b < 8 * bits.len; b++)
            assert_int_equal((bits.data[b / 8] >> (7 - b % 8)) & 1, b < g);
        buf_release(&bits);
    }
    embedded_release(fonts, n);
    pdf_done(&doc);
    buf_release(&one);
    buf_release(&two);

    engine_refused(ICC_GRAY, 0, "part 0");
    engine_refused(ICC_GRAY, 3, "part 3");
    engine_refused(ICC_GRAY, -1, "part -1");
}

/* ---- tests: the trailer /ID ---- */

static void render_id(pdf_engine *e, display *d, const pdf_meta *m, char id[2][80], buf *out)
{
    render_ok(e, d, m, out);
    trailer_id(out, id);
}

/* A /ID of two 16-byte strings (PDF/A-1 6.1.3), a digest of the document: equal for equal
 * input (and across engines), different when the text, a rule, the metadata or the epoch
 * differ. */
static void test_trailer_id(void **state)
{
    (void)state;
    char a[2][80], b[2][80], c[2][80];
    display d;
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf out;
    sample_display(&d, 1);
    render_id(ENGINE, &d, &m, a, &out);
    buf_release(&out);
    assert_int_equal(strlen(a[0]), 32);
    assert_int_equal(strlen(a[1]), 32);
    assert_string_equal(a[0], a[1]);
    pdf_engine *e = engine_ok(&FONTS, ICC_GRAY, 2);
    sample_display(&d, 1);
    render_id(e, &d, &m, b, &out);
    buf_release(&out);
    pdf_engine_free(e);
    assert_string_equal(a[0], b[0]);

    for (int change = 0; change < 4; change++) {
        pdf_meta m2 = m;
        sample_display(&d, 1);
        if (change == 0) {
            free(d.pages[0].items[1].text);
            d.pages[0].items[1].text = xstrdup("Nguyễn Thị Ánh Tuyêt");
        }
        if (change == 1)
            d.pages[0].items[2].y2 += 1;
        else if (change == 2)
            m2.title = "Mẫu 02 - Giấy đề nghị";
        else
            m2.epoch += 1;
        render_id(ENGINE, &d, &m2, c, &out);
        buf_release(&out);
        if (strcmp(a[0], c[0]) == 0)
            fail_msg("change %d keeps the /ID %s", change, c[0]);
    }
}

/* Was an engine bug (fixed): the /ID digest covers the subset tags, the page contents and the XMP
 * packet, but not the page size (the MediaBox) nor the output intent's profile: documents that
 * differ only there share one /ID, though pdf.h makes it "a digest of the document" and
 * PDF 32000-1 14.4 means it to tell files apart. The font programs are not digested either
 * (a tag hashes the character set only); another family is checked too, and on 5b435c7 its
 * glyph ids happen to differ, so it does not collide. */
static void test_trailer_id_covers_the_whole_document(void **state)
{
    (void)state;
    char base[2][80], id[2][80];
    display d;
    pdf_meta m = meta(EPOCH_2026_01_05);
    buf ref, out;
    sample_display(&d, 1);
    render_id(ENGINE, &d, &m, base, &ref);
    char same[256] = "";
    /* A5 instead of A4 */
    sample_display(&d, 1);
    d.width = 419.528;
    d.height = 595.276;
    render_id(ENGINE, &d, &m, id, &out);
    assert_false(out.len == ref.len && memcmp(out.data, ref.data, out.len) == 0);
    if (strcmp(id[0], base[0]) == 0)
        strcat(same, " the page size;");
    buf_release(&out);
    /* Liberation Sans instead of Serif: other font programs, other names */
    fontset sans;
    if (load_fonts(SANS_PATHS, &sans) == 0) {
        pdf_engine *e = engine_ok(&sans, ICC_GRAY, 2);
        sample_display(&d, 1);
        render_id(e, &d, &m, id, &out);
        assert_false(contains(&out, "LiberationSerif"));
        if (strcmp(id[0], base[0]) == 0)
            strcat(same, " the font family;");
        buf_release(&out);
        pdf_engine_free(e);
        free_fonts(&sans);
    }
    /* another grey profile as the output intent */
    pdf_engine *e = engine_ok(&FONTS, ICC_DIR "Gray-CIE_L.icc", 2);
    sample_display(&d, 1);
    render_id(e, &d, &m, id, &out);
    assert_false(out.len == ref.len && memcmp(out.data, ref.data, out.len) == 0);
    if (strcmp(id[0], base[0]) == 0)
        strcat(same, " the ICC profile;");
    buf_release(&out);
    pdf_engine_free(e);
    buf_release(&ref);
    if (same[0])
        fail_msg("documents differing only in%s keep the /ID %s", same, base[0]);
}

/* ---- tests: the output intent's ICC profile ---- */

/* A file of n bytes: `head` then spaces, a line of text every 64 bytes (caller unlinks and
 * frees). */
static char *text_file(const char *head, size_t n)
{
    char *s = xmalloc(n + 1);
    memset(s, ' ', n);
    for (size_t i = 63; i < n; i += 64)
        s[i] = '\n';
    memcpy(s, head, strlen(head) < n ? strlen(head) : n);
    s[n] = '\0';
    char *path = tu_temp_file(s);
    free(s);
    return path;
}

/* pdf_engine_new, for part 1 and for part 2, refuses the temporary file at path (removed
 * and freed here, before the verdict) with a reason that names it. */
static void temp_icc_refused(char *path, const char *what)
{
    char why[2][512] = {"", ""};
    int accepted = 0, named = 1;
    for (int part = 1; part <= 2; part++) {
        pdf_engine *e = pdf_engine_new(&FONTS, path, part, why[part - 1], sizeof why[0]);
        accepted |= e != NULL;
        named &= strstr(why[part - 1], path) != NULL;
        pdf_engine_free(e);
    }
    unlink(path);
    free(path);
    if (accepted)
        fail_msg("%s was accepted as the output intent's ICC profile", what);
    if (!named)
        fail_msg("the reasons \"%s\" and \"%s\" do not name the file", why[0], why[1]);
}

static void test_bad_icc_profiles_are_refused(void **state)
{
    (void)state;
    engine_refused("/nonexistent/ctsbatch-unit.icc", 2, "/nonexistent/ctsbatch-unit.icc");
    temp_icc_refused(text_file("", 0), "an empty file");
    temp_icc_refused(text_file("Hồ sơ màu: đây không phải là một tệp ICC.", 200), "text");
    temp_icc_refused(text_file("short", 100), "a file shorter than a profile header");
    temp_icc_refused(text_file("big", PDF_ICC_MAX_BYTES + 1), "a file over PDF_ICC_MAX_BYTES");
    /* a real profile of the Lab colour space, which no output intent has */
    engine_refused(ICC_DIR "ITULab.icc", 2, "ITULab.icc");
}

/* Was an engine bug (fixed): pdf_engine_new takes any file of 128 bytes or more whose bytes 16 to
 * 19 spell a colour space for a profile: it checks neither the 'acsp' signature at byte 36 that
 * every ICC profile has (ICC.1 7.2.9) nor the size the header declares (7.2.2). A text file that
 * happens to hold "GRAY" there is embedded as the output intent of an "archival" PDF. */
static void test_text_file_that_looks_like_a_profile_is_refused(void **state)
{
    (void)state;
    temp_icc_refused(text_file("Not a profile:  GRAY is just a word in this text.", 200),
                     "a 200-byte text file with \"GRAY\" at byte 16");
}

/* Was an engine bug (fixed): PDF/A takes as DestOutputProfile only an output ('prtr') or monitor
 * ('mntr') profile (ISO 19005-1 6.2.2, ISO 19005-2 6.2.3). pdf_engine_new reads the colour space at
 * byte 16 but not the profile class at byte 12, so a colour space ('spac') or device link
 * ('link') profile makes every document fail validation. */
static void test_profile_class_is_checked(void **state)
{
    (void)state;
    buf icc;
    buf_init(&icc, 0);
    assert_int_equal(buf_read_file(&icc, ICC_GRAY), 0);
    assert_memory_equal(icc.data + 12, "mntrGRAY", 8);
    memcpy(icc.data + 12, "spac", 4);
    char *path = write_temp(icc.data, icc.len);
    buf_release(&icc);
    temp_icc_refused(path, "Gray.icc with the colour space class 'spac'");
}

/* An RGB profile: the output intent says /N 3 and embeds the profile byte for byte. */
static void test_rgb_output_intent(void **state)
{
    (void)state;
    pdf_engine *e = engine_ok(&FONTS, ICC_DIR "sRGB.icc", 2);
    buf out;
    render_sample(e, 0, EPOCH_2026_01_05, &out);
    pdf_engine_free(e);
    assert_true(contains(&out, "/S /GTS_PDFA1"));
    assert_true(contains(&out, "/OutputConditionIdentifier (sRGB)"));
    pdoc doc;
    pdf_read(&out, &doc);
    size_t k = 0;
    for (size_t i = 1; i < doc.n && !k; i++)
        if (obj_key(&doc.o[i], "/DestOutputProfile"))
            k = obj_ref(&doc.o[i], "/DestOutputProfile");
    assert_true(k > 0);
    assert_int_equal(obj_int(&doc, &doc.o[k], "/N"), 3);
    buf icc, want;
    stream_data(&doc, k, &icc);
    buf_init(&want, 0);
    assert_int_equal(buf_read_file(&want, ICC_DIR "sRGB.icc"), 0);
    assert_same_bytes(&icc, &want, "the embedded profile");
    buf_release(&icc);
    buf_release(&want);
    pdf_done(&doc);
    qpdf_check(&out);
    buf_release(&out);
}

/* ---- tests: size ---- */

/* A one-page form in three faces stays under 26 KB (a regression guard; the target is 24),
 * and each font is really a subset: its program a small part of the TrueType file. */
static void test_form_is_small(void **state)
{
    (void)state;
    buf out;
    render_built(ENGINE, form_display, &out);
    if (out.len >= 26 * 1024)
        fail_msg("a one-page form is %zu bytes", out.len);
    char *text = pdftotext(&out, "");
    assert_non_null(strstr(text, "Thư điện tử công vụ: tuyetnta@angiang.gov.vn"));
    free(text);
    pdoc doc;
    pdf_read(&out, &doc);
    static embedded fonts[FACE_COUNT];
    size_t n = embedded_fonts(&doc, fonts, FACE_COUNT);
    assert_int_equal(n, 3);
    size_t smallest = SIZE_MAX;
    for (int f = 0; f < FACE_COUNT; f++) {
        size_t len;
        font_data(FONTS.face[f], &len);
        smallest = len < smallest ? len : smallest;
    }
    for (size_t i = 0; i < n; i++)
        if (fonts[i].program.len * 20 > smallest)
            fail_msg("font %zu embeds %zu bytes of a %zu-byte TrueType file", fonts[i].type0,
                     fonts[i].program.len, smallest);
    embedded_release(fonts, n);
    pdf_done(&doc);
    buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_with_pdf_header),
        cmocka_unit_test(test_appends_to_buffer),
        cmocka_unit_test(test_vietnamese_text_extracts),
        cmocka_unit_test(test_tounicode_map_is_valid),
        cmocka_unit_test(test_text_where_and_as_wide_as_the_layout_put_it),
        cmocka_unit_test(test_same_input_same_bytes),
        cmocka_unit_test(test_bytes_do_not_depend_on_engine_history),
        cmocka_unit_test(test_only_used_faces_embedded),
        cmocka_unit_test(test_character_the_face_lacks_is_refused),
        cmocka_unit_test(test_malformed_utf8_is_refused),
        cmocka_unit_test(test_malformed_utf8_reason_says_so),
        cmocka_unit_test(test_font_programs_and_widths),
        cmocka_unit_test(test_deflated_streams_decode),
        cmocka_unit_test(test_pages_and_size),
        cmocka_unit_test(test_lines_only_page),
        cmocka_unit_test(test_page_limit_reached),
        cmocka_unit_test(test_page_limit_passed_is_error),
        cmocka_unit_test(test_part1_page_tree_within_pdfa1_limits),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_metadata_left_out),
        cmocka_unit_test(test_xmp_matches_info),
        cmocka_unit_test(test_xmp_escapes_markup),
        cmocka_unit_test(test_part_1_and_part_2),
        cmocka_unit_test(test_trailer_id),
        cmocka_unit_test(test_trailer_id_covers_the_whole_document),
        cmocka_unit_test(test_bad_icc_profiles_are_refused),
        cmocka_unit_test(test_text_file_that_looks_like_a_profile_is_refused),
        cmocka_unit_test(test_profile_class_is_checked),
        cmocka_unit_test(test_rgb_output_intent),
        cmocka_unit_test(test_form_is_small),
    };
    return cmocka_run_group_tests(tests, suite_setup, suite_teardown);
}
