/* xlsxreport: the clerk's report workbooks with libxlsxwriter (xlsxreport.h; issue 10 item 5).
 * Cells are XML text inside the workbook: characters XML 1.0 cannot hold (C0 controls but
 * tab, LF and CR; U+FFFE, U+FFFF; malformed UTF-8) are shown as "?(U+000B)", as the PDF
 * reports show a character no face has, so that the file always opens. */
#include "xlsxreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "text.h"
#include "util.h"

enum { COL_FILE, COL_LINE, COL_NAME, COL_CCCD, COL_PROC, COL_STATUS, COL_FIX, COL_DOCS, NCOLS };

/* The first sheet's columns: the clerk's labels and widths (in characters). */
static const struct {
    const char *head;
    double width;
} COLUMNS[NCOLS] = {
    {"Tệp", 24},     {"Dòng", 7},     {"Họ tên / Tên cơ quan", 28}, {"Số CCCD", 15},
    {"Thủ tục", 22}, {"Kết quả", 16}, {"Nội dung cần sửa", 70},     {"Văn bản đã lập", 45},
};

/* Fields of a row waiting in the spool, each NUL-terminated, in column order. */
enum { SPOOL_FIELDS = NCOLS };

struct xlsxreport {
    lxw_workbook *wb;
    lxw_worksheet *rows, *notes;
    lxw_format *head, *text, *wrap, *rejected;
    size_t nrows, nnotes; /* written below each header */
    FILE *spool;          /* accepted rows, written after the rejected ones */
    size_t spooled;
    size_t dropped;   /* rows past XLSXREPORT_MAX_ROWS: said in a note, the CSV has them */
    lxw_error failed; /* the first error, LXW_NO_ERROR while none */
    char why[256];
    buf cell;
};

static void fail(xlsxreport *x, lxw_error e, const char *why)
{
    if (x->failed == LXW_NO_ERROR) {
        x->failed = e == LXW_NO_ERROR ? LXW_ERROR_MEMORY_MALLOC_FAILED : e;
        snprintf(x->why, sizeof x->why, "%s", why ? why : lxw_strerror(e));
    }
}

/* s as a cell can hold it: XML-safe, at most XLSXREPORT_MAX_CELL_CHARS UTF-16 units. */
static const char *cell_text(xlsxreport *x, const char *s)
{
    buf_reset(&x->cell);
    const char *p = s, *end = s + strlen(s);
    size_t units = 0;
    while (p < end) {
        const char *at = p;
        long cp = text_utf8_next(&p, end);
        int bad = cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
                  cp == 0xFFFF;
        size_t n = bad ? 9 : cp > 0xFFFF ? 2 : 1;
        if (units + n > XLSXREPORT_MAX_CELL_CHARS - 1) {
            buf_puts(&x->cell, "…");
            break;
        }
        units += n;
        if (bad)
            buf_printf(&x->cell, "?(U+%04lX)", cp < 0 ? 0xFFFDL : cp);
        else
            buf_append(&x->cell, at, (size_t)(p - at));
    }
    return buf_str(&x->cell);
}

static void put_string(xlsxreport *x, lxw_worksheet *ws, size_t row, int col, const char *s,
                       lxw_format *f)
{
    if (x->failed != LXW_NO_ERROR || !*s)
        return;
    lxw_error e = worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, cell_text(x, s), f);
    if (e != LXW_NO_ERROR)
        fail(x, e, NULL);
}

static void put_number(xlsxreport *x, lxw_worksheet *ws, size_t row, int col, double v,
                       lxw_format *f)
{
    if (x->failed != LXW_NO_ERROR)
        return;
    lxw_error e = worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f);
    if (e != LXW_NO_ERROR)
        fail(x, e, NULL);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* One row of the first sheet from its cells in column order (the line as text). */
static void write_cells(xlsxreport *x, char *const cells[NCOLS], int rejected)
{
    if (x->failed != LXW_NO_ERROR)
        return;
    if (x->nrows >= XLSXREPORT_MAX_ROWS) { /* the accepted ones go first: they come last */
        x->dropped++;
        return;
    }
    size_t r = ++x->nrows;
    for (int c = 0; c < NCOLS; c++) {
        if (c == COL_LINE) {
            put_number(x, x->rows, r, c, strtod(cells[c], NULL), x->text);
            continue;
        }
        lxw_format *f = c == COL_FIX || c == COL_DOCS ? x->wrap : x->text;
        put_string(x, x->rows, r, c, cells[c], c == COL_STATUS && rejected ? x->rejected : f);
    }
}

static void sheet_header(xlsxreport *x, lxw_worksheet *ws, const char *const *heads, size_t n)
{
    for (size_t c = 0; c < n; c++)
        put_string(x, ws, 0, (int)c, heads[c], x->head);
    worksheet_freeze_panes(ws, 1, 0);
}

