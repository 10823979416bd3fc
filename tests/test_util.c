/* test_util: unit tests of pipeline/util.c, the allocation family and the bounded text buffer
 * every module builds on (STYLE.md 9, 10): a buffer never grows past its maximum and a
 * refused append leaves it unchanged; the str_* helpers; "{name}" expansion up to
 * STR_EXPAND_MAX and NULL past it; xasprintf for text longer than any fixed scratch space,
 * up to XASPRINTF_MAX, and an abort (never a cut string) past it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static void test_buf_append_stops_at_max(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 5);
    assert_int_equal(b.max, 5);
    assert_int_equal(buf_append(&b, "abc", 3), 0);
    assert_int_equal(buf_append(&b, "de", 2), 0); /* exactly max is allowed */
    assert_string_equal(buf_str(&b), "abcde");
    assert_int_equal(b.full, 0);
    assert_int_equal(buf_putc(&b, 'x'), -1);
    assert_int_equal(b.full, 1);
    assert_int_equal(b.len, 5);
    assert_string_equal(buf_str(&b), "abcde");
    buf_reset(&b); /* reset clears full */
    assert_int_equal(b.full, 0);
    assert_int_equal(buf_append(&b, "abc", 3), 0);
    assert_int_equal(buf_append(&b, "def", 3), -1); /* 6 > 5: nothing appended */
    assert_string_equal(buf_str(&b), "abc");
    /* full is sticky: a later piece that would fit is refused too, so a report is never
     * missing a cell in its middle */
    assert_int_equal(buf_append(&b, "d", 1), -1);
    assert_int_equal(buf_puts(&b, "y"), -1);
    assert_string_equal(buf_str(&b), "abc");
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_buf_default_max_and_empty_views(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    assert_true(b.max == BUF_DEFAULT_MAX);
    assert_string_equal(buf_str(&b), "");
    char *s = buf_detach(&b); /* never NULL, even before any append */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    assert_true(b.max == BUF_DEFAULT_MAX);
    buf_release(&b);
}

static void test_buf_detach_hands_over_and_reinitialises(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_puts(&b, "Nguyễn"), 0);
    assert_int_equal(buf_putc(&b, '!'), 0);
    char *s = buf_detach(&b);
    assert_string_equal(s, "Nguyễn!");
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    assert_int_equal(b.max, 100); /* the ceiling survives */
    assert_int_equal(buf_puts(&b, "x"), 0);
    assert_string_equal(buf_str(&b), "x");
    assert_string_equal(s, "Nguyễn!"); /* the detached string is independent */
    free(s);
    buf_release(&b);
}

static void test_buf_reset_keeps_storage(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_puts(&b, "hello world"), 0);
    char *before = b.data;
    size_t cap = b.cap;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_str(&b), "");
    assert_ptr_equal(b.data, before);
    assert_int_equal(b.cap, cap);
    assert_int_equal(buf_puts(&b, "hi"), 0);
    assert_string_equal(buf_str(&b), "hi");
    buf_release(&b);
}

static void test_buf_append_embedded_nul_counts_bytes(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_append(&b, "a\0b", 3), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4); /* and still NUL-terminated after */
    assert_int_equal(buf_append(&b, NULL, 0), 0);
    assert_int_equal(b.len, 3);
    buf_release(&b);
}

static void test_buf_printf_longer_than_scratch(void **state)
{
    (void)state;
    char big[1001];
    memset(big, 'x', 1000);
    big[1000] = '\0';
    buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_printf(&b, "[%s|%d]", big, 42), 0);
    assert_int_equal(b.len, 1000 + 5);
    assert_memory_equal(b.data, "[x", 2);
    assert_string_equal(b.data + 1001, "|42]");
    buf_release(&b);
}

