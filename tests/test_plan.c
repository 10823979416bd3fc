/* test_plan: unit tests of pipeline/plan.c with the shipped config/ctsbatch.xml, following
 * FORMS.md "Which documents a run makes": a subscriber's form per accepted row (Mẫu 01, 03,
 * 07, 09, 11, 15) and a cover letter or minutes per managing agency and procedure (Mẫu 02,
 * 04, 08, 10, 12, 14) listing its accepted rows in roster order; rejected rows in no
 * document; no letter for an agency without an accepted row; no Mẫu 09 where the agency
 * files or the certificate expired (RULES.md thu-hoi); unique file names
 * "<agency-slug>/<folder>/MauNN-<slug>.pdf" with -2, -3 for repeated names; the run report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "date.h"
#include "plan.h"
#include "roster.h"
#include "rules.h"
#include "testutil.h"

#define STC "Sở Tài chính tỉnh An Giang"
#define SNV "Sở Nội vụ tỉnh An Giang"
#define STC_SLUG "so-tai-chinh-tinh-an-giang"
#define SNV_SLUG "so-noi-vu-tinh-an-giang"

typedef struct fixture {
    config *cfg;
    roster *rs;
    batch *b;
    plan *p;
} fixture;

static int setup(void **state)
{
    fixture *fx = test_calloc(1, sizeof *fx);
    fx->cfg = tu_config();
    fx->rs = roster_new("unit.csv");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    plan_free(fx->p);
    batch_free(fx->b);
    roster_free(fx->rs);
    config_free(fx->cfg);
    test_free(fx);
    return 0;
}

/* Adds an individual cap-moi request; `ok` 0 makes it fail xac-nhan-thu-truong. */
static void add_row(fixture *fx, const char *name, const char *cccd, const char *agency, int ok)
{
    record *rec = roster_add_record(fx->rs, (long)fx->rs->nrecords + 2);
    record_set(rec, "thu_tuc", "Cấp mới");
    record_set(rec, "loai_thue_bao", "Cá nhân");
    record_set(rec, "ngay_de_nghi", "05/01/2026");
    record_set(rec, "ho_ten", name);
    record_set(rec, "so_cccd", cccd);
    record_set(rec, "chuc_vu", "Chuyên viên");
    record_set(rec, "co_quan_cong_tac", "Văn phòng");
    record_set(rec, "email", "canbo@angiang.gov.vn");
    record_set(rec, "dien_thoai", "0912345678");
    record_set(rec, "xac_nhan_thu_truong", ok ? "có" : "không");
    record_set(rec, "co_quan_quan_ly", agency);
}

static void make_plan(fixture *fx)
{
    date as_of = {2026, 1, 10};
    roster *const rs[] = {fx->rs};
    fx->b = rules_check(rs, 1, fx->cfg, as_of);
    fx->p = plan_make(fx->b, fx->cfg, NULL, NULL);
    assert_non_null(fx->p);
}

static const verdict *row_of(const fixture *fx, size_t i)
{
    return &fx->b->v[i];
}

/* Expects doc i to be form `form` for `agency`, listing exactly the rows idx[0..n). */
static void expect_doc(const fixture *fx, size_t i, const char *form, const char *per,
                       const char *agency, const size_t *idx, size_t n, const char *relpath)
{
    assert_true(i < fx->p->n);
    const doc *d = &fx->p->docs[i];
    assert_string_equal(d->kind->form, form);
    assert_string_equal(d->kind->per, per);
    assert_string_equal(d->kind->procedure, "cap-moi");
    assert_string_equal(d->agency, agency);
    assert_int_equal(d->nrows, n);
    for (size_t k = 0; k < n; k++)
        assert_ptr_equal(d->rows[k], row_of(fx, idx[k]));
    assert_string_equal(d->relpath, relpath);
}

