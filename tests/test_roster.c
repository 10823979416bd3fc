/* test_roster: unit tests of pipeline/roster.c: every key of ROSTER.md "Keys" is found from
 * itself and from its Vietnamese label, with or without diacritics, in any case and with
 * extra spaces; unknown headers give NULL; records set/replace/get values; roster_fail drops
 * the records read so far; warnings keep their column and line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "roster.h"
#include "testutil.h"

#define NCONTRACT TU_NROSTER_KEYS

static void expect_key(const char *header, const char *want)
{
    const char *got = roster_key_for_header(header);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void test_every_key_names_itself_and_its_label(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCONTRACT; i++) {
        const char *key = TU_ROSTER_KEYS[i];
        expect_key(key, key);
        const char *label = roster_label(key);
        assert_string_not_equal(label, key); /* every contract key has a Vietnamese label */
        expect_key(label, key);
        /* the key in upper case, with spaces instead of '_' */
        char shout[64];
        size_t n = strlen(key);
        assert_true(n < sizeof shout);
        for (size_t k = 0; k <= n; k++)
            shout[k] = key[k] == '_'
                           ? ' '
                           : (char)(key[k] >= 'a' && key[k] <= 'z' ? key[k] - 'a' + 'A' : key[k]);
        expect_key(shout, key);
    }
}

static void test_ho_ten_aliases(void **state)
{
    (void)state;
    expect_key("ho_ten", "ho_ten");
    expect_key("Họ và tên", "ho_ten");
    expect_key("HO VA TEN", "ho_ten");
    expect_key("HỌ VÀ TÊN", "ho_ten");
    expect_key("  họ   và  tên  ", "ho_ten");
    expect_key("ho va ten", "ho_ten");
    expect_key("Ho-va-ten", "ho_ten");
    expect_key("Ho\xCC\xA3 va\xCC\x80 te\xCC\x82n", "ho_ten"); /* NFD, as macOS writes it */
}

static void test_labels_with_d_stroke_and_commas(void **state)
{
    (void)state;
    expect_key("ĐỊA CHỈ", "dia_chi");
    expect_key("Địa chỉ cơ quan", "dia_chi_co_quan");
    expect_key("Tên cơ quan, tổ chức", "ten_co_quan");
    expect_key("Số điện thoại", "dien_thoai");
    expect_key("Ngày cấp", "ngay_cap_cccd");
    expect_key("Nơi cấp", "noi_cap_cccd");
    expect_key("Thông tin cũ", "gia_tri_cu");
    expect_key("Thông tin mới", "gia_tri_moi");
    expect_key("Thủ trưởng", "thu_truong");
    expect_key("Chức vụ thủ trưởng", "chuc_vu_thu_truong");
    expect_key("Cơ quan quản lý trực tiếp", "co_quan_quan_ly");
    expect_key("Thư điện tử công vụ", "email");
}

static void test_unknown_headers(void **state)
{
    (void)state;
    expect_key("Quê quán", NULL);
    expect_key("ho", NULL);
    expect_key("ho_ten_x", NULL);
    expect_key("", NULL);
    expect_key("   ", NULL);
}

static void test_roster_label(void **state)
{
    (void)state;
    assert_string_equal(roster_label("ho_ten"), "Họ và tên");
    assert_string_equal(roster_label("thu_tuc"), "Thủ tục");
    assert_string_equal(roster_label("so_cccd"), "Số CCCD");
    const char *odd = "que_quan";
    assert_ptr_equal(roster_label(odd), odd); /* unknown: the key itself */
}

static void test_roster_new_defaults(void **state)
{
    (void)state;
    roster *r = roster_new("inputs/a.csv");
    assert_string_equal(r->path, "inputs/a.csv");
    assert_string_equal(r->format, "");
    assert_string_equal(r->encoding, "");
    assert_string_equal(r->sha256, ""); /* no bytes read yet */
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->nwarnings, 0);
    assert_int_equal(r->failed, 0);
    roster_free(r);
    r = roster_new(NULL);
    assert_string_equal(r->path, "");
    roster_free(r);
    roster_free(NULL);
}

static void test_record_set_get_replace(void **state)
{
    (void)state;
    roster *r = roster_new("x.csv");
    record *rec = roster_add_record(r, 7);
    assert_int_equal(rec->line, 7);
    assert_int_equal(rec->nfields, 0);
    record_set(rec, "ho_ten", "Lê Văn Tám");
    record_set(rec, "email", "   ");
    char value[] = "cap-moi";
    record_set(rec, "thu_tuc", value);
    value[0] = 'X'; /* record_set keeps its own copy */
    assert_string_equal(record_get(rec, "thu_tuc"), "cap-moi");
    record_set(rec, "ho_ten", "Lê Văn Tâm"); /* replaces, no second field */
    assert_int_equal(rec->nfields, 3);
    assert_string_equal(record_get(rec, "ho_ten"), "Lê Văn Tâm");
    assert_string_equal(record_get(rec, "missing"), "");
    assert_true(record_has(rec, "ho_ten"));
    assert_false(record_has(rec, "email")); /* blank counts as absent */
    assert_false(record_has(rec, "missing"));
    record *second = roster_add_record(r, 9);
    assert_int_equal(r->nrecords, 2);
    assert_int_equal(second->line, 9);
    assert_int_equal(r->records[0].line, 7);
    assert_string_equal(record_get(&r->records[0], "ho_ten"), "Lê Văn Tâm");
    roster_free(r);
}

