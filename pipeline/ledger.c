/* ledger: runs, rosters, requests and documents in SQLite (ledger.h). SQLite does the
 * storage, transactions and crash recovery; what is here is the schema, its migrations and
 * the queries the run needs. */
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "util.h"

/* The one-row queries asked once per request or per document (request_find, path_taken)
 * are prepared once and reset between uses: parsing the SQL each time cost more than
 * running it. Keyed by the address of the (static) SQL text. */
enum { LEDGER_CACHED = 24 }; /* the cached queries number 17 since v5 (confirmed renewals) */

struct ledger {
    sqlite3 *db;
    int lock_fd;
    int opened_version;
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cached[LEDGER_CACHED];
};

/* Each entry takes the schema from version i to i + 1. Never edit a released step: add one.
 * Version 1: runs, rosters, requests, documents. Version 2: attempts (poison pill),
 * notices (files reported once), state (the last document the manifest lists), an index
 * that finds a request's documents without a scan, and what a run's report needs to be
 * written again after a crash (per roster: issued before, documents, its result file; per
 * run: whether its report was written). */
static const char *const MIGRATIONS[] = {
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,"
    " as_of TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'dang-chay', pid INTEGER);"
    "CREATE TABLE rosters(id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES runs(id),"
    " name TEXT NOT NULL, sha256 TEXT NOT NULL, agency TEXT NOT NULL, outcome TEXT NOT NULL,"
    " rows INTEGER NOT NULL, accepted INTEGER NOT NULL, date TEXT NOT NULL);"
    "CREATE INDEX rosters_sha256 ON rosters(sha256);"
    "CREATE TABLE requests(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " procedure TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,"
    " run INTEGER NOT NULL REFERENCES runs(id), roster INTEGER NOT NULL REFERENCES rosters(id),"
    " line INTEGER NOT NULL, date TEXT NOT NULL);"
    "CREATE TABLE documents(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
    " form TEXT NOT NULL, agency TEXT NOT NULL, procedure TEXT NOT NULL, name TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, pages INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    " run INTEGER NOT NULL REFERENCES runs(id), roster INTEGER NOT NULL REFERENCES rosters(id),"
    " date TEXT NOT NULL, sources TEXT NOT NULL, tmp TEXT);"
    "CREATE TABLE document_requests(document INTEGER NOT NULL REFERENCES documents(id),"
    " request INTEGER NOT NULL REFERENCES requests(id), PRIMARY KEY(document, request));",

    "CREATE TABLE attempts(id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL,"
    " run INTEGER NOT NULL, outcome TEXT NOT NULL DEFAULT 'dang-chay',"
    " reason TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX attempts_sha256 ON attempts(sha256);"
    "CREATE TABLE notices(key TEXT PRIMARY KEY, first TEXT NOT NULL);"
    "CREATE TABLE state(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE INDEX document_requests_request ON document_requests(request);"
    "ALTER TABLE rosters ADD COLUMN before INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE rosters ADD COLUMN documents INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE rosters ADD COLUMN result TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE runs ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;",

    /* v3: each document's archival description (Nghị định 30/2020 Phụ lục VI) */
    "ALTER TABLE documents ADD COLUMN type_name TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE documents ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE documents ADD COLUMN issued TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE documents ADD COLUMN signer TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT '';",

    /* v4: the certificate register and the requests pending against its certificates
     * (issue 12). A pending request's documents are its request's (document_requests). */
    "CREATE TABLE certificates(so_hieu_cts TEXT PRIMARY KEY,"
    " loai_thue_bao TEXT NOT NULL DEFAULT '', ho_ten TEXT NOT NULL DEFAULT '',"
    " ten_co_quan TEXT NOT NULL DEFAULT '', so_cccd TEXT NOT NULL DEFAULT '',"
    " ngay_sinh TEXT NOT NULL DEFAULT '', chuc_vu TEXT NOT NULL DEFAULT '',"
    " co_quan_cong_tac TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',"
    " dien_thoai TEXT NOT NULL DEFAULT '', co_quan_quan_ly TEXT NOT NULL DEFAULT '',"
    " ngay_cap TEXT NOT NULL DEFAULT '', ngay_het_han TEXT NOT NULL DEFAULT '',"
    " so_lan_gia_han INTEGER NOT NULL DEFAULT 0,"
    " trang_thai TEXT NOT NULL DEFAULT 'hoat-dong', so_serial_thiet_bi TEXT NOT NULL DEFAULT '',"
    " updated TEXT NOT NULL);"
    "CREATE INDEX certificates_expiry ON certificates(ngay_het_han);"
    "CREATE TABLE cert_requests(id INTEGER PRIMARY KEY, serial TEXT NOT NULL,"
    " procedure TEXT NOT NULL, request INTEGER NOT NULL REFERENCES requests(id),"
    " run INTEGER NOT NULL REFERENCES runs(id), date TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'cho-xac-nhan', settled TEXT);"
    "CREATE INDEX cert_requests_serial ON cert_requests(serial, status);",

    /* v5: a confirmed renewal's new expiry, so that a stale register file imported later
     * cannot move the certificate back before it (issue 12, renew-once) */
    "ALTER TABLE cert_requests ADD COLUMN new_expiry TEXT NOT NULL DEFAULT '';",
};

