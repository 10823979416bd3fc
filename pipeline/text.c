/* text: strict UTF-8, NFC composition for Vietnamese, key folding, ASCII slugs, upper case.
 *
 * Rules: UTF-8 is RFC 3629 (no overlong forms, no surrogates, nothing above U+10FFFF).
 * NFC is Unicode Standard Annex #15 (canonical decomposition, canonical ordering by
 * combining class, canonical composition with blocking), restricted to the letters
 * Vietnamese uses: the 134 precomposed vowels of Latin-1, Latin Extended-A/B and Latin
 * Extended Additional (U+1EA0-U+1EF9), whose decompositions are data in vowel_table.
 * Canonical combining classes come from UnicodeData.txt for U+0300-U+036F; other marks
 * count as class 0 and precomposed letters outside the table are left as they are.
 * ROSTER.md asks for NFC of every value; FORMS.md says only precomposed letters may reach
 * the renderer. Malformed input bytes come out as U+FFFD so every result is valid UTF-8. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#define REPLACEMENT_CHAR 0xFFFDu

enum { TONE_NONE, TONE_GRAVE, TONE_ACUTE, TONE_TILDE, TONE_HOOK, TONE_DOT, TONE_COUNT };

/* The five Vietnamese tone marks, by the tone index used in vowel_table. */
static const uint32_t tone_mark[TONE_COUNT] = {0, 0x0300, 0x0301, 0x0303, 0x0309, 0x0323};

/* One vowel with an optional modifier mark (circumflex U+0302, breve U+0306, horn U+031B),
 * in both cases, untoned at index TONE_NONE and then with each tone. */
struct vowel_row {
    char base;
    uint32_t modifier;
    uint32_t upper[TONE_COUNT];
    uint32_t lower[TONE_COUNT];
};

/* clang-format off */
static const struct vowel_row vowel_table[] = {
    {'a', 0, {'A', 0xC0, 0xC1, 0xC3, 0x1EA2, 0x1EA0}, {'a', 0xE0, 0xE1, 0xE3, 0x1EA3, 0x1EA1}},
    {'a', 0x0306, {0x102, 0x1EB0, 0x1EAE, 0x1EB4, 0x1EB2, 0x1EB6},
     {0x103, 0x1EB1, 0x1EAF, 0x1EB5, 0x1EB3, 0x1EB7}},
    {'a', 0x0302, {0xC2, 0x1EA6, 0x1EA4, 0x1EAA, 0x1EA8, 0x1EAC},
     {0xE2, 0x1EA7, 0x1EA5, 0x1EAB, 0x1EA9, 0x1EAD}},
    {'e', 0, {'E', 0xC8, 0xC9, 0x1EBC, 0x1EBA, 0x1EB8}, {'e', 0xE8, 0xE9, 0x1EBD, 0x1EBB, 0x1EB9}},
    {'e', 0x0302, {0xCA, 0x1EC0, 0x1EBE, 0x1EC4, 0x1EC2, 0x1EC6},
     {0xEA, 0x1EC1, 0x1EBF, 0x1EC5, 0x1EC3, 0x1EC7}},
    {'i', 0, {'I', 0xCC, 0xCD, 0x128, 0x1EC8, 0x1ECA}, {'i', 0xEC, 0xED, 0x129, 0x1EC9, 0x1ECB}},
    {'o', 0, {'O', 0xD2, 0xD3, 0xD5, 0x1ECE, 0x1ECC}, {'o', 0xF2, 0xF3, 0xF5, 0x1ECF, 0x1ECD}},
    {'o', 0x0302, {0xD4, 0x1ED2, 0x1ED0, 0x1ED6, 0x1ED4, 0x1ED8},
     {0xF4, 0x1ED3, 0x1ED1, 0x1ED7, 0x1ED5, 0x1ED9}},
    {'o', 0x031B, {0x1A0, 0x1EDC, 0x1EDA, 0x1EE0, 0x1EDE, 0x1EE2},
     {0x1A1, 0x1EDD, 0x1EDB, 0x1EE1, 0x1EDF, 0x1EE3}},
    {'u', 0, {'U', 0xD9, 0xDA, 0x168, 0x1EE6, 0x1EE4}, {'u', 0xF9, 0xFA, 0x169, 0x1EE7, 0x1EE5}},
    {'u', 0x031B, {0x1AF, 0x1EEA, 0x1EE8, 0x1EEE, 0x1EEC, 0x1EF0},
     {0x1B0, 0x1EEB, 0x1EE9, 0x1EEF, 0x1EED, 0x1EF1}},
    {'y', 0, {'Y', 0x1EF2, 0xDD, 0x1EF8, 0x1EF6, 0x1EF4},
     {'y', 0x1EF3, 0xFD, 0x1EF9, 0x1EF7, 0x1EF5}},
};
/* clang-format on */