static void test_two_rows_one_agency(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    add_row(fx, "Lê Văn Tám", "089186000124", STC, 1);
    make_plan(fx);
    assert_int_equal(fx->p->n, 3);
    const size_t r0[] = {0}, r1[] = {1}, both[] = {0, 1};
    expect_doc(fx, 0, "01", "row", STC, r0, 1, STC_SLUG "/cap-moi/Mau01-nguyen-thi-anh-tuyet.pdf");
    expect_doc(fx, 1, "01", "row", STC, r1, 1, STC_SLUG "/cap-moi/Mau01-le-van-tam.pdf");
    expect_doc(fx, 2, "02", "agency", STC, both, 2, STC_SLUG "/cap-moi/Mau02-" STC_SLUG ".pdf");
}

static void test_rejected_rows_in_no_document(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    add_row(fx, "Lê Văn Tám", "089186000124", STC, 0);
    add_row(fx, "Trần Thị Hoa", "089186000125", STC, 1);
    make_plan(fx);
    assert_int_equal(row_of(fx, 1)->accepted, 0);
    assert_int_equal(fx->p->n, 3);
    const size_t r0[] = {0}, r2[] = {2}, listed[] = {0, 2};
    expect_doc(fx, 0, "01", "row", STC, r0, 1, STC_SLUG "/cap-moi/Mau01-nguyen-thi-anh-tuyet.pdf");
    expect_doc(fx, 1, "01", "row", STC, r2, 1, STC_SLUG "/cap-moi/Mau01-tran-thi-hoa.pdf");
    expect_doc(fx, 2, "02", "agency", STC, listed, 2, STC_SLUG "/cap-moi/Mau02-" STC_SLUG ".pdf");
    for (size_t i = 0; i < fx->p->n; i++)
        for (size_t k = 0; k < fx->p->docs[i].nrows; k++)
            assert_ptr_not_equal(fx->p->docs[i].rows[k], row_of(fx, 1));
}

static void test_no_cover_letter_without_accepted_row(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 0);
    add_row(fx, "Lê Văn Tám", "089186000124", SNV, 1);
    make_plan(fx);
    /* the rejected STC row makes neither a Mẫu 01 nor a Mẫu 02 */
    assert_int_equal(fx->p->n, 2);
    const size_t r1[] = {1};
    expect_doc(fx, 0, "01", "row", SNV, r1, 1, SNV_SLUG "/cap-moi/Mau01-le-van-tam.pdf");
    expect_doc(fx, 1, "02", "agency", SNV, r1, 1, SNV_SLUG "/cap-moi/Mau02-" SNV_SLUG ".pdf");
}

static void test_all_rejected_empty_plan(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 0);
    add_row(fx, "Lê Văn Tám", "", STC, 1); /* thieu-truong so_cccd */
    make_plan(fx);
    assert_int_equal(row_of(fx, 1)->accepted, 0);
    assert_int_equal(fx->p->n, 0);
}

static void test_two_agencies_two_letters(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    add_row(fx, "Lê Văn Tám", "089186000124", SNV, 1);
    add_row(fx, "Trần Thị Hoa", "089186000125", STC, 1);
    make_plan(fx);
    assert_int_equal(fx->p->n, 5);
    size_t letters = 0;
    for (size_t i = 0; i < fx->p->n; i++)
        letters += strcmp(fx->p->docs[i].kind->form, "02") == 0;
    assert_int_equal(letters, 2);
    /* agencies in order of their first row; each lists its own rows in roster order */
    const size_t stc[] = {0, 2}, snv[] = {1};
    expect_doc(fx, 3, "02", "agency", STC, stc, 2, STC_SLUG "/cap-moi/Mau02-" STC_SLUG ".pdf");
    expect_doc(fx, 4, "02", "agency", SNV, snv, 1, SNV_SLUG "/cap-moi/Mau02-" SNV_SLUG ".pdf");
    assert_string_equal(fx->p->docs[1].relpath, SNV_SLUG "/cap-moi/Mau01-le-van-tam.pdf");
}

