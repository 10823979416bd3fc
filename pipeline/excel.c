/* excel: what spreadsheets do to data, undone or explained once per column (issue 10 items
 * 3, 4, 6; the catalogue is docs/excel.md). Written by hand: no library knows what Excel
 * does to Vietnamese rosters. The order and the choices are in excel.h. */
#include "excel.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "text.h"
#include "util.h"

const char *const EXCEL_DATE_KEYS[EXCEL_NDATE_KEYS] = {
    "ngay_de_nghi", "ngay_sinh",    "ngay_cap_cccd",    "ngay_het_han", "ngay_thu_hoi",
    "ngay_that_lac", "ngay_cap", "ngay_het_han_moi", "ngay_xac_nhan"};

/* Fields holding names of people, agencies and titles: never a '?', never a foreign letter. */
static const char *const EXCEL_NAME_KEYS[] = {
    "ho_ten",           "ten_co_quan", "thu_truong",         "co_quan_quan_ly", "co_quan_cong_tac",
    "co_quan_chu_quan", "chuc_vu",     "chuc_vu_thu_truong", "noi_cap_cccd",    "quyen_ky",
};
#define NNAME_KEYS (sizeof EXCEL_NAME_KEYS / sizeof EXCEL_NAME_KEYS[0])

/* Numbers Excel takes for numbers: the key, and the lengths a value that lost its leading 0
 * has. CCCD: 12 digits, always starting 0 (province code 001-096). Phones (RULES.md
 * dien-thoai): a mobile is 10 digits starting 0, a landline 11 starting 02. */
static const struct {
    const char *key;
    size_t len;      /* digits of a value that lost its 0 */
    char first_from; /* its first digit, from .. to */
    char first_to;
} ZERO_COLUMNS[] = {
    {"so_cccd", 11, '1', '9'},
    {"dien_thoai", 9, '1', '9'},
    {"dien_thoai", 10, '2', '2'},
    {"dien_thoai_co_quan", 9, '1', '9'},
    {"dien_thoai_co_quan", 10, '2', '2'},
};
#define NZERO (sizeof ZERO_COLUMNS / sizeof ZERO_COLUMNS[0])

/* The read stage's texts for the clerk (printf formats, arguments in the order written). */
static const char MSG_ZERO[] =
    "Cột «%s»: Excel đã bỏ số 0 ở đầu của %zu dòng (ví dụ %s thành %s) vì cột được định dạng "
    "là số; chương trình đã thêm lại số 0. Để tránh lỗi này, trước khi nhập hãy định dạng "
    "cột là Văn bản (chuột phải → Định dạng ô → Văn bản; Format Cells → Text), hoặc gõ dấu "
    "nháy ' trước số.";
/* The same for an XML roster, which another system wrote: Excel did not do it, and the fix is
 * that system's. "Trường", not "Cột": an XML roster has elements, not columns. */
static const char MSG_ZERO_XML[] =
    "Trường «%s»: %zu yêu cầu thiếu số 0 ở đầu (ví dụ %s thành %s), thường do hệ thống xuất "
    "tệp XML coi đây là một số; chương trình đã thêm lại số 0. Hãy đề nghị đơn vị quản lý "
    "hệ thống đó xuất trường này dạng chữ, giữ nguyên số 0 ở đầu.";
static const char MSG_MONTH_FIRST_XML[] =
    "Trường «%s» ghi ngày theo kiểu tháng/ngày/năm (có ngày «%s»): hệ thống xuất tệp XML "
    "ghi ngày theo kiểu của Mỹ (tháng/ngày). Chương trình đã đọc cả trường theo thứ tự "
    "tháng/ngày (%zu yêu cầu; ví dụ «%s» là ngày %s); hãy kiểm tra lại các ngày trong kết "
    "quả, và đề nghị đơn vị quản lý hệ thống đó ghi ngày theo dạng năm-tháng-ngày "
    "(2027-03-14) hoặc ngày/tháng/năm (14/03/2027).";
