/* test_ledger: unit tests of pipeline/ledger.c against what ledger.h promises (DESIGN.md
 * "State lives in one SQLite database"; issue 8): open creates the file 0640 less the umask
 * and migrates to LEDGER_SCHEMA_VERSION (checked through a second SQLite connection), a
 * newer schema is refused with a reason, a version 1 file is migrated with its rows kept;
 * the run lock (a second open is LEDGER_BUSY, in this process or another, waits the whole
 * wait_seconds, touches nothing but the lock file, and kill -9 never leaves it stuck); a
 * roster's commit all or nothing (a request key already issued, an injected failure, a kill -9
 * at any of its operations); staged names, the documents in commit order, the poison-pill
 * attempts, manifest.csv due after commits, notices heard once, runs. Every test works in its
 * own mkdtemp folder under /tmp and removes it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "ledger.h"
#include "testutil.h"
#include "util.h"

typedef struct fixture {
    char dir[64];
    char *db; /* dir/ctsbatch.db, not yet created */
} fixture;

static int setup(void **state)
{
    fixture *fx = xcalloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ctsbatch-test-ledger-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    fx->db = xasprintf("%s/ctsbatch.db", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    int rc = tu_remove_tree(fx->dir);
    free(fx->db);
    free(fx);
    return rc;
}

static const char *db_path(void **state)
{
    return ((fixture *)*state)->db;
}

/* fx->dir joined with a relative path; the caller frees it. */
static char *at(void **state, const char *rel)
{
    fixture *fx = *state;
    return xasprintf("%s/%s", fx->dir, rel);
}

static ledger *open_ok(const char *path)
{
    ledger *l = NULL;
    char err[512] = "";
    int rc = ledger_open(path, 0, &l, err, sizeof err);
    if (rc != LEDGER_OK)
        fail_msg("ledger_open(%s) = %d: %s", path, rc, err);
    assert_non_null(l);
    return l;
}

static long long run_ok(ledger *l, const char *as_of)
{
    long long run = 0;
    char err[512] = "";
    if (ledger_run_begin(l, as_of, "2026-12-01T08:00:00+07:00", &run, err, sizeof err) < 0)
        fail_msg("ledger_run_begin: %s", err);
    assert_true(run > 0);
    return run;
}

/* ---- a second connection, the test's own view of the file ---- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open_v2(%s): %s", path, db ? sqlite3_errmsg(db) : "?");
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        fail_msg("%s: %s", sql, copy);
    }
}

/* The first column of the first row of sql, as text ("" when no row or NULL), into out. */
static void raw_text(const char *path, const char *sql, char *out, size_t outlen)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    const unsigned char *s = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    snprintf(out, outlen, "%s", s ? (const char *)s : "");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static long long raw_int(const char *path, const char *sql)
{
    char text[64];
    raw_text(path, sql, text, sizeof text);
    return strtoll(text, NULL, 10);
}

/* ---- what a test commits ---- */

#define DAY1 "2026-12-01"
#define DAY2 "2026-12-15"
#define SHA_STC "5f1d0c0a9e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
#define SHA_SXD "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY_AN "cap-moi|012345678901|"
#define KEY_BINH "gia-han|079123456789|5401B2C3"
#define KEY_CUONG "cap-moi|001188007766|"
#define PATH_AN "so-tai-chinh/cap-moi/Mau01-nguyen-van-an.pdf"
#define PATH_LETTER "so-tai-chinh/gia-han/Mau02-so-tai-chinh.pdf"
#define PATH_CUONG "so-xay-dung/cap-moi/Mau01-le-van-cuong.pdf"

static const ledger_roster ROSTER_STC = {"stc-thang-12.csv",
                                         SHA_STC,
                                         "Sở Tài chính",
                                         "xong",
                                         3,
                                         2,
                                         1,
                                         2,
                                         "done/stc-thang-12.csv.ketqua.csv"};
static const ledger_request REQS_STC[] = {
    {KEY_AN, "cap-moi", "Nguyễn Văn An", 2, NULL},
    {KEY_BINH, "gia-han", "Trần Thị Bình", 3, NULL},
};
/* The letter carries both requests, listed first so that Bình's first document is the letter
 * and An's is his own form (committed second). */
static const size_t LETTER_REQS[] = {1, 0};
static const size_t AN_REQS[] = {0};
static const ledger_document DOCS_STC[] = {
    {.path = PATH_LETTER,
     .tmp = ".tmp/ctsbatch-aaaa01",
     .form = "Mau02",
     .agency = "Sở Tài chính",
     .procedure = "gia-han",
     .name = "Sở Tài chính",
     .sha256 = "1111111111111111111111111111111111111111111111111111111111111111",
     .sources = "stc-thang-12.csv:2;stc-thang-12.csv:3",
     .pages = 3,
     .bytes = 48213,
     .requests = LETTER_REQS,
     .nrequests = 2,
     .type_name = "Công văn",
     .subject = "Đề nghị gia hạn chứng thư số",
     .issued = "2026-12-01",
     .signer = "GIÁM ĐỐC Trần Văn Bình",
     .language = "vi"},
    {.path = PATH_AN,
     .tmp = ".tmp/ctsbatch-aaaa02",
     .form = "Mau01",
     .agency = "Sở Tài chính",
     .procedure = "cap-moi",
     .name = "Nguyễn Văn An",
     .sha256 = "2222222222222222222222222222222222222222222222222222222222222222",
     .sources = "stc-thang-12.csv:2",
     .pages = 1,
     .bytes = 20480,
     .requests = AN_REQS,
     .nrequests = 1},
};

static const ledger_roster ROSTER_SXD = {"sxd.xlsx", SHA_SXD, "Sở Xây dựng", "xong", 1, 1, 0,
                                         1,          ""};
static const ledger_request REQS_SXD[] = {{KEY_CUONG, "cap-moi", "Lê Văn Cường", 2, NULL}};
static const size_t CUONG_REQS[] = {0};
static const ledger_document DOCS_SXD[] = {
    {.path = PATH_CUONG,
     .tmp = ".tmp/ctsbatch-bbbb01",
     .form = "Mau01",
     .agency = "Sở Xây dựng",
     .procedure = "cap-moi",
     .name = "Lê Văn Cường",
     .sha256 = "3333333333333333333333333333333333333333333333333333333333333333",
     .sources = "sxd.xlsx:2",
     .pages = 2,
     .bytes = 31000,
     .requests = CUONG_REQS,
     .nrequests = 1},
};

static void commit_stc(ledger *l, long long run)
{
    char err[512] = "";
    if (ledger_commit(l, run, DAY1, &ROSTER_STC, REQS_STC, 2, DOCS_STC, 2, err, sizeof err) < 0)
        fail_msg("ledger_commit: %s", err);
}

static void commit_sxd(ledger *l, long long run, const char *date)
{
    char err[512] = "";
    if (ledger_commit(l, run, date, &ROSTER_SXD, REQS_SXD, 1, DOCS_SXD, 1, err, sizeof err) < 0)
        fail_msg("ledger_commit: %s", err);
}

/* 1 when every trace of the Sở Xây dựng commit is in the ledger, 0 when none is; fails the
 * test on a part of it. */
static int sxd_present(ledger *l)
{
    char err[512] = "", date[32], file[256];
    int req =
        ledger_request_find(l, KEY_CUONG, date, sizeof date, file, sizeof file, err, sizeof err);
    int doc = ledger_path_taken(l, PATH_CUONG, err, sizeof err);
    int ros = ledger_roster_seen(l, SHA_SXD, date, sizeof date, err, sizeof err);
    assert_true(req >= 0 && doc >= 0 && ros >= 0);
    if (req != doc || doc != ros)
        fail_msg("half a commit: request %d, document %d, roster %d", req, doc, ros);
    return req;
}

/* ---- failure injection (fault.h) ---- */

/* fault_op counts every operation of the process, and tests run one after another in it.
 * This brings the count to a known value, fault_known, by letting fault_op fail at a target
 * well above the count and calling it until it does; CTSBATCH_FAULT_*_AT can then aim at
 * "the Kth operation from now". */
static long fault_known;

static int fault_sync(void)
{
    long target = fault_known + 100000;
    char at_s[32];
    snprintf(at_s, sizeof at_s, "%ld", target);
    setenv("CTSBATCH_FAULT_FAIL_AT", at_s, 1);
    long calls = 0;
    while (fault_op("test") == 0 && ++calls <= 100000)
        ;
    unsetenv("CTSBATCH_FAULT_FAIL_AT");
    fault_known = target;
    return calls <= 100000 ? 0 : -1; /* no cmocka assertion here: a forked child calls it */
}

static void fault_aim(const char *var, long k)
{
    char at_s[32];
    snprintf(at_s, sizeof at_s, "%ld", fault_known + k);
    setenv(var, at_s, 1);
}

/* ---- open, create, migrate ---- */

static void expect_mode(const char *path, mode_t want)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        fail_msg("%s: %s", path, strerror(errno));
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, want);
}

