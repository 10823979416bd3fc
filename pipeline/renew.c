/* renew: the monthly renewal campaign (renew.h; issue 12 item 4). The selection is the
 * ledger's (two streamed queries), the documents are the run module's (a roster processed by
 * run_batch), the texts the config's; what is here is the window, the pre-filled roster and
 * the campaign report. */
#include "renew.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "ledger.h"
#include "log.h"
#include "publish.h"
#include "register.h"
#include "render.h"
#include "report.h"
#include "util.h"
#include "xlsxreport.h"

void renew_window(const config *cfg, date as_of, char *from, char *to)
{
    /* NĐ 130 Điều 63: at least con_han_toi_thieu_ngay days left when asked */
    date lo = date_add_days(as_of, config_param(cfg, "con_han_toi_thieu_ngay", 60));
    date hi = date_add_months(date_add_days(lo, config_param(cfg, "gia_han_truoc_ngay", 30)), 1);
    date_format_iso(lo, from);
    date_format_iso(hi, to);
}

/* ---- a table written as CSV and XLSX together, each atomically ---- */

typedef struct table_out {
    char *csv_path, *xlsx_path;
    FILE *csv, *xf;
    char csv_tmp[4096], xtmp[4096];
    xlsxtable *x;
    size_t ncols;
    buf line;
    int failed;
    /* a report for people (report_csv_cell: every cell quoted), not a roster the readers
     * take back (csv_write_cell: quoted where needed); both guard a cell Excel could run as
     * a formula with a ' */
    int for_people;
    char err[512];
} table_out;

static void tout_cell(const table_out *t, buf *b, const char *s, int last)
{
    if (t->for_people)
        report_csv_cell(b, s, last);
    else
        csv_write_cell(b, s, last);
}

static int tout_open(table_out *t, const char *base, long long epoch, const char *title,
                     const char *const *heads, const double *widths, size_t ncols, int for_people)
{
    memset(t, 0, sizeof *t);
    t->for_people = for_people;
    buf_init(&t->line, 0);
    t->ncols = ncols;
    t->csv_path = xasprintf("%s.csv", base);
    t->xlsx_path = xasprintf("%s.xlsx", base);
    t->csv = publish_atomic_open(t->csv_path, t->csv_tmp, sizeof t->csv_tmp, t->err, sizeof t->err);
    t->xf = t->csv
                ? publish_atomic_open(t->xlsx_path, t->xtmp, sizeof t->xtmp, t->err, sizeof t->err)
                : NULL;
    if (t->xf)
        t->x = xlsxtable_new(t->xtmp, epoch, title, "Danh sách", heads, widths, ncols, t->err,
                             sizeof t->err);
    if (!t->x) {
        t->failed = 1;
        return -1;
    }
    buf_puts(&t->line, "\xEF\xBB\xBF"); /* Excel opens a UTF-8 CSV right with a BOM */
    for (size_t i = 0; i < ncols; i++)
        tout_cell(t, &t->line, heads[i], i + 1 == ncols);
    if (fwrite(t->line.data, 1, t->line.len, t->csv) != t->line.len)
        t->failed = 1;
    return t->failed ? -1 : 0;
}

static void tout_row(table_out *t, const char *const *cells)
{
    if (t->failed)
        return;
    buf_reset(&t->line);
    for (size_t i = 0; i < t->ncols; i++)
        tout_cell(t, &t->line, cells[i] ? cells[i] : "", i + 1 == t->ncols);
    if (fwrite(t->line.data, 1, t->line.len, t->csv) != t->line.len ||
        xlsxtable_add_row(t->x, cells) < 0)
        t->failed = 1;
}

/* Writes both files, or neither (their temporaries removed): 0 or -1 with t->err. */
static int tout_close(table_out *t)
{
    int rc = t->failed ? -1 : 0;
    if (t->x) {
        if (rc == 0)
            rc = xlsxtable_close(t->x, t->err, sizeof t->err);
        else
            xlsxtable_free(t->x);
    }
    if (t->failed && !t->err[0])
        snprintf(t->err, sizeof t->err, "cannot write %s: %s", t->csv_path, strerror(errno));
    if (t->csv && rc == 0)
        rc = publish_atomic_close(t->csv, t->csv_tmp, t->csv_path, t->err, sizeof t->err);
    else if (t->csv)
        fclose(t->csv), unlink(t->csv_tmp);
    if (t->xf && rc == 0)
        rc = publish_atomic_close(t->xf, t->xtmp, t->xlsx_path, t->err, sizeof t->err);
    else if (t->xf)
        fclose(t->xf), unlink(t->xtmp);
    free(t->csv_path);
    free(t->xlsx_path);
    buf_release(&t->line);
    return rc;
}

