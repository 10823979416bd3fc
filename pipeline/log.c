/* log: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int level = LOGP_INFO;
static int journal = -1; /* unknown until the first line */
static int shown;        /* a progress line is on the terminal */
static int tty = -1;     /* stderr is a terminal; asked once (the run asks per document) */

/* systemd's JOURNAL_STREAM is "device:inode" of the stream it connected: stderr is the
 * journal only when it is still that stream (not redirected since). */
static int stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
        return 0;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_set_level(int max)
{
    level = max;
}

void log_line(int prio, const char *fmt, ...)
{
    if (prio > level)
        return;
    if (journal < 0)
        journal = stderr_is_journal();
    log_progress_end();
    va_list ap;
    va_start(ap, fmt);
    if (journal)
        fprintf(stderr, "<%d>", prio);
    else
        fputs("ctsbatch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int log_progress_wanted(void)
{
    if (journal < 0)
        journal = stderr_is_journal();
    if (tty < 0)
        tty = isatty(2);
    return level >= LOGP_INFO && !journal && tty;
}

void log_progress(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("\rctsbatch: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\033[K", stderr); /* what a longer line before left */
    fflush(stderr);
    va_end(ap);
    shown = 1;
}

void log_progress_end(void)
{
    if (shown)
        fputs("\r\033[K", stderr);
    shown = 0;
}
