/* test_report: unit tests of pipeline/report.c on verdicts from the real rules and config:
 * the JSON of ROSTER.md "What the program says about a roster" (status, findings with rule,
 * severity, field, Vietnamese message and basis, derived values, warnings, a file that could
 * not be read), JSON string escaping (quote, backslash, control characters), and report.csv:
 * UTF-8 with a BOM, CRLF lines, quotes doubled, and every cell that starts with = + - @
 * neutralised with a leading ' so a spreadsheet never runs it (CWE-1236). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "date.h"
#include "csv.h"
#include "report.h"
#include "roster.h"
#include "rules.h"
#include "util.h"
#include "testutil.h"

#define STC "Sở Tài chính tỉnh An Giang"
#define CSV_HEADER                                                                                 \
    "\"Tệp\",\"Dòng\",\"Thủ tục\",\"Họ tên / Tên cơ quan\",\"Kết quả\",\"Nội dung cần sửa\","  \
    "\"Văn bản đã lập\"\r\n"

typedef struct fixture {
    config *cfg;
    roster *rs[3];
    size_t nrs;
    batch *b;
    buf out;
} fixture;

static int setup(void **state)
{
    fixture *fx = test_calloc(1, sizeof *fx);
    fx->cfg = tu_config();
    buf_init(&fx->out, 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    batch_free(fx->b);
    for (size_t i = 0; i < fx->nrs; i++)
        roster_free(fx->rs[i]);
    config_free(fx->cfg);
    buf_release(&fx->out);
    test_free(fx);
    return 0;
}

static roster *add_roster(fixture *fx, const char *path)
{
    roster *r = roster_new(path);
    free(r->format);
    free(r->encoding);
    r->format = xstrdup("csv");
    r->encoding = xstrdup("utf-8");
    fx->rs[fx->nrs++] = r;
    return r;
}

/* The index of r among the fixture's rosters, as rules_check numbered them. */
static size_t index_of(const fixture *fx, const roster *r)
{
    for (size_t i = 0; i < fx->nrs; i++)
        if (fx->rs[i] == r)
            return i;
    fail_msg("roster not in the fixture");
    return 0;
}

/* A valid individual cap-moi request at `line`. */
static record *add_row(roster *r, long line, const char *name, const char *cccd)
{
    record *rec = roster_add_record(r, line);
    record_set(rec, "thu_tuc", "Cấp mới");
    record_set(rec, "loai_thue_bao", "Cá nhân");
    record_set(rec, "ngay_de_nghi", "05/01/2026");
    record_set(rec, "ho_ten", name);
    record_set(rec, "so_cccd", cccd);
    record_set(rec, "chuc_vu", "Chuyên viên");
    record_set(rec, "co_quan_cong_tac", "Phòng Ngân sách");
    record_set(rec, "email", "canbo@angiang.gov.vn");
    record_set(rec, "dien_thoai", "0912345678");
    record_set(rec, "xac_nhan_thu_truong", "có");
    record_set(rec, "co_quan_quan_ly", STC);
    return rec;
}

static void check(fixture *fx)
{
    date as_of = {2026, 1, 10};
    fx->b = rules_check(fx->rs, fx->nrs, fx->cfg, as_of);
}

#define DERIVED "\"derived\": {\"ngay_du_kien_cap\": \"2026-02-04\", \"thoi_han_nam\": \"5\"}"

/* ---- JSON ---- */

