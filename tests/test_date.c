/* test_date: unit tests of pipeline/date.c: the accepted and rejected date shapes, the
 * calendar (leap years, serials, weekdays), the RULES.md date arithmetic ("days remaining",
 * renewal + 3 years with 29 February -> 28 February, 5 working days of seed §2.4.2) and the
 * two output formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "date.h"

static date mk(int y, int m, int d)
{
    date x;
    x.y = y;
    x.m = m;
    x.d = d;
    return x;
}

static void assert_date(date got, int y, int m, int d)
{
    assert_int_equal(got.y, y);
    assert_int_equal(got.m, m);
    assert_int_equal(got.d, d);
}

/* Parses s, expects DATE_OK and the given day. */
static void expect_parse(const char *s, int y, int m, int d)
{
    date out = mk(0, 0, 0);
    assert_int_equal(date_parse(s, &out), DATE_OK);
    assert_date(out, y, m, d);
}

/* Parses s, expects status st and *out left untouched. */
static void expect_reject(const char *s, date_status st)
{
    date out = mk(7, 7, 7);
    assert_int_equal(date_parse(s, &out), st);
    assert_date(out, 7, 7, 7);
}

/* The next calendar day, from the month lengths alone: an oracle independent of serials. */
static date next_day(date x)
{
    if (x.d < date_days_in_month(x.y, x.m)) {
        x.d++;
    } else if (x.m < 12) {
        x.m++;
        x.d = 1;
    } else {
        x.y++;
        x.m = 1;
        x.d = 1;
    }
    return x;
}

static void test_parse_day_first_shapes(void **state)
{
    (void)state;
    expect_parse("14/03/2026", 2026, 3, 14);
    expect_parse("14-03-2026", 2026, 3, 14);
    expect_parse("14.03.2026", 2026, 3, 14);
    expect_parse("3/1/2027", 2027, 1, 3); /* day first: 3 January, not 1 March */
    expect_parse("03/01/2027", 2027, 1, 3);
    expect_parse("3-1-2027", 2027, 1, 3);
    expect_parse("3.01.2027", 2027, 1, 3);
    expect_parse("31/12/2026", 2026, 12, 31);
}

static void test_parse_year_first_shape(void **state)
{
    (void)state;
    expect_parse("2026-03-14", 2026, 3, 14);
    expect_parse("2026-3-4", 2026, 3, 4);
    expect_parse("2027-01-03", 2027, 1, 3);
}

static void test_parse_trims_spaces(void **state)
{
    (void)state;
    expect_parse("  14/03/2026", 2026, 3, 14);
    expect_parse("14/03/2026   ", 2026, 3, 14);
    expect_parse(" 2026-03-14 ", 2026, 3, 14);
}

static void test_parse_year_range(void **state)
{
    (void)state;
    expect_parse("01/01/1900", 1900, 1, 1);
    expect_parse("2200-12-31", 2200, 12, 31);
    expect_reject("31/12/1899", DATE_BAD_FORMAT);
    expect_reject("01/01/2201", DATE_BAD_FORMAT);
    expect_reject("0000-01-01", DATE_BAD_FORMAT);
    expect_reject("9999-01-01", DATE_BAD_FORMAT);
}

static void test_parse_rejects_bad_shapes(void **state)
{
    (void)state;
    expect_reject(NULL, DATE_BAD_FORMAT);
    expect_reject("", DATE_BAD_FORMAT);
    expect_reject("    ", DATE_BAD_FORMAT);
    expect_reject("abc", DATE_BAD_FORMAT);
    expect_reject("14/03/26", DATE_BAD_FORMAT);    /* two-digit year */
    expect_reject("14/03/2026x", DATE_BAD_FORMAT); /* trailing junk */
    expect_reject("14/03/2026 x", DATE_BAD_FORMAT);
    expect_reject("x14/03/2026", DATE_BAD_FORMAT);
    expect_reject("14/03/2026/", DATE_BAD_FORMAT);
    expect_reject("14/03-2026", DATE_BAD_FORMAT); /* mixed separators */
    expect_reject("14//03/2026", DATE_BAD_FORMAT);
    expect_reject("14 03 2026", DATE_BAD_FORMAT);
    expect_reject("14 /03/2026", DATE_BAD_FORMAT);
    expect_reject("14/03", DATE_BAD_FORMAT);
    expect_reject("014/03/2026", DATE_BAD_FORMAT); /* three-digit day */
    expect_reject("14/003/2026", DATE_BAD_FORMAT);
    expect_reject("14/03/02026", DATE_BAD_FORMAT); /* five-digit year */
    expect_reject("+14/03/2026", DATE_BAD_FORMAT);
    expect_reject("-14/03/2026", DATE_BAD_FORMAT);
    expect_reject("14\t/03/2026", DATE_BAD_FORMAT);
    expect_reject("2026/03/14", DATE_BAD_FORMAT); /* year first only with '-' */
    expect_reject("2026.03.14", DATE_BAD_FORMAT);
    expect_reject("2026-003-14", DATE_BAD_FORMAT);
    expect_reject("2026-03-014", DATE_BAD_FORMAT);
    expect_reject("20260314", DATE_BAD_FORMAT);
    expect_reject("14/03/2026123456789012", DATE_BAD_FORMAT);
}

