/* test_template: unit tests of pipeline/template.c on tests/data/unit_form.xml (every element
 * of the template format) and small forms written here: what template_load reads (page setup,
 * paragraphs, spans, columns, tables, spaces, defaults of FORMS.md / NĐ 30/2020), how
 * template_fill resolves placeholders ({key}, {key|upper} on Vietnamese, {key|ngay} dates,
 * "{{", unknown names kept), the blank rule (an empty value is the form's blank text in
 * paragraphs and "" in table cells), and the load errors (unknown element, wrong root,
 * DOCTYPE, malformed XML). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>

#include "config.h"
#include "render.h"
#include "roster.h"
#include "template.h"
#include "testutil.h"

#define FORM_PATH "tests/data/unit_form.xml"
#define BLANK "……………"

/* ---- data for template_fill: a record for the document, records for the table rows ---- */

typedef struct source {
    record docvals;
    record rows[4];
    size_t nrows;
    char stt[16];
} source;

/* The value of key in rec, or NULL when rec has no such key (the placeholder stays). */
static const char *lookup(const record *rec, const char *key)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].key, key) == 0)
            return rec->fields[i].value;
    return NULL;
}

static const char *doc_value(void *ctx, const char *name)
{
    source *s = ctx;
    return lookup(&s->docvals, name);
}

static const char *row_value(void *ctx, size_t i, const char *name)
{
    source *s = ctx;
    if (strcmp(name, "stt") == 0) {
        snprintf(s->stt, sizeof s->stt, "%zu", i + 1);
        return s->stt;
    }
    return i < s->nrows ? lookup(&s->rows[i], name) : NULL;
}

