/* test_sink_syslog.c - the syslog sink against a real rsyslogd started unprivileged on a loopback
 * port with a config in a temp dir (imtcp + imudp + omfile): RFC 5424 with octet counting, hostile
 * values escaped and on one line, CEF escaping, UDP; plus the record format without a server, and a
 * send to a peer that never reads, cut short by a stop. */
#ifdef _WIN32
/* The receivers are started with fork/exec (and rsyslog): POSIX only. */
#include <stdio.h>
int main(void)
{
    printf("SKIP: %s needs fork and the test receivers (POSIX)\n", __FILE__);
    return 0;
}
#else
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <stdatomic.h>

#include "svc/base/platform.h"
#include "svc/base/thread.h"
#include "svc/sink/sink.h"
#include "testutil.h"

static const char *HOSTILE =
    "{\"id\":\"ALERT-7\",\"@timestamp\":\"2026-11-23T10:00:00.250Z\",\"action\":\"password_guess\",\"severity\":\"high\","
    "\"summary\":\"guess as decoy\\n<13>1 2026-01-01T00:00:00Z forged - - - - fake|pipe=eq\","
    "\"decoy\":{\"name\":\"svc_backup_legacy\"},\"source\":{\"ip\":\"10.0.0.5\",\"port\":49152},"
    "\"user\":{\"name\":\"a\\\"b\\\\c]d\\ninjected\",\"domain\":\"CORP\"},\"host\":{\"name\":\"DC01\"}}";

static const char *HEARTBEAT =
    "{\"id\":\"HB-1\",\"@timestamp\":\"2026-11-23T10:05:00.000Z\",\"action\":\"heartbeat\",\"severity\":\"info\","
    "\"summary\":\"decoysvc on DC01 is running\",\"event\":{\"kind\":\"state\"},\"host\":{\"name\":\"DC01\"}}";

/* rsyslogd still running after a failed assertion: stopped at exit. */
static pid_t running = -1;

static void stop_running(void)
{
    if (running > 0) {
        kill(running, SIGTERM);
        waitpid(running, NULL, 0);
    }
    running = -1;
}

typedef struct rsyslog {
    pid_t pid;
    int port;
    char dir[512];
} rsyslog;

static int free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t l = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int can_connect(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static void rsyslog_start(rsyslog *r)
{
    const char *bin = access("/usr/sbin/rsyslogd", X_OK) == 0 ? "/usr/sbin/rsyslogd" : "rsyslogd";
    char conf[600], pid[600], cmd[700];
    FILE *f;

    snprintf(cmd, sizeof cmd, "%s -v >/dev/null 2>&1", bin);
    if (system(cmd) != 0) {
        printf("SKIP: rsyslogd not found (apt-get install rsyslog)\n");
        skip();
    }
    testutil_tmpdir(r->dir, sizeof r->dir, "rsyslog");
    r->port = free_port();
    snprintf(conf, sizeof conf, "%s/rsyslog.conf", r->dir);
    snprintf(pid, sizeof pid, "%s/rsyslogd.pid", r->dir);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f,
            "global(maxMessageSize=\"65536\" workDirectory=\"%s\")\n"
            "module(load=\"imtcp\")\nmodule(load=\"imudp\")\n"
            "template(name=\"raw\" type=\"string\" string=\"%%rawmsg%%\\n\")\n"
            "template(name=\"parsed\" type=\"string\" string=\"%%msgid%%|%%structured-data%%|%%msg%%\\n\")\n"
            "ruleset(name=\"r\") {\n"
            "  action(type=\"omfile\" file=\"%s/raw.log\" template=\"raw\")\n"
            "  action(type=\"omfile\" file=\"%s/parsed.log\" template=\"parsed\")\n}\n"
            "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"%d\" ruleset=\"r\")\n"
            "input(type=\"imudp\" address=\"127.0.0.1\" port=\"%d\" ruleset=\"r\")\n",
            r->dir, r->dir, r->dir, r->port, r->port);
    fclose(f);
    r->pid = fork();
    assert_true(r->pid >= 0);
    if (r->pid == 0) {
        char log[700];
        snprintf(log, sizeof log, "%s/rsyslogd.out", r->dir);
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(bin, "rsyslogd", "-n", "-f", conf, "-i", pid, (char *)NULL);
        _exit(127);
    }
    running = r->pid;
    for (int i = 0; i < 500 && !can_connect(r->port); i++)
        usleep(20000);
    if (!can_connect(r->port)) {
        kill(r->pid, SIGTERM);
        fail_msg("rsyslogd did not start listening on 127.0.0.1:%d", r->port);
    }
}

