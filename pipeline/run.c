/* run: one batch as a transaction (run.h; issue 8). The commit order, per roster, is what
 * lets a crash at any instant be finished by the next run:
 *   1. documents rendered and staged under unique names in OUT/.tmp/;
 *   2. made durable (one syncfs for the roster's documents, not one fsync per file);
 *   3. the ledger transaction: roster, requests, documents with their staged names;
 *   4. documents placed under their final names (the next run finishes this from 3);
 *   5. the roster's result written beside its place in done/, then the roster moved there.
 * Before 3 nothing is issued and the roster stays where it was; after 3 the ledger says what
 * was issued and a rerun issues none of it again. */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "ledger.h"
#include "log.h"
#include "manifest.h"
#include "plan.h"
#include "publish.h"
#include "read.h"
#include "register.h"
#include "render.h"
#include "report.h"
#include "rules.h"
#include "sha256.h"
#include "util.h"
#include "xlsxreport.h"

#define CRASH_MARK ".ctsbatch-crash"

/* ---- a crash while a roster is processed is remembered (the poison-pill guard) ---- */

static char crash_path[4096];
static char crash_sha[65];
static struct sigaction crash_old[5];
static const int CRASH_SIGNALS[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* Async-signal-safe: writes the roster's SHA-256 to OUT/.ctsbatch-crash and dies of the
 * signal as it would have. */
static void on_crash(int sig)
{
    if (crash_sha[0]) {
        int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ssize_t w = write(fd, crash_sha, 64);
            (void)w;
            close(fd);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void crash_guard(const char *out, int on)
{
    for (size_t i = 0; i < 5; i++) {
        if (on) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_crash;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESETHAND;
            sigaction(CRASH_SIGNALS[i], &sa, &crash_old[i]);
        } else {
            sigaction(CRASH_SIGNALS[i], &crash_old[i], NULL);
        }
    }
    if (on)
        snprintf(crash_path, sizeof crash_path, "%s/" CRASH_MARK, out);
    crash_sha[0] = '\0';
}

/* ---- the run's context ---- */

/* A document rendered and staged, not yet committed: its name and rows are the plan's. */
typedef struct staged {
    const doc *d;
    size_t tmp;            /* offset of its temporary path in the set's strings */
    unsigned char sha[32]; /* SHA-256 of its bytes */
    size_t pages, bytes;
    /* the archival description (render_info), offsets in the set's strings: the same few
     * values for thousands of documents are kept once */
    size_t type_name, subject, issued, signer, language;
} staged;

/* Documents are rendered ahead (by two workers on a two-core machine) and staged in plan
 * order: memory holds at most RUN_WINDOW rendered documents. */
enum { RUN_WINDOW = 32, RUN_PARALLEL_MIN = 16 };
/* Pages from which a document's freed layout is given back to the system at once. */
enum { RUN_TRIM_PAGES = 8 };

/* One document rendered by a worker, waiting to be staged in plan order. */
typedef struct rendered {
    buf pdf;
    render_info info;
    int rc;
    char err[512];
} rendered;

/* The documents of the roster being made, for the progress line on a terminal. */
typedef struct progress {
    const char *name;
    size_t done, total;
    struct timespec start, last;
} progress;

typedef struct ctx {
    const run_options *o;
    const config *cfg;
    ledger *l;
    renderer *r;
    renderer *r2; /* the second worker's, made for the first plan long enough to share */
    run_result *res;
    long long run;
    char day[16]; /* as_of, ISO */
    int operator; /* an operator error stopped the run */
    FILE *csv;    /* the run's report.csv, staged, a roster's rows appended at a time */
    char csv_tmp[4096];
    int csv_failed;
    xlsxreport *xlsx; /* the run's report.xlsx, rows added a roster at a time */
    FILE *xlsx_file;  /* its staged file, held open until the workbook is written */
    char xlsx_tmp[4096];
    int xlsx_failed;
    buf unreadable; /* the unreadable files, for the run's report */
    size_t files;   /* rosters found */
    buf pdf;
    rendered window[RUN_WINDOW]; /* documents rendered, waiting to be staged */
    progress prog;
} ctx;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* path without its leading "dir/" when it lies under dir: what the ledger records, so that
 * a run started from another folder (relative --in, --out) still finds it. */
static const char *under(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* dir/rel, or rel itself when it is absolute (the caller frees). */
static char *join(const char *dir, const char *rel)
{
    return rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
}

static void operator_error(ctx *c, const char *what)
{
    log_line(LOGP_ERROR, "%s", what);
    c->operator= 1;
}

/* A stop was asked for (run_options.stop): looked at between documents and rosters. */
static int stopping(const ctx *c)
{
    return c->o->stop && *c->o->stop;
}

static run_roster *add_roster(ctx *c, const char *path, run_roster_outcome outcome)
{
    run_result *res = c->res;
    res->rosters = xgrow(res->rosters, &res->rcap, res->nrosters + 1, sizeof *res->rosters);
    run_roster *r = &res->rosters[res->nrosters++];
    memset(r, 0, sizeof *r);
    r->name = xstrdup(base_name(path));
    r->outcome = outcome;
    r->reason = xstrdup("");
    return r;
}

static void set_reason(run_roster *r, const char *why)
{
    free(r->reason);
    r->reason = xstrdup(why);
}

static void add_doc_result(ctx *c, const char *path, const char *from, int made, const char *reason)
{
    c->res->documents += (size_t)made;
    if (c->o->on_document) {
        run_document d = {path, from, made, reason};
        c->o->on_document(c->o->on_document_ctx, &d);
    }
}

/* Appends the CSV rows of roster r (its verdicts in b) to f, a few hundred at a time, so
 * that a 20,000-row roster is never held as text. scratch is any buffer. */
static void csv_rows_to(FILE *f, roster *r, const batch *b, buf *scratch)
{
    enum { SLICE = 256 };
    batch empty = {0};
    if (!b || b->n == 0 || r->failed) { /* an unreadable file still has its line */
        buf_reset(scratch);
        report_csv_rows(scratch, &r, 1, b ? b : &empty);
        fwrite(scratch->data, 1, scratch->len, f);
        return;
    }
    for (size_t i = 0; i < b->n; i += SLICE) {
        batch slice = {.v = b->v + i, .n = b->n - i < SLICE ? b->n - i : SLICE, .as_of = b->as_of};
        buf_reset(scratch);
        if (report_csv_rows(scratch, &r, 1, &slice) < 0)
            log_line(LOGP_WARN, "a row of %s is too long for a report", r->path);
        else
            fwrite(scratch->data, 1, scratch->len, f);
    }
    buf_reset(scratch);
}

/* Adds roster r's notes and rows (its verdicts in b, NULL when none were checked) to a
 * workbook. Returns 0 or -1 (the workbook failed). */
static int xlsx_rows(xlsxreport *x, const roster *r, const batch *b, const config *cfg)
{
    report_row row;
    int rc = 0;
    for (size_t i = 0; i < r->nwarnings && rc == 0; i++)
        rc = xlsxreport_add_note(x, r->path, r->warnings[i].line, r->warnings[i].message);
    if (r->failed) {
        report_row_of(r, NULL, cfg, &row);
        return rc < 0 ? -1 : xlsxreport_add_row(x, &row);
    }
    for (size_t i = 0; b && i < b->n && rc == 0; i++) {
        report_row_of(r, &b->v[i], cfg, &row);
        rc = xlsxreport_add_row(x, &row);
    }
    return rc;
}

/* fsync of a file written by name (libxlsxwriter writes the workbook itself). */
static int sync_path(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot write %.300s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The run's report.xlsx, staged in OUT/.tmp/ at the first roster; NULL when it failed. */
static xlsxreport *run_xlsx(ctx *c)
{
    char err[512];
    if (c->xlsx || c->xlsx_failed)
        return c->xlsx;
    c->xlsx_file =
        publish_stage_stream(c->o->out, c->xlsx_tmp, sizeof c->xlsx_tmp, err, sizeof err);
    if (c->xlsx_file && !(c->xlsx = xlsxreport_new(c->xlsx_tmp, c->o->epoch, err, sizeof err))) {
        fclose(c->xlsx_file);
        unlink(c->xlsx_tmp);
        c->xlsx_file = NULL;
    }
    if (!c->xlsx) {
        operator_error(c, err);
        c->xlsx_failed = 1;
        c->xlsx_tmp[0] = '\0';
    }
    return c->xlsx;
}

/* Writes the run's workbook to its staged name: 0, or -1 (xlsx_tmp "" then). */
static int run_xlsx_close(ctx *c)
{
    char err[512];
    if (!c->xlsx)
        return -1;
    int rc = xlsxreport_close(c->xlsx, err, sizeof err);
    c->xlsx = NULL;
    if (rc == 0)
        rc = publish_stream_close(c->xlsx_file, c->xlsx_tmp, err, sizeof err);
    else
        fclose(c->xlsx_file);
    c->xlsx_file = NULL;
    if (rc < 0) {
        operator_error(c, err);
        unlink(c->xlsx_tmp);
        c->xlsx_tmp[0] = '\0';
        c->xlsx_failed = 1;
    }
    return rc;
}

/* A roster is done with: its rows go into the run's report.csv, then it is freed (memory
 * does not grow with the rosters of a run). b may be NULL (none checked). */
static void done_with(ctx *c, roster *r, batch *b)
{
    char err[512];
    c->files++;
    if (r->failed) {
        char *one = report_unreadable(r);
        buf_printf(&c->unreadable, "%s%s", c->unreadable.len ? "; " : "", one);
        free(one);
    }
    if (!c->csv && !c->csv_failed) {
        c->csv = publish_stage_stream(c->o->out, c->csv_tmp, sizeof c->csv_tmp, err, sizeof err);
        if (!c->csv) {
            operator_error(c, err);
            c->csv_failed = 1;
        }
    }
    if (c->csv) {
        if (c->files == 1) {
            buf_reset(&c->pdf);
            report_csv_header(&c->pdf);
            fwrite(c->pdf.data, 1, c->pdf.len, c->csv);
        }
        csv_rows_to(c->csv, r, b, &c->pdf);
    }
    xlsxreport *x = run_xlsx(c);
    if (x && xlsx_rows(x, r, b, c->cfg) < 0)
        run_xlsx_close(c); /* says why; the run goes on without report.xlsx */
    batch_free(b);
    roster_free(r);
}

/* ---- finishing what a crashed run left ---- */

static int place_staged(void *p, const char *path, const char *rel_tmp)
{
    ctx *c = p;
    char err[512], *final = join(c->o->out, path), *tmp = join(c->o->out, rel_tmp);
    struct stat st;
    int rc = 0;
    if (lstat(tmp, &st) == 0) {
        if (publish_place(tmp, final, 0, err, sizeof err) < 0) {
            log_line(LOGP_ERROR, "finishing an interrupted run: %s", err);
            rc = 1;
        }
    } else if (lstat(final, &st) < 0) { /* neither staged nor placed: removed by hand */
        log_line(LOGP_ERROR,
                 "%s is in the ledger but neither it nor its staged copy %s "
                 "exists any more",
                 final, tmp);
    }
    free(final);
    free(tmp);
    return rc;
}

/* The crash mark of the last run, if it left one: the SHA-256 of the roster it died on. */
static void read_crash_mark(const char *out, char sha[65])
{
    char *path = xasprintf("%s/" CRASH_MARK, out);
    sha[0] = '\0';
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, sha, 64);
        sha[n == 64 ? 64 : 0] = '\0';
        close(fd);
        unlink(path);
    }
    free(path);
}

static int recover(ctx *c)
{
    char err[512], sha[65];
    read_crash_mark(c->o->out, sha);
    int rc = ledger_attempts_settle(c->l, sha, err, sizeof err);
    if (rc == 0)
        rc = ledger_each_staged(c->l, place_staged, c, err, sizeof err);
    if (rc < 0)
        log_line(LOGP_ERROR, "%s", err);
    if (rc == 0 && publish_clear_staging(c->o->out, err, sizeof err) < 0) {
        log_line(LOGP_ERROR, "%s", err);
        rc = -1;
    }
    if (rc == 0 && (publish_sync(c->o->out, err, sizeof err) < 0 ||
                    ledger_clear_staged(c->l, err, sizeof err) < 0)) {
        log_line(LOGP_ERROR, "%s", err);
        rc = -1;
    }
    const char *sub[] = {"done", "rejected", "held"};
    for (size_t i = 0; i < 3; i++) {
        char *dir = xasprintf("%s/%s", c->o->in, sub[i]);
        publish_clean_dir(dir);
        free(dir);
    }
    return rc == 0 ? 0 : -1;
}

/* ---- the drop folder ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What is not a regular file is never read, and the operator hears of it once. */
static void notice_not_regular(ctx *c, const char *path, read_entry_kind k)
{
    char err[512], now[32];
    time_now_iso(now, sizeof now);
    char *key = xasprintf("not-regular:%s", path);
    if (ledger_notice_once(c->l, key, now, err, sizeof err) == 1)
        log_line(LOGP_NOTICE, "%s is a %s, not a roster file; it is not read", path,
                 read_entry_kind_name(k));
    free(key);
}

/* How a file looked: it has settled once a look `settle` seconds later sees the same. */
typedef struct look {
    off_t size;
    struct timespec mtime;
} look;

static int look_at(const char *path, look *l)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return -1;
    *l = (look){st.st_size, st.st_mtim};
    return 0;
}

static int same_look(const look *a, const look *b)
{
    return a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Looks `settle` seconds apart, up to RUN_SETTLE_LOOKS times (issue 11 item 1): a file is
 * taken once two looks agree, whatever its mtime says (a share's clock may be ahead, and a
 * file copied in just now is complete as soon as it stops changing); one still changing
 * after the last look waits for the next run. Keeps in names[0..*n) those that settled. */
enum { RUN_SETTLE_LOOKS = 5 };

static void settle_inputs(ctx *c, char **names, size_t *n)
{
    if (c->o->settle <= 0 || *n == 0)
        return;
    look *was = xcalloc(*n, sizeof *was);
    int *ready = xcalloc(*n, sizeof *ready);
    for (size_t i = 0; i < *n; i++)
        if (look_at(names[i], &was[i]) < 0)
            ready[i] = -1; /* gone: read_roster will say so */
    log_line(LOGP_INFO, "waiting %ld s for %zu file(s) to settle", c->o->settle, *n);
    size_t pending = *n;
    for (int round = 0; round < RUN_SETTLE_LOOKS && pending; round++) {
        struct timespec ts = {(time_t)c->o->settle, 0};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stopping(c))
            ;
        if (stopping(c))
            break;
        pending = 0;
        for (size_t i = 0; i < *n; i++) {
            look now;
            if (ready[i])
                continue;
            if (look_at(names[i], &now) < 0 || same_look(&now, &was[i]))
                ready[i] = 1;
            else
                was[i] = now, pending++;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < *n && stopping(c); i++) /* asked to stop: none taken, none said */
        free(names[i]), ready[i] = -2;
    for (size_t i = 0; i < *n; i++) {
        if (ready[i] == -2)
            continue;
        if (ready[i]) {
            names[k++] = names[i];
            continue;
        }
        log_line(LOGP_NOTICE, "%s is still being written; left for the next run", names[i]);
        free(names[i]);
    }
    *n = k;
    free(was);
    free(ready);
}

/* The rosters waiting in the drop folder, sorted by name, once they have settled. */
static char **list_inputs(ctx *c, size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    DIR *d = opendir(c->o->in);
    if (!d)
        return NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *skip = read_name_skipped(e->d_name);
        if (skip && skip[0]) /* issue 10 item 7: left alone, said once a run */
            log_line(LOGP_NOTICE, "%s/%s is %s, not a roster; left in place", c->o->in, e->d_name,
                     skip);
        if (skip || !read_is_roster_name(e->d_name))
            continue;
        char *path = xasprintf("%s/%s", c->o->in, e->d_name);
        read_entry_kind k = read_entry_kind_of(path);
        if (k != READ_ENTRY_REGULAR) {
            if (k != READ_ENTRY_GONE)
                notice_not_regular(c, path, k);
            free(path);
            continue;
        }
        names = xgrow(names, &cap, *n + 1, sizeof *names);
        names[(*n)++] = path;
    }
    closedir(d);
    settle_inputs(c, names, n);
    if (*n)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}

/* ---- moving a roster out of the drop folder ---- */

/* Writes note (may be NULL) as TARGET.loi.txt, then moves the roster into sub/. */
static int move_with_note(ctx *c, const char *path, const char *sub, const char *note)
{
    char err[512];
    char *dir = xasprintf("%s/%s", c->o->in, sub);
    char *target = publish_move_target(path, dir);
    int rc = -1;
    if (!target) {
        snprintf(err, sizeof err, "no free name for %s in %s", path, dir);
    } else {
        char *np = xasprintf("%s.loi.txt", target);
        rc = note ? publish_write_atomic(np, note, strlen(note), err, sizeof err) : 0;
        if (rc == 0)
            rc = publish_move(path, target, err, sizeof err);
        free(np);
    }
    if (rc < 0)
        operator_error(c, err);
    free(target);
    free(dir);
    return rc;
}

static void unreadable(ctx *c, roster *r)
{
    char err[512];
    char *why = report_unreadable(r);
    char *note = xasprintf("Không đọc được tệp %s\n", why);
    run_roster *res = add_roster(c, r->path, RUN_ROSTER_UNREADABLE);
    set_reason(res, r->error.message);
    ledger_roster lr = {base_name(r->path), r->sha256, "", "khong-doc-duoc", 0, 0, 0, 0, ""};
    if (ledger_commit(c->l, c->run, c->day, &lr, NULL, 0, NULL, 0, err, sizeof err) < 0)
        operator_error(c, err);
    else
        move_with_note(c, r->path, "rejected", note);
    free(why);
    free(note);
}

static void hold(ctx *c, const char *path, const char *sha, run_roster *res, const char *why)
{
    char err[512];
    char *note = xasprintf("Tệp này chưa được xử lý: đã thử %d lần mà không lập được văn bản "
                           "(%s). Bộ phận quản trị cần kiểm tra; sau khi khắc phục, hãy đặt lại "
                           "tệp vào thư mục nhận.\n",
                           RUN_MAX_FAILURES, why);
    res->outcome = RUN_ROSTER_HELD;
    set_reason(res, why);
    log_line(LOGP_WARN, "%s failed %d times (%s); moved to %s/held/", path, RUN_MAX_FAILURES, why,
             c->o->in);
    /* put back by the operator once mended, it is tried afresh */
    if (move_with_note(c, path, "held", note) == 0 &&
        ledger_attempts_forgive(c->l, sha, err, sizeof err) < 0)
        operator_error(c, err);
    free(note);
}

/* ---- documents ---- */

static int taken(void *p, const char *relpath)
{
    ctx *c = p;
    char err[512], *full = xasprintf("%s/%s", c->o->out, relpath);
    struct stat st;
    int t = lstat(full, &st) == 0 ? 1 : errno == ENOENT ? 0 : -1;
    if (t < 0) { /* e.g. a file where the agency's folder should be */
        snprintf(err, sizeof err, "cannot use %s: %s", full, strerror(errno));
        operator_error(c, err);
    } else if (t == 0 && (t = ledger_path_taken(c->l, relpath, err, sizeof err)) < 0) {
        operator_error(c, err);
    }
    free(full);
    return t;
}

/* The roster rows a document came from: "stc.csv:2; stc.csv:5". */
static char *sources_of(const doc *d)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < d->nrows; i++)
        buf_printf(&b, "%s%s:%ld", i ? "; " : "", base_name(d->rows[i]->file),
                   d->rows[i]->rec->line);
    return buf_detach(&b);
}

