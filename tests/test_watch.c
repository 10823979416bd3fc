/* test_watch: when `watch` starts a batch (the tracker of watch.h) and how long it waits
 * after a failed one (watch_backoff_next). Times are given by the test, never read from a
 * clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "watch.h"

static const watch_look HALF = {100, 1000}, FULL = {200, 2000};

static double never(void)
{
    return 1e9;
}

/* A file becomes due settle seconds after it was last seen changing, not before. */
static void test_due_after_settle(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(2);
    double next = never();
    assert_int_equal(watch_tracker_due(t, 0, &next), 0);
    assert_true(next == never()); /* nothing followed: no deadline */
    assert_int_equal(watch_tracker_see(t, "a.csv", &HALF, 10), 1);
    assert_int_equal(watch_tracker_due(t, 11.9, &next), 0);
    assert_true(next == 12);
    next = never();
    assert_int_equal(watch_tracker_due(t, 12, &next), 1);
    watch_tracker_free(t);
}

/* The roster written in two halves: the second half starts the settle interval again. */
static void test_change_restarts_settling(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(2);
    double next = never();
    watch_tracker_see(t, "a.csv", &HALF, 10);
    assert_int_equal(watch_tracker_see(t, "a.csv", &HALF, 11), 0); /* unchanged */
    assert_int_equal(watch_tracker_see(t, "a.csv", &FULL, 11.5), 1);
    assert_int_equal(watch_tracker_due(t, 12.5, &next), 0); /* 2 s after the first half */
    assert_true(next == 13.5);
    next = never();
    assert_int_equal(watch_tracker_due(t, 13.5, &next), 1);
    watch_tracker_free(t);
}

/* A file the batch left where it was (a note that is no roster, a kept roster) starts no
 * new batch until it changes. */
static void test_given_file_not_due_again(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(1);
    double next = never();
    watch_tracker_see(t, "ghi-chu.txt", &HALF, 0);
    assert_int_equal(watch_tracker_due(t, 5, &next), 1);
    watch_tracker_batch_begin(t, 5);
    watch_tracker_see(t, "ghi-chu.txt", &HALF, 6); /* the look after the batch */
    watch_tracker_batch_end(t);
    next = never();
    assert_int_equal(watch_tracker_due(t, 100, &next), 0);
    assert_true(next == never());
    assert_int_equal(watch_tracker_see(t, "ghi-chu.txt", &FULL, 101), 1); /* edited */
    assert_int_equal(watch_tracker_due(t, 102, &next), 1);
    watch_tracker_free(t);
}

/* A file that came while the batch ran, or was still settling when it began, or changed
 * during it, is not taken as given: it is due on its own. */
static void test_file_during_batch_still_due(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(2);
    double next = never();
    watch_tracker_see(t, "old.csv", &HALF, 0);
    watch_tracker_see(t, "young.csv", &HALF, 9.5); /* not settled at 10 */
    watch_tracker_see(t, "changed.csv", &HALF, 0); /* settled, then changed in the batch */
    watch_tracker_batch_begin(t, 10);
    watch_tracker_see(t, "new.csv", &HALF, 11); /* came during the batch */
    watch_tracker_see(t, "changed.csv", &FULL, 11);
    watch_tracker_batch_end(t);
    assert_int_equal(watch_tracker_due(t, 11.2, &next), 0); /* old.csv is given */
    assert_true(next == 11.5); /* young.csv settles at 11.5, the others at 13 */
    next = never();
    assert_int_equal(watch_tracker_due(t, 11.5, &next), 1);
    next = never();
    watch_tracker_forget(t, "young.csv");
    assert_int_equal(watch_tracker_due(t, 12, &next), 0);
    assert_true(next == 13);
    assert_int_equal(watch_tracker_due(t, 13, &next), 1);
    watch_tracker_free(t);
}

/* A rescan forgets what is gone (moved to done/); forget does the same for one name. */
static void test_sweep_and_forget(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(0);
    watch_tracker_see(t, "a.csv", &HALF, 0);
    watch_tracker_see(t, "b.csv", &HALF, 0);
    watch_tracker_see(t, "c.csv", &HALF, 0);
    watch_tracker_mark(t);
    watch_tracker_see(t, "b.csv", &HALF, 1);
    watch_tracker_sweep(t);
    assert_int_equal(watch_tracker_count(t), 1);
    watch_tracker_forget(t, "b.csv");
    watch_tracker_forget(t, "nothing.csv");
    assert_int_equal(watch_tracker_count(t), 0);
    /* a name seen again after it went is new: due again */
    assert_int_equal(watch_tracker_see(t, "a.csv", &HALF, 2), 1);
    double next = never();
    assert_int_equal(watch_tracker_due(t, 2, &next), 1);
    watch_tracker_free(t);
}

/* WATCH_MAX_FILES followed at once; the next name is refused, a known one still seen. */
static void test_limit(void **state)
{
    (void)state;
    watch_tracker *t = watch_tracker_new(1);
    char name[32];
    for (int i = 0; i < WATCH_MAX_FILES; i++) {
        snprintf(name, sizeof name, "f%05d.csv", i);
        assert_int_equal(watch_tracker_see(t, name, &HALF, 0), 1);
    }
    assert_int_equal(watch_tracker_see(t, "one-more.csv", &HALF, 0), -1);
    assert_int_equal(watch_tracker_count(t), WATCH_MAX_FILES);
    assert_int_equal(watch_tracker_see(t, "f00007.csv", &FULL, 1), 1);
    watch_tracker_free(t);
    watch_tracker_free(NULL);
}

/* 2, 4, 8 ... seconds, never more than WATCH_BACKOFF_MAX, whatever it is given. */
static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(watch_backoff_next(0), WATCH_BACKOFF_MIN);
    assert_int_equal(watch_backoff_next(-5), WATCH_BACKOFF_MIN);
    assert_int_equal(watch_backoff_next(2), 4);
    assert_int_equal(watch_backoff_next(4), 8);
    long b = 0, steps = 0;
    while (b < WATCH_BACKOFF_MAX && steps < 100)
        b = watch_backoff_next(b), steps++;
    assert_int_equal(b, WATCH_BACKOFF_MAX);
    assert_true(steps < 12);
    assert_int_equal(watch_backoff_next(WATCH_BACKOFF_MAX), WATCH_BACKOFF_MAX);
    assert_int_equal(watch_backoff_next(WATCH_BACKOFF_MAX - 1), WATCH_BACKOFF_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_due_after_settle),
        cmocka_unit_test(test_change_restarts_settling),
        cmocka_unit_test(test_given_file_not_due_again),
        cmocka_unit_test(test_file_during_batch_still_due),
        cmocka_unit_test(test_sweep_and_forget),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
