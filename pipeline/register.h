/* register: the certificate register (issue 12; docs/register.md). Which certificates exist,
 * whom they belong to, their managing agency, issue and expiry dates, how many times each
 * was renewed, whether it is active, revoked or expired, and the requests pending against
 * it. Kept in the ledger's database (ledger.h is the only module that talks to SQLite); this
 * module is the policy around it:
 *   - `register import FILE...`: register rows read by the readers (any format), checked by
 *     the rules (rules_check_with RULES_REGISTER: the same rules and Vietnamese messages),
 *     added or updated, what changed said per field; the same file twice changes nothing;
 *   - `register export`: the register written back as a register file (CSV or XLSX);
 *   - `register confirm FILE...`: the provider's answer applies pending requests (a
 *     renewal: one more renewal and the new expiry; a revocation: revoked);
 *   - `register withdraw SERIAL...`: a pending request given up;
 *   - for `run` and `validate`: what the register says of a request's certificate
 *     (register_consult) and under which serial an accepted one is pending.
 *
 * Commands print what they did to `out` (rows for the clerk in Vietnamese, the rest in
 * English) and return a RUN_* exit status (run.h). */
#ifndef CTS_REGISTER_H
#define CTS_REGISTER_H

#include <stdio.h>

#include "config.h"
#include "ledger.h"
#include "rules.h"
#include "run.h"

/* Opens the ledger of o (o->db, else OUT/ctsbatch.db; OUT created), waiting o->wait
 * seconds for a run holding it. RUN_OK and *l, RUN_BUSY, or RUN_OUTPUT (said on stderr). */
int register_open(const run_options *o, ledger **l);
/* 0 when o's ledger file exists; else -1, said on stderr with what: a command that reads the
 * register (export, confirm, withdraw, renew) makes no empty ledger of a mistyped --out or
 * --db, which would report an empty register as if it were the one meant. */
int register_ledger_exists(const run_options *o, const char *what);

int register_import(char *const *files, size_t n, const run_options *o, const config *cfg,
                    FILE *out);
/* format "csv" or "xlsx"; to: the file (NULL: OUT/so-dang-ky.csv or .xlsx), written
 * atomically. */
int register_export(const run_options *o, const config *cfg, const char *format, const char *to,
                    FILE *out);
int register_confirm(char *const *files, size_t n, const run_options *o, const config *cfg,
                     FILE *out);
int register_withdraw(char *const *serials, size_t n, const run_options *o, const config *cfg,
                      FILE *out);

/* The register's certificate of one register row (an accepted verdict's record): the serial
 * as the register keys it, coded values canonical, dates ISO. Fields the row leaves blank
 * are "" (register_merge keeps the register's value for them). The caller releases it. */
void register_cert_of(const record *rec, const config *cfg, ledger_cert *out);

/* What the register says of v's certificate, added to v (rules_note_register); size is the
 * register's size (ledger_cert_count). 0, or -1 with err when the ledger cannot be read. */
int register_consult(ledger *l, const config *cfg, verdict *v, long long size, char *err,
                     size_t errlen);
/* The serial an accepted request of v is recorded as pending against (the caller frees),
 * or NULL when the register does not follow its procedure. */
char *register_pending_serial(const verdict *v, const config *cfg);

#endif
