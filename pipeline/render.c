/* render: template + planned document -> filled form tree -> layout -> PDF (DESIGN.md). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "layout.h"
#include "pdf.h"
#include "report.h"
#include "rules.h"
#include "template.h"
#include "text.h"

#define MAX_TEMPLATES 32

struct renderer {
    const config *cfg;
    font *faces[FACE_COUNT];
    char *paths[FACE_COUNT];
    pdf_engine *pdf;
    char *ids[MAX_TEMPLATES];
    template *templates[MAX_TEMPLATES];
    unsigned char owned[MAX_TEMPLATES]; /* 0: borrowed from the renderer given render_new_like */
    size_t ntemplates;
};

static char *home_path(const config *cfg, const char *rel)
{
    buf b;
    buf_init(&b, 0);
    if (rel[0] == '/')
        buf_puts(&b, rel);
    else
        buf_printf(&b, "%s/%s", config_home(cfg), rel);
    return buf_detach(&b);
}

static const template *get_template(renderer *r, const char *form, char *err, size_t errlen);

renderer *render_new(const config *cfg, char *err, size_t errlen)
{
    return render_new_like(cfg, NULL, err, errlen);
}

renderer *render_new_like(const config *cfg, const renderer *like, char *err, size_t errlen)
{
    renderer *r = xcalloc(1, sizeof *r);
    r->cfg = cfg;
    for (int i = 0; i < FACE_COUNT; i++) {
        r->paths[i] = home_path(cfg, config_font(cfg, i));
        char why[200] = "";
        r->faces[i] = font_load(r->paths[i], why, sizeof why);
        if (!r->faces[i]) {
            snprintf(err, errlen, "font %s: %s", r->paths[i], why);
            render_free(r);
            return NULL;
        }
    }
    fontset fs;
    for (int i = 0; i < FACE_COUNT; i++)
        fs.face[i] = r->faces[i];
    char *icc = home_path(cfg, config_icc(cfg));
    char why[300] = "";
    r->pdf = pdf_engine_new(&fs, icc, config_pdfa_part(cfg), why, sizeof why);
    free(icc);
    if (!r->pdf) {
        snprintf(err, errlen, "%s", why);
        render_free(r);
        return NULL;
    }
    /* like's templates, as they were when it loaded them (read-only: shared by renderers of
     * other threads) */
    for (size_t i = 0; like && i < like->ntemplates; i++) {
        r->ids[i] = xstrdup(like->ids[i]);
        r->templates[i] = like->templates[i];
        r->ntemplates++;
    }
    /* every template the run may use, checked now: a broken one stops the run before any
     * document is made (an operator's error), never a "{...}" on paper */
    if (!get_template(r, PLAN_REPORT_FORM, err, errlen) ||
        !get_template(r, PLAN_SUMMARY_FORM, err, errlen)) {
        render_free(r);
        return NULL;
    }
    for (size_t i = 0; i < config_document_count(cfg); i++)
        if (!get_template(r, config_document_at(cfg, i)->form, err, errlen)) {
            render_free(r);
            return NULL;
        }
    return r;
}

void render_free(renderer *r)
{
    if (!r)
        return;
    pdf_engine_free(r->pdf);
    for (int i = 0; i < FACE_COUNT; i++) {
        font_free(r->faces[i]);
        free(r->paths[i]);
    }
    for (size_t i = 0; i < r->ntemplates; i++) {
        free(r->ids[i]);
        if (r->owned[i])
            template_free(r->templates[i]);
    }
    free(r);
}

/* 1 when the documents can show cp: white space the layout turns into spaces (tab, LF,
 * CR), or a character every face has a glyph for. Other control characters are not. */
static int drawable(const renderer *r, long cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r')
        return 1;
    for (int k = 0; k < FACE_COUNT; k++)
        if (cp < 0 || !font_has_glyph(r->faces[k], (uint32_t)cp))
            return 0;
    return 1;
}

