/* test_rules: unit tests of pipeline/rules.c with the shipped config/ctsbatch.xml. Every rule
 * of RULES.md fires on a row built to break it, with its id, severity, field, Vietnamese
 * message from the config and legal basis, and stays silent on a valid row: the coded values,
 * dates, required fields, the managing agency and its confirmation, CCCD, official e-mail,
 * phone numbers, duplicates across files, and the rules of each procedure (cap-moi, gia-han,
 * thay-doi, thu-hoi, ban-giao-thiet-bi, khoi-phuc, that-lac-thiet-bi) with their derived
 * values; the accepted flag follows the error findings; rules_check keeps roster order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "date.h"
#include "read.h"
#include "roster.h"
#include "rules.h"
#include "testutil.h"

#define STC "Sở Tài chính tỉnh An Giang"

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

static date day(int y, int m, int d)
{
    date x = {y, m, d};
    return x;
}

#define AS_OF day(2026, 1, 10)

/* A request that breaks no rule: an individual's cap-moi at a registered agency. */
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
    record_set(rec, "co_quan_quan_ly", STC);
}

/* A valid organisation's cap-moi request (seed §2.2). */
static void fill_org(record *rec)
{
    record_set(rec, "thu_tuc", "Cấp mới");
    record_set(rec, "loai_thue_bao", "Cơ quan, tổ chức");
    record_set(rec, "ngay_de_nghi", "05/01/2026");
    record_set(rec, "ten_co_quan", "Trung tâm Dịch vụ công");
    record_set(rec, "dia_chi", "Số 1 Lê Lợi, phường Long Xuyên");
    record_set(rec, "tu_cach_phap_nhan", "có");
    record_set(rec, "quyet_dinh_thanh_lap", "Quyết định số 12/QĐ-UBND ngày 01/02/2020");
    record_set(rec, "ho_ten", "Phạm Văn Đồng");
    record_set(rec, "so_cccd", "089186000999");
    record_set(rec, "email", "ttdvc@angiang.gov.vn");
    record_set(rec, "dien_thoai", "(0296) 3852 411");
    record_set(rec, "xac_nhan_thu_truong", "có");
    record_set(rec, "co_quan_quan_ly", STC);
}

/* A roster of one row (line 2) checked alone. */
typedef struct one {
    roster *rs;
    verdict v;
} one;

/* Sets key to value in rec, or removes key when value is NULL. */
static void record_put(record *rec, const char *key, const char *value)
{
    record tmp = {.line = rec->line};
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].key, key) != 0)
            record_set(&tmp, rec->fields[i].key, rec->fields[i].value);
    if (value)
        record_set(&tmp, key, value);
    record_release(rec);
    *rec = tmp;
}

/* Checks a valid row (fill: fill_valid or fill_org) changed by pairs (key, value or NULL to
 * leave the key out; ends with a NULL key). */
static void check_pairs(one *o, const config *c, void (*fill)(record *), const char *const *pairs)
{
    o->rs = roster_new("unit.csv");
    record *rec = roster_add_record(o->rs, 2);
    fill(rec);
    for (const char *const *q = pairs; q && q[0]; q += 2)
        record_put(rec, q[0], q[1]);
    rules_check_one(o->rs, rec, c, AS_OF, &o->v);
}

/* A valid individual row whose `key` is then set to `value` (NULL: left out). */
static void check_with(one *o, const config *c, const char *key, const char *value)
{
    const char *pairs[] = {key, value, NULL};
    check_pairs(o, c, fill_valid, pairs);
}

static void one_release(one *o)
{
    verdict_release(&o->v);
    roster_free(o->rs);
}

static size_t count_rule(const verdict *v, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nfindings; i++)
        n += strcmp(v->findings[i].rule, id) == 0;
    return n;
}

static const finding *find_rule(const verdict *v, const char *id, const char *field)
{
    for (size_t i = 0; i < v->nfindings; i++)
        if (strcmp(v->findings[i].rule, id) == 0 && strcmp(v->findings[i].field, field) == 0)
            return &v->findings[i];
    return NULL;
}

static void dump_and_fail(const verdict *v, const char *why)
{
    for (size_t i = 0; i < v->nfindings; i++)
        print_message("  finding %zu: %s %s: %s\n", i, v->findings[i].rule, v->findings[i].field,
                      v->findings[i].message);
    fail_msg("%s", why);
}

/* Expects exactly one finding, of rule `id` on `field`, with this severity and message. */
static void expect_only(const verdict *v, const char *id, const char *field, severity sev,
                        const char *message)
{
    if (v->nfindings != 1)
        dump_and_fail(v, "expected exactly one finding");
    const finding *f = &v->findings[0];
    assert_string_equal(f->rule, id);
    assert_string_equal(f->field, field);
    assert_int_equal(f->sev, sev);
    if (message)
        assert_string_equal(f->message, message);
}

/* ---- a valid row ---- */

static void test_valid_row_accepted(void **state)
{
    one o;
    check_with(&o, *state, NULL, NULL);
    if (o.v.nfindings != 0)
        dump_and_fail(&o.v, "a valid row has findings");
    assert_int_equal(o.v.accepted, 1);
    assert_string_equal(o.v.thu_tuc, "cap-moi");
    assert_string_equal(o.v.loai_thue_bao, "ca-nhan");
    assert_string_equal(o.v.ten, "Nguyễn Thị Ánh Tuyết");
    assert_ptr_equal(o.v.file, o.rs->path); /* one request checked alone borrows them */
    assert_ptr_equal(o.v.rec, &o.rs->records[0]);
    one_release(&o);
}

static void test_cap_moi_derived(void **state)
{
    one o;
    check_with(&o, *state, NULL, NULL);
    /* seed §4: 05/01/2026 + 30 days; valid 5 years */
    assert_string_equal(record_get(&o.v.derived, "ngay_du_kien_cap"), "2026-02-04");
    assert_string_equal(record_get(&o.v.derived, "thoi_han_nam"), "5");
    one_release(&o);

    /* across a month end and into a leap February */
    check_with(&o, *state, "ngay_de_nghi", "2028-01-31");
    assert_string_equal(record_get(&o.v.derived, "ngay_du_kien_cap"), "2028-03-01");
    one_release(&o);
}

static void test_empty_request_date_is_as_of(void **state)
{
    one o;
    check_with(&o, *state, "ngay_de_nghi", NULL);
    assert_int_equal(o.v.nfindings, 0);
    /* as-of 10/01/2026 + 30 */
    assert_string_equal(record_get(&o.v.derived, "ngay_du_kien_cap"), "2026-02-09");
    one_release(&o);
}

