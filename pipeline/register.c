/* register: the certificate register's commands and what run asks of it (register.h; issue
 * 12, docs/register.md). The rows are checked by rules.c, stored by ledger.c; what is here
 * is how a row becomes a certificate, what an import changes, and how the provider's answer
 * settles a pending request (NĐ 130/2018 Điều 63: a renewal adds gia_han_them_nam years,
 * once only). */
#include "register.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "log.h"
#include "publish.h"
#include "read.h"
#include "report.h"
#include "util.h"
#include "xlsxreport.h"

int register_open(const run_options *o, ledger **l)
{
    char err[512];
    char *db = o->db ? xstrdup(o->db) : xasprintf("%s/ctsbatch.db", o->out);
    int rc = LEDGER_OK;
    if (!o->db && publish_mkdirs(o->out) < 0) {
        snprintf(err, sizeof err, "cannot create %s: %s", o->out, strerror(errno));
        rc = LEDGER_ERROR;
    } else {
        rc = ledger_open(db, o->wait, l, err, sizeof err);
    }
    if (rc == LEDGER_BUSY)
        log_line(LOGP_WARN, "another run is using the ledger %s; nothing was done (waited %ld s)",
                 db, o->wait);
    else if (rc != LEDGER_OK)
        log_line(LOGP_ERROR, "%s", err);
    free(db);
    return rc == LEDGER_OK ? RUN_OK : rc == LEDGER_BUSY ? RUN_BUSY : RUN_OUTPUT;
}

int register_ledger_exists(const run_options *o, const char *what)
{
    char *db = o->db ? xstrdup(o->db) : xasprintf("%s/ctsbatch.db", o->out);
    struct stat st;
    int e = stat(db, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : EISDIR;
    if (e)
        log_line(LOGP_ERROR,
                 "%s: no ledger at %s (%s); give the --out or --db of the register, or import "
                 "one first",
                 what, db, strerror(e));
    free(db);
    return e ? -1 : 0;
}

/* ---- a row as a certificate ---- */

/* A date field as ISO, "" when blank or not a date (the rules reject the latter). */
static char *iso_of(const record *rec, const char *key)
{
    date d;
    char iso[16] = "";
    if (record_has(rec, key) && date_parse(record_get(rec, key), &d) == DATE_OK)
        date_format_iso(d, iso);
    return xstrdup(iso);
}

void register_cert_of(const record *rec, const config *cfg, ledger_cert *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        const char *key = LEDGER_CERT_KEYS[i];
        const char *raw = record_get(rec, key);
        if (i == LEDGER_CERT_SERIAL) {
            out->v[i] = rules_serial_key(raw);
        } else if (i == LEDGER_CERT_BIRTH || i == LEDGER_CERT_ISSUED || i == LEDGER_CERT_EXPIRY) {
            out->v[i] = iso_of(rec, key);
        } else if (i == LEDGER_CERT_TYPE || i == LEDGER_CERT_STATUS) {
            const char *c = str_empty(raw) ? NULL : config_value_canonical(cfg, key, raw);
            out->v[i] = xstrdup(c ? c : "");
        } else if (i == LEDGER_CERT_RENEWALS) {
            long n;
            char s[24] = "";
            if (!str_empty(raw) && str_to_long(raw, &n) == 0 && n >= 0)
                snprintf(s, sizeof s, "%ld", n);
            out->v[i] = xstrdup(s);
        } else {
            out->v[i] = str_trim_dup(raw);
        }
    }
}

/* The certificate the register holds after this row: the row's values, the register's where
 * the row is blank, defaults for a new one (never renewed, active). */
static void merge(ledger_cert *row, const ledger_cert *old)
{
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        if (row->v[i][0])
            continue;
        const char *keep = old                         ? old->v[i]
                           : i == LEDGER_CERT_RENEWALS ? "0"
                           : i == LEDGER_CERT_STATUS   ? "hoat-dong"
                                                       : "";
        free(row->v[i]);
        row->v[i] = xstrdup(keep);
    }
}

/* A value as the clerk reads it in the lines that say what changed: dates dd/mm/yyyy. */
static void shown(const char *key, const char *v, char *out, size_t len)
{
    date d;
    if (strncmp(key, "ngay_", 5) == 0 && v[0] && date_parse(v, &d) == DATE_OK) {
        char vn[16];
        date_format_vn(d, vn);
        snprintf(out, len, "%s", vn);
    } else {
        snprintf(out, len, "%s", v[0] ? v : "(trống)");
    }
}