#define VOWEL_ROWS (sizeof vowel_table / sizeof vowel_table[0])

/* Letters with no decomposition that still fold to an ASCII letter and change case. */
struct plain_letter {
    uint32_t upper;
    uint32_t lower;
    char ascii;
};

static const struct plain_letter plain_table[] = {
    {0x110, 0x111, 'd'}, /* Đ đ */
};

#define PLAIN_ROWS (sizeof plain_table / sizeof plain_table[0])

/* Canonical combining classes of U+0300-U+036F (UnicodeData.txt field 3), as ranges. */
struct ccc_range {
    uint32_t first;
    uint32_t last;
    unsigned char ccc;
};

static const struct ccc_range ccc_table[] = {
    {0x300, 0x314, 230}, {0x315, 0x315, 232}, {0x316, 0x319, 220}, {0x31A, 0x31A, 232},
    {0x31B, 0x31B, 216}, {0x31C, 0x320, 220}, {0x321, 0x322, 202}, {0x323, 0x326, 220},
    {0x327, 0x328, 202}, {0x329, 0x333, 220}, {0x334, 0x338, 1},   {0x339, 0x33C, 220},
    {0x33D, 0x344, 230}, {0x345, 0x345, 240}, {0x346, 0x346, 230}, {0x347, 0x349, 220},
    {0x34A, 0x34C, 230}, {0x34D, 0x34E, 220}, {0x350, 0x352, 230}, {0x353, 0x356, 220},
    {0x357, 0x357, 230}, {0x358, 0x358, 232}, {0x359, 0x35A, 220}, {0x35B, 0x35B, 230},
    {0x35C, 0x35C, 233}, {0x35D, 0x35E, 234}, {0x35F, 0x35F, 233}, {0x360, 0x361, 234},
    {0x362, 0x362, 233}, {0x363, 0x36F, 230},
};

/* Marks that NFC never keeps: their canonical decompositions (UnicodeData.txt). U+0340 and
 * U+0341 are the grave and acute "tone marks" some old Vietnamese software wrote. */
struct mark_singleton {
    uint32_t mark;
    uint32_t to[2];
};

static const struct mark_singleton singleton_table[] = {
    {0x340, {0x300, 0}},
    {0x341, {0x301, 0}},
    {0x343, {0x313, 0}},
    {0x344, {0x308, 0x301}},
};