/* ---- the campaign ---- */

/* Per managing agency: what was prepared and what cannot be (200 agencies, not 50,000
 * certificates: what the campaign holds in memory). */
typedef struct agency_count {
    char *name;
    size_t prepared, not_renewable;
} agency_count;

typedef struct campaign {
    const run_options *o;
    const config *cfg;
    date as_of;
    char from[16], to[16];
    /* the previous campaign's as-of date (ISO), "" when none: what expired before it was
     * listed by it (docs/register.md) */
    char since[16];
    strmap *index;
    agency_count *a;
    size_t na, acap;
    table_out roster;
    FILE *spool; /* the prepared certificates' report rows, until the summary is written */
    table_out *report;
    char report_path[4096];
    long max;
    char *result; /* the run's result CSV of the campaign's roster, NULL when none */
    /* the selected rows the run did not make (rejected, or issued before): line -> index */
    strmap *unmade;
    char **unmade_text;
    size_t nunmade, ucap, not_made;
} campaign;

static agency_count *agency_of(campaign *k, const char *name)
{
    size_t i;
    if (strmap_get(k->index, name, &i))
        return &k->a[i];
    k->a = xgrow(k->a, &k->acap, k->na + 1, sizeof *k->a);
    strmap_set(k->index, name, k->na);
    k->a[k->na] = (agency_count){xstrdup(name), 0, 0};
    return &k->a[k->na++];
}

/* The pre-filled roster's columns (ROSTER.md keys): the register's values. */
static const char *const ROSTER_HEADS[] = {
    "thu_tuc",          "loai_thue_bao", "ngay_de_nghi",   "co_quan_quan_ly",
    "ho_ten",           "ngay_sinh",     "so_cccd",        "chuc_vu",
    "co_quan_cong_tac", "ten_co_quan",   "email",          "dien_thoai",
    "so_hieu_cts",      "ngay_het_han",  "so_lan_gia_han", "so_serial_thiet_bi",
    "ghi_chu"};
#define NROSTER (sizeof ROSTER_HEADS / sizeof ROSTER_HEADS[0])

enum { REP_AGENCY, REP_SERIAL, REP_NAME, REP_EXPIRY, REP_RENEWALS, REP_RESULT, REP_TODO, NREP };
static const char *const REPORT_HEADS[NREP] = {"Cơ quan quản lý trực tiếp",
                                               "Số hiệu chứng thư số",
                                               "Thuê bao",
                                               "Ngày hết hạn",
                                               "Số lần đã gia hạn",
                                               "Kết quả",
                                               "Việc cần làm"};
static const double REPORT_WIDTHS[NREP] = {36, 36, 28, 14, 10, 50, 70};

/* A config text (<site> value key) with its {placeholders}; "" when the config has none. */
static char *text(const campaign *k, const char *key, const char *const *kv)
{
    return str_expand_pairs(config_site(k->cfg, key), kv);
}

static const char *holder(const ledger_cert *c)
{
    return strcmp(c->v[LEDGER_CERT_TYPE], "co-quan") == 0 ? c->v[LEDGER_CERT_ORG]
                                                          : c->v[LEDGER_CERT_NAME];
}

