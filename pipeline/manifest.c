/* manifest: OUT/manifest.csv generated from the ledger (manifest.h). */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "publish.h"
#include "report.h"
#include "util.h"

static const char HEADER[] = "\xEF\xBB\xBF\"file\",\"form\",\"agency\",\"procedure\",\"name\","
                             "\"pages\",\"bytes\",\"sha256\",\"date\",\"sources\","
                             "\"type_name\",\"subject\",\"issued_date\",\"signer_info\","
                             "\"language\"\r\n";

/* One line's cells, each bounded by what the ledger stores: a line is formatted in a small
 * buffer, then written to the stream. */
typedef struct writer {
    FILE *f;
    buf line;
} writer;

static int write_row(void *p, const ledger_doc_row *d)
{
    writer *w = p;
    char pages[24], bytes[24];
    snprintf(pages, sizeof pages, "%lld", d->pages);
    snprintf(bytes, sizeof bytes, "%lld", d->bytes);
    const char *cells[] = {d->path,      d->form,    d->agency, d->procedure, d->name,
                           pages,        bytes,      d->sha256, d->date,      d->sources,
                           d->type_name, d->subject, d->issued, d->signer,    d->language};
    size_t n = sizeof cells / sizeof *cells;
    buf_reset(&w->line);
    for (size_t k = 0; k < n; k++)
        report_csv_cell(&w->line, cells[k] ? cells[k] : "", k == n - 1);
    if (w->line.full)
        return 1;
    return fwrite(w->line.data, 1, w->line.len, w->f) == w->line.len ? 0 : 1;
}

int manifest_write(ledger *l, const char *out_dir, char *err, size_t errlen)
{
    char tmp[4096];
    FILE *f = publish_stage_stream(out_dir, tmp, sizeof tmp, err, errlen);
    if (!f)
        return -1;
    writer w = {f, {0}};
    buf_init(&w.line, 0);
    fputs(HEADER, f);
    int rc = ledger_each_document(l, write_row, &w, err, errlen);
    buf_release(&w.line);
    if (rc != 0) {
        if (rc > 0) /* write_row failed: the ledger said nothing */
            snprintf(err, errlen, "cannot write the manifest in %s: %s", out_dir, strerror(errno));
        fclose(f);
        unlink(tmp);
        return -1;
    }
    if (publish_stream_close(f, tmp, err, errlen) < 0)
        return -1;
    char *path = xasprintf("%s/manifest.csv", out_dir);
    rc = publish_place(tmp, path, 1, err, errlen);
    if (rc < 0)
        unlink(tmp);
    else
        rc = ledger_manifest_written(l, err, errlen);
    free(path);
    return rc;
}
