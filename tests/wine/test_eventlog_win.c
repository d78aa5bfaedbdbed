/* test_eventlog_win.c - the real event log subscription code (evtx/eventlog_win.c) under Wine,
 * fed by the test-only fake wevtapi.dll next to this exe (see fake_wevtapi.c): start at the oldest
 * record or at future ones, resume after a bookmark, refusal keeps records, stale and invalid
 * bookmarks fall back to the oldest record with a notice, unreadable records are stepped over; the
 * values rendering (EvtRenderContextValues over evtx_security_fields) gives the corpus events field
 * by field as the XML rendering does, and falls back to XML when it fails. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>

#include "evtx/eventlog.h"
#include "testutil.h"

typedef struct seen {
    unsigned ids[64];
    unsigned long long records[64];
    size_t n;
    size_t refuse_at; /* refuse the record arriving when n == refuse_at (0 = never) */
    char notices[2048];
} seen;

static int on_event(void *ctx, const evtx_event *ev)
{
    seen *s = ctx;
    if (s->refuse_at && s->n == s->refuse_at) {
        s->refuse_at = 0;
        return 1;
    }
    if (s->n < 64) {
        s->ids[s->n] = ev->event_id;
        s->records[s->n] = ev->record_id;
    }
    s->n++;
    return 0;
}

static void on_notice(void *ctx, const char *msg)
{
    seen *s = ctx;
    strncat(s->notices, msg, sizeof s->notices - strlen(s->notices) - 2);
    strcat(s->notices, "\n");
}

/* A one-line <Event> with the given ID and record number. */
static void write_event(FILE *f, unsigned id, unsigned rec)
{
    fprintf(f,
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>%u</EventID><Version>0</Version>"
            "<TimeCreated SystemTime='2026-01-02T03:04:05.0000000Z'/><EventRecordID>%u</EventRecordID>"
            "<Channel>Security</Channel><Computer>DC1.decoy.test</Computer></System><EventData>"
            "<Data Name='ServiceName'>svc_backup_legacy</Data><Data Name='TicketEncryptionType'>0x17</Data>"
            "</EventData></Event>\n",
            id, rec);
}

static char log_path[MAX_PATH];

/* Writes a log of n records (IDs 4769, 4768, 4769, ...), record i = line i. */
static void make_log(unsigned n, const char *extra_line_after_first)
{
    char dir[MAX_PATH];
    FILE *f;
    testutil_tmpdir(dir, sizeof dir, "evtlog");
    snprintf(log_path, sizeof log_path, "%s\\security.xml", dir);
    f = fopen(log_path, "wb");
    assert_non_null(f);
    for (unsigned i = 1; i <= n; i++) {
        write_event(f, i % 2 ? 4769 : 4768, i);
        if (i == 1 && extra_line_after_first)
            fprintf(f, "%s\n", extra_line_after_first);
    }
    fclose(f);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_FILE", log_path);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_FIRST", NULL);
}

static evtx_eventlog *open_log(seen *s, const char *bookmark, evtx_eventlog_start start)
{
    static const unsigned ids[] = {4768, 4769};
    evtx_eventlog_opts o = {"Security", ids, 2, bookmark, start, on_notice, s, NULL, 0};
    char err[256] = "";
    evtx_eventlog *el = evtx_eventlog_open(&o, err, sizeof err);
    if (!el)
        fail_msg("evtx_eventlog_open: %s", err);
    return el;
}

static long read_all(evtx_eventlog *el, seen *s)
{
    char err[256] = "";
    long total = 0, n;
    while ((n = evtx_eventlog_read(el, 200, 1000, on_event, s, err, sizeof err)) > 0)
        total += n;
    if (n < 0)
        fail_msg("evtx_eventlog_read: %s", err);
    return total;
}

static void test_oldest_then_bookmark(void **state)
{
    seen s = {0}, s2 = {0};
    char err[256], *bm;
    evtx_eventlog *el;
    (void)state;
    make_log(5, NULL);
    el = open_log(&s, NULL, EVTX_EVENTLOG_OLDEST);
    assert_null(evtx_eventlog_bookmark(el, err, sizeof err)); /* nothing accepted yet */
    assert_int_equal(read_all(el, &s), 5);
    assert_int_equal(s.ids[0], 4769);
    assert_int_equal(s.ids[1], 4768);
    assert_int_equal(s.records[4], 5);
    bm = evtx_eventlog_bookmark(el, err, sizeof err);
    assert_non_null(bm);
    assert_non_null(strstr(bm, "RecordId='5'"));
    evtx_eventlog_close(el);

    /* two more records arrive while "stopped": resuming after the bookmark yields exactly them */
    FILE *f = fopen(log_path, "ab");
    write_event(f, 4769, 6);
    write_event(f, 4768, 7);
    fclose(f);
    el = open_log(&s2, bm, EVTX_EVENTLOG_OLDEST);
    assert_int_equal(read_all(el, &s2), 2);
    assert_int_equal(s2.records[0], 6);
    assert_int_equal(s2.records[1], 7);
    assert_string_equal(s2.notices, "");
    free(bm);
    evtx_eventlog_close(el);
}

