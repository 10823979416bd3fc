/* layout: line breaking, justification, tables across pages and pagination of a filled form
 * tree into a display list (FORMS.md "Layout rules", "Typesetting details"). Works in two
 * passes: blocks become boxes (a paragraph line, a group of columns, a table row) with
 * items positioned relative to the box top; then boxes are placed on pages. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define MM (72.0 / 25.4)
#define A4_W 595.276
#define A4_H 841.89
#define CELL_PAD_X LAYOUT_CELL_PAD_X
#define CELL_PAD_Y 1.5
#define TABLE_STROKE 0.5
#define RULE_STROKE 0.6

/* ---- boxes ---- */

typedef struct box {
    dl_item *items; /* y measured downwards from the box top */
    size_t n, cap;
    double h, before, after;
    int keep_with_prev;
    long header; /* table rows: index of the header box to repeat, else -1 */
} box;

typedef struct boxlist {
    box *b;
    size_t n, cap;
} boxlist;

static box *boxes_add(boxlist *l)
{
    l->b = xgrow(l->b, &l->cap, l->n + 1, sizeof *l->b);
    box *b = &l->b[l->n++];
    memset(b, 0, sizeof *b);
    b->header = -1;
    return b;
}

static void box_release(box *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->items[i].text);
    free(b->items);
    b->items = NULL;
    b->n = b->cap = 0; /* released twice is released once */
}

static void boxes_release(boxlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        box_release(&l->b[i]);
    free(l->b);
}

static dl_item *item_add(dl_item **items, size_t *n, size_t *cap)
{
    *items = xgrow(*items, cap, *n + 1, sizeof **items);
    dl_item *it = &(*items)[(*n)++];
    memset(it, 0, sizeof *it);
    return it;
}

static void box_text(box *b, int face, double size, double x, double y, const char *s, size_t len)
{
    dl_item *it = item_add(&b->items, &b->n, &b->cap);
    it->kind = DL_TEXT;
    it->face = face;
    it->size = size;
    it->x = x;
    it->y = y;
    it->text = xstrndup(s, len);
}

static void box_line(box *b, double x, double y, double x2, double y2, double stroke)
{
    dl_item *it = item_add(&b->items, &b->n, &b->cap);
    it->kind = DL_LINE;
    it->size = stroke;
    it->x = x, it->y = y, it->x2 = x2, it->y2 = y2;
}

/* Copies src's items into dst, moved down by dy. */
static void box_merge(box *dst, const box *src, double dy)
{
    for (size_t i = 0; i < src->n; i++) {
        dl_item *it = item_add(&dst->items, &dst->n, &dst->cap);
        *it = src->items[i];
        it->y += dy;
        it->y2 += dy;
        it->text = src->items[i].text ? xstrdup(src->items[i].text) : NULL;
    }
}

/* ---- words ---- */

typedef struct piece {
    const char *s;
    size_t len;
    int face;
    double w;
} piece;

typedef struct word {
    size_t first, n; /* pieces; n == 0 is a forced line break */
    double w;
} word;

typedef struct words {
    piece *p;
    size_t np, pcap;
    word *w;
    size_t nw, wcap;
} words;

typedef struct lctx {
    const fontset *fs;
    double size, lh; /* font size and line height, pt */
} lctx;

static int face_of(int bold, int italic)
{
    return (bold ? FACE_BOLD : FACE_REGULAR) | (italic ? FACE_ITALIC : 0);
}

static double measure(const lctx *c, int face, const char *s, size_t len)
{
    return font_text_width(c->fs->face[face], s, len, c->size);
}

static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static word *word_open(words *ws)
{
    ws->w = xgrow(ws->w, &ws->wcap, ws->nw + 1, sizeof *ws->w);
    word *w = &ws->w[ws->nw++];
    w->first = ws->np;
    w->n = 0;
    w->w = 0;
    return w;
}

static void piece_add(words *ws, const lctx *c, const char *s, size_t len, int face)
{
    ws->p = xgrow(ws->p, &ws->pcap, ws->np + 1, sizeof *ws->p);
    ws->p[ws->np++] = (piece){s, len, face, measure(c, face, s, len)};
}

/* Splits the spans into words of pieces; a word may run across spans of other styles. */
static void words_build(words *ws, const lctx *c, const tspan *spans, size_t nspans)
{
    int open = 0; /* the last word still takes pieces */
    for (size_t i = 0; i < nspans; i++) {
        const char *s = spans[i].text;
        int face = face_of(spans[i].bold, spans[i].italic);
        if (strcmp(s, "\n") == 0) {
            word_open(ws); /* n == 0: forced break */
            open = 0;
            continue;
        }
        while (*s) {
            if (is_ws(*s)) {
                open = 0;
                s++;
                continue;
            }
            size_t len = 0;
            while (s[len] && !is_ws(s[len]))
                len++;
            word *w = open ? &ws->w[ws->nw - 1] : word_open(ws);
            piece_add(ws, c, s, len, face);
            w->n++;
            w->w += ws->p[ws->np - 1].w;
            open = 1;
            s += len;
        }
    }
}

/* A word wider than maxw is cut between code points into words that fit (FORMS.md: nothing
 * clipped). Rebuilds the list with such words split. */
/* Cuts a one-style word into chunks that fit maxw, each ending, where it can, just after
 * the last '@', '.', '/', '-' or '_' that fits: "tuyetnta@" / "angiang.gov.vn" rather than
 * "tuyetnta@angiang.gov.v" / "n". */