static void source_init(source *s)
{
    memset(s, 0, sizeof *s);
    record_set(&s->docvals, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    record_set(&s->docvals, "co_quan", "Sở Tài chính");
    record_set(&s->docvals, "chuc_vu", "");
    record_set(&s->docvals, "ghi_chu", "Đã nộp bản sao CCCD");
    record_set(&s->docvals, "ky_ten", "   ");
    record_set(&s->rows[0], "ho_ten", "Lê Văn Tám");
    record_set(&s->rows[0], "ghi_chu", "Ký thay");
    record_set(&s->rows[1], "ho_ten", "Đặng Thị Đào");
    record_set(&s->rows[1], "ghi_chu", "");
    record_set(&s->rows[2], "ho_ten", "");
    record_set(&s->rows[2], "ghi_chu", "{ho_ten}");
    s->nrows = 3;
}

static void source_release(source *s)
{
    record_release(&s->docvals);
    for (size_t i = 0; i < 4; i++)
        record_release(&s->rows[i]);
}

static template *load_or_fail(const char *path)
{
    char err[512] = "";
    template *t = template_load(path, err, sizeof err);
    if (!t)
        fail_msg("template_load(%s): %s", path, err);
    return t;
}

static template *fill_form(const template *t, source *s)
{
    tdata d = {s, doc_value, s->nrows, row_value};
    return template_fill(t, &d);
}

/* Loads `text` as a form, expects failure with an error containing `needle`. */
static void expect_load_error(const char *text, const char *needle)
{
    char *path = tu_temp_file(text);
    char err[512] = "";
    template *t = template_load(path, err, sizeof err);
    unlink(path);
    free(path);
    if (t) {
        template_free(t);
        fail_msg("template_load accepted a bad form (expected \"%s\")", needle);
    }
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

static template *load_text(const char *text)
{
    char *path = tu_temp_file(text);
    char err[512] = "";
    template *t = template_load(path, err, sizeof err);
    unlink(path);
    free(path);
    if (!t)
        fail_msg("template_load: %s", err);
    return t;
}

/* ---- loading ---- */

static void test_load_form_attributes(void **state)
{
    (void)state;
    template *t = load_or_fail(FORM_PATH);
    assert_string_equal(t->id, "99");
    assert_string_equal(t->title, "Mẫu thử - {ho_ten}");
    assert_string_equal(t->blank, BLANK);
    assert_true(t->size == 12.5);
    assert_true(t->line_height == 1.5);
    /* top, right, bottom, left */
    assert_true(t->margin[0] == 25 && t->margin[1] == 18);
    assert_true(t->margin[2] == 22 && t->margin[3] == 35);
    assert_int_equal(t->page_numbers, 0);
    assert_int_equal(t->nblocks, 6);
    assert_int_equal(t->blocks[0].kind, TB_PARA);
    assert_int_equal(t->blocks[1].kind, TB_PARA);
    assert_int_equal(t->blocks[2].kind, TB_PARA);
    assert_int_equal(t->blocks[3].kind, TB_COLUMNS);
    assert_int_equal(t->blocks[4].kind, TB_TABLE);
    assert_int_equal(t->blocks[5].kind, TB_SPACE);
    assert_true(t->blocks[5].height == 20);
    template_free(t);
}

static void test_load_paragraphs_and_spans(void **state)
{
    (void)state;
    template *t = load_or_fail(FORM_PATH);
    const tpara *p0 = &t->blocks[0].para;
    assert_int_equal(p0->align, AL_CENTER);
    assert_int_equal(p0->rule, RULE_THIRD);
    assert_true(p0->size == 13);
    assert_int_equal(p0->nspans, 1);
    assert_int_equal(p0->spans[0].bold, 1);
    assert_int_equal(p0->spans[0].italic, 0);

    const tpara *p1 = &t->blocks[1].para;
    assert_int_equal(p1->align, AL_JUSTIFY);
    assert_true(p1->indent == 10);
    assert_true(p1->before == 6 && p1->after == 4);
    assert_int_equal(p1->keep_with_next, 1);
    assert_int_equal(p1->rule, RULE_NONE);
    static const char *const texts[] = {
        "Họ và tên: ", "{ho_ten}", "; chức vụ: ", "{chuc_vu}", "\n", "Ghi chú: {ghi_chu}"};
    static const int bold[] = {0, 1, 0, 0, 0, 0}, italic[] = {0, 0, 0, 1, 0, 0};
    assert_int_equal(p1->nspans, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(p1->spans[i].text, texts[i]);
        assert_int_equal(p1->spans[i].bold, bold[i]);
        assert_int_equal(p1->spans[i].italic, italic[i]);
    }
    assert_int_equal(t->blocks[2].para.align, AL_RIGHT);
    assert_int_equal(t->blocks[2].para.rule, RULE_FULL);
    assert_int_equal(t->blocks[2].para.spans[0].italic, 1);
    template_free(t);
}

static void test_load_columns_and_table(void **state)
{
    (void)state;
    template *t = load_or_fail(FORM_PATH);
    const tblock *cb = &t->blocks[3];
    assert_int_equal(cb->keep, 1);
    assert_true(cb->before == 12 && cb->after == 3);
    assert_int_equal(cb->ncols, 2);
    assert_true(cb->cols[0].width == 40 && cb->cols[1].width == 60);
    assert_int_equal(cb->cols[0].nblocks, 1);
    assert_int_equal(cb->cols[1].nblocks, 3);
    assert_int_equal(cb->cols[1].blocks[1].kind, TB_SPACE);
    assert_true(cb->cols[1].blocks[1].height == 30);
    assert_int_equal(cb->cols[1].blocks[0].para.spans[0].bold, 1);

    const tblock *tb = &t->blocks[4];
    assert_true(tb->size == 11);
    assert_true(tb->before == 5 && tb->after == 6);
    assert_int_equal(tb->ncols, 3);
    assert_int_equal(tb->nrows, 0);
    static const char *const heads[] = {"STT", "Họ và tên", "Ghi chú"};
    /* the constraints the form gives its columns (mm), which otherwise size themselves */
    static const double fixed[] = {10, 0, 0}, min[] = {0, 30, 0}, max[] = {0, 0, 50};
    static const int nowrap[] = {0, 4, 0};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(tb->cols[i].head, heads[i]);
        assert_true(tb->cols[i].fixed_width == fixed[i] && tb->cols[i].min_width == min[i]);
        assert_true(tb->cols[i].max_width == max[i] && tb->cols[i].nowrap == nowrap[i]);
    }
    assert_int_equal(tb->cols[0].cell.align, AL_CENTER);
    assert_int_equal(tb->cols[1].cell.align, AL_LEFT);
    assert_string_equal(tb->cols[0].cell.spans[0].text, "{stt}");
    assert_int_equal(tb->cols[2].cell.spans[0].bold, 1);
    template_free(t);
}

static void test_load_defaults(void **state)
{
    (void)state;
    template *t = load_text("<form><p>Một dòng</p><space/><table><col>{x}</col></table></form>");
    assert_string_equal(t->id, "");
    assert_string_equal(t->blank, "..............................");
    assert_true(t->size == 13);
    assert_true(t->line_height == 1.2);
    /* NĐ 30/2020 Phụ lục I: top 20, right 15, bottom 20, left 30 mm */
    assert_true(t->margin[0] == 20 && t->margin[1] == 15);
    assert_true(t->margin[2] == 20 && t->margin[3] == 30);
    assert_int_equal(t->page_numbers, 1);
    assert_int_equal(t->nblocks, 3);
    assert_int_equal(t->blocks[0].para.align, AL_LEFT);
    assert_true(t->blocks[0].para.size == 0);
    assert_string_equal(t->blocks[0].para.spans[0].text, "Một dòng");
    assert_true(t->blocks[1].height == 6);
    assert_string_equal(t->blocks[2].cols[0].head, "");
    template_free(t);
}

static void test_load_composes_nfc(void **state)
{
    (void)state;
    /* "Nguyễn" with e + circumflex + tilde as combining marks (a macOS file) */
    template *t = load_text("<form><p>Nguye\xcc\x82\xcc\x83n</p></form>");
    assert_string_equal(t->blocks[0].para.spans[0].text, "Nguyễn");
    template_free(t);
}

/* {key|opt}: an empty optional value stays empty, and a paragraph made only of such values is
 * left out (the "KT. GIÁM ĐỐC" line of a letter signed by the head himself); an ordinary
 * empty value still prints the form's blank. */
static void test_optional_values(void **state)
{
    (void)state;
    char *path = tu_temp_file("<form id=\"t\" blank=\"....\">"
                              "<p>{chuc_vu|opt}</p><p>{ho_ten|opt}</p>"
                              "<p>Chức vụ: {chuc_vu}</p><p>x{chuc_vu|opt}y</p></form>");
    template *t = load_or_fail(path);
    unlink(path);
    free(path);
    source s;
    source_init(&s);
    template *f = fill_form(t, &s);
    assert_int_equal(f->nblocks, 4);
    assert_int_equal(f->blocks[0].para.omit, 1); /* only an empty optional value */
    assert_int_equal(f->blocks[1].para.omit, 0);
    assert_string_equal(f->blocks[1].para.spans[0].text, "Nguyễn Thị Ánh Tuyết");
    assert_int_equal(f->blocks[2].para.omit, 0);
    assert_string_equal(f->blocks[2].para.spans[0].text, "Chức vụ: ....");
    assert_int_equal(f->blocks[3].para.omit, 0); /* other text around it: kept */
    assert_string_equal(f->blocks[3].para.spans[0].text, "xy");
    template_free(f);
    template_free(t);
    source_release(&s);
}

static void test_unknown_element_is_error(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(template_load("tests/data/unit_form_unknown.xml", err, sizeof err));
    assert_non_null(strstr(err, "tests/data/unit_form_unknown.xml"));
    assert_non_null(strstr(err, "tests/data/unit_form_unknown.xml:6: unknown element <bang>"));
    /* also inside a column */
    expect_load_error("<form><columns><col><p>a</p><hinh/></col></columns></form>",
                      "unknown element <hinh>");
}

static void test_bad_forms(void **state)
{
    (void)state;
    expect_load_error("<mau><p>a</p></mau>", "root element must be <form>");
    expect_load_error("<!DOCTYPE form [<!ENTITY e \"x\">]><form><p>&e;</p></form>", "no DOCTYPE");
    expect_load_error("<form><p>chưa đóng</form>", "");
    char err[512] = "";
    assert_null(template_load("tests/data/unit_khong_co_mau.xml", err, sizeof err));
    assert_non_null(strstr(err, "tests/data/unit_khong_co_mau.xml"));
    template_free(NULL);
}

/* ---- filling ---- */

static void test_fill_title_and_spans(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    template *t = load_or_fail(FORM_PATH);
    template *f = fill_form(t, &s);
    assert_string_equal(f->title, "Mẫu thử - Nguyễn Thị Ánh Tuyết");
    assert_string_equal(f->subject, "Kiểm thử {mẫu}");
    assert_string_equal(f->id, "99");
    const tpara *p1 = &f->blocks[1].para;
    assert_int_equal(p1->nspans, 6);
    assert_string_equal(p1->spans[0].text, "Họ và tên: ");
    assert_string_equal(p1->spans[1].text, "Nguyễn Thị Ánh Tuyết");
    assert_int_equal(p1->spans[1].bold, 1);
    assert_string_equal(p1->spans[4].text, "\n");
    assert_string_equal(p1->spans[5].text, "Ghi chú: Đã nộp bản sao CCCD");
    assert_int_equal(p1->align, AL_JUSTIFY);
    assert_true(p1->indent == 10);
    /* the template itself is untouched */
    assert_string_equal(t->blocks[1].para.spans[1].text, "{ho_ten}");
    assert_string_equal(t->title, "Mẫu thử - {ho_ten}");
    template_free(f);
    template_free(t);
    source_release(&s);
}

static void test_fill_upper_vietnamese(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    template *t = load_or_fail(FORM_PATH);
    template *f = fill_form(t, &s);
    assert_string_equal(f->blocks[0].para.spans[0].text, "SỞ TÀI CHÍNH");
    /* several |upper in one span, an empty one, and an unknown name kept as written */
    assert_string_equal(f->blocks[2].para.spans[0].text,
                        "SỞ TÀI CHÍNH – NGUYỄN THỊ ÁNH TUYẾT – " BLANK " – {khong_co}");
    assert_string_equal(f->blocks[3].cols[0].blocks[0].para.spans[0].text,
                        "Trái NGUYỄN THỊ ÁNH TUYẾT");
    template_free(f);
    template_free(t);

    /* every Vietnamese vowel with every tone, and đ */
    record_set(&s.docvals, "co_quan",
               "àáảãạ ăằắẳẵặ âầấẩẫậ đ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ "
               "ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự ỳýỷỹỵ");
    t = load_or_fail(FORM_PATH);
    f = fill_form(t, &s);
    assert_string_equal(f->blocks[0].para.spans[0].text,
                        "ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ Đ ÈÉẺẼẸ ÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ ÙÚỦŨỤ "
                        "ƯỪỨỬỮỰ ỲÝỶỸỴ");
    template_free(f);
    template_free(t);
    source_release(&s);
}

static void test_fill_blank_in_paragraphs(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    template *t = load_or_fail(FORM_PATH);
    template *f = fill_form(t, &s);
    /* chuc_vu is "", ky_ten only spaces: both print as the form's blank */
    assert_string_equal(f->blocks[1].para.spans[3].text, BLANK);
    assert_int_equal(f->blocks[1].para.spans[3].italic, 1);
    assert_string_equal(f->blocks[3].cols[1].blocks[2].para.spans[0].text, BLANK);
    assert_string_equal(f->blocks[3].cols[1].blocks[0].para.spans[0].text, "PHẢI");
    template_free(f);
    template_free(t);
    source_release(&s);
}

static void test_fill_table_cells(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    template *t = load_or_fail(FORM_PATH);
    template *f = fill_form(t, &s);
    const tblock *tb = &f->blocks[4];
    assert_int_equal(tb->nrows, 3);
    assert_int_equal(tb->ncols, 3);
    static const char *const want[3][3] = {
        {"1", "LÊ VĂN TÁM", "Ký thay"},
        {"2", "ĐẶNG THỊ ĐÀO", ""}, /* empty cell: no dotted blank in a table */
        {"3", "", "{ho_ten}"},     /* a value is never expanded again */
    };
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 0; c < 3; c++)
            assert_string_equal(tb->cells[r][c], want[r][c]);
    assert_string_equal(tb->cols[1].head, "Họ và tên");
    template_free(f);
    template_free(t);
    source_release(&s);
}