static void test_no_cap_moi_derived_for_other_procedures(void **state)
{
    one o;
    check_with(&o, *state, "thu_tuc", "Khôi phục thiết bị");
    assert_string_equal(o.v.thu_tuc, "khoi-phuc");
    assert_int_equal(record_has(&o.v.derived, "ngay_du_kien_cap"), 0);
    assert_int_equal(record_has(&o.v.derived, "thoi_han_nam"), 0);
    one_release(&o);
}

/* ---- gia-tri-khong-hop-le ---- */

static void test_unknown_procedure(void **state)
{
    one o;
    check_with(&o, *state, "thu_tuc", "Cấp lại");
    expect_only(&o.v, "gia-tri-khong-hop-le", "thu_tuc", SEV_ERROR,
                "Giá trị «Cấp lại» của «Thủ tục» không nằm trong danh sách cho phép; hãy chọn "
                "một giá trị hợp lệ.");
    assert_string_equal(o.v.findings[0].basis, "Mục 2 Quy trình cấp chứng thư số");
    assert_int_equal(o.v.accepted, 0);
    assert_string_equal(o.v.thu_tuc, "");
    assert_int_equal(record_has(&o.v.derived, "ngay_du_kien_cap"), 0);
    one_release(&o);
}

static void test_unknown_subscriber_type(void **state)
{
    one o;
    check_with(&o, *state, "loai_thue_bao", "Hộ gia đình");
    expect_only(&o.v, "gia-tri-khong-hop-le", "loai_thue_bao", SEV_ERROR,
                "Giá trị «Hộ gia đình» của «Loại thuê bao» không nằm trong danh sách cho phép; "
                "hãy chọn một giá trị hợp lệ.");
    assert_int_equal(o.v.accepted, 0);
    assert_string_equal(o.v.loai_thue_bao, "");
    one_release(&o);
}

static void test_aliases_accepted_by_rules(void **state)
{
    one o;
    check_with(&o, *state, "thu_tuc", "CAP MOI");
    assert_int_equal(o.v.nfindings, 0);
    assert_string_equal(o.v.thu_tuc, "cap-moi");
    one_release(&o);
    check_with(&o, *state, "loai_thue_bao", "ca_nhan_tham_quyen");
    assert_int_equal(o.v.nfindings, 0);
    assert_string_equal(o.v.loai_thue_bao, "ca-nhan-tham-quyen");
    one_release(&o);
}

/* ---- ngay-khong-hop-le ---- */

static void test_impossible_request_date(void **state)
{
    one o;
    check_with(&o, *state, "ngay_de_nghi", "31/02/2026");
    expect_only(&o.v, "ngay-khong-hop-le", "ngay_de_nghi", SEV_ERROR,
                "Ngày «31/02/2026» ở «Ngày đề nghị» không đúng hoặc không có thật; hãy ghi theo "
                "dạng ngày/tháng/năm, ví dụ 05/01/2027.");
    assert_int_equal(o.v.accepted, 0);
    one_release(&o);

    check_with(&o, *state, "ngay_de_nghi", "mùng 5 tháng Giêng");
    expect_only(&o.v, "ngay-khong-hop-le", "ngay_de_nghi", SEV_ERROR, NULL);
    one_release(&o);
}

/* ---- co-quan-quan-ly ---- */

static void test_missing_agency(void **state)
{
    one o;
    check_with(&o, *state, "co_quan_quan_ly", NULL);
    /* its own rule, not thieu-truong, and no agency details to complain about */
    expect_only(&o.v, "co-quan-quan-ly", "co_quan_quan_ly", SEV_ERROR,
                "Chưa ghi cơ quan, tổ chức quản lý trực tiếp; hãy điền tên cơ quan sẽ gửi công "
                "văn đề nghị.");
    assert_int_equal(o.v.accepted, 0);
    one_release(&o);

    check_with(&o, *state, "co_quan_quan_ly", "   ");
    expect_only(&o.v, "co-quan-quan-ly", "co_quan_quan_ly", SEV_ERROR, NULL);
    one_release(&o);
}

/* ---- thieu-truong ---- */

static void test_missing_cccd(void **state)
{
    one o;
    check_with(&o, *state, "so_cccd", NULL);
    expect_only(&o.v, "thieu-truong", "so_cccd", SEV_ERROR,
                "Thiếu «Số CCCD»: hãy điền thông tin này.");
    assert_string_equal(o.v.findings[0].basis, "Mục 2 Quy trình cấp chứng thư số (hồ sơ đề nghị)");
    assert_int_equal(o.v.accepted, 0);
    one_release(&o);
}

static void test_each_individual_field_required(void **state)
{
    static const char *const keys[] = {"ho_ten", "so_cccd", "email", "dien_thoai"};
    for (size_t i = 0; i < 4; i++) {
        one o;
        check_with(&o, *state, keys[i], "");
        if (count_rule(&o.v, "thieu-truong") != 1 || !find_rule(&o.v, "thieu-truong", keys[i]))
            dump_and_fail(&o.v, keys[i]);
        assert_int_equal(o.v.accepted, 0);
        one_release(&o);
    }
}

static void test_organisation_required_fields(void **state)
{
    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 7);
    record_set(rec, "thu_tuc", "cap-moi");
    record_set(rec, "loai_thue_bao", "Cơ quan, tổ chức");
    record_set(rec, "ten_co_quan", "Trung tâm Dịch vụ công");
    record_set(rec, "email", "ttdvc@angiang.gov.vn");
    record_set(rec, "dien_thoai", "02963852411");
    record_set(rec, "xac_nhan_thu_truong", "x");
    record_set(rec, "co_quan_quan_ly", STC);
    verdict v;
    rules_check_one(rs, rec, *state, AS_OF, &v);
    static const char *const missing[] = {"dia_chi", "tu_cach_phap_nhan", "ho_ten", "so_cccd"};
    if (count_rule(&v, "thieu-truong") != 4)
        dump_and_fail(&v, "expected 4 thieu-truong");
    size_t k = 0;
    for (size_t i = 0; i < v.nfindings; i++)
        if (strcmp(v.findings[i].rule, "thieu-truong") == 0)
            assert_string_equal(v.findings[i].field, missing[k++]);
    assert_non_null(find_rule(&v, "thieu-truong", "dia_chi"));
    assert_string_equal(find_rule(&v, "thieu-truong", "dia_chi")->message,
                        "Thiếu «Địa chỉ»: hãy điền thông tin này.");
    assert_string_equal(v.loai_thue_bao, "co-quan");
    assert_string_equal(v.ten, "Trung tâm Dịch vụ công");
    assert_int_equal(v.accepted, 0);
    verdict_release(&v);
    roster_free(rs);
}