static void test_json_accepted_and_rejected(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "inputs/stc.csv");
    add_row(r, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    add_row(r, 3, "Lê Văn Tám", "");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    assert_string_equal(
        buf_str(&fx->out),
        "{\"file\": \"inputs/stc.csv\", \"encoding\": \"utf-8\", \"format\": \"csv\", "
        "\"rows\": [\n"
        "  {\"line\": 2, \"thu_tuc\": \"cap-moi\", \"loai_thue_bao\": \"ca-nhan\", "
        "\"ten\": \"Nguyễn Thị Ánh Tuyết\", \"status\": \"accepted\", \"findings\": [], " DERIVED
        "},\n"
        "  {\"line\": 3, \"thu_tuc\": \"cap-moi\", \"loai_thue_bao\": \"ca-nhan\", "
        "\"ten\": \"Lê Văn Tám\", \"status\": \"rejected\", \"findings\": ["
        "{\"rule\": \"thieu-truong\", \"severity\": \"error\", \"field\": \"so_cccd\", "
        "\"message\": \"Thiếu «Số CCCD»: hãy điền thông tin này.\", "
        "\"basis\": \"Mục 2 Quy trình cấp chứng thư số (hồ sơ đề nghị)\"}], "
        "\"derived\": {}}]}\n"); /* ROSTER.md: a rejected row has no derived values */
}

static void test_json_status_and_rule(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "unit.csv");
    record *rec = add_row(r, 2, "Lê Văn Tám", "089186000124");
    record_set(rec, "xac_nhan_thu_truong", "không");
    record_set(rec, "co_quan_quan_ly", "Phòng Kinh tế");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    const char *s = buf_str(&fx->out);
    assert_non_null(strstr(s, "\"status\": \"rejected\""));
    assert_null(strstr(s, "\"status\": \"accepted\""));
    assert_non_null(strstr(s, "{\"rule\": \"xac-nhan-thu-truong\", \"severity\": \"error\", "
                              "\"field\": \"xac_nhan_thu_truong\""));
    assert_non_null(strstr(s, "{\"rule\": \"thong-tin-co-quan\", \"severity\": \"warning\", "
                              "\"field\": \"ky_hieu\", \"message\": \"Thiếu «Ký hiệu văn bản» "
                              "của Phòng Kinh tế để ghi trên công văn;"));
    assert_int_equal(s[fx->out.len - 1], '\n');
}

static void test_json_unknown_values_as_written(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "unit.csv");
    record *rec = add_row(r, 4, "Lê Văn Tám", "089186000124");
    record_set(rec, "thu_tuc", "Cấp lại");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    const char *s = buf_str(&fx->out);
    assert_non_null(strstr(s, "{\"line\": 4, \"thu_tuc\": \"Cấp lại\", \"loai_thue_bao\": "
                              "\"ca-nhan\""));
    assert_non_null(strstr(s, "\"rule\": \"gia-tri-khong-hop-le\""));
    assert_non_null(strstr(s, "\"derived\": {}}"));
}

static void test_json_string_escapes(void **state)
{
    fixture *fx = *state;
    report_json_string(&fx->out, "a\"b\\c\nd\re\tf\x01g\x1fh/ế");
    assert_string_equal(buf_str(&fx->out), "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh/ế\"");
    buf_reset(&fx->out);
    report_json_string(&fx->out, "");
    assert_string_equal(buf_str(&fx->out), "\"\"");
}

static void test_json_values_escaped(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "C:\\ho so\\\"stc\".csv");
    add_row(r, 2, "Lê \"Tám\" \\ Văn\nB", "089186000124");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    const char *s = buf_str(&fx->out);
    assert_non_null(strstr(s, "{\"file\": \"C:\\\\ho so\\\\\\\"stc\\\".csv\", "));
    assert_non_null(strstr(s, "\"ten\": \"Lê \\\"Tám\\\" \\\\ Văn\\nB\", "));
    /* the only raw newlines are the ones between rows and at the end */
    size_t nl = 0;
    for (const char *p = s; *p; p++)
        nl += *p == '\n';
    assert_int_equal(nl, 2);
}

