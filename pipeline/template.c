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

/* ---- the template language: filters and conditions ----
 * A placeholder is {NAME} or {NAME|FILTER|FILTER...}; a condition (when="...") is one or
 * more terms joined by spaces, all of which must hold: NAME (set, not empty, not "0"),
 * !NAME (the opposite), NAME=A,B (one of the values), NAME!=A,B (none of them); a NAME
 * starting "rows." holds when it holds for one of the document's rows. */

static const char *const FILTERS[] = {"opt", "upper", "lower", "capital", "ngay", "chuc_vu"};

static int filter_known(const char *f, size_t n)
{
    for (size_t i = 0; i < sizeof FILTERS / sizeof *FILTERS; i++)
        if (strlen(FILTERS[i]) == n && strncmp(FILTERS[i], f, n) == 0)
            return 1;
    return 0;
}

/* One term of a condition, split: its name, its operator ('\0' for a bare name, '=', or
 * '!' for "!="), its values; negated for "!NAME". Returns -1 when it is malformed. */
typedef struct term {
    char name[128];
    char op;
    int negated, rows;
    const char *values; /* into the term's text: "A,B" */
    size_t vlen;
} term;

static int term_parse(const char *t, size_t len, term *out)
{
    memset(out, 0, sizeof *out);
    if (len && t[0] == '!') {
        out->negated = 1;
        t++, len--;
    }
    size_t n = 0;
    while (n < len && t[n] != '=' && t[n] != '!')
        n++;
    if (n == 0 || n >= sizeof out->name)
        return -1;
    memcpy(out->name, t, n);
    out->name[n] = '\0';
    if (n < len) {
        if (out->negated)
            return -1; /* "!a=b" is written "a!=b" */
        out->op = t[n] == '=' ? '=' : '!';
        n += t[n] == '=' ? 1 : 2;
        if (out->op == '!' && (n > len || t[n - 1] != '='))
            return -1;
        out->values = t + n;
        out->vlen = len - n;
        if (out->vlen == 0)
            return -1;
    }
    out->rows = strncmp(out->name, "rows.", 5) == 0;
    if (out->rows)
        memmove(out->name, out->name + 5, strlen(out->name + 5) + 1);
    for (const char *q = out->name; *q; q++)
        if (!(*q == '_' || *q == '.' || *q == '-' || (*q >= 'a' && *q <= 'z') ||
              (*q >= '0' && *q <= '9')))
            return -1;
    return out->name[0] ? 0 : -1;
}

/* Calls f on each space-separated term of cond; stops at the first nonzero answer. */
static int terms_each(const char *cond, int (*f)(void *ctx, const char *t, size_t len), void *ctx)
{
    for (const char *p = cond; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len) {
            int rc = f(ctx, p, len);
            if (rc)
                return rc;
        }
        p += len;
    }
    return 0;
}

/* ---- loading ---- */

/* What loading carries: where it is (for the errors), the names the data can answer. */
typedef struct loader {
    const char *path;
    const tnames *names;
    char *err;
    size_t errlen;
    int failed;
    int in_row; /* checking a table cell: row names are known there */
} loader;

static void load_error(loader *ld, const xmlNode *n, const char *fmt, const char *what)
{
    if (ld->failed)
        return; /* the first error is the one reported */
    char msg[400];
    snprintf(msg, sizeof msg, fmt, what);
    snprintf(ld->err, ld->errlen, "%s:%ld: %s", ld->path, n ? (long)xmlGetLineNo(n) : 0L, msg);
    ld->failed = 1;
}

static int name_known(const loader *ld, const char *name)
{
    return !ld->names || ld->names->known(ld->names->ctx, name, ld->in_row);
}

typedef struct cond_check {
    loader *ld;
    const xmlNode *n;
} cond_check;

static int check_term(void *p, const char *t, size_t len)
{
    cond_check *cc = p;
    term tm;
    char what[200];
    snprintf(what, sizeof what, "%.*s", (int)len, t);
    if (term_parse(t, len, &tm) < 0) {
        load_error(cc->ld, cc->n, "a condition that cannot be read: %s", what);
        return 1;
    }
    int saved = cc->ld->in_row;
    cc->ld->in_row = saved || tm.rows;
    int ok = name_known(cc->ld, tm.name);
    cc->ld->in_row = saved;
    if (!ok) {
        load_error(cc->ld, cc->n, "unknown key in condition: %s", what);
        return 1;
    }
    return 0;
}

