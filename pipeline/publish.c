/* publish: staging, durability, final names and the moving of processed rosters (publish.h;
 * DESIGN.md "Nothing is lost", issue 8 item 5). */
#define _GNU_SOURCE /* syncfs */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "util.h"

#define STAGING ".tmp"
#define FILE_MODE 0640
#define DIR_MODE 0750

/* mkdir that accepts an existing folder, and only a folder. */
static int make_dir(const char *p, mode_t mode)
{
    struct stat st;
    if (fault_op("mkdir") < 0)
        return -1;
    if (mkdir(p, mode) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    errno = ENOTDIR;
    return -1;
}

int publish_mkdirs(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0; /* the usual case: one call, not one per component */
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        rc = make_dir(p, DIR_MODE);
        *s = '/';
    }
    if (rc == 0)
        rc = make_dir(p, DIR_MODE);
    free(p);
    return rc;
}

static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

static int write_all(int fd, const char *p, size_t n)
{
    if (fault_op("write") < 0)
        return -1;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The process's umask, without changing it for long. */
static mode_t current_umask(void)
{
    mode_t m = umask(077);
    umask(m);
    return m;
}

/* A new unique file from a mkstemp template (modified in place), mode 0640 less the umask.
 * Returns the descriptor or -1. */
static int create_unique(char *tmpl)
{
    if (fault_op("create") < 0)
        return -1;
    int fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fchmod(fd, FILE_MODE & ~current_umask()) < 0) {
        int e = errno;
        close(fd);
        unlink(tmpl);
        errno = e;
        return -1;
    }
    return fd;
}

/* The staging folder's mkstemp template. The folder is made when a file cannot be created
 * for want of it, not looked for before every file. */
static char *staging_template(const char *out_dir)
{
    return xasprintf("%s/" STAGING "/%ld-XXXXXX", out_dir, (long)getpid());
}

static int make_staging(const char *out_dir, char *err, size_t errlen)
{
    char *dir = xasprintf("%s/" STAGING, out_dir);
    int rc = publish_mkdirs(out_dir) < 0 || make_dir(dir, 0700) < 0 ? -1 : 0;
    if (rc < 0)
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    free(dir);
    return rc;
}

/* A new file in the staging folder (its name in tmpl), made first when missing. */
static int create_staged(const char *out_dir, char *tmpl, char *err, size_t errlen)
{
    size_t n = strlen(tmpl);
    int fd = create_unique(tmpl);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    if (make_staging(out_dir, err, errlen) < 0)
        return -2;
    memcpy(tmpl + n - 6, "XXXXXX", 6); /* mkstemp leaves the template undefined on failure */
    return create_unique(tmpl);
}

int publish_stage(const char *out_dir, const void *data, size_t len, char *tmp, size_t tmplen,
                  char *err, size_t errlen)
{
    char *tmpl = staging_template(out_dir);
    int fd = create_staged(out_dir, tmpl, err, errlen), rc = -1;
    if (fd == -1) {
        snprintf(err, errlen, "cannot create a file in %s/" STAGING ": %s", out_dir,
                 strerror(errno));
    } else if (fd < 0) {
        /* err says which folder could not be made */
    } else if (write_all(fd, data, len) < 0 || close(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmpl, strerror(errno));
        unlink(tmpl);
    } else {
        snprintf(tmp, tmplen, "%s", tmpl);
        rc = 0;
    }
    if (rc < 0 && fd >= 0)
        close(fd); /* harmless EBADF after a failed close */
    free(tmpl);
    return rc;
}

/* A stream on a new unique file made from the mkstemp template tmpl (its name to tmp), or
 * NULL with err naming dir. */
static FILE *open_unique_stream(char *tmpl, const char *dir, char *tmp, size_t tmplen, char *err,
                                size_t errlen)
{
    int fd = create_unique(tmpl);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmpl);
        }
        return NULL;
    }
    snprintf(tmp, tmplen, "%s", tmpl);
    return f;
}

FILE *publish_stage_stream(const char *out_dir, char *tmp, size_t tmplen, char *err, size_t errlen)
{
    if (make_staging(out_dir, err, errlen) < 0)
        return NULL;
    char *tmpl = staging_template(out_dir);
    char *dir = xasprintf("%s/" STAGING, out_dir);
    FILE *f = open_unique_stream(tmpl, dir, tmp, tmplen, err, errlen);
    free(dir);
    free(tmpl);
    return f;
}

