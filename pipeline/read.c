/* read: path -> bytes -> UTF-8 -> records. Only regular files enter (issue 8 item 9): the
 * entry is looked at with lstat before it is opened, so a device is never opened (opening
 * one can act on it), then opened with O_NOFOLLOW | O_NONBLOCK and checked again with fstat,
 * so a symlink or FIFO put in its place meanwhile is refused too and never blocks the run.
 * Encoding detection per ROSTER.md; only this module and the XML reader touch iconv or
 * libxml2's parser. */
#include "read.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "excel.h"
#include "ods.h"
#include "sha256.h"
#include "sheet.h"
#include "table.h"
#include "text.h"
#include "util.h"
#include "xls.h"
#include "xlsx.h"
#include "xmlroster.h"

static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    return dot ? dot + 1 : "";
}

static const char *base_of(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

int read_is_roster_name(const char *name)
{
    static const char *const exts[] = {"csv", "txt", "xml", "xlsx", "ods", "xls"};
    const char *ext = extension(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(ext, exts[i]) == 0)
            return 1;
    return 0;
}

const char *read_name_skipped(const char *name)
{
    const char *b = base_of(name);
    if (strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
        return "";
    const char *t = strstr(b, ".tmp-");
    if (b[0] == '.' && t && strlen(t) == 11)
        return ""; /* publish_write_atomic's temporary */
    if (strncmp(b, "~$", 2) == 0)
        return "an Excel lock file";
    if (b[0] == '.')
        return "a hidden file";
    return NULL;
}

int read_encoding_known(const char *name)
{
    iconv_t cd = name && *name ? iconv_open("UTF-8", name) : (iconv_t)-1;
    if (cd == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}

/* Converts in[0..n) from `from` to UTF-8 into out. Returns 0, or -1 with the byte offset of
 * the first byte iconv could not convert in *bad_at. */
static int convert(const char *from, const char *in, size_t n, buf *out, size_t *bad_at)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        *bad_at = 0;
        return -1;
    }
    char chunk[4096];
    char *ip = (char *)in;
    size_t left = n;
    int rc = 0;
    while (left > 0) {
        char *op = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &ip, &left, &op, &room);
        if (buf_append(out, chunk, (size_t)(op - chunk)) < 0 ||
            (r == (size_t)-1 && errno != E2BIG)) {
            *bad_at = (size_t)(ip - in);
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        /* flush: Windows-1258 holds a letter back in case a tone mark follows it */
        char *op = chunk;
        size_t room = sizeof chunk;
        if (iconv(cd, NULL, NULL, &op, &room) == (size_t)-1 ||
            buf_append(out, chunk, (size_t)(op - chunk)) < 0)
            rc = -1, *bad_at = n;
    }
    iconv_close(cd);
    return rc;
}

static long line_of(const char *s, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        line += s[i] == '\n';
    return line;
}

static void fail_binary(roster *r, const char *data, size_t len)
{
    size_t at = (size_t)((const char *)memchr(data, '\0', len) - data);
    roster_fail(r, line_of(data, at),
                "Tệp chứa dữ liệu nhị phân, không phải danh sách CSV hay XML.");
}

/* The encoding named by a BOM, or detected: 8-bit text that is not valid UTF-8 is taken for
 * Windows-1258 (ROSTER.md). Sets *skip to the BOM's length. */
static const char *detect(const char *data, size_t len, const char **label, size_t *skip)
{
    const unsigned char *u = (const unsigned char *)data;
    *skip = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return *label = "utf-8-bom", *skip = 3, "UTF-8";
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return *label = "utf-16le", *skip = 2, "UTF-16LE";
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return *label = "utf-16be", *skip = 2, "UTF-16BE";
    if (text_utf8_valid(data, len, NULL))
        return *label = "utf-8", "UTF-8";
    return *label = "windows-1258", "WINDOWS-1258";
}

/* The UTF-8 text of a text file: the bytes themselves when they are UTF-8 already (no copy
 * of a 9 MB register file), else their conversion in conv. */
typedef struct decoded {
    buf conv;
    const char *text; /* NULL until decoded */
    size_t len;
} decoded;

/* Picks the encoding and leaves UTF-8 text in out; on failure fails the roster. */
static int decode(roster *r, const char *data, size_t len, const read_options *opt, decoded *out)
{
    const char *label = NULL;
    size_t skip = 0, bad = 0;
    const char *enc =
        opt && opt->encoding ? (label = opt->encoding) : detect(data, len, &label, &skip);
    int utf16 = strncmp(enc, "UTF-16", 6) == 0;
    /* a forced encoding still drops the BOM that says the same thing */
    if (opt && opt->encoding && strcasecmp(enc, "UTF-8") == 0 && len >= 3 &&
        memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    free(r->encoding);
    r->encoding = xstrdup(label);
    if (!utf16 && memchr(data, '\0', len)) {
        fail_binary(r, data, len);
        return -1;
    }
    buf *conv = &out->conv;
    if (strcasecmp(enc, "UTF-8") == 0 && text_utf8_valid(data + skip, len - skip, &bad)) {
        /* already what the readers take: no conversion */
        out->text = data + skip, out->len = len - skip;
        return 0;
    } else if (strcasecmp(enc, "UTF-8") != 0 && convert(enc, data + skip, len - skip, conv, &bad) == 0 &&
               text_utf8_valid(buf_str(conv), conv->len, NULL)) {
        if (!memchr(buf_str(conv), '\0', conv->len)) {
            if (conv->len >= 3 && memcmp(conv->data, "\xEF\xBB\xBF", 3) == 0) {
                memmove(conv->data, conv->data + 3, conv->len - 2); /* a BOM iconv kept */
                conv->len -= 3;
            }
            out->text = buf_str(conv), out->len = conv->len;
            return 0;
        }
        fail_binary(r, buf_str(conv), conv->len);
        return -1;
    }
    char msg[200];
    long line = utf16 ? 0 : line_of(data, skip + bad);
    snprintf(msg, sizeof msg,
             "Không đọc được tệp theo bảng mã %s (lỗi ở dòng %ld); hãy lưu lại "
             "tệp dưới dạng CSV UTF-8.",
             label, line);
    roster_fail(r, line, msg);
    return -1;
}

/* The readers: each fills r from the bytes (the format is already set); the text reader
 * leaves the text it decoded in d, for the repairs (excel.h) to explain a failure with. */
static void read_text(roster *r, const char *data, size_t len, const read_options *opt,
                      decoded *d)
{
    if (decode(r, data, len, opt, d) == 0) {
        table *t = table_new(r, opt ? opt->aliases : NULL, opt ? opt->naliases : 0);
        csv_read(t, d->text, d->len, 0);
        table_free(t);
    }
}

static void read_xml(roster *r, const char *data, size_t len, const read_options *opt,
                     decoded *d)
{
    (void)d;
    free(r->encoding);
    r->encoding = xstrdup("utf-8");
    xmlroster_parse(r, data, len, opt ? opt->xml_schema : NULL, opt ? opt->aliases : NULL,
                    opt ? opt->naliases : 0);
}

static void read_sheet(roster *r, const char *data, size_t len, const read_options *opt,
                       void (*fn)(table *, const char *, size_t), const char *encoding)
{
    free(r->encoding);
    r->encoding = xstrdup(encoding);
    table *t = table_new(r, opt ? opt->aliases : NULL, opt ? opt->naliases : 0);
    fn(t, data, len);
    table_free(t);
}

static void read_xlsx(roster *r, const char *data, size_t len, const read_options *opt,
                      decoded *d)
{
    (void)d;
    read_sheet(r, data, len, opt, xlsx_read, "utf-8");
}

static void read_ods(roster *r, const char *data, size_t len, const read_options *opt,
                     decoded *d)
{
    (void)d;
    read_sheet(r, data, len, opt, ods_read, "utf-8");
}

static void read_xls(roster *r, const char *data, size_t len, const read_options *opt,
                     decoded *d)
{
    (void)d;
    read_sheet(r, data, len, opt, xls_read, "biff");
}

/* The reader table: a kind of content (sheet_sniff), or SHEET_NONE and an extension. */
static const struct reader {
    sheet_kind kind;
    const char *ext; /* NULL: chosen by content only */
    const char *format;
    void (*read)(roster *, const char *, size_t, const read_options *, decoded *);
} READERS[] = {
    /* clang-format off */
    {SHEET_XLSX, "xlsx", "xlsx", read_xlsx},
    {SHEET_ODS,  "ods",  "ods",  read_ods},
    {SHEET_XLS,  "xls",  "xls",  read_xls},
    {SHEET_NONE, "xml",  "xml",  read_xml},
    {SHEET_NONE, "csv",  "csv",  read_text},
    {SHEET_NONE, "txt",  "csv",  read_text},
    /* clang-format on */
};
#define NREADERS (sizeof READERS / sizeof READERS[0])

static const struct reader *reader_for(sheet_kind kind, const char *ext)
{
    for (size_t i = 0; i < NREADERS; i++)
        if (kind != SHEET_NONE
                ? READERS[i].kind == kind
                : READERS[i].kind == SHEET_NONE && strcasecmp(READERS[i].ext, ext) == 0)
            return &READERS[i];
    return &READERS[NREADERS - 1]; /* any other name is read as text */
}

/* 1 when ext names a spreadsheet format. */
static int sheet_ext(const char *ext)
{
    for (size_t i = 0; i < NREADERS; i++)
        if (READERS[i].kind != SHEET_NONE && strcasecmp(READERS[i].ext, ext) == 0)
            return 1;
    return 0;
}

static void not_roster(roster *r, const char *msg)
{
    roster_fail(r, 0, msg);
    r->not_roster = 1;
}

/* One reading of the bytes (read_roster_each reads them twice, read_roster_mem once). */
typedef struct pass {
    excel_scan *scan; /* NULL: the roster keeps its records and is repaired whole */
    int again;        /* 0: each record is scanned as read and the scan decided at the end;
                       * 1: each is repaired as the scan decided, then handed to sink */
    roster_sink sink;
    void *ctx;
    roster *first; /* the roster of the first reading, which the sink is told of */
} pass;

static int pass_record(void *ctx, roster *r, record *rec)
{
    pass *p = ctx;
    if (!p->again) {
        excel_scan_record(p->scan, r, rec);
        return 0;
    }
    excel_scan_apply(p->scan, rec);
    return p->sink(p->ctx, p->first, rec);
}

static roster *read_pass(const char *name, const char *data, size_t len, const read_options *opt,
                         pass *p)
{
    roster *r = roster_new(name);
    if (p)
        roster_stream(r, pass_record, p);
    if (!p || !p->again)
        sha256_hex(data, len, r->sha256);
    const char *ext = extension(name);
    sheet_kind kind = sheet_sniff(data, len);
    if (kind == SHEET_ZIP_BROKEN) /* the spreadsheet reader says what is wrong with it */
        kind = strcasecmp(ext, "ods") == 0 ? SHEET_ODS : SHEET_XLSX;
    const struct reader *rd = reader_for(kind == SHEET_ZIP ? SHEET_NONE : kind, ext);
    free(r->format);
    r->format = xstrdup(kind == SHEET_ZIP ? "zip" : rd->format);
    if (strncmp(base_of(name), "~$", 2) == 0)
        not_roster(r, "Đây là tệp khóa tạm của Excel (~$...), Excel tạo ra khi đang mở một bảng "
                      "tính; không phải danh sách. Chương trình để nguyên tệp này.");
    else if (len == 0)
        roster_fail(r, 1, "Tệp rỗng, không có dữ liệu.");
    else if (kind == SHEET_ZIP)
        not_roster(r, "Tệp là một gói nén zip nhưng không phải bảng tính Excel (.xlsx) hay "
                      "OpenDocument (.ods): không phải danh sách. Chương trình để nguyên tệp "
                      "này.");
    else if (kind == SHEET_NONE && sheet_ext(ext)) {
        char *msg = xasprintf("Tệp có đuôi .%s nhưng nội dung không phải bảng tính (có thể là "
                              "tệp văn bản hoặc trang web được đổi tên). Hãy mở tệp trong Excel "
                              "và lưu lại dưới dạng Excel Workbook (*.xlsx), hoặc lưu thành CSV "
                              "UTF-8.",
                              ext);
        roster_fail(r, 0, msg);
        free(msg);
    } else {
        decoded d = {.text = NULL};
        buf_init(&d.conv, READ_MAX_FILE_BYTES * 2);
        rd->read(r, data, len, opt, &d);
        roster_flush(r);
        /* issue 10: what spreadsheets did to values */
        if (!p)
            excel_repair(r, d.text, d.len);
        else if (!p->again)
            excel_scan_end(p->scan, r, d.text, d.len);
        buf_release(&d.conv);
    }
    return r;
}

roster *read_roster_mem(const char *name, const char *data, size_t len, const read_options *opt)
{
    return read_pass(name, data, len, opt, NULL);
}

/* The bytes read twice: first to decide what excel.h repairs (counts, not records), then to
 * repair and hand over each record. The same bytes give the same records both times. */
static roster *read_twice(const char *name, const char *data, size_t len,
                          const read_options *opt, roster_sink sink, void *ctx)
{
    pass one = {excel_scan_new(), 0, NULL, NULL, NULL};
    roster *r = read_pass(name, data, len, opt, &one);
    roster_stream(r, NULL, NULL); /* the pass ends here: r keeps no sink into it */
    if (!r->failed) {
        pass two = {one.scan, 1, sink, ctx, r};
        roster *again = read_pass(name, data, len, opt, &two);
        r->stopped = again->stopped;
        roster_free(again);
    }
    excel_scan_free(one.scan);
    return r;
}

/* Per kind: the operator's word, and for what is refused the clerk's phrase. */
static const struct {
    const char *name;
    const char *vi;
} KINDS[] = {
    [READ_ENTRY_REGULAR] = {"regular file", "tệp thường"},
    [READ_ENTRY_SYMLINK] = {"symlink", "liên kết tượng trưng (symlink)"},
    [READ_ENTRY_FIFO] = {"FIFO", "ống dẫn có tên (FIFO)"},
    [READ_ENTRY_DIR] = {"directory", "thư mục"},
    [READ_ENTRY_DEVICE] = {"device", "tệp thiết bị"},
    [READ_ENTRY_OTHER] = {"special file", "tệp đặc biệt (socket hoặc loại khác)"},
    [READ_ENTRY_GONE] = {"missing", "tệp không còn"},
};

static read_entry_kind kind_of_mode(mode_t m)
{
    if (S_ISREG(m))
        return READ_ENTRY_REGULAR;
    if (S_ISLNK(m))
        return READ_ENTRY_SYMLINK;
    if (S_ISFIFO(m))
        return READ_ENTRY_FIFO;
    if (S_ISDIR(m))
        return READ_ENTRY_DIR;
    if (S_ISCHR(m) || S_ISBLK(m))
        return READ_ENTRY_DEVICE;
    return READ_ENTRY_OTHER;
}

read_entry_kind read_entry_kind_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) < 0 ? READ_ENTRY_GONE : kind_of_mode(st.st_mode);
}