static void split_at_punctuation(words *out, const lctx *c, const piece *p, double maxw)
{
    const char *start = p->s, *end = p->s + p->len;
    while (start < end) {
        const char *q = start, *fit = start, *brk = NULL;
        double wsum = 0;
        while (q < end) {
            const char *cp = q;
            text_utf8_next(&q, end);
            double cw = measure(c, p->face, cp, (size_t)(q - cp));
            if (wsum + cw > maxw && fit > start)
                break;
            wsum += cw;
            fit = q;
            if (strchr("@./-_", *cp))
                brk = q;
        }
        const char *cut = fit < end && brk && brk < fit ? brk : fit;
        word *nw = word_open(out);
        piece_add(out, c, start, (size_t)(cut - start), p->face);
        nw->n = 1;
        nw->w = out->p[out->np - 1].w;
        start = cut;
    }
}

/* 1 when no word of ws is wider than maxw: nothing to split. */
static int words_fit(const words *ws, double maxw)
{
    for (size_t i = 0; i < ws->nw; i++)
        if (ws->w[i].w > maxw)
            return 0;
    return 1;
}

static void words_split_wide(words *ws, const lctx *c, double maxw)
{
    if (words_fit(ws, maxw))
        return; /* the common case: the list stands as it is */
    words out = {0};
    for (size_t i = 0; i < ws->nw; i++) {
        const word *w = &ws->w[i];
        if (w->w > maxw && w->n == 1) {
            split_at_punctuation(&out, c, &ws->p[w->first], maxw);
            continue;
        }
        if (w->w <= maxw || w->n == 0) {
            word *nw = word_open(&out);
            for (size_t k = 0; k < w->n; k++) {
                const piece *p = &ws->p[w->first + k];
                piece_add(&out, c, p->s, p->len, p->face);
                nw->n++;
            }
            nw->w = w->w;
            continue;
        }
        word *cur = word_open(&out);
        for (size_t k = 0; k < w->n; k++) {
            const piece *p = &ws->p[w->first + k];
            const char *q = p->s, *end = p->s + p->len;
            while (q < end) {
                const char *start = q;
                text_utf8_next(&q, end);
                double cw = measure(c, p->face, start, (size_t)(q - start));
                if (cur->n && cur->w + cw > maxw) {
                    cur = word_open(&out);
                }
                /* extend the last piece of this word when it is the same source run */
                piece *last = cur->n ? &out.p[out.np - 1] : NULL;
                if (last && last->s + last->len == start && last->face == p->face) {
                    last->len += (size_t)(q - start);
                    last->w += cw;
                } else {
                    piece_add(&out, c, start, (size_t)(q - start), p->face);
                    cur->n++;
                }
                cur->w += cw;
            }
        }
    }
    free(ws->p);
    free(ws->w);
    *ws = out;
}

/* ---- lines ---- */

typedef struct line {
    size_t first, n; /* words */
    double w;        /* natural width, one space between words */
    int last;        /* last line of the paragraph or before a forced break */
} line;

static double space_w(const lctx *c)
{
    return measure(c, FACE_REGULAR, " ", 1);
}

/* Greedy line filling. Returns the lines (caller frees) and their count in *n. */
static line *break_lines(const words *ws, const lctx *c, double width, double indent, size_t *n)
{
    line *lines = NULL;
    size_t cap = 0;
    *n = 0;
    double sp = space_w(c);
    size_t i = 0;
    while (i < ws->nw) {
        double avail = width - (*n == 0 ? indent : 0);
        line ln = {i, 0, 0, 0};
        while (i < ws->nw) {
            if (ws->w[i].n == 0) {
                i++;
                ln.last = 1;
                break;
            }
            double add = (ln.n ? sp : 0) + ws->w[i].w;
            if (ln.n && ln.w + add > avail + 1e-6)
                break;
            ln.w += add;
            ln.n++;
            i++;
        }
        if (i >= ws->nw)
            ln.last = 1;
        lines = xgrow(lines, &cap, *n + 1, sizeof *lines);
        lines[(*n)++] = ln;
    }
    return lines;
}

static double baseline_offset(const lctx *c)
{
    const font *f = c->fs->face[FACE_REGULAR];
    double upm = font_units_per_em(f);
    double asc = font_ascent(f) / upm * c->size, desc = -font_descent(f) / upm * c->size;
    return (c->lh - (asc + desc)) / 2 + asc;
}

/* Emits one line's words as text runs: one run per stretch of one face, spaces inside the
 * run, unless the line is justified, where every word is placed by position. */
static void emit_line(box *b, const words *ws, const line *ln, const lctx *c, double x, double gap,
                      int by_word)
{
    double y = baseline_offset(c);
    double sp = space_w(c);
    buf run;
    buf_init(&run, 0);
    int run_face = -1;
    double run_x = x;
    for (size_t k = 0; k < ln->n; k++) {
        const word *w = &ws->w[ln->first + k];
        if (k > 0) {
            if (by_word || run_face != ws->p[w->first].face) {
                if (run.len)
                    box_text(b, run_face, c->size, run_x, y, buf_str(&run), run.len);
                buf_reset(&run);
                run_face = -1;
            } else {
                buf_putc(&run, ' ');
            }
            x += gap ? gap : sp;
        }
        for (size_t j = 0; j < w->n; j++) {
            const piece *p = &ws->p[w->first + j];
            if (run_face != p->face) {
                if (run.len)
                    box_text(b, run_face, c->size, run_x, y, buf_str(&run), run.len);
                buf_reset(&run);
                run_face = p->face;
                run_x = x;
            }
            buf_append(&run, p->s, p->len);
            x += p->w;
        }
    }
    if (run.len)
        box_text(b, run_face, c->size, run_x, y, buf_str(&run), run.len);
    buf_release(&run);
}

static void set_lines(const tpara *p, const words *ws, const lctx *c, double x0, double width,
                      boxlist *out);

/* Lays out a paragraph between x0 and x0 + width: one box per line appended to out. */
static void para_lines(const tpara *p, const lctx *c, double x0, double width, boxlist *out)
{
    words ws = {0};
    words_build(&ws, c, p->spans, p->nspans);
    words_split_wide(&ws, c, width - p->indent * MM);
    set_lines(p, &ws, c, x0, width, out);
    free(ws.p);
    free(ws.w);
}