static void test_buf_printf_refused_past_max(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_printf(&b, "%d", 1234), 0);
    assert_int_equal(buf_printf(&b, "%s", "5678"), 0);
    assert_string_equal(buf_str(&b), "12345678");
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d", 1234), 0);
    assert_int_equal(buf_printf(&b, "%s", "56789"), -1); /* 9 > 8 */
    assert_string_equal(buf_str(&b), "1234");
    assert_int_equal(buf_printf(&b, "%s", "5"), -1); /* full: refused from then on */
    buf_reset(&b);
    /* longer than the scratch space and than max: refused whole, not copied first */
    assert_int_equal(buf_printf(&b, "%300d", 7), -1);
    assert_int_equal(b.full, 1);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_xasprintf_any_length(void **state)
{
    (void)state;
    char *s = xasprintf("%s/%s.%d%s", "outputs/Sở Tài chính", "danh-sach", 2, ".csv");
    assert_string_equal(s, "outputs/Sở Tài chính/danh-sach.2.csv");
    free(s);
    char *long_arg = xmalloc(5001);
    memset(long_arg, 'q', 5000);
    long_arg[5000] = '\0';
    s = xasprintf("<%s>", long_arg);
    assert_int_equal(strlen(s), 5002);
    assert_int_equal(s[0], '<');
    assert_int_equal(s[5001], '>');
    free(s);
    free(long_arg);
}

/* XASPRINTF_MAX: a result of exactly that many bytes is made whole. */
static void test_xasprintf_at_its_bound(void **state)
{
    (void)state;
    char *s = xasprintf("%*s", (int)XASPRINTF_MAX, "x");
    assert_int_equal(strlen(s), XASPRINTF_MAX);
    assert_int_equal(s[0], ' ');
    assert_int_equal(s[XASPRINTF_MAX - 1], 'x');
    free(s);
}

/* Runs fn in a child process; returns what it wrote on standard error (caller frees) and
 * the signal that ended it in *sig (0 when it exited). */
static char *run_in_child(void (*fn)(void), int *sig)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    buf err;
    buf_init(&err, 4096);
    char chunk[512];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
        buf_append(&err, chunk, (size_t)n);
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return buf_detach(&err);
}

static void xasprintf_one_past(void)
{
    char *s = xasprintf("%*s", (int)XASPRINTF_MAX + 1, "x");
    free(s); /* not reached */
}

/* One byte past XASPRINTF_MAX is a programming error: it aborts as out of memory does, with
 * a message, and hands back no cut string. */
static void test_xasprintf_past_its_bound_aborts(void **state)
{
    (void)state;
    int sig = 0;
    char *err = run_in_child(xasprintf_one_past, &sig);
    assert_int_equal(sig, SIGABRT);
    char want[100];
    snprintf(want, sizeof want, "ctsbatch: a text longer than its bound of %zu bytes",
             (size_t)XASPRINTF_MAX);
    assert_non_null(strstr(err, want));
    free(err);
}

static void test_xstrndup_and_xgrow(void **state)
{
    (void)state;
    char *s = xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = xstrndup("ab", 10); /* stops at the NUL */
    assert_string_equal(s, "ab");
    free(s);
    s = xstrdup("");
    assert_string_equal(s, "");
    free(s);

    size_t cap = 0;
    int *a = xgrow(NULL, &cap, 3, sizeof *a);
    assert_true(cap >= 3);
    for (int i = 0; i < 3; i++)
        a[i] = i;
    a = xgrow(a, &cap, 100, sizeof *a);
    assert_true(cap >= 100);
    a[99] = 99;
    assert_int_equal(a[2], 2); /* earlier contents kept */
    size_t same = cap;
    int *b2 = xgrow(a, &cap, 50, sizeof *a); /* already big enough: unchanged */
    assert_ptr_equal(b2, a);
    assert_int_equal(cap, same);
    free(a);
}

static void test_str_eq_null_safe(void **state)
{
    (void)state;
    assert_true(str_eq(NULL, NULL));
    assert_false(str_eq(NULL, ""));
    assert_false(str_eq("", NULL));
    assert_true(str_eq("", ""));
    assert_true(str_eq("gia-han", "gia-han"));
    assert_false(str_eq("gia-han", "gia-ha"));
}

