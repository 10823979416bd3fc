/* rules: the checks of RULES.md, one small function each, run in table order. Parameters,
 * allowed values, messages and legal bases come from the config (RULES.md: rules are data);
 * what is here is only the logic of each check. */
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "excel.h"
#include "text.h"
#include "util.h"

typedef struct ctx {
    const config *cfg;
    const record *rec;
    verdict *v;
    date as_of;
    date req_date; /* ngay_de_nghi, or as_of */
    int individual;
    int flags; /* RULES_* of rules.h */
} ctx;

/* ---- findings ---- */

/* Adds a finding of rule `id`, in the case `variant` of its config text (NULL: general). */
static void add_case(ctx *c, const char *id, const char *variant, const char *field,
                     const char *const *pairs)
{
    const config_rule *r = config_rule_get(c->cfg, id);
    const char *message = id, *basis = "";
    if (r)
        config_rule_text(r, variant, &message, &basis);
    verdict *v = c->v;
    v->findings = xgrow(v->findings, &v->fcap, v->nfindings + 1, sizeof *v->findings);
    finding *f = &v->findings[v->nfindings++];
    f->rule = r ? r->id : id;
    f->sev = r ? r->sev : SEV_ERROR;
    f->field = xstrdup(field ? field : "");
    /* past STR_EXPAND_MAX (only arguments of megabytes, far past the length rule) the text
     * keeps its placeholders as written */
    f->message = str_expand_pairs(message, pairs);
    f->basis = str_expand_pairs(basis, pairs);
}

static void add_finding(ctx *c, const char *id, const char *field, const char *const *pairs)
{
    add_case(c, id, NULL, field, pairs);
}

static void finding_value(ctx *c, const char *id, const char *key)
{
    const char *pairs[] = {"truong", roster_label(key), "gia_tri", record_get(c->rec, key), NULL};
    add_finding(c, id, key, pairs);
}

/* ---- helpers ---- */

static const char *canon(const ctx *c, const char *field, const char *key)
{
    return config_value_canonical(c->cfg, field, record_get(c->rec, key));
}

static int is_yes(const ctx *c, const char *key)
{
    const char *v = canon(c, "co_khong", key);
    return v && strcmp(v, "co") == 0;
}

static int proc_is(const ctx *c, const char *proc)
{
    return strcmp(c->v->thu_tuc, proc) == 0;
}

/* The date in key, when present and valid (rule_dates reports the invalid ones). */
static int get_date(const ctx *c, const char *key, date *out)
{
    const char *raw = record_get(c->rec, key);
    return !str_empty(raw) && date_parse(raw, out) == DATE_OK;
}

static void set_derived_date(ctx *c, const char *key, date d)
{
    char iso[16];
    date_format_iso(d, iso);
    record_set(&c->v->derived, key, iso);
}

/* "Thay đổi cơ quan công tác; Thay đổi thư điện tử": a list's labels, for a message ("; "
 * because labels hold commas). */
static char *labels_of(const ctx *c, const char *field, const char *list)
{
    size_t n;
    const char *const *words = config_list(c->cfg, list, &n);
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? "; " : "", config_value_label(c->cfg, field, words[i]));
    return buf_detach(&b);
}

/* ---- every request ---- */

/* gia-tri-khong-hop-le: a coded value outside its allowed set (seed §2). */
static void rule_coded_values(ctx *c)
{
    static const char *const coded[][2] = {
        {"thu_tuc", "thu_tuc"},
        {"loai_thue_bao", "loai_thue_bao"},
        {"ly_do_thu_hoi", "ly_do_thu_hoi"},
        {"noi_dung_thay_doi", "noi_dung_thay_doi"},
        {"tu_cach_phap_nhan", "co_khong"},
        {"xac_nhan_cap_tren", "co_khong"},
        {"trang_thai", "trang_thai"}, /* a register row (docs/register.md) */
    };
    for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++)
        if (record_has(c->rec, coded[i][0]) && !canon(c, coded[i][1], coded[i][0]))
            finding_value(c, "gia-tri-khong-hop-le", coded[i][0]);
    const char *t = canon(c, "thu_tuc", "thu_tuc"), *l = canon(c, "loai_thue_bao", "loai_thue_bao");
    c->v->thu_tuc = t ? t : "";
    c->v->loai_thue_bao = l ? l : "";
    c->individual = strcmp(c->v->loai_thue_bao, "co-quan") != 0;
}

/* ngay-khong-hop-le: every date field that does not parse or is not on the calendar; the
 * request date, when valid, replaces the as-of date. */
static void rule_dates(ctx *c)
{
    for (size_t i = 0; i < EXCEL_NDATE_KEYS; i++) {
        const char *key = EXCEL_DATE_KEYS[i];
        date d;
        if (record_has(c->rec, key) && date_parse(record_get(c->rec, key), &d) != DATE_OK)
            finding_value(c, "ngay-khong-hop-le", key);
    }
    date d;
    c->req_date = get_date(c, "ngay_de_nghi", &d) ? d : c->as_of;
}

/* What Excel did to a value (issue 10 item 3, pipeline/excel.h): the damage the read stage
 * flagged (ngay-thang-kieu-my, a date of a column mixing day/month and month/day), and in
 * any field of the roster's keys (an unknown column is not used, so not judged) a number
 * Excel showed in scientific notation (excel-so-khoa-hoc: its digits are lost) or an Excel
 * error value instead of data (excel-gia-tri-loi). */