static const char MSG_MONTH_FIRST[] =
    "Cột «%s» ghi ngày theo kiểu tháng/ngày/năm (có ngày «%s»): tệp được lưu với thiết lập "
    "ngày của Mỹ (tháng/ngày). Chương trình đã đọc cả cột theo thứ tự tháng/ngày (%zu dòng; "
    "ví dụ «%s» là ngày %s); hãy kiểm tra lại các ngày trong kết quả. Để tránh lỗi này, hãy "
    "đặt định dạng ngày của Windows là Việt Nam (ngày/tháng/năm), hoặc định dạng cột là Văn "
    "bản và ghi ngày theo dạng 14/03/2027.";
static const char MSG_CODE_PAGE[] =
    "Tệp bị lỗi bảng mã ở %s («%s»): %s. Tệp đã được lưu bằng một bảng mã khác "
    "UTF-8 nên chữ tiếng Việt có dấu bị hỏng và không khôi phục được. Hãy mở tệp gốc trong "
    "Excel, chọn Tệp → Lưu thành (File → Save As), kiểu «CSV UTF-8 (Comma delimited)», rồi "
    "gửi lại; hoặc gửi chính tệp Excel (.xlsx).";
static const char WHY_QUESTION[] = "có dấu «?» thay cho chữ có dấu";
static const char WHY_FOREIGN[] = "có chữ «%s» không dùng trong tiếng Việt";
static const char WHY_MOJIBAKE[] =
    "có chuỗi ký tự «%s» là chữ tiếng Việt (mã UTF-8) bị đọc sai bảng mã";

/* ---- letters ---- */

/* 1 for a non-ASCII letter of Vietnamese (precomposed). */
static int vi_letter(uint32_t cp)
{
    static const uint32_t latin1[] = {0xC0, 0xC1, 0xC2, 0xC3, 0xC8, 0xC9, 0xCA, 0xCC,
                                      0xCD, 0xD2, 0xD3, 0xD4, 0xD5, 0xD9, 0xDA, 0xDD};
    static const uint32_t ext_a[] = {0x102, 0x103, 0x110, 0x111, 0x128, 0x129,
                                     0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0};
    for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0]; i++)
        if (cp == latin1[i] || cp == latin1[i] + 0x20)
            return 1;
    for (size_t i = 0; i < sizeof ext_a / sizeof ext_a[0]; i++)
        if (cp == ext_a[i])
            return 1;
    return cp >= 0x1EA0 && cp <= 0x1EF9;
}

/* 1 for a Latin letter with a mark (or ß, æ, ø, þ ...) that Vietnamese does not use. */
static int foreign_letter(uint32_t cp)
{
    int latin =
        (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF);
    return latin && !vi_letter(cp);
}

static int ascii_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* The byte a code point has in Windows-1258 or, failing that, Windows-1252 (the two code
 * pages UTF-8 is misread as), for bytes 0x80-0xFF; -1 for ASCII and what neither has. */
static int cp125x_byte(uint32_t cp)
{
    static const uint16_t c1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
    static const struct {
        uint16_t cp;
        uint8_t byte;
    } w1258[] = {{0x102, 0xC3}, {0x300, 0xCC}, {0x110, 0xD0}, {0x309, 0xD2}, {0x1A0, 0xD5},
                 {0x1AF, 0xDD}, {0x303, 0xDE}, {0x103, 0xE3}, {0x301, 0xEC}, {0x111, 0xF0},
                 {0x323, 0xF2}, {0x1A1, 0xF5}, {0x1B0, 0xFD}, {0x20AB, 0xFE}};
    if (cp < 0x80)
        return -1;
    if (cp >= 0xA0 && cp <= 0xFF)
        return (int)cp;
    for (size_t i = 0; i < sizeof w1258 / sizeof w1258[0]; i++)
        if (w1258[i].cp == cp)
            return w1258[i].byte;
    for (int i = 0; i < 32; i++)
        if (c1[i] && c1[i] == cp)
            return 0x80 + i;
    return -1;
}

