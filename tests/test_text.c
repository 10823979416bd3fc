/* test_text: unit tests of pipeline/text.c (strict UTF-8, Vietnamese NFC, key folding,
 * slugs, upper case). The expected letters are written out as UTF-8 literals so that the
 * tests do not share the module's table; combining marks are spelled as byte escapes.
 * The bounds (text.h): TEXT_MAX_BYTES covers every reader's limit, input past it is cut at
 * a character, TEXT_GROWTH is reached by the worst input and never passed, and a slug is
 * made only as far as its max needs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "read.h"
#include "template.h"
#include "text.h"

#define GRAVE "\xCC\x80"    /* U+0300, ccc 230 */
#define ACUTE "\xCC\x81"    /* U+0301, ccc 230 */
#define CIRC "\xCC\x82"     /* U+0302, ccc 230 */
#define TILDE "\xCC\x83"    /* U+0303, ccc 230 */
#define BREVE "\xCC\x86"    /* U+0306, ccc 230 */
#define HOOK "\xCC\x89"     /* U+0309, ccc 230 */
#define HORN "\xCC\x9B"     /* U+031B, ccc 216 */
#define DOT "\xCC\xA3"      /* U+0323, ccc 220 */
#define ACUTE_TM "\xCD\x81" /* U+0341 combining acute tone mark, decomposes to U+0301 */
#define NBSP "\xC2\xA0"     /* U+00A0 no-break space */
#define REPL "\xEF\xBF\xBD" /* U+FFFD replacement character */

static const char *const tones[5] = {GRAVE, ACUTE, TILDE, HOOK, DOT};

/* One vowel of one case: its plain base, its modifier mark ("" for none), the untoned
 * letter (precomposed when there is a modifier) and the five toned letters in the order
 * grave, acute, tilde, hook above, dot below. */
struct family {
    const char *base;
    const char *mod;
    const char *untoned;
    const char *toned[5];
};

/* clang-format off */
static const struct family families[] = {
    {"a", "", "a", {"à", "á", "ã", "ả", "ạ"}},
    {"a", BREVE, "ă", {"ằ", "ắ", "ẵ", "ẳ", "ặ"}},
    {"a", CIRC, "â", {"ầ", "ấ", "ẫ", "ẩ", "ậ"}},
    {"e", "", "e", {"è", "é", "ẽ", "ẻ", "ẹ"}},
    {"e", CIRC, "ê", {"ề", "ế", "ễ", "ể", "ệ"}},
    {"i", "", "i", {"ì", "í", "ĩ", "ỉ", "ị"}},
    {"o", "", "o", {"ò", "ó", "õ", "ỏ", "ọ"}},
    {"o", CIRC, "ô", {"ồ", "ố", "ỗ", "ổ", "ộ"}},
    {"o", HORN, "ơ", {"ờ", "ớ", "ỡ", "ở", "ợ"}},
    {"u", "", "u", {"ù", "ú", "ũ", "ủ", "ụ"}},
    {"u", HORN, "ư", {"ừ", "ứ", "ữ", "ử", "ự"}},
    {"y", "", "y", {"ỳ", "ý", "ỹ", "ỷ", "ỵ"}},
    {"A", "", "A", {"À", "Á", "Ã", "Ả", "Ạ"}},
    {"A", BREVE, "Ă", {"Ằ", "Ắ", "Ẵ", "Ẳ", "Ặ"}},
    {"A", CIRC, "Â", {"Ầ", "Ấ", "Ẫ", "Ẩ", "Ậ"}},
    {"E", "", "E", {"È", "É", "Ẽ", "Ẻ", "Ẹ"}},
    {"E", CIRC, "Ê", {"Ề", "Ế", "Ễ", "Ể", "Ệ"}},
    {"I", "", "I", {"Ì", "Í", "Ĩ", "Ỉ", "Ị"}},
    {"O", "", "O", {"Ò", "Ó", "Õ", "Ỏ", "Ọ"}},
    {"O", CIRC, "Ô", {"Ồ", "Ố", "Ỗ", "Ổ", "Ộ"}},
    {"O", HORN, "Ơ", {"Ờ", "Ớ", "Ỡ", "Ở", "Ợ"}},
    {"U", "", "U", {"Ù", "Ú", "Ũ", "Ủ", "Ụ"}},
    {"U", HORN, "Ư", {"Ừ", "Ứ", "Ữ", "Ử", "Ự"}},
    {"Y", "", "Y", {"Ỳ", "Ý", "Ỹ", "Ỷ", "Ỵ"}},
};
/* clang-format on */