static void test_renewal_required_fields(void **state)
{
    one o;
    check_with(&o, *state, "thu_tuc", "Gia hạn");
    assert_int_equal(count_rule(&o.v, "thieu-truong"), 3);
    assert_non_null(find_rule(&o.v, "thieu-truong", "so_hieu_cts"));
    assert_non_null(find_rule(&o.v, "thieu-truong", "ngay_het_han"));
    assert_non_null(find_rule(&o.v, "thieu-truong", "so_lan_gia_han"));
    assert_int_equal(o.v.accepted, 0);
    one_release(&o);
}

static void test_empty_row(void **state)
{
    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 3);
    verdict v;
    rules_check_one(rs, rec, *state, AS_OF, &v);
    assert_int_equal(count_rule(&v, "co-quan-quan-ly"), 1);
    assert_int_equal(count_rule(&v, "xac-nhan-thu-truong"), 1);
    assert_non_null(find_rule(&v, "thieu-truong", "thu_tuc"));
    assert_non_null(find_rule(&v, "thieu-truong", "loai_thue_bao"));
    /* co_quan_quan_ly has its own rule; an empty value is not an unknown value */
    assert_null(find_rule(&v, "thieu-truong", "co_quan_quan_ly"));
    assert_int_equal(count_rule(&v, "gia-tri-khong-hop-le"), 0);
    assert_int_equal(count_rule(&v, "thong-tin-co-quan"), 0);
    assert_int_equal(v.accepted, 0);
    assert_string_equal(v.ten, "");
    verdict_release(&v);
    roster_free(rs);
}

/* ---- xac-nhan-thu-truong ---- */

static void test_head_not_confirmed(void **state)
{
    static const char *const bad[] = {NULL, "", "không", "0", "chưa"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        one o;
        check_with(&o, *state, "xac_nhan_thu_truong", bad[i]);
        expect_only(&o.v, "xac-nhan-thu-truong", "xac_nhan_thu_truong", SEV_ERROR,
                    "Yêu cầu chưa được thủ trưởng cơ quan quản lý trực tiếp xác nhận; hãy ghi "
                    "«có» ở cột Xác nhận của thủ trưởng sau khi thủ trưởng đồng ý.");
        assert_string_equal(o.v.findings[0].basis,
                            "Mục 2.1–2.5 Quy trình; Điều 60, 63, 65 Nghị định 130/2018/NĐ-CP");
        assert_int_equal(o.v.accepted, 0);
        one_release(&o);
    }
    static const char *const good[] = {"x", "1", "Có", "yes"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        one o;
        check_with(&o, *state, "xac_nhan_thu_truong", good[i]);
        assert_int_equal(o.v.nfindings, 0);
        assert_int_equal(o.v.accepted, 1);
        one_release(&o);
    }
}

/* ---- thong-tin-co-quan and the agency details ---- */

static void test_unregistered_agency_warns(void **state)
{
    one o;
    check_with(&o, *state, "co_quan_quan_ly", "Phòng Kinh tế xã Mỹ Hòa");
    static const char *const needed[] = {"co_quan_chu_quan", "ky_hieu", "thu_truong",
                                         "chuc_vu_thu_truong"};
    if (o.v.nfindings != 4)
        dump_and_fail(&o.v, "expected 4 warnings");
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(o.v.findings[i].rule, "thong-tin-co-quan");
        assert_string_equal(o.v.findings[i].field, needed[i]);
        assert_int_equal(o.v.findings[i].sev, SEV_WARNING);
    }
    assert_string_equal(o.v.findings[1].message,
                        "Thiếu «Ký hiệu văn bản» của Phòng Kinh tế xã Mỹ Hòa để ghi trên công "
                        "văn; chỗ này sẽ để dòng chấm. Hãy bổ sung vào danh sách hoặc sổ đăng ký "
                        "cơ quan.");
    /* warnings do not reject */
    assert_int_equal(o.v.accepted, 1);
    assert_string_equal(record_get(o.v.agency, "co_quan_quan_ly"), "Phòng Kinh tế xã Mỹ Hòa");
    one_release(&o);
}

static void test_agency_completed_from_register(void **state)
{
    one o;
    check_with(&o, *state, NULL, NULL);
    const record *a = o.v.agency;
    assert_string_equal(record_get(a, "co_quan_quan_ly"), STC);
    assert_string_equal(record_get(a, "co_quan_chu_quan"), "UBND TỈNH AN GIANG");
    assert_string_equal(record_get(a, "ky_hieu"), "STC-VP");
    assert_string_equal(record_get(a, "thu_truong"), "Trần Văn Bình");
    assert_string_equal(record_get(a, "chuc_vu_thu_truong"), "GIÁM ĐỐC");
    assert_string_equal(record_get(a, "email_co_quan"), "stc@angiang.gov.vn");
    one_release(&o);
}

static void test_row_agency_details_win(void **state)
{
    one o;
    check_with(&o, *state, "ky_hieu", "STC-KHĐT");
    assert_int_equal(o.v.nfindings, 0);
    assert_string_equal(record_get(o.v.agency, "ky_hieu"), "STC-KHĐT");
    assert_string_equal(record_get(o.v.agency, "thu_truong"), "Trần Văn Bình");
    one_release(&o);

    /* an unregistered agency whose row gives every needed detail: no warning */
    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 2);
    fill_valid(rec);
    record_set(rec, "co_quan_quan_ly", "Phòng Kinh tế xã Mỹ Hòa");
    record_set(rec, "co_quan_chu_quan", "UBND XÃ MỸ HÒA");
    record_set(rec, "ky_hieu", "PKT");
    record_set(rec, "thu_truong", "Võ Văn Kiệt");
    record_set(rec, "chuc_vu_thu_truong", "TRƯỞNG PHÒNG");
    verdict v;
    rules_check_one(rs, rec, *state, AS_OF, &v);
    assert_int_equal(v.nfindings, 0);
    assert_string_equal(record_get(v.agency, "thu_truong"), "Võ Văn Kiệt");
    verdict_release(&v);
    roster_free(rs);
}

static void test_register_without_optional_detail(void **state)
{
    /* Sở Nội vụ has no address in the register: the address is not needed on the letter */
    one o;
    check_with(&o, *state, "co_quan_quan_ly", "Sở Nội vụ tỉnh An Giang");
    assert_int_equal(o.v.nfindings, 0);
    assert_string_equal(record_get(o.v.agency, "dia_chi_co_quan"), "");
    assert_string_equal(record_get(o.v.agency, "ky_hieu"), "SNV-VP");
    one_release(&o);
}