static int continuation(int b)
{
    return b >= 0x80 && b <= 0xBF;
}

/* 1 when the code points at c[0..n) (n = 2 or 3), taken back to their Windows-125x bytes,
 * are the UTF-8 of a Vietnamese letter or of common punctuation: text read in the wrong
 * code page. Sets *len to how many code points that is. */
static int mojibake(const uint32_t *c, size_t n, size_t *len)
{
    int b0 = cp125x_byte(c[0]), b1 = n > 1 ? cp125x_byte(c[1]) : -1,
        b2 = n > 2 ? cp125x_byte(c[2]) : -1;
    if (b0 >= 0xC2 && b0 <= 0xDF && continuation(b1)) {
        *len = 2;
        return vi_letter((uint32_t)(((b0 & 0x1F) << 6) | (b1 & 0x3F)));
    }
    *len = 3;
    if (b0 == 0xE1 && continuation(b2)) /* U+1EA0-U+1EF9: á» ... */
        return (b1 == 0xBA && b2 >= 0xA0) || (b1 == 0xBB && b2 <= 0xB9);
    return b0 == 0xE2 && b1 == 0x80 && b2 >= 0x93 && b2 <= 0xA6; /* – — ‘ ’ “ ” • … */
}

static int letter(uint32_t cp)
{
    return ascii_letter(cp) || vi_letter(cp);
}

/* What is wrong with s, as the clerk's phrase (the caller frees), or NULL. name: a name
 * field (any '?'; and, when foreign, any letter Vietnamese does not use); header: a column
 * title ('?' inside a word, "Lo?i": a clerk's own column "Đã nộp hồ sơ?" stays a
 * question). foreign is for text decoded from an 8-bit code page: in UTF-8, a letter
 * like the ŏ of an Ê Đê name is what the clerk typed, not damage. */
static char *code_page_damage(const char *s, int name, int header, int foreign)
{
    uint32_t win[3] = {0, 0, 0};
    const char *starts[3] = {s, s, s};
    size_t have = 0;
    const char *p = s, *end = s + strlen(s);
    uint32_t prev = 0;
    while (p < end || have > 0) {
        while (have < 3 && p < end) { /* a window of three code points */
            starts[have] = p;
            long cp = text_utf8_next(&p, end);
            win[have++] = cp < 0 ? 0xFFFD : (uint32_t)cp;
        }
        size_t len;
        if (have >= 2 && mojibake(win, have, &len)) {
            const char *stop = len < have ? starts[len] : p;
            char *seq = xstrndup(starts[0], (size_t)(stop - starts[0]));
            char *why = xasprintf(WHY_MOJIBAKE, seq);
            free(seq);
            return why;
        }
        uint32_t c = win[0];
        if (c == '?' && (name || (header && letter(prev) && have > 1 && letter(win[1]))))
            return xstrdup(WHY_QUESTION);
        if (name && foreign && foreign_letter(c)) {
            char *one = xstrndup(starts[0], (size_t)((have > 1 ? starts[1] : p) - starts[0]));
            char *why = xasprintf(WHY_FOREIGN, one);
            free(one);
            return why;
        }
        prev = c;
        memmove(win, win + 1, sizeof win - sizeof win[0]);
        memmove(starts, starts + 1, sizeof starts - sizeof starts[0]);
        have--;
    }
    return NULL;
}

static int is_name_key(const char *key)
{
    for (size_t i = 0; i < NNAME_KEYS; i++)
        if (strcmp(key, EXCEL_NAME_KEYS[i]) == 0)
            return 1;
    return 0;
}

/* At most 80 bytes of s, cut at a character (the caller frees). */
static char *excerpt(const char *s)
{
    size_t n = strlen(s);
    if (n <= 80)
        return xstrdup(s);
    n = 80;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    char *cut = xstrndup(s, n), *out = xasprintf("%s…", cut);
    free(cut);
    return out;
}