/* Every placeholder of text: a known name and known filters, or an error naming it. */
static void check_text(loader *ld, const xmlNode *n, const char *text)
{
    for (const char *p = text; p && *p && !ld->failed;) {
        if (p[0] == '{' && p[1] == '{') {
            p += 2;
            continue;
        }
        if (p[0] != '{') {
            p++;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close) {
            load_error(ld, n, "a placeholder without its closing brace: %.40s", p);
            return;
        }
        char ph[160];
        snprintf(ph, sizeof ph, "%.*s", (int)(close - p - 1), p + 1);
        if (ph[0] == '?') { /* {?CONDITION:TEXT}: the condition is checked, the text kept */
            char *colon = strchr(ph, ':');
            if (!colon || colon == ph + 1) {
                load_error(ld, n, "a conditional text without its condition: {%s}", ph);
                return;
            }
            *colon = '\0';
            cond_check cc = {ld, n};
            terms_each(ph + 1, check_term, &cc);
            p = close + 1;
            continue;
        }
        char *bar = strchr(ph, '|');
        if (bar)
            *bar = '\0';
        term t;
        if (!ph[0] || term_parse(ph, strlen(ph), &t) < 0 || t.op || t.negated || t.rows) {
            load_error(ld, n, "a placeholder that names nothing: {%s}", ph);
            return;
        }
        if (!name_known(ld, ph)) {
            load_error(ld, n, "unknown placeholder {%s} (no such key in the data)", ph);
            return;
        }
        for (char *f = bar ? bar + 1 : NULL; f && !ld->failed;) {
            size_t fl = strcspn(f, "|");
            if (!filter_known(f, fl)) {
                char what[160];
                snprintf(what, sizeof what, "%.*s in {%s}", (int)fl, f, ph);
                load_error(ld, n, "unknown filter %s", what);
            }
            f = f[fl] ? f + fl + 1 : NULL;
        }
        p = close + 1;
    }
}

/* A when="..." attribute of n, checked; NULL when there is none. */
static char *load_when(loader *ld, const xmlNode *n)
{
    char *when = xmlcheck_attr(n, "when", NULL);
    if (when) {
        cond_check cc = {ld, n};
        if (str_empty(when))
            load_error(ld, n, "an empty condition%s", "");
        else
            terms_each(when, check_term, &cc);
    }
    return when;
}

/* An attribute whose text holds placeholders, checked. */
static char *load_text_attr(loader *ld, const xmlNode *n, const char *name, const char *dflt)
{
    char *v = xmlcheck_attr(n, name, dflt);
    int before = ld->failed;
    check_text(ld, n, v);
    if (ld->failed && !before) { /* libxml2 gives an attribute no line: name it */
        size_t len = strlen(ld->err);
        snprintf(ld->err + len, ld->errlen - len, " (attribute %s of <%s>)", name,
                 (const char *)n->name);
    }
    return v;
}

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

static void add_span(tpara *p, const char *text, int bold, int italic, const char *when)
{
    p->spans = xrealloc(p->spans, (p->nspans + 1) * sizeof *p->spans);
    p->spans[p->nspans].text = text_nfc(text);
    p->spans[p->nspans].bold = bold;
    p->spans[p->nspans].italic = italic;
    p->spans[p->nspans].when = when ? xstrdup(when) : NULL;
    p->nspans++;
}

/* The spans of n; inside <if when="...">, each span carries the condition (nested ones
 * joined: all must hold). */
static void load_spans(loader *ld, tpara *p, const xmlNode *n, int bold, int italic,
                       const char *when)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            check_text(ld, c, (const char *)c->content);
            add_span(p, (const char *)c->content, bold, italic, when);
        } else if (xmlcheck_is_elem(c, "b")) {
            load_spans(ld, p, c, 1, italic, when);
        } else if (xmlcheck_is_elem(c, "i")) {
            load_spans(ld, p, c, bold, 1, when);
        } else if (xmlcheck_is_elem(c, "br")) {
            add_span(p, "\n", bold, italic, when);
        } else if (xmlcheck_is_elem(c, "if")) {
            char *own = load_when(ld, c);
            if (!own) {
                load_error(ld, c, "<if> without when=\"...\"%s", "");
                continue;
            }
            char *all = when ? xasprintf("%s %s", when, own) : xstrdup(own);
            load_spans(ld, p, c, bold, italic, all);
            free(all);
            free(own);
        }
    }
}

