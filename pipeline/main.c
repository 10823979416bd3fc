/* main: the command line (DESIGN.md "Command line"). Parses options, finds the program's
 * files and configuration, and calls the run module (run.h), the watch module (watch.h), or
 * the register's (register.h, renew.h); nothing else lives here. */
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
#include "log.h"
#include "read.h"
#include "register.h"
#include "renew.h"
#include "run.h"
#include "util.h"
#include "watch.h"

#define VERSION "0.1.0"

static const char USAGE[] =
    "Usage:\n"
    "  ctsbatch run      [--in DIR] [--out DIR] [--as-of DATE] [--config FILE]\n"
    "                    [--db FILE] [--wait SECONDS] [--encoding NAME] [--settle SECONDS]\n"
    "                    [--workers 1|2] [--quiet | --verbose]\n"
    "  ctsbatch validate FILE... [--as-of DATE] [--json] [--config FILE] [--encoding NAME]\n"
    "                    [--db FILE]\n"
    "  ctsbatch watch    [--in DIR] [--out DIR] [--config FILE] [--settle SECONDS]\n"
    "                    [--rescan SECONDS] [--as-of DATE] [--db FILE] [--wait SECONDS]\n"
    "                    [--encoding NAME] [--workers 1|2] [--quiet | --verbose]\n"
    "  ctsbatch register import FILE...     [--out DIR | --db FILE] [--config FILE]\n"
    "  ctsbatch register export [--format csv|xlsx] [--to FILE] [--out DIR | --db FILE]\n"
    "  ctsbatch register confirm FILE...    [--as-of DATE] [--out DIR | --db FILE]\n"
    "  ctsbatch register withdraw SERIAL... [--as-of DATE] [--out DIR | --db FILE]\n"
    "  ctsbatch renew    --as-of DATE [--out DIR | --db FILE] [--config FILE]\n"
    "  ctsbatch COMMAND --help\n"
    "  ctsbatch --help | --version\n"
    "\n"
    "run       processes every roster in the drop folder once, then exits.\n"
    "validate  checks rosters and prints the verdicts; writes nothing, moves nothing.\n"
    "watch     stays running and processes each roster dropped into the folder.\n"
    "register  keeps the certificate register in the ledger: import, export, confirm,\n"
    "          withdraw.\n"
    "renew     the monthly renewal campaign over the register.\n"
    "\n"
    "'ctsbatch COMMAND --help' describes a command and its options.\n"
    "\n"
    "SOURCE_DATE_EPOCH, when set, dates the PDFs so that the same input gives the same bytes.\n"
    "CTSBATCH_HOME names the folder holding templates/, fonts/ and config/.\n"
    "\n"
    "Exit status:\n"
    "  0  every request accepted (and, for run, every document written); watch: stopped\n"
    "     by SIGTERM or SIGINT\n"
    "  1  some request rejected or some file unreadable (the rest was processed)\n"
    "  2  usage or configuration error: nothing was processed\n"
    "  3  run, register, renew: an operator error (template, font, output folder, ledger);\n"
    "     the rosters concerned stay in DIR and are retried by the next run\n"
    "  4  run, register, renew: another run is using the ledger; nothing was done\n";

/* What the options mean, shared by the commands' help. */
#define OPT_AS_OF                                                                                  \
    "--as-of DATE     the date (YYYY-MM-DD or DD/MM/YYYY; default today): dates the\n"             \
    "                 requests without ngay_de_nghi and the letters\n"
