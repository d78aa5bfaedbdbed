/* test_fuzz_replay.c - replays every input under tests/fixtures/fuzz/<target>/ through the fuzz
 * target of that name (tests/fuzz/fuzz_<target>.c, built here without libFuzzer): the inputs that
 * once crashed, hung or broke a property, and a few seeds, so ctest keeps checking them without
 * clang. A broken property aborts (FUZZ_CHECK), ASan/UBSan catch the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "fuzz.h"
#include "testutil.h"

#define TARGETS(X)                                                                                           \
    X(evtx_file) X(xml_stream) X(event_xml) X(samba) X(inventory) X(config) X(prefilter) X(alert) X(sinks)
#define DECLARE(name) int fuzz_##name(const uint8_t *data, size_t size);
TARGETS(DECLARE)

static const struct target {
    const char *name;
    int (*run)(const uint8_t *, size_t);
} targets[] = {
#define ENTRY(name) {#name, fuzz_##name},
    TARGETS(ENTRY)};

static void test_replay(void **state)
{
    char dir[2048];
    unsigned total = 0;
    (void)state;

    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        unsigned n = 0;
        struct dirent *e;
        DIR *d;
        testutil_fixture(dir, sizeof dir, "fuzz");
        snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/%s", targets[t].name);
        if (!(d = opendir(dir)))
            fail_msg("%s: no replay inputs", dir);
        while ((e = readdir(d)) != NULL) {
            char path[4096];
            size_t len;
            char *data;
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            assert_non_null(data = testutil_slurp(path, &len));
            targets[t].run((const uint8_t *)data, len);
            free(data);
            n++;
        }
        closedir(d);
        printf("%s: %u inputs replayed\n", targets[t].name, n);
        assert_true(n > 0);
        total += n;
    }
    assert_true(total >= sizeof targets / sizeof targets[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay),
    };
    testutil_init();
    return testutil_run(tests);
}
