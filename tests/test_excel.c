/* test_excel: unit tests of pipeline/excel.c, what spreadsheets do to data (issue 10 items 3,
 * 4, 6), and of the rules that turn it into findings (rules.c, with the shipped config, as
 * test_rules does; rule ids, fields and severities are asserted, not the config's wording).
 * Leading zeros restored with one warning per column and correct values untouched; scientific
 * notation and Excel error values rejected, and explained once per field; month-first date
 * columns read month-first with one warning, mixed columns' doubtful rows rejected, day-first
 * columns untouched; dates with a time take their date; every date rewritten dd/mm/yyyy;
 * certificate and token serials; code-page damage (a cp1252 file as Excel writes it, UTF-8
 * read as Windows-1258) refuses the file, while every Vietnamese letter passes. Fixtures:
 * tests/data/excel_*.csv. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "excel.h"
#include "read.h"
#include "roster.h"
#include "rules.h"
#include "util.h"
#include "testutil.h"

#define HDR "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,email,dien_thoai,ghi_chu\n"
#define ROW(name, cccd, phone) "cap-moi,ca-nhan,STC," name "," cccd ",a@b.gov.vn," phone ",\n"

static roster *read_str(const char *text)
{
    return read_roster_mem("t.csv", text, strlen(text), NULL);
}

static void expect_read(const roster *r, size_t n)
{
    if (r->failed)
        fail_msg("unexpected failure at line %ld: %s", r->error.line, r->error.message);
    assert_int_equal(r->nrecords, n);
}

/* The warnings of r about column key. */
static size_t warnings_for(const roster *r, const char *key, const roster_note **last)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nwarnings; i++)
        if (r->warnings[i].field && strcmp(r->warnings[i].field, key) == 0)
            n++, *last = &r->warnings[i];
    return n;
}

/* ---- lost leading zeros ---- */

static void test_zeros_restored_one_warning_per_column(void **state)
{
    (void)state;
    roster *r = read_str(HDR ROW("An", "89186000123", "912345678") ROW(
        "Bình", "89186000124", "2963851234") ROW("Chi", "89186000125", "0912345679"));
    expect_read(r, 3);
    tu_expect_field(r, 0, "so_cccd", "089186000123");
    tu_expect_field(r, 1, "so_cccd", "089186000124");
    tu_expect_field(r, 2, "so_cccd", "089186000125");
    tu_expect_field(r, 0, "dien_thoai", "0912345678");
    tu_expect_field(r, 1, "dien_thoai", "02963851234"); /* a landline 0296... */
    tu_expect_field(r, 2, "dien_thoai", "0912345679");  /* was right: untouched */
    const roster_note *w = NULL;
    assert_int_equal(warnings_for(r, "so_cccd", &w), 1); /* one for the column, not per row */
    assert_int_equal(w->line, 0);
    assert_non_null(strstr(w->message, "«Số CCCD»"));
    assert_non_null(strstr(w->message, "3 dòng"));
    assert_non_null(strstr(w->message, "Văn bản"));
    assert_non_null(strstr(w->message, "Format Cells → Text"));
    assert_int_equal(warnings_for(r, "dien_thoai", &w), 1);
    assert_non_null(strstr(w->message, "2 dòng"));
    assert_non_null(strstr(w->message, "«Số điện thoại»"));
    roster_free(r);
}

static void test_right_or_other_numbers_untouched(void **state)
{
    (void)state;
    /* a correct CCCD; 11 digits starting 0 (not a lost zero); a phone with spaces; 10 digits
     * starting 9 (no Vietnamese number missing its 0); +84 form */
    roster *r = read_str(HDR ROW("An", "089186000123", "0912 345 678") ROW(
        "Bình", "08918600012", "9123456789") ROW("Chi", "8918600012", "84912345678"));
    expect_read(r, 3);
    tu_expect_field(r, 0, "so_cccd", "089186000123");
    tu_expect_field(r, 1, "so_cccd", "08918600012");
    tu_expect_field(r, 2, "so_cccd", "8918600012");
    tu_expect_field(r, 0, "dien_thoai", "0912 345 678");
    tu_expect_field(r, 1, "dien_thoai", "9123456789");
    tu_expect_field(r, 2, "dien_thoai", "84912345678");
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
}