#define OPT_CONFIG "--config FILE    site and rule configuration (default config/ctsbatch.xml)\n"
#define OPT_ENCODING "--encoding NAME  force the CSV encoding (an iconv name, e.g. WINDOWS-1258)\n"
#define OPT_RUN                                                                                    \
    "--in DIR         the drop folder (default inputs)\n"                                          \
    "--out DIR        the output folder (default outputs)\n"                                       \
    "--db FILE        the ledger (default OUT/ctsbatch.db)\n"                                      \
    "--wait SECONDS   wait that long for another run using the ledger (default 0)\n"               \
    "--settle SECONDS a file is taken once a second look SECONDS later (default 2) finds it\n"     \
    "                 unchanged\n"                                                                 \
    "--workers N      documents rendered at once, 1 or 2 (default: 2 on two cores or more);\n"     \
    "                 the documents are the same bytes either way\n"                               \
    "--quiet          on stderr only errors and warnings; --verbose: every detail\n"

static const char RUN_HELP[] =
    "Usage: ctsbatch run [--in DIR] [--out DIR] [--as-of DATE] [--config FILE] [--db FILE]\n"
    "                    [--wait SECONDS] [--encoding NAME] [--settle SECONDS]\n"
    "                    [--workers 1|2] [--quiet | --verbose]\n"
    "\n"
    "Reads every roster (.xlsx, .ods, .xls, .csv, .txt, .xml) in DIR, checks each request,\n"
    "writes the forms and cover letters of the requests not issued before under OUT,\n"
    "records them in the ledger, then moves each roster to DIR/done/ with its result\n"
    "NAME.ketqua.csv, .xlsx and .pdf beside it, or to DIR/rejected/ with a NAME.loi.txt\n"
    "explaining why when it cannot be read. Excel lock files (~$*), hidden files and notes\n"
    "that are no roster stay where they are. A file still changing after five looks is left\n"
    "for the next run.\n"
    "\n" OPT_RUN OPT_AS_OF OPT_CONFIG OPT_ENCODING "\n"
    "Exit status: 0 every request accepted and every document written; 1 some request\n"
    "rejected or some file unreadable or held back; 2 usage or configuration error; 3 an\n"
    "operator error (the rosters concerned stay in DIR); 4 another run holds the ledger.\n";

static const char VALIDATE_HELP[] =
    "Usage: ctsbatch validate FILE... [--as-of DATE] [--json] [--config FILE]\n"
    "                         [--encoding NAME] [--db FILE]\n"
    "\n"
    "Checks each roster FILE as run would and prints the verdicts (a summary line last);\n"
    "writes nothing, moves nothing. Only regular files are read.\n"
    "\n" OPT_AS_OF "--json           one JSON object per file, as ROSTER.md describes\n"
    "--db FILE        also check the requests against that ledger's certificate register\n"
    "                 (never made: it must be there)\n" OPT_CONFIG OPT_ENCODING
    "--quiet          on stderr only errors and warnings; --verbose: every detail\n"
    "\n"
    "Exit status: 0 every request accepted; 1 some request rejected or some file\n"
    "unreadable; 2 usage or configuration error (a FILE missing or a folder).\n";

static const char WATCH_HELP[] =
    "Usage: ctsbatch watch [--in DIR] [--out DIR] [--config FILE] [--settle SECONDS]\n"
    "                      [--rescan SECONDS] [--as-of DATE] [--db FILE] [--wait SECONDS]\n"
    "                      [--encoding NAME] [--workers 1|2] [--quiet | --verbose]\n"
    "\n"
    "Stays running and processes the rosters dropped into DIR as run does, one batch at a\n"
    "time, once each has settled. It learns of them from inotify (a file closed after\n"
    "writing, or moved in) and from a look at DIR every --rescan SECONDS (default 10), which\n"
    "finds what no event announced (a network share). The ledger is locked only during a\n"
    "batch, so a `ctsbatch run` can get in between. Each batch is dated the day it runs,\n"
    "unless --as-of fixes the date. A batch that fails (an operator error, a busy ledger) is\n"
    "logged and tried again later, after a delay that doubles up to five minutes.\n"
    "\n"
    "SIGTERM, SIGINT  finish the document being made and stop within seconds; the roster in\n"
    "                 hand is not issued and stays in DIR with those not begun, for the\n"
    "                 next start\n"
    "SIGHUP           load the configuration and templates again; ones that do not load are\n"
    "                 refused and the previous ones stay in use (a template edited without\n"
    "                 SIGHUP is not used).\n"
    "\n" OPT_RUN
    "--rescan SECONDS look at DIR that often (default 10)\n" OPT_AS_OF OPT_CONFIG OPT_ENCODING "\n"
    "Exit status: 0 stopped by SIGTERM or SIGINT; 2 it could not start (usage, configuration,\n"
    "DIR not a readable and writable folder).\n";

