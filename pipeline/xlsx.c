/* xlsx: a SpreadsheetML workbook's roster sheet as rows of text cells (xlsx.h). */
#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sheet.h"
#include "text.h"
#include "util.h"
#include "zipread.h"

static const char FIX[] = "Hãy mở tệp trong Excel và lưu lại (Lưu thành > Excel Workbook "
                          "(*.xlsx)), hoặc lưu thành CSV UTF-8.";

/* Sheets of a workbook looked at for the roster (the rest are never read). */
#define XLSX_MAX_SHEETS 64

typedef struct sheet_ref {
    char *rid;
    int hidden; /* state="hidden" or "veryHidden" */
} sheet_ref;

typedef struct book {
    table *t;
    zipread *z;
    int date1904;
    sheet_ref sheets[XLSX_MAX_SHEETS];
    char *names[XLSX_MAX_SHEETS];
    size_t nsheets;
    char *sheet_path;
    char **strings; /* shared strings */
    size_t nstrings, scap;
    unsigned char *xf_date; /* per cellXfs index: 1 when its number format shows a date */
    size_t nxf;
} book;

static const char KIND[] = "tệp Excel (.xlsx)";

static void fail(book *b, const char *what)
{
    sheet_fail(b->t, KIND, what, FIX);
}

/* A part as a reader pulling it from the zip a piece at a time (a 44 MB sheet is never held
 * whole). A missing optional part, or an empty one, is NULL and 0. */
static int open_part(book *b, const char *name, int required, xmlTextReader **rd)
{
    zipread_status st;
    *rd = sheet_xml_stream(b->t, b->z, name, KIND, FIX, &st);
    if (*rd)
        return 0;
    if (table_roster(b->t)->failed)
        return -1;
    if (!required && (st == ZIPREAD_OK || st == ZIPREAD_MISSING))
        return 0;
    char *what = st == ZIPREAD_OK ? xasprintf("phần %s trống", name)
                                  : xasprintf("%s (%s)", sheet_zip_problem(st), name);
    fail(b, what);
    free(what);
    return -1;
}

static int is_true(const char *v)
{
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* xl/workbook.xml: the date system and the sheets, in the workbook's order. */
static int read_workbook(book *b)
{
    xmlTextReader *rd;
    int rc = open_part(b, "xl/workbook.xml", 1, &rd);
    int n;
    while (rd && (n = sheet_xml_next(b->t, rd, "xl/workbook.xml", FIX)) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *name = sheet_xml_name(rd);
        if (strcmp(name, "workbookPr") == 0) {
            char *v = sheet_xml_attr(rd, "date1904");
            b->date1904 = is_true(v);
            free(v);
        } else if (strcmp(name, "sheet") == 0 && b->nsheets < XLSX_MAX_SHEETS) {
            sheet_ref *sh = &b->sheets[b->nsheets];
            char *state = sheet_xml_attr(rd, "state");
            sh->rid = sheet_xml_attr(rd, "id");
            if (!sh->rid)
                sh->rid = xstrdup("");
            b->names[b->nsheets++] = sheet_xml_attr(rd, "name");
            sh->hidden = state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0);
            free(state);
        }
    }
    if (rd && !b->nsheets && !table_roster(b->t)->failed)
        fail(b, "bảng tính không có trang nào");
    rc = b->nsheets && !table_roster(b->t)->failed ? 0 : -1;
    if (rd)
        xmlFreeTextReader(rd);
    return rc;
}

/* xl/_rels/workbook.xml.rels: where sheet k (of b->sheets) is, into b->sheet_path. */
static void find_sheet(book *b, size_t k)
{
    const char *rid = b->sheets[k].rid;
    free(b->sheet_path);
    b->sheet_path = NULL;
    const char *name = "xl/_rels/workbook.xml.rels";
    xmlTextReader *rd;
    (void)open_part(b, name, 0, &rd);
    while (rd && !b->sheet_path && sheet_xml_next(b->t, rd, name, FIX) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT ||
            strcmp(sheet_xml_name(rd), "Relationship") != 0)
            continue;
        char *id = sheet_xml_attr(rd, "Id"), *target = sheet_xml_attr(rd, "Target");
        if (id && target && strcmp(id, rid) == 0)
            b->sheet_path = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
        free(id);
        free(target);
    }
    if (rd)
        xmlFreeTextReader(rd);
    if (!b->sheet_path && !table_roster(b->t)->failed) /* Excel's own naming */
        b->sheet_path = xasprintf("xl/worksheets/sheet%zu.xml", k + 1);
}