static lxw_format *new_format(lxw_workbook *wb, int bold, int wrap, lxw_color_t bg)
{
    lxw_format *f = workbook_add_format(wb);
    if (!f)
        return NULL;
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (bold)
        format_set_bold(f);
    if (wrap)
        format_set_text_wrap(f);
    if (bg)
        format_set_bg_color(f, bg);
    return f;
}

xlsxreport *xlsxreport_new(const char *path, long long epoch, char *err, size_t errlen)
{
    xlsxreport *x = xcalloc(1, sizeof *x);
    buf_init(&x->cell, 0);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
    x->wb = workbook_new_opt(path, &opt);
    x->spool = tmpfile();
    if (!x->wb || !x->spool) {
        snprintf(err, errlen, "cannot start the workbook %s", path);
        xlsxreport_free(x);
        return NULL;
    }
    lxw_doc_properties props = {0};
    props.title = "Kết quả kiểm tra danh sách đề nghị chứng thư số";
    props.author = "ctsbatch";
    props.created = epoch > 0 ? (time_t)epoch : time(NULL);
    workbook_set_properties(x->wb, &props);
    x->rows = workbook_add_worksheet(x->wb, "Kết quả");
    x->notes = workbook_add_worksheet(x->wb, "Lưu ý về tệp");
    x->head = new_format(x->wb, 1, 1, 0xD9D9D9);
    x->text = new_format(x->wb, 0, 0, 0);
    x->wrap = new_format(x->wb, 0, 1, 0);
    x->rejected = new_format(x->wb, 1, 0, 0xF4CCCC);
    if (!x->rows || !x->notes || !x->head || !x->text || !x->wrap || !x->rejected) {
        snprintf(err, errlen, "cannot start the workbook %s (its temporary files)", path);
        xlsxreport_free(x);
        return NULL;
    }
    const char *heads[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        heads[c] = COLUMNS[c].head;
        worksheet_set_column(x->rows, (lxw_col_t)c, (lxw_col_t)c, COLUMNS[c].width, NULL);
    }
    sheet_header(x, x->rows, heads, NCOLS);
    static const char *const note_heads[3] = {"Tệp", "Dòng", "Lưu ý"};
    sheet_header(x, x->notes, note_heads, 3);
    worksheet_set_column(x->notes, 0, 0, 24, NULL);
    worksheet_set_column(x->notes, 1, 1, 7, NULL);
    worksheet_set_column(x->notes, 2, 2, 100, NULL);
    if (x->failed != LXW_NO_ERROR) {
        snprintf(err, errlen, "cannot start the workbook %s: %s", path, x->why);
        xlsxreport_free(x);
        return NULL;
    }
    return x;
}

int xlsxreport_add_row(xlsxreport *x, const report_row *row)
{
    char line[32], *fix = report_row_fix(row, 0);
    snprintf(line, sizeof line, "%ld", row->line);
    char *cells[NCOLS] = {(char *)base_name(row->file),
                          line,
                          (char *)row->name,
                          (char *)row->cccd,
                          (char *)row->procedure_label,
                          (char *)row->status,
                          fix,
                          (char *)row->documents};
    if (row->rejected) {
        write_cells(x, cells, 1);
    } else if (x->failed == LXW_NO_ERROR) {
        for (int c = 0; c < NCOLS; c++)
            if (fwrite(cells[c], 1, strlen(cells[c]) + 1, x->spool) != strlen(cells[c]) + 1)
                fail(x, LXW_ERROR_CREATING_TMPFILE, "cannot write the workbook's spool file");
        x->spooled++;
    }
    free(fix);
    return x->failed == LXW_NO_ERROR ? 0 : -1;
}

int xlsxreport_add_note(xlsxreport *x, const char *file, long line, const char *note)
{
    if (x->failed == LXW_NO_ERROR && x->nnotes >= XLSXREPORT_MAX_ROWS)
        fail(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "more notes than a worksheet holds");
    if (x->failed != LXW_NO_ERROR)
        return -1;
    size_t r = ++x->nnotes;
    put_string(x, x->notes, r, 0, base_name(file), x->text);
    if (line > 0)
        put_number(x, x->notes, r, 1, (double)line, x->text);
    put_string(x, x->notes, r, 2, note, x->wrap);
    return x->failed == LXW_NO_ERROR ? 0 : -1;
}

/* The spooled accepted rows, after the rejected ones. */
static void unspool(xlsxreport *x)
{
    if (x->failed != LXW_NO_ERROR)
        return;
    if (fflush(x->spool) != 0 || fseek(x->spool, 0, SEEK_SET) != 0) {
        fail(x, LXW_ERROR_CREATING_TMPFILE, "cannot read the workbook's spool file");
        return;
    }
    char *cells[NCOLS] = {0};
    size_t caps[NCOLS] = {0};
    for (size_t i = 0; i < x->spooled && x->failed == LXW_NO_ERROR; i++) {
        for (int c = 0; c < NCOLS; c++)
            if (getdelim(&cells[c], &caps[c], '\0', x->spool) < 0)
                fail(x, LXW_ERROR_CREATING_TMPFILE, "cannot read the workbook's spool file");
        write_cells(x, cells, 0);
    }
    for (int c = 0; c < NCOLS; c++)
        free(cells[c]);
}

