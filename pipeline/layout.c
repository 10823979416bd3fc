/* layout: line breaking, justification, tables across pages and pagination of a filled form
 * tree into a display list (FORMS.md "Layout rules", "Typesetting details"). Works in two
 * passes: blocks become boxes (a paragraph line, a group of columns, a table row) with
 * items positioned relative to the box top; then boxes are placed on pages. */
#include "layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define MM (72.0 / 25.4)
#define A4_W 595.276
#define A4_H 841.89
#define CELL_PAD_X 2.5
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

static void words_split_wide(words *ws, const lctx *c, double maxw)
{
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

/* Lays out a paragraph between x0 and x0 + width: one box per line appended to out. */
static void para_lines(const tpara *p, const lctx *c, double x0, double width, boxlist *out)
{
    words ws = {0};
    double indent = p->indent * MM;
    words_build(&ws, c, p->spans, p->nspans);
    words_split_wide(&ws, c, width - indent);
    size_t nl = 0;
    line *lines = break_lines(&ws, c, width, indent, &nl);
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
        emit_line(b, &ws, ln, c, x, gap, gap != 0);
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
    free(ws.p);
    free(ws.w);
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

/* One table row: each cell wrapped in its column; borders drawn around every cell. */
static void table_row(const frame *f, const tblock *b, const double *colw, char *const *texts,
                      int header, box *dst)
{
    lctx c = ctx_for(f, b->size);
    double x = f->x0, h = 0;
    box tmp = {0};
    for (size_t i = 0; i < b->ncols; i++) {
        const tpara *cell = &b->cols[i].cell;
        tspan span = {texts[i], header || (cell->nspans && cell->spans[0].bold),
                      !header && cell->nspans && cell->spans[0].italic};
        tpara p = {&span, 1, header ? AL_CENTER : cell->align, 0, 0, 0, 0, RULE_NONE, 0, 0};
        boxlist lines = {0};
        para_lines(&p, &c, x + CELL_PAD_X, colw[i] - 2 * CELL_PAD_X, &lines);
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
    double total = 0;
    double *colw = xcalloc(b->ncols ? b->ncols : 1, sizeof *colw);
    char **heads = xcalloc(b->ncols ? b->ncols : 1, sizeof *heads);
    for (size_t i = 0; i < b->ncols; i++)
        total += b->cols[i].width;
    for (size_t i = 0; i < b->ncols; i++) {
        colw[i] = total > 0 ? f->width * b->cols[i].width / total : 0;
        heads[i] = b->cols[i].head ? b->cols[i].head : "";
    }
    long hidx = (long)out->n;
    box *hb = boxes_add(out);
    table_row(f, b, colw, heads, 1, hb);
    out->b[hidx].before = b->before;
    for (size_t r = 0; r < b->nrows; r++) {
        box *rb = boxes_add(out);
        table_row(f, b, colw, b->cells[r], 0, rb);
        rb->header = hidx;
        /* the first row stays with the header */
        rb->keep_with_prev = r == 0;
    }
    if (b->nrows)
        out->b[out->n - 1].after = b->after;
    free(colw);
    free(heads);
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
    tspan span = {(char *)text, 0, 0};
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