/* Appends text to out, decoding ST_Xstring escapes (_x000D_ is a carriage return). Returns
 * -1 when out is full. */
static int put_xstring(buf *out, const char *s)
{
    for (const char *p = s; *p; p++) {
        unsigned cp;
        int used = 0;
        if (p[0] == '_' && p[1] == 'x' && sscanf(p + 2, "%4x%n", &cp, &used) == 1 && used == 4 &&
            p[6] == '_') {
            /* an escape of no character (NUL, a lone surrogate) is shown as U+FFFD: the
             * row then says which field holds what cannot be printed */
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0xFFFD;
            if (text_utf8_put(out, cp) < 0)
                return -1;
            p += 6;
            continue;
        }
        if (buf_putc(out, *p) < 0)
            return -1;
    }
    return 0;
}

/* Collects the text of the current element (<si>, or <is>) up to its end, leaving out
 * phonetic runs (<rPh>). Returns 0, or -1 after failing the roster. */
static int collect_text(book *b, xmlTextReader *rd, const char *part, buf *out)
{
    buf_reset(out);
    if (xmlTextReaderIsEmptyElement(rd))
        return 0;
    int depth = xmlTextReaderDepth(rd), in_t = 0, skip = 0, n;
    while ((n = sheet_xml_next(b->t, rd, part, FIX)) == 1) {
        int type = xmlTextReaderNodeType(rd);
        const char *name = sheet_xml_name(rd);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(rd) == depth)
            return 0;
        if (type == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(rd)) {
            skip += strcmp(name, "rPh") == 0;
            in_t += strcmp(name, "t") == 0;
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            skip -= strcmp(name, "rPh") == 0 && skip > 0;
            in_t -= strcmp(name, "t") == 0 && in_t > 0;
        } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
                   in_t && !skip) {
            const xmlChar *v = xmlTextReaderConstValue(rd);
            if (v && put_xstring(out, (const char *)v) < 0)
                out->full = 1; /* cut: sheet_row_set refuses it when it is used */
        }
    }
    return n < 0 ? -1 : 0;
}

static int read_strings(book *b)
{
    buf text;
    buf_init(&text, CSV_MAX_FIELD_BYTES + 1);
    const char *name = "xl/sharedStrings.xml";
    xmlTextReader *rd;
    int rc = open_part(b, name, 0, &rd), n;
    while (rd && (n = sheet_xml_next(b->t, rd, name, FIX)) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT ||
            strcmp(sheet_xml_name(rd), "si") != 0)
            continue;
        if (b->nstrings >= SHEET_MAX_CELLS) {
            fail(b, "bảng tính có quá nhiều chuỗi ký tự");
            break;
        }
        if (collect_text(b, rd, name, &text) < 0)
            break;
        b->strings = xgrow(b->strings, &b->scap, b->nstrings + 1, sizeof *b->strings);
        /* a cut string keeps one byte past the limit, for sheet_row_set to refuse */
        b->strings[b->nstrings++] = text.full ? xstrdup("") : xstrndup(buf_str(&text), text.len);
        if (text.full) {
            free(b->strings[b->nstrings - 1]);
            b->strings[b->nstrings - 1] = xcalloc(CSV_MAX_FIELD_BYTES + 2, 1);
            memset(b->strings[b->nstrings - 1], 'x', CSV_MAX_FIELD_BYTES + 1);
        }
    }
    if (table_roster(b->t)->failed)
        rc = -1;
    if (rd)
        xmlFreeTextReader(rd);
    buf_release(&text);
    return rc;
}

static long attr_long(xmlTextReader *rd, const char *name, long dflt)
{
    char *v = sheet_xml_attr(rd, name);
    long n;
    if (!v || str_to_long(v, &n) < 0)
        n = dflt;
    free(v);
    return n;
}

/* xl/styles.xml: which cell formats show dates. Custom codes (<numFmt>) come before the
 * <cellXfs> that use them. */
