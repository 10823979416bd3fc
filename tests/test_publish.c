/* test_publish: unit tests of pipeline/publish.c, the last stage (STYLE.md 13): folders made
 * with their parents; an atomic write that creates its folder, replaces the old content and
 * leaves no temporary file behind, on success or failure; a processed roster moved out of the
 * drop folder unchanged and never over another file (NAME.2.ext, NAME.3.ext ...), with its
 * note written beside it as <moved name>.loi.txt. Every test works in its own mkdtemp folder
 * under /tmp and removes it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish.h"
#include "util.h"
#include "testutil.h"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = xcalloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ctsbatch-test-publish-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

/* Removes path and, for a folder (never followed through a link), everything under it. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return -1;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *child = xasprintf("%s/%s", path, e->d_name);
            int rc = remove_tree(child);
            free(child);
            if (rc < 0) {
                closedir(d);
                return -1;
            }
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    int rc = remove_tree(fx->dir);
    free(fx);
    return rc;
}

/* fx->dir joined with a relative path; the caller frees it. */
static char *at(void **state, const char *rel)
{
    fixture *fx = *state;
    return xasprintf("%s/%s", fx->dir, rel);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *want)
{
    char *got = tu_slurp(path);
    assert_string_equal(got, want);
    free(got);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The names in dir, sorted, joined by '|'. */
static char *listing(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    buf b;
    buf_init(&b, 0);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0)
            buf_printf(&b, "%s%s", b.len ? "|" : "", names[i]->d_name);
        free(names[i]);
    }
    free(names);
    return buf_detach(&b);
}

static void expect_listing(const char *dir, const char *want)
{
    char *got = listing(dir);
    assert_string_equal(got, want);
    free(got);
}