static void test_json_only_rows_of_the_file(void **state)
{
    fixture *fx = *state;
    roster *a = add_roster(fx, "a.csv"), *b = add_roster(fx, "b.csv");
    add_row(a, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    add_row(b, 2, "Lê Văn Tám", "089186000124");
    add_row(b, 3, "Trần Thị Hoa", "089186000125");
    check(fx);
    report_json(&fx->out, b, index_of(fx, b), fx->b);
    const char *s = buf_str(&fx->out);
    assert_null(strstr(s, "Nguyễn Thị Ánh Tuyết"));
    assert_non_null(strstr(s, "Lê Văn Tám"));
    assert_non_null(strstr(s, "Trần Thị Hoa"));
    assert_true(strstr(s, "Lê Văn Tám") < strstr(s, "Trần Thị Hoa"));
    assert_int_equal(strncmp(s, "{\"file\": \"b.csv\"", 16), 0);
}

static void test_json_empty_roster(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "empty.csv");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    assert_string_equal(buf_str(&fx->out), "{\"file\": \"empty.csv\", \"encoding\": \"utf-8\", "
                                           "\"format\": \"csv\", \"rows\": []}\n");
}

static void test_json_warnings(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "w.csv");
    roster_warn(r, 1, "Ghi chú cũ", "Cột «Ghi chú cũ» không được dùng; bỏ qua.");
    check(fx);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    assert_string_equal(buf_str(&fx->out),
                        "{\"file\": \"w.csv\", \"encoding\": \"utf-8\", \"format\": \"csv\", "
                        "\"warnings\": [{\"line\": 1, \"message\": \"Cột «Ghi chú cũ» không "
                        "được dùng; bỏ qua.\"}], \"rows\": []}\n");
}

static void test_json_unreadable_file(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "hong.csv");
    add_row(r, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    roster_fail(r, 7, "Dòng 7 có dấu \" không đóng.");
    check(fx);
    assert_int_equal(fx->b->n, 0);
    report_json(&fx->out, r, index_of(fx, r), fx->b);
    assert_string_equal(buf_str(&fx->out),
                        "{\"file\": \"hong.csv\", \"encoding\": \"utf-8\", \"format\": \"csv\", "
                        "\"error\": {\"rule\": \"tep-khong-doc-duoc\", \"line\": 7, "
                        "\"message\": \"Dòng 7 có dấu \\\" không đóng.\"}}\n");
}

/* ---- text (validate without --json) ---- */

/* A finding's severity is in the clerk's words, never the JSON's English code. */
static void test_text_severity_in_vietnamese(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "t.csv");
    add_row(r, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    add_row(r, 3, "Trần Quốc Hưng", ""); /* no CCCD: rejected */
    check(fx);
    report_text(&fx->out, r, index_of(fx, r), fx->b);
    const char *t = buf_str(&fx->out);
    assert_non_null(strstr(t, "t.csv:2: Nguyễn Thị Ánh Tuyết: hợp lệ\n"));
    assert_non_null(strstr(t, "t.csv:3: Trần Quốc Hưng: bị từ chối\n    lỗi ["));
    assert_null(strstr(t, "error"));
    assert_null(strstr(t, "warning"));
}

/* A file-level failure names the line when there is one, and no line 0 when there is not. */
static void test_text_unreadable_file(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "hong.csv");
    roster_fail(r, 7, "Dòng 7 có dấu \" không đóng.");
    roster *s = add_roster(fx, "link.csv");
    roster_fail(s, 0, "Đây là liên kết tượng trưng.");
    check(fx);
    report_text(&fx->out, r, index_of(fx, r), fx->b);
    report_text(&fx->out, s, index_of(fx, s), fx->b);
    assert_string_equal(buf_str(&fx->out),
                        "hong.csv:7: không đọc được tệp: Dòng 7 có dấu \" không đóng.\n"
                        "link.csv: không đọc được tệp: Đây là liên kết tượng trưng.\n");
}