static void rule_excel_damage(ctx *c)
{
    for (size_t i = 0; i < c->rec->nflags; i++) {
        const record_flag *f = &c->rec->flags[i];
        const char *pairs[] = {"truong", roster_label(f->key), "gia_tri",
                               record_get(c->rec, f->key), NULL};
        add_case(c, f->rule, f->variant, f->key, pairs);
    }
    for (size_t i = 0; i < c->rec->nfields; i++) {
        const char *key = c->rec->fields[i].key;
        /* roster_label gives an unknown key back itself: a column the form does not use */
        if (roster_label(key) == key || record_flag_get(c->rec, key))
            continue;
        excel_kind k = excel_value_kind(c->rec->fields[i].value);
        if (k != EXCEL_PLAIN)
            finding_value(c, k == EXCEL_SCIENTIFIC ? "excel-so-khoa-hoc" : "excel-gia-tri-loi",
                          key);
    }
}

/* Findings that say what Excel did to a field: each replaces the other findings on the
 * same field (a CCCD "8,91861E+10" is not also told to have 12 digits). */
static int explains_damage(const char *rule)
{
    return strcmp(rule, "excel-so-khoa-hoc") == 0 || strcmp(rule, "excel-gia-tri-loi") == 0 ||
           strcmp(rule, "ngay-thang-kieu-my") == 0;
}

static void explain_damage_once(verdict *v)
{
    size_t kept = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        finding *f = &v->findings[i];
        int drop = 0;
        for (size_t k = 0; k < v->nfindings && !drop && !explains_damage(f->rule); k++)
            drop = explains_damage(v->findings[k].rule) && f->field[0] &&
                   strcmp(v->findings[k].field, f->field) == 0;
        if (drop) {
            free(f->field);
            free(f->message);
            free(f->basis);
        } else {
            v->findings[kept++] = *f;
        }
    }
    v->nfindings = kept;
}

/* RFC 5280 §4.1.2.2: a certificate's serial number is at most 20 octets, 40 hexadecimal
 * digits (the spaces a clerk groups them with do not count). */
#define RULES_SERIAL_MAX_HEX 40

/* so-hieu-hex: a certificate serial is hexadecimal (RULES.md so_hieu_cts, "hex"), spaces
 * allowed between groups (kept as written: the ledger's request key reads it so), of at most
 * RULES_SERIAL_MAX_HEX digits (case qua-dai); so-serial-thiet-bi: a token serial is letters
 * and digits, with '-' or spaces between groups ("TK-2024-007731"). */
static void rule_serials(ctx *c)
{
    static const struct {
        const char *key, *rule, *extra;
        int hex;
    } serials[] = {{"so_hieu_cts", "so-hieu-hex", " ", 1},
                   {"so_serial_thiet_bi", "so-serial-thiet-bi", " -", 0}};
    for (size_t i = 0; i < sizeof serials / sizeof serials[0]; i++) {
        const char *s = record_get(c->rec, serials[i].key);
        if (str_empty(s))
            continue;
        int bad = 0, digits = 0;
        for (const char *p = s; *p && !bad; p++) {
            char ch = *p;
            int ok = (ch >= '0' && ch <= '9') ||
                     (serials[i].hex ? ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))
                                     : ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')));
            digits += ok;
            bad = !ok && !strchr(serials[i].extra, ch);
        }
        if (bad || !digits) {
            finding_value(c, serials[i].rule, serials[i].key);
        } else if (serials[i].hex && digits > RULES_SERIAL_MAX_HEX) {
            char n[24], max[24];
            snprintf(n, sizeof n, "%d", digits);
            snprintf(max, sizeof max, "%d", RULES_SERIAL_MAX_HEX);
            const char *pairs[] = {
                "truong", roster_label(serials[i].key), "gia_tri", s, "so_chu_so", n, "toi_da", max,
                NULL};
            add_case(c, serials[i].rule, "qua-dai", serials[i].key, pairs);
        }
    }
}

/* co-quan-quan-ly: every row names its managing agency (seed §2). */
static void rule_agency_named(ctx *c)
{
    if (!record_has(c->rec, "co_quan_quan_ly"))
        add_finding(c, "co-quan-quan-ly", "co_quan_quan_ly", NULL);
}

/* thieu-truong: the fields RULES.md "Required fields" lists for the procedure and type.
 * co_quan_quan_ly and xac_nhan_thu_truong have rules of their own. */
static void rule_required(ctx *c)
{
    const char *keys[64];
    int reg = c->flags & RULES_REGISTER;
    /* a register row asks for nothing: its fields are those of the pseudo-procedure
     * so-dang-ky of the config's <required> */
    const char *proc = reg ? "so-dang-ky" : c->v->thu_tuc[0] ? c->v->thu_tuc : "-";
    const char *type = c->v->loai_thue_bao[0] ? c->v->loai_thue_bao : "-";
    size_t n = config_required(c->cfg, proc, type, keys, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        if (strcmp(keys[i], "co_quan_quan_ly") == 0 ||
            strcmp(keys[i], "xac_nhan_thu_truong") == 0 || (reg && strcmp(keys[i], "thu_tuc") == 0))
            continue;
        if (!record_has(c->rec, keys[i])) {
            /* an organisation's ho_ten and so_cccd are its certificate manager's */
            int manager = !c->individual &&
                          (strcmp(keys[i], "ho_ten") == 0 || strcmp(keys[i], "so_cccd") == 0);
            const char *pairs[] = {"truong", roster_label(keys[i]), NULL};
            add_case(c, "thieu-truong", manager ? "nguoi-quan-ly" : NULL, keys[i], pairs);
        }
    }
}