static void test_fill_empty_table(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    s.nrows = 0;
    template *t = load_or_fail(FORM_PATH);
    template *f = fill_form(t, &s);
    assert_int_equal(f->blocks[4].nrows, 0);
    assert_int_equal(f->nblocks, 6);
    template_free(f);
    template_free(t);
    source_release(&s);
}

/* when="NAME" leaves a block out unless NAME is set, non-empty and not "0"; rows="NAME"
 * lists the rows "FIRST COUNT" names, cut to those there are, and a table left with no row
 * is left out. */
static void test_fill_when_and_rows(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    record_set(&s.docvals, "co", "2");
    record_set(&s.docvals, "khong", "0");
    record_set(&s.docvals, "sau", "1 5");
    record_set(&s.docvals, "ngoai", "3 1");
    template *t = load_text("<form id=\"x\"><p when=\"co\">A</p><p when=\"khong\">B</p>"
                            "<p when=\"chua_co\">C</p><p when=\"chuc_vu\">D</p>"
                            "<table rows=\"sau\"><col>{stt}. {ho_ten}</col></table>"
                            "<table rows=\"ngoai\"><col>{ho_ten}</col></table>"
                            "<table when=\"khong\"><col>{ho_ten}</col></table>"
                            "<table><col>{ho_ten}</col></table></form>");
    template *f = fill_form(t, &s);
    assert_int_equal(f->nblocks, 8);
    assert_false(f->blocks[0].para.omit);
    assert_true(f->blocks[1].para.omit && f->blocks[1].omit);
    assert_true(f->blocks[2].para.omit); /* not set at all */
    assert_true(f->blocks[3].para.omit); /* set but empty */
    assert_false(f->blocks[4].omit);
    assert_int_equal(f->blocks[4].nrows, 2); /* rows 1 and 2 of 3 */
    assert_int_equal(f->blocks[4].first, 1);
    assert_string_equal(f->blocks[4].cells[0][0], "2. Đặng Thị Đào");
    assert_true(f->blocks[5].omit); /* row 3 of 3 rows: none */
    assert_int_equal(f->blocks[5].nrows, 0);
    assert_true(f->blocks[6].omit);
    assert_false(f->blocks[7].omit);
    assert_int_equal(f->blocks[7].nrows, 3);
    template_free(f);
    template_free(t);
    source_release(&s);
}

