/* csv: a streaming RFC 4180 tokenizer turning a roster's text into records (ROSTER.md). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

typedef struct cursor {
    const char *p, *end;
    char delim;
    long line; /* line of *p */
} cursor;

typedef struct row {
    char **cells;
    size_t n, cap;
    long line; /* where the row starts */
} row;

typedef enum { ROW_OK, ROW_EOF, ROW_ERROR } row_status;

char csv_detect_delimiter(const char *text, size_t len)
{
    static const char cands[] = {',', ';', '\t'};
    size_t counts[3] = {0, 0, 0};
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        for (int k = 0; k < 3 && !quoted; k++)
            counts[k] += c == cands[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return counts[best] ? cands[best] : ',';
}

static void row_release(row *rw)
{
    for (size_t i = 0; i < rw->n; i++)
        free(rw->cells[i]);
    free(rw->cells);
    memset(rw, 0, sizeof *rw);
}

/* Consumes one line end at c->p if there is one (CRLF counts once). */
static int eat_eol(cursor *c)
{
    if (c->p < c->end && *c->p == '\r') {
        c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return 1;
    }
    if (c->p < c->end && *c->p == '\n') {
        c->p++;
        c->line++;
        return 1;
    }
    return 0;
}

static void fail_line(roster *r, long line, const char *fmt, long a)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a);
    roster_fail(r, line, msg);
}

/* Reads one cell into cell; stops before the delimiter or line end. */
static int read_cell(roster *r, cursor *c, buf *cell)
{
    buf_reset(cell);
    if (c->p < c->end && *c->p == '"') {
        long opened = c->line;
        c->p++;
        for (;;) {
            if (c->p >= c->end) {
                fail_line(r, opened,
                          "Dấu ngoặc kép mở ở dòng %ld không được đóng: "
                          "kiểm tra lại ô có dấu \" ở dòng này.",
                          opened);
                return -1;
            }
            if (*c->p == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    c->p += 2;
                    if (buf_putc(cell, '"') < 0)
                        goto too_long;
                    continue;
                }
                c->p++;
                break;
            }
            if (*c->p == '\r' || *c->p == '\n') {
                eat_eol(c); /* a line break inside quotes is part of the value */
                if (buf_putc(cell, '\n') < 0)
                    goto too_long;
                continue;
            }
            if (buf_putc(cell, *c->p++) < 0)
                goto too_long;
        }
    }
    /* Unquoted text, or stray text after a closing quote: kept as written. */
    const char *start = c->p;
    while (c->p < c->end && *c->p != c->delim && *c->p != '\r' && *c->p != '\n')
        c->p++;
    if (buf_append(cell, start, (size_t)(c->p - start)) < 0)
        goto too_long;
    return 0;
too_long:
    fail_line(r, c->line, "Ô dữ liệu ở dòng %ld dài quá giới hạn cho phép (16 KiB).", c->line);
    return -1;
}

static row_status read_row(roster *r, cursor *c, row *rw, buf *cell)
{
    if (c->p >= c->end)
        return ROW_EOF;
    rw->line = c->line;
    for (;;) {
        if (read_cell(r, c, cell) < 0)
            return ROW_ERROR;
        if (rw->n >= CSV_MAX_COLUMNS) {
            fail_line(r, rw->line, "Dòng %ld có quá nhiều cột (tối đa 256).", rw->line);
            return ROW_ERROR;
        }
        rw->cells = xgrow(rw->cells, &rw->cap, rw->n + 1, sizeof *rw->cells);
        rw->cells[rw->n++] = str_trim_dup(buf_str(cell));
        if (c->p < c->end && *c->p == c->delim) {
            c->p++;
            continue;
        }
        eat_eol(c);
        return ROW_OK;
    }
}

static int row_blank(const row *rw)
{
    for (size_t i = 0; i < rw->n; i++)
        if (!str_empty(rw->cells[i]))
            return 0;
    return 1;
}

/* Maps header cells to keys; unknown columns keep their folded name and are reported. */
/* The column before i that already gives key, or -1. */
static long earlier_column(char **keys, size_t i, const char *key)
{
    for (size_t k = 0; k < i; k++)
        if (keys[k] && strcmp(keys[k], key) == 0)
            return (long)k;
    return -1;
}