#define OPT_LEDGER                                                                                 \
    "--out DIR        the output folder whose ledger OUT/ctsbatch.db is used (default\n"           \
    "                 outputs)\n"                                                                  \
    "--db FILE        the ledger, elsewhere than OUT/ctsbatch.db\n"                                \
    "--wait SECONDS   wait that long for another run using the ledger (default 0)\n"               \
    "--quiet          on stderr only errors and warnings; --verbose: every detail\n"

static const char REGISTER_HELP[] =
    "Usage: ctsbatch register import FILE...     [--out DIR | --db FILE] [--config FILE]\n"
    "                                            [--encoding NAME]\n"
    "       ctsbatch register export [--format csv|xlsx] [--to FILE] [--out DIR | --db FILE]\n"
    "       ctsbatch register confirm FILE...    [--as-of DATE] [--out DIR | --db FILE]\n"
    "       ctsbatch register withdraw SERIAL... [--as-of DATE] [--out DIR | --db FILE]\n"
    "\n"
    "The certificate register in the ledger (docs/register.md). import loads register files\n"
    "(any roster format: the keys of ROSTER.md plus ngay_cap and trang_thai), checked by the\n"
    "same rules and messages as rosters, and says what changed per field; the same file twice\n"
    "changes nothing. export writes the register back (default OUT/so-dang-ky.csv). confirm\n"
    "applies the provider's answers (so_hieu_cts, thu_tuc, ngay_het_han_moi, ngay_xac_nhan)\n"
    "to the pending requests. withdraw gives up the pending request of each SERIAL.\n"
    "\n" OPT_LEDGER "--format FORMAT  export as csv (default) or xlsx\n"
    "--to FILE        export to FILE instead of OUT/so-dang-ky.csv or .xlsx\n" OPT_AS_OF OPT_CONFIG
        OPT_ENCODING "\n"
    "Exit status: 0 done; 1 some row rejected; 2 usage or configuration error; 3 an operator\n"
    "error (the ledger or the output folder unwritable); 4 another run holds the ledger.\n";

static const char RENEW_HELP[] =
    "Usage: ctsbatch renew --as-of DATE [--out DIR | --db FILE] [--config FILE]\n"
    "\n"
    "The monthly renewal campaign: every active certificate of the register, never renewed,\n"
    "with no request pending, expiring from DATE + con_han_toi_thieu_ngay to before one month\n"
    "after DATE + con_han_toi_thieu_ngay + gia_han_truoc_ngay, gets its Mẫu 07 and its\n"
    "agency's Mẫu 08 through the normal pipeline, recorded as pending. OUT/chien-dich-gia-\n"
    "han/DATE/ holds the pre-filled roster (CSV, XLSX) and the report for the centre. Run\n"
    "again for the same month it prepares nothing new.\n"
    "\n" OPT_AS_OF OPT_LEDGER "--workers N      documents rendered at once, 1 or 2 (default: 2 on "
    "two cores or more)\n" OPT_CONFIG "\n"
    "Exit status: 0 done; 1 some certificate's request rejected; 2 usage or configuration\n"
    "error; 3 an operator error; 4 another run holds the ledger.\n";

enum {
    CMD_RUN = 1,
    CMD_VALIDATE = 2,
    CMD_WATCH = 4,
    CMD_REGISTER = 8,
    CMD_RENEW = 16,
    CMD_ALL = 31,
    CMD_LEDGER = CMD_RUN | CMD_WATCH | CMD_REGISTER | CMD_RENEW
};

