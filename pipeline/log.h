/* log: the operator's messages, one line each on stderr (issue 11 item 3). On a terminal or
 * in a file each line starts "ctsbatch: "; when stderr is the journal (systemd sets
 * JOURNAL_STREAM to stderr's device:inode) it starts with the priority instead, <3> to <7>,
 * which journald shows as the line's priority. --quiet keeps errors and warnings, --verbose
 * adds the debug lines. No value of a roster's row is ever given to it. */
#ifndef CTS_LOG_H
#define CTS_LOG_H

enum {
    LOGP_ERROR = 3,  /* the operator must act: output, ledger, configuration */
    LOGP_WARN = 4,   /* a file or document the run could not use */
    LOGP_NOTICE = 5, /* worth knowing: a file left in place, a roster seen before */
    LOGP_INFO = 6,   /* what the run did: one line per roster */
    LOGP_DEBUG = 7   /* --verbose only */
};

/* Lines of priority up to max are written (LOGP_INFO unless set). */
void log_set_level(int max);
/* One line (fmt has no trailing newline). Only the main thread logs. */
void log_line(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Progress of a long run on one updated line (issue 11 item 3): only when stderr is a
 * terminal, not --quiet, not the journal. log_progress_wanted says whether it is shown;
 * log_progress rewrites the line; log_progress_end clears it. A log_line clears it first. */
int log_progress_wanted(void);
void log_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_progress_end(void);

#endif
