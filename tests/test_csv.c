/* test_csv: unit tests of pipeline/csv.c against ROSTER.md "CSV" and RFC 4180: quoted fields
 * holding delimiters, doubled quotes and line breaks; CRLF, LF and bare CR line ends; the
 * delimiter detected from the header line; headers named by key or Vietnamese label; the
 * line each record starts on (a quoted line break makes the next record's line jump); blank
 * rows skipped; unknown columns and ragged rows as warnings; a broken file (unclosed quote,
 * a limit passed, no header) as a failure naming its line (STYLE.md 12: a test per limit). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"
#include "testutil.h"

static roster *parse(const char *text, char delim)
{
    roster *r = roster_new("test.csv");
    csv_parse(r, text, strlen(text), delim);
    return r;
}

/* Parses text and expects it to be read with n records and no failure. */
static roster *parse_ok(const char *text, size_t n)
{
    roster *r = parse(text, 0);
    if (r->failed)
        fail_msg("unexpected failure at line %ld: %s", r->error.line, r->error.message);
    assert_int_equal(r->nrecords, n);
    return r;
}

/* Expects r failed at line, with a message naming that line ("dòng N" or "Dòng N", then a
 * non-digit). */
static void expect_failed_at(const roster *r, long line)
{
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->error.line, line);
    assert_non_null(r->error.message);
    char want[32];
    snprintf(want, sizeof want, "òng %ld", line); /* "dòng" or "Dòng" */
    const char *at = strstr(r->error.message, want);
    if (!at)
        fail_msg("message does not name line %ld: %s", line, r->error.message);
    char after = at[strlen(want)];
    assert_false(after >= '0' && after <= '9');
}

/* What csv_write_cell writes, csv_read reads back as it was: a value a spreadsheet would run
 * as a formula gets a ' in front (CSV injection), which the reader takes off; a ' before
 * anything else is the clerk's and stays. */
static void test_written_cells_read_back(void **state)
{
    (void)state;
    const char *values[] = {"=HYPERLINK(\"http://x\";\"a\")", "+84 912", "Phạm, Thị", "'quote",
                            "-", "089185001234"};
    enum { N = sizeof values / sizeof *values };
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "chuc_vu,dien_thoai,ho_ten,ghi_chu,co_quan_cong_tac,so_cccd\n");
    for (size_t i = 0; i < N; i++)
        csv_write_cell(&b, values[i], i == N - 1);
    assert_non_null(strstr(buf_str(&b), "\"'=HYPERLINK(\"\"http://x\"\";\"\"a\"\")\","));
    assert_non_null(strstr(buf_str(&b), "\"'+84 912\","));
    roster *r = parse_ok(buf_str(&b), 1);
    const char *keys[] = {"chuc_vu", "dien_thoai", "ho_ten", "ghi_chu", "co_quan_cong_tac",
                          "so_cccd"};
    for (size_t i = 0; i < N; i++)
        tu_expect_field(r, 0, keys[i], values[i]);
    roster_free(r);
    buf_release(&b);
}