/* xac-nhan-thu-truong: the head of the managing agency confirmed (seed §2.1-2.5). */
static void rule_head_confirmed(ctx *c)
{
    /* issue 12: in the renewal campaign the head's signature on Mẫu 07/08 is the confirmation */
    if (c->flags & (RULES_HEAD_SIGNS | RULES_REGISTER))
        return;
    if (!is_yes(c, "xac_nhan_thu_truong"))
        add_finding(c, "xac-nhan-thu-truong", "xac_nhan_thu_truong", NULL);
}

/* gia-tri-qua-dai: a value longer than a form can print (FORMS.md: a value too long for one
 * page is an error for that row, not a broken page). */
static void rule_lengths(ctx *c)
{
    long max = config_param(c->cfg, "do_dai_toi_da", 300);
    for (size_t i = 0; i < c->rec->nfields; i++) {
        size_t n = text_utf8_count(c->rec->fields[i].value);
        if ((long)n <= max)
            continue;
        char len[24], lim[24];
        snprintf(len, sizeof len, "%zu", n);
        snprintf(lim, sizeof lim, "%ld", max);
        const char *key = c->rec->fields[i].key;
        const char *pairs[] = {"truong", roster_label(key), "so_ky_tu", len, "toi_da", lim, NULL};
        add_finding(c, "gia-tri-qua-dai", key, pairs);
    }
}

/* cccd: the personal identification number is exactly 12 digits (Luật Căn cước 2023). */
static void rule_cccd(ctx *c)
{
    const char *s = record_get(c->rec, "so_cccd");
    if (str_empty(s))
        return;
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    if (n != 12 || s[n])
        finding_value(c, "cccd", "so_cccd");
}

static int email_char(char ch, int local)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '-')
        return 1;
    return local && (ch == '.' || ch == '_' || ch == '+' || ch == '%');
}

/* 1 when s is local@label.label... with plain ASCII letters; *domain points after '@'. */
static int email_well_formed(const char *s, const char **domain)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    for (const char *p = s; p < at; p++)
        if (!email_char(*p, 1))
            return 0;
    const char *d = at + 1;
    size_t label = 0, dots = 0;
    for (const char *p = d; *p; p++) {
        if (*p == '.') {
            if (!label)
                return 0;
            label = 0;
            dots++;
        } else if (email_char(*p, 0)) {
            label++;
        } else {
            return 0;
        }
    }
    *domain = d;
    return label > 0 && dots > 0;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n)
        return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != (b >= 'A' && b <= 'Z' ? b + 32 : b))
            return 0;
    }
    return 1;
}

/* email-cong-vu: an official address, not a public mailbox (answers the seed's question on
 * gmail/yahoo). The domain's last labels must match an official suffix of the config. */
static void check_email(ctx *c, const char *key, const char *value)
{
    const char *domain = NULL, *variant = NULL, *public_domain = "";
    size_t ns, np;
    const char *const *suffixes = config_list(c->cfg, "email_cong_vu_duoi", &ns);
    const char *const *publics = config_list(c->cfg, "email_cong_cong", &np);
    if (!email_well_formed(value, &domain)) {
        variant = "dinh-dang";
    } else {
        for (size_t i = 0; i < np && !variant; i++)
            if (strlen(domain) == strlen(publics[i]) && ends_with_ci(domain, publics[i]))
                variant = "cong-cong", public_domain = publics[i];
        for (size_t i = 0; i < ns && !variant; i++)
            if (ends_with_ci(domain, suffixes[i]))
                return;
    }
    const char *pairs[] = {
        "gia_tri", value, "ten_mien", public_domain, "duoi", ns ? suffixes[0] : ".gov.vn", NULL};
    add_case(c, "email-cong-vu", variant, key, pairs);
}

static void rule_email(ctx *c)
{
    if (record_has(c->rec, "email"))
        check_email(c, "email", record_get(c->rec, "email"));
}