static int ccc_of(uint32_t cp)
{
    if (cp < 0x300 || cp > 0x36F)
        return 0;
    for (size_t i = 0; i < sizeof ccc_table / sizeof ccc_table[0]; i++)
        if (cp >= ccc_table[i].first && cp <= ccc_table[i].last)
            return ccc_table[i].ccc;
    return 0;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ascii_upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Finds a precomposed (non-ASCII) vowel. Returns 1 and its row, tone and case, else 0. */
static int vowel_find(uint32_t cp, const struct vowel_row **row, int *tone, int *is_upper)
{
    if (cp < 0xC0 || (cp > 0x1B0 && cp < 0x1EA0) || cp > 0x1EF9)
        return 0;
    for (size_t r = 0; r < VOWEL_ROWS; r++) {
        for (int t = 0; t < TONE_COUNT; t++) {
            if (vowel_table[r].upper[t] != cp && vowel_table[r].lower[t] != cp)
                continue;
            *row = &vowel_table[r];
            *tone = t;
            *is_upper = vowel_table[r].upper[t] == cp;
            return 1;
        }
    }
    return 0;
}

static const struct plain_letter *plain_find(uint32_t cp)
{
    for (size_t i = 0; i < PLAIN_ROWS; i++)
        if (plain_table[i].upper == cp || plain_table[i].lower == cp)
            return &plain_table[i];
    return NULL;
}

/* The marks of a table letter in canonical order: a stable sort by combining class, so the
 * horn (216) goes before a tone, the dot below (220) before a circumflex or breve, and two
 * marks of class 230 keep the modifier first, as UnicodeData.txt decomposes them. */
static size_t vowel_marks(const struct vowel_row *r, int tone, uint32_t marks[2])
{
    size_t n = 0;
    if (r->modifier)
        marks[n++] = r->modifier;
    if (tone != TONE_NONE)
        marks[n++] = tone_mark[tone];
    if (n == 2 && ccc_of(marks[1]) < ccc_of(marks[0])) {
        uint32_t m = marks[0];
        marks[0] = marks[1];
        marks[1] = m;
    }
    return n;
}

/* The precomposed letter that is exactly base + marks (canonical order), or 0. */
static uint32_t vowel_compose(uint32_t base, const uint32_t *marks, size_t n)
{
    if (base > 0x7F)
        return 0;
    for (size_t r = 0; r < VOWEL_ROWS; r++) {
        if (vowel_table[r].base != ascii_lower((int)base))
            continue;
        for (int t = 0; t < TONE_COUNT; t++) {
            uint32_t m[2];
            if (vowel_marks(&vowel_table[r], t, m) != n || memcmp(m, marks, n * sizeof *m))
                continue;
            int lower = (int)base == vowel_table[r].base;
            return lower ? vowel_table[r].lower[t] : vowel_table[r].upper[t];
        }
    }
    return 0;
}

/* A growable array of code points, the working form of text_nfc. */
struct cpvec {
    uint32_t *v;
    size_t len;
    size_t cap;
};

static void cpvec_push(struct cpvec *cv, uint32_t cp)
{
    cv->v = xgrow(cv->v, &cv->cap, cv->len + 1, sizeof *cv->v);
    cv->v[cv->len++] = cp;
}

/* Pushes the full canonical decomposition of cp (UAX #15 step 1, for the table letters). */
static void push_decomposed(struct cpvec *cv, uint32_t cp)
{
    const struct vowel_row *row;
    int tone, is_upper;
    if (vowel_find(cp, &row, &tone, &is_upper)) {
        uint32_t marks[2];
        size_t n = vowel_marks(row, tone, marks);
        cpvec_push(cv, (uint32_t)(is_upper ? ascii_upper(row->base) : row->base));
        for (size_t i = 0; i < n; i++)
            cpvec_push(cv, marks[i]);
        return;
    }
    for (size_t i = 0; i < sizeof singleton_table / sizeof singleton_table[0]; i++) {
        if (singleton_table[i].mark != cp)
            continue;
        cpvec_push(cv, singleton_table[i].to[0]);
        if (singleton_table[i].to[1])
            cpvec_push(cv, singleton_table[i].to[1]);
        return;
    }
    cpvec_push(cv, cp);
}

static void decode_decomposed(const char *s, size_t n, struct cpvec *cv)
{
    const char *end = s + n;
    while (s < end) {
        long cp = text_utf8_next(&s, end);
        push_decomposed(cv, cp < 0 ? REPLACEMENT_CHAR : (uint32_t)cp);
    }
}

/* UAX #15 canonical ordering: a stable insertion sort of each run of marks by class; a
 * mark never moves past a class-0 character. */
/* Unicode's stream-safe limit: no real text has more combining marks on one letter. */
#define MAX_MARKS_IN_A_ROW 30

static void canonical_order(struct cpvec *cv)
{
    size_t run = 0; /* marks since the last starter */
    for (size_t i = 1; i < cv->len; i++) {
        uint32_t c = cv->v[i];
        int cc = ccc_of(c);
        size_t j = i;
        run = cc ? run + 1 : 0;
        /* a longer run is no Vietnamese letter: left as it came, so a hostile value cannot
         * make this insertion sort quadratic */
        if (cc == 0 || run > MAX_MARKS_IN_A_ROW)
            continue;
        while (j > 0 && ccc_of(cv->v[j - 1]) > cc) {
            cv->v[j] = cv->v[j - 1];
            j--;
        }
        cv->v[j] = c;
    }
}

/* The last starter seen while composing, as its base letter plus the marks absorbed. */
struct starter {
    int active;
    size_t pos;
    uint32_t base;
    uint32_t marks[2];
    size_t n;
};

static int starter_absorb(struct starter *st, uint32_t mark, uint32_t *composed)
{
    if (!st->active || st->n == 2)
        return 0;
    st->marks[st->n] = mark;
    uint32_t cp = vowel_compose(st->base, st->marks, st->n + 1);
    if (!cp)
        return 0;
    st->n++;
    *composed = cp;
    return 1;
}

/* UAX #15 canonical composition: a mark joins the last starter unless a mark of the same
 * or higher class stayed between them (then it is blocked). Works in place. */
static void compose(struct cpvec *cv)
{
    struct starter st = {0, 0, 0, {0, 0}, 0};
    int last_cc = 0;
    size_t out = 0;
    for (size_t i = 0; i < cv->len; i++) {
        uint32_t c = cv->v[i], composed;
        int cc = ccc_of(c);
        if (cc != 0 && last_cc < cc && starter_absorb(&st, c, &composed)) {
            cv->v[st.pos] = composed;
            continue;
        }
        if (cc == 0) {
            st.active = 1;
            st.pos = out;
            st.base = c;
            st.n = 0;
        }
        last_cc = cc;
        cv->v[out++] = c;
    }
    cv->len = out;
}

/* A buffer for the result of transforming n input bytes (text.h: TEXT_GROWTH). */
static void buf_init_grown(buf *b, size_t n)
{
    buf_init(b, TEXT_GROWTH * n + 1);
}

/* The part of s the module reads (text.h): all of it, or its first TEXT_MAX_BYTES bytes cut
 * back to the start of a character (a lead byte is followed by at most 3 others). */
static size_t text_len(const char *s)
{
    size_t n = strnlen(s, TEXT_MAX_BYTES + 1);
    if (n <= TEXT_MAX_BYTES)
        return n;
    n = TEXT_MAX_BYTES;
    for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
        n--;
    return n;
}

/* Encodes the composed code points of in_len input bytes. */
static char *cpvec_encode(const struct cpvec *cv, size_t in_len)
{
    buf b;
    buf_init_grown(&b, in_len);
    for (size_t i = 0; i < cv->len; i++)
        (void)text_utf8_put(&b, cv->v[i]); /* full is sticky: checked once, below */
    return buf_detach_whole(&b);
}

/* Decodes the lead byte of a multi-byte sequence: its length, payload bits and the smallest
 * code point that length may carry (to refuse overlong forms). Returns 0 for a bad lead. */
static int utf8_lead(unsigned char c, uint32_t *cp, uint32_t *min)
{
    if (c >= 0xC2 && c <= 0xDF) {
        *cp = c & 0x1Fu;
        *min = 0x80;
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        *cp = c & 0x0Fu;
        *min = 0x800;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        *cp = c & 0x07u;
        *min = 0x10000;
        return 4;
    }
    return 0;
}

long text_utf8_next(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t cp, min;
    if (*p >= end)
        return -1;
    if (s[0] < 0x80) {
        (*p)++;
        return s[0];
    }
    int len = utf8_lead(s[0], &cp, &min);
    if (len == 0 || end - *p < len)
        goto bad;
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            goto bad;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        goto bad;
    *p += len;
    return (long)cp;
bad:
    (*p)++;
    return -1;
}

int text_utf8_valid(const char *s, size_t n, size_t *bad_at)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *at = p;
        if (text_utf8_next(&p, end) < 0) {
            if (bad_at)
                *bad_at = (size_t)(at - s);
            return 0;
        }
    }
    return 1;
}