/* One certificate selected: a row of the pre-filled roster, a row of the report's spool. */
static int on_renewable(void *p, const ledger_cert *c)
{
    campaign *k = p;
    char asof[16], exp[16], due[16], month[16];
    date_format_iso(k->as_of, asof);
    date_text_vn(c->v[LEDGER_CERT_EXPIRY], exp);
    snprintf(month, sizeof month, "%02d/%04d", k->as_of.m, k->as_of.y);
    const char *kv0[] = {"thang", month, NULL};
    char *note = text(k, "chien_dich_ghi_chu", kv0);
    const char *cells[NROSTER] = {"gia-han",
                                  c->v[LEDGER_CERT_TYPE],
                                  asof,
                                  c->v[LEDGER_CERT_AGENCY],
                                  c->v[LEDGER_CERT_NAME],
                                  c->v[LEDGER_CERT_BIRTH],
                                  c->v[LEDGER_CERT_CCCD],
                                  c->v[LEDGER_CERT_TITLE],
                                  c->v[LEDGER_CERT_UNIT],
                                  c->v[LEDGER_CERT_ORG],
                                  c->v[LEDGER_CERT_EMAIL],
                                  c->v[LEDGER_CERT_PHONE],
                                  c->v[LEDGER_CERT_SERIAL],
                                  c->v[LEDGER_CERT_EXPIRY],
                                  c->v[LEDGER_CERT_RENEWALS],
                                  c->v[LEDGER_CERT_TOKEN],
                                  note};
    tout_row(&k->roster, cells);
    free(note);
    agency_of(k, c->v[LEDGER_CERT_AGENCY])->prepared++;
    date e;
    due[0] = '\0';
    if (date_parse(c->v[LEDGER_CERT_EXPIRY], &e) == DATE_OK) /* the last day it may be sent */
        date_format_vn(date_add_days(e, -config_param(k->cfg, "con_han_toi_thieu_ngay", 60)), due);
    const char *kv[] = {"han_gui", due, "noi_nhan", config_site(k->cfg, "noi_nhan_de_nghi"), NULL};
    char *todo = text(k, "chien_dich_da_lap_viec", kv), *done = text(k, "chien_dich_da_lap", kv);
    const char *row[NREP] = {c->v[LEDGER_CERT_AGENCY],
                             c->v[LEDGER_CERT_SERIAL],
                             holder(c),
                             exp,
                             c->v[LEDGER_CERT_RENEWALS],
                             done,
                             todo};
    /* one line per row, cells apart by a unit separator: names hold no control character
     * (the readers keep none but tab and line breaks, made spaces here) */
    for (size_t i = 0; i < NREP; i++) {
        for (const char *q = row[i]; *q; q++)
            fputc(*q == '\n' || *q == '\r' || *q == '\x1f' ? ' ' : *q, k->spool);
        fputc(i + 1 == NREP ? '\n' : '\x1f', k->spool);
    }
    free(todo);
    free(done);
    return k->roster.failed ? -1 : 0;
}

/* Why a certificate cannot be renewed, and what to do instead (cấp mới). */
static void not_renewable_row(campaign *k, const ledger_cert *c, const char *row[NREP], char **why,
                              char **todo)
{
    static char exp[16], renewals[24];
    date_text_vn(c->v[LEDGER_CERT_EXPIRY], exp);
    snprintf(renewals, sizeof renewals, "%s", c->v[LEDGER_CERT_RENEWALS]);
    long n = 0, min = config_param(k->cfg, "con_han_toi_thieu_ngay", 60);
    str_to_long(c->v[LEDGER_CERT_RENEWALS], &n);
    date e = {0, 0, 0};
    date_parse(c->v[LEDGER_CERT_EXPIRY], &e);
    long left = date_diff_days(k->as_of, e);
    char days[24], need[24], max[24];
    snprintf(days, sizeof days, "%ld", left);
    snprintf(need, sizeof need, "%ld", min);
    snprintf(max, sizeof max, "%ld", k->max);
    const char *kv[] = {"so_lan", renewals,    "toi_da", max, "ngay_het_han", exp, "so_ngay",
                        days,     "toi_thieu", need,     NULL};
    /* NĐ 130 Điều 63: once renewed, or fewer than 60 days left, only a new certificate */
    *why = text(k,
                n >= k->max ? "chien_dich_da_gia_han"
                : left < 0  ? "chien_dich_het_han"
                            : "chien_dich_con_it",
                kv);
    int org = strcmp(c->v[LEDGER_CERT_TYPE], "co-quan") == 0;
    const char *kv2[] = {"mau_don",
                         org ? "Mẫu 03" : "Mẫu 01",
                         "mau_cong_van",
                         org ? "Mẫu 04" : "Mẫu 02",
                         "ngay_het_han",
                         exp,
                         NULL};
    *todo = text(k, left < 0 ? "chien_dich_cap_moi_het_han" : "chien_dich_cap_moi", kv2);
    const char *cells[NREP] = {
        c->v[LEDGER_CERT_AGENCY], c->v[LEDGER_CERT_SERIAL], holder(c), exp, renewals, *why, *todo};
    memcpy(row, cells, sizeof cells);
}

