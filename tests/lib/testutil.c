/* Helpers shared by the unit tests: fixture and corpus paths, temp dirs, crash handling under Wine. */
#include "testutil.h"
#include "svc/base/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <windows.h>
#include <direct.h>
#include <io.h>
#else
#include <unistd.h>
#endif

#ifdef _WIN32
static LONG WINAPI testutil_crash(EXCEPTION_POINTERS *info)
{
    (void)info;
    fprintf(stderr, "unhandled exception: exiting 134\n");
    TerminateProcess(GetCurrentProcess(), 134);
    return EXCEPTION_EXECUTE_HANDLER;
}
#endif

void testutil_init(void)
{
#ifdef _WIN32
    SetUnhandledExceptionFilter(testutil_crash);
#endif
    setvbuf(stdout, NULL, _IONBF, 0);
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return (v && *v) ? v : fallback;
}

const char *testutil_fixture(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/tests/fixtures/%s", env_or("ADDECOY_SRC", "."), name);
    return buf;
}

/* Set once a corpus test could not run; tests are single-threaded. */
static int corpus_skipped;

const char *testutil_corpus(void)
{
    static const char *cached; /* read-only after first call */
    struct stat st;
    const char *dir = env_or("ADDECOY_CORPUS", "../shared/corpus");
    char probe[4096];

    snprintf(probe, sizeof probe, "%s/README.md", dir);
    if (stat(probe, &st) == 0)
        return cached = dir;
    if (!corpus_skipped) {
        printf("SKIP: corpus not found at %s: corpus tests skipped\n", dir);
        corpus_skipped = 1;
    }
    return NULL;
}

int testutil_exit_code(int failed)
{
    if (failed)
        return 1;
    return corpus_skipped ? TESTUTIL_SKIP : 0;
}

int testutil_mkdir(const char *path)
{
#ifdef _WIN32
    return _mkdir(path);
#else
    return mkdir(path, 0700);
#endif
}

const char *testutil_tmpdir(char *buf, size_t len, const char *tag)
{
    char cmd[4200];
#ifdef _WIN32
    const char *base = env_or("TEMP", ".");
    snprintf(buf, len, "%s\\addecoy-%s-%lu", base, tag, (unsigned long)GetCurrentProcessId());
    snprintf(cmd, sizeof cmd, "rmdir /s /q \"%s\" 2>nul", buf);
    (void)system(cmd);
    _mkdir(buf);
#else
    const char *base = env_or("TMPDIR", "/tmp");
    snprintf(buf, len, "%s/addecoy-%s-%ld", base, tag, (long)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not clean %s\n", buf);
    mkdir(buf, 0700);
#endif
    return buf;
}

char *testutil_slurp(const char *path, size_t *len)
{
    FILE *f = fs_fopen(path, "rb");
    char *data = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    data = malloc((size_t)size + 1);
    if (!data)
        goto out;
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
        goto out;
    }
    data[size] = '\0';
    if (len)
        *len = (size_t)size;
out:
    fclose(f);
    return data;
}

const char *testutil_write(char *buf, size_t len, const char *dir, const char *name, const char *text)
{
    FILE *f;

    snprintf(buf, len, "%s/%s", dir, name);
    if (!(f = fs_fopen(buf, "wb")) || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "testutil_write: cannot write %s\n", buf);
        abort();
    }
    return buf;
}

char *testutil_capture(int fd, void (*fn)(void *), void *arg, size_t *len)
{
    char dir[4096], path[4200];
    FILE *stream = fd == 1 ? stdout : stderr;
    int saved, tmp;

    testutil_tmpdir(dir, sizeof dir, "capture");
    snprintf(path, sizeof path, "%s/fd%d.txt", dir, fd);
    fflush(stream);
    saved = dup(fd);
    tmp = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || tmp < 0 || dup2(tmp, fd) < 0) {
        fprintf(stderr, "testutil_capture: cannot redirect fd %d\n", fd);
        abort();
    }
    fn(arg);
    fflush(stream);
    dup2(saved, fd);
    close(saved);
    close(tmp);
    return testutil_slurp(path, len);
}
