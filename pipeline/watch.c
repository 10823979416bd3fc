/* watch: the drop folder as a service (watch.h; issue 11 item 2). One loop in one thread:
 * wait (poll) for an inotify event, a signal (through a pipe the handler writes to, so that
 * none is lost between a test and the wait) or the next timer; look at the folder; run a
 * batch when the tracker says one is due. The batch is run_batch itself, which settles the
 * files once more, takes the ledger's lock, and releases it when it returns. */
#define _GNU_SOURCE /* inotify_init1's flags, pipe2 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fault.h"
#include "log.h"
#include "read.h"
#include "render.h"
#include "util.h"

/* ---- the tracker (pure: no system call) ---- */

typedef struct tracked {
    char *name;
    watch_look look;
    double changed; /* when it was first seen looking like this */
    int seen;       /* seen since the last mark */
    int given;      /* given to a batch looking like given_look */
    watch_look given_look;
    int pending; /* settled when the batch began, looking like pending_look */
    watch_look pending_look;
} tracked;

struct watch_tracker {
    double settle;
    tracked *v;
    size_t n, cap;
};

static int look_eq(const watch_look *a, const watch_look *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns;
}

watch_tracker *watch_tracker_new(double settle)
{
    watch_tracker *t = xcalloc(1, sizeof *t);
    t->settle = settle > 0 ? settle : 0;
    return t;
}

void watch_tracker_free(watch_tracker *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].name);
    free(t->v);
    free(t);
}

/* The files are kept sorted by name: the place of name, and whether it is there. */
static size_t place_of(const watch_tracker *t, const char *name, int *found)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->v[mid].name, name);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

int watch_tracker_see(watch_tracker *t, const char *name, const watch_look *l, double now)
{
    int found;
    size_t at = place_of(t, name, &found);
    tracked *f;
    if (found) {
        f = &t->v[at];
        f->seen = 1;
        if (look_eq(&f->look, l))
            return 0;
        f->look = *l;
        f->changed = now;
        return 1;
    }
    if (t->n >= WATCH_MAX_FILES)
        return -1;
    t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
    memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof *t->v);
    t->n++;
    f = &t->v[at];
    memset(f, 0, sizeof *f);
    f->name = xstrdup(name);
    f->look = *l;
    f->changed = now;
    f->seen = 1;
    return 1;
}

static void drop_at(watch_tracker *t, size_t i)
{
    free(t->v[i].name);
    memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
    t->n--;
}

void watch_tracker_mark(watch_tracker *t)
{
    for (size_t i = 0; i < t->n; i++)
        t->v[i].seen = 0;
}

void watch_tracker_sweep(watch_tracker *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].seen)
            t->v[k++] = t->v[i];
        else
            free(t->v[i].name);
    }
    t->n = k;
}

void watch_tracker_forget(watch_tracker *t, const char *name)
{
    int found;
    size_t at = place_of(t, name, &found);
    if (found)
        drop_at(t, at);
}

/* A file waits for a batch when no batch has had it as it looks now. */
static int waiting(const tracked *f)
{
    return !f->given || !look_eq(&f->given_look, &f->look);
}

int watch_tracker_due(const watch_tracker *t, double now, double *next)
{
    int due = 0;
    for (size_t i = 0; i < t->n; i++) {
        const tracked *f = &t->v[i];
        if (!waiting(f))
            continue;
        double at = f->changed + t->settle;
        if (now >= at)
            due = 1;
        else if (at < *next)
            *next = at;
    }
    return due;
}

void watch_tracker_batch_begin(watch_tracker *t, double now)
{
    for (size_t i = 0; i < t->n; i++) {
        tracked *f = &t->v[i];
        f->pending = now >= f->changed + t->settle;
        f->pending_look = f->look;
    }
}