static void test_same_name_distinct_paths(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Văn An", "089186000123", STC, 1);
    add_row(fx, "Nguyễn Văn An", "089186000124", STC, 1);
    add_row(fx, "NGUYỄN VĂN AN", "089186000125", STC, 1);
    add_row(fx, "Nguyễn Văn An", "089186000126", SNV, 1);
    make_plan(fx);
    assert_int_equal(fx->p->n, 6);
    assert_string_equal(fx->p->docs[0].relpath, STC_SLUG "/cap-moi/Mau01-nguyen-van-an.pdf");
    assert_string_equal(fx->p->docs[1].relpath, STC_SLUG "/cap-moi/Mau01-nguyen-van-an-2.pdf");
    assert_string_equal(fx->p->docs[2].relpath, STC_SLUG "/cap-moi/Mau01-nguyen-van-an-3.pdf");
    /* another agency's folder: no clash, no suffix */
    assert_string_equal(fx->p->docs[3].relpath, SNV_SLUG "/cap-moi/Mau01-nguyen-van-an.pdf");
    for (size_t i = 0; i < fx->p->n; i++)
        for (size_t k = i + 1; k < fx->p->n; k++)
            assert_string_not_equal(fx->p->docs[i].relpath, fx->p->docs[k].relpath);
}

static void test_authorised_individual_gets_forms(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    record_set(&fx->rs->records[0], "loai_thue_bao", "Cá nhân có thẩm quyền");
    add_row(fx, "Lê Văn Tám", "089186000124", STC, 1);
    make_plan(fx);
    assert_string_equal(row_of(fx, 0)->loai_thue_bao, "ca-nhan-tham-quyen");
    assert_int_equal(fx->p->n, 3);
    const size_t r0[] = {0}, both[] = {0, 1};
    expect_doc(fx, 0, "01", "row", STC, r0, 1, STC_SLUG "/cap-moi/Mau01-nguyen-thi-anh-tuyet.pdf");
    expect_doc(fx, 2, "02", "agency", STC, both, 2, STC_SLUG "/cap-moi/Mau02-" STC_SLUG ".pdf");
}

static void test_other_procedure_no_cap_moi_form(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    make_plan(fx);
    assert_int_equal(fx->p->n, 2);
    /* a khôi phục request, even accepted, is no Mẫu 01/02 (procedure cap-moi only) */
    plan_free(fx->p);
    batch_free(fx->b);
    assert_int_equal(fx->rs->nrecords, 0); /* the batch took the record: the row again */
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    record *rec = &fx->rs->records[0];
    record_set(rec, "thu_tuc", "khoi-phuc");
    record_set(rec, "so_hieu_cts", "54010101AB");
    record_set(rec, "so_serial_thiet_bi", "TK-001");
    make_plan(fx);
    assert_string_equal(row_of(fx, 0)->thu_tuc, "khoi-phuc");
    for (size_t i = 0; i < fx->p->n; i++) {
        assert_string_not_equal(fx->p->docs[i].kind->form, "01");
        assert_string_not_equal(fx->p->docs[i].kind->form, "02");
    }
}

/* ---- the other procedures of the document table ---- */

/* Adds a request of agency `agency`: a valid individual row changed by pairs (key, value or
 * NULL to leave the key out; ends with a NULL key). */
static void add_req(fixture *fx, const char *name, const char *cccd, const char *agency,
                    const char *const *pairs)
{
    add_row(fx, name, cccd, agency, 1);
    record *rec = &fx->rs->records[fx->rs->nrecords - 1];
    for (const char *const *q = pairs; q && q[0]; q += 2) {
        record tmp = {.line = rec->line};
        for (size_t i = 0; i < rec->nfields; i++)
            if (strcmp(rec->fields[i].key, q[0]) != 0)
                record_set(&tmp, rec->fields[i].key, rec->fields[i].value);
        if (q[1])
            record_set(&tmp, q[0], q[1]);
        record_release(rec);
        *rec = tmp;
    }
}

/* The docs of form `form`, in plan order, into out (at most max); returns how many. */
static size_t docs_of(const fixture *fx, const char *form, const doc **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < fx->p->n; i++)
        if (strcmp(fx->p->docs[i].kind->form, form) == 0) {
            if (n < max)
                out[n] = &fx->p->docs[i];
            n++;
        }
    return n;
}