/* "ngay_het_han 15/03/2027 → 15/03/2030; ..." for what differs, "" when nothing does. */
static char *changes(const ledger_cert *old, const ledger_cert *now)
{
    buf b;
    buf_init(&b, 0);
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        if (strcmp(old->v[i], now->v[i]) == 0)
            continue;
        char a[256], z[256];
        shown(LEDGER_CERT_KEYS[i], old->v[i], a, sizeof a);
        shown(LEDGER_CERT_KEYS[i], now->v[i], z, sizeof z);
        buf_printf(&b, "%s%s %s → %s", b.len ? "; " : "", LEDGER_CERT_KEYS[i], a, z);
    }
    return buf_detach(&b);
}

/* ---- import ---- */

/* A config text (<site> value key) with its {placeholders} filled (the caller frees). */
static char *site_text(const config *cfg, const char *key, const char *const *kv)
{
    return str_expand_pairs(config_site(cfg, key), kv);
}

/* "so.csv, dòng 7, «Ngày hết hạn»: message" for the clerk. */
static void say_field(FILE *out, const verdict *v, const char *key, const char *message)
{
    const char *slash = strrchr(v->file, '/');
    fprintf(out, "  %s, dòng %ld, «%s»: %s\n", slash ? slash + 1 : v->file, v->rec->line,
            roster_label(key), message);
}

/* NĐ 130 Điều 63, renew-once: a row that would lower so_lan_gia_han below the renewals the
 * provider confirmed, or move ngay_het_han back before a confirmed renewal's new expiry (a
 * stale register file), keeps the register's values for those fields, said per field. */
static int keep_confirmed(ledger *l, const config *cfg, const verdict *v, ledger_cert *row,
                          const ledger_cert *old, FILE *out, char *err, size_t errlen)
{
    long confirmed, n = 0;
    char newest[16];
    const char *serial = row->v[LEDGER_CERT_SERIAL];
    if (ledger_cert_confirmed(l, serial, &confirmed, newest, sizeof newest, err, errlen) < 0)
        return -1;
    if (confirmed == 0)
        return 0;
    char cnt[24], was[64], now[64];
    snprintf(cnt, sizeof cnt, "%ld", confirmed);
    str_to_long(row->v[LEDGER_CERT_RENEWALS], &n);
    if (n < confirmed && strcmp(row->v[LEDGER_CERT_RENEWALS], old->v[LEDGER_CERT_RENEWALS])) {
        const char *kv[] = {"so_dang_ky", old->v[LEDGER_CERT_RENEWALS],
                            "trong_tep",  row->v[LEDGER_CERT_RENEWALS],
                            "so_lan",     cnt,
                            "so_hieu",    serial,
                            NULL};
        char *say = site_text(cfg, "so_dang_ky_giu_so_lan", kv);
        say_field(out, v, "so_lan_gia_han", say);
        free(say);
        free(row->v[LEDGER_CERT_RENEWALS]);
        row->v[LEDGER_CERT_RENEWALS] = xstrdup(old->v[LEDGER_CERT_RENEWALS]);
    }
    const char *exp = row->v[LEDGER_CERT_EXPIRY];
    if (newest[0] && exp[0] && strcmp(exp, newest) < 0 &&
        strcmp(exp, old->v[LEDGER_CERT_EXPIRY]) != 0) {
        char moi[64];
        shown("ngay_het_han", old->v[LEDGER_CERT_EXPIRY], was, sizeof was);
        shown("ngay_het_han", exp, now, sizeof now);
        shown("ngay_het_han", newest, moi, sizeof moi);
        const char *kv[] = {"so_dang_ky", was,       "trong_tep", now, "ngay_moi",
                            moi,          "so_hieu", serial,      NULL};
        char *say = site_text(cfg, "so_dang_ky_giu_het_han", kv);
        say_field(out, v, "ngay_het_han", say);
        free(say);
        free(row->v[LEDGER_CERT_EXPIRY]);
        row->v[LEDGER_CERT_EXPIRY] = xstrdup(old->v[LEDGER_CERT_EXPIRY]);
    }
    return 0;
}

typedef struct tally {
    size_t rows, added, updated, same, rejected;
} tally;