const char *const LEDGER_CERT_KEYS[LEDGER_CERT_NFIELDS] = {
    "so_hieu_cts",  "loai_thue_bao",  "ho_ten",          "ten_co_quan",
    "so_cccd",      "ngay_sinh",      "chuc_vu",         "co_quan_cong_tac",
    "email",        "dien_thoai",     "co_quan_quan_ly", "ngay_cap",
    "ngay_het_han", "so_lan_gia_han", "trang_thai",      "so_serial_thiet_bi"};

static int fail(ledger *l, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "ledger: %s: %s", what, l && l->db ? sqlite3_errmsg(l->db) : "?");
    return -1;
}

static int exec(ledger *l, const char *sql, char *err, size_t errlen)
{
    if (fault_op("ledger") < 0) {
        snprintf(err, errlen, "ledger: %s", strerror(errno));
        return -1;
    }
    char *msg = NULL;
    if (sqlite3_exec(l->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "ledger: %s", msg ? msg : sqlite3_errmsg(l->db));
    sqlite3_free(msg);
    return -1;
}

/* A prepared statement of the cache (reset, bindings cleared), or prepared on the spot
 * when the cache is full; release it with done(). */
static sqlite3_stmt *prepare(ledger *l, const char *sql, char *err, size_t errlen);

static sqlite3_stmt *reuse(ledger *l, const char *sql, char *err, size_t errlen)
{
    size_t i = 0;
    for (; i < LEDGER_CACHED && l->cached[i].sql; i++)
        if (l->cached[i].sql == sql) {
            sqlite3_reset(l->cached[i].st);
            sqlite3_clear_bindings(l->cached[i].st);
            return l->cached[i].st;
        }
    sqlite3_stmt *st = prepare(l, sql, err, errlen);
    if (st && i < LEDGER_CACHED) {
        l->cached[i].sql = sql;
        l->cached[i].st = st;
    }
    return st;
}

static void done(ledger *l, sqlite3_stmt *st)
{
    for (size_t i = 0; i < LEDGER_CACHED && l->cached[i].sql; i++)
        if (l->cached[i].st == st) {
            sqlite3_reset(st); /* ends the read: no statement stays open */
            return;
        }
    sqlite3_finalize(st);
}

static sqlite3_stmt *prepare(ledger *l, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(l, err, errlen, "prepare");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

static int take_lock(ledger *l, const char *path, long wait_seconds, char *err, size_t errlen)
{
    char *lock = xasprintf("%s.lock", path);
    l->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (l->lock_fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", lock, strerror(errno));
        free(lock);
        return LEDGER_ERROR;
    }
    free(lock);
    struct timespec start, now, nap = {0, 100 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(l->lock_fd, LOCK_EX | LOCK_NB) == 0)
            return LEDGER_OK;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, errlen, "cannot lock %s.lock: %s", path, strerror(errno));
            return LEDGER_ERROR;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited =
            (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (waited >= (double)wait_seconds)
            return LEDGER_BUSY;
        nanosleep(&nap, NULL);
    }
}

static int user_version(ledger *l, int *v, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l, "PRAGMA user_version", err, errlen);
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : fail(l, err, errlen, "user_version");
    *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static int migrate(ledger *l, char *err, size_t errlen)
{
    int v;
    if (user_version(l, &v, err, errlen) < 0)
        return -1;
    l->opened_version = v;
    int target = (int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]);
    _Static_assert(sizeof MIGRATIONS / sizeof MIGRATIONS[0] == LEDGER_SCHEMA_VERSION,
                   "LEDGER_SCHEMA_VERSION is the number of migrations");
    if (v > target) {
        snprintf(err, errlen, "ledger: schema version %d is newer than this program's (%d)", v,
                 target);
        return -1;
    }
    for (; v < target; v++) {
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version = %d;", v + 1);
        if (exec(l, "BEGIN IMMEDIATE", err, errlen) < 0)
            return -1;
        if (exec(l, MIGRATIONS[v], err, errlen) < 0 || exec(l, set, err, errlen) < 0 ||
            exec(l, "COMMIT", err, errlen) < 0) {
            sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    return 0;
}

int ledger_open(const char *path, long wait_seconds, ledger **out, char *err, size_t errlen)
{
    *out = NULL;
    ledger *l = xcalloc(1, sizeof *l);
    l->lock_fd = -1;
    int rc = take_lock(l, path, wait_seconds, err, errlen);
    if (rc != LEDGER_OK)
        goto out;
    rc = LEDGER_ERROR;
    /* created 0640 before SQLite opens it: its -wal and -shm files take the same mode */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    close(fd);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(path, &l->db, flags, NULL) != SQLITE_OK) {
        fail(l, err, errlen, path);
        goto out;
    }
    sqlite3_busy_timeout(l->db, LEDGER_BUSY_MS);
    sqlite3_extended_result_codes(l->db, 1);
    if (exec(l,
             "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
             "PRAGMA foreign_keys = ON;",
             err, errlen) < 0 ||
        migrate(l, err, errlen) < 0)
        goto out;
    rc = LEDGER_OK;
out:
    if (rc == LEDGER_OK)
        *out = l;
    else
        ledger_close(l);
    return rc;
}

void ledger_close(ledger *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < LEDGER_CACHED; i++)
        sqlite3_finalize(l->cached[i].st); /* accepts NULL */
    if (l->db)
        sqlite3_close(l->db);
    if (l->lock_fd >= 0)
        close(l->lock_fd); /* drops the flock */
    free(l);
}