static void test_open_creates_and_migrates(void **state)
{
    const char *path = db_path(state);
    mode_t old = umask(022);
    ledger *l = open_ok(path);
    umask(old);
    assert_int_equal(ledger_opened_version(l), 0); /* a new file */
    /* personal data: 0640 less the umask, never world-readable, and so its companions */
    expect_mode(path, 0640);
    char *lock = xasprintf("%s.lock", path);
    char *wal = xasprintf("%s-wal", path);
    expect_mode(lock, 0640);
    expect_mode(wal, 0640); /* WAL mode: the migration wrote through it */
    assert_int_equal(raw_int(path, "PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
    char mode[32];
    raw_text(path, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    ledger_close(l);

    l = open_ok(path); /* reopened: nothing left to migrate, and it says what it found */
    assert_int_equal(ledger_opened_version(l), LEDGER_SCHEMA_VERSION);
    ledger_close(l);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
    ledger_close(NULL); /* accepted */
    free(lock);
    free(wal);
}

static void test_open_mode_follows_umask(void **state)
{
    const char *path = db_path(state);
    mode_t old = umask(077);
    ledger *l = open_ok(path);
    umask(old);
    expect_mode(path, 0600);
    ledger_close(l);
}

static void test_open_in_missing_folder_fails(void **state)
{
    char *path = at(state, "no/such/folder/ctsbatch.db");
    ledger *l = (ledger *)&l; /* not NULL: open must clear it */
    char err[512] = "";
    assert_int_equal(ledger_open(path, 0, &l, err, sizeof err), LEDGER_ERROR);
    assert_null(l);
    assert_true(strlen(err) > 0);
    free(path);
}

static void test_newer_schema_refused(void **state)
{
    const char *path = db_path(state);
    sqlite3 *db = raw_open(path);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE TABLE future(x); PRAGMA user_version = %d;",
             LEDGER_SCHEMA_VERSION + 1);
    raw_exec(db, sql);
    sqlite3_close(db);

    ledger *l = (ledger *)&l;
    char err[512] = "";
    assert_int_equal(ledger_open(path, 0, &l, err, sizeof err), LEDGER_ERROR);
    assert_null(l);
    assert_non_null(strstr(err, "newer"));
    char found[16];
    snprintf(found, sizeof found, "%d", LEDGER_SCHEMA_VERSION + 1);
    assert_non_null(strstr(err, found)); /* says which version it found */
    assert_int_equal(raw_int(path, "PRAGMA user_version"), LEDGER_SCHEMA_VERSION + 1);
    assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'notices'"),
                     0); /* not "migrated" down or across */

    /* the refusal released the run lock */
    char *lock = xasprintf("%s.lock", path);
    int fd = open(lock, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    close(fd);
    free(lock);
}

/* Version 1 as released (ledger.c MIGRATIONS[0], which must never change), copied here so that
 * an edit of the released step shows as a failure of this test. */
static const char V1_SCHEMA[] =
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
    " request INTEGER NOT NULL REFERENCES requests(id), PRIMARY KEY(document, request));";

static void test_migrates_from_version_1(void **state)
{
    const char *path = db_path(state);
    sqlite3 *db = raw_open(path);
    raw_exec(db, V1_SCHEMA);
    raw_exec(db, "INSERT INTO runs(id, started, finished, as_of, outcome, pid)"
                 " VALUES(1, '2026-11-02T08:00:00+07:00', '2026-11-02T08:01:00+07:00',"
                 " '2026-11-02', 'xong', 4242);"
                 "INSERT INTO rosters VALUES(1, 1, 'stc.csv', '" SHA_STC "', 'Sở Tài chính',"
                 " 'xong', 1, 1, '2026-11-02');"
                 "INSERT INTO requests VALUES(1, '" KEY_AN "', 'cap-moi', 'Nguyễn Văn An',"
                 " 'da-lap', 1, 1, 2, '2026-11-02');"
                 "INSERT INTO documents VALUES(1, '" PATH_AN "', 'Mau01', 'Sở Tài chính',"
                 " 'cap-moi', 'Nguyễn Văn An', 'abc', 1, 100, 1, 1, '2026-11-02', 'stc.csv:2',"
                 " NULL);"
                 "INSERT INTO document_requests VALUES(1, 1);"
                 "PRAGMA user_version = 1;");
    sqlite3_close(db);

    ledger *l = open_ok(path);
    assert_int_equal(ledger_opened_version(l), 1);
    assert_int_equal(raw_int(path, "PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
    char err[512] = "", date[32] = "", file[256] = "";
    assert_int_equal(
        ledger_request_find(l, KEY_AN, date, sizeof date, file, sizeof file, err, sizeof err), 1);
    assert_string_equal(date, "2026-11-02");
    assert_string_equal(file, PATH_AN);
    assert_int_equal(ledger_path_taken(l, PATH_AN, err, sizeof err), 1);
    /* version 2's tables are there and work */
    assert_int_equal(ledger_notice_once(l, "k", "2026-12-01T08:00:00+07:00", err, sizeof err), 1);
    int failures = -1;
    long long run = run_ok(l, DAY1);
    assert_true(run > 1); /* after the run the old file already had */
    assert_int_equal(ledger_attempt_begin(l, run, SHA_STC, "stc.csv", &failures, err, sizeof err),
                     0);
    assert_int_equal(failures, 0);
    ledger_close(l);
}

/* ---- the run lock ---- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_lock_second_open_is_busy(void **state)
{
    const char *path = db_path(state);
    ledger *first = open_ok(path);
    ledger *second = (ledger *)&second;
    char err[512] = "";
    /* flock locks belong to the open file description: a second open in this very process
     * conflicts, as another process would */
    assert_int_equal(ledger_open(path, 0, &second, err, sizeof err), LEDGER_BUSY);
    assert_null(second);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(ledger_open(path, 1, &second, err, sizeof err), LEDGER_BUSY);
    assert_null(second);
    assert_true(seconds_since(&t0) < 30); /* it gave up */
    /* the first is untouched by the attempts */
    assert_int_equal(ledger_notice_once(first, "k", "now", err, sizeof err), 1);
    ledger_close(first);
    second = open_ok(path);
    assert_int_equal(ledger_notice_once(second, "k", "now", err, sizeof err), 0);
    ledger_close(second);
}

/* "waiting up to wait_seconds for another run to finish": the whole second, also when the wait
 * starts in the middle of a second of the clock. */
static void test_lock_wait_lasts_wait_seconds(void **state)
{
    const char *path = db_path(state);
    ledger *first = open_ok(path);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long to_half = 500000000L - t0.tv_nsec;
    if (to_half < 0)
        to_half += 1000000000L;
    struct timespec nap = {0, to_half};
    nanosleep(&nap, NULL);
    ledger *second = NULL;
    char err[512] = "";
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(ledger_open(path, 1, &second, err, sizeof err), LEDGER_BUSY);
    double waited = seconds_since(&t0);
    ledger_close(first);
    if (waited < 0.9)
        fail_msg("asked to wait 1 s for the lock, gave up after %.2f s", waited);
}

/* BUSY: "nothing was touched but the lock file" (here the database does not exist yet). */
static void test_lock_busy_touches_nothing_else(void **state)
{
    const char *path = db_path(state);
    char *lock = xasprintf("%s.lock", path);
    int fd = open(lock, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    ledger *l = NULL;
    char err[512] = "";
    assert_int_equal(ledger_open(path, 0, &l, err, sizeof err), LEDGER_BUSY);
    assert_null(l);
    struct stat st;
    assert_int_equal(lstat(path, &st), -1);
    assert_int_equal(errno, ENOENT);
    close(fd); /* the other run ends */
    l = open_ok(path);
    ledger_close(l);
    free(lock);
}

/* Another process holds the ledger and dies by kill -9: the kernel drops the lock, and the
 * attempt it had begun (committed at once) is there for the next run to settle. */
static void test_lock_and_attempt_survive_kill9(void **state)
{
    const char *path = db_path(state);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        ledger *l = NULL;
        char err[512];
        long long run;
        int failures;
        if (ledger_open(path, 5, &l, err, sizeof err) != LEDGER_OK ||
            ledger_run_begin(l, DAY1, "now", &run, err, sizeof err) < 0 ||
            ledger_attempt_begin(l, run, SHA_STC, "stc.csv", &failures, err, sizeof err) < 0)
            _exit(1);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause(); /* until killed */
    }
    close(ready[1]);
    char c = 0;
    ssize_t got = read(ready[0], &c, 1); /* 0: the child failed and exited */
    close(ready[0]);
    if (got != 1)
        c = 0;

    ledger *l = NULL;
    char err[512] = "";
    int busy = ledger_open(path, 0, &l, err, sizeof err);
    ledger_close(l);
    assert_int_equal(kill(pid, SIGKILL), 0); /* before any assertion: no child left behind */
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(c, 'r');
    assert_int_equal(busy, LEDGER_BUSY);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    l = open_ok(path); /* not stuck */
    assert_int_equal(ledger_attempts_settle(l, SHA_STC, err, sizeof err), 0);
    int failures = -1;
    long long run = run_ok(l, DAY1);
    assert_int_equal(ledger_attempt_begin(l, run, SHA_STC, "stc.csv", &failures, err, sizeof err),
                     0);
    assert_int_equal(failures, 1); /* the crash counts */
    ledger_close(l);
}

/* ---- the commit ---- */

static void test_commit_then_find(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, DAY1);
    commit_stc(l, run);
    char err[512] = "", date[32] = "", file[256] = "";
    assert_int_equal(
        ledger_request_find(l, KEY_AN, date, sizeof date, file, sizeof file, err, sizeof err), 1);
    assert_string_equal(date, DAY1);
    assert_string_equal(file, PATH_LETTER); /* the first document committed that carries it */
    assert_int_equal(
        ledger_request_find(l, KEY_BINH, date, sizeof date, file, sizeof file, err, sizeof err), 1);
    assert_string_equal(file, PATH_LETTER);
    assert_int_equal(ledger_request_find(l, "cap-moi|999999999999|", date, sizeof date, file,
                                         sizeof file, err, sizeof err),
                     0);
    /* caller buffers are bounded */
    char small_date[5], small_file[4];
    assert_int_equal(ledger_request_find(l, KEY_AN, small_date, sizeof small_date, small_file,
                                         sizeof small_file, err, sizeof err),
                     1);
    assert_string_equal(small_date, "2026");
    assert_string_equal(small_file, "so-");

    assert_int_equal(ledger_path_taken(l, PATH_AN, err, sizeof err), 1);
    assert_int_equal(ledger_path_taken(l, PATH_LETTER, err, sizeof err), 1);
    assert_int_equal(ledger_path_taken(l, PATH_CUONG, err, sizeof err), 0);
    assert_int_equal(ledger_path_taken(l, ".tmp/ctsbatch-aaaa02", err, sizeof err), 0);
    date[0] = '\0';
    assert_int_equal(ledger_roster_seen(l, SHA_STC, date, sizeof date, err, sizeof err), 1);
    assert_string_equal(date, DAY1);
    assert_int_equal(ledger_roster_seen(l, SHA_SXD, date, sizeof date, err, sizeof err), 0);
    ledger_close(l);

    l = open_ok(db_path(state)); /* durable */
    assert_int_equal(
        ledger_request_find(l, KEY_AN, date, sizeof date, file, sizeof file, err, sizeof err), 1);
    ledger_close(l);
}

/* The same bytes dropped again: the date of the first commit. */
static void test_roster_seen_gives_the_first_date(void **state)
{
    ledger *l = open_ok(db_path(state));
    commit_sxd(l, run_ok(l, DAY1), DAY1);
    static const ledger_request again[] = {{"cap-moi|001188007766|X", "cap-moi", "Cường", 2, NULL}};
    char err[512] = "", date[32] = "";
    assert_int_equal(
        ledger_commit(l, run_ok(l, DAY2), DAY2, &ROSTER_SXD, again, 1, NULL, 0, err, sizeof err),
        0);
    assert_int_equal(ledger_roster_seen(l, SHA_SXD, date, sizeof date, err, sizeof err), 1);
    assert_string_equal(date, DAY1);
    ledger_close(l);
}

/* A request key already issued makes the whole commit fail: no roster, no request, no
 * document of it is left (issue 8: nothing twice). */
static void test_commit_duplicate_key_leaves_nothing(void **state)
{
    ledger *l = open_ok(db_path(state));
    commit_stc(l, run_ok(l, DAY1));
    long long run2 = run_ok(l, DAY2);
    /* a new request first (inserted before the clash is met), then An's again */
    static const ledger_request reqs[] = {
        {KEY_CUONG, "cap-moi", "Lê Văn Cường", 2, NULL},
        {KEY_AN, "cap-moi", "Nguyễn Văn An", 3, NULL},
    };
    static const size_t both[] = {0, 1};
    ledger_document doc = DOCS_SXD[0];
    doc.requests = both;
    doc.nrequests = 2;
    char err[512] = "", date[32] = "", file[256] = "";
    assert_int_equal(ledger_commit(l, run2, DAY2, &ROSTER_SXD, reqs, 2, &doc, 1, err, sizeof err),
                     -1);
    assert_true(strlen(err) > 0);
    assert_int_equal(sxd_present(l), 0);
    /* An's request still points where it did */
    assert_int_equal(
        ledger_request_find(l, KEY_AN, date, sizeof date, file, sizeof file, err, sizeof err), 1);
    assert_string_equal(date, DAY1);
    assert_string_equal(file, PATH_LETTER);
    /* and the ledger goes on: the roster without the clash commits */
    commit_sxd(l, run2, DAY2);
    assert_int_equal(sxd_present(l), 1);
    ledger_close(l);
}

/* STYLE.md 20: each ledger operation of a commit made to fail in turn (a full disk); every
 * failure leaves nothing of it and the ledger usable, until the commit goes through. */
static void test_commit_failure_injection_leaves_nothing(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, DAY1);
    int failed = 0;
    for (long k = 1;; k++) {
        assert_true(k < 50);
        char err[512] = "";
        assert_int_equal(fault_sync(), 0);
        fault_aim("CTSBATCH_FAULT_FAIL_AT", k);
        int rc =
            ledger_commit(l, run, DAY1, &ROSTER_SXD, REQS_SXD, 1, DOCS_SXD, 1, err, sizeof err);
        unsetenv("CTSBATCH_FAULT_FAIL_AT");
        if (rc == 0)
            break;
        assert_int_equal(rc, -1);
        assert_true(strlen(err) > 0);
        assert_int_equal(sxd_present(l), 0);
        failed++;
    }
    assert_true(failed > 0); /* the sweep did reach the commit's operations */
    assert_int_equal(sxd_present(l), 1);
    ledger_close(l);
}

/* STYLE.md 20: a kill -9 at each ledger operation of a commit in turn; the next open finds it
 * whole or absent, never half, and the lock free. */
static void test_commit_kill9_whole_or_absent(void **state)
{
    int killed = 0;
    for (long k = 1;; k++) {
        assert_true(k < 50);
        char name[32];
        snprintf(name, sizeof name, "kill-%ld.db", k);
        char *path = at(state, name);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            ledger *l = NULL;
            char err[512];
            long long run;
            if (ledger_open(path, 5, &l, err, sizeof err) != LEDGER_OK ||
                ledger_run_begin(l, DAY1, "now", &run, err, sizeof err) < 0)
                _exit(2);
            if (fault_sync() < 0)
                _exit(2);
            fault_aim("CTSBATCH_FAULT_KILL_AT", k);
            int rc =
                ledger_commit(l, run, DAY1, &ROSTER_SXD, REQS_SXD, 1, DOCS_SXD, 1, err, sizeof err);
            unsetenv("CTSBATCH_FAULT_KILL_AT");
            ledger_close(l);
            _exit(rc == 0 ? 0 : 1);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        ledger *l = open_ok(path);
        int present = sxd_present(l);
        ledger_close(l);
        free(path);
        if (WIFEXITED(status)) {
            assert_int_equal(WEXITSTATUS(status), 0);
            assert_int_equal(present, 1);
            break;
        }
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        killed++;
        assert_int_equal(present, 0); /* killed before its COMMIT finished */
    }
    assert_true(killed > 0);
}

/* ---- staged names, documents ---- */

typedef struct collected {
    char text[1024];
    int calls, stop_at; /* stop_at: the call that returns 7 (0: never) */
} collected;

static int collect_staged(void *ctx, const char *path, const char *tmp)
{
    collected *c = ctx;
    size_t len = strlen(c->text);
    snprintf(c->text + len, sizeof c->text - len, "%s%s=%s", len ? "|" : "", path, tmp);
    return ++c->calls == c->stop_at ? 7 : 0;
}

static void test_staged_listed_then_cleared(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, DAY1);
    commit_stc(l, run);
    char err[512] = "";
    collected c = {"", 0, 0};
    assert_int_equal(ledger_each_staged(l, collect_staged, &c, err, sizeof err), 0);
    assert_string_equal(c.text,
                        PATH_LETTER "=.tmp/ctsbatch-aaaa01|" PATH_AN "=.tmp/ctsbatch-aaaa02");
    /* a non-zero return stops and is returned */
    collected first = {"", 0, 1};
    assert_int_equal(ledger_each_staged(l, collect_staged, &first, err, sizeof err), 7);
    assert_int_equal(first.calls, 1);

    assert_int_equal(ledger_clear_staged(l, err, sizeof err), 0);
    collected none = {"", 0, 0};
    assert_int_equal(ledger_each_staged(l, collect_staged, &none, err, sizeof err), 0);
    assert_int_equal(none.calls, 0);
    /* the documents themselves stay */
    assert_int_equal(ledger_path_taken(l, PATH_AN, err, sizeof err), 1);

    commit_sxd(l, run, DAY1); /* staged after the clear: only it */
    collected later = {"", 0, 0};
    assert_int_equal(ledger_each_staged(l, collect_staged, &later, err, sizeof err), 0);
    assert_string_equal(later.text, PATH_CUONG "=.tmp/ctsbatch-bbbb01");
    ledger_close(l);
}