static void load_para(loader *ld, tpara *p, const xmlNode *n)
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
    load_spans(ld, p, n, attr_yes(n, "bold", 0), attr_yes(n, "italic", 0), NULL);
}

static tblock *new_block(tblock **arr, size_t *n, tblock_kind kind)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
    tblock *b = &(*arr)[(*n)++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static int load_blocks(loader *ld, tblock **arr, size_t *n, const xmlNode *parent);

static tcolumn *add_col(tblock *b)
{
    b->cols = xrealloc(b->cols, (b->ncols + 1) * sizeof *b->cols);
    tcolumn *c = &b->cols[b->ncols++];
    memset(c, 0, sizeof *c);
    return c;
}

static int load_columns(loader *ld, tblock *b, const xmlNode *n)
{
    b->keep = attr_yes(n, "keep", 0);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!xmlcheck_is_elem(c, "col"))
            continue;
        tcolumn *col = add_col(b);
        col->width = attr_num(c, "width", 50);
        if (load_blocks(ld, &col->blocks, &col->nblocks, c) < 0)
            return -1;
    }
    return 0;
}

/* A table column's width comes from its content (layout.h); the template may only bound it.
 * A relative width="N" of an older template would be silently wrong: it is refused. */
static int load_table(loader *ld, tblock *b, const xmlNode *n)
{
    b->size = attr_num(n, "size", 0);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!xmlcheck_is_elem(c, "col"))
            continue;
        if (xmlHasProp(c, (const xmlChar *)"width")) {
            load_error(ld, c,
                       "a table <col> takes no width (columns size themselves); use "
                       "min-width, max-width or fixed-width in mm%s",
                       "");
            return -1;
        }
        tcolumn *col = add_col(b);
        col->min_width = attr_num(c, "min-width", 0);
        col->max_width = attr_num(c, "max-width", 0);
        col->fixed_width = attr_num(c, "fixed-width", 0);
        col->nowrap = (int)attr_num(c, "nowrap", 0);
        col->head = load_text_attr(ld, c, "head", "");
        ld->in_row = 1; /* a cell is filled per row */
        load_para(ld, &col->cell, c);
        ld->in_row = 0;
    }
    return ld->failed ? -1 : 0;
}