int ledger_opened_version(const ledger *l)
{
    return l->opened_version;
}

/* Runs a statement with text parameters (NULL-terminated list) that returns no row. */
static int run_sql(ledger *l, const char *sql, char *err, size_t errlen, ...)
{
    if (fault_op("ledger") < 0) {
        snprintf(err, errlen, "ledger: %s", strerror(errno));
        return -1;
    }
    sqlite3_stmt *st = prepare(l, sql, err, errlen);
    if (!st)
        return -1;
    va_list ap;
    va_start(ap, errlen);
    const char *s;
    for (int i = 1; (s = va_arg(ap, const char *)); i++)
        bind_text(st, i, s);
    va_end(ap);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(l, err, errlen, "write");
    sqlite3_finalize(st);
    return rc;
}

int ledger_run_begin(ledger *l, const char *as_of, const char *now, long long *run, char *err,
                     size_t errlen)
{
    char pid[24];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    if (run_sql(l, "INSERT INTO runs(started, as_of, pid) VALUES(?, ?, ?)", err, errlen, now, as_of,
                pid, NULL) < 0)
        return -1;
    *run = sqlite3_last_insert_rowid(l->db);
    return 0;
}

int ledger_run_end(ledger *l, long long run, const char *outcome, const char *now, char *err,
                   size_t errlen)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", run);
    return run_sql(l, "UPDATE runs SET finished = ?, outcome = ? WHERE id = ?", err, errlen, now,
                   outcome, id, NULL);
}

/* The single integer a query returns (0 when it returns no row). */
static int query_int(ledger *l, const char *sql, const char *arg, long long *v, char *err,
                     size_t errlen)
{
    sqlite3_stmt *st = reuse(l, sql, err, errlen);
    if (!st)
        return -1;
    if (arg)
        bind_text(st, 1, arg);
    int s = sqlite3_step(st), rc = 0;
    *v = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    done(l, st);
    return rc;
}

int ledger_attempt_begin(ledger *l, long long run, const char *sha, const char *name, int *failures,
                         char *err, size_t errlen)
{
    long long n;
    if (query_int(l, "SELECT count(*) FROM attempts WHERE sha256 = ? AND outcome IN ('loi', 'sap')",
                  sha, &n, err, errlen) < 0)
        return -1;
    *failures = (int)n;
    char id[24];
    snprintf(id, sizeof id, "%lld", run);
    return run_sql(l, "INSERT INTO attempts(sha256, name, run) VALUES(?, ?, ?)", err, errlen, sha,
                   name, id, NULL);
}

int ledger_attempt_end(ledger *l, const char *sha, const char *outcome, const char *reason,
                       char *err, size_t errlen)
{
    return run_sql(l,
                   "UPDATE attempts SET outcome = ?, reason = ? WHERE sha256 = ? AND "
                   "outcome = 'dang-chay'",
                   err, errlen, outcome, reason ? reason : "", sha, NULL);
}

int ledger_attempts_forgive(ledger *l, const char *sha, char *err, size_t errlen)
{
    return run_sql(l,
                   "UPDATE attempts SET outcome = 'giu' WHERE sha256 = ? AND outcome IN "
                   "('loi', 'sap', 'dang-chay', 'hoan')",
                   err, errlen, sha, NULL);
}

int ledger_attempts_settle(ledger *l, const char *crashed_sha, char *err, size_t errlen)
{
    if (crashed_sha && crashed_sha[0] &&
        ledger_attempt_end(l, crashed_sha, "sap", "the program crashed on it", err, errlen) < 0)
        return -1;
    return run_sql(l, "UPDATE attempts SET outcome = 'gian-doan' WHERE outcome = 'dang-chay'", err,
                   errlen, NULL) < 0 ||
                   run_sql(l, "UPDATE runs SET outcome = 'gian-doan' WHERE outcome = 'dang-chay'",
                           err, errlen, NULL) < 0
               ? -1
               : 0;
}

/* Copies column i of st into a caller buffer. */
static void column_copy(sqlite3_stmt *st, int i, char *dst, size_t len)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    if (len)
        snprintf(dst, len, "%s", s ? (const char *)s : "");
}

/* The first row of a query with one text parameter: its first two columns copied into the
 * buffers (the second may be NULL). 1 when there is a row, 0 when none, -1 on error. */
static int query_text(ledger *l, const char *sql, const char *arg, char *a, size_t alen, char *b,
                      size_t blen, char *err, size_t errlen)
{
    sqlite3_stmt *st = reuse(l, sql, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, arg);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        column_copy(st, 0, a, alen);
        if (b)
            column_copy(st, 1, b, blen);
        rc = 1;
    } else if (s != SQLITE_DONE) {
        rc = fail(l, err, errlen, "read");
    }
    done(l, st);
    return rc;
}

int ledger_request_find(ledger *l, const char *key, char *date, size_t datelen, char *file,
                        size_t filelen, char *err, size_t errlen)
{
    return query_text(l,
                      "SELECT r.date, (SELECT d.path FROM document_requests dr JOIN documents d "
                      "ON d.id = dr.document WHERE dr.request = r.id ORDER BY d.id LIMIT 1) "
                      "FROM requests r WHERE r.key = ?",
                      key, date, datelen, file, filelen, err, errlen);
}