const char *read_entry_kind_name(read_entry_kind kind)
{
    return (unsigned)kind < sizeof KINDS / sizeof KINDS[0] ? KINDS[kind].name : "unknown";
}

enum { READ_OK = 0, READ_ERRNO = -1, READ_TOO_BIG = -2, READ_NOT_REGULAR = -3 };

/* Reads the regular file at path into b, never more than b->max bytes. Returns READ_OK;
 * READ_ERRNO when it cannot be opened or read (errno says why); READ_TOO_BIG when it is
 * larger than b->max (b then holds a cut prefix, to be discarded); READ_NOT_REGULAR, with
 * *kind saying what it is, when it is no regular file. */
/* Opens the regular file at path for reading, with read_regular's checks (max: its size
 * limit). READ_OK and *fd (the caller closes it), or read_regular's other results. */
static int open_regular(const char *path, size_t max, read_entry_kind *kind, int *fd)
{
    struct stat st;
    *fd = -1;
    *kind = read_entry_kind_of(path);
    if (*kind == READ_ENTRY_GONE)
        return READ_ERRNO;
    if (*kind != READ_ENTRY_REGULAR)
        return READ_NOT_REGULAR;
    int f = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) {
        /* lstat resolved the folders and saw a regular file: ELOOP now means a symlink
         * was put in its place */
        if (errno == ELOOP) {
            *kind = READ_ENTRY_SYMLINK;
            return READ_NOT_REGULAR;
        }
        return READ_ERRNO;
    }
    int rc = READ_OK;
    if (fstat(f, &st) < 0)
        rc = READ_ERRNO;
    else if ((*kind = kind_of_mode(st.st_mode)) != READ_ENTRY_REGULAR)
        rc = READ_NOT_REGULAR;
    else if (st.st_size > 0 && (unsigned long long)st.st_size > max)
        rc = READ_TOO_BIG; /* known without reading it; reading still bounds a growing file */
    if (rc == READ_OK) {
        *fd = f;
        return rc;
    }
    int saved = errno;
    close(f);
    errno = saved;
    return rc;
}