static void test_detect_delimiter(void **state)
{
    (void)state;
    const struct {
        const char *text;
        char want;
    } cases[] = {
        {"ho_ten,thu_tuc,email\n", ','},
        {"Họ và tên;Thủ tục;Ghi chú\r\n", ';'},
        {"ho_ten\tthu_tuc\temail", '\t'},
        {"ho_ten\n", ','},                    /* none: ',' */
        {"\"a;b;c;d\",e,f\n", ','},           /* delimiters inside quotes do not count */
        {"ho_ten;thu_tuc\na,b,c,d,e\n", ';'}, /* only the header line counts */
        {"ho_ten;thu_tuc\ra,b,c,d,e\r", ';'}, /* bare CR ends the header line too */
        {"\"Tên cơ quan, tổ chức\";Địa chỉ\n", ';'},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(csv_detect_delimiter(cases[i].text, strlen(cases[i].text)), cases[i].want);
    assert_int_equal(csv_detect_delimiter("", 0), ',');
}

static void test_simple_lf_file(void **state)
{
    (void)state;
    roster *r = parse_ok("thu_tuc,ho_ten,so_cccd\n"
                         "cap-moi, Nguyễn Văn An ,089185001234\n"
                         "gia-han,Lê Văn Tám,\n",
                         2);
    assert_int_equal(r->records[0].line, 2);
    assert_int_equal(r->records[1].line, 3);
    tu_expect_field(r, 0, "thu_tuc", "cap-moi");
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An"); /* trimmed */
    tu_expect_field(r, 0, "so_cccd", "089185001234"); /* leading zero kept: text, not number */
    tu_expect_field(r, 1, "ho_ten", "Lê Văn Tám");
    tu_expect_field(r, 1, "so_cccd", "");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_quoted_newline_moves_next_line(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,ghi_chu\n"
                         "Nguyễn Văn An,\"dòng một\ndòng hai\"\n" /* lines 2-3 */
                         "Lê Văn Tám,x\n"                         /* line 4 */
                         "Trần Văn Bình,\"a\n\nb\n\"\n"           /* lines 5-8 */
                         "Võ Thị Mỹ Duyên,y\n",                   /* line 9 */
                         4);
    assert_int_equal(r->records[0].line, 2);
    tu_expect_field(r, 0, "ghi_chu", "dòng một\ndòng hai");
    assert_int_equal(r->records[1].line, 4);
    tu_expect_field(r, 1, "ho_ten", "Lê Văn Tám");
    assert_int_equal(r->records[2].line, 5);
    tu_expect_field(r, 2, "ghi_chu", "a\n\nb"); /* trailing line break trimmed as space */
    assert_int_equal(r->records[3].line, 9);
    tu_expect_field(r, 3, "ghi_chu", "y");
    roster_free(r);
}

static void test_quotes_delimiters_and_doubled_quotes(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,ghi_chu,email\n"
                         "\"Phạm, Thị\",\"Ghi chú có dấu phẩy, và \"\"ngoặc\"\"\",\"\"\n"
                         "\"\"\"Q\"\"\",\"a;b\tc\",e@x.vn\n",
                         2);
    tu_expect_field(r, 0, "ho_ten", "Phạm, Thị");
    tu_expect_field(r, 0, "ghi_chu", "Ghi chú có dấu phẩy, và \"ngoặc\"");
    tu_expect_field(r, 0, "email", "");
    tu_expect_field(r, 1, "ho_ten", "\"Q\"");
    tu_expect_field(r, 1, "ghi_chu", "a;b\tc");
    tu_expect_field(r, 1, "email", "e@x.vn");
    assert_int_equal(r->nwarnings, 0); /* commas inside quotes did not make extra cells */
    roster_free(r);
}

static void test_crlf_file(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,thu_tuc\r\n"
                         "Nguyễn Văn An,cap-moi\r\n"
                         "\"Lê\r\nVăn Tám\",gia-han\r\n" /* lines 3-4; CRLF inside is one break */
                         "\r\n"                          /* blank line 5 */
                         "Trần Văn Bình,thu-hoi\r\n",    /* line 6 */
                         3);
    assert_int_equal(r->records[0].line, 2);
    tu_expect_field(r, 0, "thu_tuc", "cap-moi"); /* no '\r' left at the end of the row */
    assert_int_equal(r->records[1].line, 3);
    tu_expect_field(r, 1, "ho_ten", "Lê\nVăn Tám");
    tu_expect_field(r, 1, "thu_tuc", "gia-han");
    assert_int_equal(r->records[2].line, 6);
    tu_expect_field(r, 2, "thu_tuc", "thu-hoi");
    roster_free(r);
}

