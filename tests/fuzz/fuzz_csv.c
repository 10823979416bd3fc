/* libFuzzer entry point for the CSV reader: arbitrary bytes through encoding detection,
 * conversion, RFC 4180 parsing and NFC (issue 3 item 10); and the same bytes as text cut in
 * two pieces (csv_stream_feed, as a file read a block at a time), which must give the
 * records and the failure the whole text gives. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "read.h"
#include "roster.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static roster *in_pieces(const char *text, size_t len, size_t cut)
{
    roster *r = roster_new("fuzz.csv");
    table *t = table_new(r, NULL, 0);
    csv_stream *s = csv_stream_new(t, ',');
    long used = csv_stream_feed(s, text, cut, 0);
    if (used >= 0)
        (void)csv_stream_feed(s, text + used, len - (size_t)used, 1);
    csv_stream_free(s);
    table_free(t);
    return r;
}

static int same(const roster *a, const roster *b)
{
    if (a->failed != b->failed || a->nrecords != b->nrecords)
        return 0;
    if (a->failed)
        return a->error.line == b->error.line && strcmp(a->error.message, b->error.message) == 0;
    for (size_t i = 0; i < a->nrecords; i++) {
        const record *x = &a->records[i], *y = &b->records[i];
        if (x->line != y->line || x->nfields != y->nfields)
            return 0;
        for (size_t k = 0; k < x->nfields; k++)
            if (strcmp(x->fields[k].key, y->fields[k].key) ||
                strcmp(x->fields[k].value, y->fields[k].value))
                return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roster *r = read_roster_mem("fuzz.csv", (const char *)data, size, NULL);
    roster_free(r);
    if (size < 3)
        return 0;
    /* the first two bytes choose the cut, anywhere in a text of up to 64 KiB */
    const char *text = (const char *)data + 2;
    size_t len = size - 2, cut = ((size_t)data[0] << 8 | data[1]) % (len + 1);
    roster *whole = roster_new("fuzz.csv");
    csv_parse(whole, text, len, ',');
    roster *two = in_pieces(text, len, cut);
    if (!same(whole, two))
        abort(); /* the pieces disagree with the whole text */
    roster_free(whole);
    roster_free(two);
    return 0;
}
