/* table: header finding, header -> key mapping and records, shared by every tabular reader. */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

typedef struct held_row {
    long line;
    char **cells;
    size_t n;
} held_row;

struct table {
    roster *r;
    const roster_alias *aliases;
    size_t naliases;
    held_row held[TABLE_HEADER_ROWS]; /* the rows before the header is chosen */
    size_t nheld;
    char **keys; /* per header column: the key, "" ignored, or an unknown column's fold */
    size_t nkeys;
    unsigned char *known; /* per header column: 1 when it names a roster key */
    size_t *filled;       /* per header column: records with a value in it */
    long header_line;
    int ended;
    int probe; /* table_probe_new: owns r, stops once decided */
};

table *table_new(roster *r, const roster_alias *aliases, size_t n)
{
    table *t = xcalloc(1, sizeof *t);
    t->r = r;
    t->aliases = aliases;
    t->naliases = aliases ? n : 0;
    return t;
}

roster *table_roster(const table *t)
{
    return t->r;
}

table *table_probe_new(const table *like)
{
    roster *r = roster_new(like->r->path ? like->r->path : "");
    free(r->format);
    r->format = like->r->format ? xstrdup(like->r->format) : NULL;
    table *t = table_new(r, like->aliases, like->naliases);
    t->probe = 1;
    return t;
}

int table_decided(const table *t)
{
    return t->r->failed ? 0 : t->keys ? 1 : -1;
}

static void held_release(held_row *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->cells[i]);
    free(h->cells);
    memset(h, 0, sizeof *h);
}

void table_free(table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nheld; i++)
        held_release(&t->held[i]);
    for (size_t i = 0; i < t->nkeys; i++)
        free(t->keys[i]);
    free(t->keys);
    free(t->known);
    free(t->filled);
    if (t->probe)
        roster_free(t->r);
    free(t);
}

static int blank(char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!str_empty(cells[i]))
            return 0;
    return 1;
}

static const char *key_of(const table *t, const char *cell)
{
    return roster_key_match(cell, t->aliases, t->naliases);
}

/* The column before i that already gives key, or -1. */
static long earlier_column(char **keys, size_t i, const char *key)
{
    for (size_t k = 0; k < i; k++)
        if (keys[k] && strcmp(keys[k], key) == 0)
            return (long)k;
    return -1;
}

/* How many distinct roster keys the row names (ignored columns do not count). */
static size_t known_keys(const table *t, const held_row *h)
{
    const char *seen[TABLE_MAX_COLUMNS];
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const char *key = str_empty(h->cells[i]) ? NULL : key_of(t, h->cells[i]);
        if (!key || !key[0])
            continue;
        size_t k = 0;
        while (k < n && strcmp(seen[k], key) != 0)
            k++;
        if (k == n)
            seen[n++] = key;
    }
    return n;
}

/* Maps the header's cells to keys; unknown columns keep their folded name and are reported;
 * a column naming a key an earlier one already gives is reported and ignored (key ""), so a
 * second "Họ và tên" never overwrites the first. */
static void map_header(table *t, const held_row *hdr)
{
    roster *r = t->r;
    t->keys = xcalloc(hdr->n ? hdr->n : 1, sizeof *t->keys);
    t->known = xcalloc(hdr->n ? hdr->n : 1, sizeof *t->known);
    t->filled = xcalloc(hdr->n ? hdr->n : 1, sizeof *t->filled);
    t->nkeys = hdr->n;
    t->header_line = hdr->line;
    for (size_t i = 0; i < hdr->n; i++) {
        const char *cell = hdr->cells[i];
        const char *key = str_empty(cell) ? NULL : key_of(t, cell);
        char msg[512];
        long first = key && key[0] ? earlier_column(t->keys, i, key) : -1;
        if (key && (!key[0] || first < 0)) { /* a key, or a column ignored on purpose */
            t->keys[i] = xstrdup(key);
            t->known[i] = key[0] != '\0';
            continue;
        }
        t->keys[i] = key ? xstrdup("") : text_fold_key(cell);
        if (str_empty(cell))
            continue;
        if (key)
            snprintf(msg, sizeof msg,
                     "Cột %zu \"%.200s\" trùng với cột %ld; chỉ dùng dữ liệu của cột %ld.", i + 1,
                     cell, first + 1, first + 1);
        else
            snprintf(msg, sizeof msg,
                     "Cột \"%.300s\" không thuộc mẫu danh sách; dữ liệu của cột "
                     "này được giữ lại nhưng không được sử dụng.",
                     cell);
        roster_warn(r, hdr->line, cell, msg);
    }
}

static void add_record(table *t, long line, char *const *cells, size_t n)
{
    roster *r = t->r;
    if (r->nread >= ROSTER_MAX_ROWS) {
        char *msg = xasprintf("Tệp có quá nhiều dòng: dòng %ld vượt giới hạn %ld yêu "
                              "cầu; hãy chia thành nhiều tệp.",
                              line, (long)ROSTER_MAX_ROWS);
        roster_fail(r, line, msg);
        free(msg);
        return;
    }
    record *rec = roster_add_record(r, line);
    for (size_t i = 0; i < n && i < t->nkeys; i++) {
        /* an empty cell is stored as nothing: record_get gives "" for it all the same */
        if (str_empty(t->keys[i]) || str_empty(cells[i]))
            continue;
        t->filled[i]++;
        char *trimmed = str_trim_dup(cells[i]);
        char *v = text_nfc(trimmed);
        record_set(rec, t->keys[i], v);
        free(v);
        free(trimmed);
    }
    size_t used = n;
    while (used > t->nkeys && str_empty(cells[used - 1]))
        used--; /* empty cells past the header (a sheet's formatting) say nothing */
    if (used > t->nkeys) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Dòng %ld có %zu ô, nhiều hơn %zu cột của dòng tiêu đề; "
                 "các ô thừa bị bỏ qua.",
                 line, used, t->nkeys);
        roster_warn(r, line, NULL, msg);
    }
}