/* The documents a roster staged. Their strings live in one block (offsets, since it grows),
 * the repeated ones once (a map from string to offset): a 20,000-row roster keeps about a
 * hundred bytes per document here. */
typedef struct stage_set {
    staged *v;
    size_t n, cap;
    buf strings;
    strmap *known; /* string -> offset, for the repeated ones */
} stage_set;

static const char *stage_str(const stage_set *s, size_t off)
{
    return s->strings.data + off;
}

/* The offset of a copy of str in the set's strings; once appears once only. */
static size_t stage_add(stage_set *s, const char *str, int once)
{
    size_t off;
    if (!s->strings.data && !s->strings.max)
        buf_init(&s->strings, (size_t)1 << 30);
    if (once) {
        if (!s->known)
            s->known = strmap_new();
        if (strmap_get(s->known, str, &off))
            return off;
    }
    off = s->strings.len;
    if (buf_append(&s->strings, str, strlen(str) + 1) < 0) {
        fprintf(stderr, "ctsbatch: the staged documents' names passed 1 GiB\n");
        abort(); /* bounded by ROSTER_MAX_ROWS documents of 4 KiB names: cannot happen */
    }
    if (once)
        strmap_set(s->known, str, off);
    return off;
}

/* Staged documents in the order of the plan they point into. */
static int staged_cmp(const void *a, const void *b)
{
    const doc *x = ((const staged *)a)->d, *y = ((const staged *)b)->d;
    return x < y ? -1 : x > y;
}

