/* main: the command line (DESIGN.md "Command line"). Parses options, finds the program's
 * files and configuration, and calls the run module (run.h); nothing else lives here. */
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
#include "log.h"
#include "register.h"
#include "renew.h"
#include "run.h"
#include "util.h"

#define VERSION "0.1.0"

static const char USAGE[] =
    "Usage:\n"
    "  ctsbatch run      [--in DIR] [--out DIR] [--as-of DATE] [--config FILE]\n"
    "                    [--db FILE] [--wait SECONDS] [--encoding NAME] [--settle SECONDS]\n"
    "                    [--workers 1|2] [--quiet | --verbose]\n"
    "  ctsbatch validate FILE... [--as-of DATE] [--json] [--config FILE] [--encoding NAME]\n"
    "                    [--db FILE]\n"
    "  ctsbatch register import FILE...   [--out DIR | --db FILE] [--config FILE]\n"
    "  ctsbatch register export [--format csv|xlsx] [--to FILE] [--out DIR | --db FILE]\n"
    "  ctsbatch register confirm FILE...  [--as-of DATE] [--out DIR | --db FILE]\n"
    "  ctsbatch register withdraw SERIAL... [--as-of DATE] [--out DIR | --db FILE]\n"
    "  ctsbatch renew    --as-of DATE [--out DIR | --db FILE] [--config FILE]\n"
    "  ctsbatch --help | --version\n"
    "\n"
    "run       reads every roster (.xlsx, .ods, .xls, .csv, .txt, .xml) in DIR (default\n"
    "          inputs/), checks each request, writes the forms and cover letters of the\n"
    "          requests not issued before under OUT (default outputs/), records them in the\n"
    "          ledger, then moves each roster to DIR/done/ with its result NAME.ketqua.csv,\n"
    "          .xlsx and .pdf beside it, or to DIR/rejected/ with a NAME.loi.txt explaining\n"
    "          why when it cannot be read. Excel lock files (~$*), hidden files and notes\n"
    "          that are no roster stay where they are. A file is taken once a second look,\n"
    "          SECONDS later (default 2), finds it unchanged; one still changing after five\n"
    "          looks is left for the next run.\n"
    "validate  checks rosters and prints the verdicts; writes nothing, moves nothing. With\n"
    "          --db, also against that ledger's certificate register.\n"
    "register  the certificate register in the ledger (docs/register.md): import register\n"
    "          files (checked like rosters; importing again changes only what differs),\n"
    "          export it (default OUT/so-dang-ky.csv), confirm the provider's answers to\n"
    "          pending requests, or withdraw a pending request.\n"
    "renew     the monthly renewal campaign: prepares Mẫu 07 and Mẫu 08 for every active\n"
    "          certificate that must be renewed this month, under\n"
    "          OUT/chien-dich-gia-han/DATE/ with its roster and report.\n"
    "\n"
    "--as-of DATE     the run's date (YYYY-MM-DD or DD/MM/YYYY; default today): dates the\n"
    "                 requests without ngay_de_nghi and the letters\n"
    "--config FILE    site and rule configuration (default config/ctsbatch.xml)\n"
    "--quiet          on stderr only errors and warnings; --verbose: every detail\n"
    "--db FILE        the ledger (default OUT/ctsbatch.db)\n"
    "--wait SECONDS   wait that long for another run using the ledger (default 0)\n"
    "--encoding NAME  force the CSV encoding (an iconv name, e.g. WINDOWS-1258)\n"
    "--workers N      documents rendered at once, 1 or 2 (default: 2 on two cores or more);\n"
    "                 the documents are the same bytes either way\n"
    "--json           one JSON object per file, as ROSTER.md describes\n"
    "\n"
    "SOURCE_DATE_EPOCH, when set, dates the PDFs so that the same input gives the same bytes.\n"
    "CTSBATCH_HOME names the folder holding templates/, fonts/ and config/.\n"
    "\n"
    "Exit status:\n"
    "  0  every request accepted (and, for run, every document written)\n"
    "  1  some request rejected or some file unreadable (the rest was processed)\n"
    "  2  usage or configuration error: nothing was processed\n"
    "  3  run only: an operator error (template, font, output folder, ledger); the rosters\n"
    "     concerned stay in DIR and are retried by the next run\n"
    "  4  run only: another run is using the ledger; nothing was done\n";

typedef struct options {
    run_options run;
    const char *config;
    int json;
    const char *format, *to; /* register export */
    int first;               /* argv index of the first option */
    int as_of_given;
} options;

static int usage_error(const char *msg)
{
    fprintf(stderr, "ctsbatch: %s\n%s", msg, USAGE);
    return RUN_USAGE;
}

static int dir_has(const char *dir, const char *rel)
{
    char *path = xasprintf("%s/%s", dir, rel);
    struct stat st;
    int ok = stat(path, &st) == 0;
    free(path);
    return ok;
}

/* Last resort for the home: the data folder an installed build was made for (the Makefile's
 * DATADIR, when the executable was moved away from it), else the current folder. */
static char *fallback_home(void)
{
#ifdef CTSBATCH_DATADIR
    if (dir_has(CTSBATCH_DATADIR, "config/ctsbatch.xml"))
        return xstrdup(CTSBATCH_DATADIR);
#endif
    return xstrdup(".");
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
        return fallback_home();
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
    return fallback_home();
}

/* --config, else for an installed build (no CTSBATCH_HOME) the site's CONFDIR/ctsbatch.xml
 * (/etc/ctsbatch) when there is one, else HOME/config/ctsbatch.xml, the shipped default. */
