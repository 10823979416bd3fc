/* sha256: SHA-256 through libcrypto's EVP interface (EVP_MD_CTX, EVP_sha256). Nothing is
 * hand-written here but the hex formatting: the digest is OpenSSL's (STYLE.md 17). */
#include "sha256.h"

#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

/* SHA-256 is in every libcrypto provider, so a failing call means libcrypto could not
 * allocate: treated as exhausted memory, like xmalloc (STYLE.md 10). */
static void crypto_failed(const char *what)
{
    fprintf(stderr, "ctsbatch: libcrypto: %s failed for SHA-256\n", what);
    abort();
}

void sha256_init(sha256 *s)
{
    s->ctx = EVP_MD_CTX_new();
    if (!s->ctx)
        crypto_failed("EVP_MD_CTX_new");
    if (EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1)
        crypto_failed("EVP_DigestInit_ex");
}

void sha256_update(sha256 *s, const void *data, size_t len)
{
    if (len > 0 && EVP_DigestUpdate(s->ctx, data, len) != 1)
        crypto_failed("EVP_DigestUpdate");
}

void sha256_final(sha256 *s, unsigned char out[32])
{
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(s->ctx, out, &n) != 1 || n != 32)
        crypto_failed("EVP_DigestFinal_ex");
    sha256_release(s);
}

void sha256_release(sha256 *s)
{
    EVP_MD_CTX_free(s->ctx); /* accepts NULL */
    s->ctx = NULL;
}

void sha256_digest(const void *data, size_t len, unsigned char out[32])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(len ? data : "", len, d, &n, EVP_sha256(), NULL) != 1 || n != 32)
        crypto_failed("EVP_Digest");
    memcpy(out, d, 32);
}

void sha256_digest_hex(const unsigned char d[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char d[32];
    sha256_digest(data, len, d);
    sha256_digest_hex(d, hex);
}