static void test_parse_no_such_day(void **state)
{
    (void)state;
    expect_reject("31/02/2026", DATE_NO_SUCH_DAY);
    expect_reject("30/02/2024", DATE_NO_SUCH_DAY);
    expect_reject("29/02/2027", DATE_NO_SUCH_DAY);
    expect_reject("31/04/2026", DATE_NO_SUCH_DAY);
    expect_reject("31/06/2026", DATE_NO_SUCH_DAY);
    expect_reject("31/09/2026", DATE_NO_SUCH_DAY);
    expect_reject("31/11/2026", DATE_NO_SUCH_DAY);
    expect_reject("01/13/2026", DATE_NO_SUCH_DAY);
    expect_reject("01/00/2026", DATE_NO_SUCH_DAY);
    expect_reject("00/01/2026", DATE_NO_SUCH_DAY);
    expect_reject("32/01/2026", DATE_NO_SUCH_DAY);
    expect_reject("2026-02-30", DATE_NO_SUCH_DAY);
    expect_reject("2026-13-01", DATE_NO_SUCH_DAY);
    expect_parse("30/04/2026", 2026, 4, 30);
    expect_parse("31/01/2026", 2026, 1, 31);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(date_is_leap(2024));
    assert_true(date_is_leap(2000));  /* divisible by 400 */
    assert_false(date_is_leap(1900)); /* divisible by 100 only */
    assert_false(date_is_leap(2100));
    assert_false(date_is_leap(2200));
    assert_false(date_is_leap(2027));
    expect_parse("29/02/2024", 2024, 2, 29);
    expect_parse("29/02/2000", 2000, 2, 29);
    expect_reject("29/02/1900", DATE_NO_SUCH_DAY);
    expect_reject("29/02/2100", DATE_NO_SUCH_DAY);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2026, 2), 28);
    assert_int_equal(date_days_in_month(2026, 4), 30);
    assert_int_equal(date_days_in_month(2026, 12), 31);
    assert_int_equal(date_days_in_month(2026, 0), 0);
    assert_int_equal(date_days_in_month(2026, 13), 0);
}

static void test_is_valid(void **state)
{
    (void)state;
    assert_true(date_is_valid(mk(2024, 2, 29)));
    assert_false(date_is_valid(mk(2026, 2, 29)));
    assert_false(date_is_valid(mk(2026, 0, 1)));
    assert_false(date_is_valid(mk(2026, 1, 0)));
    assert_false(date_is_valid(mk(2026, 4, 31)));
    assert_true(date_is_valid(mk(2026, 12, 31)));
}

static void test_serial_known_values(void **state)
{
    (void)state;
    assert_int_equal(date_to_serial(mk(1970, 1, 1)), 0);
    assert_int_equal(date_to_serial(mk(1970, 1, 2)), 1);
    assert_int_equal(date_to_serial(mk(1969, 12, 31)), -1);
    assert_int_equal(date_to_serial(mk(2000, 1, 1)), 10957);
    assert_int_equal(date_to_serial(mk(1900, 1, 1)), -25567);
    assert_int_equal(date_to_serial(mk(2000, 3, 1)), 11017);
    assert_date(date_from_serial(0), 1970, 1, 1);
    assert_date(date_from_serial(-1), 1969, 12, 31);
    assert_date(date_from_serial(-25567), 1900, 1, 1);
    assert_date(date_from_serial(11016), 2000, 2, 29);
}