static void expect_accepted(const fixture *fx)
{
    for (size_t i = 0; i < fx->b->n; i++) {
        const verdict *v = &fx->b->v[i];
        if (v->accepted)
            continue;
        for (size_t k = 0; k < v->nfindings; k++)
            print_message("  row %zu: %s %s\n", i, v->findings[k].rule, v->findings[k].message);
        fail_msg("row %zu rejected", i);
    }
}

static void test_organisation_forms(void **state)
{
    fixture *fx = *state;
    const char *org[] = {"loai_thue_bao",
                         "Cơ quan, tổ chức",
                         "ten_co_quan",
                         "Trung tâm Dịch vụ công",
                         "dia_chi",
                         "Số 1 Lê Lợi",
                         "tu_cach_phap_nhan",
                         "có",
                         "quyet_dinh_thanh_lap",
                         "QĐ 12/QĐ-UBND",
                         "chuc_vu",
                         NULL,
                         "co_quan_cong_tac",
                         NULL,
                         NULL};
    add_req(fx, "Phạm Văn Đồng", "089186000123", STC, org);
    make_plan(fx);
    expect_accepted(fx);
    assert_int_equal(fx->p->n, 2);
    const size_t r0[] = {0};
    /* FORMS.md: Mẫu 03 per organisation, Mẫu 04 per agency; named after the organisation */
    expect_doc(fx, 0, "03", "row", STC, r0, 1,
               STC_SLUG "/cap-moi/Mau03-trung-tam-dich-vu-cong.pdf");
    expect_doc(fx, 1, "04", "agency", STC, r0, 1, STC_SLUG "/cap-moi/Mau04-" STC_SLUG ".pdf");
}

static void test_renewal_and_change_letters(void **state)
{
    fixture *fx = *state;
    const char *renew[] = {
        "thu_tuc",    "gia-han",        "so_hieu_cts", "54010101AB", "ngay_het_han",
        "14/03/2027", "so_lan_gia_han", "0",           NULL};
    const char *change[] = {
        "thu_tuc",    "thay-doi",          "so_hieu_cts", "54010101AC",  "ngay_het_han",
        "14/03/2027", "noi_dung_thay_doi", "doi-email",   "gia_tri_moi", "moi@angiang.gov.vn",
        NULL};
    /* each certificate its own serial: one renewed twice in a batch is trung-lap */
    const char *renew2[] = {
        "thu_tuc",    "gia-han",        "so_hieu_cts", "54010101AD", "ngay_het_han",
        "14/03/2027", "so_lan_gia_han", "0",           NULL};
    add_req(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, renew);
    add_req(fx, "Lê Văn Tám", "089186000124", STC, change);
    add_req(fx, "Trần Thị Hoa", "089186000125", STC, renew2);
    make_plan(fx);
    expect_accepted(fx);
    const doc *d[8];
    /* Mẫu 07 per row, in each procedure's folder */
    assert_int_equal(docs_of(fx, "07", d, 8), 3);
    assert_string_equal(d[0]->relpath, STC_SLUG "/gia-han/Mau07-nguyen-thi-anh-tuyet.pdf");
    assert_string_equal(d[1]->relpath, STC_SLUG "/gia-han/Mau07-tran-thi-hoa.pdf");
    assert_string_equal(d[2]->relpath, STC_SLUG "/thay-doi/Mau07-le-van-tam.pdf");
    /* Mẫu 08: one per agency and procedure */
    assert_int_equal(docs_of(fx, "08", d, 8), 2);
    assert_string_equal(d[0]->kind->procedure, "gia-han");
    assert_int_equal(d[0]->nrows, 2);
    assert_ptr_equal(d[0]->rows[0], row_of(fx, 0));
    assert_ptr_equal(d[0]->rows[1], row_of(fx, 2));
    assert_string_equal(d[0]->relpath, STC_SLUG "/gia-han/Mau08-" STC_SLUG ".pdf");
    assert_string_equal(d[1]->kind->procedure, "thay-doi");
    assert_int_equal(d[1]->nrows, 1);
    assert_ptr_equal(d[1]->rows[0], row_of(fx, 1));
    assert_string_equal(d[1]->relpath, STC_SLUG "/thay-doi/Mau08-" STC_SLUG ".pdf");
    assert_int_equal(fx->p->n, 5);
}