static void test_agency_phone_restored(void **state)
{
    (void)state;
    roster *r = read_str("ho_ten,dien_thoai_co_quan\nAn,2963851234\nBình,2963851234\n");
    expect_read(r, 2);
    tu_expect_field(r, 0, "dien_thoai_co_quan", "02963851234");
    const roster_note *w = NULL;
    assert_int_equal(warnings_for(r, "dien_thoai_co_quan", &w), 1);
    roster_free(r);
}

/* ---- values Excel destroyed ---- */

static void test_value_kinds(void **state)
{
    (void)state;
    const char *sci[] = {"8,91861E+10", "8.91861E+10", "5,4E+07",  "5.4E+7",
                         "1E+11",       " 5,4E+07 ",   "-1,2E-05", "8,91861e+10"};
    for (size_t i = 0; i < sizeof sci / sizeof sci[0]; i++)
        if (excel_value_kind(sci[i]) != EXCEL_SCIENTIFIC)
            fail_msg("%s not seen as scientific notation", sci[i]);
    const char *err[] = {"#N/A",   "#REF!", "#VALUE!",  "#DIV/0!", "#NAME?", "#NUM!",
                         "#NULL!", "####",  "########", "#n/a",    " #N/A ", "Err:502"};
    for (size_t i = 0; i < sizeof err / sizeof err[0]; i++)
        if (excel_value_kind(err[i]) != EXCEL_ERROR)
            fail_msg("%s not seen as an Excel error", err[i]);
    const char *plain[] = {
        "54E7",       "540101A1B2C3D4E5F6", "5401 01E1 0A", "Nguyễn #1",      "#", "E+10", "5,4E+",
        "0912345678", "ghi chú #N/A sau",   "3E+1234",      "TK-2024-007731", ""};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (excel_value_kind(plain[i]) != EXCEL_PLAIN)
            fail_msg("%s taken for Excel damage", plain[i]);
}

static int setup(void **state)
{
    *state = tu_config();
    return 0;
}

static int teardown(void **state)
{
    config_free(*state);
    return 0;
}

#define AS_OF ((date){2026, 11, 20})
#define GH_HDR                                                                                     \
    "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,"         \
    "dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong,so_serial_thiet_bi,"   \
    "ghi_chu\n"
#define GH(name, cccd, serial, expiry, token, note)                                                \
    "gia-han,ca-nhan,Sở Tài chính tỉnh An Giang," name "," cccd                                    \
    ",Chuyên viên,Văn phòng,a@angiang.gov.vn,0912345678," serial "," expiry ",0,có," token         \
    "," note "\n"

/* The findings of row i of text, checked alone; the caller releases v. */
static roster *check_row(const config *cfg, const char *text, size_t i, verdict *v)
{
    roster *r = read_str(text);
    if (r->failed)
        fail_msg("unexpected failure: %s", r->error.message);
    assert_true(i < r->nrecords);
    rules_check_one(r, &r->records[i], cfg, AS_OF, v);
    return r;
}

static const finding *only_finding_on(const verdict *v, const char *field)
{
    const finding *found = NULL;
    for (size_t i = 0; i < v->nfindings; i++) {
        if (strcmp(v->findings[i].field, field) != 0)
            continue;
        if (found)
            fail_msg("two findings on %s: %s and %s", field, found->rule, v->findings[i].rule);
        found = &v->findings[i];
    }
    if (!found)
        fail_msg("no finding on %s", field);
    return found;
}

static void expect_rule(const config *cfg, const char *text, size_t row, const char *field,
                        const char *rule, const char *value)
{
    verdict v;
    roster *r = check_row(cfg, text, row, &v);
    const finding *f = only_finding_on(&v, field);
    assert_string_equal(f->rule, rule);
    assert_int_equal(f->sev, SEV_ERROR);
    assert_false(v.accepted);
    if (value && !strstr(f->message, value))
        fail_msg("message of %s does not show %s: %s", rule, value, f->message);
    verdict_release(&v);
    roster_free(r);
}

