/* config: the site and rule-set file (RULES.md: parameters, values, messages and bases are
 * data an administrator edits without a rebuild). */
#include "config.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"
#include "xmlcheck.h"

typedef struct kv {
    char *key, *value;
} kv;

typedef struct coded {
    char *field, *key, *label;
    char **folded; /* folded key, label and aliases */
    size_t nfolded;
} coded;

/* Words kept under a key: the required fields of <required> (keyed by procedure and
 * subscriber lists, space-separated or "*"), or a named <list> (key: its name). */
typedef struct wordset {
    char *procedures, *subscribers; /* a <list>: procedures holds the name */
    char **keys;
    size_t nkeys;
} wordset;

struct config {
    char *home;
    char *fonts[FACE_COUNT];
    int pdfa_part; /* 1 or 2 */
    char *icc;
    kv *site, *params;
    size_t nsite, nparams;
    coded *values;
    size_t nvalues;
    config_rule *rules;
    size_t nrules;
    wordset *reqs;
    size_t nreqs;
    config_document *docs;
    size_t ndocs;
    roster *agencies; /* the register, as records */
    wordset *lists;   /* named lists: procedures = name, keys = words */
    size_t nlists;
    date *holidays;
    size_t nholidays;
    char *bad_holiday;     /* the first <day date> that did not parse */
    roster_alias *aliases; /* <aliases>: header texts of the roster keys; key "" ignored */
    size_t naliases;
    char *bad_alias; /* the first <alias key> that is no roster key */
};

/* Splits a space-separated list into a new array of strings. */
static char **split_words(const char *s, size_t *n)
{
    char **out = NULL;
    size_t cap = 0;
    *n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
            s++;
        size_t len = strcspn(s, " \n\t\r");
        if (!len)
            break;
        out = xgrow(out, &cap, *n + 1, sizeof *out);
        out[(*n)++] = xstrndup(s, len);
        s += len;
    }
    return out;
}

static void add_kv(kv **arr, size_t *n, const xmlNode *e, const char *keyattr)
{
    size_t cap = *n;
    *arr = xrealloc(*arr, (cap + 1) * sizeof **arr);
    (*arr)[*n].key = xmlcheck_attr(e, keyattr, "");
    (*arr)[*n].value = xmlcheck_text(e);
    (*n)++;
}

static void load_value(config *c, const xmlNode *list, const xmlNode *v)
{
    c->values = xrealloc(c->values, (c->nvalues + 1) * sizeof *c->values);
    coded *cv = &c->values[c->nvalues++];
    cv->field = xmlcheck_attr(list, "field", "");
    cv->key = xmlcheck_attr(v, "key", "");
    cv->label = xmlcheck_attr(v, "label", "");
    char *aliases = xmlcheck_attr(v, "aliases", "");
    size_t nal = 0;
    char **al = split_words(aliases, &nal);
    cv->folded = xcalloc(nal + 2, sizeof *cv->folded);
    cv->folded[0] = text_fold_key(cv->key);
    cv->folded[1] = text_fold_key(cv->label);
    for (size_t i = 0; i < nal; i++) {
        /* an alias may hold spaces written as '_' or '+': "cap_moi" */
        cv->folded[2 + i] = text_fold_key(al[i]);
        free(al[i]);
    }
    cv->nfolded = nal + 2;
    free(al);
    free(aliases);
}

static severity parse_severity(const char *s)
{
    if (strcmp(s, "warning") == 0)
        return SEV_WARNING;
    if (strcmp(s, "info") == 0)
        return SEV_INFO;
    return SEV_ERROR;
}