/* A file-level warning (line 0: a whole column) names no line; a header's names its line. */
static void test_text_file_warnings(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "so0.csv");
    roster_warn(r, 0, "so_cccd", "Cột «Số CCCD»: Excel đã bỏ số 0 ở đầu.");
    roster_warn(r, 1, "x", "Cột \"x\" không thuộc mẫu danh sách.");
    check(fx);
    report_text(&fx->out, r, index_of(fx, r), fx->b);
    assert_string_equal(buf_str(&fx->out),
                        "so0.csv: cảnh báo: Cột «Số CCCD»: Excel đã bỏ số 0 ở đầu.\n"
                        "so0.csv:1: cảnh báo: Cột \"x\" không thuộc mẫu danh sách.\n");
}

static void test_text_summary(void **state)
{
    fixture *fx = *state;
    report_text_summary(&fx->out, 1, 0, 4, 3);
    report_text_summary(&fx->out, 3, 2, 0, 0);
    assert_string_equal(buf_str(&fx->out),
                        "Tổng cộng: 1 tệp, 4 yêu cầu: 3 hợp lệ, 1 bị từ chối.\n"
                        "Tổng cộng: 3 tệp (2 tệp không đọc được), 0 yêu cầu: 0 hợp lệ, 0 bị "
                        "từ chối.\n");
}

/* ---- CSV ---- */

static void test_csv_bom_header_and_rows(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "inputs/stc.csv");
    add_row(r, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    add_row(r, 3, "Lê Văn Tám", "");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    assert_memory_equal(fx->out.data, "\xEF\xBB\xBF", 3);
    assert_string_equal(buf_str(&fx->out),
                        "\xEF\xBB\xBF" CSV_HEADER
                        "\"inputs/stc.csv\",\"2\",\"cap-moi\",\"Nguyễn Thị Ánh Tuyết\","
                        "\"Hợp lệ\",\"\",\"\"\r\n"
                        "\"inputs/stc.csv\",\"3\",\"cap-moi\",\"Lê Văn Tám\",\"Bị từ chối\","
                        "\"[thieu-truong] Thiếu «Số CCCD»: hãy điền thông tin này.\",\"\"\r\n");
}

static void test_csv_formulas_neutralised(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "=cmd.csv");
    add_row(r, 2, "=1+1", "089186000123");
    add_row(r, 3, "+84912345678", "089186000124");
    add_row(r, 4, "-2+3", "089186000125");
    add_row(r, 5, "@SUM(A1:A2)", "089186000126");
    add_row(r, 6, "Nguyễn Văn =An", "089186000127");
    record *rec = add_row(r, 7, "Lê Văn Tám", "089186000128");
    record_set(rec, "thu_tuc", "=HYPERLINK(\"http://x\")");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    const char *s = buf_str(&fx->out);
    assert_non_null(strstr(s, "\r\n\"'=cmd.csv\",\"2\",\"cap-moi\",\"'=1+1\",\"Hợp lệ\""));
    assert_non_null(strstr(s, ",\"'+84912345678\","));
    assert_non_null(strstr(s, ",\"'-2+3\","));
    assert_non_null(strstr(s, ",\"'@SUM(A1:A2)\","));
    /* only a leading sign is dangerous */
    assert_non_null(strstr(s, ",\"Nguyễn Văn =An\","));
    /* an unknown procedure is shown as written, neutralised and with quotes doubled */
    assert_non_null(strstr(s, ",\"7\",\"'=HYPERLINK(\"\"http://x\"\")\",\"Lê Văn Tám\","));
    /* no cell starts with a bare formula character */
    for (const char *p = s; (p = strchr(p, '"')) != NULL; p++) {
        if (p > s && p[-1] != ',' && p[-1] != '\n' && p[-1] != '\xBF')
            continue; /* not the opening quote of a cell */
        assert_true(p[1] != '=' && p[1] != '+' && p[1] != '-' && p[1] != '@');
    }
}

/* Fullwidth and small formula signs, and a sign behind invisible format characters, are what
 * Excel may still run: each gets the ' too; tab and CR at the start as well. */