/* "so.csv, dòng 7, «Số CCCD»: message" for every error of a rejected row. */
static void say_rejected(FILE *out, const verdict *v)
{
    const char *slash = strrchr(v->file, '/');
    for (size_t k = 0; k < v->nfindings; k++) {
        const finding *f = &v->findings[k];
        if (f->sev != SEV_ERROR)
            continue;
        fprintf(out, "  %s, dòng %ld%s%s%s: %s\n", slash ? slash + 1 : v->file, v->rec->line,
                f->field[0] ? ", «" : "", f->field[0] ? roster_label(f->field) : "",
                f->field[0] ? "»" : "", f->message);
    }
}

/* An import that revokes a certificate with a request still pending says so, naming the
 * request: a renewal or change of a revoked certificate cannot be confirmed (NĐ 130 Điều
 * 63, 68); the clerk withdraws it. 0 or -1 (ledger error). */
static int say_revoked_pending(ledger *l, const config *cfg, const verdict *v,
                               const ledger_cert *row, const ledger_cert *old, FILE *out, char *err,
                               size_t errlen)
{
    if (strcmp(row->v[LEDGER_CERT_STATUS], "thu-hoi") != 0 ||
        (old && strcmp(old->v[LEDGER_CERT_STATUS], "thu-hoi") == 0))
        return 0;
    ledger_pending p;
    int found = ledger_cert_pending(l, row->v[LEDGER_CERT_SERIAL], &p, err, errlen);
    if (found <= 0)
        return found;
    char run[24], day[64];
    snprintf(run, sizeof run, "%lld", p.run);
    shown("ngay_", p.date, day, sizeof day);
    const char *kv[] = {"so_hieu",  row->v[LEDGER_CERT_SERIAL],
                        "thu_tuc",  config_value_label(cfg, "thu_tuc", p.procedure),
                        "lan_chay", run,
                        "ngay",     day,
                        NULL};
    char *say = site_text(cfg, "so_dang_ky_thu_hoi_dang_cho", kv);
    say_field(out, v, "trang_thai", say);
    free(say);
    return 0;
}

/* One accepted row into the register. 0 or -1 (ledger error in err). */
static int import_row(ledger *l, const config *cfg, const verdict *v, const char *now, tally *t,
                      FILE *out, char *err, size_t errlen)
{
    ledger_cert row, old;
    register_cert_of(v->rec, cfg, &row);
    int found = ledger_cert_get(l, row.v[LEDGER_CERT_SERIAL], &old, err, errlen);
    int rc = found < 0 ? -1 : 0;
    if (found > 0) {
        merge(&row, &old);
        if (keep_confirmed(l, cfg, v, &row, &old, out, err, errlen) < 0)
            found = -1, rc = -1;
    } else if (found == 0) {
        merge(&row, NULL);
    }
    if (found >= 0 &&
        say_revoked_pending(l, cfg, v, &row, found ? &old : NULL, out, err, errlen) < 0)
        found = -1, rc = -1;
    if (found >= 0) {
        char *what = found ? changes(&old, &row) : NULL;
        if (found && !what[0]) {
            t->same++;
        } else {
            rc = ledger_cert_put(l, &row, now, err, errlen);
            if (found) {
                t->updated++;
                fprintf(out, "  updated %s: %s\n", row.v[LEDGER_CERT_SERIAL], what);
            } else {
                t->added++;
            }
        }
        free(what);
    }
    ledger_cert_release(&row);
    ledger_cert_release(&old);
    return rc;
}

/* docs/register.md: a blank cell keeps the register's value. So that a partial update file
 * (so_hieu_cts,trang_thai) of a certificate the register holds is checked as the row it
 * makes, its blanks are filled from the register before the rules see it; a serial the
 * register does not hold still needs every required field. 0 or -1 (ledger error). */
static int complete_from_register(ledger *l, record *rec, char *err, size_t errlen)
{
    if (!record_has(rec, "so_hieu_cts"))
        return 0;
    char *serial = rules_serial_key(record_get(rec, "so_hieu_cts"));
    ledger_cert c;
    int found = ledger_cert_get(l, serial, &c, err, errlen);
    free(serial);
    if (found < 0)
        return -1;
    for (int i = 0; found && i < LEDGER_CERT_NFIELDS; i++)
        if (i != LEDGER_CERT_SERIAL && c.v[i][0] && !record_has(rec, LEDGER_CERT_KEYS[i]))
            record_set(rec, LEDGER_CERT_KEYS[i], c.v[i]);
    ledger_cert_release(&c);
    return 0;
}

