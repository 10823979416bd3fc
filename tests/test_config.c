/* test_config: unit tests of pipeline/config.c against the shipped config/ctsbatch.xml and
 * an edited copy (tests/data/unit_config_45.xml): site values, rule parameters, coded values
 * and their aliases, rules with severity, basis and Vietnamese message, required fields per
 * procedure and subscriber (RULES.md "Required fields"), named lists and public holidays, the
 * document table with folders and conditions (FORMS.md), the agency register, and the load
 * errors. RULES.md: parameters and messages are data an
 * administrator edits without a rebuild, so the edited copy must change the derived dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "date.h"
#include "roster.h"
#include "rules.h"
#include "util.h"
#include "testutil.h"

#define CONFIG_PATH "config/ctsbatch.xml"

static config *load_or_fail(const char *path)
{
    char err[512] = "";
    config *c = config_load(path, ".", err, sizeof err);
    if (!c)
        fail_msg("config_load(%s): %s", path, err);
    return c;
}

static int setup(void **state)
{
    *state = load_or_fail(CONFIG_PATH);
    return 0;
}

static int teardown(void **state)
{
    config_free(*state);
    return 0;
}

/* Loads `text` as a configuration file, expects failure and an error containing `needle`. */
static void expect_load_error(const char *text, const char *needle)
{
    char *path = tu_temp_file(text);
    char err[512] = "";
    config *c = config_load(path, ".", err, sizeof err);
    unlink(path);
    if (c) {
        config_free(c);
        free(path);
        fail_msg("config_load accepted a bad file (expected \"%s\")", needle);
    }
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
    free(path);
}

static const char *FONTS_XML =
    "<fonts><face style=\"regular\" file=\"r.ttf\"/><face style=\"bold\" file=\"b.ttf\"/>"
    "<face style=\"italic\" file=\"i.ttf\"/><face style=\"bold-italic\" file=\"bi.ttf\"/>"
    "</fonts>";

/* A valid individual cap-moi request of the registered Sở Tài chính. */
static void fill_valid(record *rec)
{
    record_set(rec, "thu_tuc", "Cấp mới");
    record_set(rec, "loai_thue_bao", "Cá nhân");
    record_set(rec, "ngay_de_nghi", "05/01/2026");
    record_set(rec, "ho_ten", "Nguyễn Thị Ánh Tuyết");
    record_set(rec, "so_cccd", "089186000123");
    record_set(rec, "chuc_vu", "Chuyên viên");
    record_set(rec, "co_quan_cong_tac", "Phòng Ngân sách");
    record_set(rec, "email", "tuyetnta@angiang.gov.vn");
    record_set(rec, "dien_thoai", "0912345678");
    record_set(rec, "xac_nhan_thu_truong", "có");
    record_set(rec, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang");
}

static date as_of_day(void)
{
    date d = {2026, 1, 10};
    return d;
}

/* ---- site, params, fonts ---- */

static void test_site_values(void **state)
{
    const config *c = *state;
    assert_string_equal(config_site(c, "tinh"), "An Giang");
    assert_string_equal(config_site(c, "noi_nhan_de_nghi"),
                        "Sở Thông tin và Truyền thông tỉnh An Giang");
    assert_string_equal(config_site(c, "ngay_de_trong"), "khong");
    assert_string_equal(config_site(c, "khong_co_khoa_nay"), "");
    assert_string_equal(config_home(c), ".");
}

static void test_params_and_fallback(void **state)
{
    const config *c = *state;
    assert_int_equal(config_param(c, "cap_moi_so_ngay", -1), 30);
    assert_int_equal(config_param(c, "cap_moi_thoi_han_nam", -1), 5);
    assert_int_equal(config_param(c, "khong_co_tham_so", 77), 77);
}

static void test_param_not_a_number_is_refused(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "<cau_hinh>%s<params><param name=\"b\"> 12 </param>\n"
             "<param name=\"c\">12ngay</param></params></cau_hinh>",
             FONTS_XML);
    char *path = tu_temp_file(text);
    char err[256] = "";
    config *c = config_load(path, ".", err, sizeof err);
    unlink(path);
    free(path);
    /* the schema refuses it, naming the line, rather than the rule silently using a default */
    assert_null(c);
    assert_non_null(strstr(err, ":2: the configuration does not follow config/ctsbatch.xsd"));
    assert_non_null(strstr(err, "param"));
}

