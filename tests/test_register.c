/* test_register: the certificate register and the renewal campaign's selection (issue 12):
 * the window's edges (both bounds, 29 February, 31 January + 1 month), import, re-import and
 * update, rows the rules reject, renew-once from the register across runs, requests pending
 * from an earlier run (trung-lap), confirm and withdraw. The expected dates are worked out by
 * hand from the formula with the shipped parameters (60 and 30 days). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "date.h"
#include "ledger.h"
#include "register.h"
#include "renew.h"
#include "rules.h"
#include "testutil.h"
#include "util.h"

typedef struct fixture {
    config *cfg;
    char dir[64];
    char *db;
    run_options o;
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    f->cfg = tu_config();
    snprintf(f->dir, sizeof f->dir, "/tmp/test_register.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->db = xasprintf("%s/ctsbatch.db", f->dir);
    f->o = (run_options){.in = f->dir, .out = f->dir, .as_of = {2026, 12, 1}, .epoch = 1};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_remove_tree(f->dir);
    free(f->db);
    config_free(f->cfg);
    free(f);
    return 0;
}

static const char HEAD[] = "so_hieu_cts,loai_thue_bao,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,"
                           "email,dien_thoai,co_quan_quan_ly,ngay_cap,ngay_het_han,"
                           "so_lan_gia_han,trang_thai\n";

/* One register row of a person of Sở Tài chính. */
static void row(buf *b, const char *serial, const char *cccd, const char *expiry,
                const char *renewals, const char *status)
{
    buf_printf(b,
               "%s,ca-nhan,Nguyễn Văn An,%s,Chuyên viên,Phòng Tin học,an@angiang.gov.vn,"
               "0913 456 789,Sở Tài chính tỉnh An Giang,01/01/2022,%s,%s,%s\n",
               serial, cccd, expiry, renewals, status);
}

/* One certificate of a register file: the fields the tests vary; row() fills in the rest. */
typedef struct cert_row {
    const char *serial, *cccd, *expiry, *renewals, *status;
} cert_row;

static int import_text(fixture *f, const char *text, char **said);

/* Imports a register file of rows[0..n) (HEAD, row()); as import_text. */
static int import_rows(fixture *f, const cert_row *rows, size_t n, char **said)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    for (size_t i = 0; i < n; i++)
        row(&b, rows[i].serial, rows[i].cccd, rows[i].expiry, rows[i].renewals, rows[i].status);
    int rc = import_text(f, buf_str(&b), said);
    buf_release(&b);
    return rc;
}

/* Imports text as a register file; what the command said in *said (the caller frees). */
static int import_text(fixture *f, const char *text, char **said)
{
    char *path = tu_temp_file(text);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int rc = register_import(&path, 1, &f->o, f->cfg, m);
    fclose(m);
    unlink(path);
    free(path);
    if (said)
        *said = out;
    else
        free(out);
    return rc;
}

static ledger *open_ledger(fixture *f)
{
    ledger *l = NULL;
    char err[512];
    assert_int_equal(ledger_open(f->db, 0, &l, err, sizeof err), LEDGER_OK);
    return l;
}

static void expect_cert(fixture *f, const char *serial, int field, const char *want)
{
    ledger *l = open_ledger(f);
    ledger_cert c;
    char err[512];
    assert_int_equal(ledger_cert_get(l, serial, &c, err, sizeof err), 1);
    assert_string_equal(c.v[field], want);
    ledger_cert_release(&c);
    ledger_close(l);
}

/* ---- the window ---- */

static void test_add_months_clamps(void **state)
{
    (void)state;
    date d = date_add_months((date){2027, 1, 31}, 1);
    assert_true(d.y == 2027 && d.m == 2 && d.d == 28);
    d = date_add_months((date){2028, 1, 31}, 1);
    assert_true(d.y == 2028 && d.m == 2 && d.d == 29);
    d = date_add_months((date){2026, 12, 15}, 1);
    assert_true(d.y == 2027 && d.m == 1 && d.d == 15);
    d = date_add_months((date){2027, 3, 31}, 1);
    assert_true(d.y == 2027 && d.m == 4 && d.d == 30);
}

static void test_window_bounds(void **state)
{
    fixture *f = *state;
    char from[16], to[16];
    /* 01/12/2026 + 60 = 30/01/2027; + 30 = 01/03/2027; + 1 month = 01/04/2027 */
    renew_window(f->cfg, (date){2026, 12, 1}, from, to);
    assert_string_equal(from, "2027-01-30");
    assert_string_equal(to, "2027-04-01");
    /* 02/11/2026 + 60 = 01/01/2027; + 30 = 31/01/2027; + 1 month = 28/02/2027 */
    renew_window(f->cfg, (date){2026, 11, 2}, from, to);
    assert_string_equal(from, "2027-01-01");
    assert_string_equal(to, "2027-02-28");
    /* the same a leap year later: 31/01/2028 + 1 month = 29/02/2028 */
    renew_window(f->cfg, (date){2027, 11, 2}, from, to);
    assert_string_equal(from, "2028-01-01");
    assert_string_equal(to, "2028-02-29");
}

typedef struct seen {
    char serials[16][40];
    size_t n;
} seen;

static int collect(void *p, const ledger_cert *c)
{
    seen *s = p;
    if (s->n < 16)
        snprintf(s->serials[s->n++], sizeof s->serials[0], "%s", c->v[LEDGER_CERT_SERIAL]);
    return 0;
}

static int has(const seen *s, const char *serial)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->serials[i], serial) == 0)
            return 1;
    return 0;
}

