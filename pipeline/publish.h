/* publish: the last stage. Writes outputs atomically (STYLE.md 13: a temporary name in the
 * same folder, flushed, then renamed; a failure removes the temporary file) and moves a
 * processed roster, unchanged, out of the drop folder (never deleting or overwriting). */
#ifndef CTS_PUBLISH_H
#define CTS_PUBLISH_H

#include <stddef.h>

/* Creates dir and its parents (mode 0755). Returns 0 or -1 (errno set). */
int publish_mkdirs(const char *dir);

/* Writes data to path, creating its folder: complete or not at all. Returns 0, or -1 with
 * an English reason in err. */
int publish_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* Writes data as a new document at path, never replacing an earlier one (DESIGN.md: nothing
 * is lost): when path exists with the same bytes, nothing is written (a rerun, *created = 0);
 * with other bytes, the data goes to NAME-2.ext, NAME-3.ext ... The name used goes to final
 * (may be NULL), whether a file was made to *created (may be NULL). Returns 0, or -1 with an
 * English reason in err. */
int publish_write_new(const char *path, const void *data, size_t len, char *final, size_t finallen,
                      int *created, char *err, size_t errlen);

/* Moves path into dest_dir (created), keeping its name, or NAME.2.ext, NAME.3.ext ... when
 * that name is taken: nothing is ever overwritten. When note is not NULL it is written
 * beside the moved file as <moved name>.loi.txt. The moved path goes to moved (may be
 * NULL). Returns 0 or -1 with a reason in err. */
int publish_move_input(const char *path, const char *dest_dir, const char *note, char *moved,
                       size_t movedlen, char *err, size_t errlen);

#endif