static void expect_accepted(const config *cfg, const char *text, size_t row)
{
    verdict v;
    roster *r = check_row(cfg, text, row, &v);
    for (size_t i = 0; i < v.nfindings; i++)
        if (v.findings[i].sev == SEV_ERROR)
            fail_msg("row %zu: %s on %s: %s", row, v.findings[i].rule, v.findings[i].field,
                     v.findings[i].message);
    assert_true(v.accepted);
    verdict_release(&v);
    roster_free(r);
}

#define SERIAL "540101A1B2C3D4E5F60718293A4B5C6D"

static void test_error_values_rejected(void **state)
{
    const config *cfg = *state;
    expect_rule(cfg, GH_HDR GH("#N/A", "089185001234", SERIAL, "14/03/2027", "", ""), 0, "ho_ten",
                "excel-gia-tri-loi", "#N/A");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", "#VALUE!", "14/03/2027", "", ""), 0,
                "so_hieu_cts", "excel-gia-tri-loi", "#VALUE!");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", SERIAL, "#######", "", ""), 0, "ngay_het_han",
                "excel-gia-tri-loi", "#######");
    expect_rule(cfg, GH_HDR GH("An", "#REF!", SERIAL, "14/03/2027", "", ""), 0, "so_cccd",
                "excel-gia-tri-loi", "#REF!");
}

static void test_scientific_rejected_once(void **state)
{
    const config *cfg = *state;
    /* not also so-hieu-hex, nor cccd: one finding that says what Excel did */
    expect_rule(cfg, GH_HDR GH("An", "089185001234", "\"5,4E+07\"", "14/03/2027", "", ""), 0,
                "so_hieu_cts", "excel-so-khoa-hoc", "5,4E+07");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", "5.4E+7", "14/03/2027", "", ""), 0,
                "so_hieu_cts", "excel-so-khoa-hoc", "5.4E+7");
    expect_rule(cfg, GH_HDR GH("An", "\"8,91861E+10\"", SERIAL, "14/03/2027", "", ""), 0, "so_cccd",
                "excel-so-khoa-hoc", "8,91861E+10");
}

/* A serial typed into a number cell of a workbook: Excel kept 15 digits. The finding quotes
 * the number as Excel shows it and tells the clerk to retype it as text, not to send the
 * workbook the clerk already sent. */
static void test_sheet_number_past_15_digits(void **state)
{
    const config *cfg = *state;
    const char *path = "tests/data/sheet_long_number.xlsx";
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    char *data = tu_slurp(path);
    roster *r = read_roster_mem(path, data, (size_t)len, NULL);
    free(data);
    assert_int_equal(r->failed, 0);
    assert_int_equal(r->nrecords, 1);
    verdict v;
    rules_check_one(r, &r->records[0], cfg, AS_OF, &v);
    const finding *fd = only_finding_on(&v, "so_hieu_cts");
    assert_string_equal(fd->rule, "excel-so-khoa-hoc");
    assert_non_null(strstr(fd->message, "«5.4010101010101E+31»"));
    assert_non_null(strstr(fd->message, "15 chữ số"));
    assert_null(strstr(fd->message, "gửi chính tệp Excel"));
    assert_false(v.accepted);
    verdict_release(&v);
    roster_free(r);
}

static void test_unknown_column_not_judged(void **state)
{
    const config *cfg = *state;
    expect_accepted(cfg,
                    "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,"
                    "co_quan_cong_tac,email,dien_thoai,xac_nhan_thu_truong,cot_phu\n"
                    "cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,An,089185001234,Chuyên viên,"
                    "Văn phòng,a@angiang.gov.vn,0912345678,có,#N/A\n",
                    0);
}