typedef struct command {
    const char *name;
    int bit;
    const char *help;
} command;

static const command COMMANDS[] = {{"run", CMD_RUN, RUN_HELP},
                                   {"validate", CMD_VALIDATE, VALIDATE_HELP},
                                   {"watch", CMD_WATCH, WATCH_HELP},
                                   {"register", CMD_REGISTER, REGISTER_HELP},
                                   {"renew", CMD_RENEW, RENEW_HELP}};

/* register's subcommands, in the order of their index. */
static const char *const REGISTER_SUBS[] = {"import", "export", "confirm", "withdraw"};
enum { SUB_IMPORT, SUB_EXPORT, SUB_CONFIRM, SUB_WITHDRAW, NSUBS };

typedef struct options {
    run_options run;
    const char *config;
    int json;
    int as_of_given;
    long rescan;
    int help;
    int epoch_fixed;         /* SOURCE_DATE_EPOCH set */
    const char *format, *to; /* register export */
    int first;               /* argv index of the first option */
} options;

/* One line saying what is wrong, and where to read more (GNU style). */
static int usage_error(const command *cmd, const char *msg)
{
    if (cmd)
        fprintf(stderr, "ctsbatch %s: %s\nTry 'ctsbatch %s --help' for more information.\n",
                cmd->name, msg, cmd->name);
    else
        fprintf(stderr, "ctsbatch: %s\nTry 'ctsbatch --help' for more information.\n", msg);
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


/* The PDFs' date: SOURCE_DATE_EPOCH (*fixed 1), else now. */
static long long doc_epoch(int *fixed)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    long v;
    *fixed = s && str_to_long(s, &v) == 0 && v >= 0;
    return *fixed ? v : (long long)time(NULL);
}

/* The options and the commands that take them. */
typedef struct option_of {
    struct option opt;
    int commands;
} option_of;

static const option_of OPTIONS[] = {
    {{"in", required_argument, 0, 'i'}, CMD_RUN | CMD_WATCH},
    {{"out", required_argument, 0, 'o'}, CMD_LEDGER},
    {{"as-of", required_argument, 0, 'a'}, CMD_ALL},
    {{"config", required_argument, 0, 'c'}, CMD_ALL},
    {{"encoding", required_argument, 0, 'e'}, CMD_RUN | CMD_VALIDATE | CMD_WATCH | CMD_REGISTER},
    {{"settle", required_argument, 0, 's'}, CMD_RUN | CMD_WATCH},
    {{"json", no_argument, 0, 'j'}, CMD_VALIDATE},
    {{"db", required_argument, 0, 'd'}, CMD_ALL},
    {{"wait", required_argument, 0, 'w'}, CMD_LEDGER},
    {{"workers", required_argument, 0, 'k'}, CMD_RUN | CMD_WATCH | CMD_RENEW},
    {{"rescan", required_argument, 0, 'r'}, CMD_WATCH},
    {{"format", required_argument, 0, 'f'}, CMD_REGISTER},
    {{"to", required_argument, 0, 't'}, CMD_REGISTER},
    {{"quiet", no_argument, 0, 'q'}, CMD_ALL},
    {{"verbose", no_argument, 0, 'v'}, CMD_ALL},
    {{"help", no_argument, 0, 'h'}, CMD_ALL},
};
enum { NOPTIONS = sizeof OPTIONS / sizeof OPTIONS[0] };

static int seconds_arg(const command *cmd, const char *name, long *out)
{
    char msg[128];
    if (str_to_long(optarg, out) == 0 && *out >= 0)
        return 0;
    snprintf(msg, sizeof msg, "--%s takes a number of seconds, not '%.40s'", name, optarg);
    return usage_error(cmd, msg);
}