/* Sets words already measured (ws, which holds no word wider than the first line) as the
 * paragraph p's lines: one box per line appended to out. */
static void set_lines(const tpara *p, const words *ws, const lctx *c, double x0, double width,
                      boxlist *out)
{
    double indent = p->indent * MM;
    size_t nl = 0;
    line *lines = break_lines(ws, c, width, indent, &nl);
    double sp = space_w(c);
    for (size_t i = 0; i < nl; i++) {
        const line *ln = &lines[i];
        double avail = width - (i == 0 ? indent : 0), x = x0 + (i == 0 ? indent : 0);
        double gap = 0;
        if (p->align == AL_CENTER)
            x += (avail - ln->w) / 2;
        else if (p->align == AL_RIGHT)
            x += avail - ln->w;
        else if (p->align == AL_JUSTIFY && !ln->last && ln->n > 1)
            gap = sp + (avail - ln->w) / (double)(ln->n - 1);
        box *b = boxes_add(out);
        b->h = c->lh;
        emit_line(b, ws, ln, c, x, gap, gap != 0);
        if (i + 1 == nl && p->rule != RULE_NONE) {
            double rw = p->rule == RULE_FULL ? ln->w : ln->w * 0.4;
            /* below the descenders and the dots below (ạ, Ị): NĐ 30/2020 wants a clear rule */
            double desc = -font_descent(c->fs->face[FACE_REGULAR]) /
                          (double)font_units_per_em(c->fs->face[FACE_REGULAR]) * c->size;
            double cx = x + ln->w / 2, ry = baseline_offset(c) + desc + 2;
            box_line(b, cx - rw / 2, ry, cx + rw / 2, ry, RULE_STROKE);
            b->h = ry + 3 > b->h ? ry + 3 : b->h;
        }
    }
    if (nl == 0) { /* an empty paragraph still takes its line */
        box *b = boxes_add(out);
        b->h = c->lh;
    }
    free(lines);
}

/* ---- blocks ---- */

typedef struct frame {
    const template *t;
    const fontset *fs;
    double x0, width; /* text area */
} frame;

static lctx ctx_for(const frame *f, double size)
{
    double s = size > 0 ? size : f->t->size;
    return (lctx){f->fs, s, s * f->t->line_height};
}

/* Stacks a list of blocks (paragraphs and spaces) into one box: a column's content. */
static double stack_blocks(const frame *f, const tblock *blocks, size_t n, double x0, double width,
                           box *dst)
{
    double y = 0;
    for (size_t i = 0; i < n; i++) {
        const tblock *b = &blocks[i];
        if (b->omit && b->kind != TB_PARA)
            continue; /* its condition does not hold */
        y += b->before + (b->kind == TB_PARA ? b->para.before : 0);
        if (b->kind == TB_SPACE) {
            y += b->height;
            continue;
        }
        if (b->kind != TB_PARA || b->para.omit)
            continue;
        lctx c = ctx_for(f, b->para.size);
        boxlist lines = {0};
        para_lines(&b->para, &c, x0, width, &lines);
        for (size_t k = 0; k < lines.n; k++) {
            box_merge(dst, &lines.b[k], y);
            y += lines.b[k].h;
        }
        boxes_release(&lines);
        y += b->after + b->para.after;
    }
    return y;
}

static void add_columns(const frame *f, const tblock *b, boxlist *out)
{
    box tmp = {0};
    double x = f->x0, h = 0;
    for (size_t i = 0; i < b->ncols; i++) {
        double w = f->width * b->cols[i].width / 100.0;
        double ch = stack_blocks(f, b->cols[i].blocks, b->cols[i].nblocks, x, w, &tmp);
        h = ch > h ? ch : h;
        x += w;
    }
    box *dst = boxes_add(out);
    *dst = tmp;
    dst->header = -1;
    dst->h = h;
    dst->before = b->before;
    dst->after = b->after;
    dst->keep_with_prev = b->keep;
}

/* ---- table column widths ----
 *
 * In the spirit of CSS automatic table layout (CSS 2.1 §17.5.2.2): each column has a
 * minimum, its longest word, and a preferred width, its longest cell unwrapped, both
 * measured with the fonts over every row (header included) before any page is made, so a
 * table keeps its widths on every page. Every column gets its minimum first: no word is cut
 * while the table can hold them all, an e-mail, a serial or a date included. The width left
 * over goes, step by step, to the column and width that remove the most lines per point:
 * first the table's height (the tallest cell of each row), then the lines of every cell;
 * what no longer removes a line is shared in proportion. Every cell remembers the width of
 * each of its line counts within the table's width (a 17-word note set one word per line
 * included), so a tall cell is always within reach of a step. When even the minima do not
 * fit, columns of sentences give way first (down to a syllable), then the widest single
 * words, so a 46-digit serial is cut before a date, an e-mail or the STT.
 * Each cell is measured once: its words are kept and laid out from the same measures. */

#define NEED_LEVELS 48 /* line counts remembered per cell, from its fewest in the table's width */
#define GROW_STEPS 256 /* bounded: what is left after that is shared in proportion */
#define HEIGHT_WEIGHT 1024.0

static size_t nonzero(size_t n)
{
    return n ? n : 1;
}

typedef struct cellm {
    size_t wfirst, nw; /* the cell's words in the table's word list */
    double maxword;    /* its widest word */
    double nat;        /* its natural width: one line (per forced break) */
    unsigned first;    /* its fewest lines within the table's width */
    unsigned nneed;    /* need levels remembered, 1 .. NEED_LEVELS */
    size_t nfirst;     /* m->need[nfirst + j]: the narrowest width that sets it in first + j
                        * lines; the last one is its widest word */
} cellm;