#define FAMILIES (sizeof families / sizeof families[0])
#define LOWER_FAMILIES (FAMILIES / 2)

/* Concatenates up to four pieces into a static buffer (test inputs are short). */
static const char *cat(const char *a, const char *b, const char *c, const char *d)
{
    static char out[64];
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c), ld = strlen(d);
    assert_true(la + lb + lc + ld < sizeof out);
    memcpy(out, a, la);
    memcpy(out + la, b, lb);
    memcpy(out + la + lb, c, lc);
    memcpy(out + la + lb + lc, d, ld);
    out[la + lb + lc + ld] = '\0';
    return out;
}

static void assert_nfc(const char *in, const char *want)
{
    char *got = text_nfc(in);
    assert_string_equal(got, want);
    free(got);
}

/* Canonical order of modifier and tone: horn (216) < dot below (220) < the rest (230);
 * two marks of class 230 keep their order, modifier first as Unicode decomposes them. */
static int tone_goes_first(const struct family *f, int t)
{
    return strcmp(f->mod, HORN) != 0 && strcmp(tones[t], DOT) == 0;
}

static const struct family *plain_family(const char *base)
{
    for (size_t i = 0; i < FAMILIES; i++)
        if (strcmp(families[i].base, base) == 0 && families[i].mod[0] == '\0')
            return &families[i];
    return NULL;
}

static void test_table_has_134_letters(void **state)
{
    (void)state;
    size_t letters = 0;
    for (size_t i = 0; i < FAMILIES; i++) {
        letters += 5;
        letters += families[i].mod[0] != '\0';
        for (int t = 0; t < 5; t++)
            assert_int_equal(text_utf8_count(families[i].toned[t]), 1);
    }
    assert_int_equal(letters + 2, 134); /* + Đ đ */
}

static void test_nfc_toned_from_nfd_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < FAMILIES; i++) {
        const struct family *f = &families[i];
        for (int t = 0; t < 5; t++) {
            int tone_first = tone_goes_first(f, t);
            const char *m1 = tone_first ? tones[t] : f->mod;
            const char *m2 = tone_first ? f->mod : tones[t];
            assert_nfc(cat(f->base, m1, m2, ""), f->toned[t]);
        }
    }
}

/* Reversed marks compose when their classes differ (canonical ordering makes the two
 * orders equivalent); two class-230 marks in the other order are a different text, and NFC
 * composes only the first: "a" U+0301 U+0302 is "á" U+0302, never "ấ" (UAX #15). */
static void test_nfc_toned_from_nfd_reversed(void **state)
{
    (void)state;
    for (size_t i = 0; i < FAMILIES; i++) {
        const struct family *f = &families[i];
        if (f->mod[0] == '\0')
            continue;
        for (int t = 0; t < 5; t++) {
            int tone_first = tone_goes_first(f, t);
            const char *m1 = tone_first ? f->mod : tones[t];
            const char *m2 = tone_first ? tones[t] : f->mod;
            int same_class = strcmp(f->mod, HORN) != 0 && strcmp(tones[t], DOT) != 0;
            char want[32];
            if (!same_class) {
                assert_nfc(cat(f->base, m1, m2, ""), f->toned[t]);
                continue;
            }
            const char *plain = plain_family(f->base)->toned[t];
            memcpy(want, plain, strlen(plain) + 1);
            assert_true(strlen(want) + strlen(f->mod) < sizeof want);
            memcpy(want + strlen(want), f->mod, strlen(f->mod) + 1);
            assert_nfc(cat(f->base, m1, m2, ""), want);
        }
    }
}

static void test_nfc_toned_windows1258(void **state)
{
    (void)state;
    for (size_t i = 0; i < FAMILIES; i++)
        for (int t = 0; t < 5; t++)
            assert_nfc(cat(families[i].untoned, tones[t], "", ""), families[i].toned[t]);
}