static int load_blocks(loader *ld, tblock **arr, size_t *n, const xmlNode *parent)
{
    for (const xmlNode *e = parent->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        tblock *b;
        if (xmlcheck_is_elem(e, "p")) {
            b = new_block(arr, n, TB_PARA);
            load_para(ld, &b->para, e);
        } else if (xmlcheck_is_elem(e, "columns")) {
            b = new_block(arr, n, TB_COLUMNS);
            if (load_columns(ld, b, e) < 0)
                return -1;
        } else if (xmlcheck_is_elem(e, "table")) {
            b = new_block(arr, n, TB_TABLE);
            if (load_table(ld, b, e) < 0)
                return -1;
        } else if (xmlcheck_is_elem(e, "space")) {
            b = new_block(arr, n, TB_SPACE);
            b->height = attr_num(e, "height", 6);
        } else {
            load_error(ld, e, "unknown element <%s>", (const char *)e->name);
            return -1;
        }
        b->when = load_when(ld, e);
        if (b->kind == TB_TABLE)
            b->rows = xmlcheck_attr(e, "rows", NULL);
        if (b->kind != TB_PARA) { /* a paragraph keeps its spacing in its tpara */
            b->before = attr_num(e, "space-before", 0);
            b->after = attr_num(e, "space-after", 0);
        }
        if (ld->failed)
            return -1;
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

template *template_load_checked(const char *path, const tnames *names, char *err, size_t errlen)
{
    xmlDoc *doc = xmlcheck_read_file_root(path, "form", err, errlen);
    if (!doc)
        return NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    template *t = NULL;
    if (check_schema(doc, path, err, errlen) < 0)
        goto out;
    loader ld = {path, names, err, errlen, 0, 0};
    t = xcalloc(1, sizeof *t);
    t->id = xmlcheck_attr(root, "id", "");
    t->title = load_text_attr(&ld, root, "title", "");
    t->subject = load_text_attr(&ld, root, "subject", "");
    t->type = load_text_attr(&ld, root, "type", "");
    t->signer = load_text_attr(&ld, root, "signer", "");
    t->blank = xmlcheck_attr(root, "blank", "..............................");
    t->size = attr_num(root, "size", 13);
    t->line_height = attr_num(root, "line-height", 1.2);
    static const char *const margins[4] = {"margin-top", "margin-right", "margin-bottom",
                                           "margin-left"};
    static const double dflt[4] = {20, 15, 20, 30}; /* NĐ 30/2020 Phụ lục I */
    for (int i = 0; i < 4; i++)
        t->margin[i] = attr_num(root, margins[i], dflt[i]);
    t->page_numbers = attr_yes(root, "page-numbers", 1);
    if (load_blocks(&ld, &t->blocks, &t->nblocks, root) < 0 || ld.failed) {
        template_free(t);
        t = NULL;
    }
out:
    xmlFreeDoc(doc);
    return t;
}

template *template_load(const char *path, char *err, size_t errlen)
{
    return template_load_checked(path, NULL, err, errlen);
}

/* ---- freeing ---- */

static void para_release(tpara *p)
{
    for (size_t i = 0; i < p->nspans; i++) {
        free(p->spans[i].text);
        free(p->spans[i].when);
    }
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

/* A title written in capitals as a sentence writes it (NĐ 30/2020 Phụ lục II: the first
 * letter, and the next word's after "Phó"): "PHÓ GIÁM ĐỐC" -> "Phó Giám đốc". A title
 * already in mixed case ("Giám đốc Sở Tài chính") is left as written: its capitals mean
 * something. */
/* Words a title of its own has at most ("PHÓ CHÁNH VĂN PHÒNG"). A longer one in capitals
 * names its agency too ("PHÓ CHÁNH VĂN PHÒNG UBND TỈNH AN GIANG"), whose abbreviations and
 * place names must keep their capitals: it is left as typed. */
#define TITLE_MAX_WORDS 4

static char *title_case(const char *v)
{
    char *up = text_upper(v);
    int capitals = strcmp(up, v) == 0;
    free(up);
    size_t words = 0;
    for (const char *p = v; *p; p++)
        words += (*p != ' ' && (p == v || p[-1] == ' '));
    if (!capitals || words > TITLE_MAX_WORDS)
        return NULL;
    char *lo = text_lower(v), *out = text_capital(lo);
    free(lo);
    if (strncmp(out, "Phó ", strlen("Phó ")) == 0) {
        char *rest = text_capital(out + strlen("Phó "));
        char *joined = xasprintf("Phó %s", rest);
        free(rest);
        free(out);
        out = joined;
    }
    return out;
}

/* v through one filter (n bytes of f); NULL when it leaves v as it is. The answer is owned
 * by the caller. */
static char *filter_apply(const char *f, size_t n, const char *v)
{
    if (n == 7 && strncmp(f, "chuc_vu", 7) == 0)
        return title_case(v);
    if (n == 5 && strncmp(f, "upper", 5) == 0)
        return text_upper(v);
    if (n == 5 && strncmp(f, "lower", 5) == 0)
        return text_lower(v);
    if (n == 7 && strncmp(f, "capital", 7) == 0)
        return text_capital(v);
    date d;
    char day[11];
    snprintf(day, sizeof day, "%s", v); /* "2026-11-21T00:00:00": the date part */
    if (n == 4 && strncmp(f, "ngay", 4) == 0 &&
        (date_parse(v, &d) == DATE_OK ||
         (strlen(v) > 10 && v[10] == 'T' && date_parse(day, &d) == DATE_OK))) {
        char *out = xmalloc(16);
        date_format_vn(d, out); /* NĐ 30/2020: 05/01/2027 */
        return out;
    }
    return NULL; /* opt, or a date that is none: as written */
}

/* 1 when the filters after a name ("|opt|upper") hold opt. */
static int has_filter(const char *filters, const char *name)
{
    size_t n = strlen(name);
    for (const char *f = filters; f && *f == '|'; f = strchr(f + 1, '|'))
        if (strncmp(f + 1, name, n) == 0 &&
            (f[1 + n] == '|' || f[1 + n] == '\0' || f[1 + n] == '}'))
            return 1;
    return 0;
}

static const char *value_of(const filler *f, const char *key)
{
    return f->row == SIZE_MAX ? f->d->doc(f->d->ctx, key) : f->d->row(f->d->ctx, f->row, key);
}

static int cond_holds(const char *when, const filler *f);

static const char *fill_lookup(void *p, const char *name)
{
    filler *f = p;
    char key[128];
    if (name[0] == '?') { /* {?CONDITION:TEXT}, in attributes: TEXT when it holds */
        const char *colon = strchr(name, ':');
        if (!colon || (size_t)(colon - name) >= sizeof key)
            return NULL;
        memcpy(key, name + 1, (size_t)(colon - name - 1));
        key[colon - name - 1] = '\0';
        return cond_holds(key, f) ? colon + 1 : "";
    }
    const char *bar = strchr(name, '|');
    size_t klen = bar ? (size_t)(bar - name) : strlen(name);
    if (klen >= sizeof key)
        return NULL;
    memcpy(key, name, klen);
    key[klen] = '\0';
    const char *v = value_of(f, key);
    if (!v)
        return NULL;
    if (str_empty(v))
        return has_filter(bar, "opt") ? "" : f->blank;
    for (const char *q = bar; q && *q == '|';) { /* the filters, left to right */
        size_t n = strcspn(q + 1, "|");
        char *out = filter_apply(q + 1, n, v);
        if (out) {
            free(f->scratch);
            f->scratch = out;
            v = out;
        }
        q = q[1 + n] ? q + 1 + n : NULL;
    }
    return v;
}

/* ---- conditions ---- */

static int value_set(const char *v)
{
    return v && !str_empty(v) && strcmp(v, "0") != 0;
}

/* 1 when v (trimmed) is one of the comma-separated values. */
static int value_in(const char *v, const char *values, size_t vlen)
{
    char *t = str_trim_dup(v ? v : "");
    size_t tl = strlen(t);
    int found = 0;
    for (const char *p = values, *end = values + vlen; p < end && !found;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
        found = n == tl && strncmp(p, t, n) == 0;
        p += n + 1;
    }
    free(t);
    return found;
}

static int term_holds_for(const term *t, const char *v)
{
    int holds = t->op == '='   ? value_in(v, t->values, t->vlen)
                : t->op == '!' ? !value_in(v, t->values, t->vlen)
                               : value_set(v);
    return t->negated ? !holds : holds;
}

static int term_holds(void *p, const char *text, size_t len)
{
    const filler *f = p;
    term t;
    if (term_parse(text, len, &t) < 0)
        return 1; /* refused at load; an unchecked template's bad term fails */
    if (!t.rows)
        return !term_holds_for(&t, value_of(f, t.name));
    for (size_t i = 0; i < f->d->nrows; i++) /* rows.NAME: one of the document's rows */
        if (term_holds_for(&t, f->d->row(f->d->ctx, i, t.name)))
            return 0;
    return 1;
}

/* 1 when the condition holds (every term), or there is none. */
static int cond_holds(const char *when, const filler *f)
{
    return !when || terms_each(when, term_holds, (void *)f) == 0;
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

/* A span's text once filled: "" when its condition does not hold. */
static char *fill_span(filler *f, const tspan *sp)
{
    return cond_holds(sp->when, f) ? expand(f, sp->text) : xstrdup("");
}

static void fill_para(tpara *dst, const tpara *src, filler *f)
{
    *dst = *src;
    dst->spans = xcalloc(src->nspans ? src->nspans : 1, sizeof *dst->spans);
    int optional = 0, conditional = 1, pieces = 0, empty = 1;
    for (size_t i = 0; i < src->nspans; i++) {
        dst->spans[i] = src->spans[i];
        dst->spans[i].when = NULL; /* the source's; nothing to hold once filled */
        dst->spans[i].text = fill_span(f, &src->spans[i]);
        for (const char *o = src->spans[i].text; (o = strstr(o, "|opt")) != NULL; o += 4)
            optional |= o[4] == '}' || o[4] == '|';
        conditional &= src->spans[i].when != NULL || str_empty(src->spans[i].text);
        pieces += src->spans[i].when != NULL;
        empty &= str_empty(dst->spans[i].text);
    }
    /* made only of empty optional values, or of <if> pieces none of which holds */
    dst->omit = (optional || (conditional && pieces)) && empty;
}

/* A cell's text: its spans, expanded for one row. */
static char *fill_cell(const tpara *cell, filler *f)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < cell->nspans; i++) {
        char *s = fill_span(f, &cell->spans[i]);
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
        out[i].omit = !cond_holds(src[i].when, f);
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
