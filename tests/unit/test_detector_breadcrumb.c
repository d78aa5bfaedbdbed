/* test_detector_breadcrumb.c - breadcrumb_used: Windows' rendered events (fixtures/events/
 * breadcrumb.xml: 4625 with each SubStatus, 4771/4768 statuses, 4776) and the Samba audit lines
 * captured from the test DC (fixtures/samba/auth-breadcrumb.json) against an inventory whose decoys
 * carry breadcrumbs: the correct password refused by a restriction is breadcrumb_used with the
 * lure's kind, location and technique; a wrong password, a disabled account, a lockout, a decoy
 * without (or with a removed) breadcrumb stay password_guess; the alert document and summary; the
 * KDC text log of the same logon adds no event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/alert.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "testutil.h"

#define BC(id, kind, loc)                                                                                    \
    "\"breadcrumbs\":[{\"id\":\"" id "\",\"kind\":\"" kind "\",\"location\":\"" loc "\"}]"
#define SID "S-1-5-21-1004336348-1177238915-682003330-"
static const char inv_json[] =
    "{\"version\":1,\"decoys\":["
    "{\"name\":\"bc_gpp_svc\",\"sid\":\"" SID "2101\"," BC(
        "bc-000000000001", "gpp",
        "SYSVOL Groups.xml") "},"
                             "{\"name\":\"bc_ps1_svc\",\"sid\":\"" SID "2102\"," BC(
                                 "bc-000000000002", "script",
                                 "\\\\\\\\fs01\\\\it$\\\\x.ps1") "},"
                                                                 "{\"name\":\"bc_desc_svc\",\"sid\":\"" SID
                                                                 "2103\"," BC(
                                                                     "bc-000000000003", "description",
                                                                     "LDAP description") "},"
                                                                                         "{\"name\":\"bc_cmdkey_svc\",\"sid\":\"" SID
                                                                                         "2104\"," BC(
                                                                                             "bc-000000000004",
                                                                                             "cmdkey",
                                                                                             "vault of jump01") "},"
                                                                                                                "{\"name\":\"plain_decoy\",\"sid\":\"" SID
                                                                                                                "2105\"},"
                                                                                                                "{\"name\":\"bc_removed_svc\",\"sid\":\"" SID
                                                                                                                "2106\",\"breadcrumbs\":[{\"id\":\"bc-000000000006\","
                                                                                                                "\"kind\":\"gpp\",\"location\":\"old GPO\",\"removed\":\"2026-11-01T00:00:00Z\"}]},"
                                                                                                                "{\"name\":\"svc_exp_one\"," BC(
                                                                                                                    "bc-00000000000a",
                                                                                                                    "unattend",
                                                                                                                    "WDS unattend.xml") "}]}";

typedef struct want {
    uint64_t record;
    const char *action, *technique, *bc_kind; /* bc_kind NULL: no breadcrumb on the detection */
} want;

typedef struct fx {
    adseed_inventory inv;
    decoy_index *ix;
    detector *det;
    size_t n;
    detection d[32];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    char err[256];
    adseed_inventory_init(&f->inv);
    if (adseed_inventory_parse(&f->inv, inv_json, strlen(inv_json), "t", err, sizeof err) != 0)
        fail_msg("%s", err);
    f->ix = decoy_index_build(&f->inv, err, sizeof err);
    f->det = detector_new(f->ix);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    detector_free(f->det);
    decoy_index_free(f->ix);
    adseed_inventory_free(&f->inv);
    free(f);
    return 0;
}

static int on_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    fx *f = ctx;
    (void)end;
    assert_true(f->n < 32);
    if (detector_examine(f->det, ev, &f->d[f->n]))
        f->n++;
    return 0;
}

static const detection *find(const fx *f, uint64_t record)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->d[i].record_id == record)
            return &f->d[i];
    fail_msg("no detection for record %llu", (unsigned long long)record);
    return NULL;
}