static int count_not_renewable(void *p, const ledger_cert *c)
{
    campaign *k = p;
    agency_of(k, c->v[LEDGER_CERT_AGENCY])->not_renewable++;
    return 0;
}

static int list_not_renewable(void *p, const ledger_cert *c)
{
    campaign *k = p;
    const char *row[NREP];
    char *why, *todo;
    not_renewable_row(k, c, row, &why, &todo);
    tout_row(k->report, row);
    free(why);
    free(todo);
    return k->report->failed ? -1 : 0;
}

/* In the window but left out: a request of another procedure pending (wait for it or
 * withdraw it), or expired by the register's status (cấp mới). */
static int count_blocked(void *p, const ledger_cert *c, const ledger_pending *pend)
{
    (void)pend;
    campaign *k = p;
    agency_of(k, c->v[LEDGER_CERT_AGENCY])->not_renewable++;
    return 0;
}

static int list_blocked(void *p, const ledger_cert *c, const ledger_pending *pend)
{
    campaign *k = p;
    char exp[16], day[16] = "", run[24] = "", need[24];
    date_text_vn(c->v[LEDGER_CERT_EXPIRY], exp);
    snprintf(need, sizeof need, "%ld", config_param(k->cfg, "con_han_toi_thieu_ngay", 60));
    int expired = strcmp(c->v[LEDGER_CERT_STATUS], "het-han") == 0;
    if (pend) {
        date_text_vn(pend->date, day);
        snprintf(run, sizeof run, "%lld", pend->run);
    }
    int org = strcmp(c->v[LEDGER_CERT_TYPE], "co-quan") == 0;
    const char *kv[] = {"thu_tuc",
                        pend ? config_value_label(k->cfg, "thu_tuc", pend->procedure) : "",
                        "lan_chay",
                        run,
                        "ngay",
                        day,
                        "so_hieu",
                        c->v[LEDGER_CERT_SERIAL],
                        "ngay_het_han",
                        exp,
                        "toi_thieu",
                        need,
                        "mau_don",
                        org ? "Mẫu 03" : "Mẫu 01",
                        "mau_cong_van",
                        org ? "Mẫu 04" : "Mẫu 02",
                        NULL};
    char *why = text(k, expired ? "chien_dich_trang_thai_het_han" : "chien_dich_dang_cho", kv);
    char *todo = text(k, expired ? "chien_dich_cap_moi_het_han" : "chien_dich_dang_cho_viec", kv);
    const char *row[NREP] = {c->v[LEDGER_CERT_AGENCY],
                             c->v[LEDGER_CERT_SERIAL],
                             holder(c),
                             exp,
                             c->v[LEDGER_CERT_RENEWALS],
                             why,
                             todo};
    tout_row(k->report, row);
    free(why);
    free(todo);
    return k->report->failed ? -1 : 0;
}

static int agency_cmp(const void *a, const void *b)
{
    return strcmp(((const agency_count *)a)->name, ((const agency_count *)b)->name);
}

/* The first free name NAME.csv / NAME-2.csv ... in dir for the pre-filled roster (the same
 * day's campaign may run again after a withdrawal). */
static char *roster_base(const char *dir, const char *name)
{
    for (int i = 1;; i++) {
        char *base = i == 1 ? xasprintf("%s/%s", dir, name) : xasprintf("%s/%s-%d", dir, name, i);
        char *csv = xasprintf("%s.csv", base);
        struct stat st;
        int taken = lstat(csv, &st) == 0;
        free(csv);
        if (!taken)
            return base;
        free(base);
    }
}

/* What the run said of the selected rows it did not make (rejected, or issued by an earlier
 * run: da-lap): the report states what was made, not what was selected. Only those rows are
 * held (a campaign's rejections are few). */