static void test_nfc_untoned_modified(void **state)
{
    (void)state;
    for (size_t i = 0; i < FAMILIES; i++) {
        const struct family *f = &families[i];
        if (f->mod[0] == '\0')
            continue;
        assert_int_equal(text_utf8_count(f->untoned), 1);
        assert_nfc(cat(f->base, f->mod, "", ""), f->untoned);
        assert_nfc(f->untoned, f->untoned);
    }
    assert_nfc("Đ", "Đ");
    assert_nfc("đ", "đ");
    assert_nfc("d" ACUTE, "d" ACUTE);
}

static void test_nfc_precomposed_unchanged(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Văn Ơn, Sở Tài chính tỉnh An Giang",
        "Chứng thư số chỉ còn 41 ngày sử dụng; cần còn ít nhất 60 ngày.",
        "Điều 63 Nghị định 130/2018/NĐ-CP — Ưu tiên: ữ ự ỹ ỵ Ỷ",
        "",
        "ASCII only, 100% plain",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_nfc(texts[i], texts[i]);
    for (size_t i = 0; i < FAMILIES; i++)
        for (int t = 0; t < 5; t++)
            assert_nfc(families[i].toned[t], families[i].toned[t]);
}

static void test_nfc_macos_names(void **state)
{
    (void)state;
    assert_nfc("Nguye" CIRC TILDE "n Thi" DOT " A" ACUTE "nh Tuye" CIRC ACUTE "t",
               "Nguyễn Thị Ánh Tuyết");
    assert_nfc("Đa" DOT BREVE "ng Va" BREVE "n O" HORN "n", "Đặng Văn Ơn");
    assert_nfc("Tru" HORN "o" HORN GRAVE "ng, U" HORN DOT "c", "Trường, Ực");
    /* non-canonical order of different classes */
    assert_nfc("e" CIRC DOT "n", "ện");
    assert_nfc("o" DOT HORN, "ợ");
}

static void test_nfc_windows1258_words(void **state)
{
    (void)state;
    assert_nfc("Nguyê" TILDE "n Thi" DOT " A" ACUTE "nh Tuyê" ACUTE "t", "Nguyễn Thị Ánh Tuyết");
    assert_nfc("Đă" DOT "ng Văn Ơn", "Đặng Văn Ơn");
    assert_nfc("Chư" ACUTE "ng thư sô" ACUTE ", điê" DOT "n tư" HOOK, "Chứng thư số, điện tử");
    /* a precomposed tone letter followed by the modifier it lacks */
    assert_nfc("ạ" CIRC, "ậ");
    assert_nfc("Ọ" HORN, "Ợ");
    /* a precomposed modifier letter followed by a dot below: reordered, then composed */
    assert_nfc("Â" DOT, "Ậ");
}

static void test_nfc_uncomposable_kept(void **state)
{
    (void)state;
    assert_nfc("q" ACUTE, "q" ACUTE);
    assert_nfc(ACUTE "a", ACUTE "a");
    assert_nfc(CIRC DOT "x", DOT CIRC "x");
    assert_nfc("x" CIRC DOT, "x" DOT CIRC);
    assert_nfc("ệ" ACUTE, "ệ" ACUTE);
    assert_nfc("á" ACUTE, "á" ACUTE);
    assert_nfc("Đ" HOOK, "Đ" HOOK);
    /* "e" + breve has no Vietnamese letter; the acute is then blocked by the breve */
    assert_nfc("e" BREVE ACUTE, "e" BREVE ACUTE);
    /* the horn (216) does not block the acute (230): "Á" U+031B */
    assert_nfc("A" HORN ACUTE, "Á" HORN);
}

static void test_nfc_tone_mark_singleton(void **state)
{
    (void)state;
    assert_nfc("a" ACUTE_TM, "á");
    assert_nfc("ê" ACUTE_TM, "ế");
}

static void test_nfc_invalid_bytes_replaced(void **state)
{
    (void)state;
    assert_nfc("a\xC0\xAFz", "a" REPL REPL "z");
    assert_nfc("e\xE1\xBB", "e" REPL REPL);
}

static void test_utf8_valid_accepts(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "",
        "plain",
        "Nguyễn Thị Ánh Tuyết",
        "\xC2\x80",
        "\xDF\xBF",
        "\xE0\xA0\x80",
        "\xED\x9F\xBF",
        "\xEE\x80\x80",
        "\xEF\xBF\xBF",
        "\xF0\x90\x80\x80",
        "\xF4\x8F\xBF\xBF",
    };
    size_t bad = 77;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(text_utf8_valid(ok[i], strlen(ok[i]), &bad), 1);
    assert_int_equal(bad, 77);
    assert_int_equal(text_utf8_valid("a\0b", 3, NULL), 1);
}