static void test_bare_cr_file(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten;thu_tuc\r"
                         "Nguyễn Văn An;cap-moi\r"
                         "\"Lê\rVăn Tám\";gia-han\r" /* lines 3-4 */
                         "Trần Văn Bình;thu-hoi",    /* line 5, no final line end */
                         3);
    assert_int_equal(r->records[0].line, 2);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 0, "thu_tuc", "cap-moi");
    assert_int_equal(r->records[1].line, 3);
    tu_expect_field(r, 1, "ho_ten", "Lê\nVăn Tám");
    assert_int_equal(r->records[2].line, 5);
    tu_expect_field(r, 2, "thu_tuc", "thu-hoi");
    roster_free(r);
}

/* Each of the three spellings of the ho_ten column, in a ';' file as Excel writes it. */
static void test_semicolon_vietnamese_headers(void **state)
{
    (void)state;
    const char *headers[] = {"Họ và tên", "HO VA TEN", "ho_ten", "  họ và  TÊN "};
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "Thủ tục;%s;Tên cơ quan, tổ chức;Số điện thoại\n"
                 "Cấp mới;Nguyễn Thị Ánh Tuyết;Sở Tài chính, An Giang;0913 456 789\n",
                 headers[i]);
        roster *r = parse_ok(text, 1);
        assert_int_equal(r->nwarnings, 0);
        assert_int_equal(r->records[0].nfields, 4);
        tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết");
        tu_expect_field(r, 0, "thu_tuc", "Cấp mới");
        tu_expect_field(r, 0, "ten_co_quan", "Sở Tài chính, An Giang"); /* ',' is not the delim */
        tu_expect_field(r, 0, "dien_thoai", "0913 456 789");
        roster_free(r);
    }
}

static void test_unknown_column_one_warning(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,Quê quán,thu_tuc\n"
                         "Nguyễn Văn An,An Giang,cap-moi\n"
                         "Lê Văn Tám,Cần Thơ,gia-han\n"
                         "Trần Văn Bình,Huế,thu-hoi\n",
                         3);
    assert_int_equal(r->nwarnings, 1); /* once for the column, not once per row */
    assert_int_equal(r->warnings[0].line, 1);
    assert_non_null(r->warnings[0].field);
    assert_string_equal(r->warnings[0].field, "Quê quán");
    assert_non_null(strstr(r->warnings[0].message, "Quê quán"));
    tu_expect_field(r, 0, "que_quan", "An Giang"); /* kept under its folded name */
    tu_expect_field(r, 2, "que_quan", "Huế");
    tu_expect_field(r, 2, "thu_tuc", "thu-hoi");
    assert_int_equal(r->failed, 0);
    roster_free(r);
}

static void test_blank_rows_skipped(void **state)
{
    (void)state;
    roster *r = parse_ok("\n"
                         "ho_ten,thu_tuc\n" /* header on line 2 after a blank line */
                         "\n"
                         ",\n"
                         " , \n"
                         "Nguyễn Văn An,cap-moi\n" /* line 6 */
                         "\n"
                         "Lê Văn Tám,gia-han\n" /* line 8 */
                         "\n\n",
                         2);
    assert_int_equal(r->records[0].line, 6);
    assert_int_equal(r->records[1].line, 8);
    tu_expect_field(r, 1, "thu_tuc", "gia-han");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_ragged_rows(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,thu_tuc,email\n"
                         "Nguyễn Văn An\n"                   /* short row: no warning */
                         "Lê Văn Tám,gia-han,a@b.vn,thừa\n", /* long row: warning on line 3 */
                         2);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 0, "thu_tuc", "");
    tu_expect_field(r, 1, "email", "a@b.vn");
    assert_int_equal(r->records[1].nfields, 3);
    assert_int_equal(r->nwarnings, 1);
    assert_int_equal(r->warnings[0].line, 3);
    roster_free(r);
}