static void load_rule(config *c, const xmlNode *e)
{
    c->rules = xrealloc(c->rules, (c->nrules + 1) * sizeof *c->rules);
    config_rule *r = &c->rules[c->nrules++];
    char *sev = xmlcheck_attr(e, "severity", "");
    r->id = xmlcheck_attr(e, "id", "");
    r->sev = parse_severity(sev);
    r->basis = xmlcheck_attr(e, "basis", "");
    r->variants = NULL;
    r->nvariants = 0;
    /* the rule's own text is its direct text; <msg key> children are its cases */
    buf own;
    buf_init(&own, 0);
    for (const xmlNode *n = e->children; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            buf_puts(&own, (const char *)n->content);
        } else if (xmlcheck_is_elem(n, "msg")) {
            r->variants = xrealloc(r->variants, (r->nvariants + 1) * sizeof *r->variants);
            config_variant *v = &r->variants[r->nvariants++];
            v->key = xmlcheck_attr(n, "key", "");
            v->message = xmlcheck_text(n);
            char *b = xmlcheck_attr(n, "basis", "");
            v->basis = b[0] ? b : NULL;
            if (!b[0])
                free(b);
        }
    }
    char *nfc = text_nfc(buf_str(&own));
    r->message = str_trim_dup(nfc);
    free(nfc);
    buf_release(&own);
    free(sev);
}

static void load_required(config *c, const xmlNode *e)
{
    c->reqs = xrealloc(c->reqs, (c->nreqs + 1) * sizeof *c->reqs);
    wordset *q = &c->reqs[c->nreqs++];
    q->procedures = xmlcheck_attr(e, "procedure", "");
    q->subscribers = xmlcheck_attr(e, "subscriber", "");
    char *text = xmlcheck_text(e);
    q->keys = split_words(text, &q->nkeys);
    free(text);
}

static void load_list(config *c, const xmlNode *e)
{
    c->lists = xrealloc(c->lists, (c->nlists + 1) * sizeof *c->lists);
    wordset *l = &c->lists[c->nlists++];
    l->procedures = xmlcheck_attr(e, "name", "");
    l->subscribers = xstrdup("");
    char *text = xmlcheck_text(e);
    l->keys = split_words(text, &l->nkeys);
    free(text);
}

static void load_holiday(config *c, const xmlNode *e)
{
    char *s = xmlcheck_attr(e, "date", "");
    date d;
    if (date_parse(s, &d) == DATE_OK) {
        c->holidays = xrealloc(c->holidays, (c->nholidays + 1) * sizeof *c->holidays);
        c->holidays[c->nholidays++] = d;
    } else if (!c->bad_holiday) {
        c->bad_holiday = xstrdup(s);
    }
    free(s);
}

static int date_order(const void *a, const void *b)
{
    return date_cmp(*(const date *)a, *(const date *)b);
}

static void load_document(config *c, const xmlNode *e)
{
    c->docs = xrealloc(c->docs, (c->ndocs + 1) * sizeof *c->docs);
    config_document *d = &c->docs[c->ndocs++];
    d->procedure = xmlcheck_attr(e, "procedure", "");
    d->subscriber = xmlcheck_attr(e, "subscriber", "");
    d->per = xmlcheck_attr(e, "per", "");
    d->form = xmlcheck_attr(e, "form", "");
    d->folder = xmlcheck_attr(e, "folder", "");
    if (!d->folder[0]) {
        free((char *)d->folder);
        d->folder = xstrdup(d->procedure);
    }
    d->when = xmlcheck_attr(e, "when", "");
}

static void load_agency(config *c, const xmlNode *e)
{
    record *rec = roster_add_record(c->agencies, (long)xmlGetLineNo(e));
    for (const xmlAttr *a = e->properties; a; a = a->next) {
        char *v = xmlcheck_attr(e, (const char *)a->name, "");
        const char *name = (const char *)a->name;
        record_set(rec, strcmp(name, "ten") == 0 ? "co_quan_quan_ly" : name, v);
        free(v);
    }
}

/* <alias key="so_cccd">Số CCCD/CMND</alias> names a key; <ignore>STT</ignore> a column
 * dropped silently (roster.h roster_alias). */