static void test_serial_round_trip_1900_2200(void **state)
{
    (void)state;
    date x = mk(1900, 1, 1);
    long serial = date_to_serial(x);
    long count = 0;
    for (;;) {
        assert_int_equal(date_to_serial(x), serial);
        date back = date_from_serial(serial);
        assert_date(back, x.y, x.m, x.d);
        count++;
        if (x.y == 2200 && x.m == 12 && x.d == 31) {
            break;
        }
        x = next_day(x);
        serial++;
    }
    /* 301 years, 73 of them leap (1904..2196 every 4 years, less 2100) */
    assert_int_equal(count, 301L * 365 + 73);
}

static void test_serial_far_from_epoch(void **state)
{
    (void)state;
    /* outside the parsed range the arithmetic still holds (proleptic calendar) */
    date x = mk(1600, 1, 1);
    long serial = date_to_serial(x);
    for (int i = 0; i < 2 * 146097; i++) {
        assert_date(date_from_serial(serial), x.y, x.m, x.d);
        x = next_day(x);
        serial++;
    }
    assert_int_equal(date_diff_days(mk(1600, 1, 1), mk(2000, 1, 1)), 146097);
    assert_date(date_from_serial(date_to_serial(mk(-1, 3, 1))), -1, 3, 1);
    assert_date(date_from_serial(date_to_serial(mk(0, 2, 29))), 0, 2, 29);
}

static void test_diff_days(void **state)
{
    (void)state;
    /* RULES.md con-han-60-ngay: days remaining across a year end */
    date from = mk(2025, 12, 15);
    assert_int_equal(date_diff_days(from, mk(2026, 2, 12)), 59);
    assert_int_equal(date_diff_days(from, mk(2026, 2, 13)), 60);
    assert_int_equal(date_diff_days(from, mk(2026, 2, 14)), 61);
    /* the same span over a leap February */
    assert_int_equal(date_diff_days(mk(2023, 12, 31), mk(2024, 2, 28)), 59);
    assert_int_equal(date_diff_days(mk(2023, 12, 31), mk(2024, 2, 29)), 60);
    assert_int_equal(date_diff_days(mk(2023, 12, 31), mk(2024, 3, 1)), 61);
    assert_int_equal(date_diff_days(mk(2026, 1, 1), mk(2026, 3, 1)), 59);
    assert_int_equal(date_diff_days(mk(2024, 1, 1), mk(2024, 3, 1)), 60);
    /* already expired: negative */
    assert_int_equal(date_diff_days(mk(2026, 3, 1), mk(2026, 1, 1)), -59);
    assert_int_equal(date_diff_days(mk(2026, 3, 14), mk(2026, 3, 14)), 0);
    assert_int_equal(date_diff_days(mk(2026, 1, 1), mk(2027, 1, 1)), 365);
    assert_int_equal(date_diff_days(mk(2024, 1, 1), mk(2025, 1, 1)), 366);
}

static void test_add_days(void **state)
{
    (void)state;
    /* RULES.md cap-moi: request date + 30 days */
    assert_date(date_add_days(mk(2026, 12, 15), 30), 2027, 1, 14);
    assert_date(date_add_days(mk(2024, 2, 28), 1), 2024, 2, 29);
    assert_date(date_add_days(mk(2026, 2, 28), 1), 2026, 3, 1);
    assert_date(date_add_days(mk(2026, 1, 1), -1), 2025, 12, 31);
    assert_date(date_add_days(mk(2026, 3, 14), 0), 2026, 3, 14);
}

static void test_add_years(void **state)
{
    (void)state;
    /* RULES.md gia-han: + 3 years, 29 February -> 28 February */
    assert_date(date_add_years(mk(2024, 2, 29), 1), 2025, 2, 28);
    assert_date(date_add_years(mk(2024, 2, 29), 3), 2027, 2, 28);
    assert_date(date_add_years(mk(2024, 2, 29), 4), 2028, 2, 29);
    assert_date(date_add_years(mk(2096, 2, 29), 4), 2100, 2, 28); /* 2100 not leap */
    assert_date(date_add_years(mk(1996, 2, 29), 4), 2000, 2, 29); /* 2000 leap */
    assert_date(date_add_years(mk(2024, 2, 29), -1), 2023, 2, 28);
    assert_date(date_add_years(mk(2026, 3, 14), 3), 2029, 3, 14);
    assert_date(date_add_years(mk(2025, 2, 28), 3), 2028, 2, 28);
    assert_date(date_add_years(mk(2026, 12, 31), 0), 2026, 12, 31);
}