static void stage_discard(stage_set *s, int unlink_files)
{
    for (size_t i = 0; i < s->n && unlink_files; i++)
        unlink(stage_str(s, s->v[i].tmp));
    free(s->v);
    buf_release(&s->strings);
    strmap_free(s->known);
    memset(s, 0, sizeof *s);
}

enum { MAKE_OK = 0, MAKE_REPLAN = 1, MAKE_CONTENT = -1, MAKE_OPERATOR = -2, MAKE_STOPPED = -3 };

/* Rows whose own form could not be made, noted only once no worker reads verdicts: a row's
 * verdict is shared by its form and its agency's letter, which a worker may be filling. */
typedef struct not_made {
    verdict **v;
    char **why;
    size_t n, cap, wcap;
} not_made;

static void note_later(not_made *l, verdict *v, const char *why)
{
    l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    l->why = xgrow(l->why, &l->wcap, l->n + 1, sizeof *l->why);
    l->v[l->n] = v;
    l->why[l->n++] = xstrdup(why);
}

static void note_now(ctx *c, not_made *l)
{
    for (size_t i = 0; i < l->n; i++) {
        rules_note_not_made(l->v[i], c->cfg, l->why[i]);
        free(l->why[i]);
    }
    free(l->v);
    free(l->why);
    memset(l, 0, sizeof *l);
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* One more document staged: the progress line, at most four times a second. */
static void progress_tick(ctx *c)
{
    progress *g = &c->prog;
    g->done++;
    if (!log_progress_wanted())
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (g->last.tv_sec && seconds_between(&g->last, &now) < 0.25 && g->done < g->total)
        return;
    g->last = now;
    double t = seconds_between(&g->start, &now), rate = t > 0 ? (double)g->done / t : 0;
    double left = rate > 0 ? (double)(g->total - g->done) / rate : 0;
    log_progress("%s: %zu of %zu documents, %.0f/s, %.0f s left", g->name, g->done, g->total, rate,
                 left);
}

/* Stages one rendered document, or notes why it was not made. */
static int stage_one(ctx *c, const doc *d, rendered *o, stage_set *s, const char *from, char *why,
                     size_t whylen, not_made *later)
{
    char err[512], tmp[4096];
    if (o->rc == RENDER_CONTENT) {
        int per_row = strcmp(d->kind->per, "row") == 0;
        add_doc_result(c, d->relpath, from, 0, o->err);
        if (per_row) { /* a finding for its row; the plan is made again without it */
            note_later(later, (verdict *)d->rows[0], o->err);
            return MAKE_REPLAN;
        }
        snprintf(why, whylen, "Mẫu %s: %s", d->kind->form, o->err);
        return MAKE_CONTENT;
    }
    if (o->rc < 0) {
        snprintf(why, whylen, "%s: %s", d->relpath, o->err);
        return MAKE_OPERATOR;
    }
    if (publish_stage(c->o->out, o->pdf.data, o->pdf.len, tmp, sizeof tmp, err, sizeof err) < 0) {
        snprintf(why, whylen, "%s: %s", d->relpath, err);
        return MAKE_OPERATOR;
    }
    s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    staged *st = &s->v[s->n++];
    /* copied here, in the main thread: what lasts the whole roster is not left in a
     * worker's malloc arena among its pages */
    st->d = d;
    st->tmp = stage_add(s, tmp, 0);
    st->pages = o->info.pages;
    st->bytes = o->pdf.len;
    st->type_name = stage_add(s, o->info.type_name, 1);
    st->subject = stage_add(s, o->info.subject ? o->info.subject : "", 1);
    st->issued = stage_add(s, o->info.issued, 1);
    st->signer = stage_add(s, o->info.signer ? o->info.signer : "", 1);
    st->language = stage_add(s, o->info.language, 1);
    sha256_digest(o->pdf.data, o->pdf.len, st->sha);
    progress_tick(c);
    return MAKE_OK;
}

static void render_one(renderer *r, const run_options *o, const doc *d, rendered *out)
{
    buf_reset(&out->pdf);
    render_info_release(&out->info);
    memset(&out->info, 0, sizeof out->info);
    out->err[0] = '\0';
    out->rc =
        render_doc(r, d, o->as_of, o->epoch, &out->pdf, &out->info, out->err, sizeof out->err);
    if (out->info.pages >= RUN_TRIM_PAGES)
        mem_give_back(); /* its layout, freed: not kept in this thread's arena */
}

/* Two workers render a plan's documents ahead of the main thread, which stages them in plan
 * order as each is ready: a ring of RUN_WINDOW slots, document i in slot i % RUN_WINDOW, a
 * worker taking the next document once its slot is free. Each worker has its own renderer.
 * Documents depend only on themselves (pdf.h), so who renders which changes no byte; the
 * stages (files, the ledger, fault hooks) all happen in the main thread, in order. */
typedef struct ring {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const run_options *o;
    const doc *docs;
    size_t *order;          /* the plan's documents in stage_order */
    size_t n, next;         /* documents; the next to hand out */
    size_t staged;          /* documents the main thread is done with */
    long ready[RUN_WINDOW]; /* the document each slot holds, once rendered; -1 */
    rendered *slots;
    int stop;
} ring;

typedef struct worker {
    ring *g;
    renderer *r;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    ring *g = w->g;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->stop && g->next < g->n && g->next >= g->staged + RUN_WINDOW)
            pthread_cond_wait(&g->cv, &g->mu);
        if (g->stop || g->next >= g->n)
            break;
        size_t i = g->next++;
        pthread_mutex_unlock(&g->mu);
        render_one(w->r, g->o, &g->docs[g->order[i]], &g->slots[i % RUN_WINDOW]);
        pthread_mutex_lock(&g->mu);
        g->ready[i % RUN_WINDOW] = (long)i;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

/* The workers a plan of n documents gets: two when the machine has two cores and the plan
 * is long enough to be worth a second renderer (its fonts and templates load once per run),
 * or what the options ask. */
static int workers_for(ctx *c, size_t n)
{
    long want = c->o->workers > 0 ? c->o->workers : sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    if (want < 2 || n < RUN_PARALLEL_MIN)
        return 1;
    if (!c->r2) {
        char err[512];
        c->r2 = render_new_like(c->cfg, c->o->templates, err, sizeof err);
        if (!c->r2)
            return 1; /* the first renderer loaded the same files: one worker it is */
    }
    return 2;
}

/* The order documents are rendered and staged in: the documents listing many rows (an
 * agency's letter, minutes) first, then the rows' own forms, each group in plan order. A
 * letter of 5,000 rows is laid out whole before it is written; done first, that memory is
 * given back before the roster's staged forms accumulate, instead of coming on top of them
 * (issue 8: memory flat in the number of rows). Which file holds which bytes is the same. */
static size_t *stage_order(const plan *p)
{
    size_t *order = xcalloc(p->n ? p->n : 1, sizeof *order), k = 0;
    for (int rows = 0; rows < 2; rows++)
        for (size_t i = 0; i < p->n; i++)
            if ((strcmp(p->docs[i].kind->per, "row") == 0) == rows)
                order[k++] = i;
    return order;
}

/* What staging one document means for the loop: *rc is the first error that stops it. A
 * letter that cannot be made may fail for one of its rows, whose own form comes later in the
 * order and then asks for a new plan without that row: so the letter's failure (the first
 * one, in why) stops nothing, and stands at the end only if no row asked for a new plan. */
typedef struct staging {
    int rc, replan, letter;
} staging;

static void staged_one(staging *g, int one)
{
    if (one == MAKE_REPLAN)
        g->replan = 1;
    else if (one == MAKE_CONTENT && !g->letter)
        g->letter = 1;
    else if (one < 0 && one != MAKE_CONTENT)
        g->rc = one;
}

static int staging_end(const staging *g, int *replan)
{
    *replan |= g->replan;
    return g->rc < 0 ? g->rc : g->letter ? MAKE_CONTENT : MAKE_OK;
}

/* The main thread renders and stages documents order[from..to) of p in turn. */
static void make_serial_range(ctx *c, const plan *p, const size_t *order, size_t from, size_t to,
                              stage_set *s, const char *roster_name, char *why, size_t whylen,
                              staging *g)
{
    char other[1024];
    for (size_t i = from; i < to && g->rc >= 0 && !c->operator; i++) {
        if (stopping(c)) {
            g->rc = MAKE_STOPPED;
            break;
        }
        const doc *d = &p->docs[order[i]];
        render_one(c->r, c->o, d, &c->window[0]);
        not_made later = {0};
        int one = stage_one(c, d, &c->window[0], s, roster_name, g->letter ? other : why,
                            g->letter ? sizeof other : whylen, &later);
        if (g->letter && one < 0 && one != MAKE_CONTENT) /* what stops it is what is said */
            snprintf(why, whylen, "%s", other);
        staged_one(g, one);
        note_now(c, &later); /* one thread: at once */
    }
}

/* One worker: the main thread renders and stages each document in turn. */
static int make_serial(ctx *c, const plan *p, stage_set *s, const char *from, char *why,
                       size_t whylen, int *replan)
{
    staging g = {MAKE_OK, 0, 0};
    size_t *order = stage_order(p);
    make_serial_range(c, p, order, 0, p->n, s, from, why, whylen, &g);
    free(order);
    return staging_end(&g, replan);
}

/* Renders and stages every document of p (in stage_order); stops at the first error. */
static int make_all(ctx *c, const plan *p, stage_set *s, const char *from, char *why, size_t whylen,
                    int *replan)
{
    if (workers_for(c, p->n) < 2)
        return make_serial(c, p, s, from, why, whylen, replan);
    ring g;
    memset(&g, 0, sizeof g);
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    g.o = c->o;
    g.docs = p->docs;
    g.order = stage_order(p);
    g.n = p->n;
    /* the documents listing many rows, one at a time in this thread: two letters of 5,000
     * rows laid out at once would double what a roster needs at its peak */
    staging st = {MAKE_OK, 0, 0};
    size_t many = 0;
    while (many < p->n && strcmp(p->docs[g.order[many]].kind->per, "row") != 0)
        many++;
    make_serial_range(c, p, g.order, 0, many, s, from, why, whylen, &st);
    g.next = g.staged = many;
    if (st.rc < 0 || c->operator)
        g.n = many; /* stopped: the workers find nothing to do */
    g.slots = c->window;
    for (size_t k = 0; k < RUN_WINDOW; k++)
        g.ready[k] = -1;
    not_made later = {0};
    worker w[2] = {{&g, c->r}, {&g, c->r2}};
    pthread_t t[2];
    int started = 0;
    while (started < 2 && pthread_create(&t[started], NULL, work, &w[started]) == 0)
        started++;
    if (!started) { /* no thread to be had: the main thread renders, as with one worker */
        pthread_mutex_destroy(&g.mu);
        pthread_cond_destroy(&g.cv);
        make_serial_range(c, p, g.order, many, g.n, s, from, why, whylen, &st);
        free(g.order);
        return staging_end(&st, replan);
    }
    char other[1024];
    for (size_t i = many; i < g.n && st.rc >= 0 && !c->operator; i++) {
        if (stopping(c)) { /* the workers finish the documents in hand, then stop */
            st.rc = MAKE_STOPPED;
            break;
        }
        pthread_mutex_lock(&g.mu);
        while (g.ready[i % RUN_WINDOW] != (long)i)
            pthread_cond_wait(&g.cv, &g.mu);
        pthread_mutex_unlock(&g.mu);
        int one = stage_one(c, &p->docs[g.order[i]], &c->window[i % RUN_WINDOW], s, from,
                            st.letter ? other : why, st.letter ? sizeof other : whylen, &later);
        if (st.letter && one < 0 && one != MAKE_CONTENT) /* what stops it is what is said */
            snprintf(why, whylen, "%s", other);
        staged_one(&st, one);
        pthread_mutex_lock(&g.mu);
        g.staged = i + 1;
        pthread_cond_broadcast(&g.cv);
        pthread_mutex_unlock(&g.mu);
    }
    pthread_mutex_lock(&g.mu);
    g.stop = 1; /* after an error: the documents not handed out are not rendered */
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    for (int k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    note_now(c, &later); /* the workers are done with the verdicts */
    pthread_mutex_destroy(&g.mu);
    pthread_cond_destroy(&g.cv);
    free(g.order);
    return staging_end(&st, replan);
}

/* Plans the batch's documents and stages them; a row whose own form cannot be made is
 * rejected and the plan made once more without it. On success *out holds the plan. */
static int make_documents(ctx *c, batch *b, const char *from, plan **out, stage_set *s, char *why,
                          size_t whylen)
{
    for (int pass = 0; pass < 2; pass++) {
        plan *p = plan_make(b, c->cfg, taken, c);
        c->prog = (progress){from, 0, p->n, {0, 0}, {0, 0}};
        clock_gettime(CLOCK_MONOTONIC, &c->prog.start);
        int replan = 0, rc = p->failed ? MAKE_OPERATOR : MAKE_OK;
        if (p->failed)
            snprintf(why, whylen, "no free name for a document under %s", c->o->out);
        if (rc >= 0)
            rc = make_all(c, p, s, from, why, whylen, &replan);
        if (c->operator&& rc >= 0) {
            snprintf(why, whylen, "the output folder or the ledger could not be read");
            rc = MAKE_OPERATOR;
        }
        if (rc == MAKE_OK && !replan) {
            /* back in plan order for what follows (the ledger's ids, manifest.csv, what each
             * row got): stage_order only changed when each was made */
            if (s->n > 1)
                qsort(s->v, s->n, sizeof *s->v, staged_cmp);
            *out = p;
            return MAKE_OK;
        }
        stage_discard(s, 1);
        plan_free(p);
        /* a letter that failed after a row's own form did may have failed for that row: the
         * plan is made again without it before the letter is blamed */
        if (rc < 0 && !(rc == MAKE_CONTENT && replan && pass == 0))
            return rc;
    }
    snprintf(why, whylen, "không lập được danh mục văn bản cho danh sách này");
    return MAKE_CONTENT;
}

/* ---- the commit ---- */

/* The ledger's view of the roster's issued requests and documents, then the commit: one
 * transaction, streamed, so that what it holds in memory at once is one request id per row
 * and one document's strings (issue 8: memory flat in the number of rows). */
static int commit(ctx *c, roster *r, batch *b, const stage_set *s, run_roster *res,
                  const char *target, char *err, size_t errlen)
{
    char *result = xasprintf("%s.ketqua.csv", under(c->o->in, target));
    ledger_roster lr = {base_name(r->path),
                        r->sha256,
                        b->n ? record_get(b->v[0].agency, "co_quan_quan_ly") : "",
                        "xong",
                        res->rows,
                        res->accepted,
                        res->before,
                        s->n,
                        result};
    long long rid = 0, *ids = xcalloc(b->n ? b->n : 1, sizeof *ids); /* 0: none */
    int rc = ledger_roster_begin(c->l, c->run, c->day, &lr, &rid, err, errlen);
    free(result);
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        verdict *v = &b->v[i];
        char *key = v->accepted && !v->issued_before ? rules_request_key(v) : NULL;
        if (key) { /* issue 12: pending against its certificate in the same transaction */
            char *serial = register_pending_serial(v, c->cfg);
            ledger_request q = {key, v->thu_tuc, v->ten, v->rec->line, serial};
            rc = ledger_roster_request(c->l, c->run, rid, c->day, &q, &ids[i], err, errlen);
            free(serial);
        }
        free(key);
    }
    size_t *links = NULL, lcap = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const staged *st = &s->v[i];
        const doc *d = st->d;
        links = xgrow(links, &lcap, d->nrows ? d->nrows : 1, sizeof *links);
        size_t nl = 0;
        for (size_t k = 0; k < d->nrows; k++) {
            size_t at = (size_t)(d->rows[k] - b->v);
            if (at < b->n && ids[at])
                links[nl++] = at;
        }
        char *sources = sources_of(d), sha[65];
        sha256_digest_hex(st->sha, sha);
        int per_row = strcmp(d->kind->per, "row") == 0;
        ledger_document ld = {d->relpath,
                              under(c->o->out, stage_str(s, st->tmp)),
                              d->kind->form,
                              d->agency,
                              d->kind->folder,
                              per_row ? d->rows[0]->ten : d->agency,
                              sha,
                              sources,
                              st->pages,
                              st->bytes,
                              links,
                              nl,
                              stage_str(s, st->type_name),
                              stage_str(s, st->subject),
                              stage_str(s, st->issued),
                              stage_str(s, st->signer),
                              stage_str(s, st->language)};
        rc = ledger_roster_document(c->l, c->run, rid, c->day, &ld, ids, err, errlen);
        free(sources);
    }
    if (rc == 0)
        rc = ledger_roster_end(c->l, err, errlen);
    else
        ledger_roster_abort(c->l);
    free(links);
    free(ids);
    return rc;
}

