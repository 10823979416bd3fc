/* libFuzzer entry point for the XML roster reader: arbitrary bytes through libxml2 with the
 * reader's safety options and the roster's own checks, then (when it parses) the schema.
 * Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "read.h"
#include "roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_options opt = {NULL, "config/roster.xsd", NULL, 0};
    roster *r = read_roster_mem("fuzz.xml", (const char *)data, size, &opt);
    roster_free(r);
    return 0;
}
