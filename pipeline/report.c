/* report: verdicts as JSON (ROSTER.md) and as the clerk's report.csv (issue 4 item 9). */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"

void report_json_string(buf *out, const char *s)
{
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (char)*p);
        } else if (*p == '\n') {
            buf_puts(out, "\\n");
        } else if (*p == '\r') {
            buf_puts(out, "\\r");
        } else if (*p == '\t') {
            buf_puts(out, "\\t");
        } else if (*p < 0x20) {
            buf_printf(out, "\\u%04x", *p);
        } else {
            buf_putc(out, (char)*p);
        }
    }
    buf_putc(out, '"');
}

static void json_kv(buf *out, const char *key, const char *value, int comma)
{
    if (comma)
        buf_puts(out, ", ");
    report_json_string(out, key);
    buf_puts(out, ": ");
    report_json_string(out, value);
}

static void json_finding(buf *out, const finding *f)
{
    buf_putc(out, '{');
    json_kv(out, "rule", f->rule, 0);
    json_kv(out, "severity", severity_name(f->sev), 1);
    json_kv(out, "field", f->field, 1);
    json_kv(out, "message", f->message, 1);
    json_kv(out, "basis", f->basis, 1);
    buf_putc(out, '}');
}

static void json_row(buf *out, const verdict *v)
{
    buf_printf(out, "{\"line\": %ld", v->rec->line);
    json_kv(out, "thu_tuc", v->thu_tuc[0] ? v->thu_tuc : record_get(v->rec, "thu_tuc"), 1);
    json_kv(out, "loai_thue_bao",
            v->loai_thue_bao[0] ? v->loai_thue_bao : record_get(v->rec, "loai_thue_bao"), 1);
    json_kv(out, "ten", v->ten, 1);
    json_kv(out, "status", v->accepted ? "accepted" : "rejected", 1);
    buf_puts(out, ", \"findings\": [");
    for (size_t i = 0; i < v->nfindings; i++) {
        if (i)
            buf_puts(out, ", ");
        json_finding(out, &v->findings[i]);
    }
    buf_puts(out, "], \"derived\": {");
    for (size_t i = 0; i < v->derived.nfields; i++)
        json_kv(out, v->derived.fields[i].key, v->derived.fields[i].value, i > 0);
    buf_puts(out, "}}");
}

int report_json(buf *out, const roster *r, size_t index, const batch *b)
{
    buf_putc(out, '{');
    json_kv(out, "file", r->path, 0);
    json_kv(out, "encoding", r->encoding, 1);
    json_kv(out, "format", r->format, 1);
    if (r->failed) {
        buf_puts(out, ", \"error\": {");
        json_kv(out, "rule", "tep-khong-doc-duoc", 0);
        buf_printf(out, ", \"line\": %ld", r->error.line);
        json_kv(out, "message", r->error.message, 1);
        buf_puts(out, "}}\n");
        return out->full ? -1 : 0;
    }
    if (r->nwarnings) {
        buf_puts(out, ", \"warnings\": [");
        for (size_t i = 0; i < r->nwarnings; i++) {
            buf_printf(out, "%s{\"line\": %ld", i ? ", " : "", r->warnings[i].line);
            json_kv(out, "message", r->warnings[i].message, 1);
            buf_putc(out, '}');
        }
        buf_putc(out, ']');
    }
    buf_puts(out, ", \"rows\": [");
    int first = 1;
    for (size_t i = 0; i < b->n; i++) {
        if (b->v[i].from != index)
            continue;
        buf_puts(out, first ? "\n  " : ",\n  ");
        json_row(out, &b->v[i]);
        first = 0;
    }
    buf_puts(out, "]}\n");
    return out->full ? -1 : 0;
}

/* A CSV cell: quoted, quotes doubled; a cell a spreadsheet could run as a formula gets a '
 * in front so that it shows as text instead. */
void report_csv_cell(buf *out, const char *s, int last)
{
    csv_cell(out, s, last, 1);
}

void report_row_of(const roster *r, const verdict *v, const config *cfg, report_row *out)
{
    memset(out, 0, sizeof *out);
    out->file = r->path;
    out->procedure = out->procedure_label = out->name = out->cccd = out->documents = "";
    if (!v) {
        out->line = r->error.line;
        out->status = "Không đọc được tệp";
        out->error = r->error.message;
        out->rejected = 1;
        return;
    }
    out->line = v->rec->line;
    out->procedure = v->thu_tuc[0] ? v->thu_tuc : record_get(v->rec, "thu_tuc");
    out->procedure_label =
        cfg && v->thu_tuc[0] ? config_value_label(cfg, "thu_tuc", v->thu_tuc) : out->procedure;
    out->name = v->ten;
    out->cccd = record_get(v->rec, "so_cccd");
    out->status = report_status_label(v);
    out->findings = v->findings;
    out->nfindings = v->nfindings;
    out->documents = v->documents ? v->documents : "";
    out->rejected = !v->accepted;
}