typedef struct doc_copy {
    char path[128], form[16], agency[64], procedure[32], name[64], sha256[65], date[16],
        sources[128], archive[512];
    long long pages, bytes, run;
} doc_copy;

typedef struct doc_list {
    doc_copy d[8];
    int n, stop_at;
} doc_list;

static int collect_document(void *ctx, const ledger_doc_row *r)
{
    doc_list *dl = ctx;
    assert_true(dl->n < 8);
    doc_copy *d = &dl->d[dl->n++];
    snprintf(d->path, sizeof d->path, "%s", r->path);
    snprintf(d->form, sizeof d->form, "%s", r->form);
    snprintf(d->agency, sizeof d->agency, "%s", r->agency);
    snprintf(d->procedure, sizeof d->procedure, "%s", r->procedure);
    snprintf(d->name, sizeof d->name, "%s", r->name);
    snprintf(d->sha256, sizeof d->sha256, "%s", r->sha256);
    snprintf(d->date, sizeof d->date, "%s", r->date);
    snprintf(d->sources, sizeof d->sources, "%s", r->sources);
    snprintf(d->archive, sizeof d->archive, "%s|%s|%s|%s|%s", r->type_name, r->subject, r->issued,
             r->signer, r->language);
    d->pages = r->pages;
    d->bytes = r->bytes;
    d->run = r->run;
    return dl->n == dl->stop_at ? 9 : 0;
}

