/* test_hunt.c - `decoysvc hunt` (svc/hunt.c, hunt_files.c, hunt_summary.c, hunt_read.c,
 * hunt_pool.c, hunt_trace.c): file discovery (recursive, by extension, sorted), the summary's
 * counts, the same alerts, warnings and summary for -j 1 and -j N over many files of unequal size
 * (threads finish out of order), the throttle over files out of time order (first_seen <=
 * last_seen, nothing folded across the window) for every -j, a file that cannot be read counted
 * and named while the others are still hunted, and the trace's encoding round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "adseed/decoy.h"
#include "svc/hunt.h"
#include "svc/hunt_files.h"
#include "svc/hunt_trace.h"
#include "testutil.h"

#define NS "http://schemas.microsoft.com/win/2004/08/events/event"
#define WINDOW_MS (300 * 1000)

/* ---- helpers -------------------------------------------------------------------------------- */
typedef struct capture {
    char *text;
    size_t len, cap;
    size_t errors;
} capture;

static void capture_write(void *ctx, svc_log_level level, const char *msg)
{
    capture *c = ctx;
    size_t n = strlen(msg) + 8;
    if (level == SVC_LOG_ERR)
        c->errors++;
    if (c->len + n + 1 > c->cap) {
        c->cap = (c->len + n + 1) * 2;
        c->text = realloc(c->text, c->cap);
        assert_non_null(c->text);
    }
    c->len += (size_t)snprintf(c->text + c->len, c->cap - c->len, "%d %s\n", (int)level, msg);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void iso_time(int64_t epoch_s, char *out, size_t cap)
{
    decoy_time_format((time_t)epoch_s, "%Y-%m-%dT%H:%M:%S.0000000Z", out, cap);
}

/* good 4624 records for a non-decoy, bad (malformed) records, then decoy Kerberoast requests from
 * 'ip', 'step' seconds apart from 'start' (epoch seconds); a truncated record at the end when asked. */
static void gen_xml(const char *path, int good, int bad, int decoy, int64_t start, int step, const char *ip,
                    int truncated)
{
    FILE *f = fopen(path, "wb");
    char when[40];
    int rid = 0;

    assert_non_null(f);
    iso_time(start, when, sizeof when);
    for (int i = 0; i < good; i++)
        fprintf(f,
                "<Event xmlns='" NS "'><System><EventID>4624</EventID><TimeCreated SystemTime='%s'/>"
                "<EventRecordID>%d</EventRecordID><Channel>Security</Channel><Computer>dc1</Computer></System>"
                "<EventData><Data Name='TargetUserName'>alice</Data><Data Name='IpAddress'>10.1.1.1</Data>"
                "</EventData></Event>\n",
                when, ++rid);
    for (int i = 0; i < bad; i++)
        fprintf(f,
                "<Event xmlns='" NS "'><System><EventID>4769</EventID><EventRecordID>%d</EventRecordID></System>"
                "<EventData><Data Name='ServiceName'>svc_backup_legacy</Datum></EventData></Event>\n",
                ++rid);
    for (int i = 0; i < decoy; i++) {
        iso_time(start + (int64_t)i * step, when, sizeof when);
        fprintf(f,
                "<Event xmlns='" NS "'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
                "<EventID>4769</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID>"
                "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"
                "<Data Name='TargetUserName'>mallory@CORP.EXAMPLE</Data><Data Name='TargetDomainName'>CORP.EXAMPLE"
                "</Data><Data Name='ServiceName'>svc_backup_legacy</Data><Data Name='TicketOptions'>0x40810000"
                "</Data><Data Name='TicketEncryptionType'>0x17</Data><Data Name='IpAddress'>::ffff:%s</Data>"
                "<Data Name='IpPort'>50000</Data><Data Name='Status'>0x0</Data></EventData></Event>\n",
                when, ++rid, ip);
    }
    if (truncated)
        fprintf(f, "<Event xmlns='" NS "'><System><EventID>4624</EventID>");
    fclose(f);
}

/* failed logons (4625) from 'ip' at one time: 'accounts' distinct non-decoys (prefix + number),
 * then the decoy. */
static void gen_spray(const char *path, const char *prefix, int accounts, int64_t at, const char *ip)
{
    FILE *f = fopen(path, "wb");
    char when[40];

    assert_non_null(f);
    iso_time(at, when, sizeof when);
    for (int i = 0; i <= accounts; i++) {
        char user[32];
        if (i < accounts)
            snprintf(user, sizeof user, "%s%03d", prefix, i);
        else
            snprintf(user, sizeof user, "svc_backup_legacy");
        fprintf(f,
                "<Event xmlns='" NS "'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
                "<EventID>4625</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID>"
                "<Channel>Security</Channel><Computer>dc1.corp.example</Computer></System><EventData>"
                "<Data Name='TargetUserName'>%s</Data><Data Name='TargetDomainName'>CORP</Data>"
                "<Data Name='Status'>0xc000006d</Data><Data Name='SubStatus'>0xc000006a</Data>"
                "<Data Name='LogonType'>3</Data><Data Name='IpAddress'>%s</Data></EventData></Event>\n",
                when, i + 1, user, ip);
    }
    fclose(f);
}

typedef struct hunt_run {
    int rc;
    char *alerts;  /* stdout */
    char *summary; /* the JSON summary without its "seconds" */
    capture log;   /* stderr's warnings and errors, in order */
} hunt_run;

static void run_hunt(hunt_run *r, const char *dir, char *const *paths, size_t npaths, int jobs)
{
    char inv[1024], out[2100], sum[2100];
    svc_logger lg;
    hunt_opts o;
    json_t *js;
    FILE *f;

    memset(r, 0, sizeof *r);
    lg.write = capture_write;
    lg.ctx = &r->log;
    lg.min = SVC_LOG_WARN;
    snprintf(out, sizeof out, "%s/alerts-%d.jsonl", dir, jobs);
    snprintf(sum, sizeof sum, "%s/summary-%d.json", dir, jobs);
    memset(&o, 0, sizeof o);
    o.inventory = testutil_fixture(inv, sizeof inv, "../../conf/inventory.example.json");
    o.format = HUNT_JSONL;
    o.window_ms = WINDOW_MS;
    o.paths = paths;
    o.npaths = npaths;
    o.summary_json = 1;
    o.summary_file = sum;
    o.progress = -1;
    o.jobs = jobs;
    f = fopen(out, "wb");
    assert_non_null(f);
    o.out = f;
    r->rc = svc_hunt(&o, &lg);
    fclose(f);
    r->alerts = testutil_slurp(out, NULL);
    assert_non_null(r->alerts);
    js = json_load_file(sum, 0, NULL);
    assert_non_null(js);
    assert_true(json_is_number(json_object_get(js, "seconds")));
    json_object_del(js, "seconds"); /* the only field that may differ */
    r->summary = json_dumps(js, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(js);
}

static void run_free(hunt_run *r)
{
    free(r->alerts);
    free(r->summary);
    free(r->log.text);
}

static json_int_t summary_int(const hunt_run *r, const char *key)
{
    json_t *js = json_loads(r->summary, 0, NULL);
    json_int_t v;
    assert_non_null(js);
    assert_true(json_is_integer(json_object_get(js, key)));
    v = json_integer_value(json_object_get(js, key));
    json_decref(js);
    return v;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- file discovery ------------------------------------------------------------------------- */
static void test_files_discovery(void **state)
{
    char dir[1024], p[2048], err[256];
    hunt_files hf = {0};
    static const char *const made[] = {"b/z.xml",   "b/deep/x.EVTX", "a.json",          "c.ndjson",
                                       "notes.txt", "b/y.jsonl",     "b/deep/readme.md"};
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-files");
    snprintf(p, sizeof p, "%s/b", dir);
    assert_int_equal(testutil_mkdir(p), 0);
    snprintf(p, sizeof p, "%s/b/deep", dir);
    assert_int_equal(testutil_mkdir(p), 0);
    snprintf(p, sizeof p, "%s/empty", dir);
    assert_int_equal(testutil_mkdir(p), 0);
    for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, made[i]);
        write_file(p, "x");
    }
    assert_int_equal(hunt_files_add(&hf, dir, err, sizeof err), 0);
    /* sorted by name per directory, directories first, only known extensions, any case */
    assert_int_equal(hf.n, 5);
    {
        static const char *const want[] = {"b/deep/x.EVTX", "b/y.jsonl", "b/z.xml", "a.json", "c.ndjson"};
        for (size_t i = 0; i < 5; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, want[i]);
            assert_string_equal(hf.paths[i], p);
        }
    }
    /* a file is taken whatever its name; an empty directory adds nothing; a missing path fails */
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    assert_int_equal(hunt_files_add(&hf, p, err, sizeof err), 0);
    assert_int_equal(hf.n, 6);
    snprintf(p, sizeof p, "%s/empty", dir);
    assert_int_equal(hunt_files_add(&hf, p, err, sizeof err), 0);
    assert_int_equal(hf.n, 6);
    snprintf(p, sizeof p, "%s/missing.evtx", dir);
    assert_int_equal(hunt_files_add(&hf, p, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.evtx"));
    hunt_files_free(&hf);
    assert_true(hunt_files_wanted("A.XML") && hunt_files_wanted("x.evtx") && !hunt_files_wanted("evtx"));
    assert_false(hunt_files_wanted("x.evtx.bak"));
}

/* ---- the summary ---------------------------------------------------------------------------- */
static void test_summary_counts(void **state)
{
    char dir[1024], a[2048], b[2048];
    char *paths[2];
    hunt_run r;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-summary");
    snprintf(a, sizeof a, "%s/a.xml", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    gen_xml(a, 40, 7, 3, 1795000000, 1, "10.9.9.9", 1); /* 3 decoy requests within one window */
    gen_xml(b, 5, 0, 2, 1795000000 + 3600, 1, "10.8.8.8", 0);
    paths[0] = a;
    paths[1] = b;
    run_hunt(&r, dir, paths, 2, 2);
    assert_int_equal(r.rc, 1);
    assert_int_equal(summary_int(&r, "files"), 2);
    assert_int_equal(summary_int(&r, "files_read"), 2);
    assert_int_equal(summary_int(&r, "files_failed"), 0);
    assert_int_equal(summary_int(&r, "records_read"), 40 + 7 + 3 + 1 + 5 + 2);
    assert_int_equal(summary_int(&r, "records_skipped"), 7 + 1);
    assert_int_equal(summary_int(&r, "events_examined"), 3 + 2); /* 4624s of non-decoys: prefiltered */
    assert_int_equal(summary_int(&r, "detections"), 5);
    /* a: the first alerts, two fold into a follow-up; b: another source, the same */
    assert_int_equal(summary_int(&r, "alerts"), 4);
    assert_int_equal(count_lines(r.alerts), 4);
    assert_non_null(strstr(r.summary, "\"malformed\":7"));
    assert_non_null(strstr(r.summary, "\"truncated\":1"));
    /* one warning per skipped record, naming the file */
    assert_int_equal(count_lines(r.log.text), 8);
    assert_non_null(strstr(r.log.text, "a.xml: byte"));
    assert_int_equal(r.log.errors, 0);
    run_free(&r);
}

/* ---- -j 1 and -j N agree -------------------------------------------------------------------- */
#define NFILES 14

static void assert_same(const hunt_run *x, const hunt_run *y)
{
    assert_int_equal(x->rc, y->rc);
    assert_string_equal(x->alerts, y->alerts);
    assert_string_equal(x->summary, y->summary);
    assert_string_equal(x->log.text ? x->log.text : "", y->log.text ? y->log.text : "");
}

static void test_jobs_same_output(void **state)
{
    char dir[1024], fx[NFILES][2048], *paths[NFILES];
    static const char *const fixtures[] = {"events/attack.xml",
                                           "events/breadcrumb.xml",
                                           "events/tamper.xml",
                                           "json/corpus-events.winlogbeat8.jsonl",
                                           "json/corpus-events.nxlog.jsonl",
                                           "xml/malformed.xml",
                                           "xml/truncated.xml"};
    const size_t nfix = sizeof fixtures / sizeof *fixtures;
    hunt_run one, many;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-jobs");
    for (size_t i = 0; i < nfix; i++)
        testutil_fixture(fx[i], sizeof fx[i], fixtures[i]);
    /* generated files of very unequal size, interleaved with the fixtures, so that the threads
     * finish out of order; one big file first, and sources shared across files (folding spans
     * files) with times going back and forth */
    for (size_t i = nfix; i < NFILES; i++) {
        snprintf(fx[i], sizeof fx[i], "%s/gen%02zu.xml", dir, i);
        gen_xml(fx[i], i == nfix ? 20000 : (int)(i * 37 % 200), (int)(i % 3), (int)(i % 5) + 1,
                1795000000 + (int64_t)((i * 7919) % 13) * 120, 50, i % 2 ? "10.9.9.9" : "10.8.8.8", 0);
    }
    for (size_t i = 0; i < NFILES; i++)
        paths[i] = fx[(i * 5) % NFILES]; /* 5 is prime to 14: a permutation mixing the kinds */
    run_hunt(&one, dir, paths, NFILES, 1);
    assert_true(one.rc == 1 || one.rc == 2);
    assert_true(count_lines(one.alerts) > 10);
    assert_non_null(one.log.text); /* the malformed fixtures warn */
    for (int jobs = 2; jobs <= 4; jobs++) {
        for (int round = 0; round < 3; round++) {
            run_hunt(&many, dir, paths, NFILES, jobs);
            assert_same(&one, &many);
            run_free(&many);
        }
    }
    run_free(&one);
}

/* The corpus's .evtx files, when present: every -j gives what -j 1 gives. */
static void test_jobs_corpus(void **state)
{
    const char *corpus = testutil_corpus();
    char dir[1024], evtx[2048];
    char *paths[1];
    hunt_run one, two;
    (void)state;

    if (!corpus)
        return;
    testutil_tmpdir(dir, sizeof dir, "hunt-corpus");
    snprintf(evtx, sizeof evtx, "%s/evtx", corpus);
    paths[0] = evtx;
    run_hunt(&one, dir, paths, 1, 1);
    run_hunt(&two, dir, paths, 1, 3);
    assert_true(summary_int(&one, "files") >= 2);
    assert_same(&one, &two);
    run_free(&one);
    run_free(&two);
}

/* ---- the throttle over files out of time order ---------------------------------------------- */
static void check_alerts_sane(const char *jsonl, json_int_t *count_sum)
{
    const char *line = jsonl;
    *count_sum = 0;
    while (*line) {
        const char *nl = strchr(line, '\n');
        json_t *a = json_loadb(line, (size_t)(nl - line), 0, NULL);
        const char *first = NULL, *last = NULL;
        json_int_t count = 0;
        assert_non_null(a);
        assert_int_equal(
            json_unpack(a, "{s?s,s?s,s?I}", "first_seen", &first, "last_seen", &last, "count", &count), 0);
        if (!count)
            count = 1;
        *count_sum += count;
        if (first && last) {
            struct tm tf, tl;
            memset(&tf, 0, sizeof tf);
            memset(&tl, 0, sizeof tl);
            assert_true(strcmp(first, last) <= 0); /* ISO 8601 UTC: text order is time order */
            /* folded detections lie within one window of each other: same day, at most 5 min apart */
            assert_int_equal(strncmp(first, last, 10), 0);
            assert_int_equal(sscanf(first + 11, "%d:%d:%d", &tf.tm_hour, &tf.tm_min, &tf.tm_sec), 3);
            assert_int_equal(sscanf(last + 11, "%d:%d:%d", &tl.tm_hour, &tl.tm_min, &tl.tm_sec), 3);
            assert_true((tl.tm_hour * 3600 + tl.tm_min * 60 + tl.tm_sec) -
                            (tf.tm_hour * 3600 + tf.tm_min * 60 + tf.tm_sec) <
                        WINDOW_MS / 1000);
        }
        json_decref(a);
        line = nl + 1;
    }
}

static void test_out_of_order_throttle(void **state)
{
    char dir[1024], f[6][2048], *paths[6];
    /* a year apart, newest first, and within a day going back: the same source every time */
    static const int64_t starts[] = {
        1795000000 + 365 * 86400, 1795000000,        1795000000 + 365 * 86400 + 100,
        1795000000 + 7200,        1795000000 + 7100, 1795000000 + 30};
    hunt_run r[3];
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-order");
    for (size_t i = 0; i < 6; i++) {
        snprintf(f[i], sizeof f[i], "%s/o%zu.xml", dir, i);
        gen_xml(f[i], (int)i * 300, 0, 4, starts[i], 20, "10.9.9.9", 0);
        paths[i] = f[i];
    }
    for (int k = 0; k < 3; k++) {
        json_int_t sum;
        run_hunt(&r[k], dir, paths, 6, k == 0 ? 1 : 2 * k);
        assert_int_equal(r[k].rc, 1);
        check_alerts_sane(r[k].alerts, &sum);
        assert_int_equal(sum, summary_int(&r[k], "detections")); /* counts add up: nothing lost */
        assert_int_equal(sum, 24);
        if (k)
            assert_same(&r[0], &r[k]);
    }
    for (int k = 0; k < 3; k++)
        run_free(&r[k]);
}

/* ---- spraying: the tracker is fed in file order whatever the threads ------------------------ */
static void test_spray_across_files(void **state)
{
    char dir[1024], a[2048], b[2048], *paths[2];
    hunt_run one, many;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-spray");
    snprintf(a, sizeof a, "%s/a.xml", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    gen_spray(a, "amy", 15, 1795000000, "10.7.7.7"); /* 15 accounts, then the decoy: not yet a spray */
    gen_spray(b, "bob", 15, 1795000010, "10.7.7.7"); /* 15 more from the same source 10 s later: spray */
    paths[0] = a;
    paths[1] = b;
    run_hunt(&one, dir, paths, 2, 1);
    run_hunt(&many, dir, paths, 2, 2);
    assert_same(&one, &many);
    assert_int_equal(count_lines(one.alerts), 2);
    /* the second file's alert knows of the first file's accounts */
    assert_non_null(strstr(one.alerts, "T1110.003"));
    assert_non_null(strstr(one.alerts, "\"T1110\""));
    run_free(&one);
    run_free(&many);
}

/* ---- a file that cannot be read ------------------------------------------------------------- */
static void test_unreadable_file(void **state)
{
    char dir[1024], good1[2048], good2[2048], bad[2048], *paths[3];
    static const char broken[] = "ElfFile\0 this is no event log";
    hunt_run r;
    FILE *f;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-bad");
    snprintf(good1, sizeof good1, "%s/1.xml", dir);
    snprintf(bad, sizeof bad, "%s/2-broken.evtx", dir);
    snprintf(good2, sizeof good2, "%s/3.xml", dir);
    gen_xml(good1, 3, 0, 1, 1795000000, 1, "10.9.9.9", 0);
    gen_xml(good2, 3, 0, 1, 1795090000, 1, "10.8.8.8", 0);
    f = fopen(bad, "wb");
    assert_non_null(f);
    fwrite(broken, 1, sizeof broken - 1, f);
    fclose(f);
    paths[0] = good1;
    paths[1] = bad;
    paths[2] = good2;
    for (int jobs = 1; jobs <= 3; jobs += 2) {
        run_hunt(&r, dir, paths, 3, jobs);
        assert_int_equal(r.rc, 2); /* an error... */
        assert_int_equal(summary_int(&r, "files"), 3);
        assert_int_equal(summary_int(&r, "files_failed"), 1);
        assert_int_equal(summary_int(&r, "files_read"), 2);
        assert_int_equal(count_lines(r.alerts), 2); /* ...but both other files were hunted */
        assert_int_equal(r.log.errors, 1);
        assert_non_null(strstr(r.log.text, "2-broken.evtx"));
        run_free(&r);
    }
}

/* ---- warnings are bounded per file ---------------------------------------------------------- */
static void test_warnings_bounded(void **state)
{
    char dir[1024], a[2048], *paths[2];
    hunt_run one, two;
    size_t lines;
    (void)state;

    testutil_tmpdir(dir, sizeof dir, "hunt-warn");
    snprintf(a, sizeof a, "%s/many-bad.xml", dir);
    gen_xml(a, 0, 12000, 1, 1795000000, 1, "10.9.9.9", 0); /* ~1.9 MB of warnings unbounded */
    paths[0] = a;
    paths[1] = a; /* the same file twice: two traces in flight with -j 2 */
    run_hunt(&one, dir, paths, 2, 1);
    run_hunt(&two, dir, paths, 2, 2);
    assert_same(&one, &two);
    assert_int_equal(summary_int(&one, "records_skipped"), 24000); /* all counted */
    lines = count_lines(one.log.text);
    assert_true(lines > 2000 && lines < 24000); /* kept up to 1 MiB per file, then counted */
    assert_non_null(strstr(one.log.text, "many-bad.xml: "));
    assert_non_null(strstr(one.log.text, " more warnings not shown"));
    assert_int_equal(count_lines(one.alerts), 2); /* the decoy after them is still found */
    run_free(&one);
    run_free(&two);
}

/* ---- the trace ------------------------------------------------------------------------------ */
static void test_trace_round_trip(void **state)
{
    static const int64_t clocks[] = {1795000000123LL, 1795000000123LL, 1795000000124LL, 5, -7, INT64_MAX, 0,
                                     INT64_MIN + 1};
    hunt_trace t;
    hunt_trace_cursor c = {0, 0};
    hunt_step *st = malloc(sizeof *st);
    detection *d = calloc(1, sizeof *d);
    detect_spray sp = {0x1234567890abcdefULL, 42, 0};
    size_t nclock = 0;
    (void)state;

    assert_non_null(st);
    assert_non_null(d);
    hunt_trace_init(&t);
    d->action = DETECT_KERBEROAST;
    snprintf(d->decoy_name, sizeof d->decoy_name, "svc_backup_legacy");
    memset(d->properties, 'p', sizeof d->properties - 1);
    d->logon_type = -1;
    for (size_t i = 0; i < sizeof clocks / sizeof *clocks; i++)
        hunt_trace_clock(&t, clocks[i]);
    hunt_trace_spray(&t, &sp);
    hunt_trace_detect(&t, d, 1);
    hunt_trace_log(&t, SVC_LOG_WARN, "a warning");
    assert_false(t.oom);
    assert_true(t.len < 2048); /* a detection is ~10 KiB as a struct, much less stored */
    while (hunt_trace_next(&t, &c, st) == HUNT_STEP_CLOCK) {
        if (nclock == 1)
            nclock++; /* the repeated clock was not stored */
        assert_true(st->clock == clocks[nclock]);
        nclock++;
    }
    assert_int_equal(nclock, sizeof clocks / sizeof *clocks);
    assert_int_equal(st->kind, HUNT_STEP_SPRAY);
    assert_true(st->spray.source == sp.source && st->spray.account == 42 && st->spray.time_ms == INT64_MIN + 1);
    assert_int_equal(hunt_trace_next(&t, &c, st), HUNT_STEP_DETECT);
    assert_int_equal(st->spray_applies, 1);
    assert_memory_equal(&st->det, d, sizeof *d);
    assert_int_equal(hunt_trace_next(&t, &c, st), HUNT_STEP_LOG);
    assert_string_equal(st->text, "a warning");
    assert_int_equal(hunt_trace_next(&t, &c, st), HUNT_STEP_END);
    hunt_trace_free(&t);
    free(st);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_discovery),       cmocka_unit_test(test_summary_counts),
        cmocka_unit_test(test_jobs_same_output),      cmocka_unit_test(test_jobs_corpus),
        cmocka_unit_test(test_out_of_order_throttle), cmocka_unit_test(test_spray_across_files),
        cmocka_unit_test(test_unreadable_file),       cmocka_unit_test(test_warnings_bounded),
        cmocka_unit_test(test_trace_round_trip),
    };
    testutil_init();
    return testutil_run(tests);
}
