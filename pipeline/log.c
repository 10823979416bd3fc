/* log: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int level = LOGP_INFO;
static int journal = -1; /* unknown until the first line */

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