static void test_fonts(void **state)
{
    const config *c = *state;
    assert_string_equal(config_font(c, FACE_REGULAR), "fonts/LiberationSerif-Regular.ttf");
    assert_string_equal(config_font(c, FACE_BOLD), "fonts/LiberationSerif-Bold.ttf");
    assert_string_equal(config_font(c, FACE_ITALIC), "fonts/LiberationSerif-Italic.ttf");
    assert_string_equal(config_font(c, FACE_BOLD_ITALIC), "fonts/LiberationSerif-BoldItalic.ttf");
}

/* ---- coded values ---- */

static void test_procedure_aliases(void **state)
{
    const config *c = *state;
    static const char *const spellings[] = {"Cấp mới", "CAP MOI",      "cap-moi",
                                            "cap_moi", "  cấp   MỚI ", "Cap moi"};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        const char *got = config_value_canonical(c, "thu_tuc", spellings[i]);
        if (!got || strcmp(got, "cap-moi") != 0)
            fail_msg("\"%s\" -> %s, expected cap-moi", spellings[i], got ? got : "NULL");
    }
    assert_string_equal(config_value_canonical(c, "thu_tuc", "Thay đổi nội dung thông tin"),
                        "thay-doi");
    assert_string_equal(config_value_canonical(c, "thu_tuc", "thay_doi_thong_tin"), "thay-doi");
    assert_string_equal(config_value_canonical(c, "loai_thue_bao", "Tổ chức"), "co-quan");
    assert_string_equal(config_value_canonical(c, "loai_thue_bao", "Cơ quan, tổ chức"), "co-quan");
}

static void test_yes_no_aliases(void **state)
{
    const config *c = *state;
    static const char *const yes[] = {"x", "X", "có", "Có", "CÓ", "1", "yes", "co"};
    static const char *const no[] = {"không", "Không", "0", "no", "khong"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        const char *got = config_value_canonical(c, "co_khong", yes[i]);
        if (!got || strcmp(got, "co") != 0)
            fail_msg("\"%s\" -> %s, expected co", yes[i], got ? got : "NULL");
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        const char *got = config_value_canonical(c, "co_khong", no[i]);
        if (!got || strcmp(got, "khong") != 0)
            fail_msg("\"%s\" -> %s, expected khong", no[i], got ? got : "NULL");
    }
}

static void test_unknown_values_rejected(void **state)
{
    const config *c = *state;
    assert_null(config_value_canonical(c, "thu_tuc", "cấp lại"));
    assert_null(config_value_canonical(c, "thu_tuc", ""));
    assert_null(config_value_canonical(c, "thu_tuc", "   "));
    assert_null(config_value_canonical(c, "co_khong", "có lẽ"));
    assert_null(config_value_canonical(c, "co_khong", "2"));
    /* a value is allowed only for its own field */
    assert_null(config_value_canonical(c, "co_khong", "cap-moi"));
    assert_null(config_value_canonical(c, "thu_tuc", "có"));
    assert_null(config_value_canonical(c, "khong_co_truong", "cap-moi"));
}

static void test_value_labels(void **state)
{
    const config *c = *state;
    assert_string_equal(config_value_label(c, "thu_tuc", "cap-moi"), "Cấp mới");
    assert_string_equal(config_value_label(c, "loai_thue_bao", "co-quan"), "Cơ quan, tổ chức");
    assert_string_equal(config_value_label(c, "co_khong", "co"), "Có");
    assert_string_equal(config_value_label(c, "thu_tuc", "khong-biet"), "khong-biet");
}