typedef struct tablem {
    size_t nrows, ncols; /* rows include the header, row 0 */
    words ws;            /* every cell's words, measured once */
    cellm *cells;        /* nrows x ncols */
    double sp;           /* a space */
    double maxw;         /* the widest a column's content can be: the table's width */
    double *need;        /* every cell's need levels */
    size_t nneed, needcap;
} tablem;

/* How many lines greedy filling (break_lines) gives n words within width; a word wider than
 * width is cut into pieces of that width (words_split_wide), counted as such. */
static unsigned count_lines(const word *w, size_t n, double sp, double width)
{
    unsigned lines = 0;
    double cur = -1; /* width of the open line, -1 when none is open */
    for (size_t i = 0; i < n; i++) {
        double ww = w[i].w;
        if (w[i].n == 0) { /* a forced break closes the line, or makes an empty one */
            lines += cur < 0;
            cur = -1;
        } else if (ww > width + 1e-6) {
            double pieces = width > 0 ? ceil(ww / width - 1e-9) : 1;
            lines += (unsigned)pieces;
            cur = ww - (pieces - 1) * width;
        } else if (cur >= 0 && cur + sp + ww <= width + 1e-6) {
            cur += sp + ww;
        } else {
            lines++;
            cur = ww;
        }
    }
    return lines ? lines : 1;
}

static unsigned cell_count(const tablem *m, const cellm *c, double width)
{
    return count_lines(&m->ws.w[c->wfirst], c->nw, m->sp, width);
}

/* Lines of a cell at a width, from what was measured; counted again only outside the
 * widths remembered (below the narrowest, above the table's width). */
static unsigned cell_lines(const tablem *m, const cellm *c, double width)
{
    if (width >= c->nat - 1e-6)
        return 1;
    if (width > m->maxw + 1e-6)
        return cell_count(m, c, width);
    const double *need = &m->need[c->nfirst];
    for (unsigned j = 0; j < c->nneed; j++)
        if (width >= need[j] - 1e-6)
            return c->first + j;
    return cell_count(m, c, width);
}

/* The narrowest width in [lo, hi] (to 0.01 pt) that sets the cell in at most `lines` lines,
 * given count(hi) <= lines < count(lo). Greedy filling never takes more lines in a wider
 * column, so a bisection finds it. */