/* E on the lower bound is in, E on the upper bound is not; the day before the lower bound
 * has fewer than 60 days: not renewable. Over a leap February: 28/02/2028 in, 29/02 out. */
static void test_window_edges_select(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"); /* lower bound */
    row(&b, "A0000002", "089185000002", "31/03/2027", "0", "hoat-dong"); /* last day in */
    row(&b, "A0000003", "089185000003", "01/04/2027", "0", "hoat-dong"); /* upper bound */
    row(&b, "A0000004", "089185000004", "29/01/2027", "0", "hoat-dong"); /* 59 days */
    row(&b, "A0000005", "089185000005", "28/02/2028", "0", "hoat-dong");
    row(&b, "A0000006", "089185000006", "29/02/2028", "0", "hoat-dong");
    row(&b, "A0000007", "089185000007", "15/02/2027", "1", "hoat-dong"); /* renewed once */
    row(&b, "A0000008", "089185000008", "15/02/2027", "0", "thu-hoi");
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    buf_release(&b);
    ledger *l = open_ledger(f);
    char err[512], from[16], to[16];
    seen s = {0}, no = {0};
    renew_window(f->cfg, (date){2026, 12, 1}, from, to);
    assert_int_equal(ledger_each_renewable(l, from, to, 1, collect, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    assert_true(has(&s, "A0000001") && has(&s, "A0000002"));
    assert_int_equal(ledger_each_not_renewable(l, from, to, 1, collect, &no, err, sizeof err), 0);
    assert_int_equal(no.n, 2); /* 59 days left, renewed once; not the revoked one */
    assert_true(has(&no, "A0000004") && has(&no, "A0000007"));
    seen leap = {0};
    renew_window(f->cfg, (date){2027, 11, 2}, from, to);
    assert_int_equal(ledger_each_renewable(l, from, to, 1, collect, &leap, err, sizeof err), 0);
    assert_int_equal(leap.n, 1);
    assert_string_equal(leap.serials[0], "A0000005");
    ledger_close(l);
}

/* ---- import ---- */

static void test_import_reimport_update(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "5401 a000 0001", "089185000001", "30/01/2027", "0", "hoat-dong");
    row(&b, "5401A0000002", "089185000002", "31/03/2027", "", "");
    char *said;
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_OK);
    assert_non_null(strstr(said, "2 row(s): 2 added, 0 updated, 0 unchanged, 0 rejected"));
    free(said);
    /* the serial as the request key has it; blanks are never renewed, active */
    expect_cert(f, "5401A0000001", LEDGER_CERT_EXPIRY, "2027-01-30");
    expect_cert(f, "5401A0000002", LEDGER_CERT_RENEWALS, "0");
    expect_cert(f, "5401A0000002", LEDGER_CERT_STATUS, "hoat-dong");

    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_OK);
    assert_non_null(strstr(said, "0 added, 0 updated, 2 unchanged"));
    assert_non_null(strstr(said, "nothing changed"));
    free(said);

    buf_reset(&b);
    buf_puts(&b, HEAD);
    row(&b, "5401A0000001", "089185000001", "30/01/2030", "1", "");
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_OK);
    assert_non_null(strstr(said, "0 added, 1 updated, 0 unchanged"));
    assert_non_null(strstr(said, "ngay_het_han 30/01/2027 → 30/01/2030"));
    assert_non_null(strstr(said, "so_lan_gia_han 0 → 1"));
    assert_null(strstr(said, "trang_thai")); /* a blank cell keeps the register's value */
    free(said);
    expect_cert(f, "5401A0000001", LEDGER_CERT_RENEWALS, "1");
    expect_cert(f, "5401A0000002", LEDGER_CERT_EXPIRY, "2027-03-31"); /* not named: kept */
    buf_release(&b);
}