/* The requests an earlier run issued are noted as such and planned into no document. */
/* An accepted request must have a stable key the roster holds once (the ledger's UNIQUE
 * key): otherwise it could be issued again by every rerun. With the shipped rules (CCCD and
 * organisation name required, trung-lap an error) this never happens; an edited
 * configuration could make it, and then the row is refused rather than the roster. */
static int keyed(ctx *c, verdict *v, const char *key, strmap *seen)
{
    size_t first;
    char why[256];
    if (!key) {
        rules_note_not_made(v, c->cfg, "thiếu số CCCD hoặc tên cơ quan để nhận biết yêu cầu.");
        return 0;
    }
    if (strmap_put(seen, key, (size_t)v->rec->line, &first)) {
        snprintf(why, sizeof why, "trùng với yêu cầu ở dòng %zu của danh sách.", first);
        rules_note_not_made(v, c->cfg, why);
        return 0;
    }
    return 1;
}

static int note_issued(ctx *c, batch *b)
{
    char err[512], day[32], file[4096];
    strmap *seen = strmap_new();
    long long certs = 0; /* issue 12: what the register says is asked of it when it knows */
    int rc = ledger_cert_count(c->l, &certs, err, sizeof err);
    if (rc < 0)
        operator_error(c, err);
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        verdict *v = &b->v[i];
        char *key = v->accepted ? rules_request_key(v) : NULL;
        int found = v->accepted && keyed(c, v, key, seen)
                        ? ledger_request_find(c->l, key, day, sizeof day, file, sizeof file, err,
                                              sizeof err)
                        : 0;
        free(key);
        char *legacy = found == 0 && v->accepted ? rules_request_key_legacy(v) : NULL;
        if (legacy) /* issued before the serial's spaces left the key */
            found = ledger_request_find(c->l, legacy, day, sizeof day, file, sizeof file, err,
                                        sizeof err);
        free(legacy);
        if (found < 0) {
            operator_error(c, err);
            rc = -1;
        } else if (found) {
            rules_note_issued(v, c->cfg, day, file);
        } else if (register_consult(c->l, c->cfg, v, certs, err, sizeof err) < 0) {
            operator_error(c, err);
            rc = -1;
        } else if (v->accepted && c->r && !render_printable(c->r, v->rec, err, sizeof err)) {
            rules_note_not_made(v, c->cfg, err);
        }
    }
    strmap_free(seen);
    return rc;
}