static void expect_document(const doc_copy *got, const ledger_document *want, const char *date,
                            long long run)
{
    assert_string_equal(got->path, want->path);
    assert_string_equal(got->form, want->form);
    assert_string_equal(got->agency, want->agency);
    assert_string_equal(got->procedure, want->procedure);
    assert_string_equal(got->name, want->name);
    assert_string_equal(got->sha256, want->sha256);
    assert_string_equal(got->sources, want->sources);
    assert_string_equal(got->date, date);
    assert_int_equal(got->pages, want->pages);
    assert_int_equal(got->bytes, want->bytes);
    assert_int_equal(got->run, run);
    char archive[512]; /* the archival description (schema v3); "" fields when absent */
    snprintf(archive, sizeof archive, "%s|%s|%s|%s|%s", want->type_name ? want->type_name : "",
             want->subject ? want->subject : "", want->issued ? want->issued : "",
             want->signer ? want->signer : "", want->language ? want->language : "");
    assert_string_equal(got->archive, archive);
}

static void test_each_document_in_commit_order(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run1 = run_ok(l, DAY1);
    commit_sxd(l, run1, DAY1); /* committed first though it sorts last by path */
    long long run2 = run_ok(l, DAY2);
    char err[512] = "";
    assert_int_equal(
        ledger_commit(l, run2, DAY2, &ROSTER_STC, REQS_STC, 2, DOCS_STC, 2, err, sizeof err), 0);
    ledger_clear_staged(l, err, sizeof err); /* placed: still in the archive */
    doc_list dl = {.n = 0};
    assert_int_equal(ledger_each_document(l, collect_document, &dl, err, sizeof err), 0);
    assert_int_equal(dl.n, 3);
    expect_document(&dl.d[0], &DOCS_SXD[0], DAY1, run1);
    expect_document(&dl.d[1], &DOCS_STC[0], DAY2, run2);
    expect_document(&dl.d[2], &DOCS_STC[1], DAY2, run2);

    doc_list two = {.n = 0, .stop_at = 2};
    assert_int_equal(ledger_each_document(l, collect_document, &two, err, sizeof err), 9);
    assert_int_equal(two.n, 2);
    ledger_close(l);
}