static double cell_bisect(const tablem *m, const cellm *c, unsigned lines, double lo, double hi)
{
    while (hi - lo > 0.01) {
        double mid = (lo + hi) / 2;
        if (cell_count(m, c, mid) <= lines)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The need levels of one cell: from its fewest lines within the table's width, for each
 * count of lines the narrowest width, down to its widest word or NEED_LEVELS counts. A
 * cell taller than that at its column's minimum is bisected again when a step needs it
 * (best_step). */
static void cell_measure(tablem *m, cellm *c)
{
    const word *w = &m->ws.w[c->wfirst];
    double nat = 0, cur = 0;
    c->maxword = 0;
    for (size_t i = 0; i < c->nw; i++) {
        if (w[i].n == 0) {
            cur = 0;
            continue;
        }
        cur += (cur > 0 ? m->sp : 0) + w[i].w;
        nat = cur > nat ? cur : nat;
        c->maxword = w[i].w > c->maxword ? w[i].w : c->maxword;
    }
    c->nat = nat;
    double top = nat < m->maxw ? nat : m->maxw;
    top = top > c->maxword ? top : c->maxword;
    c->first = cell_count(m, c, top);
    c->nfirst = m->nneed;
    c->nneed = 0;
    unsigned at_word = cell_count(m, c, c->maxword);
    for (unsigned k = c->first; c->nneed < NEED_LEVELS; k++) {
        double hi = c->nneed ? m->need[m->nneed - 1] : top;
        double at = at_word <= k ? c->maxword : cell_bisect(m, c, k, c->maxword, hi);
        if (c->nneed == 0 && k == 1)
            at = nat; /* one line: exactly its natural width */
        m->need = xgrow(m->need, &m->needcap, m->nneed + 1, sizeof *m->need);
        m->need[m->nneed++] = at;
        c->nneed++;
        if (at_word <= k)
            break;
    }
}

/* The words of every cell of b (the header row first), measured once, for a table `width`
 * wide (padding included). */
static void table_measure(const lctx *c, const tblock *b, double width, tablem *m)
{
    m->nrows = b->nrows + 1;
    m->ncols = b->ncols;
    m->cells = xcalloc(nonzero(m->nrows * m->ncols), sizeof *m->cells);
    m->sp = space_w(c);
    m->maxw = width - 2 * CELL_PAD_X * (double)b->ncols;
    m->maxw = m->maxw > 0 ? m->maxw : 0;
    for (size_t r = 0; r < m->nrows; r++) {
        for (size_t i = 0; i < m->ncols; i++) {
            const tpara *cell = &b->cols[i].cell;
            int header = r == 0;
            const char *text =
                header ? (b->cols[i].head ? b->cols[i].head : "") : b->cells[r - 1][i];
            tspan span = {(char *)text, header || (cell->nspans && cell->spans[0].bold),
                          !header && cell->nspans && cell->spans[0].italic, NULL};
            cellm *cm = &m->cells[r * m->ncols + i];
            cm->wfirst = m->ws.nw;
            words_build(&m->ws, c, &span, 1);
            cm->nw = m->ws.nw - cm->wfirst;
            cell_measure(m, cm);
        }
    }
}

static void table_measure_release(tablem *m)
{
    free(m->ws.p);
    free(m->ws.w);
    free(m->cells);
    free(m->need);
}

/* What one column may take: lo, its minimum; hi, beyond which it gains nothing or is not
 * allowed to go; fixed, set by the template. Content widths, without the cell padding. */
typedef struct colrange {
    double lo, hi;
    double word;      /* its longest word: what a nowrap column gives way down to */
    int fixed, words; /* words: some cell holds more than one word (a name, a sentence) */
} colrange;

static void col_ranges(const tablem *m, const tcolumn *cols, colrange *cr)
{
    for (size_t i = 0; i < m->ncols; i++) {
        double lo = 0, hi = 0, one = 0;
        int many = 0;
        for (size_t r = 0; r < m->nrows; r++) {
            const cellm *c = &m->cells[r * m->ncols + i];
            lo = c->maxword > lo ? c->maxword : lo;
            hi = c->nat > hi ? c->nat : hi;
            if (r > 0 && c->nw <= (size_t)cols[i].nowrap && c->nat > one)
                one = c->nat;
            many |= r > 0 && c->nw > 1;
        }
        double pad = 2 * CELL_PAD_X;
        cr[i] = (colrange){one > lo ? one : lo, hi, lo, 0, many};
        if (cols[i].fixed_width > 0) {
            cr[i].lo = cr[i].hi = cols[i].fixed_width * MM - pad;
            cr[i].fixed = 1;
            continue;
        }
        if (cols[i].min_width > 0 && cols[i].min_width * MM - pad > cr[i].lo)
            cr[i].lo = cols[i].min_width * MM - pad;
        if (cols[i].max_width > 0 && cols[i].max_width * MM - pad < cr[i].hi)
            cr[i].hi = cols[i].max_width * MM - pad; /* a word longer than the maximum wins */
        if (cr[i].hi < cr[i].lo)
            cr[i].hi = cr[i].lo;
    }
}

/* A nowrap column gives way first, down to its longest word, in proportion to what each
 * can give; returns what could not be taken. */
static double unwrap(double *w, const colrange *cr, size_t n, double excess)
{
    double can = 0;
    for (size_t i = 0; i < n; i++)
        can += cr[i].fixed ? 0 : w[i] - cr[i].word;
    double take = excess < can ? excess : can;
    for (size_t i = 0; i < n && take > 0; i++)
        if (!cr[i].fixed)
            w[i] -= (w[i] - cr[i].word) * take / can;
    return excess - (take > 0 ? take : 0);
}

/* Takes `excess` off the columns not fixed (only those holding more than one word, with
 * words_only), in proportion to what each can give above its floor; returns what could not
 * be taken. */
static double shrink(double *w, const colrange *cr, size_t n, double excess, int words_only,
                     double floor)
{
    double can = 0;
    for (size_t i = 0; i < n; i++)
        if (!cr[i].fixed && (!words_only || cr[i].words) && w[i] > floor)
            can += w[i] - floor;
    if (can <= 0)
        return excess;
    double take = excess < can ? excess : can;
    for (size_t i = 0; i < n; i++)
        if (!cr[i].fixed && (!words_only || cr[i].words) && w[i] > floor)
            w[i] -= (w[i] - floor) * take / can;
    return excess - take;
}

/* Takes `excess` off the widest columns not fixed (only those holding more than one word,
 * with words_only) by lowering them all to one level, not below floor: the longest word is
 * cut first, a short one last. Returns what could not be taken. */
static double level_down(double *w, const colrange *cr, size_t n, double excess, int words_only,
                         double floor)
{
    double top = floor, can = 0;
    for (size_t i = 0; i < n; i++)
        if (!cr[i].fixed && (!words_only || cr[i].words) && w[i] > floor) {
            top = w[i] > top ? w[i] : top;
            can += w[i] - floor;
        }
    if (can <= 0 || excess <= 0)
        return excess;
    double level = floor;
    if (excess < can) { /* the level that takes exactly excess: bisected, n is small */
        double lo = floor, hi = top;
        for (int k = 0; k < 60; k++) {
            double mid = (lo + hi) / 2, took = 0;
            for (size_t i = 0; i < n; i++)
                if (!cr[i].fixed && (!words_only || cr[i].words) && w[i] > mid)
                    took += w[i] - mid;
            if (took > excess)
                lo = mid;
            else
                hi = mid;
        }
        level = hi;
    }
    double took = 0;
    for (size_t i = 0; i < n; i++)
        if (!cr[i].fixed && (!words_only || cr[i].words) && w[i] > level) {
            took += w[i] - level;
            w[i] = level;
        }
    return excess - took > 0 ? excess - took : 0;
}

/* Shares `spare` among the columns below their hi, in proportion to what each lacks, then
 * among all that are not fixed (the table fills its width); returns what is left. */
static double share(double *w, const colrange *cr, size_t n, double spare)
{
    for (int round = 0; round < 2 && spare > 1e-9; round++) {
        double lack = 0;
        for (size_t i = 0; i < n; i++)
            if (!cr[i].fixed)
                lack += round ? w[i] : cr[i].hi - w[i];
        if (lack <= 1e-9)
            continue;
        double give = round || spare < lack ? spare : lack;
        for (size_t i = 0; i < n; i++)
            if (!cr[i].fixed)
                w[i] += (round ? w[i] : cr[i].hi - w[i]) * give / lack;
        spare -= give;
    }
    return spare;
}

typedef struct event {
    double at;   /* the column's width where it happens */
    double gain; /* height and lines removed there */
} event;

static int event_cmp(const void *a, const void *b)
{
    double x = ((const event *)a)->at, y = ((const event *)b)->at;
    return x < y ? -1 : x > y;
}

/* The best step of column i: the width up to i's hi and spare beyond w[i] where the lines
 * it removes per point are most. Returns the gain per point (0: none), the width in *to.
 * lines[] holds every cell's lines at w, rowmax[r] and second[r] the two tallest cells of
 * row r (second: the tallest but for argmax[r]). */
static double best_step(const tablem *m, size_t i, const double *w, const colrange *cr,
                        double spare, const unsigned *lines, const unsigned *rowmax,
                        const unsigned *second, const size_t *argmax, event *ev, double *to)
{
    size_t nev = 0;
    double limit = w[i] + spare < cr[i].hi ? w[i] + spare : cr[i].hi;
    for (size_t r = 0; r < m->nrows; r++) {
        const cellm *c = &m->cells[r * m->ncols + i];
        unsigned now = lines[r * m->ncols + i];
        unsigned other = argmax[r] == i ? second[r] : rowmax[r];
        const double *need = &m->need[c->nfirst];
        unsigned deepest = c->first + c->nneed - 1; /* the most lines remembered */
        int beyond = 0;                             /* events taken below the remembered widths */
        while (now > 1 && now - 1 >= c->first) {
            /* the widths where this cell loses a line, while they are in reach; taller than
             * remembered: one line fewer, found now, then the deepest remembered */
            unsigned lv = now - 1 <= deepest ? now - 1 : beyond ? deepest : now - 1;
            double at = lv <= deepest ? need[lv - c->first]
                                      : cell_bisect(m, c, lv, w[i], need[c->nneed - 1]);
            beyond |= lv > deepest;
            if (at > limit + 1e-9)
                break;
            double h0 = now > other ? now : other, h1 = lv > other ? lv : other;
            ev[nev++] = (event){at, HEIGHT_WEIGHT * (h0 - h1) + (double)(now - lv)};
            now = lv;
        }
    }
    qsort(ev, nev, sizeof *ev, event_cmp);
    double best = 0, sum = 0;
    for (size_t e = 0; e < nev; e++) {
        sum += ev[e].gain;
        if (e + 1 < nev && ev[e + 1].at <= ev[e].at)
            continue; /* all that happens at one width counts together */
        double step = ev[e].at - w[i];
        double rate = sum / (step > 0.01 ? step : 0.01);
        if (rate > best) {
            best = rate;
            *to = ev[e].at > w[i] ? ev[e].at : w[i];
        }
    }
    return best;
}

/* Grows columns from their minima, the best step first, while a step removes a line. */
static double grow(const tablem *m, double *w, const colrange *cr, double spare)
{
    size_t n = m->ncols, R = m->nrows;
    unsigned *lines = xcalloc(nonzero(R * n), sizeof *lines);
    unsigned *rowmax = xcalloc(nonzero(R), sizeof *rowmax);
    unsigned *second = xcalloc(nonzero(R), sizeof *second);
    size_t *argmax = xcalloc(nonzero(R), sizeof *argmax);
    event *ev = xcalloc(nonzero(R * (NEED_LEVELS + 2)), sizeof *ev);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < R; r++)
            lines[r * n + i] = cell_lines(m, &m->cells[r * n + i], w[i]);
    for (int step = 0; step < GROW_STEPS && spare > 0.01; step++) {
        for (size_t r = 0; r < R; r++) {
            rowmax[r] = second[r] = 0;
            argmax[r] = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned l = lines[r * n + i];
                if (l > rowmax[r]) {
                    second[r] = rowmax[r];
                    rowmax[r] = l;
                    argmax[r] = i;
                } else if (l > second[r]) {
                    second[r] = l;
                }
            }
        }
        double best = 0, to = 0;
        size_t col = n;
        for (size_t i = 0; i < n; i++) {
            if (cr[i].fixed || w[i] >= cr[i].hi - 1e-9)
                continue;
            double t = 0,
                   rate = best_step(m, i, w, cr, spare, lines, rowmax, second, argmax, ev, &t);
            if (rate > best + 1e-9) {
                best = rate;
                to = t;
                col = i;
            }
        }
        if (col == n)
            break;
        spare -= to - w[col];
        w[col] = to;
        for (size_t r = 0; r < R; r++)
            lines[r * n + col] = cell_lines(m, &m->cells[r * n + col], w[col]);
    }
    free(lines);
    free(rowmax);
    free(second);
    free(argmax);
    free(ev);
    return spare < 0 ? 0 : spare;
}