/* Up to n bytes from fd (EINTR retried, short reads joined): how many, 0 at the end, -1. */
static ssize_t read_block(int fd, char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

static int read_regular(buf *b, const char *path, read_entry_kind *kind)
{
    int fd, rc = open_regular(path, b->max, kind, &fd);
    if (rc != READ_OK)
        return rc;
    char chunk[65536];
    for (;;) {
        ssize_t n = read_block(fd, chunk, sizeof chunk);
        if (n <= 0) {
            rc = n < 0 ? READ_ERRNO : READ_OK;
            break;
        }
        if (buf_append(b, chunk, (size_t)n) < 0) {
            rc = READ_TOO_BIG;
            break;
        }
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* ---- a text file read in stream (read_roster_each) ---- */

enum { READ_BLOCK = 1 << 20 };

/* What the first look at a text file read in stream found (probe_text). */
typedef struct probe {
    char sha256[65];
    const char *label; /* roster encoding: "utf-8", "utf-8-bom", or the one forced */
    size_t skip;       /* BOM bytes */
    size_t size;       /* bytes: a later reading stops there (a file growing meanwhile) */
} probe;

/* Bytes at the end of p[0..n) that begin a UTF-8 sequence p does not finish. */
static size_t unfinished_utf8(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char b = p[n - back];
        if ((b & 0xC0) == 0x80)
            continue; /* a continuation byte: its lead is further back */
        size_t want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return want > back ? back : 0;
    }
    return 0;
}

/* The first pass over a file read in stream: 1 when it is what the stream reads, plain
 * UTF-8 text for the CSV reader (no other format by content or name, no encoding forced
 * but UTF-8, no NUL, every byte valid UTF-8, within the size limit), with its digest and
 * BOM in *pr. 0 otherwise: the whole-file path reads it and says what is wrong. */
static int probe_text(int fd, const char *path, const read_options *opt, probe *pr)
{
    const char *ext = extension(path);
    if (reader_for(SHEET_NONE, ext)->read != read_text || sheet_ext(ext) ||
        strncmp(base_of(path), "~$", 2) == 0 ||
        (opt && opt->encoding && strcasecmp(opt->encoding, "UTF-8") != 0))
        return 0;
    enum { FRONT = 4 };
    char *block = xmalloc(FRONT + READ_BLOCK);
    unsigned char *data = (unsigned char *)block + FRONT;
    size_t total = 0, carry = 0;
    int ok = 1;
    sha256 h;
    sha256_init(&h);
    for (;;) {
        ssize_t n = read_block(fd, (char *)data, READ_BLOCK);
        if (n < 0 || (n == 0 && (total == 0 || carry)) ||
            (total += (size_t)n) > READ_MAX_FILE_BYTES) {
            ok = 0; /* unreadable, empty, cut inside a letter, too big */
            break;
        }
        if (n == 0)
            break;
        sha256_update(&h, data, (size_t)n);
        if (total == (size_t)n) { /* the first block: the content decides first */
            if (sheet_sniff((char *)data, (size_t)n) != SHEET_NONE ||
                (n >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) ||
                            (data[0] == 0xFE && data[1] == 0xFF)))) {
                ok = 0;
                break;
            }
            int bom = n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
            pr->skip = bom ? 3 : 0;
            pr->label = opt && opt->encoding ? opt->encoding : bom ? "utf-8-bom" : "utf-8";
        }
        size_t tail = unfinished_utf8(data, (size_t)n);
        const char *from = (const char *)data - carry;
        if (memchr(data, '\0', (size_t)n) ||
            !text_utf8_valid(from, carry + (size_t)n - tail, NULL)) {
            ok = 0;
            break;
        }
        memmove(data - tail, data + n - tail, tail); /* in front of the next block */
        carry = tail;
    }
    unsigned char d[32];
    sha256_final(&h, d);
    sha256_digest_hex(d, pr->sha256);
    pr->size = total;
    free(block);
    return ok;
}