static char *config_path(const options *o, const char *home)
{
    if (o->config)
        return xstrdup(o->config);
#ifdef CTSBATCH_CONFDIR
    const char *env = getenv("CTSBATCH_HOME");
    if (!(env && *env) && dir_has(CTSBATCH_CONFDIR, "ctsbatch.xml"))
        return xstrdup(CTSBATCH_CONFDIR "/ctsbatch.xml");
#endif
    return xasprintf("%s/config/ctsbatch.xml", home);
}

static config *load_config(const options *o, const char *home)
{
    char err[512];
    char *path = config_path(o, home);
    config *c = config_load(path, home, err, sizeof err);
    if (!c)
        log_line(LOGP_ERROR, "%s", err);
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
    static const struct option longs[] = {{"in", required_argument, 0, 'i'},
                                          {"out", required_argument, 0, 'o'},
                                          {"as-of", required_argument, 0, 'a'},
                                          {"config", required_argument, 0, 'c'},
                                          {"encoding", required_argument, 0, 'e'},
                                          {"settle", required_argument, 0, 's'},
                                          {"json", no_argument, 0, 'j'},
                                          {"db", required_argument, 0, 'd'},
                                          {"wait", required_argument, 0, 'w'},
                                          {"workers", required_argument, 0, 'k'},
                                          {"quiet", no_argument, 0, 'q'},
                                          {"verbose", no_argument, 0, 'v'},
                                          {"format", required_argument, 0, 'f'},
                                          {"to", required_argument, 0, 't'},
                                          {0, 0, 0, 0}};
    run_options *r = &o->run;
    int ch;
    optind = o->first;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'i':
            r->in = optarg;
            break;
        case 'o':
            r->out = optarg;
            break;
        case 'd':
            r->db = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'e':
            r->encoding = optarg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'a':
            if (date_parse(optarg, &r->as_of) != DATE_OK)
                return usage_error("--as-of takes a date such as 2026-11-20");
            o->as_of_given = 1;
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "xlsx") != 0)
                return usage_error("--format takes csv or xlsx");
            o->format = optarg;
            break;
        case 't':
            o->to = optarg;
            break;
        case 's':
            if (str_to_long(optarg, &r->settle) < 0 || r->settle < 0)
                return usage_error("--settle takes a number of seconds");
            break;
        case 'w':
            if (str_to_long(optarg, &r->wait) < 0 || r->wait < 0)
                return usage_error("--wait takes a number of seconds");
            break;
        case 'k': {
            long n;
            if (str_to_long(optarg, &n) < 0 || n < 1 || n > 2)
                return usage_error("--workers takes 1 or 2");
            r->workers = (int)n;
            break;
        }
        case 'q':
            log_set_level(LOGP_WARN);
            break;
        case 'v':
            log_set_level(LOGP_DEBUG);
            break;
        default:
            return usage_error("unknown option");
        }
    }
    return 0;
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
    int is_run = strcmp(argv[1], "run") == 0, is_renew = strcmp(argv[1], "renew") == 0;
    int is_register = strcmp(argv[1], "register") == 0;
    if (!is_run && !is_renew && !is_register && strcmp(argv[1], "validate") != 0)
        return usage_error("unknown command");
    static const char *const subs[] = {"import", "export", "confirm", "withdraw"};
    int sub = -1;
    for (int i = 0; is_register && argc > 2 && i < 4; i++)
        if (strcmp(argv[2], subs[i]) == 0)
            sub = i;
    if (is_register && sub < 0)
        return usage_error("register takes import, export, confirm or withdraw");
    options o = {
        {"inputs", "outputs", NULL, NULL, NULL, today(), 2, 0, doc_epoch(), 0, NULL, NULL, 0},
        NULL,
        0,
        "csv",
        NULL,
        is_register ? 3 : 2,
        0};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    if ((is_run || is_renew || sub == 1) && optind < argc)
        return usage_error("this command takes no FILE arguments");
    if (!is_run && !is_renew && sub != 1 && optind == argc)
        return usage_error("this command needs at least one FILE (or SERIAL)");
    if (is_renew && !o.as_of_given)
        return usage_error("renew needs --as-of DATE (the campaign's day)");
    char *home = find_home();
    config *cfg = load_config(&o, home);
    if (!cfg) {
        free(home);
        return RUN_USAGE;
    }
    char *schema = xasprintf("%s/config/roster.xsd", home);
    o.run.schema = schema;
    char **args = argv + optind;
    size_t nargs = (size_t)(argc - optind);
    if (is_run) {
        run_result res;
        rc = run_batch(&o.run, cfg, &res);
        run_result_release(&res);
    } else if (is_renew) {
        rc = renew_campaign(&o.run, cfg, stdout, NULL);
    } else if (sub == 0) {
        rc = register_import(args, nargs, &o.run, cfg, stdout);
    } else if (sub == 1) {
        rc = register_export(&o.run, cfg, o.format, o.to, stdout);
    } else if (sub == 2) {
        rc = register_confirm(args, nargs, &o.run, cfg, stdout);
    } else if (sub == 3) {
        rc = register_withdraw(args, nargs, &o.run, cfg, stdout);
    } else {
        rc = run_validate(argv + optind, (size_t)(argc - optind), &o.run, cfg, o.json, stdout);
    }
    free(schema);
    config_free(cfg);
    free(home);
    return rc;
}