/* The columns' widths (padding included) filling `width`. */
static void table_widths(const tablem *m, const tcolumn *cols, double width, double *colw)
{
    size_t n = m->ncols;
    colrange *cr = xcalloc(n ? n : 1, sizeof *cr);
    col_ranges(m, cols, cr);
    double avail = width - 2 * CELL_PAD_X * (double)n, sum = 0;
    for (size_t i = 0; i < n; i++) {
        colw[i] = cr[i].lo;
        sum += colw[i];
    }
    if (sum > avail) { /* even the longest words do not fit: sentences give way first */
        double excess = sum - avail, em = m->sp * 4;
        excess = unwrap(colw, cr, n, excess);
        /* the sentences' words, down to 4 em (a syllable like "Nguyễn" or "Trường" stays
         * whole); then the widest single words, a long serial before an e-mail, a date or
         * the STT; then all, to an em, then to nothing */
        excess = level_down(colw, cr, n, excess, 1, 4 * em);
        excess = level_down(colw, cr, n, excess, 0, 4 * em);
        excess = level_down(colw, cr, n, excess, 0, em);
        excess = shrink(colw, cr, n, excess, 0, 0);
        for (size_t i = 0; i < n && excess > 1e-6; i++) /* fixed columns too wide: scaled */
            colw[i] *= avail > 0 && sum > 0 ? avail / (avail + excess) : 0;
    } else {
        double spare = grow(m, colw, cr, avail - sum);
        share(colw, cr, n, spare);
    }
    for (size_t i = 0; i < n; i++)
        colw[i] += 2 * CELL_PAD_X;
    free(cr);
}

/* One table row, its cells' words measured already (row r of m; r == 0 the header): each
 * cell wrapped in its column; borders drawn around every cell. */
