/* ods: an OpenDocument spreadsheet's roster table as rows of text cells (ods.h). */
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
#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

/* Tables of a document looked at for the roster, and hidden table styles remembered. */
#define ODS_MAX_SHEETS 64
#define ODS_MAX_HIDDEN_STYLES 64

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

static const char KIND[] = "tệp bảng tính (.ods)";

static void fail(table *t, const char *what)
{
    sheet_fail(t, KIND, what, FIX);
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

/* The tables of content.xml as the roster's is looked for (sheet.h). */
typedef struct tables {
    char *names[ODS_MAX_SHEETS];
    unsigned char why[ODS_MAX_SHEETS];
    size_t n, first_visible, probed;
    char *hidden_styles[ODS_MAX_HIDDEN_STYLES];
    size_t nhidden;
    char *style; /* the table style being read in automatic-styles */
} tables;

static void tables_release(tables *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        free(ts->names[i]);
    for (size_t i = 0; i < ts->nhidden; i++)
        free(ts->hidden_styles[i]);
    free(ts->style);
}

/* A table style of automatic-styles saying table:display="false" (a hidden sheet). */
static void style_node(tables *ts, xmlTextReader *rd)
{
    const char *el = sheet_xml_name(rd);
    if (is_ns(rd, NS_STYLE) && strcmp(el, "style") == 0) {
        char *family = attr(rd, "family", NS_STYLE);
        free(ts->style);
        ts->style = family && strcmp(family, "table") == 0 ? attr(rd, "name", NS_STYLE) : NULL;
        free(family);
    } else if (ts->style && is_ns(rd, NS_STYLE) && strcmp(el, "table-properties") == 0) {
        char *display = attr(rd, "display", NS_TABLE);
        if (display && strcmp(display, "false") == 0 && ts->nhidden < ODS_MAX_HIDDEN_STYLES)
            ts->hidden_styles[ts->nhidden++] = xstrdup(ts->style);
        free(display);
    }
}

static int hidden_table(const tables *ts, xmlTextReader *rd)
{
    char *style = attr(rd, "style-name", NS_TABLE);
    int hidden = 0;
    for (size_t i = 0; style && i < ts->nhidden && !hidden; i++)
        hidden = strcmp(style, ts->hidden_styles[i]) == 0;
    free(style);
    return hidden;
}

/* Forgets the row and cell a probe was reading, and its count of cells. */
static void reader_reset(ods *o)
{
    sheet_row_clear(&o->row);
    o->row.total = 0;
    cell_release(&o->c);
    o->line = o->row_repeat = o->col = 0;
}

/* Reads on to the end of the element opened at depth. 0, or -1 after failing t's roster. */
static int skip_to_end(table *t, xmlTextReader *rd, int depth)
{
    int n;
    while ((n = sheet_xml_next(t, rd, PART, FIX)) == 1)
        if (xmlTextReaderNodeType(rd) == XML_READER_TYPE_END_ELEMENT &&
            xmlTextReaderDepth(rd) == depth)
            return 0;
    return n == 0 ? 0 : -1;
}

/* A reader over part at the start of table `want` (0-based), or of the first table when want
 * is SIZE_MAX and ts is given: then every table is seen, hidden ones skipped, visible ones
 * probed (table_probe_new) until one holds a roster header, whose index is returned in
 * *found (ts->n when none). NULL after failing t's roster (or when there is no such table). */
static xmlTextReader *open_at(ods *o, zipread *z, size_t want, tables *ts, size_t *found)
{
    table *t = o->t;
    zipread_status st;
    xmlTextReader *rd = sheet_xml_stream(t, z, PART, KIND, FIX, &st); /* never held whole */
    if (!rd && !table_roster(t)->failed) {
        char *what = st == ZIPREAD_OK ? xasprintf("phần %s trống", PART)
                                      : xasprintf("%s (%s)", sheet_zip_problem(st), PART);
        fail(t, what);
        free(what);
    }
    size_t k = 0;
    int n, body = 0;
    while (rd && (n = sheet_xml_next(t, rd, PART, FIX)) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *el = sheet_xml_name(rd);
        if (!body && ts && is_ns(rd, NS_OFFICE) && strcmp(el, "body") == 0)
            body = 1;
        else if (!body && ts)
            style_node(ts, rd);
        if (!is_ns(rd, NS_TABLE) || strcmp(el, "table") != 0)
            continue;
        if (!ts) {
            if (k++ == want)
                return rd;
            if (!xmlTextReaderIsEmptyElement(rd) &&
                skip_to_end(t, rd, xmlTextReaderDepth(rd)) < 0)
                break;
            continue;
        }
        if (ts->n == ODS_MAX_SHEETS)
            break;
        size_t i = ts->n++;
        ts->names[i] = attr(rd, "name", NS_TABLE);
        int depth = xmlTextReaderDepth(rd), empty = xmlTextReaderIsEmptyElement(rd);
        if (hidden_table(ts, rd)) {
            ts->why[i] = SHEET_HIDDEN;
        } else {
            if (ts->first_visible == SIZE_MAX)
                ts->first_visible = i;
            if (ts->probed++ == SHEET_MAX_PROBED)
                break;
            table *probe = table_probe_new(t);
            o->rd = rd;
            o->t = probe;
            if (empty)
                table_end(probe);
            else
                read_table(o);
            o->t = t;
            o->rd = NULL;
            reader_reset(o);
            int header = table_decided(probe) == 1;
            table_free(probe);
            if (header) {
                *found = i;
                break;
            }
            ts->why[i] = SHEET_NO_HEADER;
            if (!empty && xmlTextReaderNodeType(rd) == XML_READER_TYPE_END_ELEMENT &&
                xmlTextReaderDepth(rd) == depth)
                continue; /* the probe read the whole table */
        }
        if (!empty && skip_to_end(t, rd, depth) < 0)
            break;
    }
    if (rd)
        xmlFreeTextReader(rd);
    return NULL;
}

void ods_read(table *t, const char *data, size_t len)
{
    zipread_status st;
    zipread *z = zipread_open(data, len, &st);
    ods o;
    memset(&o, 0, sizeof o);
    o.t = t;
    buf_init(&o.c.text, CSV_MAX_FIELD_BYTES + 1);
    tables ts;
    memset(&ts, 0, sizeof ts);
    ts.first_visible = SIZE_MAX;
    size_t chosen = SIZE_MAX;
    if (!z) {
        fail(t, sheet_zip_problem(st));
        goto out;
    }
    (void)open_at(&o, z, SIZE_MAX, &ts, &chosen); /* a pass that looks at the tables */
    if (table_roster(t)->failed)
        goto out;
    if (!ts.n) {
        fail(t, "bảng tính không có trang nào");
        goto out;
    }
    if (chosen == SIZE_MAX)
        chosen = ts.first_visible != SIZE_MAX ? ts.first_visible : 0;
    if (!(o.rd = open_at(&o, z, chosen, NULL, NULL)))
        goto out;
    if (xmlTextReaderIsEmptyElement(o.rd))
        table_end(t);
    else
        read_table(&o);
    if (!table_roster(t)->failed)
        sheet_note_choice(t, ts.names, ts.why, ts.n, chosen);
out:
    tables_release(&ts);
    if (o.rd)
        xmlFreeTextReader(o.rd);
    cell_release(&o.c);
    buf_release(&o.c.text);
    sheet_row_clear(&o.row);
    zipread_close(z);
}
