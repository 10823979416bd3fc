/* publish: the last stage's file operations (DESIGN.md "publish"; issue 8 item 5).
 *
 * Documents are staged in OUT/.tmp/ (mode 0700) under unique names (mkstemp: O_EXCL, per
 * process), made durable once per batch (publish_sync: syncfs), and only placed under their
 * final names after the ledger has committed them; a crash at any instant is finished by the
 * next run from the ledger, and whatever else is left in OUT/.tmp/ is removed then.
 * Files are created 0640 at most (the umask applies too) and folders 0750: documents carry
 * personal data. Nothing is ever replaced unless the caller says so (reports); a processed
 * roster is moved unchanged, never deleted or overwritten.
 *
 * Every function returns 0, or -1 with an English reason in err (errlen bytes). */
#ifndef CTS_PUBLISH_H
#define CTS_PUBLISH_H

#include <stddef.h>
#include <stdio.h>

/* Creates dir and its parents (mode 0750). Returns 0 or -1 (errno set). */
int publish_mkdirs(const char *dir);

/* Writes data to a new file in OUT/.tmp/; its path goes to tmp (tmplen bytes). Not synced. */
int publish_stage(const char *out_dir, const void *data, size_t len, char *tmp, size_t tmplen,
                  char *err, size_t errlen);

/* The same as a stream, for outputs written piece by piece (the manifest): the caller
 * writes to the FILE and ends with publish_stream_close. NULL with err on failure. */
FILE *publish_stage_stream(const char *out_dir, char *tmp, size_t tmplen, char *err, size_t errlen);
/* Flushes and closes f; on any write error the staged file is removed and -1 returned. */
int publish_stream_close(FILE *f, const char *tmp, char *err, size_t errlen);

/* A second staged file with the bytes of the staged file src (a hard link where the file
 * system has them, else a copy): for a report placed under two names. */
int publish_stage_copy(const char *out_dir, const char *src, char *tmp, size_t tmplen, char *err,
                       size_t errlen);

/* Makes a staged file durable where it is: every file of the file system holding dir
 * (syncfs), once per batch rather than one fsync per file. */
int publish_sync(const char *dir, char *err, size_t errlen);

/* Gives the staged file tmp its final name path (folders created). replace = 0: never
 * replaces a file; a path that already is tmp (a rename finished before a crash) is fine.
 * replace = 1: replaces path (the run's own reports). */
int publish_place(const char *tmp, const char *path, int replace, char *err, size_t errlen);

/* Removes every file in OUT/.tmp/ (call once the ledger's staged names are placed). */
int publish_clear_staging(const char *out_dir, char *err, size_t errlen);

/* Writes data to path, creating its folder: complete or not at all, replacing an earlier
 * file of that name (a temporary .NAME.tmp-XXXXXX beside it, fsynced, renamed). For the
 * results beside the rosters, which may be on another file system than OUT. */
int publish_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* The same written piece by piece: a stream on the temporary file beside path (its name in
 * tmp), then publish_atomic_close, which flushes, fsyncs and renames it to path, or removes
 * it when anything failed. NULL with err when the file cannot be made. */
FILE *publish_atomic_open(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen);
int publish_atomic_close(FILE *f, const char *tmp, const char *path, char *err, size_t errlen);
/* Removes the temporaries publish_write_atomic may have left in dir after a crash. */
void publish_clean_dir(const char *dir);

/* The name path would get in dest_dir: NAME, or NAME.2.ext, NAME.3.ext ... for the first
 * that is free; a file there that is path itself (same inode: a move cut short) is reused.
 * The caller frees it; NULL when none is free. */
char *publish_move_target(const char *path, const char *dest_dir);
/* Moves path to target (from publish_move_target), never overwriting: link then unlink;
 * when the unlink fails the link is undone, so the roster is never in two places. */
int publish_move(const char *path, const char *target, char *err, size_t errlen);

#endif
