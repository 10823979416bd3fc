/* csv: a streaming RFC 4180 tokenizer turning a roster's text into records (ROSTER.md). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "text.h"
#include "util.h"

typedef struct cursor {
    const char *p, *end;
    char delim;
    long line; /* line of *p */
    int final; /* no text follows end; else a row reaching end is given again, longer */
} cursor;

typedef struct row {
    char **cells;
    size_t n, cap;
    long line; /* where the row starts */
} row;

typedef enum { ROW_OK, ROW_EOF, ROW_ERROR, ROW_MORE } row_status;

enum { CELL_MORE = -2 }; /* read_cell: the text ends inside the cell, and more follows */

/* 1 when what is at p cannot be told before more text comes: the end itself, or the last
 * byte being a quote (a doubled one?) or a CR (of a CRLF?). */
static int need_more(const cursor *c, const char *p)
{
    return !c->final && (p >= c->end || (p + 1 == c->end && (*p == '"' || *p == '\r')));
}

char csv_detect_delimiter(const char *text, size_t len)
{
    static const char cands[] = {',', ';', '\t'};
    size_t counts[3] = {0, 0, 0};
    int quoted = 0, lines = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        /* a quote opens a cell only at its start, as read_cell takes it (a title's stray
         * quote, «Danh sách "đợt 1», is text); inside, "" is a quote and one ends it */
        char before = i ? text[i - 1] : '\n';
        if (c == '"' && !quoted) {
            if (before == '\n' || before == '\r' || before == ',' || before == ';' ||
                before == '\t')
                quoted = 1;
            continue;
        }
        if (c == '"') {
            if (i + 1 < len && text[i + 1] == '"')
                i++;
            else
                quoted = 0;
            continue;
        }
        if (!quoted && (c == '\n' || c == '\r')) {
            /* a title line above the header may hold no delimiter: the next line decides */
            if (counts[0] + counts[1] + counts[2] || ++lines >= TABLE_HEADER_ROWS)
                break;
            continue;
        }
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
            if (need_more(c, c->p))
                return CELL_MORE;
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
        int got = read_cell(r, c, cell);
        if (got == CELL_MORE)
            return ROW_MORE;
        if (got < 0)
            return ROW_ERROR;
        if (rw->n >= CSV_MAX_COLUMNS) {
            fail_line(r, rw->line, "Dòng %ld có quá nhiều cột (tối đa 256).", rw->line);
            return ROW_ERROR;
        }
        rw->cells = xgrow(rw->cells, &rw->cap, rw->n + 1, sizeof *rw->cells);
        /* a ' before what a spreadsheet would run as a formula is a writer's guard
         * (csv_write_cell, report.csv): the value is what follows it */
        rw->cells[rw->n++] = str_trim_dup(csv_unmark(buf_str(cell)));
        if (need_more(c, c->p))
            return ROW_MORE; /* the row may go on in the text that follows */
        if (c->p < c->end && *c->p == c->delim) {
            c->p++;
            continue;
        }
        eat_eol(c);
        return ROW_OK;
    }
}

struct csv_stream {
    table *t;
    char delim; /* 0 until the first text detects it */
    long line;  /* line of the next text's first byte */
    buf cell;
    int done; /* failed, or ended */
};

csv_stream *csv_stream_new(table *t, char delim)
{
    csv_stream *s = xcalloc(1, sizeof *s);
    s->t = t;
    s->delim = delim;
    s->line = 1;
    buf_init(&s->cell, CSV_MAX_FIELD_BYTES);
    return s;
}

void csv_stream_free(csv_stream *s)
{
    if (!s)
        return;
    buf_release(&s->cell);
    free(s);
}

long csv_stream_feed(csv_stream *s, const char *text, size_t len, int final)
{
    if (s->done)
        return -1;
    roster *r = table_roster(s->t);
    if (!s->delim)
        s->delim = csv_detect_delimiter(text, len);
    cursor c = {text, text + len, s->delim, s->line, final};
    row rw = {0};
    row_status st;
    for (;;) {
        const char *start = c.p;
        long line = c.line;
        if ((st = read_row(r, &c, &rw, &s->cell)) != ROW_OK) {
            if (st == ROW_MORE) /* given again, with what follows */
                c.p = start, c.line = line;
            break;
        }
        int rc = table_row(s->t, rw.line, rw.cells, rw.n);
        row_release(&rw);
        if (rc < 0)
            break;
    }
    row_release(&rw);
    s->line = c.line;
    if (st == ROW_ERROR || r->failed) {
        s->done = 1;
        if (st != ROW_ERROR)
            table_end(s->t);
        return -1;
    }
    if (final) {
        s->done = 1;
        table_end(s->t);
    }
    return (long)(c.p - text);
}

void csv_read(table *t, const char *text, size_t len, char delim)
{
    csv_stream *s = csv_stream_new(t, delim);
    (void)csv_stream_feed(s, text, len, 1);
    csv_stream_free(s);
}

void csv_parse(roster *r, const char *text, size_t len, char delim)
{
    table *t = table_new(r, NULL, 0);
    csv_read(t, text, len, delim);
    table_free(t);
}

/* Characters a spreadsheet may take as the start of a formula: = + - @ and their fullwidth
 * (U+FF1D U+FF0B U+FF0D U+FF20) and small (U+FE66 U+FE62 U+FE63 U+FE6B) forms, which Excel
 * folds to ASCII; tab and CR, which some import dialogs strip before looking (CWE-1236). */
static int formula_start(long cp)
{
    return cp == '=' || cp == '+' || cp == '-' || cp == '@' || cp == '\t' || cp == '\r' ||
           cp == 0xFF1D || cp == 0xFF0B || cp == 0xFF0D || cp == 0xFF20 || cp == 0xFE66 ||
           cp == 0xFE62 || cp == 0xFE63 || cp == 0xFE6B;
}

/* Invisible format characters a spreadsheet may skip before a formula: zero-width space,
 * joiners and marks (U+200B-U+200F), bidirectional controls (U+202A-U+202E, U+2066-U+2069),
 * word joiner and invisible operators (U+2060-U+2064), the BOM / zero-width no-break space
 * (U+FEFF), the Mongolian vowel separator (U+180E), the soft hyphen (U+00AD). */
static int invisible(long cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF ||
           cp == 0x180E || cp == 0xAD;
}

int csv_needs_quote_mark(const char *s)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        long cp = text_utf8_next(&p, end);
        if (formula_start(cp))
            return 1;
        if (!invisible(cp))
            return 0;
    }
    return 0;
}

const char *csv_unmark(const char *s)
{
    return s[0] == '\'' && csv_needs_quote_mark(s + 1) ? s + 1 : s;
}

void csv_cell(buf *out, const char *s, int last, int always_quote)
{
    int mark = csv_needs_quote_mark(s);
    if (always_quote || mark || strpbrk(s, ",\"\r\n")) {
        buf_putc(out, '"');
        if (mark)
            buf_putc(out, '\'');
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                buf_putc(out, '"');
            buf_putc(out, *p);
        }
        buf_putc(out, '"');
    } else {
        buf_puts(out, s);
    }
    buf_puts(out, last ? "\r\n" : ",");
}

void csv_write_cell(buf *out, const char *s, int last)
{
    csv_cell(out, s, last, 0);
}
