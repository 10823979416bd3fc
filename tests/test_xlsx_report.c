/* test_xlsx_report: unit tests of pipeline/xlsxreport.c. The workbooks are read back with
 * Python's zipfile (a second, independent reader of the zip container), and their sheet XML
 * is checked: the rejected rows before the accepted ones whatever order they were added in,
 * the header row frozen with an autofilter over every row, column widths set, every text an
 * inline string (a CCCD keeps its leading zero, a formula-like name stays text), characters
 * XML cannot hold shown as ?(U+000B), a cell longer than Excel holds cut, the notes sheet;
 * and a workbook that cannot be written says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "util.h"
#include "xlsxreport.h"

/* A fresh path for a workbook (the file is not created). */
static char *temp_path(void)
{
    char tmpl[] = "/tmp/test_xlsx_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    close(fd);
    unlink(tmpl);
    return xasprintf("%s.xlsx", tmpl);
}

/* The text of one member of the zip at path, read by Python's zipfile (the caller frees). */
static char *zip_member(const char *path, const char *member)
{
    char *cmd = xasprintf("python3 -c 'import sys, zipfile; "
                          "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])"
                          ".decode(\"utf-8\"))' '%s' '%s'",
                          path, member);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&b, chunk, n);
    int rc = pclose(p);
    if (rc != 0)
        fail_msg("cannot read %s from %s", member, path);
    return buf_detach(&b);
}

static report_row row(const char *name, const char *cccd, const char *status, int rejected)
{
    report_row r = {0};
    r.file = "inputs/stc.csv";
    r.line = 2;
    r.procedure = "gia-han";
    r.procedure_label = "Gia hạn";
    r.name = name;
    r.cccd = cccd;
    r.status = status;
    r.documents = "";
    r.rejected = rejected;
    return r;
}

/* Where needle first occurs in hay, or fails. */
static size_t at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("\"%s\" not in the sheet", needle);
    return (size_t)(p - hay);
}

static void test_rejected_first_and_sheet_shape(void **state)
{
    (void)state;
    char err[512] = "", *path = temp_path();
    xlsxreport *x = xlsxreport_new(path, 1763600000, err, sizeof err);
    assert_non_null(x);
    finding f[2] = {{"thieu-truong", SEV_ERROR, "so_cccd", "Thiếu «Số CCCD»: hãy điền.", ""},
                    {"sai-email", SEV_ERROR, "email", "Thư điện tử sai.", ""}};
    report_row a = row("Nguyễn Thị Ánh Tuyết", "089186000123", "Hợp lệ", 0);
    a.documents = "Mau07-nguyen-thi-anh-tuyet.pdf";
    report_row r1 = row("Lê Văn Tám", "", "Bị từ chối", 1);
    r1.line = 3;
    r1.findings = f;
    r1.nfindings = 2;
    report_row b = row("=1+1", "089186000124", "Hợp lệ", 0);
    report_row r2 = row("Trần\x0b Hoa", "", "Bị từ chối", 1);
    report_row bad = {0};
    bad.file = "in/hong.csv";
    bad.procedure = bad.procedure_label = bad.name = bad.cccd = bad.documents = "";
    bad.status = "Không đọc được tệp";
    bad.error = "Tệp không phải CSV hay XML.";
    bad.rejected = 1;
    assert_int_equal(xlsxreport_add_row(x, &a), 0);
    assert_int_equal(xlsxreport_add_row(x, &r1), 0);
    assert_int_equal(xlsxreport_add_row(x, &b), 0);
    assert_int_equal(xlsxreport_add_row(x, &r2), 0);
    assert_int_equal(xlsxreport_add_row(x, &bad), 0);
    assert_int_equal(xlsxreport_add_note(x, "inputs/stc.csv", 1, "Cột «x» không dùng."), 0);
    assert_int_equal(xlsxreport_close(x, err, sizeof err), 0);

    char *s = zip_member(path, "xl/worksheets/sheet1.xml");
    /* the rejected ones in the order added, then the accepted ones in the order added */
    size_t p1 = at(s, "Lê Văn Tám"), p2 = at(s, "Trần?(U+000B) Hoa"), p3 = at(s, "hong.csv");
    size_t p4 = at(s, "Nguyễn Thị Ánh Tuyết"), p5 = at(s, "=1+1");
    assert_true(p1 < p2 && p2 < p3 && p3 < p4 && p4 < p5);
    assert_null(strchr(s, '\x0b'));
    /* every text an inline string: the CCCD keeps its zero, =1+1 is no formula */
    assert_non_null(strstr(s, "<is><t>089186000123</t></is>"));
    assert_null(strstr(s, "<f>"));
    assert_non_null(strstr(s, "<t>Gia hạn</t>"));
    assert_non_null(strstr(s, "Thiếu «Số CCCD»: hãy điền.\nThư điện tử sai."));
    assert_null(strstr(s, "thieu-truong")); /* the clerk reads messages, not rule ids */
    assert_non_null(strstr(s, "<t>Tệp không phải CSV hay XML.</t>"));
    assert_non_null(strstr(s, "<t>stc.csv</t>")); /* the file's name, not its path */
    /* header frozen, autofilter over the header and the five rows, widths set */
    assert_non_null(strstr(s, "ySplit=\"1\""));
    assert_non_null(strstr(s, "state=\"frozen\""));
    assert_non_null(strstr(s, "<autoFilter ref=\"A1:H6\"/>"));
    assert_non_null(strstr(s, "<cols>"));
    assert_true(at(s, "<t>Tệp</t>") < at(s, "<t>Họ tên / Tên cơ quan</t>"));
    free(s);
    char *wb = zip_member(path, "xl/workbook.xml");
    assert_non_null(strstr(wb, "name=\"Kết quả\""));
    assert_non_null(strstr(wb, "name=\"Lưu ý về tệp\""));
    free(wb);
    char *notes = zip_member(path, "xl/worksheets/sheet2.xml");
    assert_non_null(strstr(notes, "<t>Cột «x» không dùng.</t>"));
    free(notes);
    char *core = zip_member(path, "docProps/core.xml");
    assert_non_null(strstr(core, "2025-11-20")); /* SOURCE_DATE_EPOCH, not now */
    free(core);
    unlink(path);
    free(path);
}

