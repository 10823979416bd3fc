/* libFuzzer entry point for the CSV reader: arbitrary bytes through encoding detection,
 * conversion, RFC 4180 parsing and NFC (issue 3 item 10). Built by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "read.h"
#include "roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roster *r = read_roster_mem("fuzz.csv", (const char *)data, size, NULL);
    roster_free(r);
    return 0;
}