static void test_record_release_standalone(void **state)
{
    (void)state;
    record rec;
    memset(&rec, 0, sizeof rec);
    record_set(&rec, "a", "1");
    record_set(&rec, "b", "2");
    assert_int_equal(rec.nfields, 2);
    record_release(&rec);
    assert_int_equal(rec.nfields, 0);
    assert_null(rec.fields);
    assert_string_equal(record_get(&rec, "a"), "");
}

/* A trimmed record keeps its values (packed in one block), takes new ones and replaces
 * old ones, and the next record added trims the one before it. ASan checks the frees. */
static void test_record_trim_packs_values(void **state)
{
    (void)state;
    roster *r = roster_new("x.csv");
    record *rec = roster_add_record(r, 2);
    record_set(rec, "ho_ten", "Nguyễn Văn An");
    record_set(rec, "so_cccd", "089186000123");
    record_set(rec, "email", "");
    rec = roster_add_record(r, 3); /* trims line 2 */
    record_set(rec, "ho_ten", "Trần Thị Bình");
    const record *first = &r->records[0];
    assert_non_null(first->pack);
    assert_int_equal(first->cap, 3);
    assert_string_equal(record_get(first, "ho_ten"), "Nguyễn Văn An");
    assert_string_equal(record_get(first, "so_cccd"), "089186000123");
    assert_string_equal(record_get(first, "email"), "");
    record_set(&r->records[0], "so_cccd", "089186000999"); /* a packed value replaced */
    record_set(&r->records[0], "chuc_vu", "Chuyên viên");   /* and a new one */
    assert_string_equal(record_get(first, "so_cccd"), "089186000999");
    assert_string_equal(record_get(first, "chuc_vu"), "Chuyên viên");
    record_trim(&r->records[0]); /* packed again, with the replaced value */
    assert_string_equal(record_get(first, "so_cccd"), "089186000999");
    assert_string_equal(record_get(first, "ho_ten"), "Nguyễn Văn An");
    /* keys are shared by every record */
    assert_ptr_equal(r->records[0].fields[0].key, r->records[1].fields[0].key);
    roster_free(r);
}

static void test_roster_fail_drops_records(void **state)
{
    (void)state;
    roster *r = roster_new("x.csv");
    memcpy(r->sha256, "ab", 3);
    record_set(roster_add_record(r, 2), "ho_ten", "A");
    record_set(roster_add_record(r, 3), "ho_ten", "B");
    roster_fail(r, 4, "first reason");
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->nrecords, 0);
    assert_int_equal(r->error.line, 4);
    assert_string_equal(r->error.message, "first reason");
    roster_fail(r, 9, "second reason"); /* the later reason replaces the earlier one */
    assert_int_equal(r->error.line, 9);
    assert_string_equal(r->error.message, "second reason");
    assert_string_equal(r->sha256, "ab"); /* the bytes were read: the ledger still knows them */
    roster_free(r);
}

static void test_roster_warn_keeps_line_and_column(void **state)
{
    (void)state;
    roster *r = roster_new("x.csv");
    roster_warn(r, 1, "Quê quán", "cột lạ");
    roster_warn(r, 0, NULL, "toàn tệp");
    assert_int_equal(r->nwarnings, 2);
    assert_int_equal(r->warnings[0].line, 1);
    assert_string_equal(r->warnings[0].field, "Quê quán");
    assert_string_equal(r->warnings[0].message, "cột lạ");
    assert_int_equal(r->warnings[1].line, 0);
    assert_null(r->warnings[1].field);
    assert_string_equal(r->warnings[1].message, "toàn tệp");
    assert_int_equal(r->failed, 0);
    roster_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_names_itself_and_its_label),
        cmocka_unit_test(test_ho_ten_aliases),
        cmocka_unit_test(test_labels_with_d_stroke_and_commas),
        cmocka_unit_test(test_unknown_headers),
        cmocka_unit_test(test_roster_label),
        cmocka_unit_test(test_roster_new_defaults),
        cmocka_unit_test(test_record_set_get_replace),
        cmocka_unit_test(test_record_release_standalone),
        cmocka_unit_test(test_record_trim_packs_values),
        cmocka_unit_test(test_roster_fail_drops_records),
        cmocka_unit_test(test_roster_warn_keeps_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