/* Writes x's workbook (libxlsxwriter writes the file and frees the workbook in one call):
 * 0, or -1 with the first failure's reason in err. */
static int write_book(xlsxreport *x, char *err, size_t errlen)
{
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    if (x->failed == LXW_NO_ERROR && e != LXW_NO_ERROR)
        fail(x, e, NULL);
    int rc = x->failed == LXW_NO_ERROR ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write the workbook: %s", x->why);
    return rc;
}

int xlsxreport_close(xlsxreport *x, char *err, size_t errlen)
{
    unspool(x);
    if (x->dropped) {
        char note[256];
        snprintf(note, sizeof note,
                 "Trang «Kết quả» chỉ chứa được %zu dòng: %zu dòng cuối không được ghi; tệp "
                 "CSV cùng tên có đủ mọi dòng.",
                 XLSXREPORT_MAX_ROWS, x->dropped);
        xlsxreport_add_note(x, "", 0, note);
    }
    if (x->failed == LXW_NO_ERROR) {
        lxw_error e = worksheet_autofilter(x->rows, 0, 0, (lxw_row_t)x->nrows, NCOLS - 1);
        if (e == LXW_NO_ERROR)
            e = worksheet_autofilter(x->notes, 0, 0, (lxw_row_t)x->nnotes, 2);
        if (e != LXW_NO_ERROR)
            fail(x, e, NULL);
    }
    int rc = write_book(x, err, errlen);
    xlsxreport_free(x);
    return rc;
}

void xlsxreport_free(xlsxreport *x)
{
    if (!x)
        return;
    if (x->wb) /* libxlsxwriter frees a workbook (its temporary files) only by writing it */
        workbook_close(x->wb);
    if (x->spool)
        fclose(x->spool);
    buf_release(&x->cell);
    free(x);
}

/* ---- a plain table: one sheet, a header, rows of text (issue 12) ---- */

struct xlsxtable {
    xlsxreport x; /* its workbook, formats and cell helpers; rows counts the written rows */
    size_t ncols;
};

xlsxtable *xlsxtable_new(const char *path, long long epoch, const char *title, const char *sheet,
                         const char *const *heads, const double *widths, size_t ncols, char *err,
                         size_t errlen)
{
    xlsxtable *t = xcalloc(1, sizeof *t);
    xlsxreport *x = &t->x;
    t->ncols = ncols;
    buf_init(&x->cell, 0);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb) {
        snprintf(err, errlen, "cannot start the workbook %s", path);
        xlsxtable_free(t);
        return NULL;
    }
    lxw_doc_properties props = {0};
    props.title = (char *)title; /* libxlsxwriter only reads it */
    props.author = "ctsbatch";
    props.created = epoch > 0 ? (time_t)epoch : time(NULL);
    workbook_set_properties(x->wb, &props);
    x->rows = workbook_add_worksheet(x->wb, sheet);
    x->head = new_format(x->wb, 1, 1, 0xD9D9D9);
    x->text = new_format(x->wb, 0, 0, 0);
    if (!x->rows || !x->head || !x->text) {
        snprintf(err, errlen, "cannot start the workbook %s (its temporary files)", path);
        xlsxtable_free(t);
        return NULL;
    }
    for (size_t c = 0; c < ncols; c++)
        worksheet_set_column(x->rows, (lxw_col_t)c, (lxw_col_t)c, widths ? widths[c] : 18, NULL);
    sheet_header(x, x->rows, heads, ncols);
    return t;
}

int xlsxtable_add_row(xlsxtable *t, const char *const *cells)
{
    xlsxreport *x = &t->x;
    if (x->failed == LXW_NO_ERROR && x->nrows >= XLSXREPORT_MAX_ROWS)
        fail(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, "more rows than a sheet holds");
    size_t r = ++x->nrows;
    for (size_t c = 0; c < t->ncols; c++)
        put_string(x, x->rows, r, (int)c, cells[c] ? cells[c] : "", x->text);
    return x->failed == LXW_NO_ERROR ? 0 : -1;
}

int xlsxtable_close(xlsxtable *t, char *err, size_t errlen)
{
    xlsxreport *x = &t->x;
    if (x->failed == LXW_NO_ERROR) {
        lxw_error e =
            worksheet_autofilter(x->rows, 0, 0, (lxw_row_t)x->nrows, (lxw_col_t)(t->ncols - 1));
        if (e != LXW_NO_ERROR)
            fail(x, e, NULL);
    }
    int rc = write_book(x, err, errlen);
    xlsxtable_free(t);
    return rc;
}

void xlsxtable_free(xlsxtable *t)
{
    if (!t)
        return;
    if (t->x.wb)
        workbook_close(t->x.wb);
    buf_release(&t->x.cell);
    free(t);
}