int ledger_path_taken(ledger *l, const char *path, char *err, size_t errlen)
{
    long long n;
    if (query_int(l, "SELECT count(*) FROM documents WHERE path = ?", path, &n, err, errlen) < 0)
        return -1;
    return n > 0;
}

int ledger_roster_seen(ledger *l, const char *sha, char *date, size_t datelen, char *err,
                       size_t errlen)
{
    return query_text(
        l, "SELECT date FROM rosters WHERE sha256 = ? AND outcome = 'xong' ORDER BY id LIMIT 1",
        sha, date, datelen, NULL, 0, err, errlen);
}

/* ---- the commit ---- */

static int insert_roster(ledger *l, long long run, const char *date, const ledger_roster *r,
                         long long *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l,
                               "INSERT INTO rosters(run, name, sha256, agency, outcome, rows, "
                               "accepted, date, before, documents, result) "
                               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->sha256);
    bind_text(st, 4, r->agency);
    bind_text(st, 5, r->outcome);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)r->rows);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)r->accepted);
    bind_text(st, 8, date);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)r->before);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)r->documents);
    bind_text(st, 11, r->result);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(l, err, errlen, "roster");
    *id = sqlite3_last_insert_rowid(l->db);
    sqlite3_finalize(st);
    return rc;
}

static const char SQL_REQUEST[] = "INSERT INTO requests(key, procedure, name, status, run, "
                                  "roster, line, date) VALUES(?, ?, ?, 'da-lap', ?, ?, ?, ?)";
static const char SQL_DOCUMENT[] =
    "INSERT INTO documents(path, form, agency, procedure, name, sha256, pages, bytes, run, "
    "roster, date, sources, tmp, type_name, subject, issued, signer, language) "
    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PENDING[] =
    "INSERT INTO cert_requests(serial, procedure, request, run, date) VALUES(?, ?, ?, ?, ?)";
static const char SQL_LINK[] = "INSERT INTO document_requests(document, request) VALUES(?, ?)";

int ledger_roster_begin(ledger *l, long long run, const char *date, const ledger_roster *r,
                        long long *roster, char *err, size_t errlen)
{
    if (exec(l, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (insert_roster(l, run, date, r, roster, err, errlen) == 0)
        return 0;
    ledger_roster_abort(l);
    return -1;
}

int ledger_roster_request(ledger *l, long long run, long long roster, const char *date,
                          const ledger_request *q, long long *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = reuse(l, SQL_REQUEST, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, q->key);
    bind_text(st, 2, q->procedure);
    bind_text(st, 3, q->name);
    sqlite3_bind_int64(st, 4, run);
    sqlite3_bind_int64(st, 5, roster);
    sqlite3_bind_int64(st, 6, q->line);
    bind_text(st, 7, date);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(l, err, errlen, "request");
    *id = sqlite3_last_insert_rowid(l->db);
    done(l, st);
    if (rc == 0 && q->serial && q->serial[0]) { /* issue 12: pending against its certificate */
        st = reuse(l, SQL_PENDING, err, errlen);
        if (!st)
            return -1;
        bind_text(st, 1, q->serial);
        bind_text(st, 2, q->procedure);
        sqlite3_bind_int64(st, 3, *id);
        sqlite3_bind_int64(st, 4, run);
        bind_text(st, 5, date);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(l, err, errlen, "pending request");
        done(l, st);
    }
    return rc;
}

int ledger_roster_document(ledger *l, long long run, long long roster, const char *date,
                           const ledger_document *d, const long long *req_ids, char *err,
                           size_t errlen)
{
    sqlite3_stmt *st = reuse(l, SQL_DOCUMENT, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, d->path);
    bind_text(st, 2, d->form);
    bind_text(st, 3, d->agency);
    bind_text(st, 4, d->procedure);
    bind_text(st, 5, d->name);
    bind_text(st, 6, d->sha256);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)d->pages);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)d->bytes);
    sqlite3_bind_int64(st, 9, run);
    sqlite3_bind_int64(st, 10, roster);
    bind_text(st, 11, date);
    bind_text(st, 12, d->sources);
    bind_text(st, 13, d->tmp);
    bind_text(st, 14, d->type_name);
    bind_text(st, 15, d->subject);
    bind_text(st, 16, d->issued);
    bind_text(st, 17, d->signer);
    bind_text(st, 18, d->language);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    done(l, st);
    if (!ok)
        return fail(l, err, errlen, "document");
    long long id = sqlite3_last_insert_rowid(l->db);
    for (size_t k = 0; k < d->nrequests; k++) {
        sqlite3_stmt *link = reuse(l, SQL_LINK, err, errlen);
        if (!link)
            return -1;
        sqlite3_bind_int64(link, 1, id);
        sqlite3_bind_int64(link, 2, req_ids[d->requests[k]]);
        ok = sqlite3_step(link) == SQLITE_DONE;
        done(l, link);
        if (!ok)
            return fail(l, err, errlen, "document request");
    }
    return 0;
}

int ledger_roster_end(ledger *l, char *err, size_t errlen)
{
    if (exec(l, "COMMIT", err, errlen) == 0)
        return 0;
    ledger_roster_abort(l);
    return -1;
}