static void test_revocations_and_handover(void **state)
{
    fixture *fx = *state;
    const char *moved[] = {"thu_tuc",      "thu-hoi",       "so_hieu_cts",
                           "54010101AB",   "ly_do_thu_hoi", "doi-vi-tri",
                           "ngay_het_han", "14/03/2027",    NULL};
    const char *retired[] = {"thu_tuc",      "thu-hoi",       "so_hieu_cts",
                             "54010101AC",   "ly_do_thu_hoi", "nghi-huu",
                             "ngay_het_han", "14/03/2027",    NULL};
    const char *expired[] = {"thu_tuc",      "thu-hoi",       "so_hieu_cts",
                             "54010101AD",   "ly_do_thu_hoi", "het-han",
                             "ngay_het_han", "14/03/2027",    NULL};
    const char *handover[] = {"thu_tuc", "ban-giao-thiet-bi", "so_serial_thiet_bi",
                              "TK-9",    "ngay_thu_hoi",      "08/01/2026",
                              NULL};
    add_req(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, moved);
    add_req(fx, "Lê Văn Tám", "089186000124", STC, retired);
    add_req(fx, "Trần Thị Hoa", "089186000125", STC, expired);
    add_req(fx, "Võ Văn Kiệt", "089186000126", STC, handover);
    make_plan(fx);
    expect_accepted(fx);
    const doc *d[8];
    /* Mẫu 09 only where the subscriber files: not for nghi-huu (agency), het-han (provider) */
    assert_int_equal(docs_of(fx, "09", d, 8), 1);
    assert_ptr_equal(d[0]->rows[0], row_of(fx, 0));
    assert_string_equal(d[0]->relpath, STC_SLUG "/thu-hoi/Mau09-nguyen-thi-anh-tuyet.pdf");
    /* Mẫu 10 lists every revocation that needs a letter: not the expired one */
    assert_int_equal(docs_of(fx, "10", d, 8), 1);
    assert_int_equal(d[0]->nrows, 2);
    assert_ptr_equal(d[0]->rows[0], row_of(fx, 0));
    assert_ptr_equal(d[0]->rows[1], row_of(fx, 1));
    /* Mẫu 14: one per agency, every token due back, revocations and handovers alike */
    assert_int_equal(docs_of(fx, "14", d, 8), 1);
    assert_int_equal(d[0]->nrows, 4);
    for (size_t i = 0; i < 4; i++)
        assert_ptr_equal(d[0]->rows[i], row_of(fx, i));
    assert_string_equal(d[0]->relpath, STC_SLUG "/ban-giao-thiet-bi/Mau14-" STC_SLUG ".pdf");
    assert_int_equal(fx->p->n, 3);
}

static void test_handover_two_agencies(void **state)
{
    fixture *fx = *state;
    const char *handover[] = {"thu_tuc", "ban-giao-thiet-bi", "so_serial_thiet_bi",
                              "TK-9",    "ngay_thu_hoi",      "08/01/2026",
                              NULL};
    add_req(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, handover);
    add_req(fx, "Lê Văn Tám", "089186000124", SNV, handover);
    make_plan(fx);
    expect_accepted(fx);
    const doc *d[4];
    assert_int_equal(docs_of(fx, "14", d, 4), 2);
    assert_string_equal(d[0]->agency, STC);
    assert_string_equal(d[1]->agency, SNV);
    assert_string_equal(d[1]->relpath, SNV_SLUG "/ban-giao-thiet-bi/Mau14-" SNV_SLUG ".pdf");
    assert_int_equal(fx->p->n, 2);
}