static void test_csv_formula_lookalikes(void **state)
{
    (void)state;
    static const char *const risky[] = {
        "\xEF\xBC\x9D" "1+1",          /* ＝ U+FF1D */
        "\xEF\xBC\x8B" "84912345678",  /* ＋ U+FF0B */
        "\xEF\xBC\x8D" "2+3",          /* － U+FF0D */
        "\xEF\xBC\xA0" "SUM(A1)",      /* ＠ U+FF20 */
        "\xEF\xB9\xA6" "1+1",          /* ﹦ U+FE66 */
        "\xE2\x80\x8B=1+1",            /* U+200B zero-width space */
        "\xE2\x80\x8C=1+1",            /* U+200C ZWNJ */
        "\xE2\x80\x8D+1",              /* U+200D ZWJ */
        "\xE2\x81\xA0@SUM(A1)",        /* U+2060 word joiner */
        "\xEF\xBB\xBF=1+1",            /* U+FEFF BOM */
        "\xE2\x80\x8B\xEF\xBB\xBF\xE2\x80\x8B-1", /* several, then - */
        "\xE2\x80\x8B\xEF\xBC\x9D" "1+1", /* invisible, then fullwidth */
        "\t=1+1",
        "\r=1+1",
        "\tabc",
        "=",
    };
    static const char *const safe[] = {
        "Nguyễn Văn =An", " =1+1", "\xE2\x80\x8B" "Nguyễn", "0912345678", "", "a=b",
        "\xEF\xBB\xBF", "\xE2\x80\x8B", "\xFF=1", "\xC2\xA0=1",
    };
    for (size_t i = 0; i < sizeof risky / sizeof *risky; i++) {
        buf b;
        buf_init(&b, 0);
        report_csv_cell(&b, risky[i], 1);
        char *want = xasprintf("\"'%s\"\r\n", risky[i]);
        if (strcmp(buf_str(&b), want) != 0)
            fail_msg("risky cell %zu not neutralised: %s", i, buf_str(&b));
        free(want);
        buf_release(&b);
        assert_int_equal(csv_needs_quote_mark(risky[i]), 1);
    }
    for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
        if (csv_needs_quote_mark(safe[i]))
            fail_msg("safe cell %zu neutralised", i);
}

/* The whole report: a fullwidth = in a name and a zero-width space before = in another. */
static void test_csv_lookalikes_in_report(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "z.csv");
    add_row(r, 2, "\xEF\xBC\x9D" "1+1", "089186000123");
    add_row(r, 3, "\xE2\x80\x8B=1+1", "089186000124");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    const char *s = buf_str(&fx->out);
    assert_non_null(strstr(s, ",\"'\xEF\xBC\x9D" "1+1\","));
    assert_non_null(strstr(s, ",\"'\xE2\x80\x8B=1+1\","));
}

/* A result CSV read back (the report of a run cut short is made from the rosters' results):
 * the same cells as written, the ' of a neutralised cell taken off, the label from the
 * configuration, "[rule] " prefixes dropped for the clerk; a line of another shape stops. */
static void test_csv_read_back(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "in/stc.csv");
    add_row(r, 2, "=1+1", "089186000123");
    record *rec = add_row(r, 3, "Lê \"Tám\"\nB", "");
    record_set(rec, "co_quan_quan_ly", "");
    check(fx);
    report_csv_rows(&fx->out, fx->rs, fx->nrs, fx->b);
    const char *p = fx->out.data, *end = p + fx->out.len;
    buf store;
    buf_init(&store, 0);
    report_row row;
    assert_int_equal(report_csv_read_row(&p, end, fx->cfg, &store, &row), 0);
    assert_string_equal(row.file, "in/stc.csv");
    assert_int_equal(row.line, 2);
    assert_string_equal(row.name, "=1+1");
    assert_string_equal(row.procedure, "cap-moi");
    assert_string_equal(row.procedure_label, "Cấp mới");
    assert_string_equal(row.status, "Hợp lệ");
    assert_false(row.rejected);
    assert_int_equal(report_csv_read_row(&p, end, fx->cfg, &store, &row), 0);
    assert_string_equal(row.name, "Lê \"Tám\"\nB");
    assert_true(row.rejected);
    char *fix = report_row_fix(&row, 0);
    assert_non_null(strstr(fix, "\nThiếu «Số CCCD»: hãy điền thông tin này."));
    assert_null(strstr(fix, "[thieu-truong]"));
    free(fix);
    fix = report_row_fix(&row, 1);
    assert_non_null(strstr(fix, "[thieu-truong] Thiếu «Số CCCD»"));
    free(fix);
    assert_ptr_equal(p, end);
    assert_int_equal(report_csv_read_row(&p, end, fx->cfg, &store, &row), -1);
    const char *odd = "\"a\",\"b\"\r\n", *q = odd;
    assert_int_equal(report_csv_read_row(&q, odd + strlen(odd), NULL, &store, &row), -1);
    buf_release(&store);
}