/* One file being imported, a row at a time (read_roster_each): memory does not grow with the
 * file (issue 12 item 5), and a serial given twice in it is found through the ledger. */
typedef struct importer {
    ledger *l;
    const run_options *o;
    const config *cfg;
    FILE *out;
    char now[32];
    tally t;
    char *err;
    size_t errlen;
    int failed; /* a ledger error: the read was stopped, err says why */
    int noted;  /* the file's warnings were said */
} importer;

/* The file's warnings (lost zeros put back, dates read month first, unknown columns), said
 * once before its rows: they explain what the rows' values became. */
static void say_notes(importer *im, const roster *r)
{
    if (im->noted)
        return;
    im->noted = 1;
    const char *slash = strrchr(r->path, '/');
    for (size_t i = 0; i < r->nwarnings; i++) {
        const roster_note *w = &r->warnings[i];
        if (w->line > 0)
            fprintf(im->out, "  %s, dòng %ld: %s\n", slash ? slash + 1 : r->path, w->line,
                    w->message);
        else
            fprintf(im->out, "  %s: %s\n", slash ? slash + 1 : r->path, w->message);
    }
}

static int import_record(void *p, roster *r, record *rec)
{
    importer *im = p;
    say_notes(im, r);
    if (complete_from_register(im->l, rec, im->err, im->errlen) < 0)
        return im->failed = 1, -1;
    verdict v;
    rules_check_one_with(r, rec, im->cfg, im->o->as_of, RULES_REGISTER, &v);
    int rc = 0;
    im->t.rows++;
    if (v.accepted) { /* a register file names each certificate once (docs/register.md) */
        char *serial = rules_serial_key(record_get(rec, "so_hieu_cts"));
        long first = 0;
        char first_file[1024];
        int seen = ledger_seen_put(im->l, serial, r->path, rec->line, &first, first_file,
                                   sizeof first_file, im->err, im->errlen);
        free(serial);
        if (seen < 0)
            rc = -1;
        else if (seen)
            rules_note_register_twice(&v, im->cfg, first, first_file);
    }
    if (rc == 0 && !v.accepted) {
        im->t.rejected++;
        say_rejected(im->out, &v);
    } else if (rc == 0) {
        rc = import_row(im->l, im->cfg, &v, im->now, &im->t, im->out, im->err, im->errlen);
    }
    verdict_release(&v);
    if (rc < 0)
        im->failed = 1;
    return rc;
}

static int import_file(ledger *l, const char *path, const run_options *o, const config *cfg,
                       tally *all, FILE *out, char *err, size_t errlen)
{
    read_options ro = {o->encoding, o->schema, NULL, 0};
    ro.aliases = config_aliases(cfg, &ro.naliases);
    importer im = {l, o, cfg, out, "", {0, 0, 0, 0, 0}, err, errlen, 0, 0};
    time_now_iso(im.now, sizeof im.now);
    /* a file names each certificate once; a later file of the import may update an earlier */
    if (ledger_seen_reset(l, err, errlen) < 0)
        return -1;
    roster *r = read_roster_each(path, &ro, import_record, &im);
    /* it changed while read: rows of it may have been written */
    if (r->failed && (r->changed || im.t.rows)) {
        snprintf(err, errlen, "%s changed while it was read (%s)", path, r->error.message);
        roster_free(r);
        return -1;
    }
    if (r->failed) {
        char *why = report_unreadable(r);
        fprintf(out, "register: %s cannot be read: %s\n", path, why);
        free(why);
        roster_free(r);
        all->rejected++;
        return 0;
    }
    say_notes(&im, r);
    roster_free(r);
    if (im.failed)
        return -1;
    tally t = im.t;
    fprintf(out, "register: %s: %zu row(s): %zu added, %zu updated, %zu unchanged, %zu rejected\n",
            path, t.rows, t.added, t.updated, t.same, t.rejected);
    all->rows += t.rows, all->added += t.added, all->updated += t.updated;
    all->same += t.same, all->rejected += t.rejected;
    return 0;
}

