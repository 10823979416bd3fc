/* main: the command line (DESIGN.md "Command line"). Parses options and calls the stages
 * read -> check -> plan -> render -> publish; nothing else lives here. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "date.h"
#include "manifest.h"
#include "plan.h"
#include "publish.h"
#include "read.h"
#include "render.h"
#include "report.h"
#include "rules.h"
#include "util.h"

#define VERSION "0.1.0"

enum { EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 3 };

static const char USAGE[] =
    "Usage:\n"
    "  ctsbatch run      [--in DIR] [--out DIR] [--as-of DATE] [--config FILE]\n"
    "                    [--encoding NAME] [--settle SECONDS]\n"
    "  ctsbatch validate FILE... [--as-of DATE] [--json] [--config FILE] [--encoding NAME]\n"
    "  ctsbatch --help | --version\n"
    "\n"
    "run       reads every roster (.csv, .txt, .xml) in DIR (default inputs/), checks each\n"
    "          request, writes the forms, cover letters and report.csv under OUT (default\n"
    "          outputs/), then moves each roster to DIR/done/, or to DIR/rejected/ with a\n"
    "          NAME.loi.txt explaining why when it cannot be read. Files changed less than\n"
    "          SECONDS ago (default 2) are left for the next run.\n"
    "validate  checks rosters and prints the verdicts; writes nothing, moves nothing.\n"
    "\n"
    "--as-of DATE     the run's date (YYYY-MM-DD or DD/MM/YYYY; default today): dates the\n"
    "                 requests without ngay_de_nghi and the letters\n"
    "--config FILE    site and rule configuration (default config/ctsbatch.xml)\n"
    "--encoding NAME  force the CSV encoding (an iconv name, e.g. WINDOWS-1258)\n"
    "--json           one JSON object per file, as ROSTER.md describes\n"
    "\n"
    "SOURCE_DATE_EPOCH, when set, dates the PDFs so that the same input gives the same bytes.\n"
    "CTSBATCH_HOME names the folder holding templates/, fonts/ and config/.\n"
    "\n"
    "Exit status:\n"
    "  0  every request accepted (and, for run, every document written)\n"
    "  1  some request rejected or some file unreadable (the rest was processed)\n"
    "  2  usage or configuration error: nothing was processed\n"
    "  3  run only: a document or the report could not be written\n";

typedef struct options {
    const char *in, *out, *config, *encoding;
    char *schema; /* HOME/config/roster.xsd */
    date as_of;
    int json;
    long settle;
} options;

static int usage_error(const char *msg)
{
    fprintf(stderr, "ctsbatch: %s\n%s", msg, USAGE);
    return EXIT_USAGE;
}

static int dir_has(const char *dir, const char *rel)
{
    char *path = xasprintf("%s/%s", dir, rel);
    struct stat st;
    int ok = stat(path, &st) == 0;
    free(path);
    return ok;
}

/* The folder holding templates/, fonts/ and config/: $CTSBATCH_HOME, else the folder of the
 * executable or one of its two parents (a checkout), else ../share/ctsbatch (installed). */
static char *find_home(void)
{
    const char *env = getenv("CTSBATCH_HOME");
    if (env && *env)
        return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return xstrdup(".");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    for (int up = 0; up < 3; up++) {
        if (dir_has(exe, "config/ctsbatch.xml") && dir_has(exe, "templates"))
            return xstrdup(exe);
        char *share = xasprintf("%s/share/ctsbatch", exe);
        if (dir_has(share, "config/ctsbatch.xml"))
            return share;
        free(share);
        if (!(slash = strrchr(exe, '/')))
            break;
        *slash = '\0';
    }
    return xstrdup(".");
}

static config *load_config(const options *o, const char *home)
{
    char err[512];
    char *path = o->config ? xstrdup(o->config) : xasprintf("%s/config/ctsbatch.xml", home);
    config *c = config_load(path, home, err, sizeof err);
    if (!c)
        fprintf(stderr, "ctsbatch: %s\n", err);
    free(path);
    return c;
}

