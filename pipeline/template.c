/* template: loading form templates (FORMS.md) with libxml2 and filling their placeholders. */
#include "template.h"

#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "text.h"
#include "xmlcheck.h"

/* ---- loading ---- */

static double attr_num(const xmlNode *n, const char *name, double dflt)
{
    char *s = xmlcheck_attr(n, name, NULL);
    double v = dflt;
    if (s) {
        char *end = NULL;
        double d = strtod(s, &end);
        if (end != s && d >= 0 && d < 10000)
            v = d;
    }
    free(s);
    return v;
}

static int attr_yes(const xmlNode *n, const char *name, int dflt)
{
    char *s = xmlcheck_attr(n, name, NULL);
    int v = s ? (strcmp(s, "yes") == 0 || strcmp(s, "1") == 0) : dflt;
    free(s);
    return v;
}

static void add_span(tpara *p, const char *text, int bold, int italic)
{
    p->spans = xrealloc(p->spans, (p->nspans + 1) * sizeof *p->spans);
    p->spans[p->nspans].text = text_nfc(text);
    p->spans[p->nspans].bold = bold;
    p->spans[p->nspans].italic = italic;
    p->nspans++;
}

static void load_spans(tpara *p, const xmlNode *n, int bold, int italic)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            add_span(p, (const char *)c->content, bold, italic);
        else if (xmlcheck_is_elem(c, "b"))
            load_spans(p, c, 1, italic);
        else if (xmlcheck_is_elem(c, "i"))
            load_spans(p, c, bold, 1);
        else if (xmlcheck_is_elem(c, "br"))
            add_span(p, "\n", bold, italic);
    }
}

static void load_para(tpara *p, const xmlNode *n)
{
    static const char *const aligns[] = {"left", "center", "right", "justify"};
    static const char *const rules[] = {"none", "full", "third"};
    memset(p, 0, sizeof *p);
    char *al = xmlcheck_attr(n, "align", "left"), *ru = xmlcheck_attr(n, "rule", "none");
    for (int i = 0; i < 4; i++)
        if (strcmp(al, aligns[i]) == 0)
            p->align = (talign)i;
    for (int i = 0; i < 3; i++)
        if (strcmp(ru, rules[i]) == 0)
            p->rule = (trule)i;
    free(al);
    free(ru);
    p->size = attr_num(n, "size", 0);
    p->indent = attr_num(n, "indent", 0);
    p->before = attr_num(n, "space-before", 0);
    p->after = attr_num(n, "space-after", 0);
    p->keep_with_next = attr_yes(n, "keep-with-next", 0);
    load_spans(p, n, attr_yes(n, "bold", 0), attr_yes(n, "italic", 0));
}