/* ---- cccd, email-cong-vu, dien-thoai ---- */

static void test_cccd_twelve_digits(void **state)
{
    static const char *const bad[] = {"08918600012", "0891860001234", "08918600012a",
                                      "089 186 000 123"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        one o;
        check_with(&o, *state, "so_cccd", bad[i]);
        char want[160];
        snprintf(want, sizeof want, "Số CCCD «%s» phải gồm đúng 12 chữ số (số định danh cá nhân).",
                 bad[i]);
        expect_only(&o.v, "cccd", "so_cccd", SEV_ERROR, want);
        assert_string_equal(o.v.findings[0].basis, "Luật Căn cước 2023");
        assert_int_equal(o.v.accepted, 0);
        one_release(&o);
    }
}

static void test_email_official_only(void **state)
{
    static const char *const cases[][2] = {
        {"tuyet@gmail.com", "«tuyet@gmail.com» là hộp thư công cộng (gmail.com), không phải thư "
                            "điện tử công vụ. Hãy dùng thư điện tử công vụ (đuôi .gov.vn)."},
        {"tuyet@yahoo.com.vn", NULL},
        {"tuyet@angiang.com.vn", "«tuyet@angiang.com.vn» không thuộc tên miền công vụ. Hãy dùng "
                                 "thư điện tử công vụ (đuôi .gov.vn)."},
        {"tuyet.angiang.gov.vn", "Địa chỉ thư điện tử «tuyet.angiang.gov.vn» không đúng định "
                                 "dạng. Hãy dùng thư điện tử công vụ (đuôi .gov.vn)."},
        {"tuyết@angiang.gov.vn", NULL},
        {"tuyet@@angiang.gov.vn", NULL},
        {"tuyet@angiang..gov.vn", NULL},
        {"tuyet@xgov.vn", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        one o;
        check_with(&o, *state, "email", cases[i][0]);
        if (o.v.nfindings != 1)
            dump_and_fail(&o.v, cases[i][0]);
        expect_only(&o.v, "email-cong-vu", "email", SEV_ERROR, cases[i][1]);
        assert_int_equal(o.v.accepted, 0);
        one_release(&o);
    }
    static const char *const good[] = {"TUYET@AnGiang.Gov.Vn", "tuyet.nta@stc.angiang.gov.vn",
                                       "a_b-c+d@snv.angiang.gov.vn"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        one o;
        check_with(&o, *state, "email", good[i]);
        if (o.v.nfindings != 0)
            dump_and_fail(&o.v, good[i]);
        one_release(&o);
    }
}

static void test_phone_numbers(void **state)
{
    static const char *const good[] = {"0912345678",      "0912 345 678",  "091.234.5678",
                                       "+84 912 345 678", "84912345678",   "02963852411",
                                       "(0296) 3852 411", "0296-3852-411", "0387654321"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        one o;
        check_with(&o, *state, "dien_thoai", good[i]);
        if (o.v.nfindings != 0)
            dump_and_fail(&o.v, good[i]);
        one_release(&o);
    }
    static const char *const bad[] = {
        "0112345678",  "091234567", "09123456789", "0296385241", "02963852411 máy lẻ 12",
        "0912+345678", "1900 1234"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        one o;
        check_with(&o, *state, "dien_thoai", bad[i]);
        char want[400];
        snprintf(want, sizeof want,
                 "Số điện thoại «%s» không đúng: số di động gồm 10 chữ số bắt đầu bằng 03, 05, "
                 "07, 08, 09; số cố định gồm 11 chữ số bắt đầu bằng 02 (mã vùng và 7 chữ số).",
                 bad[i]);
        if (o.v.nfindings != 1)
            dump_and_fail(&o.v, bad[i]);
        expect_only(&o.v, "dien-thoai", "dien_thoai", SEV_ERROR, want);
        one_release(&o);
    }
}

/* RULES.md dien-thoai: parentheses are removed first, then a leading +84 becomes 0. */
static void test_phone_plus84_in_parentheses(void **state)
{
    one o;
    check_with(&o, *state, "dien_thoai", "(+84) 912 345 678");
    size_t n = o.v.nfindings;
    one_release(&o);
    if (n != 0)
        fail_msg("\"(+84) 912 345 678\" is 0912345678 once the parentheses are removed, "
                 "but got %zu finding(s)",
                 n);
}

/* ---- trung-lap ---- */

static void test_duplicate_across_files(void **state)
{
    roster *a = roster_new("a.csv"), *b = roster_new("b.csv");
    fill_valid(roster_add_record(a, 2));
    record *r = roster_add_record(b, 7);
    fill_valid(r);
    record_set(r, "ho_ten", "Nguyễn Thị Ánh Tuyết (bản sao)");
    /* the same person for another procedure is no duplicate */
    r = roster_add_record(b, 8);
    fill_valid(r);
    record_set(r, "thu_tuc", "khoi-phuc");
    record_set(r, "so_hieu_cts", "54010101AB");
    record_set(r, "so_serial_thiet_bi", "TK-001");
    roster *const all[] = {a, b};
    batch *bt = rules_check(all, 2, *state, AS_OF);
    assert_int_equal(bt->n, 3);
    assert_int_equal(bt->v[0].accepted, 1);
    assert_int_equal(count_rule(&bt->v[0], "trung-lap"), 0);
    expect_only(&bt->v[1], "trung-lap", "so_cccd", SEV_ERROR,
                "Yêu cầu «Cấp mới» của Nguyễn Thị Ánh Tuyết (bản sao) đã có ở dòng 2 của tệp "
                "a.csv; dòng này trùng và không được gửi lần nữa.");
    assert_int_equal(bt->v[1].accepted, 0);
    assert_int_equal(bt->v[1].derived.nfields, 0);
    assert_int_equal(count_rule(&bt->v[2], "trung-lap"), 0);
    assert_int_equal(bt->v[2].accepted, 1);
    batch_free(bt);
    roster_free(a);
    roster_free(b);
}

/* The serial's grouping spaces are no part of a request's identity (review of issue 10: a
 * renewal issued twice, "5401 0101 ..." then "54010101..."); the key older versions wrote
 * is still given, so that what they issued is found. */
static void test_request_key_ignores_serial_spaces(void **state)
{
    roster *a = roster_new("a.csv");
    record *r = roster_add_record(a, 2);
    fill_valid(r);
    record_set(r, "thu_tuc", "khoi-phuc");
    record_set(r, "so_hieu_cts", "5401 0101 ab");
    record_set(r, "so_serial_thiet_bi", "TK-001");
    r = roster_add_record(a, 3);
    fill_valid(r);
    record_set(r, "thu_tuc", "khoi-phuc");
    record_set(r, "so_hieu_cts", "54010101AB");
    record_set(r, "so_serial_thiet_bi", "TK-001");
    roster *const all[] = {a};
    batch *bt = rules_check(all, 1, *state, AS_OF);
    char *k0 = rules_request_key(&bt->v[0]), *k1 = rules_request_key(&bt->v[1]);
    assert_non_null(k0);
    assert_string_equal(k0, k1);
    assert_non_null(strstr(k0, "|54010101AB"));
    char *old = rules_request_key_legacy(&bt->v[0]);
    assert_non_null(old);
    assert_non_null(strstr(old, "|5401 0101 AB"));
    assert_null(rules_request_key_legacy(&bt->v[1])); /* no spaces: one key */
    free(old);
    free(k0);
    free(k1);
    batch_free(bt);
    roster_free(a);
}

static void test_duplicate_after_rejected_row_passes(void **state)
{
    /* the clerk's corrected copy of a rejected row, further down, goes through */
    roster *a = roster_new("a.csv");
    record *r = roster_add_record(a, 2);
    fill_valid(r);
    record_set(r, "xac_nhan_thu_truong", "");
    fill_valid(roster_add_record(a, 3));
    /* an organisation is matched on its folded name */
    fill_org(roster_add_record(a, 4));
    r = roster_add_record(a, 5);
    fill_org(r);
    record_set(r, "ten_co_quan", "TRUNG TÂM  DỊCH VỤ CÔNG");
    roster *const all[] = {a};
    batch *bt = rules_check(all, 1, *state, AS_OF);
    assert_int_equal(bt->v[0].accepted, 0);
    assert_int_equal(bt->v[1].accepted, 1);
    assert_int_equal(bt->v[2].accepted, 1);
    assert_int_equal(bt->v[3].accepted, 0);
    expect_only(&bt->v[3], "trung-lap", "ten_co_quan", SEV_ERROR, NULL);
    batch_free(bt);
    roster_free(a);
}

/* ---- cap-moi ---- */

static void test_new_individual_needs_title_and_unit(void **state)
{
    one o;
    check_with(&o, *state, "chuc_vu", NULL);
    /* RULES.md: checked by cap-moi-doi-tuong instead of thieu-truong */
    expect_only(&o.v, "cap-moi-doi-tuong", "chuc_vu", SEV_ERROR,
                "Cấp mới cho cá nhân cần ghi «Chức vụ»: chỉ cán bộ, công chức, viên chức có "
                "chức vụ tại cơ quan công tác mới được cấp.");
    assert_string_equal(o.v.findings[0].basis,
                        "Mục 2.1 Quy trình; Điều 60 Nghị định 130/2018/NĐ-CP");
    one_release(&o);
    check_with(&o, *state, "co_quan_cong_tac", "");
    expect_only(&o.v, "cap-moi-doi-tuong", "co_quan_cong_tac", SEV_ERROR, NULL);
    one_release(&o);
}

static void test_new_organisation(void **state)
{
    one o;
    check_pairs(&o, *state, fill_org, NULL);
    if (o.v.nfindings)
        dump_and_fail(&o.v, "a valid organisation has findings");
    assert_int_equal(o.v.accepted, 1);
    assert_string_equal(o.v.ten, "Trung tâm Dịch vụ công");
    assert_string_equal(o.v.loai_thue_bao, "co-quan");
    one_release(&o);

    const char *no_legal[] = {"tu_cach_phap_nhan", "không", NULL};
    check_pairs(&o, *state, fill_org, no_legal);
    expect_only(&o.v, "cap-moi-phap-nhan", "tu_cach_phap_nhan", SEV_ERROR,
                "Cơ quan, tổ chức đề nghị cấp mới phải có tư cách pháp nhân; hãy ghi «có» ở cột "
                "Tư cách pháp nhân nếu đúng như vậy.");
    one_release(&o);

    const char *odd[] = {"tu_cach_phap_nhan", "có lẽ", NULL};
    check_pairs(&o, *state, fill_org, odd);
    assert_non_null(find_rule(&o.v, "gia-tri-khong-hop-le", "tu_cach_phap_nhan"));
    assert_int_equal(o.v.accepted, 0);
    one_release(&o);

    const char *no_decision[] = {"quyet_dinh_thanh_lap", NULL, NULL};
    check_pairs(&o, *state, fill_org, no_decision);
    expect_only(&o.v, "cap-moi-thanh-lap", "quyet_dinh_thanh_lap", SEV_ERROR,
                "Cơ quan, tổ chức cần có quyết định thành lập (ghi số, ngày) hoặc xác nhận của "
                "thủ trưởng cơ quan cấp trên trực tiếp.");
    one_release(&o);

    const char *superior[] = {"quyet_dinh_thanh_lap", NULL, "xac_nhan_cap_tren", "x", NULL};
    check_pairs(&o, *state, fill_org, superior);
    assert_int_equal(o.v.nfindings, 0);
    one_release(&o);
}

/* ---- gia-han, thay-doi ---- */

/* A renewal of a certificate expiring on `expiry`, renewed `times` before. */
static void check_renewal(one *o, const config *c, const char *expiry, const char *times)
{
    const char *pairs[] = {"thu_tuc", "Gia hạn",        "so_hieu_cts", "54010101AB", "ngay_het_han",
                           expiry,    "so_lan_gia_han", times,         "chuc_vu",    NULL,
                           NULL};
    check_pairs(o, c, fill_valid, pairs);
}

static void test_renewal_valid_and_derived(void **state)
{
    one o;
    check_renewal(&o, *state, "14/03/2027", "0");
    if (o.v.nfindings)
        dump_and_fail(&o.v, "a valid renewal has findings");
    assert_int_equal(o.v.accepted, 1);
    /* seed §4: + 3 years */
    assert_string_equal(record_get(&o.v.derived, "ngay_het_han_moi"), "2030-03-14");
    assert_int_equal(record_has(&o.v.derived, "ngay_du_kien_cap"), 0);
    one_release(&o);
    /* 29 February becomes 28 February */
    check_renewal(&o, *state, "29/02/2028", "0");
    assert_string_equal(record_get(&o.v.derived, "ngay_het_han_moi"), "2031-02-28");
    one_release(&o);
}

static void test_renewal_once_only(void **state)
{
    one o;
    check_renewal(&o, *state, "14/03/2027", "1");
    expect_only(&o.v, "gia-han-mot-lan", "so_lan_gia_han", SEV_ERROR, NULL);
    assert_non_null(strstr(o.v.findings[0].message, "Chứng thư số đã được gia hạn 1 lần;"));
    assert_non_null(strstr(o.v.findings[0].message, "Hãy đề nghị cấp mới."));
    assert_string_equal(o.v.findings[0].basis,
                        "Điều 63 Nghị định 130/2018/NĐ-CP; Mục 2.3.1, 4 Quy trình");
    assert_int_equal(o.v.derived.nfields, 0); /* rejected: no derived values */
    one_release(&o);
    check_renewal(&o, *state, "14/03/2027", "hai");
    expect_only(&o.v, "gia-tri-khong-hop-le", "so_lan_gia_han", SEV_ERROR, NULL);
    one_release(&o);
}

static void test_sixty_days_left(void **state)
{
    /* request 05/01/2026: 06/03/2026 is 60 days on, 05/03/2026 only 59 */
    one o;
    check_renewal(&o, *state, "06/03/2026", "0");
    assert_int_equal(o.v.nfindings, 0);
    one_release(&o);
    check_renewal(&o, *state, "05/03/2026", "0");
    expect_only(&o.v, "con-han-60-ngay", "ngay_het_han", SEV_ERROR,
                "Chứng thư số chỉ còn 59 ngày sử dụng; cần còn ít nhất 60 ngày.");
    assert_string_equal(o.v.findings[0].basis, "Điều 63 Nghị định 130/2018/NĐ-CP");
    one_release(&o);
    check_renewal(&o, *state, "01/01/2026", "0");
    expect_only(&o.v, "con-han-60-ngay", "ngay_het_han", SEV_ERROR,
                "Chứng thư số đã hết hạn ngày 01/01/2026; không thể gia hạn, hãy đề nghị cấp "
                "mới.");
    one_release(&o);
}

static void check_change(one *o, const config *c, const char *what, const char *value)
{
    const char *pairs[] = {
        "thu_tuc",    "Thay đổi nội dung thông tin", "so_hieu_cts", "54010101AB",  "ngay_het_han",
        "14/03/2027", "noi_dung_thay_doi",           what,          "gia_tri_moi", value,
        NULL};
    check_pairs(o, c, fill_valid, pairs);
}

static void test_change_of_details(void **state)
{
    one o;
    check_change(&o, *state, "doi-email", "tuyet.moi@angiang.gov.vn");
    if (o.v.nfindings)
        dump_and_fail(&o.v, "a valid change has findings");
    assert_string_equal(o.v.thu_tuc, "thay-doi");
    /* seed §2.3.2: the validity is kept */
    assert_string_equal(record_get(&o.v.derived, "ngay_het_han_moi"), "2027-03-14");
    one_release(&o);

    check_change(&o, *state, "doi-ten", "Phòng Ngân sách mới");
    expect_only(&o.v, "thay-doi-noi-dung", "noi_dung_thay_doi", SEV_ERROR,
                "Nội dung thay đổi «Đổi tên cơ quan, tổ chức» không áp dụng cho thuê bao «Cá "
                "nhân»; được thay đổi: Thay đổi cơ quan công tác; Thay đổi thư điện tử.");
    one_release(&o);

    check_change(&o, *state, "doi-email", "tuyet@gmail.com");
    expect_only(&o.v, "email-cong-vu", "gia_tri_moi", SEV_ERROR, NULL);
    one_release(&o);

    check_change(&o, *state, "doi-mat-khau", "x");
    expect_only(&o.v, "gia-tri-khong-hop-le", "noi_dung_thay_doi", SEV_ERROR, NULL);
    one_release(&o);

    const char *late[] = {
        "thu_tuc",    "thay-doi",          "so_hieu_cts", "54010101AB",  "ngay_het_han",
        "20/01/2026", "noi_dung_thay_doi", "doi-co-quan", "gia_tri_moi", "Sở Nội vụ",
        NULL};
    check_pairs(&o, *state, fill_valid, late);
    expect_only(&o.v, "con-han-60-ngay", "ngay_het_han", SEV_ERROR,
                "Chứng thư số chỉ còn 15 ngày sử dụng; cần còn ít nhất 60 ngày.");
    assert_string_equal(o.v.findings[0].basis, "Điều 65, 66 Nghị định 130/2018/NĐ-CP");
    one_release(&o);
}

/* ---- thu-hoi, ban-giao-thiet-bi, khoi-phuc, that-lac-thiet-bi ---- */

static void check_revoke(one *o, const config *c, void (*fill)(record *), const char *why,
                         const char *expiry)
{
    const char *pairs[] = {
        "thu_tuc", "Thu hồi",      "so_hieu_cts", "54010101AB",   "ly_do_thu_hoi",
        why,       "ngay_het_han", expiry,        "ngay_thu_hoi", "12/02/2026",
        NULL};
    check_pairs(o, c, fill, pairs);
}

static void test_revocation(void **state)
{
    one o;
    check_revoke(&o, *state, fill_valid, "doi-vi-tri", "14/03/2027");
    if (o.v.nfindings)
        dump_and_fail(&o.v, "a valid revocation has findings");
    assert_int_equal(o.v.agency_files, 0);
    assert_int_equal(o.v.auto_revoked, 0);
    /* seed §2.4.2: Thu 12/02/2026 + 5 working days, Tết 16-20/02 skipped */
    assert_string_equal(record_get(&o.v.derived, "han_ban_giao_thiet_bi"), "2026-02-26");
    one_release(&o);

    /* NĐ 130 Điều 69: the agency files for a retirement */
    check_revoke(&o, *state, fill_valid, "Nghỉ hưu", "14/03/2027");
    assert_int_equal(o.v.nfindings, 0);
    assert_int_equal(o.v.agency_files, 1);
    one_release(&o);

    /* an organisation cannot retire */
    check_revoke(&o, *state, fill_org, "nghi-huu", "14/03/2027");
    expect_only(&o.v, "thu-hoi-ly-do", "ly_do_thu_hoi", SEV_ERROR,
                "Lý do thu hồi «Nghỉ hưu» không áp dụng cho thuê bao «Cơ quan, tổ chức»; lý do "
                "được chấp nhận: Chứng thư số hết hạn; Cơ quan, tổ chức giải thể.");
    one_release(&o);
}

static void test_revocation_by_expiry(void **state)
{
    one o;
    check_revoke(&o, *state, fill_valid, "het-han", "14/03/2027");
    expect_only(&o.v, "thu-hoi-tu-dong", "ly_do_thu_hoi", SEV_INFO,
                "Chứng thư số hết hạn được tổ chức cung cấp dịch vụ tự động thu hồi, không cần "
                "văn bản đề nghị thu hồi; chỉ cần bàn giao thiết bị lưu khóa bí mật (Mẫu 14).");
    assert_int_equal(o.v.accepted, 1); /* info does not reject */
    assert_int_equal(o.v.auto_revoked, 1);
    one_release(&o);
    /* already expired on the request date, whatever the reason */
    check_revoke(&o, *state, fill_valid, "doi-vi-tri", "01/01/2026");
    expect_only(&o.v, "thu-hoi-tu-dong", "ngay_het_han", SEV_INFO,
                NULL); /* the date triggered it */
    assert_int_equal(o.v.auto_revoked, 1);
    one_release(&o);
}

static void check_handover(one *o, const config *c, const char *revoked)
{
    const char *pairs[] = {"thu_tuc", "Bàn giao thiết bị", "so_serial_thiet_bi",
                           "TK-001",  "ngay_thu_hoi",      revoked,
                           NULL};
    check_pairs(o, c, fill_valid, pairs);
}

static void test_handover_overdue(void **state)
{
    /* as-of 10/01/2026; Fri 02/01 + 5 working days = Fri 09/01: overdue */
    one o;
    check_handover(&o, *state, "02/01/2026");
    expect_only(&o.v, "ban-giao-qua-han", "ngay_thu_hoi", SEV_WARNING, NULL);
    assert_non_null(strstr(o.v.findings[0].message,
                           "Đã quá hạn bàn giao thiết bị lưu khóa bí mật (hạn 09/01/2026, "));
    assert_non_null(strstr(o.v.findings[0].message, "kể từ ngày thu hồi 02/01/2026); hãy bàn "
                                                    "giao ngay."));
    assert_int_equal(o.v.accepted, 1);
    assert_string_equal(record_get(&o.v.derived, "han_ban_giao_thiet_bi"), "2026-01-09");
    one_release(&o);
    /* Mon 05/01 + 5 = Mon 12/01: not yet due */
    check_handover(&o, *state, "05/01/2026");
    assert_int_equal(o.v.nfindings, 0);
    assert_string_equal(record_get(&o.v.derived, "han_ban_giao_thiet_bi"), "2026-01-12");
    one_release(&o);
}

static void test_recovery_and_lost_token(void **state)
{
    const char *rec[] = {"thu_tuc", "khoi_phuc", "so_hieu_cts", "54010101AB", "so_serial_thiet_bi",
                         "TK-001",  NULL};
    one o;
    check_pairs(&o, *state, fill_valid, rec);
    assert_int_equal(o.v.nfindings, 0);
    /* seed §2.5.1: within 24 hours of the request */
    assert_string_equal(record_get(&o.v.derived, "han_khoi_phuc"), "2026-01-06T00:00:00");
    one_release(&o);

    const char *rec_missing[] = {"thu_tuc", "khoi-phuc", "so_hieu_cts", "54010101AB", NULL};
    check_pairs(&o, *state, fill_valid, rec_missing);
    expect_only(&o.v, "thieu-truong", "so_serial_thiet_bi", SEV_ERROR,
                "Thiếu «Số serial thiết bị»: hãy điền thông tin này.");
    one_release(&o);

    const char *lost[] = {"thu_tuc",   "Thất lạc thiết bị",   "so_serial_thiet_bi",
                          "TK-001",    "ngay_that_lac",       "32/12/2025",
                          "hoan_canh", "Rơi khi đi công tác", NULL};
    check_pairs(&o, *state, fill_valid, lost);
    expect_only(&o.v, "ngay-khong-hop-le", "ngay_that_lac", SEV_ERROR,
                "Ngày «32/12/2025» ở «Ngày thất lạc» không đúng hoặc không có thật; hãy ghi "
                "theo dạng ngày/tháng/năm, ví dụ 05/01/2027.");
    one_release(&o);
}

static void test_other_dates_checked(void **state)
{
    one o;
    check_with(&o, *state, "ngay_sinh", "30/02/1990");
    expect_only(&o.v, "ngay-khong-hop-le", "ngay_sinh", SEV_ERROR, NULL);
    one_release(&o);
    check_with(&o, *state, "ngay_cap_cccd", "2021-13-01");
    expect_only(&o.v, "ngay-khong-hop-le", "ngay_cap_cccd", SEV_ERROR, NULL);
    one_release(&o);
}

/* ---- several findings, the batch ---- */

static void test_errors_accumulate(void **state)
{
    roster *rs = roster_new("unit.csv");
    record *rec = roster_add_record(rs, 4);
    fill_valid(rec);
    record_set(rec, "ngay_de_nghi", "30/02/2026");
    record_set(rec, "email", "");
    record_set(rec, "xac_nhan_thu_truong", "không");
    verdict v;
    rules_check_one(rs, rec, *state, AS_OF, &v);
    assert_int_equal(count_rule(&v, "ngay-khong-hop-le"), 1);
    assert_int_equal(count_rule(&v, "thieu-truong"), 1);
    assert_non_null(find_rule(&v, "thieu-truong", "email"));
    assert_int_equal(count_rule(&v, "xac-nhan-thu-truong"), 1);
    assert_int_equal(v.accepted, 0);
    verdict_release(&v);
    roster_free(rs);
}

static void test_batch_keeps_order(void **state)
{
    roster *a = roster_new("a.csv"), *b = roster_new("b.csv");
    record *r = roster_add_record(a, 2);
    fill_valid(r);
    r = roster_add_record(a, 3);
    fill_valid(r);
    record_set(r, "ho_ten", "Lê Văn Tám");
    record_set(r, "so_cccd", "");
    r = roster_add_record(b, 5);
    fill_valid(r);
    record_set(r, "ho_ten", "Trần Thị Hoa");
    roster_fail(b, 9, "Tệp hỏng"); /* a failed file drops its rows */
    roster *c = roster_new("c.csv");
    r = roster_add_record(c, 2);
    fill_valid(r);
    record_set(r, "ho_ten", "Phạm Văn Đồng");
    record_set(r, "so_cccd", "089186000777"); /* not a duplicate of row 2 */
    roster *const all[] = {a, b, c};
    batch *bt = rules_check(all, 3, *state, AS_OF);
    assert_int_equal(bt->n, 3);
    assert_int_equal(date_cmp(bt->as_of, AS_OF), 0);
    assert_int_equal(bt->v[0].from, 0);
    assert_int_equal(bt->v[1].from, 0);
    assert_int_equal(bt->v[2].from, 2);
    assert_string_equal(bt->v[2].file, "c.csv");
    /* the batch took the records and copied the paths: it outlives the rosters */
    assert_int_equal(a->nrecords, 0);
    assert_int_equal(c->nrecords, 0);
    roster_free(a);
    roster_free(c);
    a = c = NULL;
    assert_string_equal(bt->v[2].file, "c.csv");
    assert_string_equal(record_get(bt->v[2].rec, "ho_ten"), "Phạm Văn Đồng");
    assert_string_equal(bt->v[0].ten, "Nguyễn Thị Ánh Tuyết");
    assert_string_equal(bt->v[1].ten, "Lê Văn Tám");
    assert_string_equal(bt->v[2].ten, "Phạm Văn Đồng");
    assert_int_equal(bt->v[1].rec->line, 3);
    assert_int_equal(bt->v[0].accepted, 1);
    assert_int_equal(bt->v[1].accepted, 0);
    assert_int_equal(bt->v[2].accepted, 1);
    batch_free(bt);
    batch_free(NULL);
    roster_free(a);
    roster_free(b);
    roster_free(c);
}

static void test_severity_names(void **state)
{
    (void)state;
    assert_string_equal(severity_name(SEV_ERROR), "error");
    assert_string_equal(severity_name(SEV_WARNING), "warning");
    assert_string_equal(severity_name(SEV_INFO), "info");
}

/* rules_derives lists every derived value (templates name them, render.h): a roster of every
 * procedure, all accepted, derives only listed keys, and each listed key is derived. */
static void test_derived_keys_listed(void **state)
{
    read_options ro = {NULL, NULL, NULL, 0};
    roster *r = read_roster("tests/data/e2e_all_procedures.csv", &ro);
    assert_non_null(r);
    assert_false(r->failed);
    batch *b = rules_check(&r, 1, *state, (date){2026, 11, 20});
    static const char *const listed[] = {"ngay_du_kien_cap", "thoi_han_nam", "ngay_het_han_moi",
                                         "han_ban_giao_thiet_bi", "han_khoi_phuc"};
    int seen[5] = {0};
    for (size_t i = 0; i < b->n; i++) {
        assert_true(b->v[i].accepted);
        for (size_t k = 0; k < b->v[i].derived.nfields; k++) {
            const char *key = b->v[i].derived.fields[k].key;
            if (!rules_derives(key))
                fail_msg("derived.%s is not listed by rules_derives", key);
            for (size_t j = 0; j < 5; j++)
                seen[j] |= strcmp(key, listed[j]) == 0;
        }
    }
    for (size_t j = 0; j < 5; j++) {
        assert_true(rules_derives(listed[j]));
        assert_true(seen[j]);
    }
    assert_false(rules_derives("ngay_sinh"));
    batch_free(b);
    roster_free(r);
}

/* so-hieu-hex, case qua-dai: RFC 5280 §4.1.2.2 limits a serial to 20 octets, 40 hexadecimal
 * digits; the spaces a clerk groups them with do not count. A serial with a character that
 * is not hexadecimal keeps the general message, however long. */
static void test_serial_at_most_40_hex_digits(void **state)
{
    static const char D40[] = "540105BEEF0123456789ABCDEF0123456789ABCD";
    static const char G40[] = "5401 05BE EF01 2345 6789 ABCD EF01 2345 6789 ABCD";
    static const char D41[] = "540105BEEF0123456789ABCDEF0123456789ABCDE";
    static const char D46[] = "540105BEEF0123456789ABCDEF0123456789ABCDEF0123";
    static const char X46[] = "540105BEEF0123456789ABCDEF0123456789ABCDEF012G";
    assert_int_equal(strlen(D40), 40);
    assert_int_equal(strlen(D46), 46);
    one o;
    check_with(&o, *state, "so_hieu_cts", D40);
    assert_int_equal(count_rule(&o.v, "so-hieu-hex"), 0);
    one_release(&o);
    check_with(&o, *state, "so_hieu_cts", G40);
    assert_int_equal(count_rule(&o.v, "so-hieu-hex"), 0);
    one_release(&o);
    check_with(&o, *state, "so_hieu_cts", D41);
    const finding *f = find_rule(&o.v, "so-hieu-hex", "so_hieu_cts");
    assert_non_null(f);
    assert_int_equal(f->sev, SEV_ERROR);
    assert_false(o.v.accepted);
    assert_non_null(strstr(f->message, " 41 ")); /* the digits it has, the limit */
    assert_non_null(strstr(f->message, " 40 "));
    one_release(&o);
    check_with(&o, *state, "so_hieu_cts", D46);
    f = find_rule(&o.v, "so-hieu-hex", "so_hieu_cts");
    assert_non_null(f);
    assert_non_null(strstr(f->message, "«540105BEEF0123456789ABCDEF0123456789ABCDEF0123» có 46"));
    assert_non_null(strstr(f->basis, "RFC 5280"));
    one_release(&o);
    check_with(&o, *state, "so_hieu_cts", X46);
    f = find_rule(&o.v, "so-hieu-hex", "so_hieu_cts");
    assert_non_null(f);
    assert_null(strstr(f->message, "46"));
    assert_null(strstr(f->basis, "RFC 5280"));
    one_release(&o);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_valid_row_accepted),
        T(test_cap_moi_derived),
        T(test_empty_request_date_is_as_of),
        T(test_no_cap_moi_derived_for_other_procedures),
        T(test_unknown_procedure),
        T(test_unknown_subscriber_type),
        T(test_aliases_accepted_by_rules),
        T(test_impossible_request_date),
        T(test_missing_agency),
        T(test_missing_cccd),
        T(test_each_individual_field_required),
        T(test_organisation_required_fields),
        T(test_renewal_required_fields),
        T(test_empty_row),
        T(test_head_not_confirmed),
        T(test_unregistered_agency_warns),
        T(test_agency_completed_from_register),
        T(test_row_agency_details_win),
        T(test_register_without_optional_detail),
        T(test_cccd_twelve_digits),
        T(test_email_official_only),
        T(test_phone_numbers),
        T(test_phone_plus84_in_parentheses),
        T(test_duplicate_across_files),
        T(test_request_key_ignores_serial_spaces),
        T(test_duplicate_after_rejected_row_passes),
        T(test_new_individual_needs_title_and_unit),
        T(test_new_organisation),
        T(test_renewal_valid_and_derived),
        T(test_renewal_once_only),
        T(test_sixty_days_left),
        T(test_change_of_details),
        T(test_revocation),
        T(test_revocation_by_expiry),
        T(test_handover_overdue),
        T(test_recovery_and_lost_token),
        T(test_other_dates_checked),
        T(test_errors_accumulate),
        T(test_batch_keeps_order),
        cmocka_unit_test(test_severity_names),
        T(test_derived_keys_listed),
        T(test_serial_at_most_40_hex_digits),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