static void test_serials(void **state)
{
    const config *cfg = *state;
    expect_accepted(cfg,
                    GH_HDR GH("An", "089185001234", "5401 01a1 B2C3 D4E5", "14/03/2027",
                              "TK-2024-007731", "số hiệu có dấu cách?"),
                    0);
    expect_rule(cfg, GH_HDR GH("An", "089185001234", "5401ZZ01", "14/03/2027", "", ""), 0,
                "so_hieu_cts", "so-hieu-hex", "5401ZZ01");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", "5401-01", "14/03/2027", "", ""), 0,
                "so_hieu_cts", "so-hieu-hex", "5401-01");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", SERIAL, "14/03/2027", "TK/2024_1", ""), 0,
                "so_serial_thiet_bi", "so-serial-thiet-bi", "TK/2024_1");
    expect_rule(cfg, GH_HDR GH("An", "089185001234", SERIAL, "14/03/2027", "Số 12", ""), 0,
                "so_serial_thiet_bi", "so-serial-thiet-bi", "Số 12");
}

/* ---- dates ---- */

#define D_HDR "ho_ten,ngay_sinh,ngay_het_han\n"

static void test_day_first_column_untouched(void **state)
{
    (void)state;
    roster *r = read_str(D_HDR "An,14/03/1985,1/2/2027\nBình,7/8/1988,25/12/2027\n"
                               "Chi,1985-03-14,05/05/2027\n");
    expect_read(r, 3);
    tu_expect_field(r, 0, "ngay_het_han", "01/02/2027"); /* day first, as ROSTER.md says */
    tu_expect_field(r, 1, "ngay_het_han", "25/12/2027");
    tu_expect_field(r, 2, "ngay_het_han", "05/05/2027");
    /* item 6: every date dd/mm/yyyy, whatever form it came in */
    tu_expect_field(r, 0, "ngay_sinh", "14/03/1985");
    tu_expect_field(r, 1, "ngay_sinh", "07/08/1988");
    tu_expect_field(r, 2, "ngay_sinh", "14/03/1985");
    assert_int_equal(r->nwarnings, 0);
    for (size_t i = 0; i < r->nrecords; i++)
        assert_int_equal(r->records[i].nflags, 0);
    roster_free(r);
}

static void test_month_first_column_read_month_first(void **state)
{
    (void)state;
    roster *r = read_str(D_HDR "An,14/03/1985,3/14/2027\nBình,,1/2/2027\nChi,,4/3/2027\n"
                               "Dũng,,5/5/2027\nEm,,2027-06-30\n");
    expect_read(r, 5);
    tu_expect_field(r, 0, "ngay_het_han", "14/03/2027");
    tu_expect_field(r, 1, "ngay_het_han", "02/01/2027"); /* not 1 February */
    tu_expect_field(r, 2, "ngay_het_han", "03/04/2027");
    tu_expect_field(r, 3, "ngay_het_han", "05/05/2027");
    tu_expect_field(r, 4, "ngay_het_han", "30/06/2027");
    tu_expect_field(r, 0, "ngay_sinh", "14/03/1985"); /* its own column: day first */
    const roster_note *w = NULL;
    assert_int_equal(warnings_for(r, "ngay_het_han", &w), 1);
    assert_int_equal(w->line, 0);
    assert_non_null(strstr(w->message, "«Ngày hết hạn»"));
    assert_non_null(strstr(w->message, "tháng/ngày"));
    assert_non_null(strstr(w->message, "Mỹ"));
    assert_int_equal(warnings_for(r, "ngay_sinh", &w), 0);
    roster_free(r);
}

/* A column with no value of its own that shows the order follows the file (review of
 * issue 10: 1/2/2027 beside a 3/14/1985 was read as 1 February). */
static void test_doubtful_column_follows_the_file(void **state)
{
    (void)state;
    roster *r = read_str(D_HDR "An,3/14/1985,1/2/2027\nBình,5/6/1990,4/3/2027\n");
    expect_read(r, 2);
    tu_expect_field(r, 0, "ngay_het_han", "02/01/2027");
    tu_expect_field(r, 1, "ngay_het_han", "03/04/2027");
    tu_expect_field(r, 1, "ngay_sinh", "06/05/1990");
    roster_free(r);
    /* both orders in the file: what may be month/day is flagged, never read day first */
    r = read_str(D_HDR "An,3/14/1985,1/2/2027\nBình,,14/03/2027\nChi,25/12/1990,\n");
    expect_read(r, 3);
    assert_non_null(record_flag_get(&r->records[0], "ngay_sinh"));
    roster_free(r);
}