static void count_rows(const batch *b, run_roster *res)
{
    res->rows = b->n;
    res->accepted = res->before = 0;
    for (size_t i = 0; i < b->n; i++) {
        res->accepted += (size_t)b->v[i].accepted;
        res->before += (size_t)(b->v[i].accepted && b->v[i].issued_before);
    }
    res->rejected = res->rows - res->accepted;
}

/* NAME.ketqua.xlsx: complete or not at all, like the other results (a temporary name beside
 * it, written by libxlsxwriter, fsynced, renamed). 0 or -1 with err. */
static int write_result_xlsx(ctx *c, const roster *r, const batch *b, const char *target, char *err,
                             size_t errlen)
{
    char tmp[4096];
    char *path = xasprintf("%s.ketqua.xlsx", target);
    FILE *f = publish_atomic_open(path, tmp, sizeof tmp, err, errlen);
    int rc = -1;
    if (f) {
        xlsxreport *x = xlsxreport_new(tmp, c->o->epoch, err, errlen);
        if (x) {
            xlsx_rows(x, r, b, c->cfg);
            rc = xlsxreport_close(x, err, errlen);
        }
        if (rc == 0 && sync_path(tmp, err, errlen) == 0) {
            rc = publish_atomic_close(f, tmp, path, err, errlen);
        } else {
            rc = -1;
            fclose(f);
            unlink(tmp);
        }
    }
    free(path);
    return rc;
}

/* NAME.ketqua.csv, NAME.ketqua.xlsx and NAME.ketqua.pdf (NAME.ketqua-1.pdf, -2 ... when the
 * rows take more than one part) beside where the roster goes in done/. The CSV is the
 * record; a PDF part that cannot be made is left out with a message. */
static int write_results(ctx *c, roster *r, batch *b, const char *target)
{
    char err[512], tmp[4096];
    char *path = xasprintf("%s.ketqua.csv", target);
    FILE *f = publish_atomic_open(path, tmp, sizeof tmp, err, sizeof err);
    int rc = -1;
    if (f) {
        buf_reset(&c->pdf);
        report_csv_header(&c->pdf);
        fwrite(c->pdf.data, 1, c->pdf.len, f);
        csv_rows_to(f, r, b, &c->pdf);
        rc = publish_atomic_close(f, tmp, path, err, sizeof err);
    }
    free(path);
    if (rc == 0)
        rc = write_result_xlsx(c, r, b, target, err, sizeof err);
    if (rc < 0) {
        operator_error(c, err);
        return -1;
    }
    /* every row, in parts of PLAN_REPORT_PART_ROWS: each rendered and written before the
     * next is planned, so memory holds one part */
    size_t parts = plan_report_parts(&b, 1, PLAN_REPORT_PART_ROWS);
    for (size_t k = 0; k < parts && rc == 0; k++) {
        doc d;
        plan_report(&b, 1, &r, 1, k, PLAN_REPORT_PART_ROWS, c->cfg, &d);
        path = parts == 1 ? xasprintf("%s.ketqua.pdf", target)
                          : xasprintf("%s.ketqua-%zu.pdf", target, k + 1);
        buf_reset(&c->pdf);
        int made = render_doc(c->r, &d, c->o->as_of, c->o->epoch, &c->pdf, NULL, err, sizeof err);
        if (made == 0)
            rc = publish_write_atomic(path, c->pdf.data, c->pdf.len, err, sizeof err);
        if (made < 0)
            log_line(LOGP_WARN, "%s not made: %s", path, err);
        else if (rc < 0)
            operator_error(c, err);
        plan_report_release(&d);
        free(path);
    }
    buf_reset(&c->pdf);
    return rc;
}

/* Something failed after the commit: what is issued stays issued (the next run places what
 * is left and moves the roster), but the roster is not done and, when its documents are
 * not all in place, no row reads as made. */
static void keep_after_commit(ctx *c, batch *b, run_roster *res, const char *why, int unplaced)
{
    operator_error(c, why);
    res->outcome = RUN_ROSTER_KEPT;
    res->operator= 1;
    set_reason(res, why);
    for (size_t i = 0; unplaced && i < b->n; i++)
        b->v[i].postponed = b->v[i].accepted && !b->v[i].issued_before;
}

