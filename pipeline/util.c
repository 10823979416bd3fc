/* util: allocation that aborts on exhaustion, and the bounded text buffer (STYLE.md 9, 10). */
#include "util.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The one way a process ends outside main (STYLE.md 10): exhausted memory, or a programming
 * error of that class (a bound proven by construction that does not hold, a bad format). */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ctsbatch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void out_of_memory(size_t n)
{
    die("out of memory (%zu bytes)", n);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void mem_give_back(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            out_of_memory(SIZE_MAX);
        c *= 2;
    }
    p = xrealloc(p, c * size);
    *cap = c;
    return p;
}

void buf_init(buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BUF_DEFAULT_MAX;
    b->full = 0;
}

void buf_release(buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_reset(buf *b)
{
    b->len = 0;
    b->full = 0;
    if (b->data)
        b->data[0] = '\0';
}

int buf_append(buf *b, const void *p, size_t n)
{
    if (b->full || n > b->max || b->len > b->max - n) {
        b->full = 1;
        return -1;
    }
    b->data = xgrow(b->data, &b->cap, b->len + n + 1, 1);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_putc(buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0 || b->full)
        return -1;
    if ((size_t)n > b->max - b->len) { /* refused before making a copy too long to keep */
        b->full = 1;
        return -1;
    }
    if ((size_t)n < sizeof small)
        return buf_append(b, small, (size_t)n);
    char *big = xmalloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    int rc = buf_append(b, big, (size_t)n);
    free(big);
    return rc;
}

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int buf_read_file(buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (buf_append(b, chunk, n) < 0)
            rc = -2;
    if (rc == 0 && ferror(f))
        rc = -1;
    int saved = errno;
    fclose(f);
    errno = saved;
    return rc;
}

char *buf_detach(buf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    size_t max = b->max;
    buf_init(b, max);
    return s;
}

char *buf_detach_whole(buf *b)
{
    if (b->full)
        die("a text longer than its bound of %zu bytes (a programming error)", b->max);
    return buf_detach(b);
}

const char *buf_str(const buf *b)
{
    return b->data ? b->data : "";
}

int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int str_empty(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (!is_space(*s))
            return 0;
    return 1;
}

char *str_trim_dup(const char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    return xstrndup(s, n);
}

int str_to_long(const char *s, long *out)
{
    if (!s)
        return -1;
    while (is_space(*s))
        s++;
    if (!*s)
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno == ERANGE || end == s)
        return -1;
    while (is_space(*end))
        end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

char *str_expand(const char *tmpl, str_lookup lookup, void *ctx)
{
    buf out;
    buf_init(&out, STR_EXPAND_MAX);
    for (const char *p = tmpl; *p && !out.full;) {
        if (p[0] == '{' && p[1] == '{') {
            buf_putc(&out, '{');
            p += 2;
            continue;
        }
        if (p[0] != '{') { /* the text up to the next brace, at once */
            size_t n = strcspn(p, "{");
            buf_append(&out, p, n);
            p += n;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close || close - p - 1 > 127) {
            buf_putc(&out, *p++);
            continue;
        }
        char name[128];
        memcpy(name, p + 1, (size_t)(close - p - 1));
        name[close - p - 1] = '\0';
        const char *v = lookup(ctx, name);
        if (v)
            buf_puts(&out, v);
        else
            buf_append(&out, p, (size_t)(close - p + 1));
        p = close + 1;
    }
    if (out.full) {
        buf_release(&out);
        return NULL;
    }
    return buf_detach(&out);
}

char *xasprintf(const char *fmt, ...)
{
    buf b;
    buf_init(&b, XASPRINTF_MAX);
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc < 0 && !b.full) /* an encoding error, or more than INT_MAX bytes */
        die("printf refused the format \"%s\" (a programming error)", fmt);
    return buf_detach_whole(&b);
}

struct strmap {
    char **keys;
    size_t *values;
    size_t cap, n; /* cap: 0 or a power of two, at most half full */
};

strmap *strmap_new(void)
{
    return xcalloc(1, sizeof(strmap));
}

void strmap_free(strmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->values);
    free(m);
}

static uint64_t strmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of key, or of the empty slot where it would go. */
static size_t strmap_slot(const strmap *m, const char *key)
{
    size_t j = strmap_hash(key) & (m->cap - 1);
    while (m->keys[j] && strcmp(m->keys[j], key) != 0)
        j = (j + 1) & (m->cap - 1);
    return j;
}

static void strmap_grow(strmap *m)
{
    strmap bigger = {NULL, NULL, m->cap ? m->cap * 2 : 64, 0};
    bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.values = xcalloc(bigger.cap, sizeof *bigger.values);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = strmap_slot(&bigger, m->keys[i]);
        bigger.keys[j] = m->keys[i];
        bigger.values[j] = m->values[i];
        bigger.n++;
    }
    free(m->keys);
    free(m->values);
    *m = bigger;
}

int strmap_put(strmap *m, const char *key, size_t value, size_t *old)
{
    if ((m->n + 1) * 2 > m->cap)
        strmap_grow(m);
    size_t j = strmap_slot(m, key);
    if (m->keys[j]) {
        if (old)
            *old = m->values[j];
        return 1;
    }
    m->keys[j] = xstrdup(key);
    m->values[j] = value;
    m->n++;
    return 0;
}

void strmap_set(strmap *m, const char *key, size_t value)
{
    if (strmap_put(m, key, value, NULL))
        m->values[strmap_slot(m, key)] = value;
}

int strmap_get(const strmap *m, const char *key, size_t *value)
{
    if (!m->cap)
        return 0;
    size_t j = strmap_slot(m, key);
    if (!m->keys[j])
        return 0;
    if (value)
        *value = m->values[j];
    return 1;
}

void time_now_iso(char *out, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
}

static const char *pair_value(void *kv, const char *name)
{
    for (const char *const *q = kv; q && q[0]; q += 2)
        if (strcmp(q[0], name) == 0)
            return q[1];
    return NULL;
}

char *str_expand_pairs(const char *tmpl, const char *const *kv)
{
    char *s = str_expand(tmpl, pair_value, (void *)kv);
    return s ? s : xstrdup(tmpl);
}
