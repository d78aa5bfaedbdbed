/* test_evtx_samples.c - the binary .evtx reader over a directory of real-world .evtx files of many
 * channels (e.g. the `samples/` folder of github.com/omerbenamram/evtx, MIT/Apache-2.0), given by
 * ADDECOY_EVTX_SAMPLES; skipped visibly when the variable is unset. Every record with a valid
 * header must render and parse: the only records allowed to be skipped are those of files whose
 * damage is deliberate (listed below with the reason), and every file yields at least the records
 * Rust evtx reads from it (its own test counts). Prints per-file counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "evtx/evtx.h"
#include "testutil.h"

/* What is known of a file of that sample set: how many records Rust evtx reads from it, from its
 * own tests (tests/test_full_samples.rs, test_full_sample(path, ok_count, err_count)): we must
 * deliver at least as many (a skipped record that Rust evtx reads would show as fewer); and, for
 * the files damaged on purpose, how many records of theirs may be skipped as bad. */
static const struct known {
    const char *file;
    unsigned rust_ok, max_bad;
} known[] = {
    /* Rust evtx reads 1910 records and fails 4; here 1951 are read: chunk 0 is a shadow-copy
     * mix, a record header overwritten and the next 24 records' templates in the overwritten part */
    {"2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx", 1910, 26},
    /* Rust evtx: 1774 read, 2 failed; here 1795 read, one record header garbled */
    {"2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx", 1774, 1},
    /* Rust evtx: 270 read, 2 failed; here 301 read, one garbled record header */
    {"sample_with_a_bad_chunk_magic.evtx", 270, 1},
    /* a record header with size 0 (Rust evtx reports the same record as invalid) */
    {"sample-with-zero-data-size-event.evtx", 0, 1},
    {"sample-with-irregular-bool-values.evtx", 3028, 0},
    {"2-vss_7-System.evtx", 1160, 0},
    {"Microsoft-Windows-HelloForBusiness%4Operational.evtx", 6, 0},
    {"Microsoft-Windows-LanguagePackSetup%4Operational.evtx", 17, 0},
    {"E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx", 1146, 0},
    {"E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx", 340, 0},
    {"E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx", 459, 0},
    {"Archive-ForwardedEvents-test.evtx", 653, 0},
    {"Application_no_crc32.evtx", 17, 0},
    {"post-Security.evtx", 126, 0},
};

static struct known known_file(const char *leaf)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].file, leaf) == 0)
            return known[i];
    return (struct known){leaf, 0, 0};
}

struct counts {
    unsigned skips;
    char first[700];
};

static int ignore_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    (void)ctx;
    (void)ev;
    (void)end;
    return 0;
}

static void count_skip(void *ctx, evtx_skip_reason why, uint64_t off, const char *detail)
{
    struct counts *c = ctx;
    (void)why;
    (void)off;
    if (strstr(detail, "record") && !strstr(detail, "checksum") && c->skips++ < 3)
        printf("  %s\n", detail);
}

static double file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f)
        fclose(f);
    return n > 0 ? (double)n : 1.0;
}

static void test_samples_read_whole(void **state)
{
    const char *dir = getenv("ADDECOY_EVTX_SAMPLES");
    uint64_t records = 0, bad = 0, files = 0;
    unsigned unexpected = 0, compared = 0;
    struct dirent *e;
    DIR *d;
    (void)state;

    assert_non_null(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        char path[2048], err[512];
        evtx_xml_opts o = {0};
        evtx_file_stats st;
        struct counts c = {0};
        struct known k;
        size_t n = strlen(e->d_name);

        if (n < 6 || strcmp(e->d_name + n - 5, ".evtx") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!evtx_file_is_evtx(path))
            continue; /* empty placeholders (large files not stored) */
        o.on_event = ignore_event;
        o.on_skip = count_skip;
        o.ctx = &c;
        memset(&st, 0, sizeof st);
        if (evtx_file_read(path, &o, &st, err, sizeof err) != 0)
            fail_msg("%s", err);
        printf("%s: %llu chunks, %llu records, %llu delivered, %llu bad records, %llu bad chunks, "
               "%llu KiB XML (%.1fx the file, at most %llu KiB from one chunk)\n",
               e->d_name, (unsigned long long)st.chunks, (unsigned long long)st.records,
               (unsigned long long)st.delivered, (unsigned long long)st.bad_records,
               (unsigned long long)st.bad_chunks, (unsigned long long)(st.xml_bytes >> 10),
               (double)st.xml_bytes / file_size(path), (unsigned long long)(st.max_chunk_xml >> 10));
        assert_int_equal(st.over_budget, 0);
        files++;
        records += st.records;
        bad += st.bad_records;
        k = known_file(e->d_name);
        if (st.bad_records > k.max_bad)
            unexpected++;
        if (st.delivered < k.rust_ok) {
            printf("  %s: %llu delivered, Rust evtx reads %u\n", e->d_name, (unsigned long long)st.delivered,
                   k.rust_ok);
            unexpected++;
        }
        compared += k.rust_ok > 0;
    }
    closedir(d);
    printf("samples: %llu files, %llu records, %llu skipped as bad; %u files compared with Rust evtx's counts\n",
           (unsigned long long)files, (unsigned long long)records, (unsigned long long)bad, compared);
    assert_true(files > 0);
    assert_int_equal(unexpected, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_read_whole),
    };
    const char *dir = getenv("ADDECOY_EVTX_SAMPLES");
    testutil_init();
    if (!dir || !*dir) {
        printf("SKIP: ADDECOY_EVTX_SAMPLES not set (a folder of real .evtx files, e.g. Rust evtx's samples/)\n");
        return TESTUTIL_SKIP;
    }
    return testutil_run(tests);
}