static void test_cmp(void **state)
{
    (void)state;
    assert_true(date_cmp(mk(2026, 3, 14), mk(2026, 3, 14)) == 0);
    assert_true(date_cmp(mk(2026, 3, 14), mk(2026, 3, 15)) < 0);
    assert_true(date_cmp(mk(2026, 3, 15), mk(2026, 3, 14)) > 0);
    assert_true(date_cmp(mk(2026, 2, 28), mk(2026, 3, 1)) < 0);
    assert_true(date_cmp(mk(2025, 12, 31), mk(2026, 1, 1)) < 0);
    assert_true(date_cmp(mk(2027, 1, 1), mk(2026, 12, 31)) > 0);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(date_weekday(mk(2026, 11, 23)), 1); /* Monday */
    assert_int_equal(date_weekday(mk(2026, 11, 20)), 5); /* Friday */
    assert_int_equal(date_weekday(mk(2026, 11, 21)), 6);
    assert_int_equal(date_weekday(mk(2026, 11, 22)), 7);
    assert_int_equal(date_weekday(mk(1970, 1, 1)), 4);   /* Thursday */
    assert_int_equal(date_weekday(mk(1969, 12, 31)), 3); /* before the epoch */
    assert_int_equal(date_weekday(mk(1900, 1, 1)), 1);
    assert_int_equal(date_weekday(mk(2000, 1, 1)), 6);
    assert_int_equal(date_weekday(mk(2024, 2, 29)), 4);
    assert_int_equal(date_weekday(mk(2200, 12, 31)), 3);
    /* seven days in a row cover every weekday once */
    int seen = 0;
    for (int i = 0; i < 7; i++) {
        seen |= 1 << date_weekday(date_add_days(mk(1905, 6, 1), -i));
    }
    assert_int_equal(seen, 0xFE);
}

static void test_is_working_day(void **state)
{
    (void)state;
    date holidays[] = {mk(2026, 4, 30), mk(2026, 5, 1), mk(2026, 9, 2)};
    size_t n = sizeof holidays / sizeof holidays[0];
    assert_true(date_is_working_day(mk(2026, 4, 29), holidays, n));
    assert_false(date_is_working_day(mk(2026, 4, 30), holidays, n));
    assert_false(date_is_working_day(mk(2026, 5, 1), holidays, n));
    assert_false(date_is_working_day(mk(2026, 5, 2), holidays, n)); /* Saturday */
    assert_false(date_is_working_day(mk(2026, 5, 3), holidays, n)); /* Sunday */
    assert_true(date_is_working_day(mk(2026, 5, 4), holidays, n));
    assert_true(date_is_working_day(mk(2026, 4, 30), NULL, 0));
}

static void test_working_days_over_weekend(void **state)
{
    (void)state;
    date fri = mk(2026, 11, 20);
    assert_date(date_add_working_days(fri, 5, NULL, 0), 2026, 11, 27);
    assert_date(date_add_working_days(fri, 1, NULL, 0), 2026, 11, 23);
    assert_date(date_add_working_days(mk(2026, 11, 21), 1, NULL, 0), 2026, 11, 23); /* Sat */
    assert_date(date_add_working_days(mk(2026, 11, 22), 5, NULL, 0), 2026, 11, 27); /* Sun */
    assert_date(date_add_working_days(mk(2026, 11, 23), 4, NULL, 0), 2026, 11, 27);
    assert_date(date_add_working_days(mk(2026, 11, 23), 10, NULL, 0), 2026, 12, 7);
    assert_date(date_add_working_days(mk(2026, 12, 30), 3, NULL, 0), 2027, 1, 4);
}