static void load_alias(config *c, const xmlNode *e)
{
    char *key = xmlcheck_is_elem(e, "ignore") ? xstrdup("") : xmlcheck_attr(e, "key", "");
    char *text = xmlcheck_text(e);
    if (key[0] && !roster_is_key(key)) {
        if (!c->bad_alias)
            c->bad_alias = xstrdup(key);
        free(key);
        free(text);
        return;
    }
    c->aliases = xrealloc(c->aliases, (c->naliases + 1) * sizeof *c->aliases);
    c->aliases[c->naliases++] = (roster_alias){key, text, roster_fold_header(text)};
}

static const char *FACE_NAMES[FACE_COUNT] = {"regular", "bold", "italic", "bold-italic"};

static void load_font(config *c, const xmlNode *e)
{
    char *style = xmlcheck_attr(e, "style", "");
    for (int i = 0; i < FACE_COUNT; i++) {
        if (strcmp(style, FACE_NAMES[i]) == 0) {
            free(c->fonts[i]);
            c->fonts[i] = xmlcheck_attr(e, "file", "");
        }
    }
    free(style);
}

/* <pdf chuan="PDF/A-2b|PDF/A-1b" icc="FILE"/>: the schema allows only those two levels. */
static void load_pdf(config *c, const xmlNode *e)
{
    char *level = xmlcheck_attr(e, "chuan", "PDF/A-2b");
    c->pdfa_part = strcmp(level, "PDF/A-1b") == 0 ? 1 : 2;
    free(level);
    free(c->icc);
    c->icc = xmlcheck_attr(e, "icc", CONFIG_DEFAULT_ICC);
}

static void load_section(config *c, const xmlNode *sec)
{
    for (const xmlNode *e = sec->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        if (xmlcheck_is_elem(sec, "site") && xmlcheck_is_elem(e, "value"))
            add_kv(&c->site, &c->nsite, e, "key");
        else if (xmlcheck_is_elem(sec, "params") && xmlcheck_is_elem(e, "param"))
            add_kv(&c->params, &c->nparams, e, "name");
        else if (xmlcheck_is_elem(sec, "values") && xmlcheck_is_elem(e, "v"))
            load_value(c, sec, e);
        else if (xmlcheck_is_elem(sec, "rules") && xmlcheck_is_elem(e, "rule"))
            load_rule(c, e);
        else if (xmlcheck_is_elem(sec, "documents") && xmlcheck_is_elem(e, "document"))
            load_document(c, e);
        else if (xmlcheck_is_elem(sec, "agencies") && xmlcheck_is_elem(e, "agency"))
            load_agency(c, e);
        else if (xmlcheck_is_elem(sec, "fonts") && xmlcheck_is_elem(e, "face"))
            load_font(c, e);
        else if (xmlcheck_is_elem(sec, "lists") && xmlcheck_is_elem(e, "list"))
            load_list(c, e);
        else if (xmlcheck_is_elem(sec, "holidays") && xmlcheck_is_elem(e, "day"))
            load_holiday(c, e);
        else if (xmlcheck_is_elem(sec, "aliases"))
            load_alias(c, e);
    }
}

