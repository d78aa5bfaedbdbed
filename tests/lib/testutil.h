/* Helpers shared by the unit tests: fixture and corpus paths, temp dirs, crash handling under Wine. */
#ifndef ADDECOY_TESTUTIL_H
#define ADDECOY_TESTUTIL_H

#include <stddef.h>

/* Installs the crash handler (exit 134 on an unhandled exception under Wine); call first in main(). */
void testutil_init(void);

/* Path of a file under tests/fixtures (static buffer per call site is not used: caller's buffer). */
const char *testutil_fixture(char *buf, size_t len, const char *name);

/* Corpus directory (../shared/corpus) or NULL when absent; prints a visible SKIP line once when absent. */
const char *testutil_corpus(void);

/* ctest's SKIP_RETURN_CODE: a test program that could not run part of its tests (no corpus) exits
 * with it, so ctest reports "Skipped" instead of counting a test that did not run as passed. */
#define TESTUTIL_SKIP 77
/* The exit code of a test program: 1 when a test failed, TESTUTIL_SKIP when a corpus test was
 * skipped, else 0. */
int testutil_exit_code(int failed);
#define testutil_run(tests) testutil_exit_code(cmocka_run_group_tests(tests, NULL, NULL))

/* mkdir with mode 0700 (POSIX) or the default rights (Windows); 0 or -1 with errno. */
int testutil_mkdir(const char *path);

/* Creates a fresh empty temp directory; returns buf. */
const char *testutil_tmpdir(char *buf, size_t len, const char *tag);

/* Reads a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
char *testutil_slurp(const char *path, size_t *len);

/* Writes text to dir/name (aborts on failure); returns that path, in buf. */
const char *testutil_write(char *buf, size_t len, const char *dir, const char *name, const char *text);

/* Runs fn(arg) with file descriptor fd (1 stdout or 2 stderr) sent to a file; returns what was
 * written there (malloc'd, NUL-terminated, its length in *len when len is not NULL). */
char *testutil_capture(int fd, void (*fn)(void *), void *arg, size_t *len);

#endif