struct bad_case {
    const char *s;
    size_t at;
};

static void assert_invalid(const struct bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t bad = 999;
        assert_int_equal(text_utf8_valid(cases[i].s, strlen(cases[i].s), &bad), 0);
        assert_int_equal(bad, cases[i].at);
        assert_int_equal(text_utf8_valid(cases[i].s, strlen(cases[i].s), NULL), 0);
    }
}

static void test_utf8_valid_overlong(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"\xC0\xAF", 0},         {"ab\xC0\xAF", 2},   {"\xC1\xBF", 0},
        {"tên\xE0\x80\xAF", 4},  {"\xE0\x9F\xBF", 0}, {"x\xF0\x80\x80\xAF", 1},
        {"\xF0\x8F\xBF\xBF", 0},
    };
    assert_invalid(cases, sizeof cases / sizeof cases[0]);
}

static void test_utf8_valid_surrogate_and_range(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"\xED\xA0\x80", 0},
        {"xy\xED\xA0\x80", 2},
        {"ế\xED\xBF\xBF", 3},
        {"\xF4\x90\x80\x80", 0},
        {"a\xF5\x80\x80\x80", 1},
        {"\xFF", 0},
        {"\xFE", 0},
    };
    assert_invalid(cases, sizeof cases / sizeof cases[0]);
}

static void test_utf8_valid_truncated(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"abc\xE1\xBB", 3}, {"\xE1\xBBz", 0}, {"ab\xC3", 2}, {"\xF0\x90\x80", 0},
        {"\x80", 0},        {"ok\xBF", 2},    {"ệ\xE1", 3},
    };
    assert_invalid(cases, sizeof cases / sizeof cases[0]);
    /* a sequence cut by n, not by a NUL */
    size_t bad = 0;
    assert_int_equal(text_utf8_valid("aệ", 3, &bad), 0);
    assert_int_equal(bad, 1);
}

static void test_utf8_next(void **state)
{
    (void)state;
    const char *s = "A\xC3\xA1\xE1\xBB\x87\xF0\x9F\x98\x80\xC0\xAFz";
    const char *end = s + strlen(s), *p = s;
    static const long want[] = {0x41, 0xE1, 0x1EC7, 0x1F600, -1, -1, 'z'};
    static const size_t step[] = {1, 2, 3, 4, 1, 1, 1};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *before = p;
        assert_int_equal(text_utf8_next(&p, end), want[i]);
        assert_int_equal((size_t)(p - before), step[i]);
    }
    assert_ptr_equal(p, end);
    assert_int_equal(text_utf8_next(&p, end), -1);
    assert_ptr_equal(p, end);
    /* end cuts a sequence short */
    p = "\xE1\xBB\x87";
    assert_int_equal(text_utf8_next(&p, p + 2), -1);
}

