/* test_sha256: the FIPS 180-4 example vectors, agreement with sha256sum, and the lifecycle of
 * the libcrypto context (final and release free it; LeakSanitizer sees a leak). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "util.h"

static void expect_hex(const char *msg, size_t len, const char *want)
{
    char hex[65];
    sha256_hex(msg, len, hex);
    assert_string_equal(hex, want);
}

static void test_known_vectors(void **state)
{
    (void)state;
    expect_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_hex(two, strlen(two),
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* One million 'a', fed in uneven pieces: the block boundaries are crossed every way. */
static void test_million_a_in_pieces(void **state)
{
    (void)state;
    char *a = xmalloc(1000000);
    memset(a, 'a', 1000000);
    sha256 s;
    unsigned char d[32];
    sha256_init(&s);
    size_t at = 0, step = 1;
    while (at < 1000000) {
        size_t n = step < 1000000 - at ? step : 1000000 - at;
        sha256_update(&s, a + at, n);
        at += n;
        step = step % 97 + 13;
    }
    sha256_final(&s, d);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Every length around the padding boundary (55, 56, 64 bytes) agrees with sha256sum. */
static void test_agrees_with_sha256sum(void **state)
{
    (void)state;
    for (size_t len = 50; len <= 130; len++) {
        char *msg = xmalloc(len + 1);
        for (size_t i = 0; i < len; i++)
            msg[i] = (char)('A' + i % 26);
        msg[len] = '\0';
        char cmd[256];
        snprintf(cmd, sizeof cmd, "printf '%%s' '%s' | sha256sum", msg);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char want[65] = "";
        assert_int_equal(fscanf(p, "%64s", want), 1);
        pclose(p);
        expect_hex(msg, len, want);
        free(msg);
    }
}

/* final frees the context and leaves the struct ready for another digest */
static void test_final_then_init_again(void **state)
{
    (void)state;
    sha256 s = {0};
    unsigned char d[32];
    char hex[65];
    sha256_init(&s);
    sha256_update(&s, "ab", 2);
    sha256_final(&s, d);
    assert_null(s.ctx);
    sha256_init(&s);
    sha256_update(&s, "a", 1);
    sha256_update(&s, "", 0);
    sha256_update(&s, "bc", 2);
    sha256_final(&s, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* a digest abandoned half way is released without leaking; release takes a zeroed struct */
static void test_release_abandoned_digest(void **state)
{
    (void)state;
    sha256 s = {0};
    sha256_release(&s);
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_release(&s);
    assert_null(s.ctx);
    sha256_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_million_a_in_pieces),
        cmocka_unit_test(test_agrees_with_sha256sum),
        cmocka_unit_test(test_final_then_init_again),
        cmocka_unit_test(test_release_abandoned_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