static void test_import_rejected_rows(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "08918500001", "30/01/2027", "0", "hoat-dong");  /* 11 digits */
    row(&b, "XYZ-1", "089185000002", "30/01/2027", "0", "hoat-dong");    /* not hex */
    row(&b, "A0000003", "089185000003", "", "0", "hoat-dong");           /* no expiry */
    row(&b, "A0000004", "089185000004", "30/01/2027", "0", "tam-dung");  /* no such status */
    row(&b, "A0000005", "089185000005", "31/02/2027", "0", "hoat-dong"); /* no such day */
    row(&b, "A0000006", "089185000006", "30/01/2027", "0", "hoat-dong"); /* fine */
    row(&b, "A0000006", "089185000006", "30/01/2027", "0", "hoat-dong"); /* twice */
    char *said;
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_REJECTED);
    assert_non_null(strstr(said, "7 row(s): 1 added, 0 updated, 0 unchanged, 6 rejected"));
    assert_non_null(strstr(said, "dòng 2, «Số CCCD»: Số CCCD «08918500001» phải gồm đúng 12"));
    assert_non_null(strstr(said, "dòng 3, «Số hiệu chứng thư số»: Số hiệu chứng thư số «XYZ-1»"));
    assert_non_null(strstr(said, "dòng 4, «Ngày hết hạn»: Thiếu «Ngày hết hạn»"));
    assert_non_null(strstr(said, "dòng 5, «Trạng thái chứng thư số»: Giá trị «tam-dung»"));
    assert_non_null(strstr(said, "dòng 6, «Ngày hết hạn»: Ngày «31/02/2027»"));
    assert_non_null(strstr(said, "dòng 8, «Số hiệu chứng thư số»: Chứng thư số A0000006 đã có"));
    free(said);
    ledger *l = open_ledger(f);
    long long n;
    char err[512];
    assert_int_equal(ledger_cert_count(l, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
    ledger_close(l);
    buf_release(&b);
}

/* ---- the rules consult the register ---- */

/* A renewal request for serial with the roster's so_lan_gia_han `said`, checked. */
static void renewal(fixture *f, roster *r, const char *proc, const char *cccd, const char *serial,
                    const char *said, verdict *v)
{
    record *rec = roster_add_record(r, 2);
    record_set(rec, "thu_tuc", proc);
    record_set(rec, "loai_thue_bao", "ca-nhan");
    record_set(rec, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang");
    record_set(rec, "ho_ten", "Nguyễn Văn An");
    record_set(rec, "so_cccd", cccd);
    record_set(rec, "email", "an@angiang.gov.vn");
    record_set(rec, "dien_thoai", "0913 456 789");
    record_set(rec, "so_hieu_cts", serial);
    record_set(rec, "ngay_het_han", "15/03/2027");
    record_set(rec, "so_lan_gia_han", said);
    record_set(rec, "ly_do_thu_hoi", "thoi-viec");
    record_set(rec, "xac_nhan_thu_truong", "có");
    rules_check_one(r, rec, f->cfg, f->o.as_of, v);
}

static const finding *find(const verdict *v, const char *rule)
{
    for (size_t i = 0; i < v->nfindings; i++)
        if (strcmp(v->findings[i].rule, rule) == 0)
            return &v->findings[i];
    return NULL;
}

static void consult(fixture *f, verdict *v)
{
    ledger *l = open_ledger(f);
    char err[512];
    long long n;
    assert_int_equal(ledger_cert_count(l, &n, err, sizeof err), 0);
    assert_int_equal(register_consult(l, f->cfg, v, n, err, sizeof err), 0);
    ledger_close(l);
}

/* The register knows the certificate was renewed once: rejected although the roster says 0,
 * with a warning naming both counts. */
static void test_renew_once_from_register(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000007", "089185000007", "15/03/2027", "1", "hoat-dong"},
        {"A0000008", "089185000008", "15/03/2027", "0", "thu-hoi"},
        {"A0000009", "089185000009", "15/03/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    roster *r = roster_new("gia-han.csv");
    verdict v;
    renewal(f, r, "gia-han", "089185000007", "a000 0007", "0", &v);
    assert_true(v.accepted); /* the roster alone says 0 */
    consult(f, &v);
    assert_false(v.accepted);
    const finding *once = find(&v, "gia-han-mot-lan");
    assert_non_null(once);
    assert_int_equal(once->sev, SEV_ERROR);
    assert_non_null(strstr(once->message, "Theo sổ đăng ký"));
    const finding *differs = find(&v, "so-lan-gia-han-khac");
    assert_non_null(differs);
    assert_int_equal(differs->sev, SEV_WARNING);
    assert_non_null(strstr(differs->message, "là 0, sổ đăng ký chứng thư số ghi 1"));
    verdict_release(&v);

    renewal(f, r, "gia-han", "089185000008", "A0000008", "0", &v); /* revoked */
    consult(f, &v);
    assert_false(v.accepted);
    assert_non_null(find(&v, "so-dang-ky-trang-thai"));
    verdict_release(&v);

    renewal(f, r, "gia-han", "089185000010", "A00000FF", "0", &v); /* unknown: a warning */
    consult(f, &v);
    assert_true(v.accepted);
    assert_int_equal(find(&v, "so-dang-ky-khong-co")->sev, SEV_WARNING);
    verdict_release(&v);

    renewal(f, r, "gia-han", "089185000009", "A0000009", "0", &v); /* all in order */
    consult(f, &v);
    assert_true(v.accepted);
    assert_int_equal(v.nfindings, 0);
    verdict_release(&v);
    roster_free(r);
}

/* An empty register knows nothing: no finding on any certificate. */
static void test_empty_register_says_nothing(void **state)
{
    fixture *f = *state;
    roster *r = roster_new("gia-han.csv");
    verdict v;
    renewal(f, r, "gia-han", "089185000010", "A00000FF", "0", &v);
    consult(f, &v);
    assert_true(v.accepted);
    assert_int_equal(v.nfindings, 0);
    verdict_release(&v);
    roster_free(r);
}

/* A run's commit of a request recorded as pending against serial (run 1, 01/12/2026). */
static void commit_pending(fixture *f, const char *key, const char *proc, const char *serial)
{
    ledger *l = open_ledger(f);
    char err[512];
    long long run, roster_id, id;
    assert_int_equal(
        ledger_run_begin(l, "2026-12-01", "2026-12-01T08:00:00", &run, err, sizeof err), 0);
    ledger_roster lr = {"a.csv", "00", "", "xong", 1, 1, 0, 0, ""};
    assert_int_equal(ledger_roster_begin(l, run, "2026-12-01", &lr, &roster_id, err, sizeof err),
                     0);
    ledger_request q = {key, proc, "Nguyễn Văn An", 2, serial};
    assert_int_equal(
        ledger_roster_request(l, run, roster_id, "2026-12-01", &q, &id, err, sizeof err), 0);
    assert_int_equal(ledger_roster_end(l, err, sizeof err), 0);
    ledger_close(l);
}

static void test_pending_duplicate_across_runs(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000009", "089185000009", "15/03/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    roster *r = roster_new("gia-han.csv");
    verdict v;
    /* the same certificate asked again under another subscriber identity */
    renewal(f, r, "gia-han", "089185000099", "A0000009", "0", &v);
    consult(f, &v);
    assert_false(v.accepted);
    const finding *dup = find(&v, "trung-lap");
    assert_non_null(dup);
    assert_non_null(strstr(dup->message, "lần chạy số 1 ngày 01/12/2026"));
    verdict_release(&v);
    /* a revocation while the renewal waits: told, not refused */
    renewal(f, r, "thu-hoi", "089185000009", "A0000009", "0", &v);
    assert_true(v.accepted);
    consult(f, &v);
    assert_true(v.accepted);
    assert_int_equal(find(&v, "so-dang-ky-dang-cho")->sev, SEV_WARNING);
    verdict_release(&v);
    roster_free(r);
}

/* Within one roster: the same certificate renewed twice under two CCCDs (one mistyped) is
 * trung-lap from the second row, as it would be across runs. */
static void test_same_certificate_twice_in_a_roster(void **state)
{
    fixture *f = *state;
    roster *r = roster_new("gia-han.csv");
    static const char *const cccd[] = {"089185000009", "089185000090", "089185000091"};
    static const char *const proc[] = {"gia-han", "gia-han", "thu-hoi"};
    for (int i = 0; i < 3; i++) {
        record *rec = roster_add_record(r, 2 + i);
        record_set(rec, "thu_tuc", proc[i]);
        record_set(rec, "loai_thue_bao", "ca-nhan");
        record_set(rec, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang");
        record_set(rec, "ho_ten", "Nguyễn Văn An");
        record_set(rec, "so_cccd", cccd[i]);
        record_set(rec, "email", "an@angiang.gov.vn");
        record_set(rec, "dien_thoai", "0913 456 789");
        record_set(rec, "so_hieu_cts", i == 1 ? "a000 0009" : "A0000009");
        record_set(rec, "ngay_het_han", "15/03/2027");
        record_set(rec, "so_lan_gia_han", "0");
        record_set(rec, "ly_do_thu_hoi", "thoi-viec");
        record_set(rec, "xac_nhan_thu_truong", "có");
    }
    batch *b = rules_check(&r, 1, f->cfg, f->o.as_of);
    assert_int_equal(b->n, 3);
    assert_true(b->v[0].accepted);
    assert_false(b->v[1].accepted);
    const finding *dup = find(&b->v[1], "trung-lap");
    assert_non_null(dup);
    assert_non_null(strstr(dup->message, "Chứng thư số A0000009 đã có yêu cầu «Gia hạn» ở dòng 2"));
    assert_true(b->v[2].accepted); /* another procedure: not a duplicate in the roster */
    batch_free(b);
    roster_free(r);
}

/* ---- confirm and withdraw ---- */

static int run_confirm(fixture *f, const char *text, char **said)
{
    char *path = tu_temp_file(text);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int rc = register_confirm(&path, 1, &f->o, f->cfg, m);
    fclose(m);
    unlink(path);
    free(path);
    *said = out;
    return rc;
}

static void test_confirm(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000009", "089185000009", "15/03/2027", "0", "hoat-dong"},
        {"A000000A", "089185000010", "15/03/2027", "0", "hoat-dong"},
        {"A000000B", "089185000011", "15/03/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    commit_pending(f, "thu-hoi|089185000010|A000000A", "thu-hoi", "A000000A");
    commit_pending(f, "gia-han|089185000011|A000000B", "gia-han", "A000000B");
    char *said;
    /* the renewal's new expiry given; the revocation; a serial with nothing pending */
    assert_int_equal(run_confirm(f,
                                 "so_hieu_cts,thu_tuc,ngay_het_han_moi,ngay_xac_nhan\n"
                                 "a000 0009,gia-han,15/03/2030,05/12/2026\n"
                                 "A000000A,thu-hoi,,05/12/2026\n"
                                 "A00000FF,,,05/12/2026\n",
                                 &said),
                     RUN_REJECTED);
    assert_non_null(strstr(said, "2 request(s) confirmed, 1 row(s) not applied"));
    assert_non_null(strstr(said, "A00000FF không có yêu cầu nào đang chờ xác nhận"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_RENEWALS, "1");
    expect_cert(f, "A0000009", LEDGER_CERT_EXPIRY, "2030-03-15");
    expect_cert(f, "A000000A", LEDGER_CERT_STATUS, "thu-hoi");
    /* confirmed once: the same answer again applies nothing */
    assert_int_equal(run_confirm(f, "so_hieu_cts,ngay_het_han_moi\nA0000009,15/03/2033\n", &said),
                     RUN_REJECTED);
    assert_non_null(strstr(said, "0 request(s) confirmed"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_RENEWALS, "1");
    /* no new expiry given: the old one plus gia_han_them_nam (3 years) */
    assert_int_equal(run_confirm(f, "so_hieu_cts\nA000000B\n", &said), RUN_OK);
    free(said);
    expect_cert(f, "A000000B", LEDGER_CERT_EXPIRY, "2030-03-15");
}

static void test_withdraw(void **state)
{
    fixture *f = *state;
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char *serials[] = {"a000 0009", "A00000FF"};
    assert_int_equal(register_withdraw(serials, 2, &f->o, f->cfg, m), RUN_REJECTED);
    fclose(m);
    assert_non_null(strstr(out, "withdrawn A0000009: gia-han (run 1, 2026-12-01)"));
    assert_non_null(strstr(out, "A00000FF: no request pending"));
    free(out);
    ledger *l = open_ledger(f);
    char err[512], day[32], file[64];
    ledger_pending p;
    assert_int_equal(ledger_cert_pending(l, "A0000009", &p, err, sizeof err), 0);
    /* its key freed: the same request may be made again */
    assert_int_equal(ledger_request_find(l, "gia-han|089185000009|A0000009", day, sizeof day, file,
                                         sizeof file, err, sizeof err),
                     0);
    ledger_close(l);
}

/* The whole campaign twice on a small register: the window's two certificates prepared
 * (their Mẫu 07 and one Mẫu 08 of their agency), pending; the second time nothing. */
static void test_campaign_twice(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"); /* in */
    row(&b, "A0000002", "089185000002", "31/03/2027", "0", "hoat-dong"); /* in */
    row(&b, "A0000003", "089185000003", "01/04/2027", "0", "hoat-dong"); /* after */
    row(&b, "A0000007", "089185000007", "15/02/2027", "1", "hoat-dong"); /* renewed */
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    buf_release(&b);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    renew_result r;
    assert_int_equal(renew_campaign(&f->o, f->cfg, m, &r), RUN_OK);
    fclose(m);
    assert_int_equal(r.selected, 2);
    assert_int_equal(r.agencies, 1);
    assert_int_equal(r.documents, 3);
    assert_int_equal(r.not_renewable, 1);
    free(out);
    ledger *l = open_ledger(f);
    ledger_pending p;
    char err[512];
    assert_int_equal(ledger_cert_pending(l, "A0000001", &p, err, sizeof err), 1);
    assert_string_equal(p.procedure, "gia-han");
    assert_int_equal(ledger_cert_pending(l, "A0000003", &p, err, sizeof err), 0);
    ledger_close(l);
    out = NULL;
    m = open_memstream(&out, &len);
    assert_int_equal(renew_campaign(&f->o, f->cfg, m, &r), RUN_OK);
    fclose(m);
    assert_int_equal(r.selected, 0);
    assert_int_equal(r.documents, 0);
    assert_non_null(strstr(out, "nothing new to prepare"));
    free(out);
}

/* Runs the campaign of the fixture's as-of date; what it said is dropped. */
static int campaign(fixture *f, renew_result *r, char **said)
{
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    int rc = renew_campaign(&f->o, f->cfg, m, r);
    fclose(m);
    if (said)
        *said = out;
    else
        free(out);
    return rc;
}

static char *report_of(fixture *f, const char *day)
{
    char *path = xasprintf("%s/chien-dich-gia-han/%s/bao-cao.csv", f->dir, day);
    char *text = tu_slurp(path);
    assert_non_null(text);
    free(path);
    return text;
}

/* Two certificates of one person (one CCCD) in the window: both renewed, two Mẫu 07 (Điều 63
 * NĐ 130/2018 is per certificate), not the second rejected as trung-lap. */
static void test_campaign_two_certificates_one_person(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"},
        {"A0000002", "089185000001", "15/02/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 2);
    assert_int_equal(r.documents, 3); /* two Mẫu 07, one Mẫu 08 */
    ledger *l = open_ledger(f);
    ledger_pending p;
    char err[512];
    assert_int_equal(ledger_cert_pending(l, "A0000002", &p, err, sizeof err), 1);
    ledger_close(l);
    char *rep = report_of(f, "2026-12-01");
    assert_null(strstr(rep, "trung-lap"));
    assert_non_null(strstr(rep, "cho 2 chứng thư số (2 Mẫu 07, 1 Mẫu 08)"));
    free(rep);
}

/* A selected certificate whose request an earlier run issued (da-lap): the report says so,
 * not "prepared", and the agency's summary counts what the run made. */
static void test_campaign_reports_what_was_made(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"},
        {"A0000002", "089185000002", "15/02/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    /* issued by an earlier version, which recorded nothing pending against the serial */
    commit_pending(f, "gia-han|089185000002|A0000002", "gia-han", NULL);
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 2);
    assert_int_equal(r.documents, 2); /* one Mẫu 07, one Mẫu 08 */
    char *rep = report_of(f, "2026-12-01");
    assert_non_null(strstr(rep, "cho 1 chứng thư số (1 Mẫu 07, 1 Mẫu 08)"));
    char *line = strstr(rep, "A0000002");
    assert_non_null(line);
    char *eol = strchr(line, '\n');
    assert_non_null(eol);
    *eol = '\0';
    assert_null(strstr(line, "Đã lập hồ sơ gia hạn"));
    assert_non_null(strstr(line, "01/12/2026")); /* when the earlier run made it */
    free(rep);
}

/* An unreadable so_lan_gia_han is rejected as a roster's would be (gia-tri-khong-hop-le,
 * case so), naming file, row and field: never read as 0 and renewed. */
static void test_import_unreadable_renewals(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "089185000001", "30/01/2027", "-1", "hoat-dong");
    row(&b, "A0000002", "089185000002", "30/01/2027", "abc", "hoat-dong");
    row(&b, "A0000003", "089185000003", "30/01/2027", "một", "hoat-dong");
    row(&b, "A0000004", "089185000004", "30/01/2027", "1.0", "hoat-dong");
    row(&b, "A0000005", "089185000005", "30/01/2027", "0", "hoat-dong");
    char *said;
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_REJECTED);
    assert_non_null(strstr(said, "5 row(s): 1 added, 0 updated, 0 unchanged, 4 rejected"));
    assert_non_null(strstr(said, "dòng 2, «Số lần đã gia hạn»: «Số lần đã gia hạn» phải là một "
                                 "số nguyên (ví dụ 0 nếu chứng thư số chưa được gia hạn lần "
                                 "nào), không phải «-1»"));
    assert_non_null(strstr(said, "dòng 5, «Số lần đã gia hạn»"));
    assert_non_null(strstr(said, "không phải «1.0»"));
    free(said);
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    buf_release(&b);
}

/* A stale register file imported after a confirmed renewal: the register keeps the confirmed
 * count and new expiry, saying so per field; and a register whose count was lowered anyway
 * (before this check) still refuses a second renewal: the confirmed renewals count. */
static void test_reimport_after_confirm(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000009", "089185000009", "15/03/2027", "0", "hoat-dong");
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    char *said;
    assert_int_equal(run_confirm(f, "so_hieu_cts,ngay_het_han_moi\nA0000009,15/03/2030\n", &said),
                     RUN_OK);
    free(said);
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_OK);
    assert_non_null(strstr(said, "dòng 2, «Số lần đã gia hạn»: giữ 1 của sổ đăng ký"));
    assert_non_null(strstr(said, "dòng 2, «Ngày hết hạn»: giữ 15/03/2030 của sổ đăng ký"));
    assert_non_null(strstr(said, "0 added, 0 updated, 1 unchanged"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_RENEWALS, "1");
    expect_cert(f, "A0000009", LEDGER_CERT_EXPIRY, "2030-03-15");
    buf_release(&b);

    /* the register lowered behind the import's back */
    ledger *l = open_ledger(f);
    ledger_cert c;
    char err[512];
    assert_int_equal(ledger_cert_get(l, "A0000009", &c, err, sizeof err), 1);
    free(c.v[LEDGER_CERT_RENEWALS]), c.v[LEDGER_CERT_RENEWALS] = xstrdup("0");
    free(c.v[LEDGER_CERT_EXPIRY]), c.v[LEDGER_CERT_EXPIRY] = xstrdup("2027-03-15");
    assert_int_equal(ledger_cert_put(l, &c, "2026-12-06T08:00:00", err, sizeof err), 0);
    ledger_cert_release(&c);
    ledger_close(l);
    roster *r = roster_new("gia-han.csv");
    verdict v;
    renewal(f, r, "gia-han", "089185000009", "A0000009", "0", &v);
    consult(f, &v);
    assert_false(v.accepted);
    assert_non_null(find(&v, "gia-han-mot-lan"));
    verdict_release(&v);
    roster_free(r);
    renew_result res;
    assert_int_equal(campaign(f, &res, NULL), RUN_OK);
    assert_int_equal(res.selected, 0);
    assert_int_equal(res.not_renewable, 1);
}

/* A certificate revoked while its renewal waits: the import says so, naming the request, and
 * the provider's confirmation of the renewal is refused (it stays pending): a renewal never
 * brings a revoked certificate back. */
static void test_confirm_refused_when_revoked(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000009", "089185000009", "15/03/2027", "0", "hoat-dong");
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    buf_reset(&b);
    buf_puts(&b, HEAD);
    row(&b, "A0000009", "089185000009", "15/03/2027", "0", "thu-hoi");
    char *said;
    assert_int_equal(import_text(f, buf_str(&b), &said), RUN_OK);
    assert_non_null(strstr(said, "dòng 2, «Trạng thái chứng thư số»"));
    assert_non_null(strstr(said, "yêu cầu «Gia hạn» (lần chạy số 1 ngày 01/12/2026)"));
    free(said);
    buf_release(&b);
    assert_int_equal(run_confirm(f, "so_hieu_cts,ngay_het_han_moi\nA0000009,15/03/2030\n", &said),
                     RUN_REJECTED);
    assert_non_null(strstr(said, "0 request(s) confirmed, 1 row(s) not applied"));
    assert_non_null(strstr(said, "chứng thư số A0000009 đã bị thu hồi"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_STATUS, "thu-hoi");
    expect_cert(f, "A0000009", LEDGER_CERT_RENEWALS, "0");
    ledger *l = open_ledger(f);
    ledger_pending p;
    char err[512];
    assert_int_equal(ledger_cert_pending(l, "A0000009", &p, err, sizeof err), 1);
    ledger_close(l);
}

/* The report lists what in the window cannot be renewed this month and why: a certificate
 * with a request of another procedure pending (which, from which run and date), and one the
 * register holds as expired (cấp mới, Mẫu 01 and 02). */
static void test_campaign_lists_blocked(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"},
        {"A0000002", "089185000002", "15/02/2027", "0", "het-han"},
        {"A0000003", "089185000003", "15/02/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    commit_pending(f, "thu-hoi|089185000003|A0000003", "thu-hoi", "A0000003");
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    assert_int_equal(r.not_renewable, 2);
    char *rep = report_of(f, "2026-12-01");
    assert_non_null(strstr(rep, "1 chứng thư số (1 Mẫu 07, 1 Mẫu 08); 2 chứng thư số"));
    char *line = strstr(rep, "A0000002");
    assert_non_null(line);
    assert_non_null(strstr(line, "Mẫu 01"));
    line = strstr(rep, "A0000003");
    assert_non_null(line);
    char *eol = strchr(line, '\n');
    assert_non_null(eol);
    *eol = '\0';
    assert_non_null(strstr(line, "«Thu hồi»"));
    assert_non_null(strstr(line, "lần chạy số 1 ngày 01/12/2026"));
    free(rep);
}

/* A campaign is the month's: renew --as-of 15/12 after 01/12 keeps the first one's window and
 * prepares nothing new (no second Mẫu 08 "theo kế hoạch tháng 12/2026"); January's runs as
 * before. */
static void test_campaign_same_month(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"); /* 01/12's window */
    row(&b, "A0000002", "089185000002", "10/04/2027", "0", "hoat-dong"); /* 15/12's, 01/01's */
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    buf_release(&b);
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    f->o.as_of = (date){2026, 12, 15};
    char *said;
    assert_int_equal(campaign(f, &r, &said), RUN_OK);
    assert_int_equal(r.selected, 0);
    assert_int_equal(r.documents, 0);
    assert_non_null(strstr(said, "the campaign of 12/2026 ran as of 2026-12-01"));
    free(said);
    char *second = xasprintf("%s/chien-dich-gia-han/2026-12-15", f->dir);
    assert_int_not_equal(access(second, F_OK), 0);
    free(second);
    f->o.as_of = (date){2027, 1, 1};
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    assert_int_equal(r.documents, 2);
}

/* A partial update file (serial and status) for a certificate the register holds: the blank
 * cells keep the register's values, so the required fields are there; for a serial the
 * register does not hold, they are still required. */
static void test_import_partial_update(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    char *said;
    assert_int_equal(import_text(f, "so_hieu_cts,trang_thai\na000 0001,thu-hoi\n", &said), RUN_OK);
    assert_non_null(strstr(said, "1 row(s): 0 added, 1 updated, 0 unchanged, 0 rejected"));
    assert_non_null(strstr(said, "trang_thai hoat-dong → thu-hoi"));
    free(said);
    expect_cert(f, "A0000001", LEDGER_CERT_STATUS, "thu-hoi");
    expect_cert(f, "A0000001", LEDGER_CERT_EXPIRY, "2027-01-30");
    assert_int_equal(import_text(f, "so_hieu_cts,trang_thai\nA00000FF,thu-hoi\n", &said),
                     RUN_REJECTED);
    assert_non_null(strstr(said, "Thiếu «Ngày hết hạn»"));
    free(said);
}

/* The documents cannot be made (no fonts or templates where the run looks): the campaign
 * writes nothing, so the next one, once they are back, writes one roster, not a second one
 * for the same certificates. */
static void test_campaign_checks_renderer_first(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000001", "089185000001", "30/01/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    char here[4096];
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(f->dir), 0); /* ./fonts and ./templates are not there */
    renew_result r;
    int rc = campaign(f, &r, NULL);
    assert_int_equal(chdir(here), 0);
    assert_int_equal(rc, RUN_OUTPUT);
    char *made = xasprintf("%s/chien-dich-gia-han/2026-12-01/gia-han-2026-12-01.csv", f->dir);
    char *dropped = xasprintf("%s/chien-dich-gia-han/nhan/gia-han-2026-12-01.csv", f->dir);
    assert_int_not_equal(access(made, F_OK), 0);
    assert_int_not_equal(access(dropped, F_OK), 0);
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    assert_int_equal(r.documents, 2);
    char *second = xasprintf("%s/chien-dich-gia-han/2026-12-01/gia-han-2026-12-01-2.csv", f->dir);
    assert_int_equal(access(made, F_OK), 0);
    assert_int_not_equal(access(second, F_OK), 0);
    free(second);
    free(made);
    free(dropped);
}

/* trung-lap within a roster is per certificate for a request about an existing one: two
 * renewals of one person's two certificates both pass, the same certificate twice does not;
 * cap-moi keeps its key, the subscriber. */
static void test_duplicate_key_per_certificate(void **state)
{
    fixture *f = *state;
    roster *r = roster_new("gia-han.csv");
    static const char *const proc[] = {"gia-han", "gia-han", "gia-han", "cap-moi", "cap-moi"};
    static const char *const serial[] = {"A0000001", "A0000002", "a000 0002", "", ""};
    for (int i = 0; i < 5; i++) {
        record *rec = roster_add_record(r, 2 + i);
        record_set(rec, "thu_tuc", proc[i]);
        record_set(rec, "loai_thue_bao", "ca-nhan");
        record_set(rec, "co_quan_quan_ly", "Sở Tài chính tỉnh An Giang");
        record_set(rec, "ho_ten", "Nguyễn Văn An");
        record_set(rec, "so_cccd", "089185000009");
        record_set(rec, "chuc_vu", "Chuyên viên");
        record_set(rec, "co_quan_cong_tac", "Phòng Tin học");
        record_set(rec, "email", "an@angiang.gov.vn");
        record_set(rec, "dien_thoai", "0913 456 789");
        record_set(rec, "so_hieu_cts", serial[i]);
        record_set(rec, "ngay_het_han", "15/03/2027");
        record_set(rec, "so_lan_gia_han", "0");
        record_set(rec, "xac_nhan_thu_truong", "có");
    }
    batch *b = rules_check(&r, 1, f->cfg, f->o.as_of);
    assert_true(b->v[0].accepted);
    assert_true(b->v[1].accepted);
    assert_false(b->v[2].accepted);
    assert_non_null(find(&b->v[2], "trung-lap"));
    assert_true(b->v[3].accepted);
    assert_false(b->v[4].accepted);
    assert_non_null(find(&b->v[4], "trung-lap"));
    batch_free(b);
    roster_free(r);
}

/* The provider cannot confirm a request before it was made: a confirmation dated before the
 * pending request's day (the run's, 01/12/2026) is refused naming both days, and nothing of
 * the certificate changes; a renewal whose new expiry is not after the current one is refused
 * naming both expiries. Each is a row not applied; the request stays pending, and the same
 * answer rightly dated (the request's own day) is applied. */
static void test_confirm_refuses_impossible_dates(void **state)
{
    fixture *f = *state;
    const cert_row rs[] = {
        {"A0000009", "089185000009", "15/03/2027", "0", "hoat-dong"},
        {"A000000A", "089185000010", "15/03/2027", "0", "hoat-dong"},
    };
    assert_int_equal(import_rows(f, rs, sizeof rs / sizeof rs[0], NULL), RUN_OK);
    commit_pending(f, "gia-han|089185000009|A0000009", "gia-han", "A0000009");
    commit_pending(f, "thu-hoi|089185000010|A000000A", "thu-hoi", "A000000A");
    char *said;
    assert_int_equal(run_confirm(f,
                                 "so_hieu_cts,thu_tuc,ngay_het_han_moi,ngay_xac_nhan\n"
                                 "A0000009,gia-han,15/03/2030,30/11/2026\n"
                                 "A000000A,thu-hoi,,28/11/2026\n"
                                 "A0000009,gia-han,15/03/2027,05/12/2026\n"
                                 "A0000009,gia-han,01/01/2027,05/12/2026\n",
                                 &said),
                     RUN_REJECTED);
    assert_non_null(strstr(said, "0 request(s) confirmed, 4 row(s) not applied"));
    assert_non_null(strstr(said, "dòng 2: không áp dụng được: ngày xác nhận 30/11/2026 trước "
                                 "ngày lập yêu cầu «Gia hạn» của chứng thư số A0000009 "
                                 "(01/12/2026"));
    assert_non_null(strstr(said, "dòng 3: không áp dụng được: ngày xác nhận 28/11/2026"));
    assert_non_null(strstr(said, "dòng 4: không áp dụng được: ngày hết hạn mới 15/03/2027 không "
                                 "sau ngày hết hạn hiện tại 15/03/2027"));
    assert_non_null(strstr(said, "dòng 5: không áp dụng được: ngày hết hạn mới 01/01/2027 không "
                                 "sau ngày hết hạn hiện tại 15/03/2027"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_RENEWALS, "0");
    expect_cert(f, "A0000009", LEDGER_CERT_EXPIRY, "2027-03-15");
    expect_cert(f, "A000000A", LEDGER_CERT_STATUS, "hoat-dong");
    ledger *l = open_ledger(f);
    ledger_pending p;
    char err[512];
    assert_int_equal(ledger_cert_pending(l, "A0000009", &p, err, sizeof err), 1);
    assert_int_equal(ledger_cert_pending(l, "A000000A", &p, err, sizeof err), 1);
    ledger_close(l);
    /* on the request's own day: applied */
    assert_int_equal(run_confirm(f,
                                 "so_hieu_cts,ngay_het_han_moi,ngay_xac_nhan\n"
                                 "A0000009,15/03/2030,01/12/2026\n",
                                 &said),
                     RUN_OK);
    assert_non_null(strstr(said, "1 request(s) confirmed, 0 row(s) not applied"));
    free(said);
    expect_cert(f, "A0000009", LEDGER_CERT_EXPIRY, "2030-03-15");
}

/* An expired certificate the register still holds as active is listed once, by the first
 * campaign on or after its expiry, not by every month's after it: each campaign lists what
 * expired since the previous one (remembered by the ledger, its roster processed, or by the
 * previous campaign's folder with its report); the month's second campaign lists what its
 * first listed. */
static void test_campaign_lists_expired_once(void **state)
{
    fixture *f = *state;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, HEAD);
    row(&b, "A0000001", "089185000001", "15/11/2026", "0", "hoat-dong"); /* expired at 01/12 */
    row(&b, "A0000002", "089185000002", "15/12/2026", "0", "hoat-dong"); /* 14 days at 01/12 */
    row(&b, "A0000003", "089185000003", "30/01/2027", "0", "hoat-dong"); /* 01/12's window */
    assert_int_equal(import_text(f, buf_str(&b), NULL), RUN_OK);
    buf_release(&b);
    renew_result r;
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 1);
    assert_int_equal(r.not_renewable, 2);
    f->o.as_of = (date){2026, 12, 15}; /* December's again: December's list */
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.not_renewable, 2);
    /* January: the ledger alone remembers December's campaign (its roster processed) */
    char *dec = xasprintf("%s/chien-dich-gia-han/2026-12-01", f->dir);
    tu_remove_tree(dec);
    free(dec);
    f->o.as_of = (date){2027, 1, 1};
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.selected, 0);
    assert_int_equal(r.not_renewable, 1);
    char *rep = report_of(f, "2027-01-01");
    assert_null(strstr(rep, "A0000001"));
    char *line = strstr(rep, "A0000002");
    assert_non_null(line);
    assert_non_null(strstr(line, "đã hết hạn ngày 15/12/2026"));
    assert_non_null(strstr(rep, "0 chứng thư số (0 Mẫu 07, 0 Mẫu 08); 1 chứng thư số"));
    free(rep);
    /* February: January selected nothing, so only its folder and report remember it */
    f->o.as_of = (date){2027, 2, 1};
    assert_int_equal(campaign(f, &r, NULL), RUN_OK);
    assert_int_equal(r.not_renewable, 0);
    rep = report_of(f, "2027-02-01");
    assert_null(strstr(rep, "A0000001"));
    assert_null(strstr(rep, "A0000002"));
    free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_months_clamps),
        cmocka_unit_test_setup_teardown(test_window_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_edges_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_reimport_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_rejected_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renew_once_from_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_register_says_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_duplicate_across_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_certificate_twice_in_a_roster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key_per_certificate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_two_certificates_one_person, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_reports_what_was_made, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_unreadable_renewals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_after_confirm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm_refused_when_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_lists_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_same_month, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_partial_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_checks_renderer_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirm_refuses_impossible_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_lists_expired_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
