/* excel: what spreadsheets do to data (issue 10 items 3, 4, 6), undone or explained once per
 * column. It works on the text values of a roster's records, whatever reader made them (CSV,
 * XML, or a spreadsheet reader handing numbers as plain decimal text, date cells as
 * dd/mm/yyyy and error cells as "#N/A"), and runs once per roster, at the end of the read
 * stage (read_roster_mem), on a roster that did not fail.
 *
 * In this order (docs/excel.md is the clerk-facing catalogue, with the rule ids):
 *
 * 1. Wrong code page (`sai-bang-ma`): text saved by Excel in another code page than UTF-8
 *    (cp1252 "CSV" on a non-Vietnamese Windows) or UTF-8 read as Windows-1258/1252
 *    (mojibake such as "Nguyá»…n", "Ã¡", "Æ°"). Any '?' in a name field (ho_ten,
 *    ten_co_quan, the agencies, titles, thu_truong, noi_cap_cccd), a letter Vietnamese does
 *    not use in a name field ("ñ ø å ß ä ë ï ö ü ÿ ç"), a '?' inside a word of a column
 *    header ("Lo?i thuê bao"; "Đã nộp hồ sơ?" is a question), or in any field or header a
 *    pair (or triple) of characters whose Windows-1258 / Windows-1252 bytes are the UTF-8
 *    encoding of a Vietnamese letter or of common punctuation ("á»…", "Ã¡", "â€“"): the
 *    whole file fails (roster_fail), naming the first line and field, and
 *    tells the clerk to save as "CSV UTF-8" or send the Excel file itself. A '?' in a free
 *    text field (ghi_chu, hoan_canh, ...) is not looked at; every Vietnamese letter,
 *    precomposed (NFC, which the readers make), passes.
 * 2. Lost leading zero (`excel-mat-so-0`): a so_cccd of 11 digits not starting with 0, a
 *    phone (dien_thoai, dien_thoai_co_quan) of 9 digits not starting with 0 (a mobile) or of
 *    10 digits starting with 2 (a landline 02x...: a 10-digit value starting otherwise is no
 *    Vietnamese number missing its 0, and is left to the phone rule). The 0 is put back, and
 *    the roster gets ONE warning per column (line 0) naming the column, the count of rows,
 *    and how to format the column as Text. Values that were right are not touched.
 * 3. Dates (EXCEL_DATE_KEYS). A value with a time ("14/03/2027 00:00", "2027-03-14 00:00:00",
 *    "14/03/2027 0:00:00", an optional AM/PM) takes its date. Per column, day/month values
 *    are sorted into day-first only (14/03/2027), month-first only (3/14/2027) and
 *    ambiguous (1/2/2027; the same number twice is not ambiguous); yyyy-mm-dd is neutral:
 *      - no month-first only value: the column is day-first (ROSTER.md), as before;
 *      - month-first only values and no day-first only value: the file was saved with US
 *        (month/day) settings; Excel writes a whole column in one order, so every day/month
 *        value of it, the ambiguous ones too, is read month-first, with ONE warning
 *        (`ngay-thang-kieu-my`, line 0) naming the column;
 *      - both kinds in one column: no order can be trusted; each month-first only or
 *        ambiguous value is flagged (record_flag_set, rule `ngay-thang-kieu-my`, case
 *        "thang-truoc" or "mo-ho") and left as written; the check stage rejects its row.
 *        Day-first only values stand.
 *    A column's own values decide; a column with no value of its own showing the order
 *    (only ambiguous, same-number or ISO values) follows the file: read month-first when
 *    another column is month-first and none day-first, its ambiguous values flagged when
 *    the file shows both orders. A spreadsheet reader's typed date cells arrive as ISO
 *    (sheet.h), so they never take part and are never turned round.
 * 4. Every date that parses (in the order decided) is rewritten dd/mm/yyyy (issue 10 item
 *    6: forms print every date so), deterministically: the same roster always gives the
 *    same values. Dates are not part of a request's ledger key (rules_request_key).
 *
 * Per-value damage (scientific notation, Excel error values, certificate and device
 * serials) needs no column and is checked by rules.c (rules `excel-so-khoa-hoc`,
 * `excel-gia-tri-loi`, `so-hieu-hex`, `so-serial-thiet-bi`); excel_value_kind is what it
 * asks. The file-level texts here (warnings, the code-page refusal) are the read stage's,
 * in one table in excel.c, as csv.c's and read.c's are; row findings' texts are in the
 * configuration like every rule's. */
#ifndef CTS_EXCEL_H
#define CTS_EXCEL_H

#include <stddef.h>

#include "roster.h"

/* The date keys of ROSTER.md (rules.c checks the same ones). */
extern const char *const EXCEL_DATE_KEYS[];
#define EXCEL_NDATE_KEYS 9

/* Repairs and checks r in place as described above. text[0..len) is the UTF-8 text the
 * roster was read from, or NULL (XML, a spreadsheet): when the reader failed r at a line up
 * to which a cell of text shows code-page damage (a cp1252 header "H? và tên" is no header
 * the reader knows), the failure is replaced by the code-page one, which says what to do.
 * Otherwise a failed roster is left as it is. */
void excel_repair(roster *r, const char *text, size_t len);

/* excel_repair a record at a time, for a roster read in stream (read_roster_each): a scan
 * sees each record once as it is read (excel_scan_record), decides at the end of the file
 * what excel_repair would (excel_scan_end: the same warnings added to r, the same code-page
 * refusal failing it, -1 then), and repairs each record read again (excel_scan_apply). It
 * keeps counts and first examples, never records. excel_repair is these over r's records. */
typedef struct excel_scan excel_scan;
excel_scan *excel_scan_new(void);
void excel_scan_free(excel_scan *s); /* accepts NULL */
void excel_scan_record(excel_scan *s, const roster *r, const record *rec);
int excel_scan_end(excel_scan *s, roster *r, const char *text, size_t len);
void excel_scan_apply(const excel_scan *s, record *rec);

typedef enum excel_kind {
    EXCEL_PLAIN = 0,      /* nothing Excel did that shows */
    EXCEL_SCIENTIFIC = 1, /* "8,91861E+10", "5.4E+7": a number shown in scientific notation */
    EXCEL_ERROR = 2       /* "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!",
                           * "#NULL!", "####", LibreOffice's "Err:502", ... */
} excel_kind;

/* What Excel did to one value (surrounding spaces ignored). */
excel_kind excel_value_kind(const char *value);

/* The date of a date value as a clerk may write it, time dropped ("14/03/2027 0:00" ->
 * "14/03/2027"): a copy the caller frees, or NULL when value has no time part. */
char *excel_strip_time(const char *value);

#endif