/* Conditions (template.h): NAME, !NAME, NAME=A,B, NAME!=A,B, all terms of a condition, on
 * blocks and on <if> pieces; rows.NAME over the document's rows; a paragraph made only of
 * pieces none of which holds is left out. */
static void test_fill_conditions(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    record_set(&s.docvals, "ma", "gia-han");
    record_set(&s.docvals, "khong", "0");
    record_set(&s.rows[0], "loai", "ca-nhan");
    record_set(&s.rows[1], "loai", "co-quan");
    record_set(&s.rows[2], "loai", "ca-nhan");
    template *t = load_text(
        "<form id=\"x\" blank=\"..\">"
        "<p when=\"ma=gia-han\">0</p><p when=\"ma=thay-doi\">1</p>"
        "<p when=\"ma=cap-moi,gia-han\">2</p><p when=\"ma!=gia-han\">3</p>"
        "<p when=\"ma!=thay-doi,cap-moi\">4</p><p when=\"!khong\">5</p><p when=\"!ma\">6</p>"
        "<p when=\"ma=gia-han !khong co_quan\">7</p><p when=\"ma=gia-han khong\">8</p>"
        "<p when=\"rows.loai=co-quan\">9</p><p when=\"rows.loai=khac\">10</p>"
        "<p>V/v đề nghị <if when=\"ma=gia-han\">gia hạn</if><if when=\"ma=gia-han "
        "rows.loai=thay-doi\">, </if><if when=\"ma=thay-doi rows.loai=co-quan\">thay đổi</if>"
        " chứng thư số</p>"
        "<p><if when=\"khong\">không in</if><if when=\"ma=cap-moi\"><b>không</b></if></p>"
        "<columns when=\"khong\"><col><p>c</p></col></columns><space when=\"ma\" height=\"3\"/>"
        "<table><col>{stt}<if when=\"loai=co-quan\"> (tổ chức)</if></col></table>"
        "<p when=\"ma\"> </p></form>");
    template *f = fill_form(t, &s);
    static const int omitted[] = {0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1};
    for (size_t i = 0; i < sizeof omitted / sizeof *omitted; i++)
        if (f->blocks[i].para.omit != omitted[i])
            fail_msg("paragraph %zu: omit %d, want %d", i, f->blocks[i].para.omit, omitted[i]);
    const tpara *vv = &f->blocks[11].para;
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < vv->nspans; i++)
        buf_puts(&b, vv->spans[i].text);
    assert_string_equal(buf_str(&b), "V/v đề nghị gia hạn chứng thư số");
    assert_false(vv->omit);
    buf_release(&b);
    assert_true(f->blocks[12].para.omit); /* only pieces, none holds */
    assert_true(f->blocks[13].omit);      /* columns */
    assert_false(f->blocks[14].omit);     /* space */
    const tblock *tb = &f->blocks[15];
    assert_string_equal(tb->cells[0][0], "1");
    assert_string_equal(tb->cells[1][0], "2 (tổ chức)"); /* the row's own value */
    assert_string_equal(tb->cells[2][0], "3");
    assert_false(f->blocks[16].para.omit); /* a blank line whose condition holds stays */
    template_free(f);
    template_free(t);
    /* {?CONDITION:TEXT}: the <if> of attributes, a letter's subject */
    t = load_text("<form subject=\"Đề nghị {?ma=gia-han:gia hạn}{?ma=gia-han rows.loai=co-quan:, }"
                  "{?rows.loai=khac:thay đổi} chứng thư số\"><p>a</p></form>");
    f = fill_form(t, &s);
    assert_string_equal(f->subject, "Đề nghị gia hạn,  chứng thư số");
    template_free(f);
    template_free(t);
    source_release(&s);
}