static date today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return (date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

static long long doc_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    long v;
    if (s && str_to_long(s, &v) == 0 && v >= 0)
        return v;
    return (long long)time(NULL);
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longs[] = {
        {"in", required_argument, 0, 'i'},       {"out", required_argument, 0, 'o'},
        {"as-of", required_argument, 0, 'a'},    {"config", required_argument, 0, 'c'},
        {"encoding", required_argument, 0, 'e'}, {"settle", required_argument, 0, 's'},
        {"json", no_argument, 0, 'j'},           {0, 0, 0, 0}};
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'i':
            o->in = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'e':
            o->encoding = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'a':
            if (date_parse(optarg, &o->as_of) != DATE_OK)
                return usage_error("--as-of takes a date such as 2026-11-20");
            break;
        case 's':
            if (str_to_long(optarg, &o->settle) < 0 || o->settle < 0)
                return usage_error("--settle takes a number of seconds");
            break;
        default:
            return usage_error("unknown option");
        }
    }
    return 0;
}

/* ---- validate ---- */

static int verdict_status(roster *const *rs, size_t n, const batch *b)
{
    for (size_t i = 0; i < n; i++)
        if (rs[i]->failed)
            return EXIT_REJECTED;
    for (size_t i = 0; i < b->n; i++)
        if (!b->v[i].accepted)
            return EXIT_REJECTED;
    return 0;
}

static int cmd_validate(int argc, char **argv, const options *o, const config *cfg)
{
    size_t n = (size_t)(argc - optind);
    if (n == 0)
        return usage_error("validate needs at least one FILE");
    roster **rs = xcalloc(n, sizeof *rs);
    read_options ro = {o->encoding, o->schema};
    for (size_t i = 0; i < n; i++)
        rs[i] = read_roster(argv[optind + (int)i], &ro);
    batch *b = rules_check(rs, n, cfg, o->as_of);
    buf out;
    buf_init(&out, REPORT_MAX_BYTES);
    int cut = 0;
    for (size_t i = 0; i < n; i++) {
        if (o->json) {
            if (report_json(&out, rs[i], b) < 0) {
                fprintf(stderr, "ctsbatch: %s: verdicts larger than %zu bytes\n", rs[i]->path,
                        (size_t)REPORT_MAX_BYTES);
                cut = 1;
            }
            fputs(buf_str(&out), stdout);
            buf_reset(&out);
        } else {
            report_text(&out, rs[i], b);
            fputs(buf_str(&out), stdout);
            buf_reset(&out);
        }
    }
    buf_release(&out);
    int rc = cut ? EXIT_USAGE : verdict_status(rs, n, b);
    batch_free(b);
    for (size_t i = 0; i < n; i++)
        roster_free(rs[i]);
    free(rs);
    return rc;
}

/* ---- run ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rosters waiting in dir, sorted by name; files changed within `settle` seconds are
 * still being written and wait for the next run. */
static char **list_inputs(const char *dir, long settle, size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    struct dirent *e;
    time_t now = time(NULL);
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.' || !read_is_roster_name(e->d_name))
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (settle > 0 && now - st.st_mtime < settle) {
            fprintf(stderr, "ctsbatch: %s is still being written; left for the next run\n", path);
            free(path);
            continue;
        }
        names = xgrow(names, &cap, *n + 1, sizeof *names);
        names[(*n)++] = path;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}

enum { DOC_OK = 0, DOC_NOT_MADE = -1, DOC_NOT_WRITTEN = -2 };

/* The roster rows a document came from: "stc.csv:2; stc.csv:5". */
static char *sources_of(const doc *d)
{
    buf b;
    buf_init(&b, 0);
    for (size_t i = 0; i < d->nrows; i++) {
        const char *path = d->rows[i]->src->path, *slash = strrchr(path, '/');
        buf_printf(&b, "%s%s:%ld", i ? "; " : "", slash ? slash + 1 : path, d->rows[i]->rec->line);
    }
    return buf_detach(&b);
}

