/* roster: records with their source lines, and the key/label table of ROSTER.md. */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* ROSTER.md "Keys": the input contract. Labels are what a clerk's spreadsheet header says. */
static const struct {
    const char *key;
    const char *label;
} KEYS[] = {
    {"thu_tuc", "Thủ tục"},
    {"loai_thue_bao", "Loại thuê bao"},
    {"ngay_de_nghi", "Ngày đề nghị"},
    {"ho_ten", "Họ và tên"},
    {"ngay_sinh", "Ngày sinh"},
    {"so_cccd", "Số CCCD"},
    {"ngay_cap_cccd", "Ngày cấp"},
    {"noi_cap_cccd", "Nơi cấp"},
    {"chuc_vu", "Chức vụ"},
    {"co_quan_cong_tac", "Cơ quan công tác"},
    {"ten_co_quan", "Tên cơ quan, tổ chức"},
    {"dia_chi", "Địa chỉ"},
    {"tu_cach_phap_nhan", "Tư cách pháp nhân"},
    {"quyet_dinh_thanh_lap", "Quyết định thành lập"},
    {"xac_nhan_cap_tren", "Xác nhận của cấp trên"},
    {"email", "Thư điện tử công vụ"},
    {"dien_thoai", "Số điện thoại"},
    {"so_hieu_cts", "Số hiệu chứng thư số"},
    {"ngay_het_han", "Ngày hết hạn"},
    {"so_lan_gia_han", "Số lần đã gia hạn"},
    {"noi_dung_thay_doi", "Nội dung thay đổi"},
    {"gia_tri_cu", "Thông tin cũ"},
    {"gia_tri_moi", "Thông tin mới"},
    {"ly_do_thu_hoi", "Lý do thu hồi"},
    {"ngay_thu_hoi", "Ngày thu hồi"},
    {"so_serial_thiet_bi", "Số serial thiết bị"},
    {"ngay_that_lac", "Ngày thất lạc"},
    {"hoan_canh", "Hoàn cảnh thất lạc"},
    {"xac_nhan_thu_truong", "Xác nhận của thủ trưởng"},
    {"ghi_chu", "Ghi chú"},
    {"co_quan_quan_ly", "Cơ quan quản lý trực tiếp"},
    {"co_quan_chu_quan", "Cơ quan chủ quản"},
    {"ky_hieu", "Ký hiệu văn bản"},
    {"thu_truong", "Thủ trưởng"},
    {"chuc_vu_thu_truong", "Chức vụ thủ trưởng"},
    {"quyen_ky", "Quyền ký"}, /* NĐ 30/2020: "KT. GIÁM ĐỐC" above a deputy's title */
    {"dia_chi_co_quan", "Địa chỉ cơ quan"},
    {"dien_thoai_co_quan", "Điện thoại cơ quan"},
    {"email_co_quan", "Email cơ quan"},
    /* the certificate register (docs/register.md, issue 12) */
    {"ngay_cap", "Ngày cấp chứng thư số"},
    {"trang_thai", "Trạng thái chứng thư số"},
    {"ngay_het_han_moi", "Ngày hết hạn mới"},
    {"ngay_xac_nhan", "Ngày xác nhận"},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

roster *roster_new(const char *path)
{
    roster *r = xcalloc(1, sizeof *r);
    r->path = xstrdup(path ? path : "");
    r->format = xstrdup("");
    r->encoding = xstrdup("");
    return r;
}

/* Keys are few (the roster keys, the derived and agency keys, unknown headers) and repeated
 * on every row: each is stored once for the life of the process. Open addressing, grown at
 * half full. */
static struct {
    char **slot;
    size_t cap, n;
} interned;

static size_t key_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static const char *intern(const char *key)
{
    if ((interned.n + 1) * 2 > interned.cap) {
        size_t cap = interned.cap ? interned.cap * 2 : 128;
        char **slot = xcalloc(cap, sizeof *slot);
        for (size_t i = 0; i < interned.cap; i++) {
            if (!interned.slot[i])
                continue;
            size_t j = key_hash(interned.slot[i]) & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = interned.slot[i];
        }
        free(interned.slot);
        interned.slot = slot;
        interned.cap = cap;
    }
    size_t j = key_hash(key) & (interned.cap - 1);
    while (interned.slot[j] && strcmp(interned.slot[j], key) != 0)
        j = (j + 1) & (interned.cap - 1);
    if (!interned.slot[j]) {
        interned.slot[j] = xstrdup(key);
        interned.n++;
    }
    return interned.slot[j];
}

/* 1 when value lives in the record's packed block, not in an allocation of its own. */
static int in_pack(const record *rec, const char *value)
{
    return rec->pack && value >= rec->pack && value < rec->pack + rec->packlen;
}

static void free_value(record *rec, char *value)
{
    if (!in_pack(rec, value))
        free(value);
}

void record_release(record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        free_value(rec, rec->fields[i].value);
    free(rec->pack);
    free(rec->fields);
    free(rec->flags);
    memset(rec, 0, sizeof *rec);
}

static void note_release(roster_note *n)
{
    free(n->field);
    free(n->message);
}

void roster_free(roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrecords; i++)
        record_release(&r->records[i]);
    free(r->records);
    for (size_t i = 0; i < r->nwarnings; i++)
        note_release(&r->warnings[i]);
    free(r->warnings);
    note_release(&r->error);
    free(r->path);
    free(r->format);
    free(r->encoding);
    free(r);
}