/* manifest.csv is due whenever documents were committed after it was last written, also when
 * a crash came between the commit and the write. */
static void test_manifest_due_after_commits(void **state)
{
    ledger *l = open_ok(db_path(state));
    char err[512] = "";
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 0); /* nothing to list */
    long long run = run_ok(l, DAY1);
    commit_stc(l, run);
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 1);
    assert_int_equal(ledger_manifest_written(l, err, sizeof err), 0);
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 0);
    /* a roster that made no document (unreadable) adds nothing to list */
    static const ledger_roster unreadable = {"hong.csv", "ffff", "", "khong-doc-duoc", 0, 0,
                                             0,          0,      ""};
    assert_int_equal(ledger_commit(l, run, DAY1, &unreadable, NULL, 0, NULL, 0, err, sizeof err),
                     0);
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 0);
    commit_sxd(l, run, DAY1);
    ledger_close(l); /* "crash" before the manifest is written */

    l = open_ok(db_path(state));
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 1);
    assert_int_equal(ledger_manifest_written(l, err, sizeof err), 0);
    ledger_close(l);
    l = open_ok(db_path(state));
    assert_int_equal(ledger_manifest_due(l, err, sizeof err), 0);
    ledger_close(l);
}

/* ---- the poison-pill guard ---- */

