/* rules: the checks of RULES.md, one small function each, run in table order. Parameters,
 * messages and legal bases come from the config (RULES.md: rules are data). */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

typedef struct ctx {
    const config *cfg;
    const record *rec;
    verdict *v;
    date as_of;
    date req_date; /* ngay_de_nghi, or as_of */
    int individual;
} ctx;

/* Message arguments: NULL-terminated name/value pairs. */
typedef struct args {
    const char *const *pairs;
} args;

static const char *arg_lookup(void *p, const char *name)
{
    const args *a = p;
    for (const char *const *q = a->pairs; q && q[0]; q += 2)
        if (strcmp(q[0], name) == 0)
            return q[1];
    return NULL;
}

static void add_finding(ctx *c, const char *id, const char *field, const char *const *pairs)
{
    const config_rule *r = config_rule_get(c->cfg, id);
    verdict *v = c->v;
    v->findings = xgrow(v->findings, &v->fcap, v->nfindings + 1, sizeof *v->findings);
    finding *f = &v->findings[v->nfindings++];
    args a = {pairs};
    f->rule = r ? r->id : id;
    f->sev = r ? r->sev : SEV_ERROR;
    f->field = xstrdup(field ? field : "");
    f->message = str_expand(r ? r->message : id, arg_lookup, &a);
    f->basis = r ? r->basis : "";
}

/* thieu-truong: one finding per empty required field. */
static void finding_missing(ctx *c, const char *key)
{
    const char *pairs[] = {"truong", roster_label(key), "khoa", key, NULL};
    add_finding(c, "thieu-truong", key, pairs);
}

static int is_yes(const ctx *c, const char *key)
{
    const char *v = config_value_canonical(c->cfg, "co_khong", record_get(c->rec, key));
    return v && strcmp(v, "co") == 0;
}

/* gia-tri-khong-hop-le for the coded fields that pick the rules; seed §2. */
static void rule_coded_values(ctx *c)
{
    static const char *const keys[] = {"thu_tuc", "loai_thue_bao"};
    const char **slots[] = {&c->v->thu_tuc, &c->v->loai_thue_bao};
    for (size_t i = 0; i < 2; i++) {
        const char *raw = record_get(c->rec, keys[i]);
        const char *canon = config_value_canonical(c->cfg, keys[i], raw);
        *slots[i] = canon ? canon : "";
        if (!canon && !str_empty(raw)) {
            const char *pairs[] = {"truong", roster_label(keys[i]), "gia_tri", raw, NULL};
            add_finding(c, "gia-tri-khong-hop-le", keys[i], pairs);
        }
    }
    c->individual = strcmp(c->v->loai_thue_bao, "co-quan") != 0;
}

/* thieu-truong: the fields RULES.md "Required fields" lists for the procedure and type.
 * co_quan_quan_ly and xac_nhan_thu_truong have rules of their own. */
static void rule_required(ctx *c)
{
    const char *keys[64];
    const char *proc = c->v->thu_tuc[0] ? c->v->thu_tuc : "-";
    const char *type = c->v->loai_thue_bao[0] ? c->v->loai_thue_bao : "-";
    size_t n = config_required(c->cfg, proc, type, keys, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        if (strcmp(keys[i], "co_quan_quan_ly") == 0 || strcmp(keys[i], "xac_nhan_thu_truong") == 0)
            continue;
        if (!record_has(c->rec, keys[i]))
            finding_missing(c, keys[i]);
    }
}

/* co-quan-quan-ly: every row names its managing agency (seed §2). */
static void rule_agency_named(ctx *c)
{
    if (!record_has(c->rec, "co_quan_quan_ly"))
        add_finding(c, "co-quan-quan-ly", "co_quan_quan_ly", NULL);
}

/* xac-nhan-thu-truong: the head of the managing agency confirmed (seed §2.1-2.5). */
static void rule_head_confirmed(ctx *c)
{
    if (!is_yes(c, "xac_nhan_thu_truong"))
        add_finding(c, "xac-nhan-thu-truong", "xac_nhan_thu_truong", NULL);
}

/* ngay-khong-hop-le for the request date; an empty one is the run's as-of date. */
static void rule_request_date(ctx *c)
{
    const char *raw = record_get(c->rec, "ngay_de_nghi");
    c->req_date = c->as_of;
    if (str_empty(raw))
        return;
    date d;
    if (date_parse(raw, &d) == DATE_OK) {
        c->req_date = d;
        return;
    }
    const char *pairs[] = {"truong", roster_label("ngay_de_nghi"), "gia_tri", raw, NULL};
    add_finding(c, "ngay-khong-hop-le", "ngay_de_nghi", pairs);
}