void watch_tracker_batch_end(watch_tracker *t)
{
    for (size_t i = 0; i < t->n; i++) {
        tracked *f = &t->v[i];
        if (f->pending && look_eq(&f->pending_look, &f->look)) {
            f->given = 1;
            f->given_look = f->look;
        }
        f->pending = 0;
    }
}

size_t watch_tracker_count(const watch_tracker *t)
{
    return t->n;
}

long watch_backoff_next(long current)
{
    if (current < WATCH_BACKOFF_MIN)
        return WATCH_BACKOFF_MIN;
    return current > WATCH_BACKOFF_MAX / 2 ? WATCH_BACKOFF_MAX : current * 2;
}

/* ---- signals: flags, and a byte in a pipe to wake the poll ---- */

static volatile sig_atomic_t stop_asked, reload_asked, stop_signal;
static int wake_fd[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGHUP) {
        reload_asked = 1;
    } else {
        stop_asked = 1;
        stop_signal = sig;
    }
    if (wake_fd[1] >= 0) {
        ssize_t w = write(wake_fd[1], "x", 1);
        (void)w; /* a full pipe already wakes the poll */
    }
    errno = saved;
}

static int catch_signals(void)
{
    static const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
    if (pipe2(wake_fd, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0; /* no SA_RESTART: a wait in the run is cut short and looks again */
        if (sigaction(sigs[i], &sa, NULL) < 0)
            return -1;
    }
    return 0;
}

static void drain(int fd)
{
    char junk[256];
    while (read(fd, junk, sizeof junk) > 0)
        ;
}

/* ---- the service's state ---- */

typedef struct service {
    const watch_options *o;
    config *cfg;
    renderer *templates; /* the templates (and fonts) of cfg, as loaded at start or SIGHUP */
    watch_tracker *t;
    int ino, wd;
    long backoff;    /* seconds of the last delay after a failed batch; 0: none failed */
    double retry_at; /* when a failed batch is tried again; 0: none to retry */
    double next_rescan;
    int full_logged; /* the tracker's limit was said */
} service;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static date today(void)
{
    date d = date_today();
    fault_today(&d);
    return d;
}

/* The name is one the run would take (it filters the same way, and says why it skips). */
static int candidate(const char *name)
{
    return !read_name_skipped(name) && read_is_roster_name(name);
}

/* Looks at one entry of the drop folder; how (an event, a rescan) is said with --verbose. */
static void look_at(service *s, const char *name, double now, const char *how)
{
    if (!candidate(name))
        return;
    char *path = xasprintf("%s/%s", s->o->run.in, name);
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        watch_tracker_forget(s->t, name); /* gone, or nothing the run reads */
    } else {
        watch_look l = {(long long)st.st_size,
                        (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
        int rc = watch_tracker_see(s->t, name, &l, now);
        if (rc == 1)
            log_line(LOGP_DEBUG, "%s: seen by %s (%lld bytes)", path, how, l.size);
        else if (rc < 0 && !s->full_logged) {
            log_line(LOGP_WARN, "more than %d files in %s; the others wait for a later look",
                     WATCH_MAX_FILES, s->o->run.in);
            s->full_logged = 1;
        }
    }
    free(path);
}

/* A look at the whole folder. */
static void rescan(service *s, const char *how)
{
    DIR *d = opendir(s->o->run.in);
    if (!d) {
        log_line(LOGP_ERROR, "cannot read the drop folder %s: %s", s->o->run.in, strerror(errno));
        return;
    }
    double now = now_mono();
    watch_tracker_mark(s->t);
    struct dirent *e;
    while ((e = readdir(d)))
        look_at(s, e->d_name, now, how);
    closedir(d);
    watch_tracker_sweep(s->t);
}

/* The inotify watch on the folder, (re)made when there is none (the folder was removed and
 * made again, say). Without one the rescans still find every file. */
static void ensure_watch(service *s)
{
    if (s->wd >= 0)
        return;
    s->wd = inotify_add_watch(s->ino, s->o->run.in,
                              IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |
                                  IN_ONLYDIR);
    if (s->wd < 0)
        log_line(LOGP_WARN, "cannot watch %s (%s); looking at it every %ld s instead", s->o->run.in,
                 strerror(errno), s->o->rescan);
}

/* Reads the queued events; each names a file to look at. */
static void read_events(service *s)
{
    _Alignas(struct inotify_event) char ev[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)];
    ssize_t n;
    while ((n = read(s->ino, ev, sizeof ev)) > 0) {
        double now = now_mono();
        for (char *p = ev; p < ev + n;) {
            const struct inotify_event *e = (const struct inotify_event *)(void *)p;
            if (e->mask & IN_Q_OVERFLOW) {
                rescan(s, "a rescan after lost events");
            } else if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
                if (e->wd == s->wd) {
                    log_line(LOGP_WARN, "%s was removed or moved; watching again when it is back",
                             s->o->run.in);
                    inotify_rm_watch(s->ino, s->wd);
                    s->wd = -1;
                }
            } else if (e->len && memchr(e->name, '\0', e->len)) {
                look_at(s, e->name, now, "an event");
            }
            p += sizeof *e + e->len;
        }
    }
}