/* Records a document just published in the run's manifest. */
static void note_in_manifest(manifest *m, const doc *d, const options *o, const char *final,
                             size_t pages, const buf *pdf)
{
    char day[16];
    date_format_iso(o->as_of, day);
    size_t skip = strlen(o->out) + 1; /* the path under the output folder */
    char *sources = sources_of(d);
    int per_row = strcmp(d->kind->per, "row") == 0;
    manifest_entry e = {(char *)(strlen(final) > skip ? final + skip : final),
                        (char *)d->kind->form,
                        (char *)d->agency,
                        (char *)d->kind->folder,
                        (char *)(per_row ? d->rows[0]->ten : d->agency),
                        pages,
                        0,
                        "",
                        day,
                        sources};
    manifest_add(m, &e, pdf->data, pdf->len);
    free(sources);
}

/* Renders one document and publishes it under the output folder: a form or letter never
 * replaces an earlier one and goes into the manifest when new; the report (the run's own
 * summary) replaces the last one. DOC_NOT_MADE: its content could not be laid out (the
 * rosters were still read and go on); DOC_NOT_WRITTEN: the output folder failed, so nothing
 * may be taken out of the drop folder. */
static int write_doc(renderer *r, const doc *d, manifest *m, const options *o, long long epoch,
                     buf *pdf)
{
    char err[512], final[4096];
    size_t pages = 0;
    int created = 0;
    buf_reset(pdf);
    char *path = xasprintf("%s/%s", o->out, d->relpath);
    int rc = DOC_OK;
    if (render_doc(r, d, o->as_of, epoch, pdf, &pages, err, sizeof err) < 0)
        rc = DOC_NOT_MADE;
    else if ((m ? publish_write_new(path, pdf->data, pdf->len, final, sizeof final, &created, err,
                                    sizeof err)
                : publish_write_atomic(path, pdf->data, pdf->len, err, sizeof err)) < 0)
        rc = DOC_NOT_WRITTEN;
    if (rc < 0)
        fprintf(stderr, "ctsbatch: %s: %s\n", path, err);
    else if (m && created)
        note_in_manifest(m, d, o, final, pages, pdf);
    free(path);
    return rc;
}

static int write_docs(const plan *p, const doc *report, const config *cfg, const options *o,
                      size_t *written)
{
    char err[512];
    renderer *r = render_new(cfg, err, sizeof err);
    if (!r) {
        fprintf(stderr, "ctsbatch: %s\n", err);
        return DOC_NOT_WRITTEN;
    }
    int rc = 0; /* the worst of the documents: DOC_NOT_WRITTEN before DOC_NOT_MADE */
    long long epoch = doc_epoch();
    buf pdf;
    buf_init(&pdf, 0);
    manifest m = {0};
    for (size_t i = 0; i <= p->n; i++) {
        int d = write_doc(r, i < p->n ? &p->docs[i] : report, i < p->n ? &m : NULL, o, epoch, &pdf);
        rc = d < rc ? d : rc;
        *written += d == DOC_OK && i < p->n;
    }
    char *mpath = xasprintf("%s/manifest.csv", o->out);
    if (manifest_append(&m, mpath, err, sizeof err) < 0) {
        fprintf(stderr, "ctsbatch: %s\n", err);
        rc = DOC_NOT_WRITTEN;
    }
    free(mpath);
    manifest_release(&m);
    buf_release(&pdf);
    render_free(r);
    return rc;
}

static int move_inputs(roster *const *rs, size_t n, const char *in)
{
    char err[512];
    char *done = xasprintf("%s/done", in), *rejected = xasprintf("%s/rejected", in);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const roster *r = rs[i];
        int bad = r->failed;
        char *why = bad ? report_unreadable(r) : NULL;
        char *note = bad ? xasprintf("Không đọc được tệp %s\n", why) : NULL;
        if (publish_move_input(r->path, bad ? rejected : done, note, NULL, 0, err, sizeof err) <
            0) {
            fprintf(stderr, "ctsbatch: %s\n", err);
            rc = EXIT_OUTPUT;
        }
        free(why);
        free(note);
    }
    free(done);
    free(rejected);
    return rc;
}