/* ---- rules ---- */

static void test_rules_table(void **state)
{
    const config *c = *state;
    const config_rule *r = config_rule_get(c, "thieu-truong");
    assert_non_null(r);
    assert_string_equal(r->id, "thieu-truong");
    assert_int_equal(r->sev, SEV_ERROR);
    assert_string_equal(r->basis, "Mục 2 Quy trình cấp chứng thư số (hồ sơ đề nghị)");
    assert_string_equal(r->message, "Thiếu «{truong}»: hãy điền thông tin này.");

    r = config_rule_get(c, "thong-tin-co-quan");
    assert_non_null(r);
    assert_int_equal(r->sev, SEV_WARNING);
    assert_string_equal(r->basis, "Nghị định 30/2020/NĐ-CP về công tác văn thư");

    r = config_rule_get(c, "ngay-khong-hop-le");
    assert_non_null(r);
    assert_string_equal(r->basis, "");

    assert_null(config_rule_get(c, "khong-co-quy-tac"));
}

/* ---- required fields ---- */

static void expect_required(const config *c, const char *proc, const char *sub,
                            const char *const *want, size_t nwant)
{
    const char *got[32];
    size_t n = config_required(c, proc, sub, got, 32);
    if (n != nwant)
        fail_msg("%s/%s: %zu required fields, expected %zu", proc, sub, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (strcmp(got[i], want[i]) != 0)
            fail_msg("%s/%s: field %zu is %s, expected %s", proc, sub, i, got[i], want[i]);
}

static void test_required_fields(void **state)
{
    const config *c = *state;
    static const char *const individual[] = {
        "thu_tuc", "loai_thue_bao", "co_quan_quan_ly", "ho_ten", "so_cccd", "email", "dien_thoai"};
    expect_required(c, "cap-moi", "ca-nhan", individual, 7);
    expect_required(c, "cap-moi", "ca-nhan-tham-quyen", individual, 7);

    static const char *const org[] = {
        "thu_tuc",    "loai_thue_bao", "co_quan_quan_ly",   "ten_co_quan", "email",
        "dien_thoai", "dia_chi",       "tu_cach_phap_nhan", "ho_ten",      "so_cccd"};
    expect_required(c, "cap-moi", "co-quan", org, 10);

    static const char *const renew[] = {
        "thu_tuc", "loai_thue_bao", "co_quan_quan_ly", "ho_ten",       "so_cccd",
        "email",   "dien_thoai",    "so_hieu_cts",     "ngay_het_han", "so_lan_gia_han"};
    expect_required(c, "gia-han", "ca-nhan", renew, 10);

    /* an unknown procedure and type ("-") gets only the every-request list */
    static const char *const any[] = {"thu_tuc", "loai_thue_bao", "co_quan_quan_ly"};
    expect_required(c, "-", "-", any, 3);
}

static void test_required_count_beyond_max(void **state)
{
    const config *c = *state;
    const char *got[3] = {NULL, NULL, NULL};
    assert_int_equal(config_required(c, "cap-moi", "co-quan", got, 2), 10);
    assert_string_equal(got[0], "thu_tuc");
    assert_string_equal(got[1], "loai_thue_bao");
    assert_null(got[2]);
    assert_int_equal(config_required(c, "cap-moi", "co-quan", NULL, 0), 10);
}

/* ---- documents and agencies ---- */

static const config_document *find_document(const config *c, const char *form,
                                            const char *procedure)
{
    for (size_t i = 0; i < config_document_count(c); i++) {
        const config_document *d = config_document_at(c, i);
        if (strcmp(d->form, form) == 0 && strcmp(d->procedure, procedure) == 0)
            return d;
    }
    return NULL;
}

static void test_documents_table(void **state)
{
    const config *c = *state;
    size_t n = config_document_count(c);
    assert_true(n >= 2);
    const config_document *d = config_document_at(c, 0);
    assert_string_equal(d->procedure, "cap-moi");
    assert_string_equal(d->subscriber, "ca-nhan ca-nhan-tham-quyen");
    assert_string_equal(d->per, "row");
    assert_string_equal(d->form, "01");
    /* no folder attribute: the procedure; no condition: "" */
    assert_string_equal(d->folder, "cap-moi");
    assert_string_equal(d->when, "");
    d = config_document_at(c, 1);
    assert_string_equal(d->procedure, "cap-moi");
    assert_string_equal(d->per, "agency");
    assert_string_equal(d->form, "02");
    assert_null(config_document_at(c, n));

    /* FORMS.md: Mẫu 14 lists revocations and handovers, in a folder of its own */
    d = find_document(c, "14", "thu-hoi ban-giao-thiet-bi");
    assert_non_null(d);
    assert_string_equal(d->per, "agency");
    assert_string_equal(d->folder, "ban-giao-thiet-bi");
    /* RULES.md: no Mẫu 09 where the agency files or the provider revokes by itself */
    d = find_document(c, "09", "thu-hoi");
    assert_non_null(d);
    assert_string_equal(d->when, "thue-bao-nop");
    assert_string_equal(find_document(c, "10", "thu-hoi")->when, "can-de-nghi");
}

static void test_in_list(void **state)
{
    (void)state;
    assert_int_equal(config_in_list("thu-hoi ban-giao-thiet-bi", "thu-hoi"), 1);
    assert_int_equal(config_in_list("thu-hoi ban-giao-thiet-bi", "ban-giao-thiet-bi"), 1);
    assert_int_equal(config_in_list("thu-hoi ban-giao-thiet-bi", "ban-giao"), 0);
    assert_int_equal(config_in_list("thu-hoi ban-giao-thiet-bi", "hoi"), 0);
    assert_int_equal(config_in_list("*", "bat-ky"), 1);
    assert_int_equal(config_in_list("", "cap-moi"), 0);
    assert_int_equal(config_in_list("  cap-moi  ", "cap-moi"), 1);
}

static void test_named_lists(void **state)
{
    const config *c = *state;
    size_t n = 99;
    const char *const *w = config_list(c, "di_dong_dau_so", &n);
    assert_int_equal(n, 5);
    static const char *const mobile[] = {"03", "05", "07", "08", "09"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(w[i], mobile[i]);
    w = config_list(c, "email_cong_vu_duoi", &n);
    assert_int_equal(n, 1);
    assert_string_equal(w[0], ".gov.vn");
    assert_int_equal(config_list_has(c, "email_cong_cong", "gmail.com"), 1);
    assert_int_equal(config_list_has(c, "email_cong_cong", "yahoo.com.vn"), 1);
    assert_int_equal(config_list_has(c, "email_cong_cong", "angiang.gov.vn"), 0);
    assert_int_equal(config_list_has(c, "thu_hoi.co-quan", "giai-the"), 1);
    assert_int_equal(config_list_has(c, "thu_hoi.co-quan", "nghi-huu"), 0);
    n = 99;
    assert_null(config_list(c, "khong_co_danh_sach", &n));
    assert_int_equal(n, 0);
    assert_int_equal(config_list_has(c, "khong_co_danh_sach", "x"), 0);
}

static void test_holidays(void **state)
{
    const config *c = *state;
    size_t n = 0;
    const date *h = config_holidays(c, &n);
    assert_true(n >= 11);
    /* sorted */
    for (size_t i = 1; i < n; i++)
        assert_true(date_cmp(h[i - 1], h[i]) < 0);
    int has_tet = 0, has_sep2 = 0;
    for (size_t i = 0; i < n; i++) {
        has_tet |= h[i].y == 2026 && h[i].m == 2 && h[i].d == 17;
        has_sep2 |= h[i].y == 2026 && h[i].m == 9 && h[i].d == 2;
    }
    assert_true(has_tet && has_sep2);
}

static void test_holidays_sorted_and_bad_day(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "<cau_hinh>%s<holidays><day date=\"2026-09-02\"/><day date=\"01/01/2026\"/>"
             "<day date=\"2026-04-30\"/></holidays></cau_hinh>",
             FONTS_XML);
    char *path = tu_temp_file(text);
    char err[256] = "";
    config *c = config_load(path, ".", err, sizeof err);
    unlink(path);
    free(path);
    assert_non_null(c);
    size_t n = 0;
    const date *h = config_holidays(c, &n);
    assert_int_equal(n, 3);
    assert_true(h[0].y == 2026 && h[0].m == 1 && h[0].d == 1);
    assert_true(h[1].m == 4 && h[1].d == 30);
    assert_true(h[2].m == 9 && h[2].d == 2);
    config_free(c);

    snprintf(text, sizeof text,
             "<cau_hinh>%s<holidays><day date=\"2026-02-30\"/></holidays></cau_hinh>", FONTS_XML);
    expect_load_error(text, "\"2026-02-30\" is not a date");
}

static void test_agency_register(void **state)
{
    const config *c = *state;
    const record *a = config_agency(c, "Sở Tài chính tỉnh An Giang");
    assert_non_null(a);
    assert_string_equal(record_get(a, "co_quan_quan_ly"), "Sở Tài chính tỉnh An Giang");
    assert_string_equal(record_get(a, "ky_hieu"), "STC-VP");
    assert_string_equal(record_get(a, "thu_truong"), "Trần Văn Bình");
    assert_string_equal(record_get(a, "chuc_vu_thu_truong"), "GIÁM ĐỐC");
    assert_string_equal(record_get(a, "dien_thoai_co_quan"), "0296 3852 411");
    /* the register's "ten" attribute is stored under the roster key only */
    assert_string_equal(record_get(a, "ten"), "");

    a = config_agency(c, "Sở Nội vụ tỉnh An Giang");
    assert_non_null(a);
    assert_string_equal(record_get(a, "ky_hieu"), "SNV-VP");
    assert_string_equal(record_get(a, "dia_chi_co_quan"), "");

    assert_null(config_agency(c, "Sở Tài chính"));
    assert_null(config_agency(c, "Phòng Kinh tế xã Mỹ Hòa"));
}

/* ---- a second file: the same request, other parameters, no rebuild ---- */

/* s with its single occurrence of `from` replaced by `to` (caller frees). */
static char *replace_once(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        fail_msg("config/ctsbatch.xml no longer holds %s", from);
    buf b;
    buf_init(&b, 0);
    buf_append(&b, s, (size_t)(at - s));
    buf_puts(&b, to);
    buf_puts(&b, at + strlen(from));
    return buf_detach(&b);
}

/* The second configuration is made from the shipped one at run time, with three edits, so it
 * can never go stale: 45 days instead of 30, 3 years instead of 5, another message. */
static char *write_config_45(void)
{
    static const char *const edits[][2] = {
        {"\"cap_moi_so_ngay\">30<", "\"cap_moi_so_ngay\">45<"},
        {"\"cap_moi_thoi_han_nam\">5<", "\"cap_moi_thoi_han_nam\">3<"},
        {"Yêu cầu chưa được thủ trưởng cơ quan quản lý trực tiếp xác nhận; hãy ghi «có» ở cột "
         "Xác nhận của thủ trưởng sau khi thủ trưởng đồng ý.",
         "Thủ trưởng chưa ký xác nhận; hãy xin xác nhận trước khi nộp."},
    };
    char *text = tu_slurp(CONFIG_PATH);
    for (size_t i = 0; i < 3; i++) {
        char *next = replace_once(text, edits[i][0], edits[i][1]);
        assert_true(strcmp(next, text) != 0); /* each edit must still apply */
        free(text);
        text = next;
    }
    char *path = xstrdup("/tmp/ctsbatch-config45-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    return path;
}

static config *load_config_45(char **path)
{
    *path = write_config_45();
    return load_or_fail(*path);
}

static void test_second_config_changes_derived_dates(void **state)
{
    const config *c30 = *state;
    char *path45 = NULL;
    config *c45 = load_config_45(&path45);
    assert_int_equal(config_param(c45, "cap_moi_so_ngay", -1), 45);

    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 2);
    fill_valid(rec);
    verdict v30, v45;
    rules_check_one(rs, rec, c30, as_of_day(), &v30);
    rules_check_one(rs, rec, c45, as_of_day(), &v45);
    assert_int_equal(v30.accepted, 1);
    assert_int_equal(v45.accepted, 1);
    /* 05/01/2026 + 30 days and + 45 days */
    assert_string_equal(record_get(&v30.derived, "ngay_du_kien_cap"), "2026-02-04");
    assert_string_equal(record_get(&v45.derived, "ngay_du_kien_cap"), "2026-02-19");
    assert_string_equal(record_get(&v30.derived, "thoi_han_nam"), "5");
    assert_string_equal(record_get(&v45.derived, "thoi_han_nam"), "3");
    verdict_release(&v30);
    verdict_release(&v45);
    roster_free(rs);
    config_free(c45);
    unlink(path45);
    free(path45);
}

static void test_second_config_changes_message(void **state)
{
    const config *c30 = *state;
    char *path45 = NULL;
    config *c45 = load_config_45(&path45);
    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 2);
    fill_valid(rec);
    record_set(rec, "xac_nhan_thu_truong", "không");
    verdict v30, v45;
    rules_check_one(rs, rec, c30, as_of_day(), &v30);
    rules_check_one(rs, rec, c45, as_of_day(), &v45);
    assert_int_equal(v30.nfindings, 1);
    assert_int_equal(v45.nfindings, 1);
    assert_string_equal(v30.findings[0].message,
                        "Yêu cầu chưa được thủ trưởng cơ quan quản lý trực tiếp xác nhận; hãy "
                        "ghi «có» ở cột Xác nhận của thủ trưởng sau khi thủ trưởng đồng ý.");
    assert_string_equal(v45.findings[0].message,
                        "Thủ trưởng chưa ký xác nhận; hãy xin xác nhận trước khi nộp.");
    verdict_release(&v30);
    verdict_release(&v45);
    roster_free(rs);
    config_free(c45);
    unlink(path45);
    free(path45);
}