static void rsyslog_stop(rsyslog *r)
{
    kill(r->pid, SIGTERM);
    waitpid(r->pid, NULL, 0);
    running = -1;
}

static size_t lines_in(const char *path)
{
    char *d = testutil_slurp(path, NULL);
    size_t n = 0;
    for (char *p = d; p && *p; p++)
        n += *p == '\n';
    free(d);
    return n;
}

/* Waits until path has want lines and returns its content. */
static char *wait_lines(const char *dir, const char *name, size_t want)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (int i = 0; i < 500 && lines_in(path) < want; i++)
        usleep(20000);
    assert_int_equal(lines_in(path), want);
    return testutil_slurp(path, NULL);
}

static sink *syslog_sink(const char *extra, int port)
{
    char conf[512], err[512];
    json_t *j;
    sink *s;
    snprintf(conf, sizeof conf,
             "{\"type\":\"syslog\",\"host\":\"127.0.0.1\",\"port\":%d,\"hostname\":\"decoy-host\"%s}", port,
             extra);
    j = json_loads(conf, 0, NULL);
    assert_non_null(j);
    s = sink_new_from_json(j, "t.json: sinks[2]", err, sizeof err);
    json_decref(j);
    if (!s)
        fail_msg("%s", err);
    return s;
}

static void test_rfc5424_tcp_hostile(void **state)
{
    char *big = malloc(70000), *raw, *parsed;
    const char *docs[3];
    size_t lens[3];
    rsyslog r;
    sink_result res;
    sink *s;
    (void)state;
    snprintf(big, 70000,
             "{\"id\":\"BIG\",\"action\":\"recon\",\"user\":{\"name\":\"%065536d\"},\"summary\":\"x\\ny\"}", 0);
    docs[0] = HOSTILE, docs[1] = "{\"id\":\"A-2\",\"action\":\"kerberoast\",\"summary\":\"plain\"}",
    docs[2] = big;
    for (int i = 0; i < 3; i++)
        lens[i] = strlen(docs[i]);
    rsyslog_start(&r);
    s = syslog_sink("", r.port);
    assert_int_equal(sink_send(s, docs, lens, 3, &res), SINK_OK);
    raw = wait_lines(r.dir, "raw.log", 3);
    parsed = wait_lines(r.dir, "parsed.log", 3);
    /* one line per alert, the hostile newline escaped inside the SD value */
    assert_non_null(strstr(raw, "<33>1 2026-11-23T10:00:00.250Z decoy-host decoysvc "));
    assert_non_null(strstr(raw, " password_guess [addecoy@32473 id=\"ALERT-7\""));
    assert_non_null(strstr(raw, "user=\"a\\\"b\\\\c\\]d\\x0Ainjected\""));
    assert_non_null(strstr(raw, "] guess as decoy <13>1 2026-01-01T00:00:00Z forged"));
    assert_null(strstr(raw, "#012")); /* rsyslog's mark for a raw control character */
    assert_non_null(strstr(parsed, "password_guess|[addecoy@32473 id=\"ALERT-7\""));
    assert_non_null(strstr(parsed, "kerberoast|[addecoy@32473 id=\"A-2\" action=\"kerberoast\"]|plain"));
    /* a second batch over the same connection */
    assert_int_equal(sink_send(s, docs + 1, lens + 1, 1, &res), SINK_OK);
    free(wait_lines(r.dir, "raw.log", 4));
    sink_free(s);
    free(raw);
    free(parsed);
    rsyslog_stop(&r);
    /* the server is gone: RETRY, not OK */
    s = syslog_sink("", r.port);
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_RETRY);
    sink_free(s);
    free(big);
}

