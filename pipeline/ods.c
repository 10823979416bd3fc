/* ods: the first table of an OpenDocument spreadsheet as rows of text cells (ods.h). */
#include "ods.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sheet.h"
#include "util.h"
#include "zipread.h"

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

static const char FIX[] = "Hãy mở tệp trong LibreOffice Calc hoặc Excel và lưu lại dưới dạng "
                          ".ods hoặc .xlsx, hoặc lưu thành CSV UTF-8.";
static const char PART[] = "content.xml";

typedef struct cell {
    long col, repeat;
    char *type, *value, *date, *boolean, *string;
    buf text;
    int paragraphs;
} cell;

typedef struct ods {
    table *t;
    xmlTextReader *rd;
    sheet_row row;
    long line, row_repeat, col;
    cell c;
} ods;

static void fail(table *t, const char *what)
{
    char *msg = xasprintf("Không đọc được tệp bảng tính (.ods): %s. %s", what, FIX);
    roster_fail(table_roster(t), 0, msg);
    free(msg);
}

static char *attr(xmlTextReader *rd, const char *local, const char *ns)
{
    xmlChar *v = xmlTextReaderGetAttributeNs(rd, (const xmlChar *)local, (const xmlChar *)ns);
    char *s = v ? xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* A repeat count: at least 1, at most `most` (what a position can still move). */
static long repeat_of(xmlTextReader *rd, const char *local, long most)
{
    char *v = attr(rd, local, NS_TABLE);
    long n;
    if (!v || str_to_long(v, &n) < 0 || n < 1)
        n = 1;
    free(v);
    return n > most ? most : n;
}

static int is_ns(xmlTextReader *rd, const char *ns)
{
    const xmlChar *u = xmlTextReaderConstNamespaceUri(rd);
    return u && strcmp((const char *)u, ns) == 0;
}

static void cell_release(cell *c)
{
    free(c->type), free(c->value), free(c->date), free(c->boolean), free(c->string);
    c->type = c->value = c->date = c->boolean = c->string = NULL;
    buf_reset(&c->text);
    c->paragraphs = 0;
}

static void cell_start(ods *o)
{
    xmlTextReader *rd = o->rd;
    cell *c = &o->c;
    cell_release(c);
    c->col = o->col;
    c->repeat = repeat_of(rd, "number-columns-repeated", TABLE_MAX_COLUMNS + 1L);
    c->type = attr(rd, "value-type", NS_OFFICE);
    c->value = attr(rd, "value", NS_OFFICE);
    c->date = attr(rd, "date-value", NS_OFFICE);
    c->boolean = attr(rd, "boolean-value", NS_OFFICE);
    c->string = attr(rd, "string-value", NS_OFFICE);
    /* the position moves past the repeat, bounded: nothing filled lies that far */
    o->col = c->col + c->repeat;
    if (o->col > TABLE_MAX_COLUMNS + 1L)
        o->col = TABLE_MAX_COLUMNS + 1L;
}

static const char *cell_text(cell *c, char *num)
{
    const char *type = c->type ? c->type : "";
    if ((strcmp(type, "float") == 0 || strcmp(type, "percentage") == 0 ||
         strcmp(type, "currency") == 0) &&
        c->value) {
        char *end;
        double d = strtod(c->value, &end);
        if (c->value[0] && !*end) {
            sheet_number_text(d, num);
            return num;
        }
    }
    if (strcmp(type, "date") == 0 && c->date && sheet_iso_text(c->date, num) == 0)
        return num;
    if (strcmp(type, "boolean") == 0 && c->boolean)
        return strcmp(c->boolean, "true") == 0 ? "TRUE" : "FALSE";
    if (c->string && !c->text.len)
        return c->string;
    return buf_str(&c->text);
}

/* The cell is complete: its text goes to the row, once per repeat. */
static int cell_end(ods *o)
{
    char num[SHEET_TEXT_BYTES];
    cell *c = &o->c;
    if (c->text.full)
        return sheet_row_set(&o->row, o->t, (size_t)c->col, "", CSV_MAX_FIELD_BYTES + 1);
    const char *text = cell_text(c, num);
    size_t len = strlen(text);
    for (long k = 0; len && k < c->repeat; k++)
        if (sheet_row_set(&o->row, o->t, (size_t)(c->col + k), text, len) < 0)
            return -1;
    return 0;
}

/* The row is complete: handed to the table once per repeat (an empty row only moves the
 * line). */
static int row_end(ods *o)
{
    int rc = 0;
    size_t filled = 0;
    for (size_t i = 0; i < o->row.n; i++)
        filled += o->row.cells[i] != NULL;
    if (!filled) {
        sheet_row_clear(&o->row);
        return 0;
    }
    if (o->row_repeat > 1 &&
        o->row.total + filled * (size_t)(o->row_repeat - 1) > SHEET_MAX_CELLS) {
        fail(o->t, "bảng tính có quá nhiều ô dữ liệu (các dòng lặp lại)");
        return -1;
    }
    o->row.total += filled * (size_t)(o->row_repeat - 1);
    static char empty[] = "";
    char *cells[TABLE_MAX_COLUMNS];
    for (size_t i = 0; i < o->row.n; i++)
        cells[i] = o->row.cells[i] ? o->row.cells[i] : empty;
    for (long k = 0; k < o->row_repeat && rc == 0; k++)
        rc = table_row(o->t, o->line + k, cells, o->row.n);
    sheet_row_clear(&o->row);
    return rc;
}

/* Text of a paragraph inside a cell (not inside an annotation). */
static void text_put(cell *c, const char *s)
{
    (void)buf_puts(&c->text, s); /* a refusal leaves the buffer full: checked at the end */
}

static void read_table(ods *o)
{
    xmlTextReader *rd = o->rd;
    int depth = xmlTextReaderDepth(rd), in_row = 0, in_cell = 0, in_p = 0, note = 0, n;
    long next_line = 1;
    while ((n = sheet_xml_next(o->t, rd, PART, FIX)) == 1) {
        int type = xmlTextReaderNodeType(rd), empty = xmlTextReaderIsEmptyElement(rd);
        const char *el = sheet_xml_name(rd);
        int elem = type == XML_READER_TYPE_ELEMENT, end = type == XML_READER_TYPE_END_ELEMENT;
        if (end && xmlTextReaderDepth(rd) == depth)
            break; /* the end of the first table */
        if (is_ns(rd, NS_OFFICE) && strcmp(el, "annotation") == 0) {
            note = elem && !empty;
        } else if (note) {
            continue;
        } else if (is_ns(rd, NS_TABLE) && strcmp(el, "table-row") == 0) {
            if (elem) {
                o->line = next_line;
                o->row.line = next_line; /* what a cell's message names */
                o->row_repeat = repeat_of(rd, "number-rows-repeated", SHEET_MAX_ROW);
                next_line += o->row_repeat;
                o->col = 0;
                in_row = !empty;
                if (o->line > SHEET_MAX_ROW)
                    break;
            }
            if ((end || empty) && row_end(o) < 0)
                return;
        } else if (in_row && is_ns(rd, NS_TABLE) &&
                   (strcmp(el, "table-cell") == 0 || strcmp(el, "covered-table-cell") == 0)) {
            if (elem) {
                cell_start(o);
                in_cell = !empty;
            }
            if ((end || empty) && (in_cell = 0, cell_end(o) < 0))
                return;
        } else if (in_cell && is_ns(rd, NS_TEXT)) {
            if (strcmp(el, "p") == 0 || strcmp(el, "h") == 0) {
                if (elem && o->c.paragraphs++)
                    text_put(&o->c, "\n");
                in_p = elem && !empty;
            } else if (elem && in_p && strcmp(el, "s") == 0) {
                char *cnt = attr(rd, "c", NS_TEXT);
                long k;
                if (!cnt || str_to_long(cnt, &k) < 0 || k < 1)
                    k = 1;
                for (long i = 0; i < k && !o->c.text.full; i++)
                    text_put(&o->c, " ");
                free(cnt);
            } else if (elem && in_p && strcmp(el, "tab") == 0) {
                text_put(&o->c, "\t");
            } else if (elem && in_p && strcmp(el, "line-break") == 0) {
                text_put(&o->c, "\n");
            }
        } else if (in_cell && in_p &&
                   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const xmlChar *v = xmlTextReaderConstValue(rd);
            if (v)
                text_put(&o->c, (const char *)v);
        }
    }
    if (n >= 0 && !table_roster(o->t)->failed)
        table_end(o->t);
}

void ods_read(table *t, const char *data, size_t len)
{
    zipread_status st;
    zipread *z = zipread_open(data, len, &st);
    buf part;
    buf_init(&part, ZIPREAD_MAX_ENTRY_BYTES);
    ods o;
    memset(&o, 0, sizeof o);
    o.t = t;
    buf_init(&o.c.text, CSV_MAX_FIELD_BYTES + 1);
    if (!z) {
        fail(t, sheet_zip_problem(st));
        goto out;
    }
    if ((st = zipread_entry(z, PART, &part)) != ZIPREAD_OK) {
        char *what = xasprintf("%s (%s)", sheet_zip_problem(st), PART);
        fail(t, what);
        free(what);
        goto out;
    }
    if (!(o.rd = sheet_xml_open(t, &part, PART, FIX)))
        goto out;
    int n;
    while ((n = sheet_xml_next(t, o.rd, PART, FIX)) == 1) {
        if (xmlTextReaderNodeType(o.rd) == XML_READER_TYPE_ELEMENT && is_ns(o.rd, NS_TABLE) &&
            strcmp(sheet_xml_name(o.rd), "table") == 0) {
            if (xmlTextReaderIsEmptyElement(o.rd))
                table_end(t);
            else
                read_table(&o);
            break;
        }
    }
    if (n == 0)
        fail(t, "bảng tính không có trang nào");
out:
    if (o.rd)
        xmlFreeTextReader(o.rd);
    cell_release(&o.c);
    buf_release(&o.c.text);
    sheet_row_clear(&o.row);
    buf_release(&part);
    zipread_close(z);
}