static int option_value(const command *cmd, int ch, options *o)
{
    run_options *r = &o->run;
    switch (ch) {
    case 'i':
        r->in = optarg;
        return 0;
    case 'o':
        r->out = optarg;
        return 0;
    case 'd':
        r->db = optarg;
        return 0;
    case 'c':
        o->config = optarg;
        return 0;
    case 'e':
        r->encoding = optarg;
        return 0;
    case 'j':
        o->json = 1;
        return 0;
    case 'f':
        if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "xlsx") != 0)
            return usage_error(cmd, "--format takes csv or xlsx");
        o->format = optarg;
        return 0;
    case 't':
        o->to = optarg;
        return 0;
    case 'h':
        o->help = 1;
        return 0;
    case 'a':
        o->as_of_given = 1;
        return date_parse(optarg, &r->as_of) == DATE_OK
                   ? 0
                   : usage_error(cmd, "--as-of takes a date such as 2026-11-20");
    case 's':
        return seconds_arg(cmd, "settle", &r->settle);
    case 'w':
        return seconds_arg(cmd, "wait", &r->wait);
    case 'r':
        if (seconds_arg(cmd, "rescan", &o->rescan))
            return RUN_USAGE;
        return o->rescan > 0 ? 0 : usage_error(cmd, "--rescan takes at least 1 second");
    case 'k': {
        long n;
        if (str_to_long(optarg, &n) < 0 || n < 1 || n > 2)
            return usage_error(cmd, "--workers takes 1 or 2");
        r->workers = (int)n;
        return 0;
    }
    case 'q':
        log_set_level(LOGP_WARN);
        return 0;
    case 'v':
        log_set_level(LOGP_DEBUG);
        return 0;
    }
    return usage_error(cmd, "unknown option");
}

