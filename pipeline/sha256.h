/* sha256: the SHA-256 digest (FIPS 180-4), for the archival manifest (an archivist checks
 * years later that a PDF is the one the run made) and for the bytes of each roster read.
 * The digest itself is OpenSSL's libcrypto (STYLE.md 17); this header keeps libcrypto's
 * types out of every other module.
 *
 * Failure: libcrypto gives SHA-256 in every provider (default and FIPS), so the only way
 * these functions can fail is exhausted memory, which aborts the program like xmalloc
 * (STYLE.md 10) with a message on stderr. */
#ifndef CTS_SHA256_H
#define CTS_SHA256_H

#include <stddef.h>

struct evp_md_ctx_st; /* libcrypto's EVP_MD_CTX */

/* A digest being computed. The storage is the caller's (a local variable is the usual
 * place); the libcrypto context it holds is not: sha256_init allocates it, and sha256_final
 * or sha256_release frees it. Do not copy a sha256 that has been initialised. */
typedef struct sha256 {
    struct evp_md_ctx_st *ctx; /* NULL before init and after final or release */
} sha256;

/* Starts a digest. s must not hold a context already (release or final it first). */
void sha256_init(sha256 *s);
/* Adds data[0..len) to the digest; s must have been initialised and not finalised. */
void sha256_update(sha256 *s, const void *data, size_t len);
/* Writes the 32-byte digest into out and frees the context: s is then as before init and
 * may be initialised again. */
void sha256_final(sha256 *s, unsigned char out[32]);
/* Frees the context of a digest abandoned before sha256_final; accepts a sha256 that was
 * never initialised (zeroed) or already finalised. */
void sha256_release(sha256 *s);

/* The 32-byte digest of data. */
void sha256_digest(const void *data, size_t len, unsigned char out[32]);
/* A 32-byte digest as 64 lower-case hex digits and a NUL into hex[65]. */
void sha256_digest_hex(const unsigned char d[32], char hex[65]);
/* The digest of data as 64 lower-case hex digits and a NUL into hex[65]. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