void record_trim(record *rec)
{
    if (!rec->nfields)
        return;
    if (rec->cap > rec->nfields) {
        rec->fields = xrealloc(rec->fields, rec->nfields * sizeof *rec->fields);
        rec->cap = rec->nfields;
    }
    size_t len = 0;
    for (size_t i = 0; i < rec->nfields; i++)
        len += strlen(rec->fields[i].value) + 1;
    char *pack = xmalloc(len), *at = pack;
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t n = strlen(rec->fields[i].value) + 1;
        memcpy(at, rec->fields[i].value, n);
        free_value(rec, rec->fields[i].value);
        rec->fields[i].value = at;
        at += n;
    }
    free(rec->pack);
    rec->pack = pack;
    rec->packlen = len;
}

void roster_stream(roster *r, roster_sink sink, void *ctx)
{
    r->sink = sink;
    r->sink_ctx = ctx;
}

/* The record held goes to the sink and is released. */
static void hand_over(roster *r)
{
    if (!r->sink || r->failed || r->nrecords == 0)
        return;
    record *rec = &r->records[r->nrecords - 1];
    long line = rec->line;
    int rc = r->sink(r->sink_ctx, r, rec);
    record_release(rec);
    r->nrecords = 0;
    if (rc < 0) {
        roster_fail(r, line, "Việc đọc tệp đã dừng.");
        r->stopped = 1;
    }
}

void roster_flush(roster *r)
{
    if (r->nrecords)
        record_trim(&r->records[r->nrecords - 1]);
    hand_over(r);
}

record *roster_add_record(roster *r, long line)
{
    if (r->nrecords)
        record_trim(&r->records[r->nrecords - 1]);
    hand_over(r);
    r->nread++;
    r->records = xgrow(r->records, &r->cap, r->nrecords + 1, sizeof *r->records);
    record *rec = &r->records[r->nrecords++];
    memset(rec, 0, sizeof *rec);
    rec->line = line;
    return rec;
}

void roster_fail(roster *r, long line, const char *message)
{
    for (size_t i = 0; i < r->nrecords; i++)
        record_release(&r->records[i]);
    r->nrecords = 0;
    note_release(&r->error);
    r->failed = 1;
    r->error.line = line;
    r->error.field = NULL;
    r->error.message = xstrdup(message);
}