void ledger_roster_abort(ledger *l)
{
    if (!sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

int ledger_commit(ledger *l, long long run, const char *date, const ledger_roster *r,
                  const ledger_request *reqs, size_t nreqs, const ledger_document *docs,
                  size_t ndocs, char *err, size_t errlen)
{
    long long roster = 0;
    long long *ids = xcalloc(nreqs ? nreqs : 1, sizeof *ids);
    int rc = ledger_roster_begin(l, run, date, r, &roster, err, errlen);
    for (size_t i = 0; i < nreqs && rc == 0; i++)
        rc = ledger_roster_request(l, run, roster, date, &reqs[i], &ids[i], err, errlen);
    for (size_t i = 0; i < ndocs && rc == 0; i++)
        rc = ledger_roster_document(l, run, roster, date, &docs[i], ids, err, errlen);
    if (rc == 0)
        rc = ledger_roster_end(l, err, errlen);
    else
        ledger_roster_abort(l);
    free(ids);
    return rc;
}

int ledger_each_staged(ledger *l, int (*fn)(void *ctx, const char *path, const char *tmp),
                       void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(
        l, "SELECT path, tmp FROM documents WHERE tmp IS NOT NULL ORDER BY id", err, errlen);
    if (!st)
        return -1;
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn(ctx, (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1));
    if (rc == 0 && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    sqlite3_finalize(st);
    return rc;
}

int ledger_clear_staged(ledger *l, char *err, size_t errlen)
{
    return run_sql(l, "UPDATE documents SET tmp = NULL WHERE tmp IS NOT NULL", err, errlen, NULL);
}

int ledger_each_document(ledger *l, int (*fn)(void *ctx, const ledger_doc_row *d), void *ctx,
                         char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l,
                               "SELECT path, form, agency, procedure, name, sha256, date, "
                               "sources, pages, bytes, run, type_name, subject, issued, signer, "
                               "language FROM documents ORDER BY id",
                               err, errlen);
    if (!st)
        return -1;
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[8], *a[5];
        for (int i = 0; i < 8; i++)
            c[i] = (const char *)sqlite3_column_text(st, i);
        for (int i = 0; i < 5; i++)
            a[i] = (const char *)sqlite3_column_text(st, 11 + i);
        ledger_doc_row d = {c[0],
                            c[1],
                            c[2],
                            c[3],
                            c[4],
                            c[5],
                            c[6],
                            c[7],
                            sqlite3_column_int64(st, 8),
                            sqlite3_column_int64(st, 9),
                            sqlite3_column_int64(st, 10),
                            a[0],
                            a[1],
                            a[2],
                            a[3],
                            a[4]};
        rc = fn(ctx, &d);
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    sqlite3_finalize(st);
    return rc;
}

int ledger_notice_once(ledger *l, const char *key, const char *now, char *err, size_t errlen)
{
    if (run_sql(l, "INSERT OR IGNORE INTO notices(key, first) VALUES(?, ?)", err, errlen, key, now,
                NULL) < 0)
        return -1;
    return sqlite3_changes(l->db) > 0;
}

static const char LAST_DOC[] = "SELECT coalesce(max(id), 0) FROM documents";

int ledger_manifest_due(ledger *l, char *err, size_t errlen)
{
    long long last, listed;
    if (query_int(l, LAST_DOC, NULL, &last, err, errlen) < 0 ||
        query_int(l, "SELECT value FROM state WHERE key = 'manifest'", NULL, &listed, err, errlen) <
            0)
        return -1;
    return last != listed;
}

int ledger_manifest_written(ledger *l, char *err, size_t errlen)
{
    long long last;
    if (query_int(l, LAST_DOC, NULL, &last, err, errlen) < 0)
        return -1;
    char v[24];
    snprintf(v, sizeof v, "%lld", last);
    return run_sql(l, "INSERT OR REPLACE INTO state(key, value) VALUES('manifest', ?)", err, errlen,
                   v, NULL);
}

int ledger_report_due(ledger *l, long long *run, char *err, size_t errlen)
{
    long long id;
    if (query_int(l,
                  "SELECT coalesce(max(r.id), 0) FROM runs r WHERE EXISTS (SELECT 1 FROM rosters o "
                  "WHERE o.run = r.id)",
                  NULL, &id, err, errlen) < 0)
        return -1;
    if (id == 0)
        return 0;
    long long reported;
    char arg[24];
    snprintf(arg, sizeof arg, "%lld", id);
    if (query_int(l, "SELECT reported FROM runs WHERE id = ?", arg, &reported, err, errlen) < 0)
        return -1;
    *run = id;
    return !reported;
}

int ledger_run_reported(ledger *l, long long run, char *err, size_t errlen)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", run);
    return run_sql(l, "UPDATE runs SET reported = 1 WHERE id = ?", err, errlen, id, NULL);
}

int ledger_each_roster(ledger *l, long long run, int (*fn)(void *ctx, const ledger_roster *r),
                       void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l,
                               "SELECT name, sha256, agency, outcome, rows, accepted, before, "
                               "documents, result FROM rosters WHERE run = ? ORDER BY id",
                               err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, run);
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[4];
        for (int i = 0; i < 4; i++)
            c[i] = (const char *)sqlite3_column_text(st, i);
        ledger_roster r = {c[0],
                           c[1],
                           c[2],
                           c[3],
                           (size_t)sqlite3_column_int64(st, 4),
                           (size_t)sqlite3_column_int64(st, 5),
                           (size_t)sqlite3_column_int64(st, 6),
                           (size_t)sqlite3_column_int64(st, 7),
                           (const char *)sqlite3_column_text(st, 8)};
        rc = fn(ctx, &r);
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    sqlite3_finalize(st);
    return rc;
}