int render_printable(const renderer *r, const record *rec, char *why, size_t whylen)
{
    for (size_t i = 0; i < rec->nfields; i++) {
        const record_field *f = &rec->fields[i];
        const char *key = roster_key_for_header(f->key);
        if (!key || strcmp(key, f->key) != 0 || !f->value)
            continue; /* a column no form prints */
        const char *q = f->value, *end = q + strlen(q);
        while (q < end) {
            const char *at = q;
            long cp = text_utf8_next(&q, end);
            if (!drawable(r, cp)) {
                snprintf(why, whylen,
                         "ô «%s» có ký tự «%.*s» (U+%04lX) mà phông chữ của văn bản không in "
                         "được; hãy gõ lại ô này bằng chữ tiếng Việt thông thường (Unicode "
                         "dựng sẵn) rồi gửi lại.",
                         roster_label(key), cp < 0x20 ? 1 : (int)(q - at), cp < 0x20 ? "?" : at,
                         cp < 0 ? 0xFFFDL : cp); /* a control character or bad byte as "?" */
                return 0;
            }
        }
    }
    return 1;
}

/* ---- the names a template may use (render.h), answered by doc_lookup and row_lookup ---- */

static const char *const OWN_DOC[] = {"doc.count", "date.day", "date.month", "date.year"};
static const char *const OWN_ROW[] = {"stt",        "ten",    "kq.tep",    "kq.dong",
                                      "kq.ket_qua", "kq.loi", "kq.van_ban"};

static int in_list(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

static const char *prefixed(const char *name, const char *prefix);

int render_name_known(const config *cfg, const char *name, int in_row)
{
    const char *k;
    if (in_list(OWN_DOC, sizeof OWN_DOC / sizeof *OWN_DOC, name) || plan_provides(name, in_row))
        return 1;
    if ((k = prefixed(name, "agency.")))
        return roster_is_key(k);
    if ((k = prefixed(name, "site.")))
        return config_site_has(cfg, k);
    if (strcmp(name, "stt") == 0)
        return in_row;
    if (in_list(OWN_ROW, sizeof OWN_ROW / sizeof *OWN_ROW, name))
        return 1;
    if ((k = prefixed(name, "derived.")))
        return rules_derives(k);
    if ((k = prefixed(name, "nhan.")) || (k = prefixed(name, "ma.")))
        return config_values_has(cfg, k) && roster_is_key(k);
    return roster_is_key(name); /* a request key: the row's, or the first row's */
}

static int names_known(void *ctx, const char *name, int in_row)
{
    return render_name_known(ctx, name, in_row);
}

static const template *get_template(renderer *r, const char *form, char *err, size_t errlen)
{
    for (size_t i = 0; i < r->ntemplates; i++)
        if (strcmp(r->ids[i], form) == 0)
            return r->templates[i];
    if (r->ntemplates == MAX_TEMPLATES) {
        snprintf(err, errlen, "too many templates");
        return NULL;
    }
    /* a form number names templates/mauNN.xml; another name, templates/NAME.xml */
    char rel[64];
    int number = form[0] && strspn(form, "0123456789") == strlen(form);
    snprintf(rel, sizeof rel, number ? "templates/mau%.8s.xml" : "templates/%.40s.xml", form);
    char *path = home_path(r->cfg, rel);
    tnames names = {(void *)r->cfg, names_known};
    template *t = template_load_checked(path, &names, err, errlen);
    free(path);
    if (!t)
        return NULL;
    r->ids[r->ntemplates] = xstrdup(form);
    r->owned[r->ntemplates] = 1;
    r->templates[r->ntemplates++] = t;
    return t;
}

/* ---- what placeholders resolve to ---- */

typedef struct fillctx {
    const renderer *r;
    const doc *d;
    date as_of;
    char scratch[64];
    char *owned; /* a longer answer, freed at the next one and at the end */
    int report;  /* a clerk's report: prints every value, see printable() */
    char *safe;  /* printable()'s answer, freed likewise */
} fillctx;

static const char *prefixed(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0 ? name + n : NULL;
}

/* The verdict itself, for the clerk's report: kq.tep, kq.dong, kq.ket_qua, kq.loi, kq.van_ban
 * (the files made for it this run). */
static const char *outcome_value(fillctx *c, const verdict *v, const char *k)
{
    if (strcmp(k, "tep") == 0) {
        const char *slash = strrchr(v->file, '/');
        return slash ? slash + 1 : v->file;
    }
    if (strcmp(k, "dong") == 0) {
        snprintf(c->scratch, sizeof c->scratch, "%ld", v->rec->line);
        return c->scratch;
    }
    if (strcmp(k, "ket_qua") == 0)
        return report_status_label(v);
    if (strcmp(k, "van_ban") == 0) {
        free(c->owned);
        c->owned = report_documents_text(v);
        return c->owned ? c->owned : "";
    }
    if (strcmp(k, "loi") != 0)
        return "";
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < v->nfindings; i++)
        buf_printf(&b, "%s%s", i ? " " : "", v->findings[i].message);
    free(c->owned);
    c->owned = buf_detach(&b);
    return c->owned;
}