int register_import(char *const *files, size_t n, const run_options *o, const config *cfg,
                    FILE *out)
{
    char err[512];
    ledger *l = NULL;
    int rc = register_open(o, &l);
    if (rc != RUN_OK)
        return rc;
    tally all = {0};
    /* one transaction: an import is in the register whole or not at all */
    int bad = ledger_tx_begin(l, err, sizeof err);
    for (size_t i = 0; i < n && bad == 0; i++)
        bad = import_file(l, files[i], o, cfg, &all, out, err, sizeof err);
    if (bad == 0)
        bad = ledger_tx_commit(l, err, sizeof err);
    else
        ledger_tx_abort(l);
    if (bad) {
        log_line(LOGP_ERROR, "%s; nothing was imported", err);
        rc = RUN_OUTPUT;
    } else {
        if (all.added + all.updated == 0)
            fprintf(out, "register: nothing changed: the register already holds every "
                         "accepted row as it is\n");
        rc = all.rejected ? RUN_REJECTED : RUN_OK;
    }
    ledger_close(l);
    return rc;
}

/* ---- export ---- */

typedef struct exporter {
    FILE *csv;
    xlsxtable *x;
    buf line;
    size_t rows;
} exporter;

static int export_one(void *p, const ledger_cert *c)
{
    exporter *e = p;
    char vals[LEDGER_CERT_NFIELDS][256];
    const char *cells[LEDGER_CERT_NFIELDS];
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        date d;
        if (strncmp(LEDGER_CERT_KEYS[i], "ngay_", 5) == 0 && c->v[i][0] &&
            date_parse(c->v[i], &d) == DATE_OK) {
            date_format_vn(d, vals[i]);
            cells[i] = vals[i];
        } else {
            cells[i] = c->v[i];
        }
    }
    e->rows++;
    if (e->x)
        return xlsxtable_add_row(e->x, cells) < 0 ? -1 : 0;
    buf_reset(&e->line);
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++)
        csv_write_cell(&e->line, cells[i], i == LEDGER_CERT_NFIELDS - 1);
    return fwrite(e->line.data, 1, e->line.len, e->csv) == e->line.len ? 0 : -1;
}

int register_export(const run_options *o, const config *cfg, const char *format, const char *to,
                    FILE *out)
{
    (void)cfg;
    if (register_ledger_exists(o, "register export") < 0)
        return RUN_USAGE;
    char err[512] = "", tmp[4096];
    int xlsx = strcmp(format, "xlsx") == 0;
    ledger *l = NULL;
    int rc = register_open(o, &l);
    if (rc != RUN_OK)
        return rc;
    char *path = to ? xstrdup(to) : xasprintf("%s/so-dang-ky.%s", o->out, xlsx ? "xlsx" : "csv");
    exporter e = {0};
    buf_init(&e.line, 0);
    FILE *f = publish_atomic_open(path, tmp, sizeof tmp, err, sizeof err);
    int bad = f ? 0 : -1;
    if (f && xlsx) {
        e.x = xlsxtable_new(tmp, o->epoch, "Sổ đăng ký chứng thư số", "Sổ đăng ký",
                            LEDGER_CERT_KEYS, NULL, LEDGER_CERT_NFIELDS, err, sizeof err);
        bad = e.x ? 0 : -1;
    } else if (f) {
        e.csv = f;
        buf_puts(&e.line, "\xEF\xBB\xBF"); /* Excel opens UTF-8 CSV right with a BOM */
        for (int i = 0; i < LEDGER_CERT_NFIELDS; i++)
            csv_write_cell(&e.line, LEDGER_CERT_KEYS[i], i == LEDGER_CERT_NFIELDS - 1);
        bad = fwrite(e.line.data, 1, e.line.len, f) == e.line.len ? 0 : -1;
    }
    if (bad == 0 && ledger_each_cert(l, export_one, &e, err, sizeof err) != 0) {
        bad = -1;
        if (!err[0])
            snprintf(err, sizeof err, "cannot write %s", path);
    }
    if (e.x) {
        if (xlsxtable_close(e.x, err, sizeof err) < 0)
            bad = -1;
        e.x = NULL;
    }
    if (f && bad == 0) {
        bad = publish_atomic_close(f, tmp, path, err, sizeof err);
    } else if (f) {
        fclose(f);
        unlink(tmp);
    }
    if (bad) {
        log_line(LOGP_ERROR, "%s", err[0] ? err : "the register could not be written");
        rc = RUN_OUTPUT;
    } else {
        fprintf(out, "register: %zu certificate(s) written to %s\n", e.rows, path);
    }
    buf_release(&e.line);
    free(path);
    ledger_close(l);
    return rc;
}