static void test_working_days_over_holiday(void **state)
{
    (void)state;
    date holidays[] = {mk(2026, 4, 30), mk(2026, 5, 1)};
    size_t n = sizeof holidays / sizeof holidays[0];
    assert_date(date_add_working_days(mk(2026, 4, 29), 1, holidays, n), 2026, 5, 4);
    assert_date(date_add_working_days(mk(2026, 4, 29), 1, NULL, 0), 2026, 4, 30);
    /* seed §2.4.2: 5 working days from a revocation on 28/04/2026 */
    assert_date(date_add_working_days(mk(2026, 4, 28), 5, holidays, n), 2026, 5, 7);
    /* a long holiday (Tết 2027: 5..11 February, order not sorted) */
    date tet[] = {mk(2027, 2, 11), mk(2027, 2, 5), mk(2027, 2, 8), mk(2027, 2, 9), mk(2027, 2, 10)};
    assert_date(date_add_working_days(mk(2027, 2, 4), 1, tet, 5), 2027, 2, 12);
    assert_date(date_add_working_days(mk(2027, 2, 4), 2, tet, 5), 2027, 2, 15);
}

static void test_working_days_zero(void **state)
{
    (void)state;
    date holidays[] = {mk(2026, 4, 30)};
    assert_date(date_add_working_days(mk(2026, 11, 20), 0, NULL, 0), 2026, 11, 20);
    assert_date(date_add_working_days(mk(2026, 11, 21), 0, NULL, 0), 2026, 11, 21); /* Sat */
    assert_date(date_add_working_days(mk(2026, 4, 30), 0, holidays, 1), 2026, 4, 30);
}

static void test_formats(void **state)
{
    (void)state;
    char out[11];
    date_format_iso(mk(2026, 3, 14), out);
    assert_string_equal(out, "2026-03-14");
    date_format_vn(mk(2026, 3, 14), out);
    assert_string_equal(out, "14/03/2026");
    date_format_iso(mk(2027, 1, 3), out);
    assert_string_equal(out, "2027-01-03");
    date_format_vn(mk(2027, 1, 3), out);
    assert_string_equal(out, "03/01/2027");
    date_format_vn(mk(2026, 12, 31), out);
    assert_string_equal(out, "31/12/2026");
    date_format_iso(mk(1900, 1, 1), out);
    assert_string_equal(out, "1900-01-01");
}

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    char out[11];
    date x = mk(2023, 12, 25);
    for (int i = 0; i < 800; i++) {
        date back = mk(0, 0, 0);
        date_format_vn(x, out);
        assert_int_equal(strlen(out), 10);
        assert_int_equal(date_parse(out, &back), DATE_OK);
        assert_int_equal(date_cmp(back, x), 0);
        date_format_iso(x, out);
        assert_int_equal(date_parse(out, &back), DATE_OK);
        assert_int_equal(date_cmp(back, x), 0);
        x = next_day(x);
    }
}

/* A stored date as a clerk reads it: ISO, ISO with a time, a clerk's own shape; anything
 * else as written, cut at 15 bytes or less, never inside a letter. */
static void test_text_vn(void **state)
{
    (void)state;
    char out[16];
    date_text_vn("2027-03-14", out);
    assert_string_equal(out, "14/03/2027");
    date_text_vn("2026-12-01T08:30:00", out);
    assert_string_equal(out, "01/12/2026");
    date_text_vn("5/1/2027", out);
    assert_string_equal(out, "05/01/2027");
    date_text_vn("chưa rõ ngày nào cả", out);
    assert_string_equal(out, "chưa rõ ngày");
    date_text_vn("Trường hhhọc", out); /* 15 bytes end inside «ọ»: cut before it */
    assert_string_equal(out, "Trường hhh");
    date_text_vn(NULL, out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_vn),
        cmocka_unit_test(test_parse_day_first_shapes),
        cmocka_unit_test(test_parse_year_first_shape),
        cmocka_unit_test(test_parse_trims_spaces),
        cmocka_unit_test(test_parse_year_range),
        cmocka_unit_test(test_parse_rejects_bad_shapes),
        cmocka_unit_test(test_parse_no_such_day),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_is_valid),
        cmocka_unit_test(test_serial_known_values),
        cmocka_unit_test(test_serial_round_trip_1900_2200),
        cmocka_unit_test(test_serial_far_from_epoch),
        cmocka_unit_test(test_diff_days),
        cmocka_unit_test(test_add_days),
        cmocka_unit_test(test_add_years),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_is_working_day),
        cmocka_unit_test(test_working_days_over_weekend),
        cmocka_unit_test(test_working_days_over_holiday),
        cmocka_unit_test(test_working_days_zero),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_format_parse_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