static void load_unmade(campaign *k)
{
    buf bytes, store;
    buf_init(&bytes, 0);
    buf_init(&store, 0);
    if (k->result && buf_read_file(&bytes, k->result) == 0) {
        const char *p = bytes.data, *end = bytes.data + bytes.len;
        const char *nl = memchr(p, '\n', (size_t)(end - p)); /* the header line */
        p = nl ? nl + 1 : end;
        report_row row;
        while (p < end && report_csv_read_row(&p, end, k->cfg, &store, &row) == 0) {
            if (strcmp(row.status, report_status_label(&(verdict){.accepted = 1})) == 0)
                continue;
            char line[24], *fix = report_row_fix(&row, 0);
            snprintf(line, sizeof line, "%ld", row.line);
            k->unmade_text = xgrow(k->unmade_text, &k->ucap, k->nunmade + 1, sizeof(char *));
            k->unmade_text[k->nunmade] = xasprintf("%s: %s", row.status, fix);
            strmap_set(k->unmade, line, k->nunmade++);
            free(fix);
        }
    }
    buf_release(&bytes);
    buf_release(&store);
}

/* The spooled row of line `line` of the roster: its cells in row (pointing into text). */
static void spool_split(char *text, const char *row[NREP])
{
    char *p = text;
    for (size_t i = 0; i < NREP; i++) {
        row[i] = p;
        char *sep = strchr(p, '\x1f');
        if (sep)
            *sep = '\0', p = sep + 1;
        else
            p += strlen(p);
    }
}

/* The index into unmade_text of the roster's line, or -1 when the run made it. */
static long unmade_of(const campaign *k, long line)
{
    char key[24];
    size_t i;
    snprintf(key, sizeof key, "%ld", line);
    return strmap_get(k->unmade, key, &i) ? (long)i : -1;
}

/* The agencies' counts corrected by what the run did not make. */
static void count_unmade(campaign *k)
{
    rewind(k->spool);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    for (long n = 2; (got = getline(&line, &cap, k->spool)) > 0; n++) {
        if (unmade_of(k, n) < 0)
            continue;
        const char *row[NREP];
        line[got - 1] = line[got - 1] == '\n' ? '\0' : line[got - 1];
        spool_split(line, row);
        agency_count *a = agency_of(k, row[REP_AGENCY]);
        a->prepared -= a->prepared > 0;
        k->not_made++;
    }
    free(line);
}