static int begin_attempt(ledger *l, long long run, const char *sha)
{
    int failures = -1;
    char err[512] = "";
    if (ledger_attempt_begin(l, run, sha, "roster.csv", &failures, err, sizeof err) < 0)
        fail_msg("ledger_attempt_begin: %s", err);
    return failures;
}

static void end_attempt(ledger *l, const char *sha, const char *outcome)
{
    char err[512] = "";
    if (ledger_attempt_end(l, sha, outcome, "why", err, sizeof err) < 0)
        fail_msg("ledger_attempt_end: %s", err);
}

static void test_attempts_count_failures_only(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, DAY1);
    assert_int_equal(begin_attempt(l, run, SHA_STC), 0);
    end_attempt(l, SHA_STC, "loi");
    assert_int_equal(begin_attempt(l, run, SHA_STC), 1);
    end_attempt(l, SHA_STC, "hoan"); /* postponed: does not count, and the "loi" stays */
    assert_int_equal(begin_attempt(l, run, SHA_STC), 1);
    end_attempt(l, SHA_STC, "xong");
    assert_int_equal(begin_attempt(l, run, SHA_STC), 1);
    end_attempt(l, SHA_STC, "loi");
    assert_int_equal(begin_attempt(l, run, SHA_STC), 2);
    end_attempt(l, SHA_STC, "xong");
    assert_int_equal(begin_attempt(l, run, SHA_SXD), 0); /* per roster bytes */
    end_attempt(l, SHA_SXD, "xong");
    ledger_close(l);

    l = open_ok(db_path(state)); /* remembered */
    assert_int_equal(begin_attempt(l, run_ok(l, DAY2), SHA_STC), 2);
    ledger_close(l);
}