/* Filters apply left to right: case as Vietnamese needs it, dates, opt with another. */
static void test_fill_filters(void **state)
{
    (void)state;
    source s;
    source_init(&s);
    record_set(&s.docvals, "cv", "PHÓ GIÁM ĐỐC");
    record_set(&s.docvals, "ten", "đặng văn ơn");
    record_set(&s.docvals, "ngay", "2027-01-05");
    record_set(&s.docvals, "gd", "GIÁM ĐỐC");
    record_set(&s.docvals, "mixed", "Giám đốc Sở Tài chính");
    /* a title naming its agency in capitals keeps them: UBND, An Giang */
    record_set(&s.docvals, "long", "PHÓ CHÁNH VĂN PHÒNG UBND TỈNH AN GIANG");
    template *t = load_text("<form blank=\"..\"><p>{cv|lower}/{cv|lower|capital}/{ten|upper}/"
                            "{ten|capital}/{ngay|ngay}/{chuc_vu|opt|upper}/{chuc_vu|upper}/"
                            "{cv|chuc_vu}/{gd|chuc_vu}/{mixed|chuc_vu}/{long|chuc_vu}</p></form>");
    template *f = fill_form(t, &s);
    assert_string_equal(f->blocks[0].para.spans[0].text,
                        "phó giám đốc/Phó giám đốc/ĐẶNG VĂN ƠN/Đặng văn ơn/05/01/2027//../"
                        "Phó Giám đốc/Giám đốc/Giám đốc Sở Tài chính/"
                        "PHÓ CHÁNH VĂN PHÒNG UBND TỈNH AN GIANG");
    template_free(f);
    template_free(t);
    source_release(&s);
}