static void table_row(const frame *f, const tblock *b, const tablem *m, size_t r,
                      const double *colw, box *dst)
{
    lctx c = ctx_for(f, b->size);
    double x = f->x0, h = 0;
    box tmp = {0};
    for (size_t i = 0; i < b->ncols; i++) {
        const tpara *cell = &b->cols[i].cell;
        tpara p = {NULL, 0, r == 0 ? AL_CENTER : cell->align, 0, 0, 0, 0, RULE_NONE, 0, 0};
        const cellm *cm = &m->cells[r * m->ncols + i];
        words view = {m->ws.p, m->ws.np, 0, (word *)&m->ws.w[cm->wfirst], cm->nw, 0};
        double inner = colw[i] - 2 * CELL_PAD_X;
        boxlist lines = {0};
        if (words_fit(&view, inner)) {
            set_lines(&p, &view, &c, x + CELL_PAD_X, inner, &lines);
        } else { /* a word wider than its column: cut, in a list of its own */
            words own = {0};
            for (size_t k = 0; k < view.nw; k++) {
                word *nw = word_open(&own);
                *nw = view.w[k];
                nw->first = own.np;
                for (size_t j = 0; j < view.w[k].n; j++) {
                    own.p = xgrow(own.p, &own.pcap, own.np + 1, sizeof *own.p);
                    own.p[own.np++] = view.p[view.w[k].first + j];
                }
            }
            words_split_wide(&own, &c, inner);
            set_lines(&p, &own, &c, x + CELL_PAD_X, inner, &lines);
            free(own.p);
            free(own.w);
        }
        double y = CELL_PAD_Y;
        for (size_t k = 0; k < lines.n; k++) {
            box_merge(&tmp, &lines.b[k], y);
            y += lines.b[k].h;
        }
        boxes_release(&lines);
        h = y + CELL_PAD_Y > h ? y + CELL_PAD_Y : h;
        x += colw[i];
    }
    box_line(&tmp, f->x0, 0, x, 0, TABLE_STROKE);
    box_line(&tmp, f->x0, h, x, h, TABLE_STROKE);
    double vx = f->x0;
    for (size_t i = 0; i <= b->ncols; i++) {
        box_line(&tmp, vx, 0, vx, h, TABLE_STROKE);
        if (i < b->ncols)
            vx += colw[i];
    }
    tmp.h = h;
    tmp.header = -1;
    *dst = tmp;
}

static void add_table(const frame *f, const tblock *b, boxlist *out)
{
    lctx c = ctx_for(f, b->size);
    tablem m = {0};
    table_measure(&c, b, f->width, &m);
    double *colw = xcalloc(b->ncols ? b->ncols : 1, sizeof *colw);
    table_widths(&m, b->cols, f->width, colw);
    long hidx = (long)out->n;
    box *hb = boxes_add(out);
    table_row(f, b, &m, 0, colw, hb);
    out->b[hidx].before = b->before;
    for (size_t r = 0; r < b->nrows; r++) {
        box *rb = boxes_add(out);
        table_row(f, b, &m, r + 1, colw, rb);
        rb->header = hidx;
        /* the first row stays with the header */
        rb->keep_with_prev = r == 0;
    }
    if (b->nrows)
        out->b[out->n - 1].after = b->after;
    free(colw);
    table_measure_release(&m);
}

static void add_para(const frame *f, const tblock *b, boxlist *out)
{
    if (b->para.omit)
        return;
    lctx c = ctx_for(f, b->para.size);
    size_t first = out->n;
    para_lines(&b->para, &c, f->x0, f->width, out);
    out->b[first].before = b->before + b->para.before;
    out->b[out->n - 1].after = b->after + b->para.after;
    for (size_t i = first + 1; i < out->n; i++)
        out->b[i].keep_with_prev = 0;
}

static void build_boxes(const frame *f, boxlist *out)
{
    int keep_next = 0; /* the previous paragraph asked to stay with what follows it */
    for (size_t i = 0; i < f->t->nblocks; i++) {
        const tblock *b = &f->t->blocks[i];
        size_t first = out->n;
        if (b->omit && b->kind != TB_PARA) /* template.h: when unset, or a table with no row */
            continue;
        if (b->kind == TB_PARA)
            add_para(f, b, out);
        else if (b->kind == TB_COLUMNS)
            add_columns(f, b, out);
        else if (b->kind == TB_TABLE)
            add_table(f, b, out);
        else {
            box *sb = boxes_add(out);
            sb->h = b->height;
            sb->before = b->before;
            sb->after = b->after;
        }
        if (keep_next && out->n > first)
            out->b[first].keep_with_prev = 1;
        if (!(b->kind == TB_PARA && b->para.omit))
            keep_next = b->kind == TB_PARA && b->para.keep_with_next;
    }
}

/* ---- pagination ---- */

typedef struct placed {
    size_t page, start; /* where its items begin on that page */
    long box;
} placed;

typedef struct pager {
    display *d;
    double top, bottom; /* y limits measured from the page top */
    double y;           /* next free y on the current page */
    placed last;        /* the box placed last */
    int has_last;
} pager;

static dl_page *new_page(pager *pg)
{
    display *d = pg->d;
    if (d->npages) { /* the page before is done: its items take only their room */
        dl_page *last = &d->pages[d->npages - 1];
        if (last->n && last->cap > last->n) {
            last->items = xrealloc(last->items, last->n * sizeof *last->items);
            last->cap = last->n;
        }
    }
    d->pages = xgrow(d->pages, &d->cap, d->npages + 1, sizeof *d->pages);
    dl_page *p = &d->pages[d->npages++];
    memset(p, 0, sizeof *p);
    pg->y = pg->top;
    return p;
}

static void place(pager *pg, const box *b, long idx, double y)
{
    dl_page *p = &pg->d->pages[pg->d->npages - 1];
    pg->last = (placed){pg->d->npages - 1, p->n, idx};
    pg->has_last = 1;
    for (size_t i = 0; i < b->n; i++) {
        dl_item *it = item_add(&p->items, &p->n, &p->cap);
        *it = b->items[i];
        it->text = b->items[i].text ? xstrdup(b->items[i].text) : NULL;
        it->y = pg->d->height - (y + b->items[i].y);
        it->y2 = pg->d->height - (y + b->items[i].y2);
    }
    pg->y = y + b->h;
}