static tblock *new_block(tblock **arr, size_t *n, tblock_kind kind)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    tblock *b = &(*arr)[(*n)++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static int load_blocks(tblock **arr, size_t *n, const xmlNode *parent, char *err, size_t errlen);

static tcolumn *add_col(tblock *b)
{
    b->cols = xrealloc(b->cols, (b->ncols + 1) * sizeof *b->cols);
    tcolumn *c = &b->cols[b->ncols++];
    memset(c, 0, sizeof *c);
    return c;
}

static int load_columns(tblock *b, const xmlNode *n, char *err, size_t errlen)
{
    b->keep = attr_yes(n, "keep", 0);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!xmlcheck_is_elem(c, "col"))
            continue;
        tcolumn *col = add_col(b);
        col->width = attr_num(c, "width", 50);
        if (load_blocks(&col->blocks, &col->nblocks, c, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* A table column's width comes from its content (layout.h); the template may only bound it.
 * A relative width="N" of an older template would be silently wrong: it is refused. */
static int load_table(tblock *b, const xmlNode *n, char *err, size_t errlen)
{
    b->size = attr_num(n, "size", 0);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!xmlcheck_is_elem(c, "col"))
            continue;
        if (xmlHasProp(c, (const xmlChar *)"width")) {
            snprintf(err, errlen,
                     "line %ld: a table <col> takes no width (columns size themselves); "
                     "use min-width, max-width or fixed-width in mm",
                     (long)xmlGetLineNo(c));
            return -1;
        }
        tcolumn *col = add_col(b);
        col->min_width = attr_num(c, "min-width", 0);
        col->max_width = attr_num(c, "max-width", 0);
        col->fixed_width = attr_num(c, "fixed-width", 0);
        col->nowrap = (int)attr_num(c, "nowrap", 0);
        col->head = xmlcheck_attr(c, "head", "");
        load_para(&col->cell, c);
    }
    return 0;
}

static int load_blocks(tblock **arr, size_t *n, const xmlNode *parent, char *err, size_t errlen)
{
    for (const xmlNode *e = parent->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        tblock *b;
        if (xmlcheck_is_elem(e, "p")) {
            b = new_block(arr, n, TB_PARA);
            load_para(&b->para, e);
        } else if (xmlcheck_is_elem(e, "columns")) {
            b = new_block(arr, n, TB_COLUMNS);
            if (load_columns(b, e, err, errlen) < 0)
                return -1;
        } else if (xmlcheck_is_elem(e, "table")) {
            b = new_block(arr, n, TB_TABLE);
            if (load_table(b, e, err, errlen) < 0)
                return -1;
        } else if (xmlcheck_is_elem(e, "space")) {
            b = new_block(arr, n, TB_SPACE);
            b->height = attr_num(e, "height", 6);
        } else {
            snprintf(err, errlen, "line %ld: unknown element <%s>", (long)xmlGetLineNo(e),
                     (const char *)e->name);
            return -1;
        }
        if (b->kind == TB_PARA || b->kind == TB_TABLE)
            b->when = xmlcheck_attr(e, "when", NULL);
        if (b->kind == TB_TABLE)
            b->rows = xmlcheck_attr(e, "rows", NULL);
        if (b->kind != TB_PARA) { /* a paragraph keeps its spacing in its tpara */
            b->before = attr_num(e, "space-before", 0);
            b->after = attr_num(e, "space-after", 0);
        }
    }
    return 0;
}

/* The schema beside the template (templates/form.xsd), when there is one. */
static int check_schema(xmlDoc *doc, const char *path, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    char *schema = xasprintf("%.*sform.xsd", slash ? (int)(slash - path + 1) : 0, path);
    long line = 0;
    char why[300];
    int rc = access(schema, R_OK) == 0 ? xmlcheck_validate(doc, schema, &line, why, sizeof why) : 0;
    if (rc)
        snprintf(err, errlen, "%s:%ld: the template does not follow %s: %s", path, line, schema,
                 why);
    free(schema);
    return rc ? -1 : 0;
}

template *template_load(const char *path, char *err, size_t errlen)
{
    xmlDoc *doc = xmlcheck_read_file_root(path, "form", err, errlen);
    if (!doc)
        return NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    template *t = NULL;
    if (check_schema(doc, path, err, errlen) < 0)
        goto out;
    t = xcalloc(1, sizeof *t);
    t->id = xmlcheck_attr(root, "id", "");
    t->title = xmlcheck_attr(root, "title", "");
    t->subject = xmlcheck_attr(root, "subject", "");
    t->type = xmlcheck_attr(root, "type", "");
    t->signer = xmlcheck_attr(root, "signer", "");
    t->blank = xmlcheck_attr(root, "blank", "..............................");
    t->size = attr_num(root, "size", 13);
    t->line_height = attr_num(root, "line-height", 1.2);
    static const char *const margins[4] = {"margin-top", "margin-right", "margin-bottom",
                                           "margin-left"};
    static const double dflt[4] = {20, 15, 20, 30}; /* NĐ 30/2020 Phụ lục I */
    for (int i = 0; i < 4; i++)
        t->margin[i] = attr_num(root, margins[i], dflt[i]);
    t->page_numbers = attr_yes(root, "page-numbers", 1);
    char sub[200];
    if (load_blocks(&t->blocks, &t->nblocks, root, sub, sizeof sub) < 0) {
        snprintf(err, errlen, "%s: %s", path, sub);
        template_free(t);
        t = NULL;
    }
out:
    xmlFreeDoc(doc);
    return t;
}

/* ---- freeing ---- */

static void para_release(tpara *p)
{
    for (size_t i = 0; i < p->nspans; i++)
        free(p->spans[i].text);
    free(p->spans);
}

static void blocks_free(tblock *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        para_release(&b[i].para);
        for (size_t c = 0; c < b[i].ncols; c++) {
            blocks_free(b[i].cols[c].blocks, b[i].cols[c].nblocks);
            free(b[i].cols[c].head);
            para_release(&b[i].cols[c].cell);
        }
        for (size_t r = 0; r < b[i].nrows; r++) {
            for (size_t c = 0; c < b[i].ncols; c++)
                free(b[i].cells[r][c]);
            free(b[i].cells[r]);
        }
        free(b[i].cells);
        free(b[i].cols);
        free(b[i].when);
        free(b[i].rows);
    }
    free(b);
}

