/* libFuzzer entry point for the .xls reader (issue 10 item 1): arbitrary bytes named .xls
 * through content sniffing, FreeXL and the shared header mapper. Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "read.h"
#include "roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roster *r = read_roster_mem("fuzz.xls", (const char *)data, size, NULL);
    roster_free(r);
    return 0;
}