/* Takes the last placed box off its page (to move it along with a kept box). */
static void unplace_last(pager *pg)
{
    dl_page *p = &pg->d->pages[pg->last.page];
    for (size_t i = pg->last.start; i < p->n; i++)
        free(p->items[i].text);
    p->n = pg->last.start;
    pg->has_last = 0;
}

/* A table's header box: the next box names it as the header it repeats. */
static int is_header(const boxlist *bl, size_t k)
{
    return k + 1 < bl->n && bl->b[k + 1].header == (long)k;
}

/* Lays the boxes out on pages. A box placed for good gives its items back at once (the page
 * holds a copy): only the last one may still be pulled onto the next page, and table
 * headers are placed again on every page, so those two are kept. A 170-page letter then
 * holds its pages, not its pages and all its boxes. */
static int paginate(pager *pg, boxlist *bl, char *err, size_t errlen)
{
    double usable = pg->bottom - pg->top;
    new_page(pg);
    for (size_t i = 0; i < bl->n; i++) {
        const box *b = &bl->b[i];
        double before = pg->y > pg->top ? b->before : 0;
        /* a table row may need its header repeated above it on a fresh page */
        double need = b->h + (b->header >= 0 && (long)i != b->header + 1 ? bl->b[b->header].h : 0);
        if (need > usable + 1e-6) {
            snprintf(err, errlen,
                     "Một khối nội dung (dòng bảng hoặc chữ ký) cao hơn một trang "
                     "giấy; hãy rút gọn nội dung của yêu cầu.");
            return -1;
        }
        if (pg->y + before + b->h > pg->bottom + 1e-6) {
            /* keep a kept box with what precedes it: move that along if it heads nothing */
            int pull = b->keep_with_prev && pg->has_last && pg->last.start > 0 &&
                       pg->last.page == pg->d->npages - 1;
            long prev = pg->last.box;
            if (pull)
                unplace_last(pg);
            new_page(pg);
            if (pull && bl->b[prev].header >= 0 && bl->b[prev].header != prev - 1)
                place(pg, &bl->b[bl->b[prev].header], bl->b[prev].header, pg->y);
            before = 0;
            if (pull) {
                /* the pulled box keeps its spacing to the kept one */
                place(pg, &bl->b[prev], prev, pg->y);
                pg->y += bl->b[prev].after;
                before = b->before;
            } else if (b->header >= 0 && (long)i != b->header + 1) {
                place(pg, &bl->b[b->header], b->header, pg->y);
            }
        }
        place(pg, b, (long)i, pg->y + before);
        pg->y += b->after;
        if (i > 0 && !is_header(bl, i - 1) && pg->last.box == (long)i)
            box_release(&bl->b[i - 1]);
    }
    return 0;
}

static void number_pages(const template *t, const fontset *fs, display *d)
{
    for (size_t i = 1; i < d->npages; i++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        double size = t->size;
        double w = font_text_width(fs->face[FACE_REGULAR], num, strlen(num), size);
        dl_page *p = &d->pages[i];
        dl_item *it = item_add(&p->items, &p->n, &p->cap);
        it->kind = DL_TEXT;
        it->face = FACE_REGULAR;
        it->size = size;
        it->x = (d->width - w) / 2;
        it->y = d->height - t->margin[0] * MM / 2 - size / 3;
        it->text = xstrdup(num);
    }
}

int layout_document(const template *t, const fontset *fs, display *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->width = A4_W;
    out->height = A4_H;
    frame f = {t, fs, t->margin[3] * MM, A4_W - (t->margin[1] + t->margin[3]) * MM};
    boxlist bl = {0};
    build_boxes(&f, &bl);
    pager pg = {out, t->margin[0] * MM, A4_H - t->margin[2] * MM, 0, {0, 0, 0}, 0};
    int rc = paginate(&pg, &bl, err, errlen);
    if (rc == 0 && t->page_numbers)
        number_pages(t, fs, out);
    boxes_release(&bl);
    return rc;
}

void display_release(display *d)
{
    for (size_t i = 0; i < d->npages; i++) {
        for (size_t k = 0; k < d->pages[i].n; k++)
            free(d->pages[i].items[k].text);
        free(d->pages[i].items);
    }
    free(d->pages);
    memset(d, 0, sizeof *d);
}

size_t layout_break_widths(const font *f, double size, const char *text, double width,
                           double *widths, size_t max)
{
    fontset fs = {{(font *)f, (font *)f, (font *)f, (font *)f}};
    lctx c = {&fs, size, size * 1.2};
    tspan span = {(char *)text, 0, 0, NULL};
    words ws = {0};
    words_build(&ws, &c, &span, 1);
    words_split_wide(&ws, &c, width);
    size_t n = 0;
    line *lines = break_lines(&ws, &c, width, 0, &n);
    for (size_t i = 0; i < n && i < max; i++)
        widths[i] = lines[i].w;
    free(lines);
    free(ws.p);
    free(ws.w);
    return n;
}

void layout_table_widths(const fontset *fs, double size, const char *const *cells, size_t nrows,
                         size_t ncols, double width, double *out)
{
    tblock b = {0};
    b.ncols = ncols;
    b.nrows = nrows ? nrows - 1 : 0;
    b.cols = xcalloc(nonzero(ncols), sizeof *b.cols);
    b.cells = xcalloc(nonzero(b.nrows), sizeof *b.cells);
    for (size_t i = 0; i < ncols; i++)
        b.cols[i].head = (char *)cells[i];
    for (size_t r = 0; r < b.nrows; r++)
        b.cells[r] = (char **)&cells[(r + 1) * ncols];
    lctx c = {fs, size, size * 1.2};
    tablem m = {0};
    table_measure(&c, &b, width, &m);
    table_widths(&m, b.cols, width, out);
    table_measure_release(&m);
    free(b.cols);
    free(b.cells);
}