/* ---- checked at load: every name, filter and condition, with file and line ---- */

static int known_names(void *ctx, const char *name, int in_row)
{
    (void)ctx;
    static const char *const names[] = {"ho_ten", "chuc_vu", "agency.thu_truong", "ma.thu_tuc"};
    if (strcmp(name, "stt") == 0)
        return in_row;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static void expect_checked_error(const char *text, const char *want)
{
    char *path = tu_temp_file(text);
    char err[512] = "", line_of[600];
    tnames names = {NULL, known_names};
    template *t = template_load_checked(path, &names, err, sizeof err);
    if (t)
        fail_msg("loaded a form that should fail: %s", text);
    snprintf(line_of, sizeof line_of, "%s:%s", path, want); /* "FILE:LINE: what" */
    if (!strstr(err, line_of))
        fail_msg("error \"%s\" lacks \"%s\"", err, line_of);
    unlink(path);
    free(path);
}

static void test_load_checks_names(void **state)
{
    (void)state;
    char *path = tu_temp_file(
        "<form title=\"{ho_ten}\">\n<p when=\"ma.thu_tuc=gia-han\">{agency.thu_truong|lower|"
        "capital} <if when=\"!chuc_vu\">{chuc_vu|opt}</if></p>\n<table><col head=\"{ho_ten}\">"
        "{stt}</col></table>\n</form>");
    char err[512] = "";
    tnames names = {NULL, known_names};
    template *t = template_load_checked(path, &names, err, sizeof err);
    if (!t)
        fail_msg("a good form refused: %s", err);
    template_free(t);
    unlink(path);
    free(path);
    expect_checked_error("<form>\n<p>a</p>\n<p>Họ tên: {ho_tenx}</p></form>",
                         "3: unknown placeholder {ho_tenx}");
    expect_checked_error("<form>\n\n<p>{ho_ten|hoa}</p></form>",
                         "3: unknown filter hoa in {ho_ten}");
    expect_checked_error("<form>\n<p when=\"ma.thu_tuc=gia-han loai\">a</p></form>",
                         "2: unknown key in condition: loai");
    expect_checked_error("<form>\n<p><if when=\"khong_co\">a</if></p></form>",
                         "2: unknown key in condition: khong_co");
    expect_checked_error("<form>\n<p when=\"ho_ten=\">a</p></form>",
                         "2: a condition that cannot be read: ho_ten=");
    expect_checked_error("<form title=\"{tieu_de}\">\n<p>a</p></form>",
                         "1: unknown placeholder {tieu_de}");
    expect_checked_error("<form>\n<p>{stt}</p></form>", "2: unknown placeholder {stt}");
    expect_checked_error("<form>\n<table><col head=\"{nope}\">{stt}</col></table></form>",
                         "2: unknown placeholder {nope}");
    expect_checked_error("<form>\n<p>{ho_ten</p></form>", "2: a placeholder without its closing");
    expect_checked_error("<form subject=\"{?ma.thu_tuc=gia-han loai:x}\">\n<p>a</p></form>",
                         "1: unknown key in condition: loai");
    expect_checked_error("<form>\n<p>{?:x}</p></form>", "2: a conditional text without its");
    expect_checked_error("<form>\n<table><col width=\"3\">a</col></table></form>",
                         "2: a table <col> takes no width");
    /* without names only the language itself is checked */
    char *p2 = tu_temp_file("<form><p>{whatever}</p><p>{x|bad}</p></form>");
    assert_null(template_load(p2, err, sizeof err));
    assert_non_null(strstr(err, "unknown filter bad in {x}"));
    unlink(p2);
    free(p2);
}

static int shipped_known(void *ctx, const char *name, int in_row)
{
    return render_name_known(ctx, name, in_row);
}

/* Every shipped template names only what the data has (render.h: roster keys, the site's
 * settings, coded fields, derived values, the plan's values); the check refuses a key that
 * is none of them and accepts each kind. */
static void test_shipped_templates_check(void **state)
{
    (void)state;
    config *cfg = tu_config();
    tnames names = {cfg, shipped_known};
    DIR *dir = opendir("templates");
    assert_non_null(dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        char path[300], err[512] = "";
        snprintf(path, sizeof path, "templates/%s", e->d_name);
        template *t = template_load_checked(path, &names, err, sizeof err);
        if (!t)
            fail_msg("%s", err);
        template_free(t);
        n++;
    }
    closedir(dir);
    assert_true(n >= 14);
    static const char *const good[] = {"ho_ten",           "agency.quyen_ky",
                                       "site.dia_danh",    "nhan.thu_tuc",
                                       "ma.loai_thue_bao", "derived.han_ban_giao_thiet_bi",
                                       "doc.so_tu_choi",   "doc.count",
                                       "date.year",        "ten"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!render_name_known(cfg, good[i], 0))
            fail_msg("%s should be known", good[i]);
    static const char *const bad[] = {"ho_tenx",     "agency.khong_co",   "site.khong_co",
                                      "nhan.ho_ten", "derived.ngay_sinh", "doc.khong_co",
                                      "date.hour",   "kq.khong",          "stt"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (render_name_known(cfg, bad[i], 0))
            fail_msg("%s should be unknown", bad[i]);
    assert_true(render_name_known(cfg, "stt", 1)); /* a row's number, in table cells */
    config_free(cfg);
}

static void test_fill_date_filter(void **state)
{
    (void)state;
    template *t = load_text("<form blank=\"....\"><p>{iso|ngay} {vn|ngay} {short|ngay} "
                            "{text|ngay} {none|ngay} {iso}</p><table><col>{iso|ngay}</col>"
                            "<col>{none|ngay}</col></table></form>");
    source s;
    memset(&s, 0, sizeof s);
    record_set(&s.docvals, "iso", "2027-03-14");
    record_set(&s.docvals, "vn", "14/03/2027");
    record_set(&s.docvals, "short", "5/1/2027");
    record_set(&s.docvals, "text", "chưa rõ");
    record_set(&s.docvals, "none", "");
    record_set(&s.rows[0], "iso", "2026-01-05");
    record_set(&s.rows[0], "none", "");
    s.nrows = 1;
    template *f = fill_form(t, &s);
    /* NĐ 30/2020: dd/mm/yyyy with leading zeros; not a date: as written; empty: blank */
    assert_string_equal(f->blocks[0].para.spans[0].text,
                        "14/03/2027 14/03/2027 05/01/2027 chưa rõ .... 2027-03-14");
    assert_string_equal(f->blocks[1].cells[0][0], "05/01/2026");
    assert_string_equal(f->blocks[1].cells[0][1], "");
    template_free(f);
    template_free(t);
    source_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_form_attributes),
        cmocka_unit_test(test_load_paragraphs_and_spans),
        cmocka_unit_test(test_load_columns_and_table),
        cmocka_unit_test(test_load_defaults),
        cmocka_unit_test(test_load_composes_nfc),
        cmocka_unit_test(test_optional_values),
        cmocka_unit_test(test_unknown_element_is_error),
        cmocka_unit_test(test_bad_forms),
        cmocka_unit_test(test_fill_title_and_spans),
        cmocka_unit_test(test_fill_upper_vietnamese),
        cmocka_unit_test(test_fill_blank_in_paragraphs),
        cmocka_unit_test(test_fill_table_cells),
        cmocka_unit_test(test_fill_empty_table),
        cmocka_unit_test(test_fill_when_and_rows),
        cmocka_unit_test(test_fill_date_filter),
        cmocka_unit_test(test_fill_conditions),
        cmocka_unit_test(test_fill_filters),
        cmocka_unit_test(test_load_checks_names),
        cmocka_unit_test(test_shipped_templates_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