static void test_explicit_delimiter_wins(void **state)
{
    (void)state;
    /* the header has more ',' than ';' but the caller says ';' */
    roster *r = parse("ho_ten;ghi_chu,x,y\nA;b,c,d\n", ';');
    assert_int_equal(r->failed, 0);
    assert_int_equal(r->nrecords, 1);
    tu_expect_field(r, 0, "ho_ten", "A");
    assert_string_equal(r->records[0].fields[1].value, "b,c,d");
    roster_free(r);
}

static void test_nfd_value_becomes_nfc(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,co_quan_cong_tac\n"
                         "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3,"             /* e + U+0302 + U+0303 */
                         "So\xCC\x9B\xCC\x89 Ta\xCC\x80i chi\xCC\x81nh\n", /* o + horn + hook */
                         1);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị");
    tu_expect_field(r, 0, "co_quan_cong_tac", "Sở Tài chính");
    roster_free(r);
}

static void test_unclosed_quote_names_its_line(void **state)
{
    (void)state;
    roster *r = parse("ho_ten,ghi_chu\n"
                      "Nguyễn Văn An,ok\n"
                      "Lê Văn Tám,\"mở mà không đóng\n" /* line 3 */
                      "Trần Văn Bình,x\n"
                      "Võ Thị Mỹ Duyên,y\n",
                      0);
    expect_failed_at(r, 3);
    roster_free(r);
}

static void test_no_header_fails(void **state)
{
    (void)state;
    const char *texts[] = {"", "\n\n\r\n", " , ,\n\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        roster *r = parse(texts[i], 0);
        assert_int_equal(r->failed, 1);
        assert_int_equal(r->error.line, 1);
        assert_int_equal(r->nrecords, 0);
        roster_free(r);
    }
}

/* "ho_ten,ghi_chu\nA,<cell>\nB,after\n" whose second cell has a value of n bytes: n 'x's, or
 * when quoted a '"' (written doubled) and n - 1 'x's inside quotes. */
static char *long_cell_text(size_t n, int quoted)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "ho_ten,ghi_chu\nA,");
    if (quoted)
        buf_puts(&b, "\"\"\"");
    for (size_t i = quoted ? 1 : 0; i < n; i++)
        buf_putc(&b, 'x');
    if (quoted)
        buf_putc(&b, '"');
    buf_puts(&b, "\nB,after\n");
    return buf_detach(&b);
}

static void test_field_at_limit_is_read(void **state)
{
    (void)state;
    for (int quoted = 0; quoted <= 1; quoted++) {
        char *text = long_cell_text(CSV_MAX_FIELD_BYTES, quoted);
        roster *r = parse_ok(text, 2);
        const char *v = record_get(&r->records[0], "ghi_chu");
        assert_int_equal(strlen(v), CSV_MAX_FIELD_BYTES);
        assert_int_equal(v[0], quoted ? '"' : 'x'); /* "" counts as the one byte it stands for */
        tu_expect_field(r, 1, "ghi_chu", "after");
        assert_int_equal(r->records[1].line, 3);
        roster_free(r);
        free(text);
    }
}

static void test_field_over_limit_fails(void **state)
{
    (void)state;
    for (int quoted = 0; quoted <= 1; quoted++) {
        char *text = long_cell_text(CSV_MAX_FIELD_BYTES + 1, quoted);
        roster *r = parse(text, 0);
        expect_failed_at(r, 2);
        roster_free(r);
        free(text);
    }
}

/* A header of n columns "c1,...,cn" (unknown names) and one row of n cells. */
/* A header of n columns, the first a roster key (ho_ten) and then c2 .. cN, and one row. */
static char *wide_text(size_t n)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "ho_ten");
    for (size_t i = 2; i <= n; i++)
        buf_printf(&b, ",c%zu", i);
    buf_putc(&b, '\n');
    for (size_t i = 1; i <= n; i++)
        buf_printf(&b, "%sv%zu", i > 1 ? "," : "", i);
    buf_putc(&b, '\n');
    return buf_detach(&b);
}

