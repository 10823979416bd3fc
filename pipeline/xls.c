/* xls: the first sheet of a BIFF workbook through FreeXL (xls.h). */
#include "xls.h"

#include <errno.h>
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheet.h"
#include "util.h"

static const char FIX[] = "Hãy mở tệp trong Excel và lưu lại dưới dạng Excel Workbook (*.xlsx), "
                          "hoặc lưu thành CSV UTF-8.";

static void fail(table *t, const char *what)
{
    char *msg = xasprintf("Không đọc được tệp Excel 97-2003 (.xls): %s. %s", what, FIX);
    roster_fail(table_roster(t), 0, msg);
    free(msg);
}

/* The bytes in a private temporary file; returns its path (to unlink and free) or NULL. */
static char *to_temp(const char *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/ctsbatch-xls-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (close(fd) < 0 || done < len) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* The text of one cell into out (SHEET_TEXT_BYTES) or borrowed from FreeXL. */
static const char *cell_text(const FreeXL_CellValue *v, char *out)
{
    switch (v->type) {
    case FREEXL_CELL_INT:
        snprintf(out, SHEET_TEXT_BYTES, "%d", v->value.int_value);
        return out;
    case FREEXL_CELL_DOUBLE:
        sheet_number_text(v->value.double_value, out);
        return out;
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME:
        return v->value.text_value ? v->value.text_value : "";
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME:
        if (v->value.text_value && sheet_iso_text(v->value.text_value, out) == 0)
            return out;
        return v->value.text_value ? v->value.text_value : "";
    default:
        return "";
    }
}

static void read_cells(table *t, const void *h)
{
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_select_active_worksheet(h, 0) != FREEXL_OK ||
        freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
        fail(t, "bảng tính không có trang nào");
        return;
    }
    sheet_row *row = xcalloc(1, sizeof *row);
    for (unsigned int r = 0; r < rows; r++) {
        row->line = (long)r + 1;
        int bad = 0;
        for (unsigned short c = 0; c < cols && !bad; c++) {
            FreeXL_CellValue v;
            char num[SHEET_TEXT_BYTES];
            if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK)
                continue;
            const char *text = cell_text(&v, num);
            bad = sheet_row_set(row, t, c, text, strlen(text)) < 0;
        }
        if (bad || sheet_row_emit(row, t) < 0)
            break;
    }
    sheet_row_clear(row);
    free(row);
    if (!table_roster(t)->failed)
        table_end(t);
}

void xls_read(table *t, const char *data, size_t len)
{
    char *path = to_temp(data, len);
    if (!path) {
        char *why = xasprintf("không tạo được tệp tạm để đọc (%s); báo cho người quản trị",
                              strerror(errno));
        fail(t, why);
        free(why);
        return;
    }
    const void *h = NULL;
    int rc = freexl_open(path, &h);
    unlink(path);
    free(path);
    if (rc != FREEXL_OK) {
        fail(t, rc == FREEXL_BIFF_INVALID_BOF || rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND
                    ? "tệp không chứa bảng tính Excel (có thể là tài liệu Word hoặc tệp hỏng)"
                : rc == FREEXL_CRAFTED_FILE ? "cấu trúc tệp bị hỏng nặng (có thể là tệp độc hại)"
                                            : "cấu trúc tệp bị hỏng");
    } else {
        unsigned int pw = 0;
        if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
            pw == FREEXL_BIFF_OBFUSCATED)
            fail(t, "tệp được đặt mật khẩu; hãy bỏ mật khẩu của tệp");
        else
            read_cells(t, h);
    }
    if (h)
        freexl_close(h);
}