/* Names shared by the document level and table rows, answered from one request. */
static const char *row_value(fillctx *c, const verdict *v, const char *name)
{
    const char *k;
    if ((k = prefixed(name, "derived.")))
        return record_get(&v->derived, k);
    if ((k = prefixed(name, "nhan."))) {
        const char *raw = record_get(v->rec, k);
        const char *canon = config_value_canonical(c->r->cfg, k, raw);
        return canon ? config_value_label(c->r->cfg, k, canon) : raw;
    }
    if ((k = prefixed(name, "ma."))) { /* the code, for conditions: "Gia hạn" -> gia-han */
        const char *raw = record_get(v->rec, k);
        const char *canon = config_value_canonical(c->r->cfg, k, raw);
        return canon ? canon : raw;
    }
    if (strcmp(name, "ten") == 0)
        return v->ten;
    if ((k = prefixed(name, "kq.")))
        return outcome_value(c, v, k);
    return record_get(v->rec, name);
}

static const char *date_value(fillctx *c, const char *part)
{
    /* the site may leave the date for the văn thư: a short dotted blank per part */
    const char *leave =
        config_value_canonical(c->r->cfg, "co_khong", config_site(c->r->cfg, "ngay_de_trong"));
    if (leave && strcmp(leave, "co") == 0)
        return config_site(c->r->cfg, "ngay_trong");
    int v = strcmp(part, "day") == 0     ? c->as_of.d
            : strcmp(part, "month") == 0 ? c->as_of.m
                                         : c->as_of.y;
    snprintf(c->scratch, sizeof c->scratch, "%02d", v); /* NĐ 30/2020: 05, 01 */
    return c->scratch;
}

/* A report prints what the clerk wrote, whatever it is, and the row's finding says what is
 * wrong with it: a character no face has is shown as "?(U+4E2D)", never dropped or drawn as
 * .notdef. Forms never get such a value: render_printable refused its row first. */
static const char *printable(fillctx *c, const char *s)
{
    if (!c->report || !s)
        return s;
    const char *q = s, *end = s + strlen(s);
    int clean = 1;
    while (q < end && clean) {
        long cp = text_utf8_next(&q, end);
        clean = drawable(c->r, cp);
    }
    if (clean)
        return s;
    buf b;
    buf_init(&b, 0);
    for (q = s; q < end;) {
        const char *at = q;
        long cp = text_utf8_next(&q, end);
        if (drawable(c->r, cp))
            buf_append(&b, at, (size_t)(q - at));
        else
            buf_printf(&b, "?(U+%04lX)", cp < 0 ? 0xFFFDL : cp);
    }
    free(c->safe);
    c->safe = buf_detach(&b);
    return c->safe ? c->safe : "";
}

