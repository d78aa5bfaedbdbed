/* test_instance_lock.c - one state_dir, one process: a second acquire is refused with the holder's
 * pid and the directory, probe tells held / not held, release and the death of the holder (SIGKILL)
 * free the lock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#ifndef _WIN32
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "svc/base/instance_lock.h"
#include "testutil.h"

static void second_acquire_refused_then_released(void **state)
{
    char dir[512], err[512], want[700];
    instance_lock *a = NULL, *b = NULL;
    long pid = -1;

    (void)state;
    testutil_tmpdir(dir, sizeof dir, "ilock");
    assert_int_equal(instance_lock_probe(dir, &pid, err, sizeof err), 0); /* no lock file yet */
    assert_int_equal(pid, 0);
    assert_int_equal(instance_lock_acquire(dir, &a, err, sizeof err), 0);
    assert_non_null(a);
    assert_int_equal(instance_lock_probe(dir, &pid, err, sizeof err), 1);
#ifndef _WIN32
    assert_int_equal(pid, (long)getpid());
    snprintf(want, sizeof want, "another decoysvc (pid %ld) is running on state_dir %s", (long)getpid(), dir);
#else
    assert_true(pid > 0);
    snprintf(want, sizeof want, "is running on state_dir %s", dir);
#endif
    err[0] = '\0';
    assert_int_equal(instance_lock_acquire(dir, &b, err, sizeof err), -1);
    assert_null(b);
    assert_non_null(strstr(err, want));
    instance_lock_release(a);
    assert_int_equal(instance_lock_probe(dir, &pid, err, sizeof err), 0);
    assert_int_equal(instance_lock_acquire(dir, &b, err, sizeof err), 0);
    instance_lock_release(b);
    instance_lock_release(NULL);
}

static void probe_of_missing_dir_is_not_held(void **state)
{
    char err[256];
    long pid = -1;

    (void)state;
    assert_int_equal(instance_lock_probe("/nonexistent/addecoy-state", &pid, err, sizeof err), 0);
    assert_int_equal(pid, 0);
}

#ifndef _WIN32
/* A child takes the lock and is killed with SIGKILL: the kernel frees the lock with it. */
static void killed_holder_releases(void **state)
{
    char dir[512], err[512];
    int fds[2];
    pid_t child;
    long pid = 0;
    char c;
    instance_lock *l = NULL;

    (void)state;
    testutil_tmpdir(dir, sizeof dir, "ilock-kill");
    assert_int_equal(pipe(fds), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        instance_lock *mine;
        close(fds[0]);
        if (instance_lock_acquire(dir, &mine, err, sizeof err) < 0)
            _exit(3);
        if (write(fds[1], "k", 1) != 1)
            _exit(4);
        for (;;)
            pause();
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    assert_int_equal(instance_lock_probe(dir, &pid, err, sizeof err), 1);
    assert_int_equal(pid, (long)child);
    assert_int_equal(instance_lock_acquire(dir, &l, err, sizeof err), -1);
    kill(child, SIGKILL);
    assert_int_equal(waitpid(child, NULL, 0), child);
    assert_int_equal(instance_lock_probe(dir, &pid, err, sizeof err), 0);
    assert_int_equal(instance_lock_acquire(dir, &l, err, sizeof err), 0);
    instance_lock_release(l);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_acquire_refused_then_released),
        cmocka_unit_test(probe_of_missing_dir_is_not_held),
#ifndef _WIN32
        cmocka_unit_test(killed_holder_releases),
#endif
    };
    testutil_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