static void test_future_only(void **state)
{
    seen s = {0};
    evtx_eventlog *el;
    FILE *f;
    (void)state;
    make_log(3, NULL);
    el = open_log(&s, NULL, EVTX_EVENTLOG_FUTURE);
    assert_int_equal(read_all(el, &s), 0);
    f = fopen(log_path, "ab");
    write_event(f, 4769, 4);
    fclose(f);
    /* the log signals new records: wait for it (up to 10 s; returns as soon as it is signalled) */
    assert_int_equal(evtx_eventlog_read(el, 10000, 100, on_event, &s, s.notices, sizeof s.notices), 1);
    assert_int_equal(s.records[0], 4);
    evtx_eventlog_close(el);
}

static void test_refusal_keeps_records(void **state)
{
    seen s = {0};
    char err[256], *bm;
    evtx_eventlog *el;
    (void)state;
    make_log(4, NULL);
    el = open_log(&s, NULL, EVTX_EVENTLOG_OLDEST);
    s.refuse_at = 2; /* the spool is full when the third record arrives */
    assert_int_equal(evtx_eventlog_read(el, 50, 100, on_event, &s, err, sizeof err), 2);
    bm = evtx_eventlog_bookmark(el, err, sizeof err);
    assert_non_null(strstr(bm, "RecordId='2'")); /* not past the refused record */
    free(bm);
    assert_int_equal(read_all(el, &s), 2);
    assert_int_equal(s.records[2], 3); /* delivered again, nothing lost */
    assert_int_equal(s.records[3], 4);
    evtx_eventlog_close(el);
}

static void test_stale_bookmark(void **state)
{
    seen s = {0};
    evtx_eventlog *el;
    (void)state;
    make_log(6, NULL);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_FIRST", "4"); /* records 1-3 were cleared */
    el = open_log(&s, "<BookmarkList><Bookmark Channel='Security' RecordId='2' IsCurrent='true'/></BookmarkList>",
                  EVTX_EVENTLOG_FUTURE);
    assert_non_null(strstr(s.notices, "oldest record"));
    assert_int_equal(read_all(el, &s), 3);
    assert_int_equal(s.records[0], 4);
    assert_int_equal(evtx_eventlog_get_stats(el)->resubscribed, 1);
    evtx_eventlog_close(el);
}

static void test_invalid_bookmark(void **state)
{
    seen s = {0};
    evtx_eventlog *el;
    (void)state;
    make_log(2, NULL);
    el = open_log(&s, "this is not a bookmark", EVTX_EVENTLOG_FUTURE);
    assert_non_null(strstr(s.notices, "not valid"));
    assert_int_equal(read_all(el, &s), 2); /* from the oldest record despite 'future' */
    evtx_eventlog_close(el);
}

static void test_unreadable_record_is_skipped(void **state)
{
    seen s = {0};
    char err[256], *bm;
    evtx_eventlog *el;
    (void)state;
    make_log(3, "<Event><System><EventID>4769</EventID>"); /* truncated record as line 2 */
    el = open_log(&s, NULL, EVTX_EVENTLOG_OLDEST);
    assert_int_equal(read_all(el, &s), 3);
    assert_non_null(strstr(s.notices, "skipped"));
    assert_int_equal(evtx_eventlog_get_stats(el)->skipped, 1);
    bm = evtx_eventlog_bookmark(el, err, sizeof err);
    assert_non_null(strstr(bm, "RecordId='4'")); /* 3 good lines + the bad one */
    free(bm);
    evtx_eventlog_close(el);
}