/* ---- the certificate register ---- */

#define CERT_COLUMNS                                                                               \
    "so_hieu_cts, loai_thue_bao, ho_ten, ten_co_quan, so_cccd, ngay_sinh, chuc_vu, "               \
    "co_quan_cong_tac, email, dien_thoai, co_quan_quan_ly, ngay_cap, ngay_het_han, "               \
    "so_lan_gia_han, trang_thai, so_serial_thiet_bi"

void ledger_cert_release(ledger_cert *c)
{
    for (size_t i = 0; i < LEDGER_CERT_NFIELDS; i++)
        free(c->v[i]);
    memset(c, 0, sizeof *c);
}

int ledger_tx_begin(ledger *l, char *err, size_t errlen)
{
    return exec(l, "BEGIN IMMEDIATE", err, errlen);
}

int ledger_tx_commit(ledger *l, char *err, size_t errlen)
{
    if (exec(l, "COMMIT", err, errlen) == 0)
        return 0;
    ledger_tx_abort(l);
    return -1;
}

void ledger_tx_abort(ledger *l)
{
    ledger_roster_abort(l);
}

int ledger_cert_count(ledger *l, long long *n, char *err, size_t errlen)
{
    return query_int(l, "SELECT count(*) FROM certificates", NULL, n, err, errlen);
}

/* The row st stands on, its columns in LEDGER_CERT_KEYS order from column 0, borrowed. */
static void cert_of_row(sqlite3_stmt *st, ledger_cert *c)
{
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        c->v[i] = (char *)(t ? (const char *)t : "");
    }
}

static const char SQL_CERT_GET[] =
    "SELECT " CERT_COLUMNS " FROM certificates WHERE so_hieu_cts = ?";

int ledger_cert_get(ledger *l, const char *serial, ledger_cert *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = reuse(l, SQL_CERT_GET, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, serial);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        ledger_cert b;
        cert_of_row(st, &b);
        for (int i = 0; i < LEDGER_CERT_NFIELDS; i++)
            out->v[i] = xstrdup(b.v[i]);
        rc = 1;
    } else if (s != SQLITE_DONE) {
        rc = fail(l, err, errlen, "read");
    }
    done(l, st);
    return rc;
}

int ledger_seen_reset(ledger *l, char *err, size_t errlen)
{
    return exec(l,
                "CREATE TEMP TABLE IF NOT EXISTS import_seen(serial TEXT PRIMARY KEY, "
                "file TEXT NOT NULL, line INTEGER NOT NULL); DELETE FROM temp.import_seen;",
                err, errlen);
}

static const char SQL_SEEN_PUT[] = "INSERT INTO temp.import_seen(serial, file, line) "
                                   "VALUES(?, ?, ?) ON CONFLICT(serial) DO NOTHING";
static const char SQL_SEEN_GET[] = "SELECT line, file FROM temp.import_seen WHERE serial = ?";

int ledger_seen_put(ledger *l, const char *serial, const char *file, long line, long *first,
                    char *first_file, size_t filelen, char *err, size_t errlen)
{
    if (fault_op("ledger") < 0) {
        snprintf(err, errlen, "ledger: %s", strerror(errno));
        return -1;
    }
    sqlite3_stmt *st = reuse(l, SQL_SEEN_PUT, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, serial);
    bind_text(st, 2, file);
    sqlite3_bind_int64(st, 3, line);
    int s = sqlite3_step(st);
    done(l, st);
    if (s != SQLITE_DONE)
        return fail(l, err, errlen, "note a serial");
    if (sqlite3_changes(l->db) > 0)
        return 0;
    if (!(st = reuse(l, SQL_SEEN_GET, err, errlen)))
        return -1;
    bind_text(st, 1, serial);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *first = (long)sqlite3_column_int64(st, 0);
        column_copy(st, 1, first_file, filelen);
        rc = 1;
    } else {
        fail(l, err, errlen, "read a serial");
    }
    done(l, st);
    return rc;
}

static const char SQL_CERT_PUT[] = "INSERT OR REPLACE INTO certificates(" CERT_COLUMNS
                                   ", updated) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                   "?, ?, ?, ?)";

int ledger_cert_put(ledger *l, const ledger_cert *c, const char *now, char *err, size_t errlen)
{
    if (fault_op("ledger") < 0) {
        snprintf(err, errlen, "ledger: %s", strerror(errno));
        return -1;
    }
    sqlite3_stmt *st = reuse(l, SQL_CERT_PUT, err, errlen);
    if (!st)
        return -1;
    for (int i = 0; i < LEDGER_CERT_NFIELDS; i++) {
        long n;
        if (i == LEDGER_CERT_RENEWALS)
            sqlite3_bind_int64(st, i + 1, str_to_long(c->v[i] ? c->v[i] : "", &n) == 0 ? n : 0);
        else
            bind_text(st, i + 1, c->v[i]);
    }
    bind_text(st, LEDGER_CERT_NFIELDS + 1, now);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(l, err, errlen, "certificate");
    done(l, st);
    return rc;
}

