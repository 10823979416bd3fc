/* read: bytes -> UTF-8 -> records. Encoding detection per ROSTER.md; only this module and
 * the XML reader touch iconv or libxml2's parser. */
#include "read.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "sha256.h"
#include "text.h"
#include "util.h"
#include "xmlroster.h"

static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    return dot ? dot + 1 : "";
}

int read_is_roster_name(const char *name)
{
    const char *ext = extension(name);
    return strcasecmp(ext, "csv") == 0 || strcasecmp(ext, "txt") == 0 ||
           strcasecmp(ext, "xml") == 0;
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

/* Picks the encoding and leaves UTF-8 text in out; on failure fails the roster. */
static int decode(roster *r, const char *data, size_t len, const read_options *opt, buf *out)
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
    if (strcmp(enc, "UTF-8") == 0 && text_utf8_valid(data + skip, len - skip, &bad)) {
        /* already what the readers take: no conversion */
        if (buf_append(out, data + skip, len - skip) == 0)
            return 0;
    } else if (strcmp(enc, "UTF-8") != 0 && convert(enc, data + skip, len - skip, out, &bad) == 0 &&
               text_utf8_valid(buf_str(out), out->len, NULL)) {
        if (!memchr(buf_str(out), '\0', out->len)) {
            if (out->len >= 3 && memcmp(out->data, "\xEF\xBB\xBF", 3) == 0) {
                memmove(out->data, out->data + 3, out->len - 2); /* a BOM iconv kept */
                out->len -= 3;
            }
            return 0;
        }
        fail_binary(r, buf_str(out), out->len);
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

roster *read_roster_mem(const char *name, const char *data, size_t len, const read_options *opt)
{
    roster *r = roster_new(name);
    sha256_hex(data, len, r->sha256);
    const char *ext = extension(name);
    int is_xml = strcasecmp(ext, "xml") == 0;
    free(r->format);
    r->format = xstrdup(is_xml ? "xml" : "csv");
    if (len == 0) {
        roster_fail(r, 1, "Tệp rỗng, không có dữ liệu.");
        return r;
    }
    if (is_xml) {
        free(r->encoding);
        r->encoding = xstrdup("utf-8");
        xmlroster_parse(r, data, len, opt ? opt->xml_schema : NULL);
        return r;
    }
    buf text;
    buf_init(&text, READ_MAX_FILE_BYTES * 2);
    if (decode(r, data, len, opt, &text) == 0)
        csv_parse(r, buf_str(&text), text.len, 0);
    buf_release(&text);
    return r;
}

roster *read_roster(const char *path, const read_options *opt)
{
    buf data;
    buf_init(&data, READ_MAX_FILE_BYTES);
    int rc = buf_read_file(&data, path);
    roster *r;
    if (rc == 0) {
        r = read_roster_mem(path, buf_str(&data), data.len, opt);
    } else {
        r = roster_new(path);
        char *msg = rc == -2 ? xasprintf("Tệp lớn hơn %zu MiB; hãy chia danh sách thành nhiều "
                                         "tệp.",
                                         READ_MAX_FILE_BYTES >> 20)
                             : xasprintf("Không mở được tệp: %s.", strerror(errno));
        roster_fail(r, 0, msg);
        free(msg);
    }
    buf_release(&data);
    return r;
}