static void test_recovery_and_lost_token_forms(void **state)
{
    fixture *fx = *state;
    const char *recover[] = {
        "thu_tuc", "khoi-phuc", "so_hieu_cts", "54010101AB", "so_serial_thiet_bi", "TK-1", NULL};
    const char *lost[] = {"thu_tuc",   "that-lac-thiet-bi",   "so_serial_thiet_bi",
                          "TK-2",      "ngay_that_lac",       "02/01/2026",
                          "hoan_canh", "Rơi khi đi công tác", NULL};
    add_req(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, recover);
    add_req(fx, "Lê Văn Tám", "089186000124", STC, lost);
    make_plan(fx);
    expect_accepted(fx);
    const doc *d[4];
    assert_int_equal(docs_of(fx, "11", d, 4), 1);
    assert_string_equal(d[0]->relpath, STC_SLUG "/khoi-phuc/Mau11-nguyen-thi-anh-tuyet.pdf");
    assert_int_equal(docs_of(fx, "12", d, 4), 1);
    assert_int_equal(d[0]->nrows, 1);
    /* FORMS.md: Mẫu 15 per row, no cover letter */
    assert_int_equal(docs_of(fx, "15", d, 4), 1);
    assert_string_equal(d[0]->relpath, STC_SLUG "/that-lac-thiet-bi/Mau15-le-van-tam.pdf");
    assert_int_equal(fx->p->n, 3);
}

/* Every value the plan sets for a report is one plan_provides names (templates are checked
 * against it when loaded, render.h). */
static void expect_provided(const record *rec, int in_row)
{
    for (size_t k = 0; k < rec->nfields; k++) {
        char name[160];
        snprintf(name, sizeof name, "%s%s", in_row ? "" : "doc.", rec->fields[k].key);
        if (!plan_provides(name, in_row))
            fail_msg("the plan sets %s but plan_provides does not name it", name);
    }
}

static void test_run_report(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    add_row(fx, "Lê Văn Tám", "089186000124", STC, 0);
    add_row(fx, "Trần Thị Hoa", "089186000125", SNV, 1);
    make_plan(fx);
    roster *bad = roster_new("hong.csv");
    roster_fail(bad, 4, "Dòng 4 có dấu ngoặc kép không đóng.");
    roster *const all[] = {fx->rs, bad};
    doc rep;
    plan_report(&fx->b, 1, all, 2, 0, PLAN_REPORT_PART_ROWS, fx->cfg, &rep);
    assert_string_equal(rep.relpath, "report.pdf");
    expect_provided(rep.values, 0);
    assert_false(plan_provides("doc.khong_co", 0));
    /* every request: the rejected one first, then the accepted ones in roster order */
    assert_int_equal(rep.nrows, 3);
    assert_ptr_equal(rep.rows[0], row_of(fx, 1));
    assert_ptr_equal(rep.rows[1], row_of(fx, 0));
    assert_ptr_equal(rep.rows[2], row_of(fx, 2));
    assert_string_equal(record_get(rep.values, "dong_tu_choi"), "0 1");
    assert_string_equal(record_get(rep.values, "dong_hop_le"), "1 2");
    assert_string_equal(record_get(rep.values, "so_phan"), "1");
    assert_string_equal(record_get(rep.values, "ghi_chu_phan"), "");
    assert_string_equal(record_get(rep.values, "luu_y_tep"), "");
    assert_non_null(rep.values);
    assert_string_equal(record_get(rep.values, "so_tep"), "2");
    assert_string_equal(record_get(rep.values, "so_yeu_cau"), "3");
    assert_string_equal(record_get(rep.values, "so_hop_le"), "2");
    assert_string_equal(record_get(rep.values, "so_tu_choi"), "1");
    assert_string_equal(record_get(rep.values, "tep_loi"),
                        "hong.csv (dòng 4): Dòng 4 có dấu ngoặc kép không đóng.");
    plan_report_release(&rep);
    assert_null(rep.rows);
    roster_free(bad);

    roster *const good[] = {fx->rs};
    plan_report(&fx->b, 1, good, 1, 0, PLAN_REPORT_PART_ROWS, fx->cfg, &rep);
    assert_string_equal(record_get(rep.values, "tep_loi"), "không có");
    plan_report_release(&rep);
}

static int taken_unknown(void *ctx, const char *relpath)
{
    (void)ctx;
    (void)relpath;
    return -1;
}

static int taken_always(void *ctx, const char *relpath)
{
    (void)relpath;
    (*(size_t *)ctx)++;
    return 1;
}