void roster_warn(roster *r, long line, const char *column, const char *message)
{
    r->warnings = xgrow(r->warnings, &r->wcap, r->nwarnings + 1, sizeof *r->warnings);
    roster_note *n = &r->warnings[r->nwarnings++];
    n->line = line;
    n->field = column ? xstrdup(column) : NULL;
    n->message = xstrdup(message);
}

void record_set(record *rec, const char *key, const char *value)
{
    for (size_t i = 0; i < rec->nfields; i++) {
        if (strcmp(rec->fields[i].key, key) == 0) {
            char *copy = xstrdup(value); /* value may be the old one */
            free_value(rec, rec->fields[i].value);
            rec->fields[i].value = copy;
            return;
        }
    }
    rec->fields = xgrow(rec->fields, &rec->cap, rec->nfields + 1, sizeof *rec->fields);
    rec->fields[rec->nfields].key = intern(key);
    rec->fields[rec->nfields].value = xstrdup(value);
    rec->nfields++;
}

const char *record_get(const record *rec, const char *key)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].key, key) == 0)
            return rec->fields[i].value;
    return "";
}

int record_has(const record *rec, const char *key)
{
    return !str_empty(record_get(rec, key));
}

void record_flag_set(record *rec, const char *key, const char *rule, const char *variant)
{
    const char *k = intern(key);
    size_t i = 0;
    while (i < rec->nflags && rec->flags[i].key != k)
        i++;
    if (i == rec->nflags) /* a handful per record at most: grown one at a time */
        rec->flags = xrealloc(rec->flags, ++rec->nflags * sizeof *rec->flags);
    rec->flags[i] = (record_flag){k, rule, variant};
}

const record_flag *record_flag_get(const record *rec, const char *key)
{
    for (size_t i = 0; i < rec->nflags; i++)
        if (strcmp(rec->flags[i].key, key) == 0)
            return &rec->flags[i];
    return NULL;
}

char *roster_fold_header(const char *header)
{
    char *folded = text_fold_key(header);
    size_t k = 0;
    for (size_t i = 0; folded[i]; i++) {
        unsigned char ch = (unsigned char)folded[i];
        if (ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            folded[k++] = folded[i];
    }
    folded[k] = '\0';
    return folded;
}

/* The keys and labels folded once, before any worker thread starts (the first reader);
 * they live until exit. */
static const char *folded_key(size_t i, int label)
{
    static char folded[NKEYS][2][64];
    static int done;
    if (!done) {
        for (size_t k = 0; k < NKEYS; k++) {
            for (int l = 0; l < 2; l++) {
                char *f = roster_fold_header(l ? KEYS[k].label : KEYS[k].key);
                snprintf(folded[k][l], sizeof folded[k][l], "%s", f);
                free(f);
            }
        }
        done = 1;
    }
    return folded[i][label];
}

const char *roster_key_match(const char *header, const roster_alias *aliases, size_t n)
{
    /* the common case, a key written as itself (every XML element), folds nothing */
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(header, KEYS[i].key) == 0)
            return KEYS[i].key;
    char *folded = roster_fold_header(header);
    const char *found = NULL;
    for (size_t i = 0; i < NKEYS && !found && folded[0]; i++)
        if (strcmp(folded, folded_key(i, 0)) == 0 || strcmp(folded, folded_key(i, 1)) == 0)
            found = KEYS[i].key;
    for (size_t i = 0; aliases && i < n && !found && folded[0]; i++) {
        char *own = aliases[i].folded ? NULL : roster_fold_header(aliases[i].text);
        if (strcmp(folded, own ? own : aliases[i].folded) == 0)
            found = aliases[i].key;
        free(own);
    }
    free(folded);
    return found;
}

const char *roster_key_for_header(const char *header)
{
    return roster_key_match(header, NULL, 0);
}

int roster_is_key(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(KEYS[i].key, key) == 0)
            return 1;
    return 0;
}

const char *roster_label(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(KEYS[i].key, key) == 0)
            return KEYS[i].label;
    return key;
}
