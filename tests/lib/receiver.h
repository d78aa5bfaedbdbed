/* receiver.h - the Python test receivers (tests/lib/hec_receiver.py, webhook_receiver.py) run as
 * child processes of a unit test: start on a free loopback port, stop, stop all at exit. POSIX. */
#ifndef ADDECOY_TEST_RECEIVER_H
#define ADDECOY_TEST_RECEIVER_H
#ifndef _WIN32
#include <sys/types.h>

typedef struct receiver {
    pid_t pid;
    int port;
    char dir[512], out[600];
} receiver;

/* Starts python3 tests/lib/<script> --out <dir>/<outname> --port-file <dir>/port ARGS... FLAGS...
 * (both lists NULL-terminated, may be NULL) in a fresh temp dir named after tag, and waits for its
 * port. Skips the test when python3 is missing; fails it when the receiver does not start. */
void receiver_start_script(receiver *r, const char *script, const char *outname, const char *tag,
                           const char *const *args, const char *const *flags);
void receiver_stop(receiver *r);
/* Stops receivers a failed assertion left running (register with atexit). */
void receiver_stop_all(void);

#endif
#endif