static void test_reopen(void **state)
{
    seen s = {0};
    char err[256];
    evtx_eventlog *el;
    (void)state;
    make_log(3, NULL);
    el = open_log(&s, NULL, EVTX_EVENTLOG_OLDEST);
    assert_int_equal(read_all(el, &s), 3);
    assert_int_equal(evtx_eventlog_reopen(el, NULL, err, sizeof err), 0); /* lost subscription: resume */
    assert_int_equal(read_all(el, &s), 0);
    assert_int_equal(evtx_eventlog_reopen(el, "", err, sizeof err), 0); /* rewind without bookmark */
    assert_int_equal(read_all(el, &s), 3);
    assert_int_equal(s.n, 6);
    evtx_eventlog_close(el);
}

/* ---- values rendering vs XML rendering, over the corpus ---------------------------------------- */
#define CORPUS_PER_FILE 60 /* events taken from each corpus file (the fake re-reads its log per record) */
#define CORPUS_MAX 2000

typedef struct kept {
    evtx_event ev[CORPUS_MAX];
    size_t n;
} kept;

static int keep_event(void *ctx, const evtx_event *ev)
{
    kept *k = ctx;
    assert_true(k->n < CORPUS_MAX);
    evtx_event_init(&k->ev[k->n]);
    assert_int_equal(evtx_event_copy(&k->ev[k->n], ev), 0);
    k->n++;
    return 0;
}

/* The first CORPUS_PER_FILE <Event> documents of each corpus XML file, one per line (line breaks
 * inside become spaces: both renderings see the same text). Returns the number written. */