static void test_csv_quotes_and_newlines(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "q.csv");
    add_row(r, 2, "Lê \"Tám\"\nB", "089186000123");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    assert_non_null(strstr(buf_str(&fx->out), ",\"Lê \"\"Tám\"\"\nB\","));
}

static void test_csv_several_findings_one_cell(void **state)
{
    fixture *fx = *state;
    roster *r = add_roster(fx, "f.csv");
    record *rec = add_row(r, 2, "Lê Văn Tám", "");
    record_set(rec, "co_quan_quan_ly", "");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    assert_non_null(strstr(buf_str(&fx->out),
                           ",\"Bị từ chối\",\"[co-quan-quan-ly] Chưa ghi cơ quan, tổ chức quản lý "
                           "trực tiếp; hãy điền tên cơ quan sẽ gửi công văn đề nghị.\n"
                           "[thieu-truong] Thiếu «Số CCCD»: hãy điền thông tin này.\",\"\"\r\n"));
}

static void test_csv_unreadable_file(void **state)
{
    fixture *fx = *state;
    roster *bad = add_roster(fx, "hong.csv");
    roster_fail(bad, 0, "Tệp không phải CSV hay XML.");
    roster *ok = add_roster(fx, "tot.csv");
    add_row(ok, 2, "Nguyễn Thị Ánh Tuyết", "089186000123");
    check(fx);
    report_csv(&fx->out, fx->rs, fx->nrs, fx->b);
    assert_string_equal(buf_str(&fx->out),
                        "\xEF\xBB\xBF" CSV_HEADER
                        "\"hong.csv\",\"0\",\"\",\"\",\"Không đọc được tệp\","
                        "\"Tệp không phải CSV hay XML.\",\"\"\r\n"
                        "\"tot.csv\",\"2\",\"cap-moi\",\"Nguyễn Thị Ánh Tuyết\",\"Hợp lệ\","
                        "\"\",\"\"\r\n");
}

static void test_csv_empty_run(void **state)
{
    fixture *fx = *state;
    check(fx);
    report_csv(&fx->out, fx->rs, 0, fx->b);
    assert_string_equal(buf_str(&fx->out), "\xEF\xBB\xBF" CSV_HEADER);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_json_accepted_and_rejected),
        T(test_json_status_and_rule),
        T(test_json_unknown_values_as_written),
        T(test_json_string_escapes),
        T(test_json_values_escaped),
        T(test_json_only_rows_of_the_file),
        T(test_json_empty_roster),
        T(test_json_warnings),
        T(test_json_unreadable_file),
        T(test_text_severity_in_vietnamese),
        T(test_text_unreadable_file),
        T(test_text_file_warnings),
        T(test_text_summary),
        T(test_csv_bom_header_and_rows),
        T(test_csv_formulas_neutralised),
        T(test_csv_formula_lookalikes),
        T(test_csv_lookalikes_in_report),
        T(test_csv_read_back),
        T(test_csv_quotes_and_newlines),
        T(test_csv_several_findings_one_cell),
        T(test_csv_unreadable_file),
        T(test_csv_empty_run),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