static void test_attempts_settle(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, DAY1);
    char err[512] = "";
    /* a dead run left both running; the crash mark names SXD's */
    assert_int_equal(begin_attempt(l, run, SHA_STC), 0);
    assert_int_equal(begin_attempt(l, run, SHA_SXD), 0);
    ledger_close(l);

    l = open_ok(db_path(state));
    assert_int_equal(ledger_attempts_settle(l, SHA_SXD, err, sizeof err), 0);
    long long run2 = run_ok(l, DAY1);
    assert_int_equal(begin_attempt(l, run2, SHA_SXD), 1); /* "sap": counts */
    assert_int_equal(begin_attempt(l, run2, SHA_STC), 0); /* "gian-doan": does not */
    /* the next start, no crash named: both interrupted, nothing more counts */
    assert_int_equal(ledger_attempts_settle(l, NULL, err, sizeof err), 0);
    assert_int_equal(begin_attempt(l, run2, SHA_SXD), 1);
    assert_int_equal(begin_attempt(l, run2, SHA_STC), 0);
    /* a settle turns only running attempts into a crash: a finished one stays as it ended */
    end_attempt(l, SHA_STC, "xong");
    assert_int_equal(ledger_attempts_settle(l, SHA_STC, err, sizeof err), 0);
    assert_int_equal(begin_attempt(l, run2, SHA_STC), 0);
    end_attempt(l, SHA_STC, "gian-doan");
    assert_int_equal(begin_attempt(l, run2, SHA_STC), 0);
    ledger_close(l);
}

/* ---- notices, runs ---- */

static void test_notice_once(void **state)
{
    ledger *l = open_ok(db_path(state));
    char err[512] = "";
    const char *key = "not-regular:inputs/fifo";
    assert_int_equal(ledger_notice_once(l, key, "2026-12-01T08:00:00+07:00", err, sizeof err), 1);
    assert_int_equal(ledger_notice_once(l, key, "2026-12-01T08:05:00+07:00", err, sizeof err), 0);
    assert_int_equal(ledger_notice_once(l, "not-regular:inputs/link", "2026-12-01T08:05:00+07:00",
                                        err, sizeof err),
                     1);
    ledger_close(l);
    l = open_ok(db_path(state));
    assert_int_equal(ledger_notice_once(l, key, "2026-12-02T08:00:00+07:00", err, sizeof err), 0);
    ledger_close(l);
}

