/* fault: test-build failure injection (fault.h). */
#include "fault.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "util.h"

#ifdef CTS_FAULT_HOOKS
static long env_long(const char *name)
{
    long v;
    const char *s = getenv(name);
    return s && str_to_long(s, &v) == 0 ? v : 0;
}

int fault_op(const char *what)
{
    static long count;
    count++;
    long slow = env_long("CTSBATCH_FAULT_SLOW_MS");
    if (slow > 0 && strcmp(what, "create") == 0) {
        struct timespec ts = {slow / 1000, (slow % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (count == env_long("CTSBATCH_FAULT_KILL_AT"))
        raise(SIGKILL);
    if (count == env_long("CTSBATCH_FAULT_FAIL_AT")) {
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

void fault_roster(const char *name)
{
    const char *s = getenv("CTSBATCH_FAULT_CRASH_IN");
    if (s && *s && strstr(name, s))
        raise(SIGSEGV);
}

void fault_today(date *today)
{
    const char *path = getenv("CTSBATCH_FAULT_TODAY");
    FILE *f = path && *path ? fopen(path, "r") : NULL;
    char line[64];
    date d;
    if (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (date_parse(line, &d) == DATE_OK)
            *today = d;
    }
    if (f)
        fclose(f);
}
#else
int fault_op(const char *what)
{
    (void)what;
    return 0;
}

void fault_roster(const char *name)
{
    (void)name;
}

void fault_today(date *today)
{
    (void)today;
}
#endif