void template_free(template *t)
{
    if (!t)
        return;
    blocks_free(t->blocks, t->nblocks);
    free(t->id), free(t->title), free(t->subject), free(t->blank);
    free(t->type), free(t->signer);
    free(t);
}

/* ---- filling ---- */

typedef struct filler {
    const tdata *d;
    size_t row; /* SIZE_MAX: document level */
    const char *blank;
    char *scratch; /* the last answer that had to be made */
} filler;

static const char *fill_lookup(void *p, const char *name)
{
    filler *f = p;
    char key[128];
    const char *bar = strchr(name, '|');
    size_t klen = bar ? (size_t)(bar - name) : strlen(name);
    if (klen >= sizeof key)
        return NULL;
    memcpy(key, name, klen);
    key[klen] = '\0';
    const char *v =
        f->row == SIZE_MAX ? f->d->doc(f->d->ctx, key) : f->d->row(f->d->ctx, f->row, key);
    if (!v)
        return NULL;
    if (str_empty(v))
        return bar && strcmp(bar + 1, "opt") == 0 ? "" : f->blank;
    if (bar && strcmp(bar + 1, "upper") == 0) {
        free(f->scratch);
        f->scratch = text_upper(v);
        return f->scratch;
    }
    date d;
    char day[11];
    snprintf(day, sizeof day, "%s", v); /* "2026-11-21T00:00:00": the date part */
    if (bar && strcmp(bar + 1, "ngay") == 0 &&
        (date_parse(v, &d) == DATE_OK ||
         (strlen(v) > 10 && v[10] == 'T' && date_parse(day, &d) == DATE_OK))) {
        free(f->scratch);
        f->scratch = xmalloc(16);
        date_format_vn(d, f->scratch); /* NĐ 30/2020: 05/01/2027 */
        return f->scratch;
    }
    return v;
}

/* A template text filled in. One longer than STR_EXPAND_MAX (far more than a page holds, so
 * layout could not place it anyway) prints as the form's blank: never a cut text. */
static char *expand(filler *f, const char *s)
{
    char *out = str_expand(s, fill_lookup, f);
    free(f->scratch);
    f->scratch = NULL;
    return out ? out : xstrdup(f->blank);
}

static void fill_para(tpara *dst, const tpara *src, filler *f)
{
    *dst = *src;
    dst->spans = xcalloc(src->nspans ? src->nspans : 1, sizeof *dst->spans);
    int optional = 0, empty = 1;
    for (size_t i = 0; i < src->nspans; i++) {
        dst->spans[i] = src->spans[i];
        dst->spans[i].text = expand(f, src->spans[i].text);
        optional |= strstr(src->spans[i].text, "|opt}") != NULL;
        empty &= str_empty(dst->spans[i].text);
    }
    dst->omit = optional && empty;
}

