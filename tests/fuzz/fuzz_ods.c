/* libFuzzer entry point for the .ods reader (issue 10 item 1): arbitrary bytes named .ods
 * through content sniffing, the bounded zip reader, the attribute scan, the streaming XML reader and the shared header mapper. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "read.h"
#include "roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roster *r = read_roster_mem("fuzz.ods", (const char *)data, size, NULL);
    roster_free(r);
    return 0;
}