/* Parses argv[o->first..] for cmd; getopt's own messages are off, so each mistake is said once. */
static int parse_options(int argc, char **argv, const command *cmd, options *o)
{
    struct option longs[NOPTIONS + 1];
    size_t k = 0;
    for (size_t i = 0; i < NOPTIONS; i++)
        if (OPTIONS[i].commands & cmd->bit)
            longs[k++] = OPTIONS[i].opt;
    memset(&longs[k], 0, sizeof longs[k]);
    char msg[256];
    int ch;
    optind = o->first;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        int rc = 0;
        if (ch == ':') {
            snprintf(msg, sizeof msg, "option '%.60s' needs an argument", argv[optind - 1]);
            rc = usage_error(cmd, msg);
        } else if (ch == '?') {
            if (optopt)
                snprintf(msg, sizeof msg, "unknown option '-%c'", optopt);
            else
                snprintf(msg, sizeof msg, "unknown option '%.60s'", argv[optind - 1]);
            rc = usage_error(cmd, msg);
        } else {
            rc = option_value(cmd, ch, o);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* validate's files must be there, and not folders (issue 11 item 5): a usage error with the
 * system's reason, before any is read. What else a file is (a FIFO, a link) the reader says
 * in its verdict. */
static int check_files(const command *cmd, char *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int e = lstat(files[i], &st) < 0                            ? errno
                : S_ISDIR(st.st_mode)                               ? EISDIR
                : S_ISREG(st.st_mode) && access(files[i], R_OK) < 0 ? errno
                                                                    : 0;
        if (e) {
            fprintf(stderr, "ctsbatch %s: %s: %s\n", cmd->name, files[i], strerror(e));
            return RUN_USAGE;
        }
    }
    return 0;
}

static int watch_command(options *o, const char *home)
{
    char *path = config_path(o, home);
    watch_options w = {o->run, o->as_of_given, o->epoch_fixed, path, home, o->rescan};
    int rc = watch_run(&w);
    free(path);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL, "a command is needed");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ctsbatch %s\n", VERSION);
        return 0;
    }
    const command *cmd = NULL;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            cmd = &COMMANDS[i];
    if (!cmd) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown command '%.40s'", argv[1]);
        return usage_error(NULL, msg);
    }
    int sub = -1;
    if (cmd->bit == CMD_REGISTER) {
        for (int i = 0; argc > 2 && i < NSUBS; i++)
            if (strcmp(argv[2], REGISTER_SUBS[i]) == 0)
                sub = i;
        if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            fputs(cmd->help, stdout);
            return 0;
        }
        if (sub < 0)
            return usage_error(cmd, "takes import, export, confirm or withdraw");
    }
    int epoch_fixed; /* set before the initializer reads it (its order is unspecified) */
    long long epoch = doc_epoch(&epoch_fixed);
    options o = {
        {"inputs", "outputs", NULL, NULL, NULL, date_today(), 2, 0, epoch, 0, NULL, NULL, 0, NULL, NULL},
        NULL,
        0,
        0,
        0,
        0,
        epoch_fixed,
        "csv",
        NULL,
        cmd->bit == CMD_REGISTER ? 3 : 2};
    int rc = parse_options(argc, argv, cmd, &o);
    if (rc)
        return rc;
    if (o.help) {
        fputs(cmd->help, stdout);
        return 0;
    }
    /* validate, and register but export, take FILE (or SERIAL) arguments; the others none */
    int takes_files = cmd->bit == CMD_VALIDATE || (cmd->bit == CMD_REGISTER && sub != SUB_EXPORT);
    if (!takes_files && optind < argc)
        return usage_error(cmd, cmd->bit == CMD_RUN || cmd->bit == CMD_WATCH
                                    ? "takes no FILE arguments (use --in DIR)"
                                    : "takes no FILE arguments");
    if (takes_files && optind == argc)
        return usage_error(cmd, sub == SUB_WITHDRAW ? "needs at least one SERIAL"
                                                    : "needs at least one FILE");
    if (cmd->bit == CMD_RENEW && !o.as_of_given)
        return usage_error(cmd, "needs --as-of DATE (the campaign's day)");
    if (o.run.encoding && !read_encoding_known(o.run.encoding)) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown encoding '%.60s' for --encoding ('iconv -l' lists them)",
                 o.run.encoding);
        return usage_error(cmd, msg);
    }
    if ((cmd->bit == CMD_VALIDATE ||
         (cmd->bit == CMD_REGISTER && (sub == SUB_IMPORT || sub == SUB_CONFIRM))) &&
        (rc = check_files(cmd, argv + optind, (size_t)(argc - optind))) != 0)
        return rc;
    char *home = find_home();
    char *schema = xasprintf("%s/config/roster.xsd", home);
    o.run.schema = schema;
    if (cmd->bit == CMD_WATCH) {
        rc = watch_command(&o, home);
        goto out;
    }
    config *cfg = load_config(&o, home);
    if (!cfg) {
        rc = RUN_USAGE;
        goto out;
    }
    char **args = argv + optind;
    size_t nargs = (size_t)(argc - optind);
    if (cmd->bit == CMD_RUN) {
        run_result res;
        rc = run_batch(&o.run, cfg, &res);
        run_result_release(&res);
    } else if (cmd->bit == CMD_RENEW) {
        rc = renew_campaign(&o.run, cfg, stdout, NULL);
    } else if (sub == SUB_IMPORT) {
        rc = register_import(args, nargs, &o.run, cfg, stdout);
    } else if (sub == SUB_EXPORT) {
        rc = register_export(&o.run, cfg, o.format, o.to, stdout);
    } else if (sub == SUB_CONFIRM) {
        rc = register_confirm(args, nargs, &o.run, cfg, stdout);
    } else if (sub == SUB_WITHDRAW) {
        rc = register_withdraw(args, nargs, &o.run, cfg, stdout);
    } else {
        rc = run_validate(args, nargs, &o.run, cfg, o.json, stdout);
    }
    config_free(cfg);
out:
    free(schema);
    free(home);
    return rc;
}
