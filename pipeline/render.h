/* render: one planned document -> PDF bytes. Fills the form's template (templates/mauNN.xml)
 * with the request, its managing agency, the site configuration, the derived values and the
 * run's date, lays it out and writes it through the pdf module. Never parses a roster.
 *
 * Names a template may use: any request key ({ho_ten}); {agency.KEY} for the managing
 * agency's keys; {site.KEY}; {derived.KEY}; {nhan.KEY}, the Vietnamese label of a coded
 * value ("Cấp mới"); {date.day} {date.month} {date.year} (two digits below 10, NĐ 30/2020);
 * {doc.count}, the rows listed; in table cells {stt}, the row number; {ma.KEY}, the code of
 * a coded value ("gia-han"), for conditions. When the site sets ngay_de_trong to "co", each
 * part of the date is the site's ngay_trong ("......"). render_new loads every template the
 * configuration's documents and the reports use, and checks their names against what these
 * answer (render_name_known), so a template naming an unknown key fails the run at start. */
#ifndef CTS_RENDER_H
#define CTS_RENDER_H

#include <stddef.h>

#include "config.h"
#include "date.h"
#include "plan.h"
#include "util.h"

typedef struct renderer renderer;

/* 1 when a template may name `name`, at the document level or (in_row) in a table row:
 * {agency.KEY} a roster key, {site.KEY} a site setting of cfg, {nhan.KEY} or {ma.KEY} a
 * coded field, {derived.KEY} a derived value (rules.h), {doc.KEY} a value the plan sets
 * (plan.h), the renderer's own ({date.day}, {doc.count}, {stt}, {ten}, {kq.*}), or a roster
 * key (roster.h). */
int render_name_known(const config *cfg, const char *name, int in_row);

/* Loads the fonts' metrics and every template once for many documents. NULL with an English
 * reason in err (a template's names its file and line). */
renderer *render_new(const config *cfg, char *err, size_t errlen);
/* The same, with like's templates (borrowed: like must outlive it) instead of reading them
 * again from disk, so that a service keeps the templates it loaded until it is told to read
 * them again (watch, SIGHUP); one like has not is read from disk. like NULL: render_new.
 * Templates are read-only once loaded: renderers of two threads may share them. */
renderer *render_new_like(const config *cfg, const renderer *like, char *err, size_t errlen);
void render_free(renderer *r); /* accepts NULL */

/* 1 when every character of every known field of rec (the keys of ROSTER.md, which are
 * what forms print) has a glyph in all four faces; else 0 with a Vietnamese reason in why,
 * naming the field and the character, for the clerk: a finding for that row before any
 * document is planned, so that no letter fails for one row's character. */
int render_printable(const renderer *r, const record *rec, char *why, size_t whylen);

/* What render_doc returns when it fails. */
enum { RENDER_CONTENT = -1, RENDER_OPERATOR = -2 };

/* What a rendered document is, for the ledger and the manifest: its page count and its
 * archival description (Nghị định 30/2020 Phụ lục VI; the organ is the document's agency). */
typedef struct render_info {
    size_t pages;
    char type_name[32], issued[16], language[8];
    char *subject, *signer; /* owned: render_info_release */
} render_info;

/* Frees what info owns; it may be passed to render_doc again. */
void render_info_release(render_info *info);

/* Renders d into out, what it is in *info (may be NULL). Returns 0; RENDER_CONTENT with
 * a Vietnamese reason in err when the content cannot be laid out (a finding for its row);
 * RENDER_OPERATOR with an English reason for an operator's problem (a template or font
 * missing or broken, the PDF library failing): the run stops and is retried. */
int render_doc(renderer *r, const doc *d, date as_of, long long epoch, buf *out, render_info *info,
               char *err, size_t errlen);

#endif