int text_utf8_put(buf *b, uint32_t cp)
{
    unsigned char out[4];
    size_t n;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        n = 3;
    } else {
        out[0] = (unsigned char)(0xF0 | (cp >> 18));
        n = 4;
    }
    for (size_t k = 1; k < n; k++)
        out[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
    return buf_append(b, out, n);
}

size_t text_utf8_count(const char *s)
{
    const char *end = s + strlen(s);
    size_t count = 0;
    while (s < end) {
        (void)text_utf8_next(&s, end);
        count++;
    }
    return count;
}

/* 1 when s[0..n) may hold a combining mark: a lead byte of U+0300..U+037F (0xCC or 0xCD). */
static int may_combine(const char *s, size_t n)
{
    return memchr(s, 0xCC, n) || memchr(s, 0xCD, n);
}

char *text_nfc(const char *s)
{
    /* Fast path: with no combining mark, valid UTF-8 is already composed as far as this
     * module composes; most roster values are plain ASCII or precomposed text. */
    size_t len = text_len(s);
    if (!may_combine(s, len) && text_utf8_valid(s, len, NULL))
        return xstrndup(s, len);
    struct cpvec cv = {NULL, 0, 0};
    decode_decomposed(s, len, &cv);
    canonical_order(&cv);
    compose(&cv);
    char *out = cpvec_encode(&cv, len);
    free(cv.v);
    return out;
}

