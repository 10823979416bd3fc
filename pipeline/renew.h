/* renew: the monthly renewal campaign (issue 12 item 4; docs/register.md "renew"). From the
 * certificate register it selects every active certificate, never renewed (fewer than
 * gia_han_so_lan_toi_da renewals), with no pending request, whose expiry E lies in the
 * window
 *     DATE + con_han_toi_thieu_ngay <= E < add_months(DATE + con_han_toi_thieu_ngay
 *                                                      + gia_han_truoc_ngay, 1)
 * (NĐ 130/2018 Điều 63: a renewal is asked with at least 60 days left; gia_han_truoc_ngay,
 * default 30, is the time an agency needs to sign and send). Run once a month, the windows
 * of consecutive months overlap, and a certificate once prepared has a pending request, so
 * each is caught exactly once while it still has its 60 days; stragglers already inside the
 * window are caught too.
 *
 * The selected certificates become a pre-filled renewal roster, written under
 * OUT/chien-dich-gia-han/DATE/ (CSV, the input format, and XLSX), dropped in the campaigns'
 * drop folder OUT/chien-dich-gia-han/nhan/ and processed by the run module (run_batch) as
 * any roster is (every renew runs it, so that what an interrupted campaign left is made): Mẫu 07 per certificate, Mẫu 08 per managing agency,
 * the requests recorded as pending in the run's ledger transaction. The head's signature on
 * Mẫu 07/08 is the confirmation: xac_nhan_thu_truong is not asked (RULES_HEAD_SIGNS).
 * Beside them, the campaign report bao-cao.csv and bao-cao.xlsx: per agency what was
 * prepared, then each certificate prepared, then those in or before the window that cannot
 * be renewed (renewed already, fewer than 60 days left, expired) with what to do instead
 * (cấp mới: Mẫu 01/03 and 02/04), and those of the window left out for a request of another
 * procedure pending or a status het-han. A selected certificate the run did not make
 * (rejected, or da-lap) is reported with the run's reason, read back from its result CSV.
 * Its texts are the config's <site> values chien_dich_*.
 *
 * The register is streamed from SQLite, never held in memory: what the campaign holds is
 * one count per agency. Running it again for the same month prepares nothing new: a
 * campaign is the month's, and a later renew of that month keeps the first one's as-of date
 * (so its window), finishing only what it left. */
#ifndef CTS_RENEW_H
#define CTS_RENEW_H

#include <stdio.h>

#include "config.h"
#include "run.h"

typedef struct renew_result {
    size_t selected;      /* certificates put in the campaign's roster */
    size_t not_renewable; /* listed as not renewable */
    size_t agencies;      /* managing agencies with a certificate prepared */
    size_t documents;     /* documents the run made */
    double select_seconds, run_seconds;
} renew_result;

/* The window's bounds for the as-of date (ISO into from and to, 11 bytes each). */
void renew_window(const config *cfg, date as_of, char *from, char *to);

/* Runs the campaign for o->as_of over the ledger of o (o->db or OUT/ctsbatch.db), the
 * documents under o->out. Says what it did on out; fills res (may be NULL). Returns a RUN_*
 * exit status (the run's, when documents were made). */
int renew_campaign(const run_options *o, const config *cfg, FILE *out, renew_result *res);

#endif