/* SIGHUP: the configuration and the templates again. They are taken only once the
 * configuration loads and its fonts and every template it uses do; else the old ones keep
 * running (and a template edited meanwhile is not used until the next SIGHUP). */
static void reload(service *s)
{
    char err[512];
    config *n = config_load(s->o->config, s->o->home, err, sizeof err);
    renderer *r = n ? render_new(n, err, sizeof err) : NULL;
    if (!r) {
        log_line(LOGP_ERROR,
                 "SIGHUP: the configuration %s or its templates are refused (%s); the previous "
                 "ones stay in use",
                 s->o->config, err);
        config_free(n);
        return;
    }
    render_free(s->templates);
    config_free(s->cfg);
    s->cfg = n;
    s->templates = r;
    log_line(LOGP_NOTICE, "SIGHUP: configuration %s and its templates loaded again", s->o->config);
}

/* Did the batch leave work to do again later (not counting what a stop left)? */
static int needs_retry(const run_result *res)
{
    if (res->status == RUN_OUTPUT || res->status == RUN_BUSY || res->status == RUN_USAGE)
        return 1;
    for (size_t i = 0; i < res->nrosters; i++)
        if (res->rosters[i].outcome == RUN_ROSTER_KEPT)
            return 1;
    return 0;
}

static void run_one_batch(service *s)
{
    run_options ro = s->o->run;
    if (!s->o->as_of_fixed)
        ro.as_of = today(); /* issue 11: the day of each batch, not of the start */
    if (!s->o->epoch_fixed)
        ro.epoch = (long long)time(NULL); /* the PDFs are dated when they are made */
    ro.stop = &stop_asked;
    ro.templates = s->templates;
    char day[16];
    date_format_iso(ro.as_of, day);
    log_line(LOGP_DEBUG, "a batch of %s dated %s", ro.in, day);
    rescan(s, "a rescan"); /* what the batch will find, as it looks now */
    watch_tracker_batch_begin(s->t, now_mono());
    run_result res;
    run_batch(&ro, s->cfg, &res);
    fflush(stdout);
    rescan(s, "a rescan");
    watch_tracker_batch_end(s->t);
    if (!stop_asked && needs_retry(&res)) {
        s->backoff = watch_backoff_next(s->backoff);
        s->retry_at = now_mono() + (double)s->backoff;
        log_line(LOGP_WARN, "the batch ended with status %d; trying again in %ld s", res.status,
                 s->backoff);
    } else if (!stop_asked) {
        s->backoff = 0;
        s->retry_at = 0;
    }
    run_result_release(&res);
}