static void test_runs_begin_and_end(void **state)
{
    const char *path = db_path(state);
    ledger *l = open_ok(path);
    char err[512] = "";
    long long r1 = 0, r2 = 0, r3 = 0;
    assert_int_equal(ledger_run_begin(l, DAY1, "2026-12-01T08:00:00+07:00", &r1, err, sizeof err),
                     0);
    assert_int_equal(ledger_run_begin(l, DAY1, "2026-12-01T09:00:00+07:00", &r2, err, sizeof err),
                     0);
    assert_true(r1 > 0);
    assert_true(r2 > r1);
    assert_int_equal(
        ledger_run_end(l, r1, "loi-dau-ra", "2026-12-01T08:10:00+07:00", err, sizeof err), 0);
    assert_int_equal(ledger_run_end(l, r2, "xong", "2026-12-01T09:10:00+07:00", err, sizeof err),
                     0);
    ledger_close(l);

    char sql[160], text[160];
    snprintf(sql, sizeof sql,
             "SELECT as_of || ' ' || started || ' ' || finished || ' ' || outcome"
             " FROM runs WHERE id = %lld",
             r1);
    raw_text(path, sql, text, sizeof text);
    assert_string_equal(text,
                        DAY1 " 2026-12-01T08:00:00+07:00 2026-12-01T08:10:00+07:00 loi-dau-ra");
    snprintf(sql, sizeof sql, "SELECT outcome FROM runs WHERE id = %lld", r2);
    raw_text(path, sql, text, sizeof text);
    assert_string_equal(text, "xong");

    l = open_ok(path); /* ids keep increasing across opens */
    assert_int_equal(ledger_run_begin(l, DAY2, "2026-12-15T08:00:00+07:00", &r3, err, sizeof err),
                     0);
    assert_true(r3 > r2);
    ledger_close(l);
}

/* What a report needs, kept per roster; the latest run with rosters owes its report until
 * it says it wrote it. */
static int collect_roster(void *p, const ledger_roster *r)
{
    ledger_roster *out = p;
    assert_string_equal(r->name, out->name);
    assert_int_equal(r->rows, out->rows);
    assert_int_equal(r->accepted, out->accepted);
    assert_int_equal(r->before, out->before);
    assert_int_equal(r->documents, out->documents);
    assert_string_equal(r->result, out->result);
    return 7;
}

static void test_report_due_until_written(void **state)
{
    ledger *l = open_ok(db_path(state));
    char err[512] = "";
    long long due = 0;
    assert_int_equal(ledger_report_due(l, &due, err, sizeof err), 0); /* no run yet */
    long long run = run_ok(l, DAY1);
    assert_int_equal(ledger_report_due(l, &due, err, sizeof err), 0); /* a run with no roster */
    commit_stc(l, run);
    assert_int_equal(ledger_report_due(l, &due, err, sizeof err), 1);
    assert_int_equal(due, run);
    ledger_roster want = ROSTER_STC;
    assert_int_equal(ledger_each_roster(l, run, collect_roster, &want, err, sizeof err), 7);
    assert_int_equal(ledger_run_reported(l, run, err, sizeof err), 0);
    assert_int_equal(ledger_report_due(l, &due, err, sizeof err), 0);
    ledger_close(l);
}

/* The previous renewal campaign (issue 12, docs/register.md): the latest campaign roster
 * (gia-han-YYYY-MM-DD*.csv) a run processed before a day; not a clerk's other roster, not an
 * unreadable one, not the day's own. */
static void test_campaign_before(void **state)
{
    ledger *l = open_ok(db_path(state));
    long long run = run_ok(l, "2026-12-01");
    static const char *const names[] = {"gia-han-2026-11-02.csv", "gia-han-2026-12-01-2.csv",
                                        "gia-han-2027-01-01.csv", "stc-2026-12-15.csv",
                                        "gia-han-2026-12-20.csv"};
    static const char *const outcomes[] = {"xong", "xong", "xong", "xong", "khong-doc-duoc"};
    char err[512] = "", day[16], sha[8];
    for (int i = 0; i < 5; i++) {
        snprintf(sha, sizeof sha, "%02d", i);
        ledger_roster lr = {names[i], sha, "", outcomes[i], 1, 1, 0, 0, ""};
        if (ledger_commit(l, run, "2026-12-01", &lr, NULL, 0, NULL, 0, err, sizeof err) < 0)
            fail_msg("ledger_commit: %s", err);
    }
    assert_int_equal(ledger_campaign_before(l, "2026-11-02", day, sizeof day, err, sizeof err), 0);
    assert_string_equal(day, "");
    assert_int_equal(ledger_campaign_before(l, "2026-12-01", day, sizeof day, err, sizeof err), 1);
    assert_string_equal(day, "2026-11-02");
    assert_int_equal(ledger_campaign_before(l, "2027-01-01", day, sizeof day, err, sizeof err), 1);
    assert_string_equal(day, "2026-12-01");
    assert_int_equal(ledger_campaign_before(l, "2027-02-01", day, sizeof day, err, sizeof err), 1);
    assert_string_equal(day, "2027-01-01");
    ledger_close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_and_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_mode_follows_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_in_missing_folder_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_from_version_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_second_open_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_wait_lasts_wait_seconds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_busy_touches_nothing_else, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_and_attempt_survive_kill9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_then_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_seen_gives_the_first_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_duplicate_key_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure_injection_leaves_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit_kill9_whole_or_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staged_listed_then_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_document_in_commit_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_due_after_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempts_count_failures_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attempts_settle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notice_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_due_until_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_runs_begin_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_before, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