/* ---- confirm and withdraw ---- */

/* A confirmation refused for a reason the config words (<site> value key, its {placeholders}
 * in kv): the text in why. A config without the text still refuses, naming the key. */
static void confirm_refuse(const config *cfg, const char *key, const char *const *kv, char *why,
                           size_t whylen)
{
    char *say = site_text(cfg, key, kv);
    snprintf(why, whylen, "%s", say[0] ? say : key);
    free(say);
}

/* The provider's confirmation of one row (docs/register.md "confirm"): the pending request of
 * its serial (of procedure thu_tuc when given) applied. Returns 1 applied, 0 the row is
 * refused (said), -1 ledger error. */
static int confirm_row(ledger *l, const config *cfg, const roster *r, const record *rec,
                       const run_options *o, FILE *out, char *err, size_t errlen)
{
    const char *slash = strrchr(r->path, '/');
    const char *file = slash ? slash + 1 : r->path;
    char *serial = rules_serial_key(record_get(rec, "so_hieu_cts"));
    const char *want = record_has(rec, "thu_tuc")
                           ? config_value_canonical(cfg, "thu_tuc", record_get(rec, "thu_tuc"))
                           : "";
    date on = o->as_of, exp;
    char day[16], why[512] = "";
    int rc = 0;
    if (record_has(rec, "ngay_xac_nhan") &&
        date_parse(record_get(rec, "ngay_xac_nhan"), &on) != DATE_OK)
        snprintf(why, sizeof why, "«%s» không phải là ngày", roster_label("ngay_xac_nhan"));
    date_format_iso(on, day);
    ledger_pending p;
    ledger_cert c = {0};
    int found = 0;
    if (!why[0] && !serial[0])
        snprintf(why, sizeof why, "thiếu «%s»", roster_label("so_hieu_cts"));
    else if (!why[0] && !want)
        snprintf(why, sizeof why, "thủ tục «%s» không hợp lệ", record_get(rec, "thu_tuc"));
    if (!why[0] && (found = ledger_cert_pending(l, serial, &p, err, errlen)) < 0)
        goto out;
    if (!why[0] && (!found || (want[0] && strcmp(want, p.procedure) != 0)))
        snprintf(why, sizeof why, "chứng thư số %s không có yêu cầu %s%snào đang chờ xác nhận",
                 serial, want[0] ? config_value_label(cfg, "thu_tuc", want) : "",
                 want[0] ? " " : "");
    date asked;
    if (!why[0] && date_parse(p.date, &asked) == DATE_OK && date_cmp(on, asked) < 0) {
        /* the provider answers a request it was sent: not before the day it was made */
        char on_vn[16], asked_vn[16], run[24];
        date_format_vn(on, on_vn);
        date_format_vn(asked, asked_vn);
        snprintf(run, sizeof run, "%lld", p.run);
        const char *what = config_value_label(cfg, "thu_tuc", p.procedure);
        const char *kv[] = {"so_hieu", serial,         "thu_tuc", what,       "ngay_xac_nhan",
                            on_vn,     "ngay_yeu_cau", asked_vn,  "lan_chay", run,
                            NULL};
        confirm_refuse(cfg, "so_dang_ky_xac_nhan_truoc_yeu_cau", kv, why, sizeof why);
    }
    int known = why[0] ? 0 : ledger_cert_get(l, serial, &c, err, errlen);
    if (known < 0)
        goto out;
    if (!why[0] && known && strcmp(c.v[LEDGER_CERT_STATUS], "thu-hoi") == 0 &&
        (strcmp(p.procedure, "gia-han") == 0 || strcmp(p.procedure, "thay-doi") == 0)) {
        /* a revoked certificate is not brought back by a renewal or a change (NĐ 130 Điều
         * 68): refused, the request left pending for the clerk to withdraw */
        const char *kv[] = {"so_hieu", serial, "thu_tuc",
                            config_value_label(cfg, "thu_tuc", p.procedure), NULL};
        char *say = site_text(cfg, "so_dang_ky_xac_nhan_thu_hoi", kv);
        snprintf(why, sizeof why, "%s", say);
        free(say);
    }
    if (!why[0] && strcmp(p.procedure, "gia-han") == 0) { /* NĐ 130 Điều 63 */
        int given = record_has(rec, "ngay_het_han_moi");
        date old;
        if (given && date_parse(record_get(rec, "ngay_het_han_moi"), &exp) != DATE_OK)
            snprintf(why, sizeof why, "«%s» không phải là ngày", roster_label("ngay_het_han_moi"));
        else if (!given && !(known && date_parse(c.v[LEDGER_CERT_EXPIRY], &old) == DATE_OK))
            snprintf(why, sizeof why, "thiếu «%s»", roster_label("ngay_het_han_moi"));
        else if (!given)
            exp = date_add_years(old, (int)config_param(cfg, "gia_han_them_nam", 3));
        if (!why[0] && known && date_parse(c.v[LEDGER_CERT_EXPIRY], &old) == DATE_OK &&
            date_cmp(exp, old) <= 0) {
            /* a renewal extends the certificate (NĐ 130 Điều 63): a new expiry on or before
             * the current one is a mistyped answer, not a renewal */
            char exp_vn[16], old_vn[16];
            date_format_vn(exp, exp_vn);
            date_format_vn(old, old_vn);
            const char *kv[] = {"so_hieu", serial, "ngay_moi", exp_vn, "ngay_cu", old_vn, NULL};
            confirm_refuse(cfg, "so_dang_ky_het_han_moi_khong_sau", kv, why, sizeof why);
        }
    }
    if (why[0]) {
        fprintf(out, "  %s, dòng %ld: không áp dụng được: %s.\n", file, rec->line, why);
        goto out;
    }
    if (known && strcmp(p.procedure, "gia-han") == 0) {
        long n = 0;
        str_to_long(c.v[LEDGER_CERT_RENEWALS], &n);
        char cnt[24], iso[16];
        snprintf(cnt, sizeof cnt, "%ld", n + 1);
        date_format_iso(exp, iso);
        free(c.v[LEDGER_CERT_RENEWALS]), c.v[LEDGER_CERT_RENEWALS] = xstrdup(cnt);
        free(c.v[LEDGER_CERT_EXPIRY]), c.v[LEDGER_CERT_EXPIRY] = xstrdup(iso);
        free(c.v[LEDGER_CERT_STATUS]), c.v[LEDGER_CERT_STATUS] = xstrdup("hoat-dong");
    } else if (known && strcmp(p.procedure, "thu-hoi") == 0) {
        free(c.v[LEDGER_CERT_STATUS]), c.v[LEDGER_CERT_STATUS] = xstrdup("thu-hoi");
    }
    char now[32];
    time_now_iso(now, sizeof now);
    char new_iso[16] = "";
    if (strcmp(p.procedure, "gia-han") == 0)
        date_format_iso(exp, new_iso);
    if ((known && ledger_cert_put(l, &c, now, err, errlen) < 0) ||
        ledger_pending_settle(l, p.id, "da-xac-nhan", day, err, errlen) < 0 ||
        (new_iso[0] && ledger_pending_set_expiry(l, p.id, new_iso, err, errlen) < 0))
        goto out;
    fprintf(out, "  confirmed %s: %s (run %lld, %s)%s%s\n", serial, p.procedure, p.run, p.date,
            known && strcmp(p.procedure, "gia-han") == 0 ? "; ngay_het_han " : "",
            known && strcmp(p.procedure, "gia-han") == 0 ? c.v[LEDGER_CERT_EXPIRY] : "");
    rc = 1;
out:
    if (rc == 0 && err[0] && !why[0])
        rc = -1;
    ledger_cert_release(&c);
    free(serial);
    return rc;
}

