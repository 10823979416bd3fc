/* plan: grouping accepted requests into documents, per the config's document table. */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "util.h"

#define SLUG_MAX 60

/* The conditions a document entry may name (plan.h). */
static int condition_holds(const char *when, const verdict *v)
{
    if (!when[0])
        return 1;
    if (strcmp(when, "thue-bao-nop") == 0)
        return !v->agency_files && !v->auto_revoked;
    if (strcmp(when, "can-de-nghi") == 0)
        return !v->auto_revoked;
    return 0; /* an unknown condition makes nothing rather than the wrong thing */
}

static int matches(const config_document *k, const verdict *v)
{
    return v->accepted && !v->issued_before && v->thu_tuc[0] &&
           config_in_list(k->procedure, v->thu_tuc) &&
           config_in_list(k->subscriber, v->loai_thue_bao) && condition_holds(k->when, v);
}

static doc *add_doc(plan *p, const config_document *k, const verdict *first)
{
    p->docs = xgrow(p->docs, &p->cap, p->n + 1, sizeof *p->docs);
    doc *d = &p->docs[p->n++];
    memset(d, 0, sizeof *d);
    d->kind = k;
    d->agency = record_get(first->agency, "co_quan_quan_ly");
    return d;
}

static void doc_add_row(doc *d, const verdict *v)
{
    if (d->cap == 0 && strcmp(d->kind->per, "row") == 0) { /* one row: no room to grow */
        d->rows = xmalloc(sizeof *d->rows);
        d->cap = 1;
    }
    d->rows = xgrow(d->rows, &d->cap, d->nrows + 1, sizeof *d->rows);
    d->rows[d->nrows++] = v;
}

typedef struct namer {
    strmap *names; /* every path given so far and, under "#" + stem, the last number tried */
    plan_taken_fn taken;
    void *ctx;
    int failed;
} namer;

/* 1 when path may not be used: given in this plan, or taken before (or unknown: failed). */
static int name_used(namer *nm, const char *path)
{
    if (strmap_put(nm->names, path, 0, NULL))
        return 1;
    int t = nm->taken ? nm->taken(nm->ctx, path) : 0;
    nm->failed |= t < 0;
    return t != 0;
}

/* Two subscribers with one name get distinct files: -2, -3, ...; so does a later letter of
 * an agency whose earlier one is in the ledger. */
static void name_doc(namer *nm, doc *d)
{
    strmap *names = nm->names;
    const char *who = strcmp(d->kind->per, "row") == 0 ? d->rows[0]->ten : d->agency;
    char *aslug = text_slug(d->agency, SLUG_MAX);
    char *wslug = text_slug(who, SLUG_MAX);
    char *stem = xasprintf("#%s/%s/Mau%s-%s", aslug, d->kind->folder, d->kind->form, wslug);
    size_t n = 0;
    strmap_get(names, stem, &n);
    buf path;
    buf_init(&path, 0);
    for (size_t tries = 1;; tries++) {
        buf_reset(&path);
        buf_puts(&path, stem + 1);
        if (++n > 1)
            buf_printf(&path, "-%zu", n);
        buf_puts(&path, ".pdf");
        if (!name_used(nm, buf_str(&path)))
            break;
        if (nm->failed || tries >= PLAN_MAX_NAME_TRIES) {
            nm->failed = 1;
            break;
        }
    }
    strmap_set(names, stem, n);
    free(stem);
    d->relpath = buf_detach(&path);
    free(aslug);
    free(wslug);
}

static void plan_agency_docs(plan *p, namer *names, const batch *b, const config_document *k)
{
    size_t first = p->n;
    for (size_t i = 0; i < b->n; i++) {
        const verdict *v = &b->v[i];
        if (!matches(k, v))
            continue;
        const char *agency = record_get(v->agency, "co_quan_quan_ly");
        doc *d = NULL;
        for (size_t j = first; j < p->n && !d; j++)
            if (strcmp(p->docs[j].agency, agency) == 0)
                d = &p->docs[j];
        if (!d)
            d = add_doc(p, k, v);
        doc_add_row(d, v);
    }
    for (size_t j = first; j < p->n; j++)
        name_doc(names, &p->docs[j]);
}

plan *plan_make(const batch *b, const config *cfg, plan_taken_fn taken, void *ctx)
{
    plan *p = xcalloc(1, sizeof *p);
    namer nm = {strmap_new(), taken, ctx, 0}, *names = &nm;
    for (size_t i = 0; i < config_document_count(cfg); i++) {
        const config_document *k = config_document_at(cfg, i);
        if (strcmp(k->per, "agency") == 0) {
            plan_agency_docs(p, names, b, k);
            continue;
        }
        for (size_t j = 0; j < b->n; j++) {
            if (!matches(k, &b->v[j]))
                continue;
            doc *d = add_doc(p, k, &b->v[j]);
            doc_add_row(d, &b->v[j]);
            name_doc(names, d);
        }
    }
    strmap_free(nm.names);
    p->failed = nm.failed;
    return p;
}

