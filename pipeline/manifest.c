/* manifest: OUT/manifest.csv, the archive's list of documents with their SHA-256. */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish.h"
#include "report.h"
#include "sha256.h"
#include "util.h"

static const char HEADER[] = "\xEF\xBB\xBF\"file\",\"form\",\"agency\",\"procedure\",\"name\","
                             "\"pages\",\"bytes\",\"sha256\",\"date\",\"sources\"\r\n";

void manifest_add(manifest *m, const manifest_entry *entry, const void *pdf, size_t len)
{
    m->e = xgrow(m->e, &m->cap, m->n + 1, sizeof *m->e);
    manifest_entry *e = &m->e[m->n++];
    *e = *entry;
    e->file = xstrdup(entry->file);
    e->form = xstrdup(entry->form);
    e->agency = xstrdup(entry->agency);
    e->procedure = xstrdup(entry->procedure);
    e->name = xstrdup(entry->name);
    e->date = xstrdup(entry->date);
    e->sources = xstrdup(entry->sources);
    e->bytes = len;
    sha256_hex(pdf, len, e->sha256);
}

void manifest_release(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        manifest_entry *e = &m->e[i];
        free(e->file), free(e->form), free(e->agency), free(e->procedure), free(e->name);
        free(e->date), free(e->sources);
    }
    free(m->e);
    memset(m, 0, sizeof *m);
}

int manifest_append(const manifest *m, const char *path, char *err, size_t errlen)
{
    if (m->n == 0)
        return 0;
    buf out;
    buf_init(&out, REPORT_MAX_BYTES);
    int rc = buf_read_file(&out, path);
    if (rc == -1 && errno != ENOENT) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        buf_release(&out);
        return -1;
    }
    if (rc == -1 || out.len == 0) {
        buf_reset(&out);
        buf_puts(&out, HEADER);
    }
    for (size_t i = 0; i < m->n; i++) {
        const manifest_entry *e = &m->e[i];
        char pages[24], bytes[24];
        snprintf(pages, sizeof pages, "%zu", e->pages);
        snprintf(bytes, sizeof bytes, "%zu", e->bytes);
        const char *cells[] = {e->file, e->form, e->agency, e->procedure, e->name,
                               pages,   bytes,   e->sha256, e->date,      e->sources};
        for (size_t k = 0; k < 10; k++)
            report_csv_cell(&out, cells[k], k == 9);
    }
    if (out.full) {
        snprintf(err, errlen, "%s would be larger than %zu bytes", path, (size_t)REPORT_MAX_BYTES);
        rc = -1;
    } else {
        rc = publish_write_atomic(path, out.data, out.len, err, errlen);
    }
    buf_release(&out);
    return rc;
}