static void test_columns_limit(void **state)
{
    (void)state;
    char *text = wide_text(CSV_MAX_COLUMNS);
    roster *r = parse_ok(text, 1);
    assert_int_equal(r->records[0].nfields, CSV_MAX_COLUMNS);
    tu_expect_field(r, 0, "ho_ten", "v1");
    tu_expect_field(r, 0, "c256", "v256");
    roster_free(r);
    free(text);

    text = wide_text(CSV_MAX_COLUMNS + 1);
    r = parse(text, 0);
    expect_failed_at(r, 1); /* the header itself is too wide */
    roster_free(r);
    free(text);
}

/* A second column naming the same key is reported and ignored: it never overwrites the
 * first (an empty "Họ và tên" used to erase the name). */
static void test_duplicate_column_ignored(void **state)
{
    (void)state;
    roster *r = parse_ok("ho_ten,thu_tuc,Họ và tên\nNguyễn Văn An,cap-moi,\nB,cap-moi,Lê C\n", 2);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Văn An");
    tu_expect_field(r, 1, "ho_ten", "B");
    assert_int_equal(r->nwarnings, 1);
    assert_non_null(strstr(r->warnings[0].message, "trùng với cột 1"));
    roster_free(r);
}

/* A file whose header names no roster key is not a roster: unreadable, at its header line. */
static void test_no_known_column_is_unreadable(void **state)
{
    (void)state;
    roster *r = parse("\nten,tuoi\nAn,30\n", 0);
    expect_failed_at(r, 2);
    roster_free(r);
}

/* A header and `rows` one-cell records, "r1" .. "rN". */
static char *tall_text(size_t rows)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "ho_ten\n");
    for (size_t i = 1; i <= rows; i++)
        buf_printf(&b, "r%zu\n", i);
    return buf_detach(&b);
}

static void test_rows_limit(void **state)
{
    (void)state;
    char *text = tall_text(ROSTER_MAX_ROWS);
    roster *r = parse_ok(text, ROSTER_MAX_ROWS);
    assert_int_equal(r->records[ROSTER_MAX_ROWS - 1].line, ROSTER_MAX_ROWS + 1);
    tu_expect_field(r, ROSTER_MAX_ROWS - 1, "ho_ten", "r200000");
    roster_free(r);
    free(text);

    text = tall_text(ROSTER_MAX_ROWS + 1);
    r = parse(text, 0);
    expect_failed_at(r, ROSTER_MAX_ROWS + 2); /* the record one past the limit */
    roster_free(r);
    free(text);
}

/* ---- csv_stream: the same rows from text in pieces ---- */

static void expect_same(const char *what, size_t cut, const roster *a, const roster *b)
{
    if (a->failed != b->failed || a->nrecords != b->nrecords || a->nwarnings != b->nwarnings)
        fail_msg("%s cut at %zu: failed %d/%d, %zu/%zu records, %zu/%zu warnings", what, cut,
                 a->failed, b->failed, a->nrecords, b->nrecords, a->nwarnings, b->nwarnings);
    if (a->failed) {
        assert_int_equal(a->error.line, b->error.line);
        assert_string_equal(a->error.message, b->error.message);
    }
    for (size_t i = 0; i < a->nrecords; i++) {
        const record *x = &a->records[i], *y = &b->records[i];
        if (x->line != y->line)
            fail_msg("%s cut at %zu: record %zu at line %ld, in pieces %ld", what, cut, i,
                     x->line, y->line);
        assert_int_equal(x->nfields, y->nfields);
        for (size_t k = 0; k < x->nfields; k++) {
            assert_string_equal(x->fields[k].key, y->fields[k].key);
            assert_string_equal(x->fields[k].value, y->fields[k].value);
        }
    }
}

