/* test_publish: unit tests of pipeline/publish.c, the last stage (STYLE.md 13): folders made
 * with their parents; an atomic write that creates its folder, replaces the old content and
 * leaves no temporary file behind, on success or failure; documents staged in OUT/.tmp and
 * placed without replacing; a processed roster moved out of the drop folder unchanged and
 * never over another file (NAME.2.ext, NAME.3.ext ...), a move cut short finished. Every test works in its own mkdtemp folder
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

static int teardown(void **state)
{
    fixture *fx = *state;
    int rc = tu_remove_tree(fx->dir);
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
    mode_t old = umask(022);
    assert_int_equal(publish_write_atomic(path, "%PDF-1.7\n", 9, err, sizeof err), 0);
    umask(old);
    expect_content(path, "%PDF-1.7\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* personal data: never world-readable */
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

/* A document is staged in OUT/.tmp (created 0640 at most, the umask applied), then placed
 * under its final name, which it never takes from another file. */
static void test_stage_then_place_never_replaces(void **state)
{
    fixture *fx = *state;
    char *out = at(state, "out");
    char *path = at(state, "out/stc/Mau01-nguyen-van-an.pdf");
    char tmp[512] = "", tmp2[512] = "", err[256] = "";
    mode_t old = umask(027);
    assert_int_equal(publish_stage(out, "first", 5, tmp, sizeof tmp, err, sizeof err), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(tmp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    char *staging = at(state, "out/.tmp");
    assert_int_equal(stat(staging, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700); /* personal data: nobody else looks in */
    assert_int_equal(publish_place(tmp, path, 0, err, sizeof err), 0);
    expect_content(path, "first");
    assert_false(exists(tmp));
    /* another document for the same name is refused; the first stays */
    assert_int_equal(publish_stage(out, "second", 6, tmp2, sizeof tmp2, err, sizeof err), 0);
    assert_int_equal(publish_place(tmp2, path, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists"));
    expect_content(path, "first");
    /* a report is replaced when asked */
    assert_int_equal(publish_place(tmp2, path, 1, err, sizeof err), 0);
    expect_content(path, "second");
    expect_listing(staging, "");
    (void)fx;
    free(staging);
    free(out);
    free(path);
}

/* A crash between link() and unlink() of a placement: placing again finishes it. */
static void test_place_finishes_an_interrupted_placement(void **state)
{
    char *out = at(state, "out");
    char *path = at(state, "out/Mau02-so.pdf");
    char tmp[512] = "", err[256] = "";
    assert_int_equal(publish_stage(out, "letter", 6, tmp, sizeof tmp, err, sizeof err), 0);
    assert_int_equal(link(tmp, path), 0);
    assert_int_equal(publish_place(tmp, path, 0, err, sizeof err), 0);
    assert_false(exists(tmp));
    expect_content(path, "letter");
    free(out);
    free(path);
}

/* What a crash leaves in OUT/.tmp is removed; a stream is staged whole or not at all. */
static void test_staging_cleared_and_streams(void **state)
{
    char *out = at(state, "out");
    char *staging = at(state, "out/.tmp");
    char tmp[512] = "", err[256] = "";
    for (int i = 0; i < 3; i++)
        assert_int_equal(publish_stage(out, "x", 1, tmp, sizeof tmp, err, sizeof err), 0);
    FILE *f = publish_stage_stream(out, tmp, sizeof tmp, err, sizeof err);
    assert_non_null(f);
    fputs("manifest", f);
    assert_int_equal(publish_stream_close(f, tmp, err, sizeof err), 0);
    expect_content(tmp, "manifest");
    assert_int_equal(publish_sync(out, err, sizeof err), 0);
    assert_int_equal(publish_clear_staging(out, err, sizeof err), 0);
    expect_listing(staging, "");
    free(out);
    free(staging);
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

/* Moves src into dest, as the run does: the first free name, never over another file. */
static int move_input(const char *src, const char *dest, char *moved, size_t movedlen, char *err,
                      size_t errlen)
{
    char *target = publish_move_target(src, dest);
    assert_non_null(target);
    int rc = publish_move(src, target, err, errlen);
    if (rc == 0 && moved)
        snprintf(moved, movedlen, "%s", target);
    free(target);
    return rc;
}

static void test_move_input_keeps_name_and_bytes(void **state)
{
    char *in = at(state, "inputs");
    char *done = at(state, "inputs/da-xu-ly");
    char *src = at(state, "inputs/stc.csv");
    assert_int_equal(publish_mkdirs(in), 0);
    write_file(src, "ho_ten\nNguyễn Văn An\n");
    char moved[512] = "", err[256] = "";
    assert_int_equal(move_input(src, done, moved, sizeof moved, err, sizeof err), 0);
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
        assert_int_equal(move_input(src, done, moved, sizeof moved, err, sizeof err),
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
                move_input(src, done, moved, sizeof moved, err, sizeof err), 0);
            char *want = xasprintf("%s/%s", done, round ? cases[i].second : cases[i].name);
            assert_string_equal(moved, want);
            expect_content(want, cases[i].name);
            free(want);
            free(src);
        }
    }
    free(done);
}

/* A move cut short after the link: the roster is in done/ once, not as NAME.2. */
static void test_move_input_finishes_an_interrupted_move(void **state)
{
    char *done = at(state, "done");
    char *src = at(state, "stc.csv");
    char *there = at(state, "done/stc.csv");
    char moved[512] = "", err[256] = "";
    write_file(src, "rows");
    assert_int_equal(publish_mkdirs(done), 0);
    assert_int_equal(link(src, there), 0);
    assert_int_equal(move_input(src, done, moved, sizeof moved, err, sizeof err), 0);
    assert_string_equal(moved, there);
    assert_false(exists(src));
    expect_listing(done, "stc.csv");
    free(done);
    free(src);
    free(there);
}

static void test_move_input_missing_source_fails(void **state)
{
    char *done = at(state, "done");
    char *src = at(state, "nowhere.csv");
    char moved[512] = "unchanged", err[256] = "";
    assert_int_equal(move_input(src, done, moved, sizeof moved, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
    assert_string_equal(moved, "unchanged");
    expect_listing(done, "");
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
        cmocka_unit_test_setup_teardown(test_stage_then_place_never_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_place_finishes_an_interrupted_placement, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_staging_cleared_and_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_failure_cleans_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_keeps_name_and_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_never_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_name_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_input_finishes_an_interrupted_move, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_move_input_missing_source_fails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
