/* publish: atomic outputs and the moving aside of processed rosters (DESIGN.md "Nothing is
 * lost"). */
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* mkdir that accepts an existing folder, and only a folder. */
static int make_dir(const char *p)
{
    struct stat st;
    if (mkdir(p, 0755) == 0)
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
    char *p = xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        rc = make_dir(p);
        *s = '/';
    }
    if (rc == 0)
        rc = make_dir(p);
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

int publish_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *dir = parent_of(path);
    buf tmp;
    buf_init(&tmp, 0);
    int rc = -1, fd = -1;
    if (publish_mkdirs(dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    buf_printf(&tmp, "%s.tmp-XXXXXX", path);
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0644) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp.data, path) < 0) {
        snprintf(err, errlen, "cannot rename into %s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc < 0 && tmp.data)
        unlink(tmp.data);
    buf_release(&tmp);
    free(dir);
    return rc;
}

/* 1 when the file at path holds exactly data[0..len). */
static int same_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    const char *p = data;
    char chunk[65536];
    size_t n, at = 0;
    int same = 1;
    while (same && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        same = at + n <= len && memcmp(chunk, p + at, n) == 0;
        at += n;
    }
    fclose(f);
    return same && at == len;
}

int publish_write_new(const char *path, const void *data, size_t len, char *final, size_t finallen,
                      int *created, char *err, size_t errlen)
{
    if (created)
        *created = 0;
    char *tmp = xasprintf("%s.new", path);
    int rc = publish_write_atomic(tmp, data, len, err, errlen);
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    for (int n = 1; rc == 0 && n < 100000; n++) {
        char *name =
            n == 1 ? xstrdup(path) : xasprintf("%.*s-%d%s", (int)stem, path, n, path + stem);
        int done = 0;
        if (link(tmp, name) == 0) {
            done = 1; /* link never replaces: the name was free */
            if (created)
                *created = 1;
        } else if (errno == EEXIST && same_bytes(name, data, len)) {
            done = 1; /* already published by an earlier run */
        } else if (errno != EEXIST) {
            snprintf(err, errlen, "cannot write %s: %s", name, strerror(errno));
            rc = -1;
        }
        if (done && final)
            snprintf(final, finallen, "%s", name);
        free(name);
        if (done)
            break;
    }
    unlink(tmp);
    free(tmp);
    return rc;
}

/* dest_dir/NAME, or dest_dir/STEM.N.EXT for the first N that is free. */
static char *free_name(const char *dest_dir, const char *name)
{
    buf b;
    buf_init(&b, 0);
    const char *dot = strrchr(name, '.');
    size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    for (int n = 1; n < 100000; n++) {
        buf_reset(&b);
        if (n == 1)
            buf_printf(&b, "%s/%s", dest_dir, name);
        else
            buf_printf(&b, "%s/%.*s.%d%s", dest_dir, (int)stem, name, n, name + stem);
        struct stat st;
        if (lstat(b.data, &st) < 0 && errno == ENOENT)
            return buf_detach(&b);
    }
    buf_release(&b);
    return NULL;
}

int publish_move_input(const char *path, const char *dest_dir, const char *note, char *moved,
                       size_t movedlen, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (publish_mkdirs(dest_dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dest_dir, strerror(errno));
        return -1;
    }
    char *target = free_name(dest_dir, name);
    if (!target) {
        snprintf(err, errlen, "no free name for %s in %s", name, dest_dir);
        return -1;
    }
    /* link + unlink never replaces an existing file, unlike rename */
    int rc = link(path, target) == 0 ? unlink(path) : rename(path, target);
    if (rc < 0) {
        snprintf(err, errlen, "cannot move %s to %s: %s", path, target, strerror(errno));
        free(target);
        return -1;
    }
    if (moved)
        snprintf(moved, movedlen, "%s", target);
    if (note) {
        buf np;
        buf_init(&np, 0);
        buf_printf(&np, "%s.loi.txt", target);
        rc = publish_write_atomic(np.data, note, strlen(note), err, errlen);
        buf_release(&np);
    }
    free(target);
    return rc;
}
