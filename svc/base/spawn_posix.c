/* spawn_posix.c - svc_spawn_capture (see spawn.h): fork + execve of a program found in PATH (the
 * environment is built in the parent: nothing but async-signal-safe calls in the child), output
 * read through a pipe with poll() until the time limit, then SIGKILL. */
#include "svc/base/spawn.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svc/base/platform.h"

extern char **environ;

/* environ with env's names replaced or added; the strings are borrowed. */
static char **build_env(char *const env[])
{
    size_t n = 0, m = 0, k = 0;
    char **out;

    while (environ[n])
        n++;
    while (env && env[m])
        m++;
    if (!(out = calloc(n + m + 1, sizeof *out)))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strcspn(environ[i], "=");
        int replaced = 0;
        for (size_t j = 0; j < m && !replaced; j++)
            replaced = strncmp(environ[i], env[j], nl) == 0 && env[j][nl] == '=';
        if (!replaced)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        out[k++] = env[j];
    return out;
}

/* argv0 as given when it has a '/', else the first executable in PATH (malloc'd; NULL: none). */
static char *find_program(const char *argv0)
{
    const char *path = getenv("PATH"), *p;
    char buf[4096];

    if (strchr(argv0, '/'))
        return strdup(argv0);
    for (p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, n ? p : ".", argv0);
        if (access(buf, X_OK) == 0)
            return strdup(buf);
        p += n + (p[n] == ':');
    }
    return NULL;
}

int svc_spawn_capture(char *const argv[], char *const env[], int timeout_ms, char *out, size_t outlen)
{
    int fds[2] = {-1, -1}, status = 0, rc = -1, timed_out = 0;
    char **envp = NULL, *prog = NULL;
    size_t n = 0;
    int64_t deadline = svc_now_ms() + timeout_ms;
    pid_t pid;

    out[0] = '\0';
    if (!(prog = find_program(argv[0]))) {
        rc = SVC_SPAWN_NOT_FOUND;
        goto out;
    }
    if (!(envp = build_env(env)) || pipe(fds))
        goto out;
    if ((pid = fork()) < 0)
        goto out;
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execve(prog, argv, envp);
        _exit(SVC_SPAWN_NOT_FOUND);
    }
    close(fds[1]);
    fds[1] = -1;
    for (;;) {
        struct pollfd pf = {fds[0], POLLIN, 0};
        int64_t left = deadline - svc_now_ms();
        char tmp[1024];
        ssize_t r;
        if (left <= 0) {
            kill(pid, SIGKILL);
            timed_out = 1;
            break;
        }
        if (poll(&pf, 1, (int)left) <= 0)
            continue; /* EINTR or the time limit: checked above */
        r = read(fds[0], tmp, sizeof tmp);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r && n + 1 < outlen; i++)
            out[n++] = tmp[i];
    }
    out[n] = '\0';
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    rc = timed_out ? SVC_SPAWN_TIMEOUT : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
out:
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    free(envp);
    free(prog);
    return rc;
}