/* Milliseconds until the first of the deadlines (none past), at most the rescan interval. */
static int timeout_ms(const service *s, double now)
{
    double next = s->next_rescan;
    watch_tracker_due(s->t, now, &next);
    if (s->retry_at > 0 && s->retry_at < next)
        next = s->retry_at;
    double ms = (next - now) * 1000.0 + 1.0;
    if (ms < 0)
        ms = 0;
    if (ms > (double)s->o->rescan * 1000.0)
        ms = (double)s->o->rescan * 1000.0;
    return ms < (double)INT_MAX ? (int)ms : INT_MAX; /* a --rescan of weeks */
}

static void serve(service *s)
{
    rescan(s, "the first look");
    s->next_rescan = now_mono() + (double)s->o->rescan;
    while (!stop_asked) {
        if (reload_asked) {
            reload_asked = 0;
            reload(s);
        }
        double now = now_mono(), next = now + 1e9;
        int due = watch_tracker_due(s->t, now, &next);
        if (due || (s->retry_at > 0 && now >= s->retry_at)) {
            s->retry_at = 0;
            run_one_batch(s);
            continue;
        }
        struct pollfd p[2] = {{s->ino, POLLIN, 0}, {wake_fd[0], POLLIN, 0}};
        int ready = poll(p, 2, timeout_ms(s, now));
        if (ready < 0 && errno != EINTR) {
            log_line(LOGP_ERROR, "poll: %s", strerror(errno));
            struct timespec nap = {1, 0};
            nanosleep(&nap, NULL);
        }
        if (ready > 0 && (p[1].revents & POLLIN))
            drain(wake_fd[0]);
        if (ready > 0 && (p[0].revents & POLLIN))
            read_events(s);
        if (now_mono() >= s->next_rescan) {
            ensure_watch(s);
            rescan(s, "a rescan");
            s->next_rescan = now_mono() + (double)s->o->rescan;
        }
    }
}

int watch_run(const watch_options *opt)
{
    watch_options o = *opt;
    if (o.rescan <= 0)
        o.rescan = WATCH_RESCAN_DEFAULT;
    service s;
    memset(&s, 0, sizeof s);
    s.o = &o;
    s.ino = -1;
    s.wd = -1;
    char err[512];
    int rc = RUN_USAGE;
    struct stat st;
    int bad = stat(o.run.in, &st) < 0                    ? errno
              : !S_ISDIR(st.st_mode)                     ? ENOTDIR
              : access(o.run.in, R_OK | W_OK | X_OK) < 0 ? errno
                                                         : 0;
    if (bad) {
        log_line(LOGP_ERROR, "cannot watch the drop folder %s: %s", o.run.in, strerror(bad));
        goto out;
    }
    if (!(s.cfg = config_load(o.config, o.home, err, sizeof err)) ||
        !(s.templates = render_new(s.cfg, err, sizeof err))) {
        log_line(LOGP_ERROR, "%s", err);
        goto out;
    }
    if ((s.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 || catch_signals() < 0) {
        log_line(LOGP_ERROR, "cannot watch %s: %s", o.run.in, strerror(errno));
        goto out;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* the run's summary lines, as they come */
    s.t = watch_tracker_new((double)o.run.settle);
    ensure_watch(&s);
    log_line(LOGP_INFO, "watching %s (settled after %ld s, rescanned every %ld s)", o.run.in,
             o.run.settle, o.rescan);
    serve(&s);
    log_line(LOGP_INFO, "stopped by %s; what was not done stays in %s for the next start",
             stop_signal == SIGINT ? "SIGINT" : "SIGTERM", o.run.in);
    rc = RUN_OK;
out:
    watch_tracker_free(s.t);
    render_free(s.templates);
    config_free(s.cfg);
    if (s.ino >= 0)
        close(s.ino);
    for (int i = 0; i < 2; i++)
        if (wake_fd[i] >= 0) { /* forgotten first: a late signal then writes to nothing */
            int fd = wake_fd[i];
            wake_fd[i] = -1;
            close(fd);
        }
    return rc;
}
