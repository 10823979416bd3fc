/* date: calendar dates in the proleptic Gregorian calendar, and working days.
 *
 * Where the rules come from: RULES.md "Dates" ("days remaining" is ngay_het_han minus
 * ngay_de_nghi in calendar days), RULES.md gia-han (ngay_het_han + 3 years, 29 February
 * becomes 28 February) and RULES.md thu-hoi / ban-giao-thiet-bi (5 working days: Saturdays,
 * Sundays and configured public holidays are not working days, seed §2.4.2). The accepted
 * input shapes are those of ROSTER.md; Vietnamese order is day first, so "3/1/2027" is
 * 3 January 2027.
 *
 * A serial is a count of days since 1970-01-01. It is computed from a calendar that starts
 * its years on 1 March, so that the leap day is the last day of a year and the month
 * lengths from March on follow a simple pattern. Nothing here allocates; only date_today
 * asks the clock. */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum {
    DATE_YEAR_MIN = 1900, /* ROSTER.md: a parsed year outside this range is a typo */
    DATE_YEAR_MAX = 2200,
    DAYS_PER_400_YEARS = 146097 /* 400 * 365 + 97 leap days */
};

/* Floor division and its matching remainder (0 <= r < b for b > 0), for negative serials. */
static long floor_div(long a, long b)
{
    long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q--;
    }
    return q;
}

int date_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) {
        return 0;
    }
    if (month == 2 && date_is_leap(year)) {
        return 29;
    }
    return days[month - 1];
}

int date_is_valid(date d)
{
    return d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= date_days_in_month(d.y, d.m);
}

/* Days from 1 March of a March-based year to the first day of month index mp (0 = March,
 * 11 = February). The month lengths from March repeat 31 30 31 30 31 in blocks of five,
 * 153 days each, which this expression reproduces. */
static long days_before_month(long mp)
{
    return (153 * mp + 2) / 5;
}

/* Days from 1 March of year 0 of a 400-year cycle to 1 March of year k (0 <= k <= 400).
 * March-based year j holds the leap day of civil year j + 1, so the leap days before
 * year k are those of civil years 1..k. */
static long days_before_year(long k)
{
    return 365 * k + k / 4 - k / 100 + k / 400;
}

/* Days since 0000-03-01 (proleptic Gregorian). */
static long days_since_origin(long y, long m, long d)
{
    long my = (m <= 2) ? y - 1 : y; /* January and February belong to the previous year */
    long mp = (m + 9) % 12;
    long cycle = floor_div(my, 400);
    long k = my - cycle * 400;
    return cycle * DAYS_PER_400_YEARS + days_before_year(k) + days_before_month(mp) + d - 1;
}

long date_to_serial(date d)
{
    return days_since_origin(d.y, d.m, d.d) - days_since_origin(1970, 1, 1);
}

date date_from_serial(long serial)
{
    long z = serial + days_since_origin(1970, 1, 1);
    long cycle = floor_div(z, DAYS_PER_400_YEARS);
    long doc = z - cycle * DAYS_PER_400_YEARS; /* day of the cycle, 0..146096 */
    /* doc / 365 is never too small and at most one too large. */
    long k = doc / 365;
    while (days_before_year(k) > doc) {
        k--;
    }
    long doy = doc - days_before_year(k); /* 0..365, from 1 March */
    long mp = (5 * doy + 2) / 153;        /* inverse of days_before_month */
    long m = (mp < 10) ? mp + 3 : mp - 9;
    date out;
    out.y = (int)(cycle * 400 + k + (m <= 2 ? 1 : 0));
    out.m = (int)m;
    out.d = (int)(doy - days_before_month(mp) + 1);
    return out;
}

date date_add_days(date d, long days)
{
    return date_from_serial(date_to_serial(d) + days);
}

date date_add_years(date d, int years)
{
    date out = d;
    out.y = d.y + years;
    /* RULES.md gia-han: 29 February becomes 28 February in a common year */
    if (out.m == 2 && out.d == 29 && !date_is_leap(out.y)) {
        out.d = 28;
    }
    return out;
}

date date_add_months(date d, int months)
{
    long m = (long)d.y * 12 + (d.m - 1) + months;
    date out = {(int)(m / 12), (int)(m % 12) + 1, d.d};
    int last = date_days_in_month(out.y, out.m);
    if (out.d > last) /* issue 12: 31 January + 1 month is the last day of February */
        out.d = last;
    return out;
}

long date_diff_days(date from, date to)
{
    return date_to_serial(to) - date_to_serial(from);
}