static void test_mixed_column_flags_doubtful_rows(void **state)
{
    const config *cfg = *state;
    roster *r = read_str(D_HDR "An,,14/03/2027\nBình,,3/15/2027\nChi,,4/3/2027\nDũng,,5/5/2027\n");
    expect_read(r, 4);
    tu_expect_field(r, 0, "ngay_het_han", "14/03/2027");
    tu_expect_field(r, 1, "ngay_het_han", "3/15/2027"); /* left as written */
    tu_expect_field(r, 2, "ngay_het_han", "4/3/2027");
    tu_expect_field(r, 3, "ngay_het_han", "05/05/2027"); /* the same either way */
    assert_null(record_flag_get(&r->records[0], "ngay_het_han"));
    const record_flag *f = record_flag_get(&r->records[1], "ngay_het_han");
    assert_non_null(f);
    assert_string_equal(f->rule, "ngay-thang-kieu-my");
    assert_string_equal(f->variant, "thang-truoc");
    f = record_flag_get(&r->records[2], "ngay_het_han");
    assert_non_null(f);
    assert_string_equal(f->variant, "mo-ho");
    assert_null(record_flag_get(&r->records[3], "ngay_het_han"));
    assert_int_equal(r->nwarnings, 0);
    roster_free(r);
    /* the check stage rejects those rows with that rule, and nothing else on the field */
    const char *text = GH_HDR GH("An", "089185001234", SERIAL, "14/03/2027", "", "")
        GH("Bình", "089185001235", SERIAL, "3/15/2027", "", "")
            GH("Chi", "089185001236", SERIAL, "4/3/2027", "", "");
    expect_rule(cfg, text, 1, "ngay_het_han", "ngay-thang-kieu-my", "3/15/2027");
    expect_rule(cfg, text, 2, "ngay_het_han", "ngay-thang-kieu-my", "4/3/2027");
    expect_accepted(cfg, text, 0);
}

static void test_dates_with_time(void **state)
{
    (void)state;
    roster *r = read_str(D_HDR "An,14/03/1985 00:00,2027-03-14 00:00:00\n"
                               "Bình,7/8/1988 0:00:00,2027-03-14T00:00:00\n"
                               "Chi,31/02/1985 00:00,14/03/2027 12:00 AM\n"
                               "Dũng,14/03/1985 sáng,\n");
    expect_read(r, 4);
    tu_expect_field(r, 0, "ngay_sinh", "14/03/1985");
    tu_expect_field(r, 0, "ngay_het_han", "14/03/2027");
    tu_expect_field(r, 1, "ngay_sinh", "07/08/1988");
    tu_expect_field(r, 1, "ngay_het_han", "14/03/2027");
    tu_expect_field(r, 2, "ngay_sinh", "31/02/1985"); /* no such day: the rules say so */
    tu_expect_field(r, 2, "ngay_het_han", "14/03/2027");
    tu_expect_field(r, 3, "ngay_sinh", "14/03/1985 sáng"); /* not a time: as written */
    char *s = excel_strip_time("14/03/2027 00:00");
    assert_string_equal(s, "14/03/2027");
    free(s);
    assert_null(excel_strip_time("14/03/2027"));
    assert_null(excel_strip_time("14/03/2027 25"));
    roster_free(r);
}

/* ---- the ledger still knows a request ---- */

