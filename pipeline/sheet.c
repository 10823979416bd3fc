/* sheet: spreadsheet sniffing, typed cells as text and the shared row (sheet.h). Excel's
 * date systems: ECMA-376 Part 1 §18.17.4.1; the 1900 system counts a 29 February 1900 that
 * never was, as Lotus 1-2-3 did, so serials from 61 on are one day ahead of a plain count. */
#include "sheet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "date.h"
#include "util.h"
#include "xmlcheck.h"
#include "zipread.h"

#define ODS_MIME "application/vnd.oasis.opendocument.spreadsheet"

sheet_kind sheet_sniff(const char *data, size_t len)
{
    if (len >= 4 && memcmp(data, "\xD0\xCF\x11\xE0", 4) == 0)
        return SHEET_XLS;
    if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0)
        return SHEET_NONE;
    zipread_status st;
    zipread *z = zipread_open(data, len, &st);
    if (!z)
        return SHEET_ZIP_BROKEN;
    sheet_kind k = SHEET_ZIP;
    buf mime;
    buf_init(&mime, 256);
    if (zipread_entry(z, "mimetype", &mime) == ZIPREAD_OK && mime.len == strlen(ODS_MIME) &&
        memcmp(mime.data, ODS_MIME, mime.len) == 0)
        k = SHEET_ODS;
    else if (zipread_has(z, "xl/workbook.xml") || zipread_has(z, "[Content_Types].xml"))
        k = SHEET_XLSX;
    buf_release(&mime);
    zipread_close(z);
    return k;
}

void sheet_number_text(double v, char *out)
{
    if (!isfinite(v)) {
        snprintf(out, SHEET_TEXT_BYTES, "#NUM!");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, SHEET_TEXT_BYTES, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, SHEET_TEXT_BYTES, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    /* a locale with ',' for the decimal point must not change what the clerk's value is */
    for (char *p = out; *p; p++)
        if (*p == ',')
            *p = '.';
    /* an exponent as Excel shows it: 5.4010101E+31, 1E+20, 1.5E-07 */
    char *e = strchr(out, 'e');
    if (e) {
        int x = atoi(e + 1);
        snprintf(e, SHEET_TEXT_BYTES - (size_t)(e - out), "E%c%02d", x < 0 ? '-' : '+',
                 x < 0 ? -x : x);
    }
}

int sheet_serial_text(double serial, int date1904, char *out)
{
    if (!isfinite(serial) || serial < (date1904 ? 0 : 1) || serial >= 2958466.0)
        return -1;
    double day = floor(serial);
    long minutes = lround((serial - day) * 1440.0);
    if (minutes >= 1440)
        day += 1, minutes -= 1440;
    char d[16];
    if (!date1904 && day == 60) {
        snprintf(d, sizeof d, "1900-02-29");
    } else {
        /* days since 1970-01-01 of serial 0: 1899-12-31 (before the false leap day) or
         * 1899-12-30 (after it); 1904-01-01 in the 1904 system */
        long base = date1904 ? -24107 : day < 60 ? -25568 : -25569;
        date_format_iso(date_from_serial((long)day + base), d);
    }
    if (minutes)
        snprintf(out, SHEET_TEXT_BYTES, "%s %02ld:%02ld", d, minutes / 60, minutes % 60);
    else
        snprintf(out, SHEET_TEXT_BYTES, "%s", d);
    return 0;
}

int sheet_format_is_date(long id, const char *code)
{
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47))
        return 1;
    if (!code)
        return 0;
    for (const char *p = code; *p; p++) {
        switch (*p) {
        case '"': /* literal text */
            p = strchr(p + 1, '"');
            if (!p)
                return 0;
            break;
        case '[': /* a colour, a condition or a locale: [Red], [<100], [$-42A] */
            p = strchr(p + 1, ']');
            if (!p)
                return 0;
            break;
        case '\\': /* an escaped character */
        case '_':  /* a space as wide as the next character */
        case '*':  /* the next character repeated to fill */
            if (!p[1])
                return 0;
            p++;
            break;
        case 'd':
        case 'D':
        case 'm':
        case 'M':
        case 'y':
        case 'Y':
            return 1;
        default:
            break;
        }
    }
    return 0;
}