/* Line ends in text[0..len), counted up to `enough`. */
static size_t line_ends(const char *text, size_t len, size_t enough)
{
    size_t n = 0;
    for (const char *p = text; n < enough && (p = memchr(p, '\n', len - (size_t)(p - text)));
         p++)
        n++;
    return n;
}

/* One pass of a file read in stream: its first pr->size bytes, a block at a time, through
 * the CSV reader into r (whose sink does the pass's work), their digest into sha. The first
 * feed holds the file's first TABLE_HEADER_ROWS lines whole (the delimiter is detected on
 * them, csv.h). 0; -1 on a read error; -2 when the file holds more bytes than the probe saw
 * (it grew: the reading stops there). */
static int stream_pass(int fd, roster *r, const read_options *opt, const probe *pr,
                       char sha[65])
{
    if (lseek(fd, 0, SEEK_SET) != 0)
        return -1;
    free(r->format);
    r->format = xstrdup("csv");
    table *t = table_new(r, opt ? opt->aliases : NULL, opt ? opt->naliases : 0);
    csv_stream *cs = csv_stream_new(t, 0);
    buf text; /* what the reader has not used yet, then the block read */
    buf_init(&text, READ_MAX_FILE_BYTES + READ_BLOCK);
    char *block = xmalloc(READ_BLOCK);
    sha256 h;
    sha256_init(&h);
    int rc = 0, fed = 0;
    for (size_t at = 0;;) {
        size_t want = at < pr->size ? pr->size - at : 1; /* past the size: is there more? */
        ssize_t n = read_block(fd, block, want < READ_BLOCK ? want : READ_BLOCK);
        if (n < 0 || (at >= pr->size && n > 0)) {
            rc = n < 0 ? -1 : -2;
            break;
        }
        sha256_update(&h, block, (size_t)n);
        size_t drop = at < pr->skip ? (pr->skip - at < (size_t)n ? pr->skip - at : (size_t)n) : 0;
        at += (size_t)n;
        if (buf_append(&text, block + drop, (size_t)n - drop) < 0) {
            rc = -1;
            break;
        }
        int end = n == 0;
        if (!fed && !end && line_ends(text.data, text.len, TABLE_HEADER_ROWS + 1) <= TABLE_HEADER_ROWS)
            continue; /* not yet the lines the delimiter is detected on */
        fed = 1;
        long used = csv_stream_feed(cs, text.data ? text.data : "", text.len, end);
        if (used < 0 || end)
            break;
        memmove(text.data, text.data + used, text.len - (size_t)used);
        text.len -= (size_t)used;
    }
    unsigned char d[32];
    sha256_final(&h, d);
    sha256_digest_hex(d, sha);
    free(block);
    buf_release(&text);
    csv_stream_free(cs);
    table_free(t);
    roster_flush(r);
    return rc;
}