static void test_request_key_same_after_repair(void **state)
{
    const config *cfg = *state;
    verdict a, b;
    roster *ra = check_row(cfg, GH_HDR GH("An", "89185001234", SERIAL, "3/14/2027", "", ""), 0, &a);
    roster *rb =
        check_row(cfg, GH_HDR GH("An", "089185001234", SERIAL, "14/03/2027", "", ""), 0, &b);
    char *ka = rules_request_key(&a), *kb = rules_request_key(&b);
    assert_string_equal(ka, kb); /* the repaired roster names the same request */
    assert_true(a.accepted);
    assert_string_equal(record_get(a.rec, "ngay_het_han"), "14/03/2027");
    free(ka);
    free(kb);
    verdict_release(&a);
    verdict_release(&b);
    roster_free(ra);
    roster_free(rb);
}

/* ---- code pages ---- */

/* in converted with iconv(3), NUL-terminated, or NULL when `from` cannot read its bytes
 * (UTF-8 "Á" is C3 81, and 0x81 is no cp1252 character). */
static char *try_convert(const char *to, const char *from, const char *in, size_t *outlen)
{
    iconv_t cd = iconv_open(to, from);
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(in), cap = inleft * 4 + 16, outleft = cap;
    char *out = xcalloc(1, cap + 1), *ip = (char *)in, *op = out;
    int ok = iconv(cd, &ip, &inleft, &op, &outleft) != (size_t)-1 &&
             iconv(cd, NULL, NULL, &op, &outleft) != (size_t)-1;
    iconv_close(cd);
    *outlen = (size_t)(op - out);
    if (!ok)
        free(out);
    return ok ? out : NULL;
}

static char *convert(const char *to, const char *from, const char *in, size_t *outlen)
{
    char *out = try_convert(to, from, in, outlen);
    assert_non_null(out);
    return out;
}

static void expect_code_page_refusal(const roster *r, long line, const char *shown)
{
    assert_true(r->failed);
    assert_int_equal(r->error.line, line);
    assert_non_null(strstr(r->error.message, "CSV UTF-8"));
    assert_non_null(strstr(r->error.message, ".xlsx"));
    if (shown && !strstr(r->error.message, shown))
        fail_msg("message does not show %s: %s", shown, r->error.message);
}

static void test_cp1252_file_refused(void **state)
{
    (void)state;
    /* tests/data/excel_cp1252.csv: Excel's "CSV" on a Western Windows, '?' for what cp1252
     * lacks, Vietnamese headers (none left recognisable) */
    roster *r = read_roster("tests/data/excel_cp1252.csv", NULL);
    expect_code_page_refusal(r, 1, "Th? t?c");
    roster_free(r);
    /* the same with plain keys as headers: the name itself is the evidence (cp1252 bytes:
     * Á is 0xC1, the letters cp1252 lacks are '?') */
    const char cp[] = "ho_ten;so_cccd;ghi_chu\r\nNguy?n Th? \xc1nh Tuy?t;089185001234;\xc1nh\r\n";
    size_t n = sizeof cp - 1;
    r = read_roster_mem("t.csv", cp, n, NULL);
    expect_code_page_refusal(r, 2, "Nguy?n Th? Ánh Tuy?t");
    assert_non_null(strstr(r->error.message, "«Họ và tên»"));
    roster_free(r);
}

static void test_mojibake_refused(void **state)
{
    (void)state;
    roster *r = read_roster("tests/data/excel_mojibake.csv", NULL);
    expect_code_page_refusal(r, 2, "Nguyá»…n");
    roster_free(r);
    /* UTF-8 bytes decoded as Windows-1258, then as cp1252: each gives mojibake */
    const char *names[] = {"Nguyễn Thị Ánh Tuyết", "Lê Văn Tám", "Phương", "Trường",
                           "Hồ Thị Đẹp",           "Lưu Ơn",     "à"};
    const char *pages[] = {"CP1258", "CP1252"};
    size_t tried = 0;
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t n;
            char *bad = try_convert("UTF-8", pages[p], names[i], &n);
            if (!bad) /* read.c cannot decode it at all: refused as undecodable instead */
                continue;
            tried++;
            char *text = xasprintf("ghi_chu,so_cccd\n%s,089185001234\n", bad);
            r = read_str(text); /* even in a free-text field */
            if (!r->failed)
                fail_msg("%s as %s (%s) not refused", names[i], pages[p], bad);
            expect_code_page_refusal(r, 2, NULL);
            roster_free(r);
            free(text);
            free(bad);
        }
    }
    assert_true(tried >= 8);
}