/* The report: a summary line per agency, the prepared certificates, the others. */
static int write_report(campaign *k, ledger *l, const char *dir, const run_result *run, char *err,
                        size_t errlen)
{
    char *base = roster_base(dir, "bao-cao"); /* never over an earlier campaign's report */
    snprintf(k->report_path, sizeof k->report_path, "%s.csv", base);
    table_out t;
    k->report = &t;
    load_unmade(k);
    count_unmade(k);
    int rc = tout_open(&t, base, k->o->epoch, "Báo cáo chiến dịch gia hạn chứng thư số",
                       REPORT_HEADS, REPORT_WIDTHS, NREP, 1);
    free(base);
    if (k->na) /* qsort is not given NULL, even for nothing */
        qsort(k->a, k->na, sizeof *k->a, agency_cmp);
    for (size_t i = 0; i < k->na && rc == 0; i++) {
        char prepared[24], letters[24], none[24];
        snprintf(prepared, sizeof prepared, "%zu", k->a[i].prepared);
        snprintf(letters, sizeof letters, "%d", k->a[i].prepared ? 1 : 0);
        snprintf(none, sizeof none, "%zu", k->a[i].not_renewable);
        const char *kv[] = {"so_gia_han", prepared, "so_mau_08", letters, "so_khong", none, NULL};
        char *sum = text(k, "chien_dich_tong_hop", kv);
        const char *row[NREP] = {k->a[i].name, "", "", "", "", sum, ""};
        tout_row(&t, row);
        free(sum);
    }
    size_t rejected = 0;
    for (size_t i = 0; run && i < run->nrosters; i++)
        rejected += run->rosters[i].rejected;
    if (rc == 0 && rejected) {
        char n[24];
        snprintf(n, sizeof n, "%zu", rejected);
        const char *kv[] = {"so_dong", n, NULL};
        char *say = text(k, "chien_dich_bi_tu_choi", kv);
        const char *row[NREP] = {"", "", "", "", "", say, ""};
        tout_row(&t, row);
        free(say);
    }
    rewind(k->spool);
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    for (long n = 2; rc == 0 && (got = getline(&line, &cap, k->spool)) > 0; n++) {
        const char *row[NREP];
        line[got - 1] = line[got - 1] == '\n' ? '\0' : line[got - 1];
        spool_split(line, row);
        long u = unmade_of(k, n); /* the roster's line n: what the run said of it */
        char *why = NULL, *todo = NULL;
        if (u >= 0) {
            const char *kv[] = {"ket_qua", k->unmade_text[u], NULL};
            why = text(k, "chien_dich_khong_lap", kv);
            todo = text(k, "chien_dich_khong_lap_viec", kv);
            row[REP_RESULT] = why;
            row[REP_TODO] = todo;
        }
        tout_row(&t, row);
        free(why);
        free(todo);
    }
    free(line);
    if (rc == 0 &&
        ledger_each_not_renewable_since(l, k->from, k->to, k->max, k->since, list_not_renewable, k,
                                        err, errlen) != 0 &&
        !t.failed)
        rc = -1;
    if (rc == 0 &&
        ledger_each_blocked(l, k->from, k->to, k->max, list_blocked, k, err, errlen) != 0 &&
        !t.failed)
        rc = -1;
    if (tout_close(&t) < 0 && rc == 0) {
        snprintf(err, errlen, "%s", t.err);
        rc = -1;
    }
    k->report = NULL;
    return rc;
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Stage 1: the selection streamed into the roster and the counts. 0 or -1 (err). */
static int select_all(campaign *k, ledger *l, const char *base, char *err, size_t errlen)
{
    int rc = tout_open(&k->roster, base, k->o->epoch, "Danh sách đề nghị gia hạn chứng thư số",
                       ROSTER_HEADS, NULL, NROSTER, 0);
    if (rc == 0 &&
        ledger_each_renewable(l, k->from, k->to, k->max, on_renewable, k, err, errlen) != 0)
        rc = -1;
    if (rc == 0 && ledger_each_not_renewable_since(l, k->from, k->to, k->max, k->since,
                                                   count_not_renewable, k, err, errlen) != 0)
        rc = -1;
    if (rc == 0 &&
        ledger_each_blocked(l, k->from, k->to, k->max, count_blocked, k, err, errlen) != 0)
        rc = -1;
    if (k->roster.failed && rc == 0)
        rc = -1;
    return rc;
}

/* Stage 2: the roster dropped in the campaigns' drop folder (when anything was selected) and
 * the run over that folder (always: what an interrupted campaign left there is finished).
 * 0, or -1 with err when the roster could not be dropped; the run's status in *status. */
static int make_documents(const run_options *o, const config *cfg, const char *base, const char *in,
                          size_t selected, run_result *run, renew_result *r, int *status, char *err,
                          size_t errlen)
{
    if (selected) { /* a copy, dropped as a clerk's roster would be */
        char *csv = xasprintf("%s.csv", base);
        const char *slash = strrchr(base, '/');
        char *drop = xasprintf("%s/%s.csv", in, slash ? slash + 1 : base);
        buf bytes;
        buf_init(&bytes, 0);
        int rc = 0;
        if (buf_read_file(&bytes, csv) < 0) {
            snprintf(err, errlen, "cannot read %s: %s", csv, strerror(errno));
            rc = -1;
        } else if (publish_write_atomic(drop, bytes.data, bytes.len, err, errlen) < 0) {
            rc = -1;
        }
        buf_release(&bytes);
        free(csv);
        free(drop);
        if (rc < 0)
            return -1;
    }
    run_options ro = *o;
    ro.in = in;
    ro.settle = 0;
    ro.head_signs = 1;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *status = run_batch(&ro, cfg, run);
    r->run_seconds = since(&t1);
    r->documents = run->documents;
    return 0;
}

/* A campaign is the month's (issue 12 item 4: renew again for the same month prepares
 * nothing new): the as-of date of the month's first campaign, found in the ledger (its
 * roster processed) or as a folder OUT/chien-dich-gia-han/YYYY-MM-DD; as_of when there is
 * none. */
static date month_campaign(const run_options *o, ledger *l, date as_of)
{
    char err[512], day[16] = "";
    date first = as_of, d;
    int found = 0;
    if (ledger_campaign_day(l, as_of.y, as_of.m, day, sizeof day, err, sizeof err) == 1 &&
        date_parse(day, &d) == DATE_OK)
        first = d, found = 1;
    char *root = xasprintf("%s/chien-dich-gia-han", o->out);
    DIR *dir = opendir(root);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (strlen(e->d_name) != 10 || date_parse(e->d_name, &d) != DATE_OK || d.y != as_of.y ||
            d.m != as_of.m)
            continue;
        char *bp = xasprintf("%s/%s/bao-cao.csv", root, e->d_name);
        struct stat st;
        int reported = stat(bp, &st) == 0; /* a campaign that got as far as its report */
        free(bp);
        if (reported && (!found || date_cmp(d, first) < 0))
            first = d, found = 1;
    }
    if (dir)
        closedir(dir);
    free(root);
    return first;
}