static void test_str_empty(void **state)
{
    (void)state;
    assert_true(str_empty(NULL));
    assert_true(str_empty(""));
    assert_true(str_empty(" \t\r\n\f\v"));
    assert_false(str_empty(" x "));
    assert_false(str_empty("0"));
    assert_false(str_empty("\xC2\xA0")); /* NO-BREAK SPACE is not ASCII white space */
}

static void test_str_trim_dup(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"  Nguyễn Văn An \t", "Nguyễn Văn An"},
        {"\r\nx\r\n", "x"},
        {"   ", ""},
        {"", ""},
        {"a  b", "a  b"}, /* inner space kept */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = str_trim_dup(cases[i][0]);
        assert_string_equal(t, cases[i][1]);
        free(t);
    }
}

static void test_str_to_long_accepts(void **state)
{
    (void)state;
    long v = -1;
    assert_int_equal(str_to_long("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(str_to_long("  42 ", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(str_to_long("-7", &v), 0);
    assert_int_equal(v, -7);
    assert_int_equal(str_to_long("+3", &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(str_to_long("007", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(str_to_long("9223372036854775807", &v), 0);
    assert_true(v == LONG_MAX);
}

static void test_str_to_long_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "   ",
                         "abc",
                         "12abc",
                         "1 2",
                         "0x10",
                         "3.5",
                         "--1",
                         "99999999999999999999999",
                         "-99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long v = 1234;
        assert_int_equal(str_to_long(bad[i], &v), -1);
        assert_int_equal(v, 1234); /* *out untouched on failure */
    }
    long v = 5;
    assert_int_equal(str_to_long(NULL, &v), -1);
    assert_int_equal(v, 5);
}

/* Test lookup: a few names; "none" and anything else unknown gives NULL. */
static const char *lookup_fixed(void *ctx, const char *name)
{
    int *calls = ctx;
    (*calls)++;
    if (strcmp(name, "ten") == 0)
        return "Sở Tài chính";
    if (strcmp(name, "so") == 0)
        return "12";
    if (strcmp(name, "empty") == 0)
        return "";
    if (strlen(name) == 127)
        return "LONG";
    return NULL;
}

static void expect_expand(const char *tmpl, const char *want)
{
    int calls = 0;
    char *got = str_expand(tmpl, lookup_fixed, &calls);
    assert_string_equal(got, want);
    free(got);
}

static void test_str_expand_placeholders(void **state)
{
    (void)state;
    expect_expand("Kính gửi: {ten}, số {so}/{so}", "Kính gửi: Sở Tài chính, số 12/12");
    expect_expand("[{empty}]", "[]");
    expect_expand("{unknown} stays", "{unknown} stays");
    expect_expand("{{ten}", "{ten}"); /* "{{" is a literal brace, then plain text */
    expect_expand("a {{ b", "a { b");
    expect_expand("no close {ten", "no close {ten");
    expect_expand("", "");
    expect_expand("}", "}");
}

static void test_str_expand_name_length_limit(void **state)
{
    (void)state;
    char name127[128], tmpl[200], want[200];
    memset(name127, 'n', 127);
    name127[127] = '\0';
    snprintf(tmpl, sizeof tmpl, "<{%s}>", name127);
    expect_expand(tmpl, "<LONG>");
    /* 128 bytes is past the limit: kept as written, the lookup never sees it */
    snprintf(tmpl, sizeof tmpl, "<{%sn}>", name127);
    snprintf(want, sizeof want, "<{%sn}>", name127);
    int calls = 0;
    char *got = str_expand(tmpl, lookup_fixed, &calls);
    assert_string_equal(got, want);
    assert_int_equal(calls, 0);
    free(got);
}

/* A lookup answering "v" with a value of n bytes of 'v' (made on the first call). */
typedef struct sized {
    size_t n;
    char *value;
} sized;

static const char *lookup_sized(void *ctx, const char *name)
{
    sized *z = ctx;
    if (strcmp(name, "v") != 0)
        return NULL;
    if (!z->value) {
        z->value = xmalloc(z->n + 1);
        memset(z->value, 'v', z->n);
        z->value[z->n] = '\0';
    }
    return z->value;
}

static char *expand_sized(const char *tmpl, size_t n)
{
    sized z = {n, NULL};
    char *got = str_expand(tmpl, lookup_sized, &z);
    free(z.value);
    return got;
}

/* STR_EXPAND_MAX: an expansion of exactly that many bytes is made whole; one byte more, from
 * a value or from the template's own text, gives NULL, never a cut text. */
static void test_str_expand_limit(void **state)
{
    (void)state;
    char *got = expand_sized("<{v}>", STR_EXPAND_MAX - 2);
    assert_non_null(got);
    assert_int_equal(strlen(got), STR_EXPAND_MAX);
    assert_int_equal(got[0], '<');
    assert_int_equal(got[STR_EXPAND_MAX - 1], '>');
    free(got);
    assert_null(expand_sized("<{v}>", STR_EXPAND_MAX - 1));
    assert_null(expand_sized("{v}{v}", STR_EXPAND_MAX / 2 + 1));
    char *tmpl = xmalloc(STR_EXPAND_MAX + 2);
    memset(tmpl, 't', STR_EXPAND_MAX + 1);
    tmpl[STR_EXPAND_MAX + 1] = '\0';
    assert_null(expand_sized(tmpl, 0));
    tmpl[STR_EXPAND_MAX] = '\0';
    got = expand_sized(tmpl, 0);
    assert_string_equal(got, tmpl);
    free(got);
    free(tmpl);
}

/* strmap: put keeps the first value and reports the earlier one; set replaces; thousands of
 * keys survive the growth of the table. */
static void test_strmap(void **state)
{
    (void)state;
    strmap *m = strmap_new();
    size_t v = 99;
    assert_int_equal(strmap_get(m, "x", &v), 0);
    assert_int_equal(strmap_put(m, "cap-moi|089185001234", 3, NULL), 0);
    assert_int_equal(strmap_put(m, "cap-moi|089185001234", 7, &v), 1);
    assert_int_equal(v, 3);
    strmap_set(m, "cap-moi|089185001234", 8);
    assert_int_equal(strmap_get(m, "cap-moi|089185001234", &v), 1);
    assert_int_equal(v, 8);
    char key[32];
    for (size_t i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        assert_int_equal(strmap_put(m, key, i, NULL), 0);
    }
    for (size_t i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        assert_int_equal(strmap_get(m, key, &v), 1);
        assert_int_equal(v, i);
    }
    assert_int_equal(strmap_get(m, "k10000", NULL), 0);
    strmap_free(m);
    strmap_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_buf_append_stops_at_max),
        cmocka_unit_test(test_buf_default_max_and_empty_views),
        cmocka_unit_test(test_buf_detach_hands_over_and_reinitialises),
        cmocka_unit_test(test_buf_reset_keeps_storage),
        cmocka_unit_test(test_buf_append_embedded_nul_counts_bytes),
        cmocka_unit_test(test_buf_printf_longer_than_scratch),
        cmocka_unit_test(test_buf_printf_refused_past_max),
        cmocka_unit_test(test_xasprintf_any_length),
        cmocka_unit_test(test_xasprintf_at_its_bound),
        cmocka_unit_test(test_xasprintf_past_its_bound_aborts),
        cmocka_unit_test(test_xstrndup_and_xgrow),
        cmocka_unit_test(test_str_eq_null_safe),
        cmocka_unit_test(test_str_empty),
        cmocka_unit_test(test_str_trim_dup),
        cmocka_unit_test(test_str_to_long_accepts),
        cmocka_unit_test(test_str_to_long_rejects),
        cmocka_unit_test(test_str_expand_placeholders),
        cmocka_unit_test(test_str_expand_name_length_limit),
        cmocka_unit_test(test_str_expand_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