static void place_and_move(ctx *c, roster *r, batch *b, stage_set *s, plan **p, run_roster *res,
                           const char *target)
{
    char err[512];
    for (size_t i = 0; i < s->n; i++) {
        const char *relpath = s->v[i].d->relpath;
        char *final = xasprintf("%s/%s", c->o->out, relpath);
        int rc = publish_place(stage_str(s, s->v[i].tmp), final, 0, err, sizeof err);
        free(final);
        if (rc < 0) { /* committed: the next run places it from the ledger */
            keep_after_commit(c, b, res, err, 1);
            return;
        }
        add_doc_result(c, relpath, res->name, 1, NULL);
        res->documents++;
        const doc *d = s->v[i].d;
        for (size_t k = 0; k < d->nrows; k++) { /* the result says what each row got */
            verdict *v = (verdict *)d->rows[k];
            char *more = xasprintf("%s%s%s", v->documents ? v->documents : "",
                                   v->documents ? "; " : "", base_name(relpath));
            free(v->documents);
            v->documents = more;
        }
    }
    stage_discard(s, 0); /* the plan is done with: the results need only the verdicts */
    plan_free(*p);
    *p = NULL;
    mem_give_back(); /* what the roster's documents held, before its results are laid out */
    if (write_results(c, r, b, target) < 0)
        keep_after_commit(c, b, res, "its result could not be written", 0);
    else if (publish_move(r->path, target, err, sizeof err) < 0)
        keep_after_commit(c, b, res, err, 0);
}

/* The SHA-256 of a regular file's bytes (never through a link, never waiting on a FIFO),
 * read before the roster is parsed so that a crash in the reader is pinned on the file.
 * Returns 0, or -1 when the file cannot be read (the reader then says why). */
static int file_sha(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        (size_t)st.st_size > READ_MAX_FILE_BYTES) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    sha256 s;
    sha256_init(&s);
    char chunk[65536];
    ssize_t n;
    size_t total = 0;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 && (total += (size_t)n) <= READ_MAX_FILE_BYTES)
        sha256_update(&s, chunk, (size_t)n);
    close(fd);
    unsigned char d[32];
    sha256_final(&s, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return n < 0 || total > READ_MAX_FILE_BYTES ? -1 : 0;
}

/* The whole of one roster (run.h). */
static void process_roster_body(ctx *c, const char *path)
{
    char err[512], why[1024] = "", sha[65] = "";
    run_roster *res = NULL;
    int failures = 0, known = file_sha(path, sha) == 0;
    if (known) {
        res = add_roster(c, path, RUN_ROSTER_DONE);
        if (ledger_attempt_begin(c->l, c->run, sha, res->name, &failures, err, sizeof err) < 0) {
            operator_error(c, err);
            res->outcome = RUN_ROSTER_KEPT;
            set_reason(res, err);
            return;
        }
        if (failures >= RUN_MAX_FAILURES) {
            hold(c, path, sha, res,
                 "chương trình đã gặp lỗi hoặc dừng đột ngột khi xử lý tệp này ở các lần trước");
            ledger_attempt_end(c->l, sha, "hoan", "held", err, sizeof err);
            return;
        }
        snprintf(crash_sha, sizeof crash_sha, "%s", sha);
        fault_roster(res->name);
    }
    read_options ro = {c->o->encoding, c->o->schema, NULL, 0};
    ro.aliases = config_aliases(c->cfg, &ro.naliases);
    roster *r = read_roster(path, &ro);
    if (r->failed && r->not_roster && known) { /* issue 10 item 7: left where it is */
        char now[32], *key = xasprintf("not-roster:%s:%s", path, sha);
        time_now_iso(now, sizeof now);
        if (ledger_notice_once(c->l, key, now, err, sizeof err) == 1) /* once, not every run */
            log_line(LOGP_NOTICE, "%s is not a roster (%s); left in place", path, r->error.message);
        free(key);
        c->res->nrosters--, free(res->name), free(res->reason);
        ledger_attempt_end(c->l, sha, "xong", "not a roster", err, sizeof err);
        crash_sha[0] = '\0';
        roster_free(r);
        return;
    }
    if (r->failed && r->operator_fault && known) { /* the file is fine: kept for next run */
        snprintf(why, sizeof why, "%s could not be read for want of resources (%s)", path,
                 r->error.message);
        res->outcome = RUN_ROSTER_KEPT;
        res->operator= 1;
        set_reason(res, why);
        operator_error(c, why);
        ledger_attempt_end(c->l, sha, "hoan", why, err, sizeof err);
        crash_sha[0] = '\0';
        roster_free(r);
        return;
    }
    if (r->failed || !known) {
        if (res) /* it was readable a moment ago: the reader's verdict replaces this entry */
            c->res->nrosters--, free(res->name), free(res->reason);
        if (known)
            ledger_attempt_end(c->l, sha, "xong", "unreadable", err, sizeof err);
        crash_sha[0] = '\0';
        unreadable(c, r);
        done_with(c, r, NULL);
        return;
    }
    res->notes = r->nwarnings ? report_file_notes(&r, 1) : NULL; /* for the run's report */
    char day[32];
    if (ledger_roster_seen(c->l, sha, day, sizeof day, err, sizeof err) == 1)
        log_line(LOGP_NOTICE,
                 "%s has the same bytes as a roster processed on %s; what it "
                 "asks was issued then and is not issued again",
                 path, day);
    batch *b =
        rules_check_with(&r, 1, c->cfg, c->o->as_of, c->o->head_signs ? RULES_HEAD_SIGNS : 0);
    plan *p = NULL;
    stage_set s = {0};
    char *done = xasprintf("%s/done", c->o->in);
    char *target = publish_move_target(path, done); /* where it goes once committed */
    if (note_issued(c, b) < 0)
        snprintf(why, sizeof why, "the ledger could not be read");
    int rc = why[0]    ? MAKE_OPERATOR
             : !target ? MAKE_OPERATOR
                       : make_documents(c, b, res->name, &p, &s, why, sizeof why);
    if (!target)
        snprintf(why, sizeof why, "no free name for %s in %s", path, done);
    count_rows(b, res);
    if (rc == MAKE_OK && (publish_sync(c->o->out, err, sizeof err) < 0 ||
                          commit(c, r, b, &s, res, target, err, sizeof err) < 0)) {
        snprintf(why, sizeof why, "%s", err);
        rc = MAKE_OPERATOR;
    }
    if (rc == MAKE_OK) {
        crash_sha[0] = '\0'; /* committed: a crash from here on is not the roster's fault */
        place_and_move(c, r, b, &s, &p, res, target);
        ledger_attempt_end(c->l, sha, "xong", "", err, sizeof err);
    } else {
        stage_discard(&s, 1);
        res->outcome = RUN_ROSTER_KEPT;
        if (rc == MAKE_STOPPED)
            snprintf(why, sizeof why, "stopped before it was finished; left in %s", c->o->in);
        set_reason(res, why);
        for (size_t i = 0; i < b->n; i++) /* no row is reported made when it was not */
            b->v[i].postponed = b->v[i].accepted && !b->v[i].issued_before;
        if (rc == MAKE_STOPPED) { /* not the roster's fault: taken again at the next start */
            res->operator= 1;
            ledger_attempt_end(c->l, sha, "hoan", why, err, sizeof err);
        } else if (rc == MAKE_OPERATOR) { /* not the roster's fault: retried, not counted */
            res->operator= 1;
            operator_error(c, why);
            ledger_attempt_end(c->l, sha, "hoan", why, err, sizeof err);
        } else {
            log_line(LOGP_WARN, "%s: a document could not be made (%s); left in %s", path, why,
                     c->o->in);
            ledger_attempt_end(c->l, sha, "loi", why, err, sizeof err);
            if (failures + 1 >= RUN_MAX_FAILURES)
                hold(c, path, sha, res, why);
        }
    }
    stage_discard(&s, 0);
    plan_free(p);
    free(target);
    free(done);
    crash_sha[0] = '\0';
    done_with(c, r, b);
}

/* The operator's line for each roster (issue 11 item 3): its name, what became of it, its
 * rows and documents, and how long it took. No value of a row is ever in it. */