static int read_styles(book *b)
{
    const char *name = "xl/styles.xml";
    xmlTextReader *rd;
    int rc = open_part(b, name, 0, &rd);
    long *ids = NULL;
    char **codes = NULL;
    size_t ncodes = 0, cap = 0, xcap = 0;
    int in_xfs = 0;
    while (rd && sheet_xml_next(b->t, rd, name, FIX) == 1) {
        int type = xmlTextReaderNodeType(rd);
        const char *el = sheet_xml_name(rd);
        if (strcmp(el, "cellXfs") == 0) {
            in_xfs = type == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(rd);
        } else if (type == XML_READER_TYPE_ELEMENT && strcmp(el, "numFmt") == 0 &&
                   ncodes < XLSX_MAX_STYLES) {
            ids = xgrow(ids, &cap, ncodes + 1, sizeof *ids);
            codes = xrealloc(codes, cap * sizeof *codes);
            ids[ncodes] = attr_long(rd, "numFmtId", -1);
            codes[ncodes] = sheet_xml_attr(rd, "formatCode");
            ncodes++;
        } else if (type == XML_READER_TYPE_ELEMENT && in_xfs && strcmp(el, "xf") == 0 &&
                   b->nxf < XLSX_MAX_STYLES) {
            long id = attr_long(rd, "numFmtId", 0);
            const char *code = NULL;
            for (size_t i = 0; i < ncodes; i++)
                if (ids[i] == id)
                    code = codes[i];
            b->xf_date = xgrow(b->xf_date, &xcap, b->nxf + 1, 1);
            b->xf_date[b->nxf++] = (unsigned char)sheet_format_is_date(id, code);
        }
    }
    rc = table_roster(b->t)->failed ? -1 : rc;
    for (size_t i = 0; i < ncodes; i++)
        free(codes[i]);
    free(codes);
    free(ids);
    if (rd)
        xmlFreeTextReader(rd);
    return rc;
}

/* "AB12" -> column 27 (0-based); -1 when ref starts with no letter. */
static long ref_column(const char *ref)
{
    long col = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z' && col <= 100000; p++)
        col = col * 26 + (*p - 'A' + 1);
    return p == ref ? -1 : col - 1;
}

typedef struct cell {
    long col;
    char type[8]; /* t: "s", "str", "inlineStr", "b", "e", "n", "d" */
    long style;
} cell;

/* The text of a finished cell into out (may point into b->strings). */
static const char *cell_text(book *b, const cell *c, const buf *v, char *num)
{
    const char *s = buf_str(v);
    if (strcmp(c->type, "s") == 0) {
        long i;
        return str_to_long(s, &i) == 0 && i >= 0 && (size_t)i < b->nstrings ? b->strings[i] : "";
    }
    if (strcmp(c->type, "b") == 0)
        return strcmp(s, "1") == 0 ? "TRUE" : strcmp(s, "0") == 0 ? "FALSE" : s;
    if (strcmp(c->type, "d") == 0)
        return sheet_iso_text(s, num) == 0 ? num : s;
    if (c->type[0] && strcmp(c->type, "n") != 0)
        return s; /* str, inlineStr, e: the text itself */
    char *end;
    double d = strtod(s, &end);
    if (!s[0] || *end)
        return s;
    int is_date = c->style >= 0 && (size_t)c->style < b->nxf && b->xf_date[c->style];
    if (!is_date || sheet_serial_text(d, b->date1904, num) < 0)
        sheet_number_text(d, num);
    return num;
}

/* Starts a cell at its <c> element. */
static void cell_start(xmlTextReader *rd, cell *c, long next_col)
{
    char *ref = sheet_xml_attr(rd, "r"), *t = sheet_xml_attr(rd, "t");
    c->col = ref ? ref_column(ref) : -1;
    if (c->col < 0)
        c->col = next_col;
    snprintf(c->type, sizeof c->type, "%s", t ? t : "");
    c->style = attr_long(rd, "s", 0);
    free(ref);
    free(t);
}