/* Maps header cells to keys; unknown columns keep their folded name and are reported; a
 * column naming a key an earlier one already gives is reported and ignored (key ""), so a
 * second "Họ và tên" never overwrites the first. Returns NULL after failing the roster when
 * no column names a key of the roster: that is not a roster. */
static char **map_header(roster *r, const row *hdr)
{
    char **keys = xcalloc(hdr->n, sizeof *keys);
    size_t known = 0;
    for (size_t i = 0; i < hdr->n; i++) {
        const char *key = roster_key_for_header(hdr->cells[i]);
        char msg[512];
        long first = key ? earlier_column(keys, i, key) : -1;
        if (key && first < 0) {
            keys[i] = xstrdup(key);
            known++;
            continue;
        }
        keys[i] = key ? xstrdup("") : text_fold_key(hdr->cells[i]);
        if (str_empty(hdr->cells[i]))
            continue;
        if (key)
            snprintf(msg, sizeof msg,
                     "Cột %zu \"%.200s\" trùng với cột %ld; chỉ dùng dữ liệu của cột %ld.", i + 1,
                     hdr->cells[i], first + 1, first + 1);
        else
            snprintf(msg, sizeof msg,
                     "Cột \"%.300s\" không thuộc mẫu danh sách; dữ liệu của cột "
                     "này được giữ lại nhưng không được sử dụng.",
                     hdr->cells[i]);
        roster_warn(r, hdr->line, hdr->cells[i], msg);
    }
    if (known == 0) {
        char *msg = xasprintf("Dòng tiêu đề (dòng %ld) không có cột nào của mẫu danh sách (Thủ "
                              "tục, Họ và tên, ...): tệp này không phải danh sách đề nghị.",
                              hdr->line);
        roster_fail(r, hdr->line, msg);
        free(msg);
        for (size_t i = 0; i < hdr->n; i++)
            free(keys[i]);
        free(keys);
        return NULL;
    }
    return keys;
}

static void add_record(roster *r, const row *rw, char **keys, size_t nkeys)
{
    record *rec = roster_add_record(r, rw->line);
    for (size_t i = 0; i < rw->n && i < nkeys; i++) {
        /* an empty cell is stored as nothing: record_get gives "" for it all the same */
        if (str_empty(keys[i]) || !rw->cells[i][0])
            continue;
        char *v = text_nfc(rw->cells[i]);
        record_set(rec, keys[i], v);
        free(v);
    }
    if (rw->n > nkeys) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Dòng %ld có %zu ô, nhiều hơn %zu cột của dòng tiêu đề; "
                 "các ô thừa bị bỏ qua.",
                 rw->line, rw->n, nkeys);
        roster_warn(r, rw->line, NULL, msg);
    }
}

void csv_parse(roster *r, const char *text, size_t len, char delim)
{
    cursor c = {text, text + len, delim ? delim : csv_detect_delimiter(text, len), 1};
    buf cell;
    buf_init(&cell, CSV_MAX_FIELD_BYTES);
    row hdr = {0}, rw = {0};
    char **keys = NULL;
    row_status st;
    while ((st = read_row(r, &c, &hdr, &cell)) == ROW_OK && row_blank(&hdr))
        row_release(&hdr);
    if (st != ROW_OK) {
        if (st == ROW_EOF)
            roster_fail(r, 1, "Tệp không có dòng tiêu đề và không có dữ liệu.");
        goto out;
    }
    if (!(keys = map_header(r, &hdr)))
        goto out;
    while ((st = read_row(r, &c, &rw, &cell)) == ROW_OK) {
        if (!row_blank(&rw)) {
            if (r->nrecords >= ROSTER_MAX_ROWS) {
                char *msg = xasprintf("Tệp có quá nhiều dòng: dòng %ld vượt giới hạn %ld yêu "
                                      "cầu; hãy chia thành nhiều tệp.",
                                      rw.line, (long)ROSTER_MAX_ROWS);
                roster_fail(r, rw.line, msg);
                free(msg);
                goto out;
            }
            add_record(r, &rw, keys, hdr.n);
        }
        row_release(&rw);
    }
out:
    row_release(&rw);
    if (keys)
        for (size_t i = 0; i < hdr.n; i++)
            free(keys[i]);
    free(keys);
    row_release(&hdr);
    buf_release(&cell);
}