/* The previous campaign, the latest before as_of (the month's campaign's date), found as
 * month_campaign finds one: its roster processed (the ledger) or its folder with its report;
 * its as-of date in since (ISO), "" when there was none. A certificate that expired before
 * that date was listed by that campaign or an earlier one: each expired certificate is listed
 * once, by the first campaign after its expiry, not every month after (docs/register.md). */
static void previous_campaign(const run_options *o, ledger *l, date as_of, char since[16])
{
    char err[512], iso[16], day[16] = "";
    date d, best = {0, 0, 0};
    int found = 0;
    date_format_iso(as_of, iso);
    if (ledger_campaign_before(l, iso, day, sizeof day, err, sizeof err) == 1 &&
        date_parse(day, &d) == DATE_OK)
        best = d, found = 1;
    char *root = xasprintf("%s/chien-dich-gia-han", o->out);
    DIR *dir = opendir(root);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (strlen(e->d_name) != 10 || date_parse(e->d_name, &d) != DATE_OK ||
            date_cmp(d, as_of) >= 0 || (found && date_cmp(d, best) <= 0))
            continue;
        char *bp = xasprintf("%s/%s/bao-cao.csv", root, e->d_name);
        struct stat st;
        if (stat(bp, &st) == 0) /* a campaign that got as far as its report */
            best = d, found = 1;
        free(bp);
    }
    if (dir)
        closedir(dir);
    free(root);
    since[0] = '\0';
    if (found)
        date_format_iso(best, since);
}