/* where: "dòng 2, cột «Họ và tên»", "dòng tiêu đề (dòng 1)" ... */
static void fail_code_page(roster *r, long line, const char *where, const char *value,
                           const char *why)
{
    char *shown = excerpt(value);
    char *msg = xasprintf(MSG_CODE_PAGE, where, shown, why);
    roster_fail(r, line, msg);
    r->not_roster = 0; /* damaged, not foreign: the clerk must hear why (rejected/) */
    free(msg);
    free(shown);
}

/* sai-bang-ma in the header: an unknown or repeated column whose title is damaged fails the
 * file. Returns -1 then. */
static int header_damage(roster *r)
{
    for (size_t i = 0; i < r->nwarnings; i++) {
        const roster_note *w = &r->warnings[i];
        char *why = w->field ? code_page_damage(w->field, 0, 1, 0) : NULL;
        if (why) {
            char where[64];
            snprintf(where, sizeof where, "dòng tiêu đề (dòng %ld)", w->line);
            char *field = xstrdup(w->field); /* a copy: the note may move as the roster changes */
            fail_code_page(r, w->line, where, field, why);
            free(field);
            free(why);
            return -1;
        }
    }
    return 0;
}

/* Text decoded from an 8-bit code page (Windows-1258 detected, or forced), where a letter
 * Vietnamese does not use in a name is damage, not what the clerk typed. */
static int eight_bit(const roster *r)
{
    const char *enc = r->encoding ? r->encoding : "";
    return strncasecmp(enc, "utf", 3) != 0 && strcmp(enc, "biff") != 0;
}

/* ---- repairs ---- */

/* Sets key to value when it differs. A record changed loses its packed form (record_trim)
 * for the values changed; excel_repair packs it again, so a 20,000-row roster stays small. */
static void change(record *rec, const char *key, const char *value)
{
    if (strcmp(record_get(rec, key), value) != 0)
        record_set(rec, key, value);
}

/* 1 when a value of rec lives outside its packed block (record_set since record_trim). */
static int unpacked(const record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (!rec->pack || rec->fields[i].value < rec->pack ||
            rec->fields[i].value >= rec->pack + rec->packlen)
            return 1;
    return 0;
}

/* ---- lost leading zeros ---- */

static int all_digits(const char *s, size_t *n)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    *n = i;
    return i > 0 && s[i] == '\0';
}

/* The ZERO_COLUMNS row a value of key matches, or -1. */
static int lost_zero(const char *key, const char *value)
{
    size_t n;
    if (!all_digits(value, &n))
        return -1;
    for (size_t i = 0; i < NZERO; i++)
        if (strcmp(ZERO_COLUMNS[i].key, key) == 0 && ZERO_COLUMNS[i].len == n &&
            value[0] >= ZERO_COLUMNS[i].first_from && value[0] <= ZERO_COLUMNS[i].first_to)
            return (int)i;
    return -1;
}

/* ---- dates ---- */

typedef enum shape {
    SHAPE_NONE,        /* not a date (left to the rules) */
    SHAPE_FIXED,       /* yyyy-mm-dd, or day and month the same number */
    SHAPE_DAY_FIRST,   /* can only be day/month: 14/03/2027 */
    SHAPE_MONTH_FIRST, /* can only be month/day: 3/14/2027 */
    SHAPE_AMBIGUOUS    /* either: 1/2/2027 */
} shape;

/* "H:MM", "H:MM:SS", "H:MM:SS.fff", with an optional " AM" / " PM": 1 when s is that. */
static int is_time(const char *s)
{
    size_t i = 0, groups = 0;
    for (;;) {
        size_t d = 0;
        while (s[i] >= '0' && s[i] <= '9' && d < 4)
            i++, d++;
        if (d == 0 || d > 2 || (groups > 0 && d != 2))
            return 0;
        groups++;
        if (s[i] == ':' && groups < 3) {
            i++;
            continue;
        }
        break;
    }
    if (groups < 2)
        return 0;
    if (s[i] == '.' && groups == 3) {
        size_t d = 0;
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            d++;
        if (d == 0 || d > 6)
            return 0;
    }
    while (s[i] == ' ')
        i++;
    if ((s[i] == 'A' || s[i] == 'P' || s[i] == 'a' || s[i] == 'p') &&
        (s[i + 1] == 'M' || s[i + 1] == 'm'))
        i += 2;
    while (s[i] == ' ')
        i++;
    return s[i] == '\0';
}