static void test_utf8_put(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 0);
    static const uint32_t cps[] = {0x24,   0x7F,   0x80,    0x7FF,   0x800,
                                   0x1EC7, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
        assert_int_equal(text_utf8_put(&b, cps[i]), 0);
    assert_string_equal(buf_str(&b), "$\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xE1\xBB\x87\xEF\xBF\xBF"
                                     "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
    size_t len = b.len;
    assert_int_equal(text_utf8_put(&b, 0xD800), -1);
    assert_int_equal(text_utf8_put(&b, 0xDFFF), -1);
    assert_int_equal(text_utf8_put(&b, 0x110000), -1);
    assert_int_equal(b.len, len);
    buf_release(&b);

    buf small;
    buf_init(&small, 4);
    assert_int_equal(text_utf8_put(&small, 0x1EC7), 0);
    assert_int_equal(text_utf8_put(&small, 0x1EC7), -1);
    /* the buffer is full from then on: no later letter is appended out of order */
    assert_int_equal(text_utf8_put(&small, 'x'), -1);
    assert_string_equal(buf_str(&small), "ệ");
    assert_int_equal(small.full, 1);
    buf_release(&small);
}

static void test_utf8_count(void **state)
{
    (void)state;
    assert_int_equal(text_utf8_count(""), 0);
    assert_int_equal(text_utf8_count("abc"), 3);
    assert_int_equal(text_utf8_count("Nguyễn Thị Ánh Tuyết"), 20);
    assert_int_equal(text_utf8_count("e" DOT CIRC), 3);
    assert_int_equal(text_utf8_count("\xF0\x9F\x98\x80"), 1);
}

static void assert_fold(const char *in, const char *want)
{
    char *got = text_fold_key(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_fold_key(void **state)
{
    (void)state;
    assert_fold("Họ và tên", "ho_va_ten");
    assert_fold(" HO  VA TEN ", "ho_va_ten");
    assert_fold("ho_ten", "ho_ten");
    assert_fold("Ho" DOT " va" GRAVE " te" CIRC "n", "ho_va_ten");
    assert_fold("Thư điện tử công vụ", "thu_dien_tu_cong_vu");
    assert_fold("ĐỊA CHỈ", "dia_chi");
    assert_fold("Số CCCD", "so_cccd");
    assert_fold("so - cccd", "so_cccd");
    assert_fold("ngay__de--nghi", "ngay_de_nghi");
    assert_fold("\tLoại thuê bao\r\n", "loai_thue_bao");
    assert_fold("Ngày" NBSP "cấp", "ngay_cap");
    assert_fold("", "");
    assert_fold("   ", "");
}

static void assert_slug(const char *in, size_t max, const char *want)
{
    char *got = text_slug(in, max);
    assert_string_equal(got, want);
    free(got);
}

static void test_slug(void **state)
{
    (void)state;
    assert_slug("Nguyễn Thị Ánh Tuyết", 64, "nguyen-thi-anh-tuyet");
    assert_slug("Đặng Văn Ơn", 64, "dang-van-on");
    assert_slug("  Sở Tài chính (tỉnh An Giang)!  ", 64, "so-tai-chinh-tinh-an-giang");
    assert_slug("Nguye" CIRC TILDE "n  --  Thi" DOT, 64, "nguyen-thi");
    assert_slug("UBND 2026", 64, "ubnd-2026");
    assert_slug("", 64, "khong-ten");
    assert_slug("!!! ...", 64, "khong-ten");
}

static void test_slug_max_cut(void **state)
{
    (void)state;
    assert_slug("Nguyễn Thị Ánh Tuyết", 20, "nguyen-thi-anh-tuyet");
    assert_slug("Nguyễn Thị Ánh Tuyết", 19, "nguyen-thi-anh");
    assert_slug("Nguyễn Thị Ánh Tuyết", 14, "nguyen-thi-anh");
    assert_slug("Nguyễn Thị Ánh Tuyết", 12, "nguyen-thi");
    assert_slug("Nguyễn Thị Ánh Tuyết", 7, "nguyen");
    assert_slug("Nguyễn Thị Ánh Tuyết", 3, "ngu");
    assert_slug("Nguyễn Thị Ánh Tuyết", 0, "");
    assert_slug("", 5, "khong");
    for (size_t max = 0; max < 25; max++) {
        char *got = text_slug("Đặng Văn Ơn - Sở Tài chính", max);
        size_t n = strlen(got);
        assert_true(n <= max);
        if (n > 0)
            assert_true(got[0] != '-' && got[n - 1] != '-');
        free(got);
    }
}

/* text_lower mirrors text_upper on every Vietnamese letter; text_capital changes only the
 * first: a register's "GIÁM ĐỐC" reads "Giám đốc" inside a sentence (Mẫu 14). */
static void test_lower_and_capital(void **state)
{
    (void)state;
    static const struct {
        const char *in, *lower, *capital;
    } cases[] = {
        {"GIÁM ĐỐC", "giám đốc", "GIÁM ĐỐC"},
        {"PHÓ GIÁM ĐỐC SỞ", "phó giám đốc sở", "PHÓ GIÁM ĐỐC SỞ"},
        {"ỮỰỸỴỶƠƯĂÂÊÔĐ", "ữựỹỵỷơưăâêôđ", "ỮỰỸỴỶƠƯĂÂÊÔĐ"},
        {"giám đốc", "giám đốc", "Giám đốc"},
        {"đặng", "đặng", "Đặng"},
        {"ü 42 É", "ü 42 é", "ü 42 É"},
        {"", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *lo = text_lower(cases[i].in), *cap = text_capital(cases[i].in);
        assert_string_equal(lo, cases[i].lower);
        assert_string_equal(cap, cases[i].capital);
        char *both = text_capital(lo), *up = text_upper(lo);
        char *want = text_upper(cases[i].in);
        assert_string_equal(up, want); /* lower then upper gives the upper case back */
        free(lo), free(cap), free(both), free(up), free(want);
    }
    for (size_t i = 0; i < LOWER_FAMILIES; i++)
        for (int t = 0; t < 5; t++) {
            char *lo = text_lower(families[i + LOWER_FAMILIES].toned[t]);
            assert_string_equal(lo, families[i].toned[t]);
            free(lo);
        }
}

static void assert_upper(const char *in, const char *want)
{
    char *got = text_upper(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_upper(void **state)
{
    (void)state;
    assert_upper("Nguyễn Thị Ánh Tuyết", "NGUYỄN THỊ ÁNH TUYẾT");
    assert_upper("đ", "Đ");
    assert_upper("Đặng Văn Ơn", "ĐẶNG VĂN ƠN");
    assert_upper("giám đốc sở tài chính", "GIÁM ĐỐC SỞ TÀI CHÍNH");
    assert_upper("ữ ự ỹ ỵ ỷ ơ ư ă â ê ô", "Ữ Ự Ỹ Ỵ Ỷ Ơ Ư Ă Â Ê Ô");
    assert_upper("ü ß 42 é", "ü ß 42 É");
    assert_upper("e" DOT CIRC, "E" DOT CIRC);
    assert_upper("", "");
    for (size_t i = 0; i < LOWER_FAMILIES; i++) {
        assert_upper(families[i].untoned, families[i + LOWER_FAMILIES].untoned);
        for (int t = 0; t < 5; t++)
            assert_upper(families[i].toned[t], families[i + LOWER_FAMILIES].toned[t]);
    }
}

static void test_fold_every_letter(void **state)
{
    (void)state;
    for (size_t i = 0; i < FAMILIES; i++) {
        char want[2] = {(char)(families[i].base[0] | 0x20), '\0'};
        assert_fold(families[i].untoned, want);
        for (int t = 0; t < 5; t++) {
            assert_fold(families[i].toned[t], want);
            assert_slug(families[i].toned[t], 8, want);
        }
    }
}

/* ---- bounds ---- */

/* TEXT_MAX_BYTES is meant to be out of reach of every value a reader makes: a CSV cell, a
 * whole roster file (an XML value is part of one), a whole template. */
static void test_text_max_covers_every_reader(void **state)
{
    (void)state;
    assert_true(TEXT_MAX_BYTES >= CSV_MAX_FIELD_BYTES);
    assert_true(TEXT_MAX_BYTES >= READ_MAX_FILE_BYTES);
    assert_true(TEXT_MAX_BYTES >= TEMPLATE_MAX_BYTES);
}

/* n copies of unit, NUL-terminated (caller frees). */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

/* 1 when s is n copies of unit. */
static int is_repeat(const char *s, const char *unit, size_t n)
{
    size_t u = strlen(unit);
    if (strlen(s) != u * n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (memcmp(s + i * u, unit, u) != 0)
            return 0;
    return 1;
}

/* TEXT_GROWTH: a malformed byte is the worst input (U+FFFD, 3 bytes). n malformed bytes
 * give exactly TEXT_GROWTH * n bytes, whole: the bound is reached and holds (past it the
 * program would abort). */
static void test_growth_worst_case(void **state)
{
    (void)state;
    const size_t n = (size_t)1 << 20;
    char *bad = repeat("\xFF", n);
    char *got = text_nfc(bad);
    assert_int_equal(strlen(got), TEXT_GROWTH * n);
    assert_true(is_repeat(got, REPL, n));
    free(got);
    got = text_upper(bad);
    assert_true(is_repeat(got, REPL, n));
    free(got);
    got = text_fold_key(bad);
    assert_true(is_repeat(got, REPL, n));
    free(got);
    free(bad);
    /* the worst valid input: a mark NFC decomposes to two (U+0344 -> U+0308 U+0301) */
    char *two = repeat("\xCD\x84", 1000);
    got = text_nfc(two);
    assert_true(is_repeat(got, "\xCC\x88\xCC\x81", 1000));
    free(got);
    free(two);
}

/* Input past TEXT_MAX_BYTES is read up to the last character that starts before the limit:
 * here "ệ" straddles it, so the text read ends just before it. */
static void test_input_past_max_cut_at_a_character(void **state)
{
    (void)state;
    const size_t max = TEXT_MAX_BYTES;
    char *s = malloc(max + 8);
    assert_non_null(s);
    memcpy(s, "e" CIRC, 3);         /* "ê" decomposed: the slow NFC path */
    memset(s + 3, 'a', max - 4);    /* up to byte max - 2 */
    memcpy(s + max - 1, "ệzzz", 6); /* "ệ" is bytes max - 1 .. max + 1 */
    s[max + 5] = '\0';
    char *got = text_nfc(s);
    assert_int_equal(strlen(got), max - 2);
    assert_memory_equal(got, "ê", 2);
    assert_int_equal(got[max - 3], 'a');
    free(got);
    got = text_upper(s);
    assert_int_equal(strlen(got), max - 1);
    assert_memory_equal(got, "E" CIRC "AA", 5);
    assert_int_equal(got[max - 2], 'A');
    free(got);
    got = text_fold_key(s);
    assert_int_equal(strlen(got), max - 3);
    assert_int_equal(got[max - 4], 'a');
    free(got);
    assert_slug(s, 8, "eaaaaaaa");
    /* exactly TEXT_MAX_BYTES is read whole; past it, a text cut between two ASCII letters
     * keeps all TEXT_MAX_BYTES */
    s[max] = '\0';
    memset(s, 'a', max);
    s[max - 1] = 'b';
    got = text_nfc(s);
    assert_int_equal(strlen(got), max);
    assert_int_equal(got[max - 1], 'b');
    free(got);
    memcpy(s + max, "cd", 3);
    got = text_nfc(s);
    assert_int_equal(strlen(got), max);
    assert_int_equal(got[max - 1], 'b');
    free(got);
    free(s);
}

/* A slug is made only to max + 1 bytes, all slug_cut looks at: on a long text every max gives
 * what cutting the whole slug gives (an oracle written here: at max when a '-' or the end
 * follows, else at the last '-' before it, else at max). */
static void test_slug_made_only_as_far_as_max(void **state)
{
    (void)state;
    char *s = repeat("Ánh  Tuyết, Sở Tài chính - ", 2000);
    char *full = text_slug(s, SIZE_MAX);
    assert_true(strlen(full) > 40000);
    for (size_t max = 0; max < 64; max++) {
        size_t want = max;
        if (full[max] != '-') {
            while (want > 0 && full[want - 1] != '-')
                want--;
            want = want ? want - 1 : max;
        }
        char *got = text_slug(s, max);
        assert_int_equal(strlen(got), want);
        assert_memory_equal(got, full, want);
        free(got);
    }
    free(full);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_has_134_letters),
        cmocka_unit_test(test_nfc_toned_from_nfd_canonical),
        cmocka_unit_test(test_nfc_toned_from_nfd_reversed),
        cmocka_unit_test(test_nfc_toned_windows1258),
        cmocka_unit_test(test_nfc_untoned_modified),
        cmocka_unit_test(test_nfc_precomposed_unchanged),
        cmocka_unit_test(test_nfc_macos_names),
        cmocka_unit_test(test_nfc_windows1258_words),
        cmocka_unit_test(test_nfc_uncomposable_kept),
        cmocka_unit_test(test_nfc_tone_mark_singleton),
        cmocka_unit_test(test_nfc_invalid_bytes_replaced),
        cmocka_unit_test(test_utf8_valid_accepts),
        cmocka_unit_test(test_utf8_valid_overlong),
        cmocka_unit_test(test_utf8_valid_surrogate_and_range),
        cmocka_unit_test(test_utf8_valid_truncated),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_utf8_put),
        cmocka_unit_test(test_utf8_count),
        cmocka_unit_test(test_fold_key),
        cmocka_unit_test(test_fold_every_letter),
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_slug_max_cut),
        cmocka_unit_test(test_upper),
        cmocka_unit_test(test_lower_and_capital),
        cmocka_unit_test(test_text_max_covers_every_reader),
        cmocka_unit_test(test_growth_worst_case),
        cmocka_unit_test(test_input_past_max_cut_at_a_character),
        cmocka_unit_test(test_slug_made_only_as_far_as_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