int ledger_cert_pending(ledger *l, const char *serial, ledger_pending *out, char *err,
                        size_t errlen)
{
    static const char sql[] =
        "SELECT p.id, p.run, p.procedure, p.date, r.key FROM cert_requests p JOIN requests r "
        "ON r.id = p.request WHERE p.serial = ? AND p.status = 'cho-xac-nhan' ORDER BY p.id "
        "LIMIT 1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = reuse(l, sql, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, serial);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->run = sqlite3_column_int64(st, 1);
        column_copy(st, 2, out->procedure, sizeof out->procedure);
        column_copy(st, 3, out->date, sizeof out->date);
        column_copy(st, 4, out->key, sizeof out->key);
        rc = 1;
    } else if (s != SQLITE_DONE) {
        rc = fail(l, err, errlen, "read");
    }
    done(l, st);
    return rc;
}

int ledger_pending_settle(ledger *l, long long id, const char *status, const char *day, char *err,
                          size_t errlen)
{
    char arg[24];
    snprintf(arg, sizeof arg, "%lld", id);
    if (run_sql(l, "UPDATE cert_requests SET status = ?, settled = ? WHERE id = ?", err, errlen,
                status, day, arg, NULL) < 0)
        return -1;
    if (strcmp(status, "rut") != 0)
        return 0;
    /* withdrawn: its key no longer stands for an issued request, so asking again is new */
    return run_sql(l,
                   "UPDATE requests SET key = key || '|rut-' || ?1, status = 'rut' WHERE id = "
                   "(SELECT request FROM cert_requests WHERE id = ?1)",
                   err, errlen, arg, NULL);
}

int ledger_pending_set_expiry(ledger *l, long long id, const char *expiry, char *err, size_t errlen)
{
    char arg[24];
    snprintf(arg, sizeof arg, "%lld", id);
    return run_sql(l, "UPDATE cert_requests SET new_expiry = ? WHERE id = ?", err, errlen, expiry,
                   arg, NULL);
}

int ledger_cert_confirmed(ledger *l, const char *serial, long *renewals, char *expiry,
                          size_t expirylen, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT count(*), coalesce(max(new_expiry), '') FROM cert_requests WHERE serial = ? "
        "AND status = 'da-xac-nhan' AND procedure = 'gia-han'";
    *renewals = 0;
    if (expirylen)
        expiry[0] = '\0';
    sqlite3_stmt *st = reuse(l, sql, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, serial);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *renewals = (long)sqlite3_column_int64(st, 0);
        column_copy(st, 1, expiry, expirylen);
    } else {
        rc = fail(l, err, errlen, "read");
    }
    done(l, st);
    return rc;
}

/* Runs st (bound) and hands every row to fn. */
static int each_cert(ledger *l, sqlite3_stmt *st, ledger_cert_fn fn, void *ctx, char *err,
                     size_t errlen)
{
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_cert c;
        cert_of_row(st, &c);
        rc = fn(ctx, &c);
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    sqlite3_finalize(st);
    return rc;
}

int ledger_each_cert(ledger *l, ledger_cert_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st =
        prepare(l, "SELECT " CERT_COLUMNS " FROM certificates ORDER BY so_hieu_cts", err, errlen);
    return st ? each_cert(l, st, fn, ctx, err, errlen) : -1;
}

/* The renewals a certificate had: the register's count or the provider's confirmations,
 * whichever is larger (a stale import may have lowered the former). */
#define RENEWALS                                                                                   \
    " max(c.so_lan_gia_han, (SELECT count(*) FROM cert_requests p WHERE p.serial = "               \
    "c.so_hieu_cts AND p.status = 'da-xac-nhan' AND p.procedure = 'gia-han'))"

/* CERT_COLUMNS with so_lan_gia_han as RENEWALS counts it */
#define WINDOW_COLUMNS                                                                             \
    "c.so_hieu_cts, c.loai_thue_bao, c.ho_ten, c.ten_co_quan, c.so_cccd, c.ngay_sinh, "            \
    "c.chuc_vu, c.co_quan_cong_tac, c.email, c.dien_thoai, c.co_quan_quan_ly, c.ngay_cap, "        \
    "c.ngay_het_han," RENEWALS ", c.trang_thai, c.so_serial_thiet_bi"

#define NOT_PENDING                                                                                \
    " NOT EXISTS (SELECT 1 FROM cert_requests p WHERE p.serial = c.so_hieu_cts AND "               \
    "p.status = 'cho-xac-nhan')"

static int each_window(ledger *l, const char *sql, const char *from, const char *to, long max,
                       ledger_cert_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l, sql, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, from);
    bind_text(st, 2, to);
    sqlite3_bind_int64(st, 3, max);
    return each_cert(l, st, fn, ctx, err, errlen);
}

int ledger_each_renewable(ledger *l, const char *from, const char *to, long max_renewals,
                          ledger_cert_fn fn, void *ctx, char *err, size_t errlen)
{
    return each_window(l,
                       "SELECT " WINDOW_COLUMNS " FROM certificates c WHERE c.ngay_het_han >= ?1 "
                       "AND c.ngay_het_han < ?2 AND" RENEWALS " < ?3 AND c.trang_thai = "
                       "'hoat-dong' AND" NOT_PENDING " ORDER BY c.co_quan_quan_ly, c.so_hieu_cts",
                       from, to, max_renewals, fn, ctx, err, errlen);
}