static const config_document REPORT = {"", "*", "run", PLAN_REPORT_FORM, "", ""};

/* The document values the clerk's result and the run's report carry ({doc.KEY}), and the
 * keys of the report's rows ({KEY} in its table): what plan_report and plan_run_summary set,
 * which test_plan checks against what they make. */
static const char *const DOC_VALUES[] = {"so_tep",
                                         "so_yeu_cau",
                                         "so_hop_le",
                                         "so_da_lap",
                                         "so_tu_choi",
                                         "so_liet_ke",
                                         "phan",
                                         "so_phan",
                                         "tu",
                                         "den",
                                         "stt_dau",
                                         "so_tu_choi_phan",
                                         "so_hop_le_phan",
                                         "dong_tu_choi",
                                         "dong_hop_le",
                                         "ghi_chu_phan",
                                         "luu_y_tep",
                                         "tep_loi",
                                         "so_van_ban",
                                         "lan_chay",
                                         "so_can_sua",
                                         "so_khong_loi",
                                         "dong_can_sua",
                                         "dong_khong_loi"};
static const char *const SUMMARY_KEYS[] = {"tep",       "ket_qua",   "luu_y",      "so_dong",
                                           "so_hop_le", "so_da_lap", "so_tu_choi", "so_van_ban"};

static int listed(const char *const *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0)
            return 1;
    return 0;
}

int plan_provides(const char *name, int in_row)
{
    if (strncmp(name, "doc.", 4) == 0)
        return listed(DOC_VALUES, sizeof DOC_VALUES / sizeof *DOC_VALUES, name + 4);
    return in_row && listed(SUMMARY_KEYS, sizeof SUMMARY_KEYS / sizeof *SUMMARY_KEYS, name);
}

static void set_count(record *values, const char *key, size_t n)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", n);
    record_set(values, key, num);
}

/* The rows of bs[0..nb) in report order, rejected ones first (what the clerk must fix),
 * then the accepted ones, each in roster order: the rows [from, from + max) of that order
 * go into out. */
static void add_rows(doc *out, batch *const *bs, size_t nb, size_t from, size_t max)
{
    size_t at = 0;
    for (int accepted = 0; accepted < 2; accepted++)
        for (size_t k = 0; k < nb; k++)
            for (size_t i = 0; i < bs[k]->n && out->nrows < max; i++) {
                if (bs[k]->v[i].accepted != accepted)
                    continue;
                if (at++ >= from)
                    doc_add_row(out, &bs[k]->v[i]);
            }
}

static const char *count_lookup(void *p, const char *name)
{
    const record *values = p;
    return record_has(values, name) ? record_get(values, name) : NULL;
}

size_t plan_report_parts(batch *const *bs, size_t nb, size_t per_part)
{
    size_t total = 0;
    for (size_t k = 0; k < nb; k++)
        total += bs[k]->n;
    if (per_part == 0)
        per_part = PLAN_REPORT_PART_ROWS;
    return total == 0 ? 1 : (total + per_part - 1) / per_part;
}

/* "FIRST COUNT", the value a template's table rows="..." reads (template.h). */
static void set_range(record *values, const char *key, size_t first, size_t count)
{
    char range[64];
    snprintf(range, sizeof range, "%zu %zu", first, count);
    record_set(values, key, range);
}