/* s[0..n) with every diacritic removed: table letters become their ASCII base, combining
 * marks are dropped, U+00A0 (spreadsheets write it) becomes a space. */
static char *strip_marks(const char *s, size_t n)
{
    const char *end = s + n;
    buf b;
    buf_init_grown(&b, n);
    while (s < end) {
        long cp = text_utf8_next(&s, end);
        const struct vowel_row *row;
        const struct plain_letter *pl;
        int tone, is_upper;
        if (cp < 0)
            cp = REPLACEMENT_CHAR;
        if (ccc_of((uint32_t)cp) != 0)
            continue;
        if (cp == 0xA0)
            cp = ' ';
        else if (vowel_find((uint32_t)cp, &row, &tone, &is_upper))
            cp = is_upper ? ascii_upper(row->base) : row->base;
        else if ((pl = plain_find((uint32_t)cp)) != NULL)
            cp = pl->upper == (uint32_t)cp ? ascii_upper(pl->ascii) : pl->ascii;
        (void)text_utf8_put(&b, (uint32_t)cp);
    }
    return buf_detach_whole(&b);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_key_separator(char c)
{
    return is_space(c) || c == '_' || c == '-';
}

char *text_fold_key(const char *s)
{
    char *plain = strip_marks(s, text_len(s));
    size_t start = 0, stop = strlen(plain);
    while (start < stop && is_space(plain[start]))
        start++;
    while (stop > start && is_space(plain[stop - 1]))
        stop--;
    buf b;
    buf_init(&b, stop - start + 1); /* a byte out per byte in at most */
    for (size_t i = start; i < stop; i++) {
        if (!is_key_separator(plain[i])) {
            (void)buf_putc(&b, (char)ascii_lower(plain[i]));
            continue;
        }
        (void)buf_putc(&b, '_');
        while (i + 1 < stop && is_key_separator(plain[i + 1]))
            i++;
    }
    free(plain);
    return buf_detach_whole(&b);
}

static int is_slug_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Length of a slug cut to at most max bytes, at the last '-' that fits when there is one. */
static size_t slug_cut(const char *slug, size_t len, size_t max)
{
    if (len <= max)
        return len;
    if (slug[max] == '-')
        return max;
    for (size_t k = max; k > 0; k--)
        if (slug[k - 1] == '-')
            return k - 1;
    return max;
}

char *text_slug(const char *s, size_t max)
{
    char *plain = strip_marks(s, text_len(s));
    size_t n = strlen(plain);
    buf b;
    /* the slug is never longer than plain (a byte out per byte in at most), and slug_cut
     * needs only its first max + 1 bytes: the buffer stops there, a prefix of the slug */
    buf_init(&b, (n < max ? n : max) + 1);
    int pending_dash = 0;
    for (const char *p = plain; *p && !b.full; p++) {
        char c = (char)ascii_lower(*p);
        if (!is_slug_char(c)) {
            pending_dash = b.len > 0;
            continue;
        }
        if (pending_dash)
            (void)buf_putc(&b, '-');
        pending_dash = 0;
        (void)buf_putc(&b, c);
    }
    free(plain);
    const char *slug = b.len ? buf_str(&b) : "khong-ten";
    char *out = xstrndup(slug, slug_cut(slug, strlen(slug), max));
    buf_release(&b);
    return out;
}

/* Upper case of one code point: ASCII, the table vowels and đ; anything else unchanged. */
static uint32_t upper_of(uint32_t cp)
{
    const struct vowel_row *row;
    const struct plain_letter *pl;
    int tone, is_upper;
    if (cp < 0x80)
        return (uint32_t)ascii_upper((int)cp);
    if (vowel_find(cp, &row, &tone, &is_upper))
        return row->upper[tone];
    if ((pl = plain_find(cp)) != NULL)
        return pl->upper;
    return cp;
}

/* Lower case of one code point, the mirror of upper_of. */
static uint32_t lower_of(uint32_t cp)
{
    const struct vowel_row *row;
    const struct plain_letter *pl;
    int tone, is_upper;
    if (cp < 0x80)
        return (uint32_t)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    if (vowel_find(cp, &row, &tone, &is_upper))
        return row->lower[tone];
    if ((pl = plain_find(cp)) != NULL)
        return pl->lower;
    return cp;
}

/* s with each code point mapped by f, the first only with `first_only`. */
static char *map_case(const char *s, uint32_t (*f)(uint32_t), int first_only)
{
    size_t len = text_len(s);
    const char *end = s + len;
    buf b;
    buf_init_grown(&b, len);
    for (int first = 1; s < end; first = 0) {
        long cp = text_utf8_next(&s, end);
        uint32_t c = cp < 0 ? REPLACEMENT_CHAR : (uint32_t)cp;
        (void)text_utf8_put(&b, first || !first_only ? f(c) : c);
    }
    return buf_detach_whole(&b);
}

char *text_lower(const char *s)
{
    return map_case(s, lower_of, 0);
}

char *text_capital(const char *s)
{
    return map_case(s, upper_of, 1);
}

char *text_upper(const char *s)
{
    size_t len = text_len(s);
    const char *end = s + len;
    buf b;
    buf_init_grown(&b, len);
    while (s < end) {
        long cp = text_utf8_next(&s, end);
        (void)text_utf8_put(&b, cp < 0 ? REPLACEMENT_CHAR : upper_of((uint32_t)cp));
    }
    return buf_detach_whole(&b);
}
