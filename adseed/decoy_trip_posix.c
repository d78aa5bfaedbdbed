/*
 * decoy_trip_posix.c - `adseed trip`: requests a service ticket for a decoy's SPN with the caller's
 * Kerberos credentials by running MIT `kvno` (no extra library dependency), then reads the ticket's
 * encryption type from `klist -e`. Arguments are passed with execvp, never through a shell.
 */
#include "adseed/decoy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv, returns its exit status (or -1) and its stdout+stderr in out (NUL-terminated). */
static int run_capture(char *const argv[], char *out, size_t outlen)
{
    int fds[2], status = 0;
    size_t n = 0;
    if (pipe(fds))
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        char tmp[1024];
        ssize_t r = read(fds[0], tmp, sizeof tmp);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r && n + 1 < outlen; i++)
            out[n++] = tmp[i];
    }
    out[n] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* In klist -e output, the line after the service principal: "Etype (skey, tkt): X, Y". */
static int parse_klist(const char *text, const char *spn, char *etype, size_t etlen)
{
    size_t sl = strlen(spn);
    for (const char *p = text; (p = strstr(p, spn)); p += sl) {
        if (p[sl] != '@')
            continue;
        const char *et = strstr(p, "Etype (skey, tkt):");
        const char *next = strstr(p + sl, "\n");
        if (!et || !next)
            continue;
        const char *comma = strchr(et + strlen("Etype (skey, tkt):"), ',');
        const char *eol = strchr(et, '\n');
        if (!comma || (eol && comma > eol))
            continue;
        comma++;
        while (*comma == ' ')
            comma++;
        if (!strncmp(comma, "DEPRECATED:", 11))
            comma += 11;
        size_t len = eol ? (size_t)(eol - comma) : strlen(comma);
        while (len && (comma[len - 1] == ' ' || comma[len - 1] == '\r'))
            len--;
        snprintf(etype, etlen, "%.*s", (int)len, comma);
        return 0;
    }
    return -1;
}

int decoy_trip_spn(const char *spn, char *etype_name, size_t etlen, char *err, size_t errlen)
{
    char out[16384];
    char *kvno[] = {"kvno", (char *)spn, NULL};
    char *klist[] = {"klist", "-e", NULL};
    int rc = run_capture(kvno, out, sizeof out);
    if (rc == 127) {
        snprintf(err, errlen, "kvno not found: install krb5-user (MIT Kerberos client tools)");
        return -1;
    }
    if (rc != 0) {
        out[strcspn(out, "\n")] = '\0';
        snprintf(err, errlen, "kvno %s failed: %s%s", spn, out,
                 strstr(out, "credentials cache") ? " (run kinit first)" : "");
        return -1;
    }
    rc = run_capture(klist, out, sizeof out);
    if (rc != 0 || parse_klist(out, spn, etype_name, etlen)) {
        snprintf(err, errlen, "klist -e: no ticket for %s in the credential cache", spn);
        return -1;
    }
    return 0;
}