static void test_question_mark_and_foreign_letters(void **state)
{
    (void)state;
    const char *bad[] = {"Nguy?n Văn An", "Muñoz", "Bjørn", "Åsa",    "Strauß", "Jäger",
                         "Noël",          "Anaïs", "Göran", "Müller", "Ÿves",   "François"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* saved on a Western-European Windows (cp1252), read as Windows-1258 */
        char *text = xasprintf("ho_ten,so_cccd\n%s,089185001234\n", bad[i]);
        size_t len = strlen(text); /* a '?' in a name is refused whatever the encoding */
        char *bytes = i == 0 ? xstrdup(text) : convert("CP1252", "UTF-8", text, &len);
        roster *r = read_roster_mem("t.csv", bytes, len, NULL);
        if (!r->failed)
            fail_msg("%s in a name not refused", bad[i]);
        expect_code_page_refusal(r, 2, bad[i]);
        roster_free(r);
        free(bytes);
        if (i > 0) { /* typed in UTF-8, a foreign letter is the clerk's own (Y Klŏng Niê) */
            r = read_str(text);
            expect_read(r, 1);
            roster_free(r);
        }
        free(text);
    }
    roster *ede = read_str("ho_ten,so_cccd\nY Klŏng Niê,089185001234\n");
    expect_read(ede, 1);
    roster_free(ede);
    /* a free-text field may hold '?' and foreign letters */
    roster *r =
        read_str("ho_ten,ghi_chu,hoan_canh\nAn,Có cần gấp không?,Quên ở quán café Müller?\n");
    expect_read(r, 1);
    roster_free(r);
}

/* Every Vietnamese letter, in both cases, typed precomposed and decomposed (base letter and
 * combining marks, as macOS and Windows-1258 write them), with Vietnamese punctuation. */
static void test_valid_vietnamese_not_refused(void **state)
{
    (void)state;
    static const char *const bases[] = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"};
    static const char *const tones[] = {"",         "\xcc\x80", "\xcc\x81",
                                        "\xcc\x89", "\xcc\x83", "\xcc\xa3"};
    static const char *const decomposed[] = {"a", "a\xcc\x86", "a\xcc\x82", "e", "e\xcc\x82", "i",
                                             "o", "o\xcc\x82", "o\xcc\x9b", "u", "u\xcc\x9b", "y"};
    buf names;
    buf_init(&names, 0);
    buf_puts(&names, "đỗ ");
    for (size_t b = 0; b < 12; b++) {
        for (size_t t = 0; t < 6; t++) {
            char *one = xasprintf("%s%s%s%s", bases[b], tones[t], decomposed[b], tones[t]);
            buf_puts(&names, one);
            free(one);
        }
        buf_putc(&names, ' ');
    }
    char *text = xasprintf("ho_ten,ten_co_quan,co_quan_quan_ly,ghi_chu\n"
                           "%s,Ủy ban nhân dân tỉnh An Giang – Văn phòng,ĐƠN VỊ ƯU TÚ,"
                           "«Hà Nội» – “trích” … 5°C; Quyết định số 12/QĐ-UBND\n",
                           buf_str(&names));
    roster *r = read_str(text);
    expect_read(r, 1);
    roster_free(r);
    free(text);
    buf_release(&names);
    /* capitals too: every precomposed capital of the vowels */
    r = read_str("ho_ten\nÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ ÈÉẺẼẸ ÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ ÙÚỦŨỤ "
                 "ƯỪỨỬỮỰ ỲÝỶỸỴ Đ\n");
    expect_read(r, 1);
    roster_free(r);
    /* a Windows-1258 file (what read.c decodes 8-bit text as) with every tone: read */
    size_t n;
    char *w = convert("CP1258", "UTF-8",
                      "ho_ten,ghi_chu\nNguyễn Thị Ánh Tuyết Đặng Hữu Phước Ưng Ơn,«ghi chú»\n", &n);
    r = read_roster_mem("t.csv", w, n, NULL);
    expect_read(r, 1);
    tu_expect_field(r, 0, "ho_ten", "Nguyễn Thị Ánh Tuyết Đặng Hữu Phước Ưng Ơn");
    roster_free(r);
    free(w);
}