int renew_campaign(const run_options *o, const config *cfg, FILE *out, renew_result *res)
{
    char err[512] = "", asof[16];
    renew_result r = {0};
    if (register_ledger_exists(o, "renew") < 0) {
        if (res)
            *res = r;
        return RUN_USAGE;
    }
    campaign k;
    memset(&k, 0, sizeof k);
    k.o = o, k.cfg = cfg, k.as_of = o->as_of;
    k.max = config_param(cfg, "gia_han_so_lan_toi_da", 1);
    k.index = strmap_new();
    k.unmade = strmap_new();
    ledger *l = NULL;
    renderer *pre = NULL; /* its templates are the run's (run_options.templates): read once */
    int status = register_open(o, &l);
    int rc = 0;
    if (status == RUN_OK) { /* the renderer first: a roster written that the run cannot make
                             * would be selected again, and written twice, next time */
        char why[512];
        pre = render_new(cfg, why, sizeof why);
        if (!pre) {
            log_line(LOGP_ERROR,
                     "renew: the documents cannot be made (%s); nothing was selected or written",
                     why);
            status = RUN_OUTPUT;
            rc = 1; /* said */
        }
    }
    if (status == RUN_OK) {
        k.as_of = month_campaign(o, l, o->as_of);
        previous_campaign(o, l, k.as_of, k.since);
    }
    int again = date_cmp(k.as_of, o->as_of) != 0;
    renew_window(cfg, k.as_of, k.from, k.to);
    date_format_iso(k.as_of, asof);
    char *dir = xasprintf("%s/chien-dich-gia-han/%s", o->out, asof);
    /* one drop folder for every campaign: what one left behind is made by the next */
    char *in = xasprintf("%s/chien-dich-gia-han/nhan", o->out);
    char *name = xasprintf("gia-han-%s", asof);
    char *base = roster_base(dir, name);
    if (again) {
        char given[16];
        date_format_iso(o->as_of, given);
        fprintf(out,
                "renew: the campaign of %02d/%04d ran as of %s: its window is kept, so this "
                "run (as of %s) prepares nothing new but what that campaign left\n",
                k.as_of.m, k.as_of.y, asof, given);
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    k.spool = status == RUN_OK ? tmpfile() : NULL;
    if (status == RUN_OK && (!k.spool || publish_mkdirs(in) < 0)) {
        snprintf(err, sizeof err, "cannot create %s: %s", in, strerror(errno));
        status = RUN_OUTPUT;
    }
    if (status == RUN_OK)
        rc = select_all(&k, l, base, err, sizeof err);
    r.select_seconds = since(&t0);
    for (size_t i = 0; i < k.na; i++) {
        r.selected += k.a[i].prepared;
        r.not_renewable += k.a[i].not_renewable;
        r.agencies += k.a[i].prepared > 0;
    }
    if (status == RUN_OK && rc == 0 && r.selected == 0) { /* nothing new: no empty roster */
        k.roster.failed = 1;
        snprintf(k.roster.err, sizeof k.roster.err, "none");
    }
    int closed = status == RUN_OK ? tout_close(&k.roster) : 0;
    if (status == RUN_OK && rc == 0 && r.selected && closed < 0) {
        snprintf(err, sizeof err, "%s", k.roster.err);
        rc = -1;
    }
    ledger_close(l);
    l = NULL;
    run_result run = {0};
    if (status == RUN_OK && rc == 0 && r.selected) {
        const char *slash = strrchr(base, '/');
        k.result = xasprintf("%s/done/%s.csv.ketqua.csv", in, slash ? slash + 1 : base);
    }
    if (status == RUN_OK && rc == 0) {
        run_options made = *o;
        made.templates = pre;
        rc = make_documents(&made, cfg, base, in, r.selected, &run, &r, &status, err, sizeof err);
    }
    if (status == RUN_OUTPUT && rc == 0) { /* nothing prepared: no report says it was */
        log_line(LOGP_ERROR,
                 "renew: the campaign's documents could not be made; its roster waits in %s "
                 "and is made by the next renew or run --in %s",
                 in, in);
        rc = 1;
    }
    if (status != RUN_BUSY && rc == 0) {
        int opened = register_open(o, &l);
        if (opened != RUN_OK) { /* said by register_open */
            snprintf(err, sizeof err, "the campaign's report was not written");
            rc = -1;
            status = opened;
        } else if (write_report(&k, l, dir, run.nrosters ? &run : NULL, err, sizeof err) < 0) {
            rc = -1;
        }
    }
    if (rc < 0) {
        log_line(LOGP_ERROR, "renew: %s", err);
        status = status == RUN_BUSY ? RUN_BUSY : RUN_OUTPUT;
    }
    if (status != RUN_BUSY && status != RUN_OUTPUT && rc == 0) {
        char f[16], t[16];
        date_text_vn(k.from, f);
        date_text_vn(k.to, t);
        size_t agencies = 0;
        for (size_t i = 0; i < k.na; i++)
            agencies += k.a[i].prepared > 0;
        fprintf(out,
                "renew: as of %s, expiry from %s to before %s: %zu certificate(s) prepared for "
                "%zu agenc%s, %zu document(s); %zu cannot be renewed; report %s\n",
                asof, f, t, r.selected - k.not_made, agencies, agencies == 1 ? "y" : "ies",
                r.documents, r.not_renewable, k.report_path);
        if (k.not_made)
            fprintf(out,
                    "renew: %zu selected certificate(s) were not made by the run (rejected or "
                    "issued before); the report says why\n",
                    k.not_made);
        if (!r.selected)
            fprintf(out, "renew: nothing new to prepare\n");
        log_line(LOGP_INFO, "renew: %zu selected in %.3f s; %zu document(s) made in %.3f s",
                 r.selected, r.select_seconds, r.documents, r.run_seconds);
    }
    ledger_close(l);
    run_result_release(&run);
    if (k.spool)
        fclose(k.spool);
    for (size_t i = 0; i < k.na; i++)
        free(k.a[i].name);
    free(k.a);
    strmap_free(k.index);
    strmap_free(k.unmade);
    for (size_t i = 0; i < k.nunmade; i++)
        free(k.unmade_text[i]);
    free(k.unmade_text);
    free(k.result);
    free(base);
    free(name);
    free(in);
    free(dir);
    render_free(pre);
    if (res)
        *res = r;
    return status;
}
