/* Unit tests of evtx_follow_* (tail -F): append, rotation by rename, truncation, a file that
 * appears late, resuming at an offset or at the end, and the file identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "testutil.h"

static void put(const char *path, const char *mode, const char *data)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
    assert_int_equal(fclose(f), 0);
}

/* Reads everything available now (several calls); returns it and the restart flag seen. */
static char *drain(evtx_follow *f, int *restarted)
{
    static char out[4096];
    char buf[5];
    size_t n = 0;
    long got;
    int r = 0;
    char err[256];

    *restarted = 0;
    while ((got = evtx_follow_read(f, buf, sizeof buf, &r, err, sizeof err)) != 0 || r) {
        if (got < 0)
            fail_msg("evtx_follow_read: %s", err);
        if (r)
            *restarted = 1;
        assert_true(n + (size_t)got < sizeof out);
        memcpy(out + n, buf, (size_t)got);
        n += (size_t)got;
        r = 0;
    }
    out[n] = '\0';
    return out;
}

static void paths(char *dir, size_t dlen, char *path, char *old, size_t plen, const char *tag)
{
    testutil_tmpdir(dir, dlen, tag);
    snprintf(path, plen, "%s/events.xml", dir);
    snprintf(old, plen, "%s/events.xml.1", dir);
}

static void test_append(void **state)
{
    char dir[4096], path[4200], old[4200], err[256];
    int restarted;
    (void)state;
    paths(dir, sizeof dir, path, old, sizeof path, "follow-append");
    put(path, "wb", "hello ");
    evtx_follow *f = evtx_follow_open(path, 0, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(drain(f, &restarted), "hello ");
    assert_int_equal(restarted, 0);
    assert_string_equal(drain(f, &restarted), ""); /* nothing new: returns at once */
    put(path, "ab", "world, more than one buffer");
    assert_string_equal(drain(f, &restarted), "world, more than one buffer");
    assert_int_equal(restarted, 0);
    assert_int_equal(evtx_follow_offset(f), 33);
    assert_string_not_equal(evtx_follow_identity(f), "none");
    evtx_follow_close(f);
}

static void test_resume_offset_and_end(void **state)
{
    char dir[4096], path[4200], old[4200], err[256], id[64];
    int restarted;
    (void)state;
    paths(dir, sizeof dir, path, old, sizeof path, "follow-resume");
    put(path, "wb", "0123456789");
    evtx_follow *f = evtx_follow_open(path, 4, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(evtx_follow_offset(f), 4);
    assert_string_equal(drain(f, &restarted), "456789");
    snprintf(id, sizeof id, "%s", evtx_follow_identity(f));
    evtx_follow_close(f);

    f = evtx_follow_open(path, EVTX_FOLLOW_END, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(evtx_follow_offset(f), 10);
    assert_string_equal(evtx_follow_identity(f), id); /* same file, same identity */
    assert_string_equal(drain(f, &restarted), "");
    put(path, "ab", "new");
    assert_string_equal(drain(f, &restarted), "new");
    evtx_follow_close(f);

    /* a checkpoint beyond the end belongs to another file: start over, flagged */
    f = evtx_follow_open(path, 1000, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(drain(f, &restarted), "0123456789new");
    assert_int_equal(restarted, 1);
    evtx_follow_close(f);
}

static void test_rotation(void **state)
{
    char dir[4096], path[4200], old[4200], err[256], id[64];
    int restarted;
    (void)state;
    paths(dir, sizeof dir, path, old, sizeof path, "follow-rotate");
    put(path, "wb", "one ");
    evtx_follow *f = evtx_follow_open(path, 0, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(drain(f, &restarted), "one ");
    snprintf(id, sizeof id, "%s", evtx_follow_identity(f));
    /* written just before the rotation: must not be lost */
    put(path, "ab", "two ");
    assert_int_equal(rename(path, old), 0);
    assert_string_equal(drain(f, &restarted), "two "); /* no new file yet: the old one goes on */
    assert_int_equal(restarted, 0);
    put(old, "ab", "three ");
    put(path, "wb", "fresh");
    char *got = drain(f, &restarted);
    assert_string_equal(got, "three fresh");
    assert_int_equal(restarted, 1);
    assert_int_equal(evtx_follow_offset(f), 5);
    assert_string_not_equal(evtx_follow_identity(f), id);
    put(path, "ab", "!");
    assert_string_equal(drain(f, &restarted), "!");
    assert_int_equal(restarted, 0);
    evtx_follow_close(f);
}

static void test_truncation(void **state)
{
    char dir[4096], path[4200], old[4200], err[256];
    int restarted;
    (void)state;
    paths(dir, sizeof dir, path, old, sizeof path, "follow-truncate");
    put(path, "wb", "a long first generation");
    evtx_follow *f = evtx_follow_open(path, 0, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(drain(f, &restarted), "a long first generation");
    put(path, "wb", "short"); /* truncated in place, then rewritten */
    assert_string_equal(drain(f, &restarted), "short");
    assert_int_equal(restarted, 1);
    assert_int_equal(evtx_follow_offset(f), 5);
    evtx_follow_close(f);
}

static void test_appears_late(void **state)
{
    char dir[4096], path[4200], old[4200], err[256];
    int restarted;
    (void)state;
    paths(dir, sizeof dir, path, old, sizeof path, "follow-late");
    evtx_follow *f = evtx_follow_open(path, EVTX_FOLLOW_END, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(evtx_follow_identity(f), "none");
    assert_string_equal(drain(f, &restarted), "");
    put(path, "wb", "born");
    /* everything in a file that appears after we started is new: read from 0 */
    assert_string_equal(drain(f, &restarted), "born");
    assert_int_equal(restarted, 0);
    assert_string_not_equal(evtx_follow_identity(f), "none");
    evtx_follow_close(f);

    /* a directory that does not exist is an error only when the path cannot be opened */
    snprintf(path, sizeof path, "%s/missing-dir/x.xml", dir);
    f = evtx_follow_open(path, 0, err, sizeof err);
    assert_non_null(f); /* waited for, like a missing file */
    assert_string_equal(drain(f, &restarted), "");
    evtx_follow_close(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append),       cmocka_unit_test(test_resume_offset_and_end),
        cmocka_unit_test(test_rotation),     cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_appears_late),
    };
    testutil_init();
    return testutil_run(tests);
}