/* 1 when digits (a normalised phone number) starts with a prefix of the named list. */
static int has_prefix(const ctx *c, const char *digits, const char *list)
{
    size_t n;
    const char *const *prefixes = config_list(c->cfg, list, &n);
    for (size_t i = 0; i < n; i++)
        if (strncmp(digits, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* dien-thoai: spaces, dots, dashes and parentheses removed, +84 / 84 read as 0; a mobile is
 * 10 digits, a landline 11 digits starting 02 (RULES.md). */
static void rule_phone(ctx *c)
{
    const char *s = record_get(c->rec, "dien_thoai");
    if (str_empty(s))
        return;
    char digits[32];
    size_t n = 0;
    int bad = 0, plus = 0;
    for (const char *p = s; *p && !bad; p++) {
        if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' || *p == ')')
            continue;
        if (*p == '+' && n == 0 && !plus) { /* "+84 ...", "(+84) ..." */
            plus = 1;
            continue;
        }
        if (*p < '0' || *p > '9' || n + 1 >= sizeof digits)
            bad = 1;
        else
            digits[n++] = *p;
    }
    digits[n] = '\0';
    const char *d = digits;
    char local[32];
    if (strncmp(digits, "84", 2) == 0 && n >= 10) {
        snprintf(local, sizeof local, "0%s", digits + 2);
        d = local;
    }
    size_t len = strlen(d);
    int mobile = len == 10 && has_prefix(c, d, "di_dong_dau_so");
    int landline = len == 11 && has_prefix(c, d, "co_dinh_dau_so");
    if (bad || !(mobile || landline))
        finding_value(c, "dien-thoai", "dien_thoai");
}

/* ---- cap-moi ---- */

/* cap-moi-doi-tuong, -phap-nhan, -thanh-lap (seed §2.1, §2.2; NĐ 130 Điều 60). */
static void rule_new(ctx *c)
{
    if (!proc_is(c, "cap-moi"))
        return;
    if (c->individual) {
        static const char *const keys[] = {"chuc_vu", "co_quan_cong_tac"};
        for (size_t i = 0; i < 2; i++) {
            if (record_has(c->rec, keys[i]))
                continue;
            const char *pairs[] = {"truong", roster_label(keys[i]), NULL};
            add_finding(c, "cap-moi-doi-tuong", keys[i], pairs);
        }
        return;
    }
    if (record_has(c->rec, "tu_cach_phap_nhan") && !is_yes(c, "tu_cach_phap_nhan"))
        add_finding(c, "cap-moi-phap-nhan", "tu_cach_phap_nhan", NULL);
    if (!record_has(c->rec, "quyet_dinh_thanh_lap") && !is_yes(c, "xac_nhan_cap_tren"))
        add_finding(c, "cap-moi-thanh-lap", "quyet_dinh_thanh_lap", NULL);
}

/* Derived for cap-moi: issued within 30 days, valid 5 years (seed §4). */
static void derive_new(ctx *c)
{
    if (!proc_is(c, "cap-moi"))
        return;
    set_derived_date(c, "ngay_du_kien_cap",
                     date_add_days(c->req_date, config_param(c->cfg, "cap_moi_so_ngay", 30)));
    char years[24];
    snprintf(years, sizeof years, "%ld", config_param(c->cfg, "cap_moi_thoi_han_nam", 5));
    record_set(&c->v->derived, "thoi_han_nam", years);
}

/* ---- gia-han, thay-doi ---- */

/* con-han-60-ngay: at least 60 days left on the request date (NĐ 130 Điều 63, 65, 66). */
static void rule_days_left(ctx *c)
{
    int renew = proc_is(c, "gia-han");
    date exp;
    if ((!renew && !proc_is(c, "thay-doi")) || !get_date(c, "ngay_het_han", &exp))
        return;
    long left = date_diff_days(c->req_date, exp);
    long min = config_param(c->cfg, "con_han_toi_thieu_ngay", 60);
    if (renew)
        set_derived_date(c, "ngay_het_han_moi",
                         date_add_years(exp, (int)config_param(c->cfg, "gia_han_them_nam", 3)));
    else
        set_derived_date(c, "ngay_het_han_moi", exp); /* seed §2.3.2: validity kept */
    if (left >= min)
        return;
    char vn[16], days[24], need[24], variant[32];
    date_format_vn(exp, vn);
    snprintf(days, sizeof days, "%ld", left);
    snprintf(need, sizeof need, "%ld", min);
    snprintf(variant, sizeof variant, "%s%s", c->v->thu_tuc,
             left < 0    ? ".het-han"
             : left == 0 ? ".hom-nay"
                         : "");
    const char *pairs[] = {"so_ngay", days, "toi_thieu", need, "ngay_het_han", vn, NULL};
    add_case(c, "con-han-60-ngay", variant, "ngay_het_han", pairs);
}

/* gia-tri-khong-hop-le (case so): so_lan_gia_han, when given, is a whole number >= 0. 1 when
 * it is (its value in *times), 0 when empty, -1 when not (the finding added). */
static int renewals_value(ctx *c, long *times)
{
    const char *raw = record_get(c->rec, "so_lan_gia_han");
    if (str_empty(raw))
        return 0;
    if (str_to_long(raw, times) == 0 && *times >= 0)
        return 1;
    const char *pairs[] = {"truong", roster_label("so_lan_gia_han"), "gia_tri", raw, NULL};
    add_case(c, "gia-tri-khong-hop-le", "so", "so_lan_gia_han", pairs);
    return -1;
}

/* A register row's so_lan_gia_han is judged as a renewal's (docs/register.md): an unreadable
 * count is never taken for 0, which the campaign would renew. */
static void rule_register_renewals(ctx *c)
{
    long times;
    renewals_value(c, &times);
}

/* gia-han-mot-lan: a certificate is renewed once only (NĐ 130 Điều 63, seed §2.3.1). */
static void rule_renew_once(ctx *c)
{
    long times;
    if (!proc_is(c, "gia-han") || renewals_value(c, &times) <= 0)
        return;
    long max = config_param(c->cfg, "gia_han_so_lan_toi_da", 1);
    if (times < max)
        return;
    char t[24], m[24];
    snprintf(t, sizeof t, "%ld", times);
    snprintf(m, sizeof m, "%02ld", max);
    const char *pairs[] = {"so_lan", t, "toi_da", m, NULL};
    add_finding(c, "gia-han-mot-lan", "so_lan_gia_han", pairs);
}

/* `rule` when value (canonical, of coded field `field`) is not in the list PREFIX.TYPE of
 * what the subscriber's type allows (seed §2.3.2, §2.4.1); the message lists what is. */
static void check_allowed_for_type(ctx *c, const char *rule, const char *field, const char *prefix,
                                   const char *value)
{
    char list[64];
    snprintf(list, sizeof list, "%s.%s", prefix, c->v->loai_thue_bao);
    if (!c->v->loai_thue_bao[0] || config_list_has(c->cfg, list, value))
        return;
    char *allowed = labels_of(c, field, list);
    const char *pairs[] = {
        "gia_tri",  config_value_label(c->cfg, field, value),
        "loai",     config_value_label(c->cfg, "loai_thue_bao", c->v->loai_thue_bao),
        "cho_phep", allowed,
        NULL};
    add_finding(c, rule, field, pairs);
    free(allowed);
}

/* thay-doi-noi-dung: what this subscriber type may change (seed §2.3.2); a new e-mail must
 * itself be an official address. */
static void rule_change(ctx *c)
{
    const char *what = canon(c, "noi_dung_thay_doi", "noi_dung_thay_doi");
    if (!proc_is(c, "thay-doi") || !what)
        return;
    check_allowed_for_type(c, "thay-doi-noi-dung", "noi_dung_thay_doi", "thay_doi", what);
    if (strcmp(what, "doi-email") == 0 && record_has(c->rec, "gia_tri_moi"))
        check_email(c, "gia_tri_moi", record_get(c->rec, "gia_tri_moi"));
}

/* ---- thu-hoi, ban-giao-thiet-bi, khoi-phuc ---- */

/* thu-hoi-ly-do, thu-hoi-tu-dong, who files (NĐ 130 Điều 68, 69; seed §2.4). */
static void rule_revoke(ctx *c)
{
    const char *why = canon(c, "ly_do_thu_hoi", "ly_do_thu_hoi");
    if (!proc_is(c, "thu-hoi") || !why)
        return;
    check_allowed_for_type(c, "thu-hoi-ly-do", "ly_do_thu_hoi", "thu_hoi", why);
    date exp;
    int expired = get_date(c, "ngay_het_han", &exp) && date_cmp(exp, c->req_date) < 0;
    if (strcmp(why, "het-han") == 0 || expired) {
        /* name what triggered it: the reason, or else the expiry date */
        c->v->auto_revoked = 1;
        add_finding(c, "thu-hoi-tu-dong",
                    strcmp(why, "het-han") == 0 ? "ly_do_thu_hoi" : "ngay_het_han", NULL);
    }
    c->v->agency_files = config_list_has(c->cfg, "thu_hoi.co_quan_de_nghi", why);
}

/* han_ban_giao_thiet_bi: 5 working days from the revocation (seed §2.4.2); past it on the
 * as-of date, ban-giao-qua-han. */
static void rule_token_back(ctx *c)
{
    if (!proc_is(c, "thu-hoi") && !proc_is(c, "ban-giao-thiet-bi"))
        return;
    date from;
    if (!get_date(c, "ngay_thu_hoi", &from))
        from = c->req_date;
    size_t nh;
    const date *hol = config_holidays(c->cfg, &nh);
    int days = (int)config_param(c->cfg, "ban_giao_ngay_lam_viec", 5);
    date due = date_add_working_days(from, days, hol, nh);
    set_derived_date(c, "han_ban_giao_thiet_bi", due);
    if (!proc_is(c, "ban-giao-thiet-bi") || date_cmp(c->as_of, due) <= 0)
        return;
    char due_vn[16], from_vn[16], n[16];
    date_format_vn(due, due_vn);
    date_format_vn(from, from_vn);
    snprintf(n, sizeof n, "%02d", days);
    const char *pairs[] = {"han", due_vn, "so_ngay", n, "ngay_thu_hoi", from_vn, NULL};
    add_finding(c, "ban-giao-qua-han", "ngay_thu_hoi", pairs);
}

/* han_khoi_phuc: the provider recovers a locked token within 24 hours (seed §2.5.1). */
static void derive_recovery(ctx *c)
{
    if (!proc_is(c, "khoi-phuc"))
        return;
    long hours = config_param(c->cfg, "khoi_phuc_gio", 24);
    date d = date_add_days(c->req_date, hours / 24);
    char iso[16], stamp[32];
    date_format_iso(d, iso);
    snprintf(stamp, sizeof stamp, "%sT%02ld:00:00", iso, hours % 24);
    record_set(&c->v->derived, "han_khoi_phuc", stamp);
}

/* ---- the managing agency ---- */

static const char *const AGENCY_KEYS[] = {"co_quan_quan_ly", "co_quan_chu_quan",   "ky_hieu",
                                          "thu_truong",      "chuc_vu_thu_truong", "quyen_ky",
                                          "dia_chi_co_quan", "dien_thoai_co_quan", "email_co_quan"};
/* Details a cover letter cannot do without (NĐ 30/2020 header and signature). */
static const char *const AGENCY_NEEDED[] = {"co_quan_chu_quan", "ky_hieu", "thu_truong",
                                            "chuc_vu_thu_truong"};

/* The agency's letter details: from the row, else the register (thong-tin-co-quan). */
static void rule_agency_details(ctx *c)
{
    const char *name = record_get(c->rec, "co_quan_quan_ly");
    if (str_empty(name))
        return;
    const record *reg = config_agency(c->cfg, name);
    for (size_t i = 0; i < sizeof AGENCY_KEYS / sizeof AGENCY_KEYS[0]; i++) {
        const char *v = record_get(c->rec, AGENCY_KEYS[i]);
        if (str_empty(v) && reg)
            v = record_get(reg, AGENCY_KEYS[i]);
        record_set(c->v->agency, AGENCY_KEYS[i], v);
    }
    for (size_t i = 0; i < sizeof AGENCY_NEEDED / sizeof AGENCY_NEEDED[0]; i++) {
        if (record_has(c->v->agency, AGENCY_NEEDED[i]))
            continue;
        const char *pairs[] = {"truong", roster_label(AGENCY_NEEDED[i]), "co_quan", name, NULL};
        add_finding(c, "thong-tin-co-quan", AGENCY_NEEDED[i], pairs);
    }
}

typedef void (*rule_fn)(ctx *c);

/* The coded values and dates come first: the others read what they settle. */
static const rule_fn RULES[] = {
    rule_coded_values, rule_excel_damage, rule_lengths,        rule_dates,
    rule_agency_named, rule_required,     rule_head_confirmed, rule_cccd,
    rule_serials,      rule_email,        rule_phone,          rule_new,
    derive_new,        rule_renew_once,   rule_days_left,      rule_change,
    rule_revoke,       rule_token_back,   derive_recovery,     rule_agency_details,
};

static void settle(verdict *v)
{
    v->accepted = 1;
    for (size_t i = 0; i < v->nfindings; i++)
        if (v->findings[i].sev == SEV_ERROR)
            v->accepted = 0;
    if (!v->accepted) /* ROSTER.md: a rejected request has no derived dates */
        record_release(&v->derived);
}

/* A register row (docs/register.md) is checked by the rules that judge values, not a request:
 * no procedure, no head's confirmation, its own required fields, and no letter (so not the
 * agency's letter details, thong-tin-co-quan). */
static const rule_fn REGISTER_RULES[] = {
    rule_coded_values,      rule_excel_damage, rule_lengths, rule_dates, rule_agency_named,
    rule_required,          rule_cccd,         rule_serials, rule_email, rule_phone,
    rule_register_renewals,
};

static void check_one(const roster *src, const record *rec, const config *cfg, date as_of,
                      int flags, verdict *v)
{
    memset(v, 0, sizeof *v);
    v->file = src->path;
    v->rec = rec;
    v->agency = xcalloc(1, sizeof *v->agency);
    ctx c = {cfg, rec, v, as_of, as_of, 1, flags};
    const rule_fn *rules = flags & RULES_REGISTER ? REGISTER_RULES : RULES;
    size_t n = flags & RULES_REGISTER ? sizeof REGISTER_RULES / sizeof REGISTER_RULES[0]
                                      : sizeof RULES / sizeof RULES[0];
    for (size_t i = 0; i < n; i++)
        rules[i](&c);
    explain_damage_once(v);
    v->ten = xstrdup(record_get(rec, c.individual ? "ho_ten" : "ten_co_quan"));
    settle(v);
    record_trim(v->agency);
    record_trim(&v->derived);
}

void rules_check_one(const roster *src, const record *rec, const config *cfg, date as_of,
                     verdict *v)
{
    check_one(src, rec, cfg, as_of, 0, v);
}

void rules_check_one_with(const roster *src, const record *rec, const config *cfg, date as_of,
                          int flags, verdict *v)
{
    check_one(src, rec, cfg, as_of, flags, v);
}

void verdict_release(verdict *v)
{
    for (size_t i = 0; i < v->nfindings; i++) {
        free(v->findings[i].field);
        free(v->findings[i].message);
        free(v->findings[i].basis);
    }
    free(v->findings);
    free(v->ten);
    free(v->documents);
    if (!v->agency_shared && v->agency) {
        record_release(v->agency);
        free(v->agency);
    }
    record_release(&v->derived);
    memset(v, 0, sizeof *v);
}

/* ---- trung-lap: the same subscriber and procedure earlier in the run ---- */

/* procedure|subscriber: a CCCD for a person, the folded name of an organisation. */
static char *subscriber_key(const verdict *v)
{
    int individual = strcmp(v->loai_thue_bao, "co-quan") != 0;
    const char *id = record_get(v->rec, individual ? "so_cccd" : "ten_co_quan");
    if (!v->thu_tuc[0] || str_empty(id))
        return NULL;
    char *folded = individual ? str_trim_dup(id) : text_fold_key(id);
    char *key = xasprintf("%s|%s", v->thu_tuc, folded);
    free(folded);
    return key;
}

static char *serial_key(const char *raw, int spaces)
{
    char *serial = str_trim_dup(raw), *to = serial;
    for (const char *p = serial; *p; p++) {
        if (!spaces && (*p == ' ' || *p == '\t'))
            continue;
        *to++ = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    }
    *to = '\0';
    return serial;
}

char *rules_serial_key(const char *raw)
{
    return serial_key(raw, 0);
}

static char *request_key(const verdict *v, int spaces)
{
    char *who = subscriber_key(v);
    if (!who)
        return NULL;
    char *serial = serial_key(record_get(v->rec, "so_hieu_cts"), spaces);
    char *key = xasprintf("%s|%s", who, serial);
    free(who);
    free(serial);
    return key;
}

char *rules_request_key(const verdict *v)
{
    return request_key(v, 0);
}

char *rules_request_key_legacy(const verdict *v)
{
    char *now = request_key(v, 0), *then = request_key(v, 1);
    int same = !now || !then || strcmp(now, then) == 0;
    free(now);
    if (same) {
        free(then);
        return NULL;
    }
    return then;
}

/* A finding added after the checks (by the run), with the verdict settled again. */
static void add_late(verdict *v, const config *cfg, const char *id, const char *field,
                     const char *const *pairs)
{
    ctx c = {cfg, v->rec, v, {0, 0, 0}, {0, 0, 0}, 1, 0};
    add_finding(&c, id, field, pairs);
}

void rules_note_issued(verdict *v, const config *cfg, const char *day, const char *file)
{
    date d;
    char shown[16];
    if (date_parse(day, &d) == DATE_OK)
        snprintf(shown, sizeof shown, "%02d/%02d/%04d", d.d, d.m, d.y);
    else
        snprintf(shown, sizeof shown, "%.10s", day);
    const char *slash = strrchr(file, '/');
    const char *name = !file[0] ? "không có văn bản riêng" : slash ? slash + 1 : file;
    const char *pairs[] = {"ngay", shown, "tep", name, NULL};
    add_late(v, cfg, "da-lap", "", pairs);
    v->issued_before = 1;
}

void rules_note_not_made(verdict *v, const config *cfg, const char *reason)
{
    const char *pairs[] = {"ly_do", reason, NULL};
    add_late(v, cfg, "khong-lap-duoc", "", pairs);
    v->accepted = 0;
    record_release(&v->derived);
}

/* Only accepted rows count as "earlier": a rejected row is not filed, so the clerk's
 * corrected copy of it further down must go through. */
static void check_duplicate(batch *b, size_t i, const config *cfg, strmap *t)
{
    verdict *v = &b->v[i];
    if (!v->accepted || !v->thu_tuc[0])
        return;
    int individual = strcmp(v->loai_thue_bao, "co-quan") != 0;
    /* NĐ 130 Điều 63 is per certificate: a request about an existing one (renewal, change,
     * revocation) is the same request only for the same serial; cap-moi keys on the
     * subscriber */
    char *key = rules_register_tracks(v, cfg) ? request_key(v, 0) : subscriber_key(v);
    if (!key)
        return;
    size_t earlier;
    int seen = strmap_put(t, key, i, &earlier);
    free(key);
    if (!seen)
        return;
    const verdict *first = &b->v[earlier];
    char *where = xasprintf("dòng %ld của tệp %s", first->rec->line, first->file);
    const char *pairs[] = {"thu_tuc",   config_value_label(cfg, "thu_tuc", v->thu_tuc),
                           "ten",       v->ten,
                           "noi_truoc", where,
                           NULL};
    ctx c = {cfg, v->rec, v, b->as_of, b->as_of, individual, 0};
    add_finding(&c, "trung-lap", individual ? "so_cccd" : "ten_co_quan", pairs);
    free(where);
    settle(v);
}

/* Two accepted requests of one procedure on one certificate in the batch, under different
 * subscriber identities (a CCCD mistyped on one): the second is trung-lap too, as a second
 * request would be across runs (issue 12; case cung-chung-thu). */
static void check_duplicate_serial(batch *b, size_t i, const config *cfg, strmap *t)
{
    verdict *v = &b->v[i];
    if (!v->accepted || !rules_register_tracks(v, cfg))
        return;
    char *serial = rules_serial_key(record_get(v->rec, "so_hieu_cts"));
    char *key = xasprintf("cts|%s|%s", v->thu_tuc, serial);
    size_t earlier;
    if (strmap_put(t, key, i, &earlier)) {
        const verdict *first = &b->v[earlier];
        char *where = xasprintf("dòng %ld của tệp %s", first->rec->line, first->file);
        const char *pairs[] = {
            "so_hieu",   serial, "thu_tuc", config_value_label(cfg, "thu_tuc", v->thu_tuc),
            "noi_truoc", where,  NULL};
        ctx c = {cfg, v->rec, v, b->as_of, b->as_of, 1, 0};
        add_case(&c, "trung-lap", "cung-chung-thu", "so_hieu_cts", pairs);
        free(where);
        settle(v);
    }
    free(key);
    free(serial);
}

/* Rows of one agency carry the same details: the later ones share the first one's record
 * (700 bytes a row on a 20,000-row roster). `seen` maps the details to that row. */
static void share_agency(batch *b, size_t i, strmap *seen)
{
    verdict *v = &b->v[i];
    buf key;
    buf_init(&key, 0);
    for (size_t k = 0; k < v->agency->nfields; k++)
        buf_printf(&key, "%s=%s\x1f", v->agency->fields[k].key, v->agency->fields[k].value);
    size_t first;
    if (!key.full && strmap_put(seen, buf_str(&key), i, &first)) {
        record_release(v->agency);
        free(v->agency);
        v->agency = b->v[first].agency;
        v->agency_shared = 1;
    }
    buf_release(&key);
}

/* A register file names each certificate once: a second row of the same serial is trung-lap
 * (docs/register.md), the first one kept. */
static void check_register_duplicate(batch *b, size_t i, const config *cfg, strmap *t)
{
    verdict *v = &b->v[i];
    if (!v->accepted || !record_has(v->rec, "so_hieu_cts"))
        return;
    char *key = rules_serial_key(record_get(v->rec, "so_hieu_cts"));
    size_t earlier;
    if (strmap_put(t, key, i, &earlier))
        rules_note_register_twice(v, cfg, b->v[earlier].rec->line, b->v[earlier].file);
    free(key);
}

void rules_note_register_twice(verdict *v, const config *cfg, long first_line,
                               const char *first_file)
{
    char *key = rules_serial_key(record_get(v->rec, "so_hieu_cts"));
    char *where = xasprintf("dòng %ld của tệp %s", first_line, first_file);
    const char *pairs[] = {"so_hieu", key, "noi_truoc", where, NULL};
    ctx c = {cfg, v->rec, v, {0, 0, 0}, {0, 0, 0}, 1, RULES_REGISTER};
    add_case(&c, "trung-lap", "so-dang-ky", "so_hieu_cts", pairs);
    free(where);
    free(key);
    settle(v);
}

batch *rules_check(roster *const *rosters, size_t n, const config *cfg, date as_of)
{
    return rules_check_with(rosters, n, cfg, as_of, 0);
}

batch *rules_check_with(roster *const *rosters, size_t n, const config *cfg, date as_of, int flags)
{
    batch *b = xcalloc(1, sizeof *b);
    b->as_of = as_of;
    strmap *t = strmap_new(), *seen = strmap_new();
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += rosters[i]->nrecords;
    b->recs = xcalloc(total ? total : 1, sizeof *b->recs); /* never moved once filled */
    b->v = xcalloc(total ? total : 1, sizeof *b->v);
    b->cap = total;
    b->files = xcalloc(n ? n : 1, sizeof *b->files);
    b->nfiles = n;
    for (size_t i = 0; i < n; i++) {
        roster *r = rosters[i];
        b->files[i] = xstrdup(r->path);
        for (size_t k = 0; k < r->nrecords; k++) {
            b->recs[b->n] = r->records[k]; /* taken: the roster keeps none */
            verdict *v = &b->v[b->n];
            check_one(r, &b->recs[b->n], cfg, as_of, flags, v);
            v->file = b->files[i];
            v->from = i;
            if (flags & RULES_REGISTER)
                check_register_duplicate(b, b->n, cfg, t);
            else
                check_duplicate(b, b->n, cfg, t), check_duplicate_serial(b, b->n, cfg, t);
            share_agency(b, b->n, seen);
            b->n++;
        }
        free(r->records);
        r->records = NULL;
        r->nrecords = r->cap = 0;
    }
    strmap_free(t);
    strmap_free(seen);
    return b;
}

void batch_free(batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        verdict_release(&b->v[i]);
        record_release(&b->recs[i]);
    }
    for (size_t i = 0; i < b->nfiles; i++)
        free(b->files[i]);
    free(b->files);
    free(b->recs);
    free(b->v);
    free(b);
}

const char *severity_name(severity s)
{
    static const char *const names[] = {"error", "warning", "info"};
    return names[s];
}

/* ---- what the certificate register says (issue 12, docs/register.md) ---- */

static void register_finding(verdict *v, const config *cfg, const char *id, const char *variant,
                             const char *field, const char *const *pairs)
{
    ctx c = {cfg, v->rec, v, {0, 0, 0}, {0, 0, 0}, 1, 0};
    add_case(&c, id, variant, field, pairs);
}

int rules_register_tracks(const verdict *v, const config *cfg)
{
    return v->thu_tuc && v->thu_tuc[0] && record_has(v->rec, "so_hieu_cts") &&
           config_list_has(cfg, "so_dang_ky.theo_doi", v->thu_tuc);
}

void rules_note_register(verdict *v, const config *cfg, const rules_cert *rc)
{
    if (!v->accepted || !rules_register_tracks(v, cfg))
        return;
    char *serial = rules_serial_key(record_get(v->rec, "so_hieu_cts"));
    const char *proc = config_value_label(cfg, "thu_tuc", v->thu_tuc);
    if (!rc->known) {
        if (rc->register_size > 0) { /* an empty register knows nothing yet: no finding */
            const char *pairs[] = {"so_hieu", serial, NULL};
            register_finding(v, cfg, "so-dang-ky-khong-co", NULL, "so_hieu_cts", pairs);
        }
        goto out;
    }
    const char *st = rc->status ? rc->status : "";
    int revoked = strcmp(st, "thu-hoi") == 0;
    int expired = strcmp(st, "het-han") == 0 && strcmp(v->thu_tuc, "thu-hoi") != 0;
    if (revoked || expired) {
        const char *pairs[] = {"so_hieu", serial, "thu_tuc", proc, NULL};
        register_finding(v, cfg, "so-dang-ky-trang-thai", revoked ? "thu-hoi" : "het-han",
                         "so_hieu_cts", pairs);
    }
    if (strcmp(v->thu_tuc, "gia-han") == 0) { /* NĐ 130 Điều 63, seed §2.3.1: once only */
        long max = config_param(cfg, "gia_han_so_lan_toi_da", 1), said;
        const char *raw = record_get(v->rec, "so_lan_gia_han");
        char t[24], m[24];
        snprintf(t, sizeof t, "%ld", rc->renewals);
        snprintf(m, sizeof m, "%02ld", max);
        if (rc->renewals >= max) {
            const char *pairs[] = {"so_lan", t, "toi_da", m, NULL};
            register_finding(v, cfg, "gia-han-mot-lan", "so-dang-ky", "so_lan_gia_han", pairs);
        }
        if (!str_empty(raw) && str_to_long(raw, &said) == 0 && said != rc->renewals) {
            const char *pairs[] = {"danh_sach", raw, "so_dang_ky", t, NULL};
            register_finding(v, cfg, "so-lan-gia-han-khac", NULL, "so_lan_gia_han", pairs);
        }
    }
    if (rc->pending) {
        char day[16], run[24];
        date_text_vn(rc->pending_date, day);
        snprintf(run, sizeof run, "%lld", rc->pending_run);
        const char *pproc = config_value_label(cfg, "thu_tuc", rc->pending_procedure);
        const char *pairs[] = {"so_hieu", serial, "thu_tuc", pproc, "lan_chay",
                               run,       "ngay", day,       NULL};
        int same = strcmp(rc->pending_procedure, v->thu_tuc) == 0;
        /* the same procedure again is a second request (trung-lap across runs); another one
         * (a revocation while a renewal waits) may be right: the clerk is told */
        register_finding(v, cfg, same ? "trung-lap" : "so-dang-ky-dang-cho",
                         same ? "lan-chay-truoc" : NULL, "so_hieu_cts", pairs);
    }
    settle(v);
out:
    free(serial);
}

/* RULES.md "Derived": every key a verdict's derived record may hold. test_rules checks that
 * the rules set no other. */
static const char *const DERIVED[] = {"ngay_du_kien_cap", "thoi_han_nam", "ngay_het_han_moi",
                                      "han_ban_giao_thiet_bi", "han_khoi_phuc"};

int rules_derives(const char *key)
{
    for (size_t i = 0; i < sizeof DERIVED / sizeof *DERIVED; i++)
        if (strcmp(DERIVED[i], key) == 0)
            return 1;
    return 0;
}