static void test_cef_and_udp(void **state)
{
    const char *docs[] = {HOSTILE};
    size_t lens[] = {strlen(HOSTILE)};
    rsyslog r;
    sink_result res;
    sink *s;
    char *raw;
    (void)state;
    rsyslog_start(&r);
    s = syslog_sink(",\"format\":\"cef\"", r.port);
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_OK);
    sink_free(s);
    s = syslog_sink(",\"protocol\":\"udp\",\"facility\":10,\"severity\":2", r.port);
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_OK);
    assert_true(sink_wants_heartbeat(s));
    docs[0] = HEARTBEAT, lens[0] = strlen(HEARTBEAT); /* a state, not an alert: informational */
    assert_int_equal(sink_send(s, docs, lens, 1, &res), SINK_OK);
    sink_free(s);
    raw = wait_lines(r.dir, "raw.log", 3);
    assert_non_null(strstr(raw, "<86>1 2026-11-23T10:05:00.000Z ")); /* authpriv.info */
    assert_non_null(strstr(raw, "] CEF:0|ADDecoy|decoysvc|"));
    assert_non_null(strstr(
        raw, "|password_guess|guess as decoy <13>1 2026-01-01T00:00:00Z forged - - - - fake\\|pipe=eq|8|"));
    assert_non_null(strstr(raw, " suser=a\"b\\\\c]d\\ninjected "));
    assert_non_null(strstr(raw, " msg=guess as decoy\\n<13>1 2026-01-01T00:00:00Z forged - - - - fake|pipe\\=eq"));
    assert_non_null(strstr(raw, "<82>1 ")); /* authpriv.crit over UDP */
    free(raw);
    rsyslog_stop(&r);
}

static void test_config_errors(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"syslog\"}",
        "{\"type\":\"syslog\",\"host\":\"h\",\"protocol\":\"tls\"}",
        "{\"type\":\"syslog\",\"host\":\"h\",\"port\":70000}",
        "{\"type\":\"syslog\",\"host\":\"h\",\"format\":\"leef\"}",
        "{\"type\":\"syslog\",\"host\":\"h\",\"facility\":24}",
    };
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        sink *s = sink_new_from_json(j, "t.json: sinks[2]", err, sizeof err);
        json_decref(j);
        if (s)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err, "t.json: sinks[2]"));
    }
}

/* A peer that takes the connection but never reads (a stalled SIEM): the send waits for it, and a
 * stop (the sink's cancel flag, set by the delivery thread) cuts the wait short instead of holding
 * the service for timeout_ms. */
static void set_flag_soon(void *arg)
{
    svc_sleep_ms(300);
    atomic_store((atomic_int *)arg, 1);
}

static void test_stop_cancels_blocked_send(void **state)
{
    enum { N = 5000 }; /* 5000 records of ~7 KiB: far more than the socket buffers hold */
    struct sockaddr_in a = {0};
    socklen_t l = sizeof a;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;
    char *big = malloc(70000), extra[64], err[256];
    const char *docs[N];
    size_t lens[N];
    atomic_int cancel = 0;
    svc_thread *t;
    sink_result res;
    sink *s;
    (void)state;
    snprintf(big, 70000, /* ~7 KiB, what a record holds at most: no byte of it is cut */
             "{\"id\":\"BIG\",\"action\":\"recon\",\"summary\":\"%04000d\",\"user\":{\"name\":\"%01000d\","
             "\"domain\":\"%01000d\"},\"decoy\":{\"name\":\"%01000d\"}}",
             0, 0, 0, 0);
    for (int i = 0; i < N; i++)
        docs[i] = big, lens[i] = strlen(big);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &l), 0);
    assert_int_equal(listen(lfd, 1), 0); /* never accepted, never read */
    snprintf(extra, sizeof extra, ",\"batch\":%d,\"timeout_ms\":60000", N);
    s = syslog_sink(extra, ntohs(a.sin_port));
    sink_set_cancel(s, &cancel);
    assert_non_null(t = svc_thread_start(set_flag_soon, &cancel, err, sizeof err));
    assert_int_equal(sink_send(s, docs, lens, N, &res), SINK_RETRY);
    svc_thread_join(t);
    if (!strstr(res.message, "cancelled"))
        fail_msg("the send was not cut short by the stop: %s", res.message);
    sink_free(s);
    close(lfd);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc5424_tcp_hostile),
        cmocka_unit_test(test_cef_and_udp),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_stop_cancels_blocked_send),
    };
    testutil_init();
    atexit(stop_running);
    return testutil_run(tests);
}
#endif