static int write_report(roster *const *rs, size_t n, const batch *b, const char *out_dir)
{
    char err[512];
    buf csv;
    buf_init(&csv, REPORT_MAX_BYTES);
    char *path = xasprintf("%s/report.csv", out_dir);
    int rc = report_csv(&csv, rs, n, b);
    if (rc < 0)
        snprintf(err, sizeof err, "the report would be larger than %zu bytes; not written",
                 (size_t)REPORT_MAX_BYTES);
    else
        rc = publish_write_atomic(path, csv.data, csv.len, err, sizeof err);
    free(path);
    if (rc < 0)
        fprintf(stderr, "ctsbatch: %s\n", err);
    buf_release(&csv);
    return rc < 0 ? EXIT_OUTPUT : 0;
}

static int cmd_run(const options *o, const config *cfg)
{
    size_t n = 0, written = 0, accepted = 0;
    char **names = list_inputs(o->in, o->settle, &n);
    if (!names && n == 0 && access(o->in, R_OK) < 0) {
        fprintf(stderr, "ctsbatch: cannot read the input folder %s: %s\n", o->in, strerror(errno));
        return EXIT_USAGE;
    }
    roster **rs = xcalloc(n ? n : 1, sizeof *rs);
    read_options ro = {o->encoding, o->schema};
    for (size_t i = 0; i < n; i++)
        rs[i] = read_roster(names[i], &ro);
    batch *b = rules_check(rs, n, cfg, o->as_of);
    if (n == 0) { /* nothing dropped: the last run's report stays as it is */
        printf("ctsbatch: no roster in %s\n", o->in);
        batch_free(b);
        free(rs);
        free(names);
        return 0;
    }
    plan *p = plan_make(b, cfg);
    doc report;
    plan_report(b, rs, n, &report);
    int docs = write_docs(p, &report, cfg, o, &written);
    plan_report_release(&report);
    int rep_rc = write_report(rs, n, b, o->out);
    /* rosters leave the drop folder once read, unless an output could not be written */
    int mv_rc = docs == DOC_NOT_WRITTEN || rep_rc ? 0 : move_inputs(rs, n, o->in);
    int out_rc = docs < 0 ? EXIT_OUTPUT : 0;
    for (size_t i = 0; i < b->n; i++)
        accepted += (size_t)b->v[i].accepted;
    printf("ctsbatch: %zu file(s), %zu request(s): %zu accepted, %zu rejected; %zu document(s) "
           "in %s\n",
           n, b->n, accepted, b->n - accepted, written, o->out);
    int rc = out_rc ? out_rc : rep_rc ? rep_rc : mv_rc ? mv_rc : verdict_status(rs, n, b);
    plan_free(p);
    batch_free(b);
    for (size_t i = 0; i < n; i++) {
        roster_free(rs[i]);
        free(names[i]);
    }
    free(rs);
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("a command is needed");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ctsbatch %s\n", VERSION);
        return 0;
    }
    int is_run = strcmp(argv[1], "run") == 0;
    if (!is_run && strcmp(argv[1], "validate") != 0)
        return usage_error("unknown command");
    options o = {"inputs", "outputs", NULL, NULL, NULL, today(), 0, 2};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    if (is_run && optind < argc)
        return usage_error("run takes no FILE arguments (use --in DIR)");
    char *home = find_home();
    config *cfg = load_config(&o, home);
    if (!cfg) {
        free(home);
        return EXIT_USAGE;
    }
    o.schema = xasprintf("%s/config/roster.xsd", home);
    rc = is_run ? cmd_run(&o, cfg) : cmd_validate(argc, argv, &o, cfg);
    free(o.schema);
    config_free(cfg);
    free(home);
    return rc;
}