static roster *stream_roster(const char *path, const probe *pr)
{
    roster *r = roster_new(path);
    memcpy(r->sha256, pr->sha256, sizeof r->sha256);
    free(r->encoding);
    r->encoding = xstrdup(pr->label);
    return r;
}

/* A text file read in stream, twice as read_twice reads bytes: NULL when the whole-file path
 * is to read it instead (the file fails: that path gives the same failure, with the text it
 * explains a code page from). A file that changes between the passes fails. */
static roster *read_text_stream(int fd, const char *path, const read_options *opt,
                                const probe *pr, roster_sink sink, void *ctx)
{
    roster *r = stream_roster(path, pr);
    char sha[65];
    pass one = {excel_scan_new(), 0, NULL, NULL, NULL};
    roster_stream(r, pass_record, &one);
    if (stream_pass(fd, r, opt, pr, sha) < 0 || r->failed || strcmp(sha, pr->sha256) ||
        excel_scan_end(one.scan, r, NULL, 0) < 0) {
        excel_scan_free(one.scan);
        roster_free(r);
        return NULL;
    }
    roster_stream(r, NULL, NULL);
    pass two = {one.scan, 1, sink, ctx, r};
    roster *again = stream_roster(path, pr);
    roster_stream(again, pass_record, &two);
    int rc = stream_pass(fd, again, opt, pr, sha);
    r->stopped = again->stopped;
    if (!again->stopped && (rc < 0 || again->failed || strcmp(sha, pr->sha256))) {
        roster_fail(r, 0, "Tệp đã thay đổi trong khi chương trình đang đọc (hoặc không đọc lại "
                          "được); hãy để nguyên tệp rồi nhập lại.");
        r->changed = 1;
    }
    roster_free(again);
    excel_scan_free(one.scan);
    return r;
}