static void test_long_cell_is_cut(void **state)
{
    (void)state;
    char err[512] = "", *path = temp_path();
    xlsxreport *x = xlsxreport_new(path, 1, err, sizeof err);
    assert_non_null(x);
    buf big;
    buf_init(&big, 0);
    for (int i = 0; i < 40000; i++)
        buf_puts(&big, "ă");
    report_row r = row(buf_str(&big), "", "Bị từ chối", 1);
    assert_int_equal(xlsxreport_add_row(x, &r), 0);
    assert_int_equal(xlsxreport_close(x, err, sizeof err), 0);
    char *s = zip_member(path, "xl/worksheets/sheet1.xml");
    const char *start = strstr(s, "ăăă"), *end = strstr(s, "…");
    assert_non_null(start);
    assert_non_null(end);
    assert_int_equal((size_t)(end - start) / 2, XLSXREPORT_MAX_CELL_CHARS - 1);
    free(s);
    buf_release(&big);
    unlink(path);
    free(path);
}

static void test_unwritable_path_fails(void **state)
{
    (void)state;
    char err[512] = "";
    xlsxreport *x = xlsxreport_new("/nonexistent-dir/x/report.xlsx", 0, err, sizeof err);
    if (x) { /* libxlsxwriter opens the file only at close */
        report_row r = row("Lê Văn Tám", "", "Bị từ chối", 1);
        xlsxreport_add_row(x, &r);
        assert_int_equal(xlsxreport_close(x, err, sizeof err), -1);
    }
    assert_true(err[0] != '\0');
}

static void test_free_without_writing_and_null(void **state)
{
    (void)state;
    char err[512] = "", *path = temp_path();
    xlsxreport_free(NULL);
    xlsxreport *x = xlsxreport_new(path, 0, err, sizeof err);
    assert_non_null(x);
    report_row r = row("Nguyễn Văn An", "089186000123", "Hợp lệ", 0);
    assert_int_equal(xlsxreport_add_row(x, &r), 0);
    xlsxreport_free(x); /* no leak (ASan), whatever it left at path */
    unlink(path);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rejected_first_and_sheet_shape),
        cmocka_unit_test(test_long_cell_is_cut),
        cmocka_unit_test(test_unwritable_path_fails),
        cmocka_unit_test(test_free_without_writing_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