/* A .txt file is a roster only when its header plainly says so: Excel's "Unicode Text"
 * is one, a clerk's ghi-chu.txt is not (issue 10 item 7). */
static int is_txt(const roster *r)
{
    const char *dot = r->path ? strrchr(r->path, '.') : NULL;
    return dot && !strchr(dot, '/') && strcasecmp(dot, ".txt") == 0;
}

static void fail_no_header(table *t, long line)
{
    char *msg = xasprintf("Không tìm thấy dòng tiêu đề trong %d dòng đầu của tệp: không dòng "
                          "nào có tên cột của mẫu danh sách (Thủ tục, Loại thuê bao, Họ và tên, "
                          "Số CCCD, ...). Tệp này không phải danh sách đề nghị nên được để "
                          "nguyên; nếu đúng là danh sách, hãy ghi dòng tiêu đề theo mẫu "
                          "(từ dòng %ld).",
                          TABLE_HEADER_ROWS, line);
    roster_fail(t->r, line, msg);
    /* a .txt note stays where the clerk put it; a .csv or a workbook was meant as a roster:
     * it goes to rejected/ with this explanation beside it */
    t->r->not_roster = is_txt(t->r);
    free(msg);
}

/* Chooses the header among the held rows (table.h), maps it and turns the rows below it
 * into records. */
static void choose_header(table *t)
{
    size_t best = 0, bestn = 0, above = 0;
    long first_line = 0;
    int first = -1;
    for (size_t i = 0; i < t->nheld; i++) {
        if (blank(t->held[i].cells, t->held[i].n))
            continue;
        if (first < 0)
            first = (int)i, first_line = t->held[i].line;
        size_t k = known_keys(t, &t->held[i]);
        if (k > bestn && (k >= 2 || ((int)i == first && !is_txt(t->r))))
            best = i, bestn = k;
    }
    if (first < 0 && t->nheld == TABLE_HEADER_ROWS) {
        fail_no_header(t, 1); /* only blank rows where the header should be */
        return;
    }
    if (first < 0) {
        roster_fail(t->r, 1, "Tệp không có dòng tiêu đề và không có dữ liệu.");
        return;
    }
    if (bestn == 0) {
        fail_no_header(t, first_line);
        return;
    }
    for (size_t i = 0; i < best; i++)
        above += !blank(t->held[i].cells, t->held[i].n);
    map_header(t, &t->held[best]);
    if (above) {
        char *msg = xasprintf("Dòng tiêu đề là dòng %ld; %zu dòng phía trên nó (tên danh sách, "
                              "ghi chú, ...) được bỏ qua.",
                              t->held[best].line, above);
        roster_warn(t->r, t->held[best].line, NULL, msg);
        free(msg);
    }
    for (size_t i = best + 1; i < t->nheld && !t->r->failed; i++)
        if (!blank(t->held[i].cells, t->held[i].n))
            add_record(t, t->held[i].line, t->held[i].cells, t->held[i].n);
    for (size_t i = 0; i < t->nheld; i++)
        held_release(&t->held[i]);
    t->nheld = 0;
}

int table_row(table *t, long line, char *const *cells, size_t n)
{
    roster *r = t->r;
    if (r->failed || t->ended || (t->probe && t->keys))
        return -1;
    if (n > TABLE_MAX_COLUMNS) {
        char *msg = xasprintf("Dòng %ld có quá nhiều cột (tối đa %d).", line, TABLE_MAX_COLUMNS);
        roster_fail(r, line, msg);
        free(msg);
        return -1;
    }
    if (t->keys) {
        if (!blank(cells, n))
            add_record(t, line, cells, n);
        return r->failed ? -1 : 0;
    }
    held_row *h = &t->held[t->nheld++];
    h->line = line;
    h->n = n;
    h->cells = xcalloc(n ? n : 1, sizeof *h->cells);
    for (size_t i = 0; i < n; i++)
        h->cells[i] = xstrdup(cells[i] ? cells[i] : "");
    if (t->nheld == TABLE_HEADER_ROWS)
        choose_header(t);
    return r->failed ? -1 : 0;
}

/* FreeXL gives no value for a formula cell of an .xls (it reads no cached results), so a
 * column computed by a formula reads as empty on every row: the rows would each be told to
 * fill a field the clerk sees filled. Said once per such column, with the way out. */
static void note_empty_xls_columns(table *t)
{
    roster *r = t->r;
    if (r->failed || !r->nread || !r->format || strcmp(r->format, "xls") != 0)
        return;
    for (size_t i = 0; i < t->nkeys; i++) {
        if (!t->known[i] || t->filled[i])
            continue;
        const char *label = roster_label(t->keys[i]);
        char *msg = xasprintf(
            "Cột «%s» trống ở tất cả %zu dòng của tệp. Nếu trong Excel cột này có dữ liệu thì "
            "đó là kết quả của công thức (ví dụ =B3&\" \"&C3), mà chương trình không đọc được "
            "trong tệp Excel 97-2003 (.xls): hãy mở tệp trong Excel, chọn Tệp → Lưu thành (File "
            "→ Save As), kiểu «Excel Workbook (*.xlsx)», rồi gửi tệp .xlsx.",
            label ? label : t->keys[i], r->nread);
        roster_warn(r, t->header_line, t->keys[i], msg);
        free(msg);
    }
}

void table_end(table *t)
{
    if (!t->ended && !t->keys && !t->r->failed)
        choose_header(t);
    if (!t->ended && t->keys)
        note_empty_xls_columns(t);
    t->ended = 1;
}