int ledger_each_not_renewable(ledger *l, const char *from, const char *to, long max_renewals,
                              ledger_cert_fn fn, void *ctx, char *err, size_t errlen)
{
    return each_window(l,
                       "SELECT " WINDOW_COLUMNS " FROM certificates c WHERE c.ngay_het_han < ?2 "
                       "AND c.ngay_het_han <> '' AND (" RENEWALS " >= ?3 OR "
                       "c.ngay_het_han < ?1) AND c.trang_thai <> 'thu-hoi' AND" NOT_PENDING
                       " ORDER BY c.co_quan_quan_ly, c.so_hieu_cts",
                       from, to, max_renewals, fn, ctx, err, errlen);
}

/* The oldest request pending against the certificate of another procedure than a renewal
 * (a renewal pending is one an earlier campaign or roster prepared): o, NULL when none. */
static const char SQL_BLOCKED[] =
    "SELECT " WINDOW_COLUMNS ", o.procedure, o.run, o.date FROM certificates c "
    "LEFT JOIN cert_requests o ON o.id = (SELECT q.id FROM cert_requests q WHERE q.serial = "
    "c.so_hieu_cts AND q.status = 'cho-xac-nhan' AND q.procedure <> 'gia-han' ORDER BY q.id "
    "LIMIT 1) WHERE c.ngay_het_han >= ?1 AND c.ngay_het_han < ?2 AND" RENEWALS " < ?3 AND "
    "(c.trang_thai = 'het-han' OR (c.trang_thai = 'hoat-dong' AND o.id IS NOT NULL)) "
    "ORDER BY c.co_quan_quan_ly, c.so_hieu_cts";

int ledger_each_blocked(ledger *l, const char *from, const char *to, long max_renewals,
                        ledger_blocked_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = prepare(l, SQL_BLOCKED, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, from);
    bind_text(st, 2, to);
    sqlite3_bind_int64(st, 3, max_renewals);
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_cert c;
        ledger_pending p;
        memset(&p, 0, sizeof p);
        cert_of_row(st, &c);
        int pending = sqlite3_column_type(st, LEDGER_CERT_NFIELDS) != SQLITE_NULL;
        if (pending) {
            column_copy(st, LEDGER_CERT_NFIELDS, p.procedure, sizeof p.procedure);
            p.run = sqlite3_column_int64(st, LEDGER_CERT_NFIELDS + 1);
            column_copy(st, LEDGER_CERT_NFIELDS + 2, p.date, sizeof p.date);
        }
        rc = fn(ctx, &c, pending ? &p : NULL);
    }
    if (rc == 0 && s != SQLITE_DONE)
        rc = fail(l, err, errlen, "read");
    sqlite3_finalize(st);
    return rc;
}

/* The day (YYYY-MM-DD) of a campaign roster the query sql (one text parameter, arg) picks
 * among the rosters: 1 and day, 0 when none, -1. */
static int campaign_day_of(ledger *l, const char *sql, const char *arg, char *day,
                           size_t daylen, char *err, size_t errlen)
{
    if (daylen)
        day[0] = '\0';
    sqlite3_stmt *st = prepare(l, sql, err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, arg);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
            column_copy(st, 0, day, daylen);
            rc = 1;
        }
    } else {
        rc = fail(l, err, errlen, "read");
    }
    sqlite3_finalize(st);
    return rc;
}

int ledger_campaign_day(ledger *l, int year, int month, char *day, size_t daylen, char *err,
                        size_t errlen)
{
    char glob[64];
    snprintf(glob, sizeof glob, "gia-han-%04d-%02d-[0-3][0-9]*", year, month);
    return campaign_day_of(l,
                           "SELECT min(substr(name, 9, 10)) FROM rosters WHERE name GLOB ? "
                           "AND outcome = 'xong'",
                           glob, day, daylen, err, errlen);
}

/* ---- the campaign's memory of earlier months (issue 12; docs/register.md) ---- */

int ledger_campaign_before(ledger *l, const char *before, char *day, size_t daylen, char *err,
                           size_t errlen)
{
    /* the rosters the campaigns dropped: gia-han-YYYY-MM-DD.csv, -2.csv ... */
    return campaign_day_of(l,
                           "SELECT max(substr(name, 9, 10)) FROM rosters WHERE name GLOB "
                           "'gia-han-[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*' AND "
                           "outcome = 'xong' AND substr(name, 9, 10) < ?",
                           before, day, daylen, err, errlen);
}

int ledger_each_not_renewable_since(ledger *l, const char *from, const char *to,
                                    long max_renewals, const char *since, ledger_cert_fn fn,
                                    void *ctx, char *err, size_t errlen)
{
    /* ledger_each_not_renewable's selection, less what expired before `since` */
    sqlite3_stmt *st = prepare(l,
                               "SELECT " WINDOW_COLUMNS " FROM certificates c WHERE "
                               "c.ngay_het_han < ?2 AND c.ngay_het_han <> '' AND (" RENEWALS
                               " >= ?3 OR c.ngay_het_han < ?1) AND c.ngay_het_han >= ?4 AND "
                               "c.trang_thai <> 'thu-hoi' AND" NOT_PENDING
                               " ORDER BY c.co_quan_quan_ly, c.so_hieu_cts",
                               err, errlen);
    if (!st)
        return -1;
    bind_text(st, 1, from);
    bind_text(st, 2, to);
    sqlite3_bind_int64(st, 3, max_renewals);
    bind_text(st, 4, since);
    return each_cert(l, st, fn, ctx, err, errlen);
}