char *report_row_fix(const report_row *row, int with_rules)
{
    buf msgs;
    buf_init(&msgs, 0);
    if (row->error)
        buf_puts(&msgs, row->error);
    for (const char *s = row->fix; s && *s;) { /* line by line, "[rule] " dropped or kept */
        const char *nl = strchr(s, '\n'), *e = nl ? nl : s + strlen(s), *close = NULL;
        if (!with_rules && *s == '[' && (close = memchr(s, ']', (size_t)(e - s))) &&
            close[1] == ' ')
            s = close + 2;
        buf_append(&msgs, s, (size_t)(e - s));
        if (nl)
            buf_putc(&msgs, '\n');
        s = nl ? nl + 1 : e;
    }
    for (size_t i = 0; i < row->nfindings; i++) {
        const finding *f = &row->findings[i];
        if (with_rules)
            buf_printf(&msgs, "%s[%s] %s", i ? "\n" : "", f->rule, f->message);
        else
            buf_printf(&msgs, "%s%s", i ? "\n" : "", f->message);
    }
    return buf_detach(&msgs);
}

/* One line of report.csv (its columns: report_csv_header). */
static void csv_row(buf *out, const report_row *row)
{
    char line[32], *fix = report_row_fix(row, 1);
    snprintf(line, sizeof line, "%ld", row->line);
    report_csv_cell(out, row->file, 0);
    report_csv_cell(out, line, 0);
    report_csv_cell(out, row->procedure, 0);
    report_csv_cell(out, row->name, 0);
    report_csv_cell(out, row->status, 0);
    report_csv_cell(out, fix, 0);
    report_csv_cell(out, row->documents, 1);
    free(fix);
}

void report_csv_header(buf *out)
{
    buf_puts(out, "\xEF\xBB\xBF");
    buf_puts(out, "\"Tệp\",\"Dòng\",\"Thủ tục\",\"Họ tên / Tên cơ quan\",\"Kết quả\","
                  "\"Nội dung cần sửa\",\"Văn bản đã lập\"\r\n");
}

int report_csv(buf *out, roster *const *rs, size_t n, const batch *b)
{
    report_csv_header(out);
    return report_csv_rows(out, rs, n, b);
}

int report_csv_rows(buf *out, roster *const *rs, size_t n, const batch *b)
{
    report_row row;
    for (size_t f = 0; f < n; f++) {
        const roster *r = rs[f];
        if (r->failed) {
            report_row_of(r, NULL, NULL, &row);
            csv_row(out, &row);
            continue;
        }
        for (size_t i = 0; i < b->n; i++) {
            if (b->v[i].from != f)
                continue;
            report_row_of(r, &b->v[i], NULL, &row);
            csv_row(out, &row);
        }
    }
    return out->full ? -1 : 0;
}

char *report_file_notes(roster *const *rosters, size_t n)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        const roster *r = rosters[i];
        const char *slash = strrchr(r->path, '/');
        for (size_t k = 0; k < r->nwarnings; k++) {
            const roster_note *w = &r->warnings[k];
            if (b.len)
                buf_putc(&b, ' ');
            if (n > 1)
                buf_printf(&b, "%s, ", slash ? slash + 1 : r->path);
            if (w->line > 0)
                buf_printf(&b, "%s %ld: ", n > 1 ? "dòng" : "Dòng", w->line);
            buf_puts(&b, w->message);
        }
    }
    return buf_detach(&b);
}