char *excel_strip_time(const char *value)
{
    const char *s = value;
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, " T");
    if (!s[n] || n < 8 || n > 10)
        return NULL;
    const char *t = s + n + 1;
    while (*t == ' ')
        t++;
    return is_time(t) ? xstrndup(s, n) : NULL;
}

/* Reads "a<sep>b<sep>yyyy" (a, b of 1-2 digits, one separator of / - . used twice). */
static int day_month(const char *s, int *a, int *b, int *y)
{
    int v[3] = {0, 0, 0}, nd[3] = {0, 0, 0};
    char sep = 0;
    const char *p = s;
    while (*p == ' ')
        p++;
    for (int g = 0; g < 3; g++) {
        while (*p >= '0' && *p <= '9' && nd[g] < 5)
            v[g] = v[g] * 10 + (*p++ - '0'), nd[g]++;
        if (g < 2) {
            if ((*p != '/' && *p != '-' && *p != '.') || (g == 1 && *p != sep))
                return 0;
            sep = *p++;
        }
    }
    while (*p == ' ')
        p++;
    if (*p || nd[0] < 1 || nd[0] > 2 || nd[1] < 1 || nd[1] > 2 || nd[2] != 4)
        return 0;
    *a = v[0], *b = v[1], *y = v[2];
    return 1;
}

/* A calendar day date_parse takes (its year range): d/m/y as a date. */
static int real_day(int d, int m, int y, date *out)
{
    char s[32];
    snprintf(s, sizeof s, "%02d/%02d/%04d", d, m, y);
    return date_parse(s, out) == DATE_OK;
}

/* The shape of a date value (time already dropped), and its readings. */
static shape shape_of(const char *s, date *day_first, date *month_first)
{
    int a, b, y;
    if (!day_month(s, &a, &b, &y))
        return date_parse(s, day_first) == DATE_OK ? (*month_first = *day_first, SHAPE_FIXED)
                                                   : SHAPE_NONE;
    int df = real_day(a, b, y, day_first), mf = real_day(b, a, y, month_first);
    if (df && mf)
        return a == b ? SHAPE_FIXED : SHAPE_AMBIGUOUS;
    return df ? SHAPE_DAY_FIRST : mf ? SHAPE_MONTH_FIRST : SHAPE_NONE;
}

static void set_date(record *rec, const char *key, date d)
{
    char vn[16];
    date_format_vn(d, vn);
    change(rec, key, vn);
}

/* A roster the reader refused (its header unrecognisable: every label lost its letters):
 * when a cell of a line up to the one it failed on shows code-page damage, that is the
 * reason the clerk must read. At most EXCEL_TEXT_LINES lines of EXCEL_TEXT_LINE_BYTES. */
enum { EXCEL_TEXT_LINES = 20, EXCEL_TEXT_LINE_BYTES = 4096 };