config *config_load(const char *path, const char *home, char *err, size_t errlen)
{
    long line = 0;
    char why[300];
    xmlDoc *doc = xmlcheck_read_file_root(path, "cau_hinh", why, sizeof why);
    if (!doc) {
        snprintf(err, errlen, "cannot read configuration: %s", why);
        return NULL;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    char *schema = xasprintf("%s/config/ctsbatch.xsd", home ? home : ".");
    int rc = xmlcheck_validate(doc, schema, &line, why, sizeof why);
    free(schema);
    if (rc) {
        snprintf(err, errlen, "%s:%ld: the configuration does not follow config/ctsbatch.xsd: %s",
                 path, line, why);
        xmlFreeDoc(doc);
        return NULL;
    }
    config *c = xcalloc(1, sizeof *c);
    c->home = xstrdup(home ? home : ".");
    c->agencies = roster_new(path);
    c->pdfa_part = 2;
    c->icc = xstrdup(CONFIG_DEFAULT_ICC);
    for (const xmlNode *sec = root->children; sec; sec = sec->next) {
        if (xmlcheck_is_elem(sec, "required"))
            load_required(c, sec);
        else if (xmlcheck_is_elem(sec, "pdf"))
            load_pdf(c, sec);
        else if (sec->type == XML_ELEMENT_NODE)
            load_section(c, sec);
    }
    xmlFreeDoc(doc);
    if (c->bad_holiday) {
        snprintf(err, errlen, "%s: <holidays>: \"%s\" is not a date", path, c->bad_holiday);
        config_free(c);
        return NULL;
    }
    if (c->bad_alias) {
        snprintf(err, errlen, "%s: <aliases>: \"%s\" is not a roster key (ROSTER.md \"Keys\")",
                 path, c->bad_alias);
        config_free(c);
        return NULL;
    }
    if (c->nholidays)
        qsort(c->holidays, c->nholidays, sizeof *c->holidays, date_order);
    for (int i = 0; i < FACE_COUNT; i++) {
        if (!c->fonts[i]) {
            snprintf(err, errlen, "%s: no <face style=\"%s\"> in <fonts>", path, FACE_NAMES[i]);
            config_free(c);
            return NULL;
        }
    }
    return c;
}

void config_free(config *c)
{
    if (!c)
        return;
    for (int i = 0; i < FACE_COUNT; i++)
        free(c->fonts[i]);
    free(c->icc);
    for (size_t i = 0; i < c->nsite; i++)
        free(c->site[i].key), free(c->site[i].value);
    for (size_t i = 0; i < c->nparams; i++)
        free(c->params[i].key), free(c->params[i].value);
    for (size_t i = 0; i < c->nvalues; i++) {
        coded *v = &c->values[i];
        for (size_t k = 0; k < v->nfolded; k++)
            free(v->folded[k]);
        free(v->folded), free(v->field), free(v->key), free(v->label);
    }
    for (size_t i = 0; i < c->nrules; i++) {
        free((char *)c->rules[i].id), free((char *)c->rules[i].basis);
        free((char *)c->rules[i].message);
        for (size_t k = 0; k < c->rules[i].nvariants; k++) {
            config_variant *v = &c->rules[i].variants[k];
            free((char *)v->key), free((char *)v->message), free((char *)v->basis);
        }
        free(c->rules[i].variants);
    }
    wordset *groups[2] = {c->reqs, c->lists};
    size_t counts[2] = {c->nreqs, c->nlists};
    for (int g = 0; g < 2; g++) {
        for (size_t i = 0; i < counts[g]; i++) {
            for (size_t k = 0; k < groups[g][i].nkeys; k++)
                free(groups[g][i].keys[k]);
            free(groups[g][i].keys), free(groups[g][i].procedures);
            free(groups[g][i].subscribers);
        }
    }
    free(c->lists), free(c->holidays), free(c->bad_holiday);
    for (size_t i = 0; i < c->naliases; i++) {
        free((char *)c->aliases[i].key), free((char *)c->aliases[i].text);
        free((char *)c->aliases[i].folded);
    }
    free(c->aliases), free(c->bad_alias);
    for (size_t i = 0; i < c->ndocs; i++) {
        free((char *)c->docs[i].procedure), free((char *)c->docs[i].subscriber);
        free((char *)c->docs[i].per), free((char *)c->docs[i].form);
        free((char *)c->docs[i].folder), free((char *)c->docs[i].when);
    }
    free(c->site), free(c->params), free(c->values), free(c->rules), free(c->reqs);
    free(c->docs);
    roster_free(c->agencies);
    free(c->home);
    free(c);
}

const char *config_home(const config *c)
{
    return c->home;
}

static const char *kv_find(const kv *arr, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arr[i].key, key) == 0)
            return arr[i].value;
    return NULL;
}

int config_site_has(const config *c, const char *key)
{
    return kv_find(c->site, c->nsite, key) != NULL;
}

int config_values_has(const config *c, const char *field)
{
    for (size_t i = 0; i < c->nvalues; i++)
        if (strcmp(c->values[i].field, field) == 0)
            return 1;
    return 0;
}