static void check(const detection *d, const want *w)
{
    if (strcmp(detect_action_name(d->action), w->action) != 0)
        fail_msg("record %llu: action %s, want %s", (unsigned long long)w->record,
                 detect_action_name(d->action), w->action);
    assert_string_equal(d->technique_id, w->technique);
    if (w->bc_kind)
        assert_string_equal(d->breadcrumb_kind, w->bc_kind);
    else
        assert_string_equal(d->breadcrumb_id, "");
    if (d->action == DETECT_BREADCRUMB_USED) {
        assert_string_equal(d->severity, "critical");
        assert_int_equal(d->severity_score, 95);
        assert_true(d->password_correct);
    }
}

static void test_windows_events(void **state)
{
    fx *f = *state;
    char path[4096], err[256];
    evtx_xml_opts o = {.on_event = on_event, .ctx = f};
    static const want w[] = {
        {2001, "breadcrumb_used", "T1552.006", "gpp"},     /* 4625 0xC000006F logon hours */
        {2002, "breadcrumb_used", "T1552.001", "script"},  /* 4625 0xC0000070 workstation */
        {2003, "password_guess", "T1110", "gpp"},          /* 4625 0xC000006A bad password */
        {2004, "password_guess", "T1110", "gpp"},          /* 4625 0xC0000072 disabled */
        {2005, "breadcrumb_used", "T1552", "description"}, /* 4771 0x12 client revoked */
        {2006, "password_guess", "T1110", "description"},  /* 4771 0x18 bad password */
        {2007, "breadcrumb_used", "T1555.004", "cmdkey"},  /* 4768 0x12 */
        {2008, "breadcrumb_used", "T1552.001", "script"},  /* 4768 0xC policy (workstation) */
        {2009, "breadcrumb_used", "T1552.006", "gpp"},     /* 4776 0xC000006F */
        {2010, "password_guess", "T1110", NULL},           /* no breadcrumb on the decoy */
        {2011, "password_guess", "T1110", NULL},
        {2012, "password_guess", "T1110", NULL}, /* its breadcrumb was removed */
    };
    evtx_stream_stats st;
    assert_int_equal(evtx_xml_read_file(testutil_fixture(path, sizeof path, "events/breadcrumb.xml"), &o, &st,
                                        err, sizeof err),
                     0);
    assert_int_equal(f->n, sizeof w / sizeof w[0]);
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        check(find(f, w[i].record), &w[i]);
    /* the restriction is decoded; the plain decoy keeps the older "password was correct" flag */
    assert_string_equal(find(f, 2001)->decoy_name, "bc_gpp_svc");
    assert_string_equal(find(f, 2001)->breadcrumb_location, "SYSVOL Groups.xml");
    assert_string_equal(find(f, 2001)->breadcrumb_id, "bc-000000000001");
    assert_int_equal(find(f, 2002)->sub_status, 0xc0000070u);
    assert_true(find(f, 2010)->password_correct);
    assert_string_equal(find(f, 2010)->severity, "critical");
    assert_false(find(f, 2003)->password_correct);
}

/* The alert for a used GPP lure: decoy.breadcrumb and a summary naming kind and location. */
static void test_alert_document(void **state)
{
    fx *f = *state;
    char path[4096], err[256], summary[2048];
    evtx_xml_opts o = {.on_event = on_event, .ctx = f};
    evtx_stream_stats st;
    alert a;
    json_t *j, *b;
    char *doc;
    assert_int_equal(evtx_xml_read_file(testutil_fixture(path, sizeof path, "events/breadcrumb.xml"), &o, &st,
                                        err, sizeof err),
                     0);
    alert_from_detection(&a, find(f, 2002));
    alert_summary(&a, summary, sizeof summary);
    assert_non_null(strstr(summary, "Breadcrumb used"));
    assert_non_null(strstr(summary, "bc_ps1_svc"));
    assert_non_null(strstr(summary, "script lure at \\\\fs01\\it$\\x.ps1 (breadcrumb bc-000000000002)"));
    assert_non_null(strstr(summary, "from 10.20.30.66"));
    doc = alert_to_json(&a);
    assert_non_null(doc);
    j = json_loads(doc, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "action")), "breadcrumb_used");
    b = json_object_get(json_object_get(j, "decoy"), "breadcrumb");
    assert_string_equal(json_string_value(json_object_get(b, "id")), "bc-000000000002");
    assert_string_equal(json_string_value(json_object_get(b, "kind")), "script");
    assert_string_equal(json_string_value(json_object_get(b, "location")), "\\\\fs01\\it$\\x.ps1");
    json_decref(j);
    free(doc);
}