static void explain_failure(roster *r, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    for (long line = 1; p < end && line <= EXCEL_TEXT_LINES && line <= r->error.line; line++) {
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        size_t n = (size_t)(eol - p);
        char *copy = xstrndup(p, n < EXCEL_TEXT_LINE_BYTES ? n : EXCEL_TEXT_LINE_BYTES);
        for (char *cell = copy, *next; cell; cell = next) {
            size_t w = strcspn(cell, ",;\t");
            next = cell[w] ? cell + w + 1 : NULL;
            cell[w] = '\0';
            char *why = code_page_damage(cell, 0, 1, 0);
            if (why) {
                char where[32];
                snprintf(where, sizeof where, "dòng %ld", line);
                char *value = str_trim_dup(cell);
                fail_code_page(r, line, where, value, why);
                free(value);
                free(why);
                free(copy);
                return;
            }
        }
        free(copy);
        p = eol;
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
}

/* ---- the scan: what excel_repair decides, a record at a time ---- */

static const char *const ZERO_KEYS[] = {"so_cccd", "dien_thoai", "dien_thoai_co_quan"};
#define NZERO_KEYS (sizeof ZERO_KEYS / sizeof ZERO_KEYS[0])

struct excel_scan {
    int sheet;  /* read from a spreadsheet: numbers past 15 digits are flagged as its */
    int xml;    /* read from XML: the warnings speak of another system, not Excel */
    /* sai-bang-ma: the first damaged value, in the order read */
    long bad_line;
    char *bad_where, *bad_value, *bad_why;
    /* excel-mat-so-0, per ZERO_KEYS: values that lost their 0, the first one before/after */
    struct {
        size_t count;
        char before[32], after[32];
    } zero[NZERO_KEYS];
    /* dates, per EXCEL_DATE_KEYS (times dropped): values per shape, the first value that can
     * only be month/day, the first one that a month-first reading turns round (and how) */
    struct {
        size_t count[5];
        char example[64], shown[64], read_as[16];
        int month_first, mixed; /* decided by excel_scan_end */
    } date[EXCEL_NDATE_KEYS];
};

excel_scan *excel_scan_new(void)
{
    return xcalloc(1, sizeof(excel_scan));
}

void excel_scan_free(excel_scan *s)
{
    if (!s)
        return;
    free(s->bad_where);
    free(s->bad_value);
    free(s->bad_why);
    free(s);
}

/* The value of key with its time dropped (a date with a time takes its date): a copy the
 * caller frees. */
static char *date_only(const record *rec, const char *key)
{
    char *plain = excel_strip_time(record_get(rec, key));
    return plain ? plain : xstrdup(record_get(rec, key));
}

void excel_scan_record(excel_scan *s, const roster *r, const record *rec)
{
    const char *fmt = r->format ? r->format : "";
    s->sheet = strcmp(fmt, "xlsx") == 0 || strcmp(fmt, "ods") == 0 || strcmp(fmt, "xls") == 0;
    s->xml = strcmp(fmt, "xml") == 0;
    for (size_t k = 0; !s->bad_why && k < rec->nfields; k++) {
        const char *key = rec->fields[k].key;
        char *why = code_page_damage(rec->fields[k].value, is_name_key(key), 0, eight_bit(r));
        if (why) {
            s->bad_line = rec->line;
            s->bad_where = xasprintf("dòng %ld, cột «%s»", rec->line, roster_label(key));
            s->bad_value = xstrdup(rec->fields[k].value);
            s->bad_why = why;
        }
    }
    for (size_t k = 0; k < NZERO_KEYS; k++) {
        const char *v = record_get(rec, ZERO_KEYS[k]);
        if (lost_zero(ZERO_KEYS[k], v) < 0)
            continue;
        if (!s->zero[k].count++) {
            snprintf(s->zero[k].before, sizeof s->zero[k].before, "%s", v);
            snprintf(s->zero[k].after, sizeof s->zero[k].after, "0%s", v);
        }
    }
    for (size_t k = 0; k < EXCEL_NDATE_KEYS; k++) {
        if (!record_has(rec, EXCEL_DATE_KEYS[k]))
            continue;
        char *v = date_only(rec, EXCEL_DATE_KEYS[k]);
        date df, mf;
        shape sh = shape_of(v, &df, &mf);
        s->date[k].count[sh]++;
        if (sh == SHAPE_MONTH_FIRST && !s->date[k].example[0])
            snprintf(s->date[k].example, sizeof s->date[k].example, "%s", v);
        if ((sh == SHAPE_MONTH_FIRST || sh == SHAPE_AMBIGUOUS) && !s->date[k].shown[0]) {
            snprintf(s->date[k].shown, sizeof s->date[k].shown, "%s", v);
            date_format_vn(mf, s->date[k].read_as);
        }
        free(v);
    }
}

/* A column's own values decide its order (one column may be typed as text, day first,
 * beside one Excel wrote month first). A column with no value of its own that shows the
 * order (only 1/2/2027, 5/5/2027, ISO) follows the file: Excel with US settings writes
 * every date column month first, so the 3/14/2027 of one column says how 1/2/2027 next
 * door reads; when the file shows both orders, its doubtful values are flagged. Each column
 * read month first is said once, quoting its own first month-first value, or, for a column
 * of only ambiguous values, the file's that decided it. */
static void decide_dates(excel_scan *s, roster *r)
{
    size_t month = 0, day = 0;
    const char *example = "";
    for (size_t k = 0; k < EXCEL_NDATE_KEYS; k++) {
        month += s->date[k].count[SHAPE_MONTH_FIRST];
        day += s->date[k].count[SHAPE_DAY_FIRST];
        if (!example[0])
            example = s->date[k].example;
    }
    for (size_t k = 0; k < EXCEL_NDATE_KEYS; k++) {
        size_t m = s->date[k].count[SHAPE_MONTH_FIRST], d = s->date[k].count[SHAPE_DAY_FIRST];
        int own = m || d;
        s->date[k].month_first = own ? m && !d : month && !day;
        s->date[k].mixed = own ? m && d : month && day;
        size_t swapped = s->date[k].month_first ? m + s->date[k].count[SHAPE_AMBIGUOUS] : 0;
        if (!swapped)
            continue;
        /* the column's own month-first value, else the file's that decided it */
        const char *own_example = s->date[k].example[0] ? s->date[k].example : example;
        char *msg = xasprintf(s->xml ? MSG_MONTH_FIRST_XML : MSG_MONTH_FIRST,
                              roster_label(EXCEL_DATE_KEYS[k]), own_example, swapped,
                              s->date[k].shown, s->date[k].read_as);
        roster_warn(r, 0, EXCEL_DATE_KEYS[k], msg);
        free(msg);
    }
}

int excel_scan_end(excel_scan *s, roster *r, const char *text, size_t len)
{
    if (r->failed && text)
        explain_failure(r, text, len);
    if (r->failed || header_damage(r) < 0)
        return -1;
    if (s->bad_why) {
        fail_code_page(r, s->bad_line, s->bad_where, s->bad_value, s->bad_why);
        return -1;
    }
    for (size_t k = 0; k < NZERO_KEYS; k++) { /* excel-mat-so-0: one warning per column */
        if (!s->zero[k].count)
            continue;
        char *msg = xasprintf(s->xml ? MSG_ZERO_XML : MSG_ZERO, roster_label(ZERO_KEYS[k]),
                              s->zero[k].count, s->zero[k].before, s->zero[k].after);
        roster_warn(r, 0, ZERO_KEYS[k], msg);
        free(msg);
    }
    decide_dates(s, r);
    return 0;
}

void excel_scan_apply(const excel_scan *s, record *rec)
{
    for (size_t k = 0; k < NZERO_KEYS; k++) { /* the 0 put back */
        const char *v = record_get(rec, ZERO_KEYS[k]);
        if (lost_zero(ZERO_KEYS[k], v) < 0)
            continue;
        char fixed[32];
        snprintf(fixed, sizeof fixed, "0%s", v);
        change(rec, ZERO_KEYS[k], fixed);
    }
    for (size_t k = 0; k < EXCEL_NDATE_KEYS; k++) { /* in the order decided, dd/mm/yyyy */
        const char *key = EXCEL_DATE_KEYS[k];
        if (!record_has(rec, key))
            continue;
        char *v = date_only(rec, key);
        change(rec, key, v);
        date df, mf;
        shape sh = shape_of(v, &df, &mf);
        free(v);
        if (sh == SHAPE_NONE)
            continue;
        int doubtful = sh == SHAPE_MONTH_FIRST || sh == SHAPE_AMBIGUOUS;
        if (s->date[k].mixed && doubtful) {
            record_flag_set(rec, key, "ngay-thang-kieu-my",
                            sh == SHAPE_AMBIGUOUS ? "mo-ho" : "thang-truoc");
            continue;
        }
        set_date(rec, key, s->date[k].month_first && doubtful ? mf : df);
    }
    /* A number cell of a spreadsheet past Excel's 15 significant digits (a serial or CCCD
     * typed into a cell formatted as a number) reads as scientific text (sheet.h): its finding
     * says so in the words of a spreadsheet (case bang-tinh of excel-so-khoa-hoc), not of a
     * CSV whose clerk could send the workbook instead. A roster key only: an unknown column
     * is not judged. */
    for (size_t k = 0; s->sheet && k < rec->nfields; k++) {
        const char *key = rec->fields[k].key;
        if (roster_label(key) != key && !record_flag_get(rec, key) &&
            excel_value_kind(rec->fields[k].value) == EXCEL_SCIENTIFIC)
            record_flag_set(rec, key, "excel-so-khoa-hoc", "bang-tinh");
    }
    if (unpacked(rec))
        record_trim(rec);
}

void excel_repair(roster *r, const char *text, size_t len)
{
    if (!r)
        return;
    excel_scan *s = excel_scan_new();
    for (size_t i = 0; !r->failed && i < r->nrecords; i++)
        excel_scan_record(s, r, &r->records[i]);
    if (excel_scan_end(s, r, text, len) == 0)
        for (size_t i = 0; i < r->nrecords; i++)
            excel_scan_apply(s, &r->records[i]);
    excel_scan_free(s);
}

/* ---- one value ---- */

/* "8,91861E+10", "5.4E+7", "1E+11", "-1,2E-05": Excel's scientific format always writes the
 * exponent's sign, which a hexadecimal serial ("54E7") never has. */
static int scientific(const char *s)
{
    size_t i = 0, d = 0;
    if (s[i] == '-' || s[i] == '+')
        i++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, d++;
    if (!d)
        return 0;
    if (s[i] == ',' || s[i] == '.') {
        size_t f = 0;
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            f++;
        if (!f)
            return 0;
    }
    if ((s[i] != 'E' && s[i] != 'e') || (s[i + 1] != '+' && s[i + 1] != '-'))
        return 0;
    i += 2;
    d = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++, d++;
    return d > 0 && d <= 3 && s[i] == '\0';
}

static int excel_error(const char *s)
{
    static const char *const errors[] = {"#N/A",   "#REF!",     "#VALUE!",      "#DIV/0!",
                                         "#NAME?", "#NUM!",     "#NULL!",       "#SPILL!",
                                         "#CALC!", "#FIELD!",   "#BLOCKED!",    "#CONNECT!",
                                         "#BUSY!", "#UNKNOWN!", "#GETTING_DATA"};
    size_t n = strlen(s), hashes = strspn(s, "#");
    if (n >= 2 && hashes == n) /* a column too narrow for its number or date */
        return 1;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        size_t m = strlen(errors[i]), k = 0;
        while (k < m && k < n &&
               (s[k] == errors[i][k] || (s[k] >= 'a' && s[k] <= 'z' && s[k] - 32 == errors[i][k])))
            k++;
        if (k == m && n == m)
            return 1;
    }
    /* LibreOffice: Err:502 */
    return n == 7 && strncmp(s, "Err:", 4) == 0 && s[4] >= '0' && s[4] <= '9' && s[5] >= '0' &&
           s[5] <= '9' && s[6] >= '0' && s[6] <= '9';
}

excel_kind excel_value_kind(const char *value)
{
    char *s = str_trim_dup(value ? value : "");
    excel_kind k = excel_error(s) ? EXCEL_ERROR : scientific(s) ? EXCEL_SCIENTIFIC : EXCEL_PLAIN;
    free(s);
    return k;
}