int date_cmp(date a, date b)
{
    if (a.y != b.y) {
        return a.y < b.y ? -1 : 1;
    }
    if (a.m != b.m) {
        return a.m < b.m ? -1 : 1;
    }
    if (a.d != b.d) {
        return a.d < b.d ? -1 : 1;
    }
    return 0;
}

int date_weekday(date d)
{
    /* 1970-01-01 was a Thursday (ISO 4) */
    long r = date_to_serial(d) % 7;
    if (r < 0) {
        r += 7;
    }
    return (int)((r + 3) % 7) + 1;
}

void date_format_iso(date d, char *out)
{
    snprintf(out, 11, "%04d-%02d-%02d", d.y, d.m, d.d);
}

void date_format_vn(date d, char *out)
{
    snprintf(out, 11, "%02d/%02d/%04d", d.d, d.m, d.y);
}

void date_text_vn(const char *text, char *out)
{
    date d;
    char day[11];
    snprintf(day, sizeof day, "%s", text ? text : ""); /* "2026-12-01T08:00:00": its day */
    if (text && (date_parse(text, &d) == DATE_OK ||
                 (strlen(text) > 10 && text[10] == 'T' && date_parse(day, &d) == DATE_OK)))
        date_format_vn(d, out);
    else { /* as written, cut at a character */
        const char *t = text ? text : "";
        size_t n = strlen(t) > 15 ? 15 : strlen(t);
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
        memcpy(out, t, n);
        out[n] = '\0';
    }
}

int date_is_working_day(date d, const date *holidays, size_t n)
{
    int wd = date_weekday(d);
    if (wd == 6 || wd == 7) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (date_cmp(d, holidays[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

date date_add_working_days(date start, int count, const date *holidays, size_t n)
{
    /* seed §2.4.2: the start day is not counted; the loop ends because at most n days in a
     * row can be holidays and at most two are a weekend. */
    long serial = date_to_serial(start);
    for (int left = count; left > 0; left--) {
        do {
            serial++;
        } while (!date_is_working_day(date_from_serial(serial), holidays, n));
    }
    return date_from_serial(serial);
}

/* --- parsing --- */

/* Reads a run of digits at *p into *value and returns how many there were; stops counting
 * value after five digits (the caller rejects such runs) so that nothing overflows. */
static int read_digits(const char **p, int *value)
{
    int n = 0;
    int v = 0;
    while (**p >= '0' && **p <= '9') {
        if (n < 5) {
            v = v * 10 + (**p - '0');
        }
        n++;
        (*p)++;
    }
    *value = v;
    return n;
}

static int is_separator(char c)
{
    return c == '/' || c == '-' || c == '.';
}

/* Splits s (already trimmed, len bytes) into three digit groups joined by one separator
 * used twice. Returns 0 or -1. */
static int split_groups(const char *s, size_t len, int val[3], int ndig[3], char *sep)
{
    const char *p = s;
    const char *end = s + len;
    for (int i = 0; i < 3; i++) {
        ndig[i] = read_digits(&p, &val[i]);
        if (ndig[i] == 0 || ndig[i] > 4) {
            return -1;
        }
        if (i == 2) {
            break;
        }
        if (p >= end || !is_separator(*p) || (i == 1 && *p != *sep)) {
            return -1;
        }
        *sep = *p;
        p++;
    }
    return p == end ? 0 : -1;
}

date_status date_parse(const char *s, date *out)
{
    if (!s) {
        return DATE_BAD_FORMAT;
    }
    while (*s == ' ') {
        s++;
    }
    size_t len = 0;
    while (s[len] != '\0') {
        len++;
    }
    while (len > 0 && s[len - 1] == ' ') {
        len--;
    }

    int val[3];
    int ndig[3];
    char sep = '\0';
    if (split_groups(s, len, val, ndig, &sep) != 0) {
        return DATE_BAD_FORMAT;
    }
    date d;
    if (ndig[0] == 4 && sep == '-' && ndig[1] <= 2 && ndig[2] <= 2) {
        d.y = val[0]; /* yyyy-mm-dd */
        d.m = val[1];
        d.d = val[2];
    } else if (ndig[0] <= 2 && ndig[1] <= 2 && ndig[2] == 4) {
        d.d = val[0]; /* Vietnamese order: day first */
        d.m = val[1];
        d.y = val[2];
    } else {
        return DATE_BAD_FORMAT;
    }
    if (d.y < DATE_YEAR_MIN || d.y > DATE_YEAR_MAX) {
        return DATE_BAD_FORMAT;
    }
    if (!date_is_valid(d)) {
        return DATE_NO_SUCH_DAY;
    }
    *out = d;
    return DATE_OK;
}

date date_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return (date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}
