/* receiver.c - the Python test receivers as child processes of a unit test (see receiver.h). */
#ifndef _WIN32
#include "receiver.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

/* Receivers still running (a failed assertion skips receiver_stop): stopped at exit. */
static pid_t started[64];
static size_t nstarted;

static void started_add(pid_t pid)
{
    if (nstarted < 64)
        started[nstarted++] = pid;
}

static void started_remove(pid_t pid)
{
    for (size_t i = 0; i < nstarted; i++)
        if (started[i] == pid)
            started[i] = started[--nstarted];
}

void receiver_stop_all(void)
{
    for (size_t i = 0; i < nstarted; i++) {
        kill(started[i], SIGTERM);
        waitpid(started[i], NULL, 0);
    }
    nstarted = 0;
}

static void add_list(const char **argv, int *n, const char *const *list)
{
    while (list && *list && *n < 30)
        argv[(*n)++] = *list++;
}

void receiver_start_script(receiver *r, const char *script, const char *outname, const char *tag,
                           const char *const *args, const char *const *flags)
{
    char path[1024], portfile[700];
    const char *argv[32];
    int n = 0;

    if (system("python3 -c 'pass' >/dev/null 2>&1") != 0) {
        printf("SKIP: python3 not found\n");
        skip();
    }
    testutil_tmpdir(r->dir, sizeof r->dir, tag);
    snprintf(path, sizeof path, "%s/tests/lib/%s", getenv("ADDECOY_SRC") ? getenv("ADDECOY_SRC") : ".", script);
    snprintf(portfile, sizeof portfile, "%s/port", r->dir);
    snprintf(r->out, sizeof r->out, "%s/%s", r->dir, outname);
    argv[n++] = "python3", argv[n++] = path, argv[n++] = "--out", argv[n++] = r->out;
    argv[n++] = "--port-file", argv[n++] = portfile;
    add_list(argv, &n, args);
    add_list(argv, &n, flags);
    argv[n] = NULL;
    r->pid = fork();
    assert_true(r->pid >= 0);
    if (r->pid == 0) {
        char log[700];
        snprintf(log, sizeof log, "%s/receiver.log", r->dir);
        if (!freopen("/dev/null", "w", stdout) || !freopen(log, "w", stderr))
            _exit(127);
        execvp("python3", (char *const *)argv);
        _exit(127);
    }
    started_add(r->pid);
    for (int i = 0; i < 1000; i++) { /* up to ~20 s for the interpreter to start */
        FILE *f = fopen(portfile, "r");
        if (f) {
            int ok = fscanf(f, "%d", &r->port) == 1;
            fclose(f);
            if (ok)
                return;
        }
        usleep(20000);
    }
    kill(r->pid, SIGTERM);
    fail_msg("%s did not start", script);
}

void receiver_stop(receiver *r)
{
    kill(r->pid, SIGTERM);
    waitpid(r->pid, NULL, 0);
    started_remove(r->pid);
}
#endif