static int taken_first(void *ctx, const char *relpath)
{
    (void)ctx;
    return strstr(relpath, "-2.pdf") == NULL; /* every plain name is taken before */
}

/* A name taken by an earlier document is never reused; a name that cannot be checked, or
 * no free name at all, fails the plan instead of looping. */
static void test_names_avoid_taken_and_fail_cleanly(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    date as_of = {2026, 1, 10};
    roster *const rs[] = {fx->rs};
    fx->b = rules_check(rs, 1, fx->cfg, as_of);
    plan *p = plan_make(fx->b, fx->cfg, taken_first, NULL);
    assert_false(p->failed);
    assert_int_equal(p->n, 2);
    assert_string_equal(p->docs[0].relpath, STC_SLUG "/cap-moi/Mau01-nguyen-thi-anh-tuyet-2.pdf");
    plan_free(p);
    p = plan_make(fx->b, fx->cfg, taken_unknown, NULL);
    assert_true(p->failed);
    plan_free(p);
    size_t asked = 0;
    p = plan_make(fx->b, fx->cfg, taken_always, &asked);
    assert_true(p->failed);
    assert_true(asked <= 2 * PLAN_MAX_NAME_TRIES); /* it stopped */
    plan_free(p);
}

/* A report longer than a part is split: the rejected rows first across the parts, every
 * row in exactly one part, each part saying which it is. */
static void test_run_report_parts_rejected_first(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    add_row(fx, "Trần Thị Hoa", "089186000125", STC, 1);
    add_row(fx, "Lê Văn Tám", "089186000124", STC, 0);
    add_row(fx, "Lê Văn Năm", "089186000126", STC, 0);
    add_row(fx, "Võ Thị Mỹ Duyên", "089186000127", STC, 1);
    make_plan(fx);
    roster *const all[] = {fx->rs};
    assert_int_equal(plan_report_parts(&fx->b, 1, 2), 3);
    assert_int_equal(plan_report_parts(&fx->b, 1, 5), 1);
    static const size_t order[] = {2, 3, 0, 1, 4}; /* rejected, then accepted */
    static const char *const ranges[3][2] = {{"0 2", "2 0"}, {"0 0", "0 2"}, {"0 0", "0 1"}};
    size_t seen = 0;
    for (size_t k = 0; k < 3; k++) {
        doc rep;
        plan_report(&fx->b, 1, all, 1, k, 2, fx->cfg, &rep);
        for (size_t i = 0; i < rep.nrows; i++)
            assert_ptr_equal(rep.rows[i], row_of(fx, order[seen++]));
        assert_string_equal(record_get(rep.values, "so_yeu_cau"), "5");
        assert_string_equal(record_get(rep.values, "so_tu_choi"), "2");
        assert_string_equal(record_get(rep.values, "so_phan"), "3");
        assert_string_equal(record_get(rep.values, "dong_tu_choi"), ranges[k][0]);
        assert_string_equal(record_get(rep.values, "dong_hop_le"), ranges[k][1]);
        char phan[32];
        snprintf(phan, sizeof phan, "%zu", k + 1);
        assert_string_equal(record_get(rep.values, "phan"), phan);
        snprintf(phan, sizeof phan, "%zu", 2 * k);
        assert_string_equal(record_get(rep.values, "stt_dau"), phan);
        const char *note = record_get(rep.values, "ghi_chu_phan");
        assert_true(note[0] != '\0');
        assert_null(strchr(note, '{')); /* its placeholders are filled */
        plan_report_release(&rep);
    }
    assert_int_equal(seen, 5);
}