int report_csv_read_row(const char **p, const char *end, const config *cfg, buf *store,
                        report_row *row)
{
    enum { CELLS = 7 };
    size_t at[CELLS];
    const char *s = *p;
    buf_reset(store);
    for (int c = 0; c < CELLS; c++) {
        if (s >= end || *s != '"')
            goto bad;
        s++;
        at[c] = store->len;
        for (;; s++) {
            if (s >= end)
                goto bad;
            if (*s == '"' && (s + 1 >= end || s[1] != '"'))
                break;
            if (*s == '"')
                s++; /* a doubled quote */
            buf_putc(store, *s);
        }
        buf_putc(store, '\0');
        s++;
        const char *sep = c < CELLS - 1 ? "," : "\r\n";
        if ((size_t)(end - s) < strlen(sep) || memcmp(s, sep, strlen(sep)) != 0)
            goto bad;
        s += strlen(sep);
    }
    if (store->full)
        goto bad;
    const char *cell[CELLS];
    for (int c = 0; c < CELLS; c++) {
        cell[c] = store->data + at[c];
        if (cell[c][0] == '\'' && csv_needs_quote_mark(cell[c] + 1))
            cell[c]++; /* neutralised by report_csv_cell */
    }
    memset(row, 0, sizeof *row);
    row->file = cell[0];
    row->line = strtol(cell[1], NULL, 10);
    row->procedure = cell[2];
    const char *canon = cfg ? config_value_canonical(cfg, "thu_tuc", cell[2]) : NULL;
    row->procedure_label = canon ? config_value_label(cfg, "thu_tuc", canon) : cell[2];
    row->name = cell[3];
    row->cccd = "";
    row->status = cell[4];
    row->fix = cell[5];
    row->documents = cell[6];
    row->rejected =
        strcmp(cell[4], "Bị từ chối") == 0 || strcmp(cell[4], "Không đọc được tệp") == 0;
    *p = s;
    return 0;
bad:
    *p = end;
    return -1;
}

char *report_unreadable(const roster *r)
{
    if (r->error.line <= 0) /* the whole file: no line to name */
        return xasprintf("%s: %s", r->path, r->error.message);
    return xasprintf("%s (dòng %ld): %s", r->path, r->error.line, r->error.message);
}

char *report_unreadable_list(roster *const *rs, size_t n)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        if (!rs[i]->failed)
            continue;
        char *one = report_unreadable(rs[i]);
        buf_printf(&b, "%s%s", b.len ? "; " : "", one);
        free(one);
    }
    if (!b.len)
        buf_puts(&b, "không có");
    return buf_detach(&b);
}

/* A finding's severity in the clerk's words (the JSON keeps severity_name's codes). */
static const char *severity_words(severity sev)
{
    return sev == SEV_ERROR ? "lỗi" : sev == SEV_WARNING ? "cảnh báo" : "thông tin";
}

void report_text(buf *out, const roster *r, size_t index, const batch *b)
{
    if (r->failed) { /* a file-level failure has no line 0 to point to */
        if (r->error.line > 0)
            buf_printf(out, "%s:%ld: không đọc được tệp: %s\n", r->path, r->error.line,
                       r->error.message);
        else
            buf_printf(out, "%s: không đọc được tệp: %s\n", r->path, r->error.message);
        return;
    }
    for (size_t i = 0; i < r->nwarnings; i++) { /* line 0: the whole file, no line to name */
        if (r->warnings[i].line > 0)
            buf_printf(out, "%s:%ld: cảnh báo: %s\n", r->path, r->warnings[i].line,
                       r->warnings[i].message);
        else
            buf_printf(out, "%s: cảnh báo: %s\n", r->path, r->warnings[i].message);
    }
    for (size_t i = 0; i < b->n; i++) {
        const verdict *v = &b->v[i];
        if (v->from != index)
            continue;
        buf_printf(out, "%s:%ld: %s: %s\n", r->path, v->rec->line,
                   v->ten[0] ? v->ten : "(không tên)", v->accepted ? "hợp lệ" : "bị từ chối");
        for (size_t k = 0; k < v->nfindings; k++)
            buf_printf(out, "    %s [%s] %s: %s (%s)\n", severity_words(v->findings[k].sev),
                       v->findings[k].rule, v->findings[k].field, v->findings[k].message,
                       v->findings[k].basis);
    }
}

void report_text_summary(buf *out, size_t files, size_t unreadable, size_t requests,
                         size_t accepted)
{
    buf_printf(out, "Tổng cộng: %zu tệp", files);
    if (unreadable)
        buf_printf(out, " (%zu tệp không đọc được)", unreadable);
    buf_printf(out, ", %zu yêu cầu: %zu hợp lệ, %zu bị từ chối.\n", requests, accepted,
               requests - accepted);
}

const char *report_status_label(const verdict *v)
{
    return !v->accepted       ? "Bị từ chối"
           : v->issued_before ? "Đã lập trước"
           : v->postponed     ? "Hợp lệ, chưa lập"
                              : "Hợp lệ";
}

char *report_documents_text(const verdict *v)
{
    return v->documents ? xasprintf("Đã lập: %s.", v->documents) : NULL;
}