static void test_not_a_roster_stays_not_a_roster(void **state)
{
    (void)state;
    /* a clerk's own column may be a question: kept, reported as unknown, not refused */
    roster *q = read_str("ho_ten,Đã nộp hồ sơ?\nAn,có\n");
    expect_read(q, 1);
    assert_int_equal(q->nwarnings, 1);
    roster_free(q);
    /* a file refused for another reason keeps its reason */
    roster *r = read_str("a,b,c\n1,2,3\n");
    assert_true(r->failed);
    assert_null(strstr(r->error.message, "CSV UTF-8"));
    roster_free(r);
}

/* The pass works on values whatever reader made them: an XML roster too. */
static void test_xml_roster_repaired_and_checked(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<danh_sach>\n"
                      "<yeu_cau><ho_ten>An</ho_ten><so_cccd>89185001234</so_cccd>"
                      "<ngay_het_han>3/14/2027</ngay_het_han></yeu_cau>\n"
                      "<yeu_cau><ho_ten>Bình</ho_ten><so_cccd>89185001235</so_cccd>"
                      "<ngay_het_han>1/2/2027</ngay_het_han></yeu_cau>\n</danh_sach>\n";
    roster *r = read_roster_mem("t.xml", xml, strlen(xml), NULL);
    expect_read(r, 2);
    tu_expect_field(r, 0, "so_cccd", "089185001234");
    tu_expect_field(r, 1, "ngay_het_han", "02/01/2027");
    const roster_note *w = NULL;
    assert_int_equal(warnings_for(r, "so_cccd", &w), 1);
    /* another system wrote it: the clerk is not told Excel did it, nor how to fix Excel */
    assert_non_null(strstr(w->message, "hệ thống xuất tệp XML"));
    assert_null(strstr(w->message, "Excel"));
    assert_non_null(strstr(w->message, "089185001234"));
    assert_int_equal(warnings_for(r, "ngay_het_han", &w), 1);
    assert_non_null(strstr(w->message, "hệ thống xuất tệp XML"));
    assert_null(strstr(w->message, "Excel"));
    assert_null(strstr(w->message, "Windows"));
    roster_free(r);
    const char *bad = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<danh_sach>\n"
                      "<yeu_cau><ho_ten>Nguy\xc3\xa1\xc2\xbb\xe2\x80\xa6n</ho_ten></yeu_cau>\n"
                      "</danh_sach>\n";
    r = read_roster_mem("t.xml", bad, strlen(bad), NULL);
    expect_code_page_refusal(r, 3, "Nguyá»…n");
    roster_free(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zeros_restored_one_warning_per_column),
        cmocka_unit_test(test_right_or_other_numbers_untouched),
        cmocka_unit_test(test_agency_phone_restored),
        cmocka_unit_test(test_value_kinds),
        T(test_error_values_rejected),
        T(test_scientific_rejected_once),
        T(test_sheet_number_past_15_digits),
        T(test_unknown_column_not_judged),
        T(test_serials),
        cmocka_unit_test(test_day_first_column_untouched),
        cmocka_unit_test(test_month_first_column_read_month_first),
        T(test_doubtful_column_follows_the_file),
        T(test_mixed_column_flags_doubtful_rows),
        cmocka_unit_test(test_dates_with_time),
        T(test_request_key_same_after_repair),
        cmocka_unit_test(test_cp1252_file_refused),
        cmocka_unit_test(test_mojibake_refused),
        cmocka_unit_test(test_question_mark_and_foreign_letters),
        cmocka_unit_test(test_valid_vietnamese_not_refused),
        cmocka_unit_test(test_not_a_roster_stays_not_a_roster),
        cmocka_unit_test(test_xml_roster_repaired_and_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