/* ---- load errors ---- */

static void test_missing_file(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(config_load("tests/data/unit_khong_co_tep.xml", ".", err, sizeof err));
    assert_non_null(strstr(err, "tests/data/unit_khong_co_tep.xml"));
    assert_null(strchr(err, '\n'));
}

static void test_bad_files(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "<settings>%s</settings>", FONTS_XML);
    expect_load_error(text, "root element must be <cau_hinh>");
    snprintf(text, sizeof text, "<!DOCTYPE cau_hinh [<!ENTITY x \"y\">]><cau_hinh>%s</cau_hinh>",
             FONTS_XML);
    expect_load_error(text, "no DOCTYPE");
    expect_load_error("<cau_hinh><fonts><face style=\"regular\" file=\"r.ttf\"/></fonts>"
                      "</cau_hinh>",
                      "Element 'fonts': Missing child");
    expect_load_error("<cau_hinh><site></cau_hinh>", "cannot read configuration");
}

static void test_free_null(void **state)
{
    (void)state;
    config_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_site_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params_and_fallback, setup, teardown),
        cmocka_unit_test(test_param_not_a_number_is_refused),
        cmocka_unit_test_setup_teardown(test_fonts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_procedure_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yes_no_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_values_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rules_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_required_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_required_count_beyond_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documents_table, setup, teardown),
        cmocka_unit_test(test_in_list),
        cmocka_unit_test_setup_teardown(test_named_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_holidays, setup, teardown),
        cmocka_unit_test(test_holidays_sorted_and_bad_day),
        cmocka_unit_test_setup_teardown(test_agency_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_config_changes_derived_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_config_changes_message, setup, teardown),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