int sheet_iso_text(const char *iso, char *out)
{
    int y, mo, d, h = 0, mi = 0, n = 0;
    if (sscanf(iso, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return -1;
    const char *rest = iso + 10;
    if (*rest == 'T' || *rest == ' ') {
        int m = 0;
        if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            return -1;
    } else if (*rest) {
        return -1;
    }
    date dt = {y, mo, d};
    if (!date_is_valid(dt) || h > 23 || mi > 59 || h < 0 || mi < 0)
        return -1;
    char ds[16];
    date_format_iso(dt, ds);
    if (h || mi)
        snprintf(out, SHEET_TEXT_BYTES, "%s %02d:%02d", ds, h, mi);
    else
        snprintf(out, SHEET_TEXT_BYTES, "%s", ds);
    return 0;
}

static int fail_row(table *t, long line, const char *fmt, long a)
{
    char *msg = xasprintf(fmt, line, a);
    roster_fail(table_roster(t), line, msg);
    free(msg);
    return -1;
}

int sheet_row_set(sheet_row *row, table *t, size_t col, const char *text, size_t len)
{
    if (!len)
        return 0;
    if (col >= TABLE_MAX_COLUMNS)
        return fail_row(t, row->line,
                        "Dòng %ld có dữ liệu ở quá nhiều cột (tối đa %ld); hãy xóa các cột "
                        "thừa ở bên phải danh sách rồi lưu lại.",
                        TABLE_MAX_COLUMNS);
    if (len > CSV_MAX_FIELD_BYTES)
        return fail_row(t, row->line, "Ô dữ liệu ở dòng %ld dài quá giới hạn cho phép (%ld byte).",
                        (long)CSV_MAX_FIELD_BYTES);
    if (++row->total > SHEET_MAX_CELLS)
        return fail_row(t, row->line,
                        "Bảng tính có quá nhiều ô dữ liệu (dòng %ld vượt giới hạn %ld ô); hãy "
                        "chia danh sách thành nhiều tệp.",
                        (long)SHEET_MAX_CELLS);
    free(row->cells[col]);
    row->cells[col] = xstrndup(text, len);
    if (col + 1 > row->n)
        row->n = col + 1;
    return 0;
}

void sheet_row_clear(sheet_row *row)
{
    for (size_t i = 0; i < row->n; i++) {
        free(row->cells[i]);
        row->cells[i] = NULL;
    }
    row->n = 0;
}

int sheet_row_emit(sheet_row *row, table *t)
{
    static char empty[] = "";
    for (size_t i = 0; i < row->n; i++)
        if (!row->cells[i])
            row->cells[i] = empty;
    int rc = table_row(t, row->line, row->cells, row->n);
    for (size_t i = 0; i < row->n; i++)
        if (row->cells[i] == empty)
            row->cells[i] = NULL;
    sheet_row_clear(row);
    return rc;
}

/* The clerk's words for a part of the file that is broken, and how to repair it. */
static void fail_part(table *t, long line, const char *part, const char *what, const char *fix)
{
    char *msg = xasprintf("Tệp bảng tính bị hỏng hoặc không đúng định dạng (phần %s, dòng %ld: "
                          "%s); %s",
                          part, line, what, fix);
    roster_fail(table_roster(t), 0, msg);
    free(msg);
}

/* A part read from its zip a piece at a time: each piece goes through the attribute scan
 * before libxml2 sees it, so a start tag with too many attributes is refused before it is
 * parsed (xmlcheck.h: libxml2 checks a tag's attributes pairwise). */
typedef struct part_stream {
    table *t;
    zipread_stream *zs;
    char *name;
    const char *kind, *fix;
    xmlcheck_attrs attrs;
    char first[4096]; /* the first piece, read to see whether the part is empty */
    size_t nfirst, given;
} part_stream;

static int part_close(void *ctx)
{
    part_stream *ps = ctx;
    zipread_stream_close(ps->zs);
    free(ps->name);
    free(ps);
    return 0;
}

static long part_pull(part_stream *ps, char *p, size_t len)
{
    zipread_status st;
    long n = zipread_stream_read(ps->zs, p, len, &st);
    if (n < 0) { /* the zip's fault, said as when the archive is opened */
        char *what = xasprintf("%s (%s)", sheet_zip_problem(st), ps->name);
        sheet_fail(ps->t, ps->kind, what, ps->fix);
        free(what);
        return -1;
    }
    xmlcheck_attrs_feed(&ps->attrs, p, (size_t)n);
    if (ps->attrs.declaration) { /* refused before libxml2 parses it (xmlcheck.h) */
        fail_part(ps->t, 0, ps->name, "có khai báo DOCTYPE", ps->fix);
        return -1;
    }
    if (ps->attrs.most > XMLCHECK_MAX_ATTRIBUTES) {
        char *msg = xasprintf("Phần %s của bảng tính có một phần tử mang hơn %d thuộc tính: đây "
                              "không phải bảng tính bình thường (có thể là tệp độc hại). %s",
                              ps->name, XMLCHECK_MAX_ATTRIBUTES, ps->fix);
        roster_fail(table_roster(ps->t), 0, msg);
        free(msg);
        return -1;
    }
    return n;
}

static int part_read(void *ctx, char *p, int len)
{
    part_stream *ps = ctx;
    if (len <= 0 || table_roster(ps->t)->failed)
        return -1;
    if (ps->given < ps->nfirst) {
        size_t n = ps->nfirst - ps->given < (size_t)len ? ps->nfirst - ps->given : (size_t)len;
        memcpy(p, ps->first + ps->given, n);
        ps->given += n;
        return (int)n;
    }
    return (int)part_pull(ps, p, (size_t)len);
}

void sheet_fail(table *t, const char *kind, const char *what, const char *fix)
{
    char *msg = xasprintf("Không đọc được %s: %s. %s", kind, what, fix);
    roster_fail(table_roster(t), 0, msg);
    free(msg);
}

xmlTextReader *sheet_xml_stream(table *t, zipread *z, const char *name, const char *kind,
                                const char *fix, zipread_status *status)
{
    zipread_stream *zs = zipread_stream_open(z, name, status);
    if (!zs)
        return NULL;
    part_stream *ps = xcalloc(1, sizeof *ps);
    ps->t = t;
    ps->zs = zs;
    ps->name = xstrdup(name);
    ps->kind = kind;
    ps->fix = fix;
    xmlcheck_attrs_init(&ps->attrs);
    long n = part_pull(ps, ps->first, sizeof ps->first);
    if (n <= 0) { /* failed, or an empty part: no reader, as for an empty part read whole */
        part_close(ps);
        return NULL;
    }
    ps->nfirst = (size_t)n;
    xmlTextReader *rd = xmlcheck_reader_io(part_read, part_close, ps, name);
    if (!rd)
        fail_part(t, 0, name, "không đọc được", fix);
    return rd;
}

int sheet_xml_next(table *t, xmlTextReader *rd, const char *name, const char *fix)
{
    int rc = xmlTextReaderRead(rd);
    if (rc == 1) {
        int type = xmlTextReaderNodeType(rd);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            fail_part(t, 0, name, "có khai báo DOCTYPE", fix);
            return -1;
        }
        if (xmlTextReaderDepth(rd) > SHEET_MAX_XML_DEPTH) {
            fail_part(t, 0, name, "các phần tử lồng nhau quá sâu", fix);
            return -1;
        }
        return 1;
    }
    if (rc == 0)
        return 0;
    if (table_roster(t)->failed) /* a part read in stream said why already */
        return -1;
    const xmlError *e = xmlGetLastError();
    char what[200];
    snprintf(what, sizeof what, "XML sai cú pháp ở dòng %d", e ? e->line : 0);
    fail_part(t, 0, name, what, fix);
    return -1;
}

const char *sheet_xml_name(xmlTextReader *rd)
{
    const xmlChar *n = xmlTextReaderConstLocalName(rd);
    return n ? (const char *)n : "";
}

char *sheet_xml_attr(xmlTextReader *rd, const char *local)
{
    char *found = NULL;
    if (xmlTextReaderMoveToFirstAttribute(rd) != 1)
        return NULL;
    do {
        const xmlChar *n = xmlTextReaderConstLocalName(rd);
        if (n && strcmp((const char *)n, local) == 0) {
            const xmlChar *v = xmlTextReaderConstValue(rd);
            found = xstrdup(v ? (const char *)v : "");
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(rd) == 1);
    xmlTextReaderMoveToElement(rd);
    return found;
}

const char *sheet_zip_problem(int status)
{
    switch (status) {
    case ZIPREAD_TOO_MANY:
        return "gói nén chứa quá nhiều thành phần";
    case ZIPREAD_TOO_BIG:
        return "dữ liệu khi giải nén lớn quá giới hạn (có thể là tệp nén độc hại)";
    case ZIPREAD_RATIO:
        return "dữ liệu bị nén với tỉ lệ bất thường (có thể là tệp nén độc hại)";
    case ZIPREAD_ENCRYPTED:
        return "tệp được đặt mật khẩu; hãy bỏ mật khẩu của tệp";
    case ZIPREAD_MISSING:
        return "thiếu thành phần bắt buộc của bảng tính";
    default:
        return "gói nén zip bị hỏng";
    }
}

void sheet_note_choice(table *t, char *const *names, const unsigned char *why, size_t n,
                       size_t chosen)
{
    if (chosen == 0 || chosen >= n || why[chosen] == SHEET_NO_HEADER)
        return;
    buf m;
    buf_init(&m, 4096);
    buf_printf(&m, "Tệp có %zu trang tính; chương trình đọc trang «%.100s» (trang thứ %zu) và bỏ "
                   "qua ",
               n, names[chosen] ? names[chosen] : "", chosen + 1);
    for (size_t k = 0; k < chosen; k++)
        buf_printf(&m, "%s«%.100s» (%s)", k ? ", " : "", names[k] ? names[k] : "",
                   why[k] == SHEET_HIDDEN ? "trang bị ẩn" : "không có dòng tiêu đề của danh sách");
    buf_puts(&m, ". Chỉ một trang được đọc: nếu danh sách nằm ở trang khác, hãy đưa trang đó "
                 "lên đầu tệp.");
    roster_warn(table_roster(t), 0, NULL, buf_str(&m));
    buf_release(&m);
}