static int read_sheet(book *b)
{
    buf v;
    buf_init(&v, CSV_MAX_FIELD_BYTES + 1);
    const char *name = b->sheet_path;
    xmlTextReader *rd;
    int rc = open_part(b, name, 1, &rd);
    sheet_row *row = xcalloc(1, sizeof *row);
    cell c = {-1, "", 0};
    long next_col = 0, next_row = 1;
    int in_row = 0, in_c = 0, in_v = 0, n = 0;
    while (rd && (n = sheet_xml_next(b->t, rd, name, FIX)) == 1) {
        int type = xmlTextReaderNodeType(rd), empty = xmlTextReaderIsEmptyElement(rd);
        const char *el = sheet_xml_name(rd);
        if (type == XML_READER_TYPE_ELEMENT && strcmp(el, "row") == 0) {
            long r = attr_long(rd, "r", next_row);
            row->line = r > 0 && r <= SHEET_MAX_ROW ? r : next_row;
            next_row = row->line + 1;
            next_col = 0;
            in_row = !empty;
            if (empty && sheet_row_emit(row, b->t) < 0)
                break;
        } else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(el, "row") == 0) {
            in_row = 0;
            if (sheet_row_emit(row, b->t) < 0)
                break;
        } else if (type == XML_READER_TYPE_ELEMENT && in_row && strcmp(el, "c") == 0) {
            cell_start(rd, &c, next_col);
            next_col = c.col + 1;
            buf_reset(&v);
            in_c = !empty;
        } else if (type == XML_READER_TYPE_ELEMENT && in_c && strcmp(el, "is") == 0) {
            if (collect_text(b, rd, name, &v) < 0)
                break;
        } else if (in_c && strcmp(el, "v") == 0) {
            in_v = type == XML_READER_TYPE_ELEMENT && !empty;
        } else if (type == XML_READER_TYPE_END_ELEMENT && in_c && strcmp(el, "c") == 0) {
            in_c = 0;
            char num[SHEET_TEXT_BYTES];
            const char *text = v.full ? NULL : cell_text(b, &c, &v, num);
            if (!text) { /* longer than a cell may be: say so through the row */
                static char big[CSV_MAX_FIELD_BYTES + 2];
                memset(big, 'x', sizeof big - 1);
                text = big;
            }
            if (sheet_row_set(row, b->t, (size_t)c.col, text, strlen(text)) < 0)
                break;
        } else if (in_v && (type == XML_READER_TYPE_TEXT ||
                            type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const xmlChar *t = xmlTextReaderConstValue(rd);
            if (t && buf_puts(&v, (const char *)t) < 0)
                v.full = 1;
        } else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(el, "sheetData") == 0) {
            break;
        }
    }
    rc = table_roster(b->t)->failed ? -1 : 0;
    sheet_row_clear(row);
    free(row);
    if (rd)
        xmlFreeTextReader(rd);
    buf_release(&v);
    return rc;
}

/* The sheet the roster is on (sheet.h); why[k] says what became of the ones before it. A
 * workbook of one sheet is not looked at twice. */
static size_t choose_sheet(book *b, unsigned char *why)
{
    size_t first = b->nsheets, visible = 0, probed = 0;
    for (size_t k = 0; k < b->nsheets; k++)
        visible += !b->sheets[k].hidden;
    if (b->nsheets == 1)
        return 0;
    table *real = b->t;
    for (size_t k = 0; k < b->nsheets && !table_roster(real)->failed; k++) {
        if (visible && b->sheets[k].hidden) {
            why[k] = SHEET_HIDDEN;
            continue;
        }
        if (first == b->nsheets)
            first = k;
        if (probed++ == SHEET_MAX_PROBED)
            break;
        find_sheet(b, k);
        if (!b->sheet_path)
            break;
        table *probe = table_probe_new(real);
        b->t = probe;
        (void)read_sheet(b);
        if (table_decided(probe) < 0)
            table_end(probe);
        int found = table_decided(probe) == 1;
        b->t = real;
        table_free(probe);
        if (found)
            return k;
        why[k] = SHEET_NO_HEADER;
    }
    return first < b->nsheets ? first : 0;
}

void xlsx_read(table *t, const char *data, size_t len)
{
    book b;
    memset(&b, 0, sizeof b);
    b.t = t;
    zipread_status st;
    unsigned char why[XLSX_MAX_SHEETS] = {0};
    b.z = zipread_open(data, len, &st);
    if (!b.z) {
        fail(&b, sheet_zip_problem(st));
    } else if (read_workbook(&b) == 0 && read_strings(&b) == 0 && read_styles(&b) == 0) {
        size_t k = choose_sheet(&b, why);
        if (!table_roster(t)->failed && (find_sheet(&b, k), b.sheet_path) && read_sheet(&b) == 0) {
            sheet_note_choice(t, b.names, why, b.nsheets, k);
            table_end(t);
        }
    }
    for (size_t i = 0; i < b.nsheets; i++) {
        free(b.sheets[i].rid);
        free(b.names[i]);
    }
    for (size_t i = 0; i < b.nstrings; i++)
        free(b.strings[i]);
    free(b.strings);
    free(b.xf_date);
    free(b.sheet_path);
    zipread_close(b.z);
}