/* The rosters' own notes come once per file, with the file's name when there are several. */
static void test_run_report_file_notes(void **state)
{
    fixture *fx = *state;
    add_row(fx, "Nguyễn Thị Ánh Tuyết", "089186000123", STC, 1);
    make_plan(fx);
    roster_warn(fx->rs, 1, "ghi_chu_khac", "Cột «Ghi chú khác» không được dùng.");
    roster *other = roster_new("in/b.csv");
    roster_warn(other, 0, NULL, "Cột CCCD mất số 0 ở đầu.");
    doc rep;
    roster *const one[] = {fx->rs};
    plan_report(&fx->b, 1, one, 1, 0, 0, fx->cfg, &rep);
    assert_string_equal(record_get(rep.values, "luu_y_tep"),
                        "Dòng 1: Cột «Ghi chú khác» không được dùng.");
    plan_report_release(&rep);
    roster *const two[] = {fx->rs, other};
    plan_report(&fx->b, 1, two, 2, 0, 0, fx->cfg, &rep);
    const char *notes = record_get(rep.values, "luu_y_tep");
    assert_non_null(strstr(notes, ", dòng 1: Cột «Ghi chú khác» không được dùng. b.csv, Cột CCCD"));
    plan_report_release(&rep);
    roster_free(other);
}

/* The run's report: one row per roster, owning its values; the totals add up. */
static void test_run_summary(void **state)
{
    (void)state;
    plan_summary_line lines[] = {
        {"tot.csv", "Đã xử lý", 2, 2, 0, 0, 2, "Dòng 1: Cột «x» không dùng.", 0},
        {"stc.csv", "Đã xử lý", 4, 3, 1, 1, 5, NULL, 1},
        {"hong.csv", "Không đọc được", 0, 0, 0, 0, 0, NULL, 1},
    };
    doc d;
    plan_run_summary(lines, 3, 7, "hong.csv (dòng 2): nhị phân", &d);
    assert_int_equal(d.nrows, 3);
    expect_provided(d.values, 0);
    for (size_t i = 0; i < d.nrows; i++)
        expect_provided(d.rows[i]->rec, 1);
    assert_false(plan_provides("tep", 0)); /* a row's key, not the document's */
    assert_string_equal(d.kind->form, "baocao-lan-chay");
    /* the rosters the clerk must act on first, each group in the order given */
    assert_string_equal(record_get(d.rows[0]->rec, "tep"), "stc.csv");
    assert_string_equal(record_get(d.rows[0]->rec, "so_van_ban"), "5");
    assert_string_equal(record_get(d.rows[1]->rec, "ket_qua"), "Không đọc được");
    assert_string_equal(record_get(d.rows[2]->rec, "tep"), "tot.csv");
    assert_string_equal(record_get(d.rows[2]->rec, "luu_y"), "Dòng 1: Cột «x» không dùng.");
    assert_string_equal(record_get(d.rows[0]->rec, "luu_y"), "");
    assert_string_equal(record_get(d.values, "dong_can_sua"), "0 2");
    assert_string_equal(record_get(d.values, "dong_khong_loi"), "2 1");
    assert_string_equal(record_get(d.values, "so_can_sua"), "2");
    assert_string_equal(record_get(d.values, "so_tep"), "3");
    assert_string_equal(record_get(d.values, "so_yeu_cau"), "6");
    assert_string_equal(record_get(d.values, "so_da_lap"), "1");
    assert_string_equal(record_get(d.values, "lan_chay"), "7");
    assert_string_equal(record_get(d.values, "tep_loi"), "hong.csv (dòng 2): nhị phân");
    plan_summary_release(&d);
    assert_null(d.rows);
}

static void test_free_null(void **state)
{
    (void)state;
    plan_free(NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_two_rows_one_agency),
        T(test_rejected_rows_in_no_document),
        T(test_no_cover_letter_without_accepted_row),
        T(test_all_rejected_empty_plan),
        T(test_two_agencies_two_letters),
        T(test_same_name_distinct_paths),
        T(test_authorised_individual_gets_forms),
        T(test_other_procedure_no_cap_moi_form),
        T(test_organisation_forms),
        T(test_renewal_and_change_letters),
        T(test_revocations_and_handover),
        T(test_handover_two_agencies),
        T(test_recovery_and_lost_token_forms),
        T(test_run_report),
        T(test_run_report_parts_rejected_first),
        T(test_run_report_file_notes),
        T(test_names_avoid_taken_and_fail_cleanly),
        cmocka_unit_test(test_run_summary),
        cmocka_unit_test(test_free_null),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
