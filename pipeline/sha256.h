/* sha256: the SHA-256 digest (FIPS 180-4), for the archival manifest: an archivist checks
 * years later that a PDF is the one the run made. */
#ifndef CTS_SHA256_H
#define CTS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256 {
    uint32_t h[8];
    uint64_t bytes;        /* message length so far */
    unsigned char blk[64]; /* the block being filled */
    size_t fill;
} sha256;

void sha256_init(sha256 *s);
void sha256_update(sha256 *s, const void *data, size_t len);
void sha256_final(sha256 *s, unsigned char out[32]);
/* The digest of data as 64 lower-case hex digits and a NUL into hex[65]. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