/* Flushes (and with sync, fsyncs) and closes f: 0, or the errno of the first failure. */
static int close_stream(FILE *f, int sync)
{
    int e = 0;
    if (fflush(f) != 0 || ferror(f) || fault_op("write") < 0 || (sync && fsync(fileno(f)) < 0))
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

int publish_stream_close(FILE *f, const char *tmp, char *err, size_t errlen)
{
    int e = close_stream(f, 0);
    if (!e)
        return 0;
    snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
    unlink(tmp);
    return -1;
}

int publish_stage_copy(const char *out_dir, const char *src, char *tmp, size_t tmplen, char *err,
                       size_t errlen)
{
    snprintf(tmp, tmplen, "%s.copy", src);
    if (fault_op("link") == 0 && link(src, tmp) == 0)
        return 0;
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    FILE *in = fopen(src, "rb");
    if (!in) {
        snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
        return -1;
    }
    FILE *out = publish_stage_stream(out_dir, tmp, tmplen, err, errlen);
    if (!out) {
        fclose(in);
        return -1;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        fwrite(chunk, 1, n, out);
    int bad = ferror(in);
    fclose(in);
    if (bad) {
        snprintf(err, errlen, "cannot read %s", src);
        fclose(out);
        unlink(tmp);
        return -1;
    }
    return publish_stream_close(out, tmp, err, errlen);
}

int publish_sync(const char *dir, char *err, size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fault_op("sync") == 0 && syncfs(fd) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(err, errlen, "cannot make %s durable: %s", dir, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Gives `from` the name `to` unless `to` is taken: one rename that never replaces where the
 * file system has one (Linux renameat2 RENAME_NOREPLACE: ext4, xfs, btrfs, tmpfs), else a
 * link (from stays). 1 when renamed (from is gone), 0 when linked, -1 with errno (EEXIST
 * when `to` is taken). */
static int link_or_rename(const char *from, const char *to)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 1;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP && errno != EOPNOTSUPP)
        return -1;
    return link(from, to) == 0 ? 0 : -1;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int publish_place(const char *tmp, const char *path, int replace, char *err, size_t errlen)
{
    char *dir = parent_of(path);
    int rc = -1;
    if (publish_mkdirs(dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    if (fault_op("rename") < 0) {
        snprintf(err, errlen, "cannot rename into %s: %s", path, strerror(errno));
        goto out;
    }
    if (replace) {
        rc = rename(tmp, path);
    } else if ((rc = link_or_rename(tmp, path)) == 1) {
        rc = 0; /* renamed: nothing left behind */
    } else if (rc == 0 || (errno == EEXIST && same_file(tmp, path))) {
        rc = unlink(tmp); /* never replaces: the name was free (or already this file) */
    } else if (errno == EEXIST) {
        snprintf(err, errlen, "%s exists already; it is not replaced", path);
        goto out;
    }
    if (rc < 0)
        snprintf(err, errlen, "cannot rename into %s: %s", path, strerror(errno));
out:
    free(dir);
    return rc;
}

int publish_clear_staging(const char *out_dir, char *err, size_t errlen)
{
    char *dir = xasprintf("%s/" STAGING, out_dir);
    DIR *d = opendir(dir);
    int rc = 0;
    if (!d) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc < 0)
            snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s/%s: %s", dir, e->d_name, strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    free(dir);
    return rc;
}

int publish_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *dir = parent_of(path);
    const char *slash = strrchr(path, '/');
    char *tmp = xasprintf("%s/.%s.tmp-XXXXXX", dir, slash ? slash + 1 : path);
    int rc = -1, fd = -1;
    if (publish_mkdirs(dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    fd = create_unique(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        goto out;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    int c = close(fd);
    fd = -1;
    if (c < 0 || fault_op("rename") < 0 || rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    free(dir);
    return rc;
}

FILE *publish_atomic_open(const char *path, char *tmp, size_t tmplen, char *err, size_t errlen)
{
    char *dir = parent_of(path);
    const char *slash = strrchr(path, '/');
    char *tmpl = xasprintf("%s/.%s.tmp-XXXXXX", dir, slash ? slash + 1 : path);
    FILE *f = NULL;
    if (publish_mkdirs(dir) < 0)
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    else
        f = open_unique_stream(tmpl, dir, tmp, tmplen, err, errlen);
    free(tmpl);
    free(dir);
    return f;
}

int publish_atomic_close(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
    int e = close_stream(f, 1);
    if (!e && (fault_op("rename") < 0 || rename(tmp, path) < 0))
        e = errno;
    if (!e)
        return 0;
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
    unlink(tmp);
    return -1;
}

/* ".NAME.tmp-XXXXXX", the shape publish_write_atomic gives its temporaries. */
static int is_our_temp(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    return name[0] == '.' && t && strlen(t) == 11;
}

void publish_clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (is_our_temp(e->d_name))
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

char *publish_move_target(const char *path, const char *dest_dir)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    buf b;
    buf_init(&b, 0);
    for (int n = 1; n < 100000; n++) {
        buf_reset(&b);
        if (n == 1)
            buf_printf(&b, "%s/%s", dest_dir, name);
        else
            buf_printf(&b, "%s/%.*s.%d%s", dest_dir, (int)stem, name, n, name + stem);
        struct stat st;
        if ((lstat(b.data, &st) < 0 && errno == ENOENT) || same_file(path, b.data))
            return buf_detach(&b);
    }
    buf_release(&b);
    return NULL;
}

int publish_move(const char *path, const char *target, char *err, size_t errlen)
{
    char *dir = parent_of(target);
    int rc = -1;
    if (publish_mkdirs(dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    int moved = fault_op("link") < 0 ? -1 : link_or_rename(path, target);
    if (moved < 0 && !(errno == EEXIST && same_file(path, target))) {
        snprintf(err, errlen, "cannot move %s to %s: %s", path, target, strerror(errno));
        goto out;
    }
    if (moved != 1 && (fault_op("unlink") < 0 || unlink(path) < 0)) {
        int e = errno;
        unlink(target); /* never in two places */
        snprintf(err, errlen, "cannot move %s out of its folder: %s", path, strerror(e));
        goto out;
    }
    rc = 0;
out:
    free(dir);
    return rc;
}