/* Feeds text in pieces cut at cuts[0..n) (increasing), as read.c does: what a feed leaves
 * unused is given again in front of the next piece. */
static roster *feed_in_pieces(const char *text, const size_t *cuts, size_t n)
{
    roster *r = roster_new("pieces.csv");
    table *t = table_new(r, NULL, 0);
    csv_stream *s = csv_stream_new(t, 0);
    size_t len = strlen(text), from = 0; /* from: start of what is not used yet */
    for (size_t k = 0; k <= n; k++) {
        size_t to = k < n ? cuts[k] : len;
        int final = k == n;
        long used = csv_stream_feed(s, text + from, to - from, final);
        if (used < 0)
            break;
        from += (size_t)used;
    }
    csv_stream_free(s);
    table_free(t);
    return r;
}

/* Every cut of every text past its first lines, and pairs of cuts, give what the whole
 * text gives: quoted line breaks, doubled quotes, CRLF cut between CR and LF, CR alone,
 * blank rows, a title row, stray quotes, an unclosed quote, a delimiter detected. */
static void test_stream_any_cut(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "ho_ten,thu_tuc\r\nLê Văn Tám,cap-moi\r\n\"Trần \"\"Bé\"\" Ba\",gia-han\r\n",
        "ho_ten;ghi_chu\n\"Ngô\nThị\r\nMai\";\"a;b\"\n\nPhan Văn Út;\"\"\n",
        "DANH SÁCH\n\nho_ten,thu_tuc,ghi_chu\nA,cap-moi,\"x\"y\nB,gia-han,z\"w\n",
        "ho_ten,thu_tuc\rA Văn Một,cap-moi\rB Văn Hai,gia-han",
        "ho_ten\tthu_tuc\nA\tcap-moi\n\"B\tgia-han\n",
        "ho_ten,thu_tuc\nA,cap-moi,thừa\n,\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *text = texts[i];
        size_t len = strlen(text);
        roster *whole = roster_new("pieces.csv");
        csv_parse(whole, text, len, 0);
        /* the first piece holds the lines the delimiter is detected on (csv.h) */
        size_t first = 0;
        for (int lines = 0; first < len && lines < 3; first++)
            lines += text[first] == '\n' || text[first] == '\r';
        for (size_t a = first; a <= len; a++) {
            roster *one = feed_in_pieces(text, &a, 1);
            expect_same(text, a, whole, one);
            roster_free(one);
            for (size_t b = a; b <= len; b += 3) {
                size_t cuts[2] = {a, b};
                roster *two = feed_in_pieces(text, cuts, 2);
                expect_same(text, b, whole, two);
                roster_free(two);
            }
        }
        roster_free(whole);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_delimiter),
        cmocka_unit_test(test_stream_any_cut),
        cmocka_unit_test(test_simple_lf_file),
        cmocka_unit_test(test_quoted_newline_moves_next_line),
        cmocka_unit_test(test_quotes_delimiters_and_doubled_quotes),
        cmocka_unit_test(test_crlf_file),
        cmocka_unit_test(test_bare_cr_file),
        cmocka_unit_test(test_semicolon_vietnamese_headers),
        cmocka_unit_test(test_unknown_column_one_warning),
        cmocka_unit_test(test_blank_rows_skipped),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_explicit_delimiter_wins),
        cmocka_unit_test(test_nfd_value_becomes_nfc),
        cmocka_unit_test(test_written_cells_read_back),
        cmocka_unit_test(test_unclosed_quote_names_its_line),
        cmocka_unit_test(test_no_header_fails),
        cmocka_unit_test(test_field_at_limit_is_read),
        cmocka_unit_test(test_field_over_limit_fails),
        cmocka_unit_test(test_columns_limit),
        cmocka_unit_test(test_duplicate_column_ignored),
        cmocka_unit_test(test_no_known_column_is_unreadable),
        cmocka_unit_test(test_rows_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