int register_confirm(char *const *files, size_t n, const run_options *o, const config *cfg,
                     FILE *out)
{
    char err[512] = "";
    if (register_ledger_exists(o, "register confirm") < 0)
        return RUN_USAGE;
    ledger *l = NULL;
    int rc = register_open(o, &l);
    if (rc != RUN_OK)
        return rc;
    read_options ro = {o->encoding, o->schema, NULL, 0};
    ro.aliases = config_aliases(cfg, &ro.naliases);
    size_t applied = 0, refused = 0;
    int bad = ledger_tx_begin(l, err, sizeof err);
    for (size_t i = 0; i < n && bad == 0; i++) {
        roster *r = read_roster(files[i], &ro);
        if (r->failed) {
            char *why = report_unreadable(r);
            fprintf(out, "register: %s cannot be read: %s\n", files[i], why);
            free(why);
            refused++;
        }
        for (size_t k = 0; k < r->nrecords && bad == 0; k++) {
            int one = confirm_row(l, cfg, r, &r->records[k], o, out, err, sizeof err);
            bad = one < 0 ? -1 : 0;
            applied += one == 1;
            refused += one == 0;
        }
        roster_free(r);
    }
    if (bad == 0)
        bad = ledger_tx_commit(l, err, sizeof err);
    else
        ledger_tx_abort(l);
    if (bad) {
        log_line(LOGP_ERROR, "%s; nothing was confirmed", err);
        rc = RUN_OUTPUT;
    } else {
        fprintf(out, "register: %zu request(s) confirmed, %zu row(s) not applied\n", applied,
                refused);
        rc = refused ? RUN_REJECTED : RUN_OK;
    }
    ledger_close(l);
    return rc;
}

