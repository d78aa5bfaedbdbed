/* spawn.h - runs a program (POSIX only) without a shell, with extra environment variables and a
 * time limit, and captures its standard output and error. */
#ifndef ADDECOY_SVC_SPAWN_H
#define ADDECOY_SVC_SPAWN_H

#include <stddef.h>

#define SVC_SPAWN_NOT_FOUND 127
#define SVC_SPAWN_TIMEOUT (-2)

/* argv[0] is looked up in PATH; env is NULL or "NAME=value" strings (NULL-terminated) set on top
 * of the current environment. Returns the exit status, SVC_SPAWN_NOT_FOUND, SVC_SPAWN_TIMEOUT (the
 * child was killed) or -1; out gets the output, NUL-terminated, truncated to outlen - 1. */
int svc_spawn_capture(char *const argv[], char *const env[], int timeout_ms, char *out, size_t outlen);

#endif