static size_t make_corpus_log(const char *corpus)
{
    char dir[MAX_PATH], path[MAX_PATH * 2], tmp[MAX_PATH];
    struct dirent *de;
    size_t total = 0;
    DIR *d;
    FILE *out;

    testutil_tmpdir(tmp, sizeof tmp, "evtvalues");
    snprintf(log_path, sizeof log_path, "%s\\corpus.xml", tmp);
    assert_non_null(out = fopen(log_path, "wb"));
    snprintf(dir, sizeof dir, "%s/xml", corpus);
    assert_non_null(d = opendir(dir));
    while ((de = readdir(d))) {
        size_t len, n = strlen(de->d_name), taken = 0;
        char *text, *p, *end;
        if (n < 5 || strcmp(de->d_name + n - 4, ".xml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        assert_non_null(text = testutil_slurp(path, &len));
        for (p = strstr(text, "<Event "); p && taken < CORPUS_PER_FILE; p = strstr(end, "<Event ")) {
            if (!(end = strstr(p, "</Event>")))
                break;
            end += strlen("</Event>");
            for (char *c = p; c < end; c++)
                fputc(*c == '\n' || *c == '\r' ? ' ' : *c, out);
            fputc('\n', out);
            taken++;
        }
        total += taken;
        free(text);
    }
    closedir(d);
    fclose(out);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_FILE", log_path);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_FIRST", NULL);
    return total;
}

/* Reads the whole log once, as values (with the detector's fields) or as XML. */
static void read_corpus(kept *k, int values, seen *s, evtx_eventlog_stats *stats)
{
    evtx_eventlog_opts o = {"Security", NULL, 0, NULL, EVTX_EVENTLOG_OLDEST, on_notice, s, NULL, 0};
    char err[256] = "";
    evtx_eventlog *el;
    long n;
    if (values) {
        o.fields = evtx_security_fields;
        o.nfields = evtx_security_nfields;
    }
    if (!(el = evtx_eventlog_open(&o, err, sizeof err)))
        fail_msg("evtx_eventlog_open: %s", err);
    while ((n = evtx_eventlog_read(el, 200, 1000, keep_event, k, err, sizeof err)) > 0)
        ;
    if (n < 0)
        fail_msg("evtx_eventlog_read: %s", err);
    *stats = *evtx_eventlog_get_stats(el);
    evtx_eventlog_close(el);
}

/* The detector treats an empty value as absent; the values rendering gives Null for both. */
static const char *value_of(const evtx_event *ev, const char *name)
{
    const char *v = evtx_event_get(ev, name);
    return v ? v : "";
}

static void free_kept(kept *k)
{
    for (size_t i = 0; i < k->n; i++)
        evtx_event_free(&k->ev[i]);
    free(k);
}

static void test_values_as_xml(void **state)
{
    const char *corpus = testutil_corpus();
    kept *x = calloc(1, sizeof *x), *v = calloc(1, sizeof *v);
    seen sx = {0}, sv = {0};
    evtx_eventlog_stats stx, stv;
    size_t total, compared = 0, hex = 0, sids = 0;
    (void)state;
    if (!corpus) {
        free(x);
        free(v);
        skip();
    }
    assert_non_null(x);
    assert_non_null(v);
    total = make_corpus_log(corpus);
    assert_true(total > 300);
    read_corpus(x, 0, &sx, &stx);
    read_corpus(v, 1, &sv, &stv);
    assert_null(strstr(sx.notices, "values"));
    assert_non_null(strstr(sv.notices, "rendered as values"));
    assert_null(strstr(sv.notices, "instead of values")); /* no failure */
    assert_int_equal(x->n, total);
    assert_int_equal(v->n, total);
    assert_int_equal(stv.values + stv.xml_fallback, total);
    assert_true(stv.values > total * 3 / 4);
    assert_true(stv.xml_fallback > 0); /* 1102 (UserData) and events without these fields: as XML */
    assert_int_equal(stx.values + stx.xml_fallback, 0);
    for (size_t i = 0; i < total; i++) {
        const evtx_event *a = &x->ev[i], *b = &v->ev[i];
        assert_int_equal(a->event_id, b->event_id);
        assert_int_equal(a->version, b->version);
        assert_int_equal(a->record_id, b->record_id);
        assert_int_equal(a->time_ms, b->time_ms);
        assert_string_equal(a->time_created, b->time_created);
        assert_string_equal(a->channel, b->channel);
        assert_string_equal(a->provider, b->provider);
        assert_string_equal(a->computer, b->computer);
        for (size_t f = 0; f < evtx_security_nfields; f++) {
            const char *name = evtx_security_fields[f], *xa = value_of(a, name), *vb = value_of(b, name);
            if (strcmp(xa, vb) != 0)
                fail_msg("record %lu (event %u) field %s: XML '%s', values '%s'", (unsigned long)i + 1,
                         a->event_id, name, xa, vb);
            compared += *xa != 0;
            hex += strncmp(xa, "0x", 2) == 0;
            sids += strncmp(xa, "S-1-", 4) == 0;
        }
    }
    assert_true(compared > 1000);
    assert_true(hex > 100); /* typed values did go through the variant formatting */
    assert_true(sids > 100);
    free_kept(x);
    free_kept(v);
}

static void test_values_fall_back_to_xml(void **state)
{
    const char *corpus = testutil_corpus();
    kept *v = calloc(1, sizeof *v);
    seen s = {0};
    evtx_eventlog_stats st;
    size_t total;
    (void)state;
    if (!corpus) {
        free(v);
        skip();
    }
    assert_non_null(v);
    total = make_corpus_log(corpus);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_VALUES_FAIL", "1");
    read_corpus(v, 1, &s, &st);
    SetEnvironmentVariableA("ADDECOY_FAKE_EVT_VALUES_FAIL", NULL);
    assert_int_equal(v->n, total);
    assert_int_equal(st.values, 0);
    assert_int_equal(st.xml_fallback, total);
    assert_non_null(strstr(s.notices, "instead of values"));
    assert_null(strstr(strstr(s.notices, "instead of values") + 1, "instead of values")); /* said once */
    assert_true(v->ev[0].nfields > 0);
    free_kept(v);
}

static void test_xpath(void **state)
{
    unsigned ids[] = {4768, 4769, 4771};
    unsigned many[EVTX_EVENTLOG_XPATH_IDS + 1] = {0};
    char buf[512];
    (void)state;
    assert_int_equal(evtx_eventlog_xpath(ids, 3, buf, sizeof buf), 0);
    assert_string_equal(buf, "*[System[(EventID=4768 or EventID=4769 or EventID=4771)]]");
    assert_int_equal(evtx_eventlog_xpath(NULL, 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "*");
    assert_int_equal(evtx_eventlog_xpath(many, EVTX_EVENTLOG_XPATH_IDS + 1, buf, sizeof buf), 0);
    assert_string_equal(buf, "*");
    assert_int_equal(evtx_eventlog_xpath(ids, 3, buf, 20), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oldest_then_bookmark),
        cmocka_unit_test(test_future_only),
        cmocka_unit_test(test_refusal_keeps_records),
        cmocka_unit_test(test_stale_bookmark),
        cmocka_unit_test(test_invalid_bookmark),
        cmocka_unit_test(test_unreadable_record_is_skipped),
        cmocka_unit_test(test_reopen),
        cmocka_unit_test(test_xpath),
        cmocka_unit_test(test_values_as_xml),
        cmocka_unit_test(test_values_fall_back_to_xml),
    };
    testutil_init();
    return testutil_run(tests);
}