static void test_mkdirs_parents_and_existing(void **state)
{
    char *deep = at(state, "a/b/c");
    assert_int_equal(publish_mkdirs(deep), 0);
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(publish_mkdirs(deep), 0); /* already there: fine */
    char *slash = at(state, "a/b/d/");
    assert_int_equal(publish_mkdirs(slash), 0); /* a trailing slash is fine too */
    assert_int_equal(stat(slash, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    free(deep);
    free(slash);
}

static void test_mkdirs_refuses_a_file_in_the_way(void **state)
{
    char *file = at(state, "plain");
    write_file(file, "x");
    char *under = at(state, "plain/sub");
    errno = 0;
    assert_int_equal(publish_mkdirs(under), -1);
    assert_int_equal(errno, ENOTDIR);
    /* the folder itself exists, but as a file: no folder was made, so it is a failure */
    assert_int_equal(publish_mkdirs(file), -1);
    expect_content(file, "x");
    free(file);
    free(under);
}

static void test_write_atomic_creates_folder_and_content(void **state)
{
    char *path = at(state, "out/Sở Tài chính/01-to-trinh.pdf");
    char err[256] = "";
    assert_int_equal(publish_write_atomic(path, "%PDF-1.7\n", 9, err, sizeof err), 0);
    expect_content(path, "%PDF-1.7\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *dir = at(state, "out/Sở Tài chính");
    expect_listing(dir, "01-to-trinh.pdf");
    free(dir);
    free(path);
}

static void test_write_atomic_replaces_and_leaves_no_temp(void **state)
{
    char *dir = at(state, "out");
    char *path = at(state, "out/bao-cao.json");
    char err[256] = "";
    assert_int_equal(publish_mkdirs(dir), 0);
    write_file(path, "old content that is longer than the new one\n");
    assert_int_equal(publish_write_atomic(path, "new\n", 4, err, sizeof err), 0);
    expect_content(path, "new\n");
    assert_int_equal(publish_write_atomic(path, "", 0, err, sizeof err), 0); /* empty is fine */
    expect_content(path, "");
    const char binary[] = "a\0b";
    assert_int_equal(publish_write_atomic(path, binary, 3, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 3);
    expect_listing(dir, "bao-cao.json");
    free(dir);
    free(path);
}

/* A document is never replaced: the same bytes again are a rerun (nothing new), other bytes
 * go beside it as NAME-2.pdf, NAME-3.pdf. */
static void test_write_new_never_replaces(void **state)
{
    char *dir = at(state, "out");
    char *path = at(state, "out/Mau01-nguyen-van-an.pdf");
    char final[512] = "", err[256] = "";
    assert_int_equal(publish_mkdirs(dir), 0);
    assert_int_equal(publish_write_new(path, "first", 5, final, sizeof final, NULL, err, sizeof err), 0);
    assert_string_equal(final, path);
    assert_int_equal(publish_write_new(path, "first", 5, final, sizeof final, NULL, err, sizeof err), 0);
    assert_string_equal(final, path); /* a rerun: nothing new */
    expect_listing(dir, "Mau01-nguyen-van-an.pdf");
    assert_int_equal(publish_write_new(path, "second", 6, final, sizeof final, NULL, err, sizeof err), 0);
    expect_content(path, "first");
    char *second = at(state, "out/Mau01-nguyen-van-an-2.pdf");
    assert_string_equal(final, second);
    expect_content(second, "second");
    assert_int_equal(publish_write_new(path, "third", 5, final, sizeof final, NULL, err, sizeof err), 0);
    char *third = at(state, "out/Mau01-nguyen-van-an-3.pdf");
    expect_content(third, "third");
    expect_content(second, "second");
    free(second);
    free(third);
    free(dir);
    free(path);
}

static void test_write_atomic_failure_cleans_up(void **state)
{
    fixture *fx = *state;
    /* the target is a folder: the rename fails and the temporary file must go */
    char *target = at(state, "taken");
    assert_int_equal(publish_mkdirs(target), 0);
    char err[256] = "";
    assert_int_equal(publish_write_atomic(target, "data", 4, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, target));
    expect_listing(fx->dir, "taken");
    expect_listing(target, "");

    /* the folder cannot be made: a file stands where it should be */
    char *file = at(state, "file");
    write_file(file, "keep");
    char *under = at(state, "file/x.pdf");
    err[0] = '\0';
    assert_int_equal(publish_write_atomic(under, "data", 4, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    expect_content(file, "keep");
    expect_listing(fx->dir, "file|taken");
    free(target);
    free(file);
    free(under);
}

static void test_move_input_keeps_name_and_bytes(void **state)
{
    char *in = at(state, "inputs");
    char *done = at(state, "inputs/da-xu-ly");
    char *src = at(state, "inputs/stc.csv");
    assert_int_equal(publish_mkdirs(in), 0);
    write_file(src, "ho_ten\nNguyễn Văn An\n");
    char moved[512] = "", err[256] = "";
    assert_int_equal(publish_move_input(src, done, NULL, moved, sizeof moved, err, sizeof err), 0);
    char *want = at(state, "inputs/da-xu-ly/stc.csv");
    assert_string_equal(moved, want);
    assert_false(exists(src));
    expect_content(want, "ho_ten\nNguyễn Văn An\n");
    expect_listing(done, "stc.csv"); /* no note asked for, none written */
    expect_listing(in, "da-xu-ly");
    free(in);
    free(done);
    free(src);
    free(want);
}

static void test_move_input_never_overwrites(void **state)
{
    char *done = at(state, "done");
    char *src = at(state, "stc.csv");
    char moved[512] = "", err[256] = "";
    const char *contents[] = {"first\n", "second\n", "third\n"};
    const char *names[] = {"done/stc.csv", "done/stc.2.csv", "done/stc.3.csv"};
    for (int i = 0; i < 3; i++) {
        write_file(src, contents[i]);
        assert_int_equal(publish_move_input(src, done, NULL, moved, sizeof moved, err, sizeof err),
                         0);
        char *want = at(state, names[i]);
        assert_string_equal(moved, want);
        assert_false(exists(src));
        free(want);
    }
    for (int i = 0; i < 3; i++) {
        char *p = at(state, names[i]);
        expect_content(p, contents[i]); /* each earlier file untouched */
        free(p);
    }
    expect_listing(done, "stc.2.csv|stc.3.csv|stc.csv");
    free(done);
    free(src);
}

static void test_move_input_name_shapes(void **state)
{
    char *done = at(state, "done");
    char moved[512] = "", err[256] = "";
    const struct {
        const char *name, *second;
    } cases[] = {
        {"README", "README.2"},   /* no extension */
        {"a.b.csv", "a.b.2.csv"}, /* the last dot only */
        {".hidden", ".hidden.2"}, /* a leading dot is no extension */
        {"Danh sách.XML", "Danh sách.2.XML"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int round = 0; round < 2; round++) {
            char *src = at(state, cases[i].name);
            write_file(src, cases[i].name);
            assert_int_equal(
                publish_move_input(src, done, NULL, moved, sizeof moved, err, sizeof err), 0);
            char *want = xasprintf("%s/%s", done, round ? cases[i].second : cases[i].name);
            assert_string_equal(moved, want);
            expect_content(want, cases[i].name);
            free(want);
            free(src);
        }
    }
    free(done);
}

static void test_move_input_writes_note_beside(void **state)
{
    char *done = at(state, "loi");
    char *src = at(state, "bad.csv");
    char moved[512] = "", err[256] = "";
    const char *note = "Tệp XML không đúng cú pháp ở dòng 5.\n";
    write_file(src, "one");
    assert_int_equal(publish_move_input(src, done, note, moved, sizeof moved, err, sizeof err), 0);
    write_file(src, "two");
    assert_int_equal(publish_move_input(src, done, "khác", NULL, 0, err, sizeof err), 0);
    char *n1 = at(state, "loi/bad.csv.loi.txt");
    char *n2 = at(state, "loi/bad.2.csv.loi.txt");
    expect_content(n1, note);
    expect_content(n2, "khác");
    char *f2 = at(state, "loi/bad.2.csv");
    expect_content(f2, "two");
    expect_listing(done, "bad.2.csv|bad.2.csv.loi.txt|bad.csv|bad.csv.loi.txt");
    free(done);
    free(src);
    free(n1);
    free(n2);
    free(f2);
}

static void test_move_input_missing_source_fails(void **state)
{
    char *done = at(state, "done");
    char *src = at(state, "nowhere.csv");
    char moved[512] = "unchanged", err[256] = "";
    assert_int_equal(publish_move_input(src, done, "note", moved, sizeof moved, err, sizeof err),
                     -1);
    assert_true(strlen(err) > 0);
    assert_string_equal(moved, "unchanged");
    expect_listing(done, ""); /* neither a file nor a note */
    free(done);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mkdirs_parents_and_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdirs_refuses_a_file_in_the_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_creates_folder_and_content, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_replaces_and_leaves_no_temp, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_new_never_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_failure_cleans_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_keeps_name_and_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_never_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_name_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_writes_note_beside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_missing_source_fails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