/* The clerk's reason for a file read_regular did not give (rc < 0; err its errno). */
static char *unread_reason(int rc, read_entry_kind kind, int err)
{
    if (rc == READ_TOO_BIG)
        return xasprintf("Tệp lớn hơn %zu MiB; hãy chia danh sách thành nhiều tệp.",
                         READ_MAX_FILE_BYTES >> 20);
    if (rc == READ_NOT_REGULAR)
        return xasprintf("Đây là %s, không phải tệp danh sách: chương trình không đọc nó.",
                         KINDS[kind].vi);
    return xasprintf("Không mở được tệp: %s.", strerror(err));
}

static roster *read_file(const char *path, const read_options *opt, roster_sink sink, void *ctx)
{
    if (sink) { /* plain UTF-8 text is read in blocks, never held whole */
        read_entry_kind k;
        int fd;
        probe pr;
        roster *r = NULL;
        if (open_regular(path, READ_MAX_FILE_BYTES, &k, &fd) == READ_OK) {
            if (probe_text(fd, path, opt, &pr))
                r = read_text_stream(fd, path, opt, &pr, sink, ctx);
            close(fd);
        }
        if (r)
            return r;
    }
    buf data;
    buf_init(&data, READ_MAX_FILE_BYTES);
    read_entry_kind kind;
    int rc = read_regular(&data, path, &kind);
    int err = errno;
    roster *r;
    if (rc == READ_OK) {
        r = sink ? read_twice(path, buf_str(&data), data.len, opt, sink, ctx)
                 : read_roster_mem(path, buf_str(&data), data.len, opt);
    } else {
        r = roster_new(path);
        char *msg = unread_reason(rc, kind, err);
        roster_fail(r, 0, msg);
        free(msg);
    }
    buf_release(&data);
    return r;
}

roster *read_roster(const char *path, const read_options *opt)
{
    return read_file(path, opt, NULL, NULL);
}

roster *read_roster_each(const char *path, const read_options *opt, roster_sink sink, void *ctx)
{
    return read_file(path, opt, sink, ctx);
}