/* The agency's letter details: from the row, else the register (thong-tin-co-quan). */
static const char *const AGENCY_KEYS[] = {
    "co_quan_quan_ly", "co_quan_chu_quan",  "ky_hieu",          "thu_truong",
    "chuc_vu_thu_truong", "dia_chi_co_quan", "dien_thoai_co_quan", "email_co_quan"};
#define NAGENCY_KEYS (sizeof AGENCY_KEYS / sizeof AGENCY_KEYS[0])
/* Details a cover letter cannot do without (NĐ 30/2020 header and signature). */
static const char *const AGENCY_NEEDED[] = {"co_quan_chu_quan", "ky_hieu", "thu_truong",
                                            "chuc_vu_thu_truong"};

static void rule_agency_details(ctx *c)
{
    const char *name = record_get(c->rec, "co_quan_quan_ly");
    if (str_empty(name))
        return;
    const record *reg = config_agency(c->cfg, name);
    for (size_t i = 0; i < NAGENCY_KEYS; i++) {
        const char *v = record_get(c->rec, AGENCY_KEYS[i]);
        if (str_empty(v) && reg)
            v = record_get(reg, AGENCY_KEYS[i]);
        record_set(&c->v->agency, AGENCY_KEYS[i], v);
    }
    for (size_t i = 0; i < sizeof AGENCY_NEEDED / sizeof AGENCY_NEEDED[0]; i++) {
        if (record_has(&c->v->agency, AGENCY_NEEDED[i]))
            continue;
        const char *pairs[] = {"truong", roster_label(AGENCY_NEEDED[i]), "co_quan", name, NULL};
        add_finding(c, "thong-tin-co-quan", AGENCY_NEEDED[i], pairs);
    }
}

static void set_derived_date(ctx *c, const char *key, date d)
{
    char iso[16];
    date_format_iso(d, iso);
    record_set(&c->v->derived, key, iso);
}

/* cap-moi derived values: issued within 30 days, valid 5 years (seed §4). */
static void derive_new(ctx *c)
{
    if (strcmp(c->v->thu_tuc, "cap-moi") != 0)
        return;
    set_derived_date(c, "ngay_du_kien_cap",
                     date_add_days(c->req_date, config_param(c->cfg, "cap_moi_so_ngay", 30)));
    char years[24];
    snprintf(years, sizeof years, "%ld", config_param(c->cfg, "cap_moi_thoi_han_nam", 5));
    record_set(&c->v->derived, "thoi_han_nam", years);
}

typedef void (*rule_fn)(ctx *c);

/* Order matters only where a rule reads what an earlier one settled (the coded values and
 * the request date come first). */
static const rule_fn RULES[] = {
    rule_coded_values, rule_request_date, rule_agency_named, rule_required,
    rule_head_confirmed, rule_agency_details, derive_new,
};

void rules_check_one(const roster *src, const record *rec, const config *cfg, date as_of,
                     verdict *v)
{
    memset(v, 0, sizeof *v);
    v->src = src;
    v->rec = rec;
    ctx c = {cfg, rec, v, as_of, as_of, 1};
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        RULES[i](&c);
    v->ten = xstrdup(record_get(rec, c.individual ? "ho_ten" : "ten_co_quan"));
    v->accepted = 1;
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].sev == SEV_ERROR)
            v->accepted = 0;
    if (!v->accepted) /* ROSTER.md: a rejected request has no derived dates */
        record_release(&v->derived);
}

void verdict_release(verdict *v)
{
    for (size_t i = 0; i < v->nfindings; i++) {
        free(v->findings[i].field);
        free(v->findings[i].message);
    }
    free(v->findings);
    free(v->ten);
    record_release(&v->agency);
    record_release(&v->derived);
    memset(v, 0, sizeof *v);
}

batch *rules_check(roster *const *rosters, size_t n, const config *cfg, date as_of)
{
    batch *b = xcalloc(1, sizeof *b);
    b->as_of = as_of;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < rosters[i]->nrecords; k++) {
            b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof *b->v);
            rules_check_one(rosters[i], &rosters[i]->records[k], cfg, as_of, &b->v[b->n++]);
        }
    }
    return b;
}

void batch_free(batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        verdict_release(&b->v[i]);
    free(b->v);
    free(b);
}

const char *severity_name(severity s)
{
    static const char *const names[] = {"error", "warning", "info"};
    return names[s];
}