int register_withdraw(char *const *serials, size_t n, const run_options *o, const config *cfg,
                      FILE *out)
{
    (void)cfg;
    if (register_ledger_exists(o, "register withdraw") < 0)
        return RUN_USAGE;
    char err[512] = "", day[16];
    ledger *l = NULL;
    int rc = register_open(o, &l);
    if (rc != RUN_OK)
        return rc;
    date_format_iso(o->as_of, day);
    size_t done = 0, none = 0;
    int bad = ledger_tx_begin(l, err, sizeof err);
    for (size_t i = 0; i < n && bad == 0; i++) {
        char *serial = rules_serial_key(serials[i]);
        ledger_pending p;
        int found = ledger_cert_pending(l, serial, &p, err, sizeof err);
        if (found < 0)
            bad = -1;
        else if (!found)
            fprintf(out, "  %s: no request pending\n", serial), none++;
        else if ((bad = ledger_pending_settle(l, p.id, "rut", day, err, sizeof err)) == 0)
            fprintf(out, "  withdrawn %s: %s (run %lld, %s)\n", serial, p.procedure, p.run, p.date),
                done++;
        free(serial);
    }
    if (bad == 0)
        bad = ledger_tx_commit(l, err, sizeof err);
    else
        ledger_tx_abort(l);
    if (bad) {
        log_line(LOGP_ERROR, "%s; nothing was withdrawn", err);
        rc = RUN_OUTPUT;
    } else {
        fprintf(out, "register: %zu request(s) withdrawn, %zu serial(s) with none pending\n", done,
                none);
        rc = none ? RUN_REJECTED : RUN_OK;
    }
    ledger_close(l);
    return rc;
}

/* ---- for run and validate ---- */

int register_consult(ledger *l, const config *cfg, verdict *v, long long size, char *err,
                     size_t errlen)
{
    if (!v->accepted || !rules_register_tracks(v, cfg))
        return 0;
    char *serial = rules_serial_key(record_get(v->rec, "so_hieu_cts"));
    ledger_cert c = {0};
    ledger_pending p;
    long renewals = 0, confirmed = 0;
    char newest[16];
    int rc = -1, known = ledger_cert_get(l, serial, &c, err, errlen);
    int pending = known < 0 ? -1 : ledger_cert_pending(l, serial, &p, err, errlen);
    /* renew-once: the provider's confirmations count even where a stale import lowered the
     * register's count; the larger of the two is the certificate's */
    if (pending >= 0 &&
        ledger_cert_confirmed(l, serial, &confirmed, newest, sizeof newest, err, errlen) < 0)
        pending = -1;
    if (known >= 0 && pending >= 0) {
        if (known)
            str_to_long(c.v[LEDGER_CERT_RENEWALS], &renewals);
        if (confirmed > renewals)
            renewals = confirmed;
        rules_cert rc_ = {size,
                          known,
                          known ? c.v[LEDGER_CERT_STATUS] : "",
                          renewals,
                          pending,
                          pending ? p.procedure : "",
                          pending ? p.date : "",
                          pending ? p.run : 0};
        rules_note_register(v, cfg, &rc_);
        rc = 0;
    }
    ledger_cert_release(&c);
    free(serial);
    return rc;
}

char *register_pending_serial(const verdict *v, const config *cfg)
{
    if (!v->accepted || !rules_register_tracks(v, cfg))
        return NULL;
    return rules_serial_key(record_get(v->rec, "so_hieu_cts"));
}