static void process_roster(ctx *c, const char *path)
{
    static const char *const what[] = {"done", "unreadable", "kept", "held"};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t before = c->res->nrosters;
    log_line(LOGP_DEBUG, "%s: reading", path);
    process_roster_body(c, path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (c->res->nrosters <= before)
        return; /* left where it is, said already */
    const run_roster *r = &c->res->rosters[c->res->nrosters - 1];
    double secs = seconds_between(&t0, &t1);
    int why = r->outcome != RUN_ROSTER_DONE && r->reason && r->reason[0];
    log_line(LOGP_INFO,
             "%s: %s%s%.200s%s; %zu row(s): %zu accepted (%zu issued before), %zu "
             "rejected; %zu document(s) in %.1f s",
             r->name, what[r->outcome], why ? " (" : "", why ? r->reason : "", why ? ")" : "",
             r->rows, r->accepted, r->before, r->rejected, r->documents, secs);
}

/* ---- the run's own report and the manifest ---- */

/* The clerk's words for what became of a roster. */
static const char *outcome_words(run_roster_outcome o)
{
    static const char *const words[] = {
        "Đã xử lý; kết quả từng dòng ở tệp kết quả trong done/",
        "Không đọc được; tệp chuyển sang rejected/ kèm giải thích",
        "Chưa lập văn bản; danh sách để lại thư mục nhận và được xử lý lại ở lần sau",
        "Đã thử nhiều lần không được; chuyển sang held/ để quản trị kiểm tra",
    };
    return words[o];
}

/* Places a staged file as OUT/runs/<id>/NAME (kept; replaced only when a report is written
 * again for a run that was cut short) and OUT/NAME (the latest, replaced). 0 or -1. */
static int place_report(ctx *c, long long run, const char *tmp, const char *name, int again)
{
    char err[512], copy[4096] = "";
    char *kept = xasprintf("%s/runs/%06lld/%s", c->o->out, run, name);
    char *latest = xasprintf("%s/%s", c->o->out, name);
    int rc = -1;
    if (publish_stage_copy(c->o->out, tmp, copy, sizeof copy, err, sizeof err) == 0 &&
        publish_place(tmp, kept, again, err, sizeof err) == 0 &&
        publish_place(copy, latest, 1, err, sizeof err) == 0)
        rc = 0;
    if (rc < 0)
        operator_error(c, err);
    if (copy[0])
        unlink(copy);
    unlink(tmp);
    free(kept);
    free(latest);
    return rc;
}

/* The run's report files: the staged report.csv (csv_tmp, "" when none could be made) and
 * report.pdf, one line per roster. Then the ledger records that run's report as written. */
static void place_run_report(ctx *c, long long run, const char *csv_tmp, const char *xlsx_tmp,
                             const plan_summary_line *lines, size_t n, const char *unreadable,
                             int again)
{
    char err[512], tmp[4096];
    int ok = csv_tmp[0] && place_report(c, run, csv_tmp, "report.csv", again) == 0;
    if (xlsx_tmp[0]) {
        ok = place_report(c, run, xlsx_tmp, "report.xlsx", again) == 0 && ok;
    } else { /* never an older run's workbook beside this run's report.csv; and the run's
              * report is not recorded as written, so the next run writes it again */
        char *latest = xasprintf("%s/report.xlsx", c->o->out);
        unlink(latest);
        free(latest);
        ok = 0;
    }
    doc d;
    plan_run_summary(lines, n, run, unreadable[0] ? unreadable : "không có", &d);
    buf_reset(&c->pdf);
    if (render_doc(c->r, &d, c->o->as_of, c->o->epoch, &c->pdf, NULL, err, sizeof err) < 0 ||
        publish_stage(c->o->out, c->pdf.data, c->pdf.len, tmp, sizeof tmp, err, sizeof err) < 0) {
        operator_error(c, err);
        ok = 0;
    } else {
        ok = place_report(c, run, tmp, "report.pdf", again) == 0 && ok;
    }
    plan_summary_release(&d);
    if (ok && ledger_run_reported(c->l, run, err, sizeof err) < 0)
        operator_error(c, err);
}

/* report.csv (every row of every roster) and report.pdf (one line per roster). */
static void write_run_report(ctx *c)
{
    char err[512];
    if (c->csv) {
        FILE *f = c->csv;
        c->csv = NULL;
        if (publish_stream_close(f, c->csv_tmp, err, sizeof err) < 0) {
            operator_error(c, err);
            c->csv_tmp[0] = '\0';
        }
    }
    if (!c->xlsx)
        c->xlsx_tmp[0] = '\0';
    else
        run_xlsx_close(c);
    const run_result *res = c->res;
    plan_summary_line *lines = xcalloc(res->nrosters ? res->nrosters : 1, sizeof *lines);
    char **words = xcalloc(res->nrosters ? res->nrosters : 1, sizeof *words);
    for (size_t i = 0; i < res->nrosters; i++) {
        const run_roster *r = &res->rosters[i];
        words[i] = r->reason[0] && r->outcome != RUN_ROSTER_DONE && !r->operator
                       ? xasprintf("%s (%s)", outcome_words(r->outcome), r->reason)
                       : xstrdup(outcome_words(r->outcome));
        lines[i] = (plan_summary_line){
            r->name,      words[i],  r->rows,
            r->accepted,  r->before, r->rejected,
            r->documents, r->notes,  r->rejected || r->outcome != RUN_ROSTER_DONE};
    }
    place_run_report(c, c->run, c->csv_tmp, c->xlsx_tmp, lines, res->nrosters,
                     buf_str(&c->unreadable), 0);
    for (size_t i = 0; i < res->nrosters; i++)
        free(words[i]);
    free(words);
    free(lines);
}

/* ---- the report of a run that was cut short, from the ledger ---- */

typedef struct again {
    ctx *c;
    FILE *csv;
    plan_summary_line *lines;
    size_t n, cap;
    buf unreadable, file;
    xlsxreport *x; /* report.xlsx, from the same rows read back; NULL when it failed */
    FILE *xf;
    char xtmp[4096];
    buf cells;
} again;

/* The rows of a roster's result CSV (after its header line) into the run's workbook. */
static void again_xlsx(again *a, const char *rows, const char *end)
{
    report_row row;
    while (a->x && rows < end && report_csv_read_row(&rows, end, a->c->cfg, &a->cells, &row) == 0)
        if (xlsxreport_add_row(a->x, &row) < 0)
            break; /* close says why */
}

/* One roster of the earlier run: its summary line, and the rows of its own result CSV
 * (beside it in done/) appended to the run's report.csv. */
static int again_roster(void *p, const ledger_roster *r)
{
    again *a = p;
    int ok = strcmp(r->outcome, "xong") == 0;
    a->lines = xgrow(a->lines, &a->cap, a->n + 1, sizeof *a->lines);
    a->lines[a->n++] =
        (plan_summary_line){xstrdup(r->name),
                            outcome_words(ok ? RUN_ROSTER_DONE : RUN_ROSTER_UNREADABLE),
                            r->rows,
                            r->accepted,
                            r->before,
                            r->rows - r->accepted,
                            r->documents,
                            NULL,
                            !ok || r->rows > r->accepted};
    if (!ok)
        buf_printf(&a->unreadable, "%s%s", a->unreadable.len ? "; " : "", r->name);
    buf_reset(&a->file);
    char *result = join(a->c->o->in, r->result);
    if (a->csv && r->result[0] && buf_read_file(&a->file, result) == 0) {
        const char *rows = memchr(a->file.data, '\n', a->file.len); /* after BOM and header */
        if (rows) {
            fwrite(rows + 1, 1, a->file.len - (size_t)(rows + 1 - a->file.data), a->csv);
            again_xlsx(a, rows + 1, a->file.data + a->file.len);
        }
    }
    free(result);
    return 0;
}

static int ensure_renderer(ctx *c)
{
    char err[512];
    if (!c->r && !(c->r = render_new_like(c->cfg, c->o->templates, err, sizeof err)))
        operator_error(c, err);
    return c->r ? 0 : -1;
}

/* A run killed (or stopped by a full disk) after committing rosters but before its report:
 * the report is written now, from the ledger and the rosters' own results. */
static void report_again(ctx *c)
{
    char err[512], tmp[4096] = "";
    long long run;
    int due = ledger_report_due(c->l, &run, err, sizeof err);
    if (due < 0)
        operator_error(c, err);
    if (due != 1 || ensure_renderer(c) < 0)
        return;
    again a = {c,    publish_stage_stream(c->o->out, tmp, sizeof tmp, err, sizeof err),
               NULL, 0,
               0,    {0},
               {0},  NULL,
               NULL, "",
               {0}};
    buf_init(&a.unreadable, 0);
    buf_init(&a.file, REPORT_MAX_BYTES);
    buf_init(&a.cells, REPORT_MAX_BYTES);
    char xerr[512];
    a.xf = publish_stage_stream(c->o->out, a.xtmp, sizeof a.xtmp, xerr, sizeof xerr);
    if (a.xf && !(a.x = xlsxreport_new(a.xtmp, c->o->epoch, xerr, sizeof xerr))) {
        fclose(a.xf);
        unlink(a.xtmp);
        a.xf = NULL;
    }
    if (!a.x) { /* report.csv and report.pdf are still written; the stale workbook goes */
        log_line(LOGP_WARN, "report.xlsx not made: %s", xerr);
        a.xtmp[0] = '\0';
    }
    if (a.csv) {
        buf_reset(&a.file);
        report_csv_header(&a.file);
        fwrite(a.file.data, 1, a.file.len, a.csv);
    }
    if (ledger_each_roster(c->l, run, again_roster, &a, err, sizeof err) < 0) {
        operator_error(c, err);
        if (a.csv)
            fclose(a.csv);
    } else if (a.csv && publish_stream_close(a.csv, tmp, err, sizeof err) < 0) {
        operator_error(c, err);
        tmp[0] = '\0';
    } else if (!a.csv) {
        operator_error(c, err);
    }
    if (a.x) {
        int xrc = xlsxreport_close(a.x, xerr, sizeof xerr);
        xrc = xrc == 0 ? publish_stream_close(a.xf, a.xtmp, xerr, sizeof xerr) : (fclose(a.xf), -1);
        if (xrc < 0) {
            log_line(LOGP_WARN, "report.xlsx not made: %s", xerr);
            unlink(a.xtmp);
            a.xtmp[0] = '\0';
        }
    }
    if (!c->operator) {
        log_line(LOGP_NOTICE, "run %lld was cut short before its report; written now", run);
        place_run_report(c, run, tmp, a.xtmp, a.lines, a.n, buf_str(&a.unreadable), 1);
    } else {
        if (tmp[0])
            unlink(tmp);
        if (a.xtmp[0])
            unlink(a.xtmp);
    }
    for (size_t i = 0; i < a.n; i++)
        free((char *)a.lines[i].file);
    free(a.lines);
    buf_release(&a.unreadable);
    buf_release(&a.file);
    buf_release(&a.cells);
}

static void summary(ctx *c)
{
    size_t rows = 0, acc = 0, before = 0, docs = 0;
    for (size_t i = 0; i < c->res->nrosters; i++) {
        rows += c->res->rosters[i].rows;
        acc += c->res->rosters[i].accepted;
        before += c->res->rosters[i].before;
        docs += c->res->rosters[i].documents;
    }
    printf("ctsbatch: %zu file(s), %zu request(s): %zu accepted (%zu issued before), %zu "
           "rejected; %zu document(s) in %s\n",
           c->files, rows, acc, before, rows - acc, docs, c->o->out);
}

/* manifest.csv again whenever the ledger holds documents it does not list. */
static void write_manifest(ctx *c)
{
    char err[512];
    int due = ledger_manifest_due(c->l, err, sizeof err);
    if (due < 0 || (due && manifest_write(c->l, c->o->out, err, sizeof err) < 0))
        operator_error(c, err);
}

static int status_of(const ctx *c)
{
    if (c->operator)
        return RUN_OUTPUT;
    for (size_t i = 0; i < c->res->nrosters; i++) {
        const run_roster *r = &c->res->rosters[i];
        if (r->outcome != RUN_ROSTER_DONE || r->rejected)
            return RUN_REJECTED;
    }
    return RUN_OK;
}

static void release_ctx(ctx *c)
{
    if (c->csv) {
        fclose(c->csv);
        unlink(c->csv_tmp);
    }
    if (c->xlsx) {
        xlsxreport_free(c->xlsx);
        fclose(c->xlsx_file);
        unlink(c->xlsx_tmp);
    }
    buf_release(&c->unreadable);
    buf_release(&c->pdf);
    render_free(c->r);
    render_free(c->r2);
    for (size_t i = 0; i < RUN_WINDOW; i++) {
        buf_release(&c->window[i].pdf);
        render_info_release(&c->window[i].info);
    }
}

/* The run's ledger (register.h's opener): OUT is made first, since the run writes there
 * whether or not --db puts the ledger elsewhere. */
static int open_ledger(ctx *c)
{
    if (publish_mkdirs(c->o->out) < 0) {
        log_line(LOGP_ERROR, "cannot create %s: %s", c->o->out, strerror(errno));
        return RUN_OUTPUT;
    }
    return register_open(c->o, &c->l);
}

int run_batch(const run_options *o, const config *cfg, run_result *res)
{
    memset(res, 0, sizeof *res);
    ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.cfg = cfg;
    c.res = res;
    buf_init(&c.pdf, 0);
    for (size_t i = 0; i < RUN_WINDOW; i++)
        buf_init(&c.window[i].pdf, 0);
    buf_init(&c.unreadable, 0);
    date_format_iso(o->as_of, c.day);
    char err[512], now[32];
    if (access(o->in, R_OK | X_OK) < 0) {
        log_line(LOGP_ERROR, "cannot read the input folder %s: %s", o->in, strerror(errno));
        res->status = RUN_USAGE;
        goto out;
    }
    if ((res->status = open_ledger(&c)) != RUN_OK)
        goto out;
    int recovered = recover(&c);
    if (recovered == 0)
        report_again(&c);
    size_t n = 0;
    char **names = recovered == 0 ? list_inputs(&c, &n) : NULL;
    if (recovered < 0 || n == 0) { /* nothing dropped: the last run's report stays */
        /* (a stop during the settling took none: not "no roster") */
        if (recovered == 0 && !stopping(&c))
            printf("ctsbatch: no roster in %s\n", o->in);
        write_manifest(&c); /* a crash may have come between a commit and the manifest */
        res->status = recovered < 0 || c.operator? RUN_OUTPUT : RUN_OK;
        free(names);
        goto out;
    }
    time_now_iso(now, sizeof now);
    if (ledger_run_begin(c.l, c.day, now, &c.run, err, sizeof err) < 0 || ensure_renderer(&c) < 0) {
        if (!c.operator)
            operator_error(&c, err);
    } else {
        res->id = c.run;
        crash_guard(o->out, 1);
        for (size_t i = 0; i < n && !c.operator&& !stopping(&c); i++)
            process_roster(&c, names[i]);
        crash_guard(o->out, 0);
        /* the staged names are forgotten only once every placement is durable; after an
         * error some may still wait in OUT/.tmp, and the next run places them */
        if (!c.operator&&(publish_sync(o->out, err, sizeof err) < 0 ||
                          ledger_clear_staged(c.l, err, sizeof err) < 0))
            operator_error(&c, err);
        write_run_report(&c);
        summary(&c);
    }
    write_manifest(&c);
    res->status = status_of(&c);
    time_now_iso(now, sizeof now);
    if (c.run && ledger_run_end(c.l, c.run, res->status == RUN_OUTPUT ? "loi-dau-ra" : "xong", now,
                                err, sizeof err) < 0) {
        log_line(LOGP_ERROR, "%s", err);
        res->status = RUN_OUTPUT;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
out:
    release_ctx(&c);
    ledger_close(c.l);
    return res->status;
}

void run_result_release(run_result *res)
{
    for (size_t i = 0; i < res->nrosters; i++) {
        free(res->rosters[i].name);
        free(res->rosters[i].reason);
        free(res->rosters[i].notes);
    }
    free(res->rosters);
    memset(res, 0, sizeof *res);
}

/* ---- validate ---- */

int run_validate(char *const *files, size_t n, const run_options *o, const config *cfg, int json,
                 FILE *out)
{
    roster **rs = xcalloc(n ? n : 1, sizeof *rs);
    read_options ro = {o->encoding, o->schema, NULL, 0};
    ro.aliases = config_aliases(cfg, &ro.naliases);
    for (size_t i = 0; i < n; i++)
        rs[i] = read_roster(files[i], &ro);
    batch *b = rules_check(rs, n, cfg, o->as_of);
    int rc = RUN_OK;
    if (o->db) { /* issue 12: the register consulted when a ledger is given */
        ledger *l = NULL;
        char err[512];
        long long certs = 0;
        struct stat st;
        if (stat(o->db, &st) < 0) { /* a ledger to read, not one to make */
            log_line(LOGP_ERROR, "validate --db %s: %s", o->db, strerror(errno));
            rc = RUN_OUTPUT;
        } else {
            rc = register_open(o, &l);
        }
        if (rc == RUN_OK && ledger_cert_count(l, &certs, err, sizeof err) < 0) {
            log_line(LOGP_ERROR, "%s", err);
            rc = RUN_OUTPUT;
        }
        for (size_t i = 0; i < b->n && rc == RUN_OK; i++)
            if (register_consult(l, cfg, &b->v[i], certs, err, sizeof err) < 0) {
                log_line(LOGP_ERROR, "%s", err);
                rc = RUN_OUTPUT;
            }
        ledger_close(l);
        if (rc != RUN_OK) {
            batch_free(b);
            for (size_t i = 0; i < n; i++)
                roster_free(rs[i]);
            free(rs);
            return RUN_USAGE;
        }
    }
    buf text;
    buf_init(&text, REPORT_MAX_BYTES);
    int cut = 0;
    for (size_t i = 0; i < n; i++) {
        if (json && report_json(&text, rs[i], i, b) < 0) {
            log_line(LOGP_WARN, "%s: verdicts larger than %zu bytes", rs[i]->path,
                     (size_t)REPORT_MAX_BYTES);
            cut = 1;
        } else if (!json) {
            report_text(&text, rs[i], i, b);
        }
        fputs(buf_str(&text), out);
        buf_reset(&text);
        rc = rs[i]->failed ? RUN_REJECTED : rc;
    }
    size_t unread = 0, accepted = 0;
    for (size_t i = 0; i < n; i++)
        unread += (size_t)(rs[i]->failed != 0);
    for (size_t i = 0; i < b->n; i++) {
        rc = b->v[i].accepted ? rc : RUN_REJECTED;
        accepted += (size_t)(b->v[i].accepted != 0);
    }
    if (!json) {
        report_text_summary(&text, n, unread, b->n, accepted);
        fputs(buf_str(&text), out);
    }
    buf_release(&text);
    batch_free(b);
    for (size_t i = 0; i < n; i++)
        roster_free(rs[i]);
    free(rs);
    return cut ? RUN_USAGE : rc;
}