void plan_report(batch *const *bs, size_t nb, roster *const *rosters, size_t n, size_t part,
                 size_t per_part, const config *cfg, doc *out)
{
    memset(out, 0, sizeof *out);
    out->kind = &REPORT;
    out->agency = "";
    out->relpath = xstrdup("report.pdf");
    if (per_part == 0)
        per_part = PLAN_REPORT_PART_ROWS;
    size_t accepted = 0, before = 0, total = 0, parts = plan_report_parts(bs, nb, per_part);
    for (size_t k = 0; k < nb; k++) {
        for (size_t i = 0; i < bs[k]->n; i++) {
            accepted += (size_t)bs[k]->v[i].accepted;
            before += (size_t)(bs[k]->v[i].accepted && bs[k]->v[i].issued_before);
        }
        total += bs[k]->n;
    }
    size_t from = part < parts ? part * per_part : total, rejected = total - accepted;
    add_rows(out, bs, nb, from, per_part);
    /* rejected rows come first across the parts: this part's first rows are, up to there */
    size_t here_rejected = rejected > from ? rejected - from : 0;
    if (here_rejected > out->nrows)
        here_rejected = out->nrows;
    out->values = xcalloc(1, sizeof *out->values);
    set_count(out->values, "so_tep", n);
    set_count(out->values, "so_yeu_cau", total);
    set_count(out->values, "so_hop_le", accepted);
    set_count(out->values, "so_da_lap", before);
    set_count(out->values, "so_tu_choi", rejected);
    set_count(out->values, "so_liet_ke", out->nrows);
    set_count(out->values, "phan", part + 1);
    set_count(out->values, "so_phan", parts);
    set_count(out->values, "tu", out->nrows ? from + 1 : 0);
    set_count(out->values, "den", from + out->nrows);
    set_count(out->values, "stt_dau", from);
    set_count(out->values, "so_tu_choi_phan", here_rejected);
    set_count(out->values, "so_hop_le_phan", out->nrows - here_rejected);
    set_range(out->values, "dong_tu_choi", 0, here_rejected);
    set_range(out->values, "dong_hop_le", here_rejected, out->nrows - here_rejected);
    char *note =
        parts > 1 ? str_expand(config_site(cfg, "bao_cao_phan"), count_lookup, out->values) : NULL;
    record_set(out->values, "ghi_chu_phan", note ? note : "");
    free(note);
    char *notes = report_file_notes(rosters, n);
    record_set(out->values, "luu_y_tep", notes);
    free(notes);
    char *failed = report_unreadable_list(rosters, n);
    record_set(out->values, "tep_loi", failed);
    free(failed);
}

void plan_report_release(doc *d)
{
    free(d->rows);
    free(d->relpath);
    if (d->values)
        record_release(d->values);
    free(d->values);
    memset(d, 0, sizeof *d);
}

static const config_document SUMMARY = {"", "*", "run", PLAN_SUMMARY_FORM, "", ""};

/* A summary row: a verdict (what table rows read) holding a record of its own. */
typedef struct summary_row {
    verdict v; /* first: the doc's rows point here */
    record rec;
} summary_row;

void plan_run_summary(const plan_summary_line *lines, size_t n, long long run,
                      const char *unreadable, doc *out)
{
    memset(out, 0, sizeof *out);
    out->kind = &SUMMARY;
    out->agency = "";
    out->relpath = xstrdup("report.pdf");
    size_t t[5] = {0}, flagged = 0;
    for (int pass = 0; pass < 2; pass++) /* the rosters that need the clerk first */
        for (size_t i = 0; i < n; i++) {
            const plan_summary_line *l = &lines[i];
            if ((l->needs_fix ? 0 : 1) != pass)
                continue;
            flagged += (size_t)(pass == 0);
            summary_row *row = xcalloc(1, sizeof *row);
            record_set(&row->rec, "tep", l->file);
            record_set(&row->rec, "ket_qua", l->outcome);
            record_set(&row->rec, "luu_y", l->notes ? l->notes : "");
            size_t counts[5] = {l->rows, l->accepted, l->before, l->rejected, l->documents};
            static const char *const keys[5] = {"so_dong", "so_hop_le", "so_da_lap", "so_tu_choi",
                                                "so_van_ban"};
            for (int k = 0; k < 5; k++) {
                set_count(&row->rec, keys[k], counts[k]);
                t[k] += counts[k];
            }
            row->v.rec = &row->rec;
            row->v.ten = xstrdup("");
            row->v.thu_tuc = row->v.loai_thue_bao = "";
            doc_add_row(out, &row->v);
        }
    out->values = xcalloc(1, sizeof *out->values);
    set_count(out->values, "so_tep", n);
    set_count(out->values, "so_yeu_cau", t[0]);
    set_count(out->values, "so_hop_le", t[1]);
    set_count(out->values, "so_da_lap", t[2]);
    set_count(out->values, "so_tu_choi", t[3]);
    set_count(out->values, "so_van_ban", t[4]);
    set_count(out->values, "lan_chay", (size_t)run);
    set_count(out->values, "so_can_sua", flagged);
    set_count(out->values, "so_khong_loi", n - flagged);
    set_range(out->values, "dong_can_sua", 0, flagged);
    set_range(out->values, "dong_khong_loi", flagged, n - flagged);
    record_set(out->values, "tep_loi", unreadable);
}

void plan_summary_release(doc *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        summary_row *row = (summary_row *)d->rows[i];
        record_release(&row->rec);
        free(row->v.ten);
        free(row);
    }
    plan_report_release(d);
}

void plan_free(plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->docs[i].rows);
        free(p->docs[i].relpath);
    }
    free(p->docs);
    free(p);
}
