/* date: calendar dates in the proleptic Gregorian calendar, and working days.
 *
 * ROSTER.md: dates come as dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd. RULES.md: "days remaining"
 * is a difference in calendar days; adding years turns 29 February into 28 February;
 * a working day is neither Saturday, Sunday nor a configured public holiday (seed §2.4.2).
 * A date is plain data; nothing here allocates. */
#ifndef CTS_DATE_H
#define CTS_DATE_H

#include <stddef.h>

typedef struct date {
    int y; /* 1900..2200 for a parsed date */
    int m; /* 1..12 */
    int d; /* 1..31 */
} date;

typedef enum date_status {
    DATE_OK = 0,
    DATE_BAD_FORMAT = -1, /* not one of the accepted shapes */
    DATE_NO_SUCH_DAY = -2 /* well formed but not on the calendar: 31/02/2026, month 13 */
} date_status;

/* Parses s (surrounding spaces ignored). On DATE_OK *out holds the date; else *out is
 * untouched. Accepts "dd/mm/yyyy", "d/m/yyyy" (also with '-' or '.' for '/') and
 * "yyyy-mm-dd"; years outside 1900..2200 are DATE_BAD_FORMAT. */
date_status date_parse(const char *s, date *out);

int date_is_valid(date d); /* 1 when d is a real calendar day */
int date_is_leap(int year);
int date_days_in_month(int year, int month);
long date_to_serial(date d); /* days since 1970-01-01 (negative before) */
date date_from_serial(long serial);
date date_add_days(date d, long days);
date date_add_years(date d, int years);  /* 29/02 -> 28/02 when the target year is not leap */
/* months later (months >= 0), the day clamped to the target month's last: 31/01 + 1 -> 28/02
 * or 29/02 (issue 12's renewal window). */
date date_add_months(date d, int months);
long date_diff_days(date from, date to); /* to - from, in calendar days */
int date_cmp(date a, date b);            /* <0, 0, >0 */
date date_today(void);                   /* the local calendar day now */
int date_weekday(date d);                /* ISO: 1 = Monday ... 7 = Sunday */

/* Formats into out (at least 11 bytes): ISO "2026-03-14" / Vietnamese "14/03/2026". */
void date_format_iso(date d, char *out);
void date_format_vn(date d, char *out);
/* A stored date shown to a clerk: text (ISO as the ledger keeps it, with or without a time
 * "T08:00:00", or any shape date_parse takes) as dd/mm/yyyy into out (at least 16 bytes);
 * text that is no date, its first 15 bytes as written. */
void date_text_vn(const char *text, char *out);

/* 1 when d is a working day: not Saturday or Sunday and not in holidays[0..n). */
int date_is_working_day(date d, const date *holidays, size_t n);
/* The day `count` working days after start (start itself not counted; count >= 0:
 * count 0 returns start). */
date date_add_working_days(date start, int count, const date *holidays, size_t n);

#endif
