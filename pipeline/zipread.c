/* zipread: libzip over a memory buffer, bounded against zip bombs (zipread.h). */
#include "zipread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct zipread {
    zip_t *za;
    zip_source_t *src;
    size_t inflated; /* bytes all its streams gave: ZIPREAD_MAX_INFLATED at most */
};

static zipread_status check_entries(zip_t *za)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0)
        return ZIPREAD_NOT_ZIP;
    if (n > ZIPREAD_MAX_ENTRIES)
        return ZIPREAD_TOO_MANY;
    unsigned long long total = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0)
            return ZIPREAD_NOT_ZIP;
        if (!(st.valid & ZIP_STAT_SIZE))
            continue;
        if (st.size > ZIPREAD_MAX_ENTRY_BYTES)
            return ZIPREAD_TOO_BIG;
        total += st.size;
        if (total > ZIPREAD_MAX_TOTAL_BYTES)
            return ZIPREAD_TOO_BIG;
        if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > ZIPREAD_RATIO_FROM &&
            st.size / (st.comp_size ? st.comp_size : 1) >= ZIPREAD_MAX_RATIO)
            return ZIPREAD_RATIO;
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return ZIPREAD_ENCRYPTED;
    }
    return ZIPREAD_OK;
}

zipread *zipread_open(const char *data, size_t len, zipread_status *st)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : NULL;
    zip_error_fini(&err);
    if (!za) {
        zip_source_free(src);
        *st = ZIPREAD_NOT_ZIP;
        return NULL;
    }
    *st = check_entries(za);
    if (*st != ZIPREAD_OK) {
        zip_discard(za); /* frees the source too */
        return NULL;
    }
    zipread *z = xcalloc(1, sizeof *z);
    z->za = za;
    z->src = src;
    return z;
}

void zipread_close(zipread *z)
{
    if (!z)
        return;
    zip_discard(z->za);
    free(z);
}

int zipread_has(zipread *z, const char *name)
{
    return zip_name_locate(z->za, name, 0) >= 0;
}

struct zipread_stream {
    zipread *z;
    zip_file_t *f;
    size_t total, declared; /* bytes given; what the central directory says it holds */
};

zipread_stream *zipread_stream_open(zipread *z, const char *name, zipread_status *st)
{
    zip_int64_t i = zip_name_locate(z->za, name, 0);
    if (i < 0) {
        *st = ZIPREAD_MISSING;
        return NULL;
    }
    zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)i, 0);
    if (!f) {
        int ze = zip_error_code_zip(zip_get_error(z->za));
        *st = ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP
                  ? ZIPREAD_ENCRYPTED
                  : ZIPREAD_BROKEN;
        return NULL;
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    zipread_stream *s = xcalloc(1, sizeof *s);
    s->z = z;
    s->f = f;
    s->declared = zip_stat_index(z->za, (zip_uint64_t)i, 0, &zs) == 0 &&
                          (zs.valid & ZIP_STAT_SIZE)
                      ? (size_t)zs.size
                      : ZIPREAD_MAX_ENTRY_BYTES;
    *st = ZIPREAD_OK;
    return s;
}

long zipread_stream_read(zipread_stream *s, char *p, size_t n, zipread_status *st)
{
    zip_int64_t got = zip_fread(s->f, p, n);
    if (got < 0) {
        *st = ZIPREAD_BROKEN;
        return -1;
    }
    s->total += (size_t)got;
    s->z->inflated += (size_t)got;
    /* the declared sizes were checked at open (each, their sum, their ratios): more bytes
     * than declared is a header that lied, and no archive inflates past its budget however
     * often its parts are read (a sheet probed, a roster read twice) */
    if (s->total > ZIPREAD_MAX_ENTRY_BYTES || s->total > s->declared ||
        s->z->inflated > ZIPREAD_MAX_INFLATED) {
        *st = ZIPREAD_TOO_BIG;
        return -1;
    }
    *st = ZIPREAD_OK;
    return (long)got;
}

void zipread_stream_close(zipread_stream *s)
{
    if (!s)
        return;
    zip_fclose(s->f);
    free(s);
}

zipread_status zipread_entry(zipread *z, const char *name, buf *out)
{
    buf_reset(out);
    zipread_status st;
    zipread_stream *s = zipread_stream_open(z, name, &st);
    char chunk[65536];
    for (long n; s && (n = zipread_stream_read(s, chunk, sizeof chunk, &st)) > 0;)
        if (buf_append(out, chunk, (size_t)n) < 0) {
            st = ZIPREAD_TOO_BIG;
            break;
        }
    zipread_stream_close(s);
    return st;
}