const char *config_site(const config *c, const char *key)
{
    const char *v = kv_find(c->site, c->nsite, key);
    return v ? v : "";
}

long config_param(const config *c, const char *name, long fallback)
{
    long v;
    const char *s = kv_find(c->params, c->nparams, name);
    return s && str_to_long(s, &v) == 0 ? v : fallback;
}

const config_rule *config_rule_get(const config *c, const char *id)
{
    for (size_t i = 0; i < c->nrules; i++)
        if (strcmp(c->rules[i].id, id) == 0)
            return &c->rules[i];
    return NULL;
}

void config_rule_text(const config_rule *r, const char *variant, const char **message,
                      const char **basis)
{
    *message = r->message;
    *basis = r->basis;
    for (size_t i = 0; variant && i < r->nvariants; i++) {
        if (strcmp(r->variants[i].key, variant) == 0) {
            *message = r->variants[i].message;
            if (r->variants[i].basis)
                *basis = r->variants[i].basis;
        }
    }
}

int config_pdfa_part(const config *c)
{
    return c->pdfa_part;
}

const char *config_icc(const config *c)
{
    return c->icc;
}

const char *config_font(const config *c, int face)
{
    return c->fonts[face];
}

const char *config_value_canonical(const config *c, const char *key, const char *value)
{
    if (str_empty(value))
        return NULL;
    char *folded = text_fold_key(value);
    const char *found = NULL;
    for (size_t i = 0; i < c->nvalues && !found; i++) {
        if (strcmp(c->values[i].field, key) != 0)
            continue;
        for (size_t k = 0; k < c->values[i].nfolded && !found; k++)
            if (c->values[i].folded[k][0] && strcmp(c->values[i].folded[k], folded) == 0)
                found = c->values[i].key;
    }
    free(folded);
    return found;
}

const char *config_value_label(const config *c, const char *key, const char *canonical)
{
    for (size_t i = 0; i < c->nvalues; i++)
        if (strcmp(c->values[i].field, key) == 0 && strcmp(c->values[i].key, canonical) == 0)
            return c->values[i].label[0] ? c->values[i].label : c->values[i].key;
    return canonical;
}

int config_in_list(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if ((len == 1 && *p == '*') || (len == wl && len && strncmp(p, word, len) == 0))
            return 1;
        p += len;
    }
    return 0;
}

size_t config_required(const config *c, const char *procedure, const char *subscriber,
                       const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nreqs; i++) {
        const wordset *q = &c->reqs[i];
        if (!config_in_list(q->procedures, procedure) ||
            !config_in_list(q->subscribers, subscriber))
            continue;
        for (size_t k = 0; k < q->nkeys; k++, n++)
            if (n < max)
                out[n] = q->keys[k];
    }
    return n;
}

size_t config_document_count(const config *c)
{
    return c->ndocs;
}

const config_document *config_document_at(const config *c, size_t i)
{
    return i < c->ndocs ? &c->docs[i] : NULL;
}

const record *config_agency(const config *c, const char *name)
{
    for (size_t i = 0; i < c->agencies->nrecords; i++)
        if (strcmp(record_get(&c->agencies->records[i], "co_quan_quan_ly"), name) == 0)
            return &c->agencies->records[i];
    return NULL;
}

const char *const *config_list(const config *c, const char *name, size_t *n)
{
    for (size_t i = 0; i < c->nlists; i++) {
        if (strcmp(c->lists[i].procedures, name) == 0) {
            *n = c->lists[i].nkeys;
            return (const char *const *)c->lists[i].keys;
        }
    }
    *n = 0;
    return NULL;
}

int config_list_has(const config *c, const char *name, const char *word)
{
    size_t n;
    const char *const *words = config_list(c, name, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(words[i], word) == 0)
            return 1;
    return 0;
}

const date *config_holidays(const config *c, size_t *n)
{
    *n = c->nholidays;
    return c->holidays;
}

const roster_alias *config_aliases(const config *c, size_t *n)
{
    *n = c->naliases;
    return c->aliases;
}