/* A cell's text: its spans, expanded for one row. */
static char *fill_cell(const tpara *cell, filler *f)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < cell->nspans; i++) {
        char *s = expand(f, cell->spans[i].text);
        buf_puts(&b, s);
        free(s);
    }
    char *out = str_trim_dup(buf_str(&b));
    buf_release(&b);
    return out;
}

static tblock *fill_blocks(const tblock *src, size_t n, filler *f);

/* The rows a table lists: all, or those its rows="NAME" value "FIRST COUNT" names. */
static void table_range(const tblock *src, const filler *f, size_t *first, size_t *count)
{
    *first = 0;
    *count = f->d->nrows;
    if (!src->rows)
        return;
    const char *v = f->d->doc(f->d->ctx, src->rows);
    unsigned long long a = 0, n = 0;
    char *end = NULL;
    if (v) {
        a = strtoull(v, &end, 10);
        n = end && end != v ? strtoull(end, NULL, 10) : 0;
    }
    *first = a < f->d->nrows ? (size_t)a : f->d->nrows;
    *count = n < f->d->nrows - *first ? (size_t)n : f->d->nrows - *first;
}

/* 1 when a block's when="NAME" holds: the value is set, non-empty and not "0". */
static int when_holds(const char *when, const filler *f)
{
    if (!when)
        return 1;
    const char *v = f->d->doc(f->d->ctx, when);
    return v && !str_empty(v) && strcmp(v, "0") != 0;
}

static void fill_table(tblock *dst, const tblock *src, filler *f)
{
    size_t first, count;
    table_range(src, f, &first, &count);
    dst->first = first;
    dst->nrows = count;
    dst->cells = xcalloc(dst->nrows ? dst->nrows : 1, sizeof *dst->cells);
    filler rowf = {f->d, 0, "", NULL};
    for (size_t r = 0; r < dst->nrows; r++) {
        rowf.row = first + r;
        dst->cells[r] = xcalloc(src->ncols ? src->ncols : 1, sizeof *dst->cells[r]);
        for (size_t c = 0; c < src->ncols; c++)
            dst->cells[r][c] = fill_cell(&src->cols[c].cell, &rowf);
    }
}

static tblock *fill_blocks(const tblock *src, size_t n, filler *f)
{
    tblock *out = xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i] = src[i];
        fill_para(&out[i].para, &src[i].para, f);
        out[i].cols = xcalloc(src[i].ncols ? src[i].ncols : 1, sizeof *out[i].cols);
        for (size_t c = 0; c < src[i].ncols; c++) {
            const tcolumn *sc = &src[i].cols[c];
            tcolumn *dc = &out[i].cols[c];
            *dc = *sc;
            dc->blocks = fill_blocks(sc->blocks, sc->nblocks, f);
            dc->head = sc->head ? expand(f, sc->head) : NULL;
            fill_para(&dc->cell, &sc->cell, f);
        }
        out[i].cells = NULL;
        out[i].nrows = 0;
        out[i].when = out[i].rows = NULL; /* the source's, not needed once filled */
        out[i].omit = !when_holds(src[i].when, f);
        if (src[i].kind == TB_TABLE && !out[i].omit) {
            fill_table(&out[i], &src[i], f);
            out[i].omit = src[i].rows && out[i].nrows == 0;
        }
        if (out[i].omit && src[i].kind == TB_PARA)
            out[i].para.omit = 1;
    }
    return out;
}

template *template_fill(const template *t, const tdata *d)
{
    filler f = {d, SIZE_MAX, t->blank, NULL};
    template *o = xcalloc(1, sizeof *o);
    *o = *t;
    o->id = xstrdup(t->id);
    o->title = expand(&f, t->title);
    o->subject = expand(&f, t->subject);
    o->type = expand(&f, t->type);
    o->signer = expand(&f, t->signer);
    o->blank = xstrdup(t->blank);
    o->blocks = fill_blocks(t->blocks, t->nblocks, &f);
    return o;
}