static void test_samba_lines(void **state)
{
    fx *f = *state;
    char path[4096], err[256], *data, *s, *nl;
    size_t len;
    evtx_samba *p = evtx_samba_new("dc1.decoy.test", NULL, NULL);
    evtx_event ev;
    /* captured in this order: kinit right password (logon hours), kinit wrong password, LDAP bind
     * right password (workstation), LDAP bind wrong password, two kinit successes after the logon
     * hours were opened, LDAP bind right password (workstation) */
    static const char *const want_actions[] = {"breadcrumb_used", "password_guess", "breadcrumb_used",
                                               "password_guess",  "decoy_logon",    "decoy_logon",
                                               "breadcrumb_used"};
    data = testutil_slurp(testutil_fixture(path, sizeof path, "samba/auth-breadcrumb.json"), &len);
    assert_non_null(data);
    evtx_event_init(&ev);
    for (s = data; s < data + len; s = nl + 1) {
        nl = memchr(s, '\n', (size_t)(data + len - s));
        if (!nl)
            nl = data + len;
        if (evtx_samba_line(p, s, (size_t)(nl - s), &ev, err, sizeof err) == 1 &&
            detector_examine(f->det, &ev, &f->d[f->n]))
            f->n++;
    }
    assert_int_equal(f->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(detect_action_name(f->d[i].action), want_actions[i]);
        assert_string_equal(f->d[i].breadcrumb_kind, "unattend");
        assert_string_equal(f->d[i].source_ip, "127.0.0.1");
    }
    assert_int_equal(f->d[0].event_code, 4771);
    assert_int_equal(f->d[0].status, 0x12);
    assert_string_equal(f->d[0].technique_id, "T1552.001");
    assert_int_equal(f->d[2].event_code, 4625);
    assert_int_equal(f->d[2].sub_status, 0xc0000070u);

    /* the same line with a lockout status (same Kerberos 0x12): not proof of the password */
    {
        const char *line =
            "{\"timestamp\": \"2026-11-29T18:21:00.000000+0000\", \"type\": \"Authentication\", "
            "\"Authentication\": {\"eventId\": 4625, \"status\": \"NT_STATUS_ACCOUNT_LOCKED_OUT\", "
            "\"remoteAddress\": \"ipv4:127.0.0.1:40000\", \"serviceDescription\": \"Kerberos KDC\", "
            "\"authDescription\": \"ENC-TS Pre-authentication\", \"clientAccount\": \"svc_exp_one@DECOY.TEST\", "
            "\"passwordType\": \"aes256-cts-hmac-sha1-96\"}}";
        assert_int_equal(evtx_samba_line(p, line, strlen(line), &ev, err, sizeof err), 1);
        assert_int_equal(detector_examine(f->det, &ev, &f->d[0]), 1);
        assert_int_equal(f->d[0].status, 0x12);
        assert_string_equal(detect_action_name(f->d[0].action), "password_guess");
    }
    free(data);

    /* the KDC text log of the same kinit says nothing the JSON audit does not: no second event */
    data = testutil_slurp(testutil_fixture(path, sizeof path, "samba/kdc-breadcrumb.log"), &len);
    assert_non_null(data);
    for (s = data; s < data + len; s = nl + 1) {
        nl = memchr(s, '\n', (size_t)(data + len - s));
        if (!nl)
            nl = data + len;
        assert_int_equal(evtx_samba_line(p, s, (size_t)(nl - s), &ev, err, sizeof err), 0);
    }
    evtx_event_free(&ev);
    evtx_samba_free(p);
    free(data);
}

int main(void)
{
    testutil_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_windows_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_samba_lines, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