static const char *doc_lookup_raw(void *p, const char *name);

static const char *doc_lookup(void *p, const char *name)
{
    return printable(p, doc_lookup_raw(p, name));
}

static const char *doc_lookup_raw(void *p, const char *name)
{
    fillctx *c = p;
    const verdict *first = c->d->nrows ? c->d->rows[0] : NULL;
    const char *k;
    if ((k = prefixed(name, "doc.")) && c->d->values && record_has(c->d->values, k))
        return record_get(c->d->values, k);
    if ((k = prefixed(name, "agency.")))
        return first && first->agency ? record_get(first->agency, k) : "";
    if ((k = prefixed(name, "site.")))
        return config_site(c->r->cfg, k);
    if ((k = prefixed(name, "date.")))
        return date_value(c, k);
    if (strcmp(name, "doc.count") == 0) {
        snprintf(c->scratch, sizeof c->scratch, "%zu", c->d->nrows);
        return c->scratch;
    }
    return first ? row_value(c, first, name) : "";
}

static const char *row_lookup(void *p, size_t i, const char *name)
{
    fillctx *c = p;
    if (c->report) {
        c->report = 0;
        const char *v = row_lookup(p, i, name);
        c->report = 1;
        return printable(c, v);
    }
    if (strcmp(name, "stt") == 0) { /* a report's later part counts on (doc.stt_dau) */
        const char *from = c->d->values && record_has(c->d->values, "stt_dau")
                               ? record_get(c->d->values, "stt_dau")
                               : "0";
        snprintf(c->scratch, sizeof c->scratch, "%zu", i + 1 + (size_t)strtoull(from, NULL, 10));
        return c->scratch;
    }
    if (prefixed(name, "agency.") || prefixed(name, "site."))
        return doc_lookup(p, name);
    return row_value(c, c->d->rows[i], name);
}

void render_info_release(render_info *info)
{
    free(info->subject);
    free(info->signer);
    info->subject = info->signer = NULL;
}

int render_doc(renderer *r, const doc *d, date as_of, long long epoch, buf *out, render_info *info,
               char *err, size_t errlen)
{
    const template *t = get_template(r, d->kind->form, err, errlen);
    if (!t)
        return RENDER_OPERATOR;
    fillctx c = {r, d, as_of, "", NULL, strncmp(t->id, "baocao", 6) == 0, NULL};
    tdata data = {&c, doc_lookup, d->nrows, row_lookup};
    template *filled = template_fill(t, &data);
    fontset fs;
    for (int i = 0; i < FACE_COUNT; i++)
        fs.face[i] = r->faces[i];
    display disp;
    int rc = layout_document(filled, &fs, &disp, err, errlen) < 0 ? RENDER_CONTENT : 0;
    if (info)
        info->pages = disp.npages;
    if (rc == 0) {
        char issued[16];
        snprintf(issued, sizeof issued, "%04d-%02d-%02d", as_of.y, as_of.m, as_of.d);
        const char *organ =
            d->agency && *d->agency ? d->agency : config_site(r->cfg, "don_vi_tiep_nhan");
        char *signer = str_trim_dup(filled->signer);
        pdf_meta m = {filled->title, organ, filled->subject, "ctsbatch", epoch,
                      filled->type,  organ, issued,          signer,     "vi"};
        if (pdf_render(r->pdf, &disp, &m, out, err, errlen) < 0)
            rc = RENDER_OPERATOR;
        if (info) {
            snprintf(info->type_name, sizeof info->type_name, "%s", m.type_name);
            snprintf(info->issued, sizeof info->issued, "%s", m.issued);
            snprintf(info->language, sizeof info->language, "%s", m.language);
            render_info_release(info);
            info->subject = xstrdup(m.subject ? m.subject : "");
            info->signer = xstrdup(m.signer ? m.signer : "");
        }
        free(signer);
    }
    display_release(&disp);
    template_free(filled);
    free(c.owned);
    free(c.safe);
    return rc;
}
