/* input_samba.c - decoysvc input for a Samba AD DC: follows the JSON authentication audit log,
 * the KDC log and the directory change audit log line by line (rotation and truncation safe) and hands each line to the Samba
 * parser of evtx/, which turns it into the same normalised events as Windows' Security log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/input/input.h"
#include "svc/base/analyzer.h"
#include "svc/base/platform.h"
#include "svc/base/strbuf.h"

#define LINE_MAX_BYTES (256 * 1024)
#define READ_CHUNK (64 * 1024)
#define CHUNKS_PER_POLL 32

typedef struct samba_log {
    const char *path;
    const char *key; /* "auth_log", "kdc_log" or "dsdb_log" in the checkpoint */
    evtx_follow *fol;
    strbuf line;   /* incomplete line carried over between reads, at most LINE_MAX_BYTES */
    uint64_t done; /* offset just past the last complete line handled */
    int skipping;  /* inside an over-long line: drop bytes up to the next newline */
} samba_log;

typedef struct samba_input {
    evtx_samba *parser;
    evtx_event ev;
    samba_log logs[3];
    size_t nlogs;
    int failed;
    uint64_t bad_lines;
    char buf[READ_CHUNK];
} samba_input;

static int log_open(svc_input *in, samba_log *l, const json_t *cp, char *err, size_t errlen)
{
    if (l->fol)
        evtx_follow_close(l->fol);
    strbuf_reset(&l->line);
    l->line.max = LINE_MAX_BYTES;
    l->skipping = 0;
    l->fol = input_file_follow(cp ? json_object_get(cp, l->key) : NULL, l->path, in->conf->start, in->lg, err,
                               errlen);
    if (!l->fol)
        return -1;
    l->done = evtx_follow_offset(l->fol);
    return 0;
}

/* One complete line: parse it and feed the event, if any, to the pipeline. */
static int handle_line(svc_input *in, samba_log *l, const char *line, size_t len)
{
    samba_input *s = in->impl;
    char err[512];
    int rc;

    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    rc = evtx_samba_line(s->parser, line, len, &s->ev, err, sizeof err);
    if (rc < 0) {
        s->bad_lines++;
        svc_log(in->lg, SVC_LOG_WARN, "%s: byte %llu: unparsed line: %s", l->path,
                (unsigned long long)l->done, err);
        return 0;
    }
    if (rc == 1) {
        int64_t now = svc_now_ms();
        if (s->ev.time_ms < 0) /* a KDC line without its header line: when we read it */
            evtx_event_set_time_ms(&s->ev, now);
        if (pipeline_event(in->pipe, &s->ev, now))
            return -1;
    }
    return 0;
}

/* Splits new bytes into lines; l->done advances past each handled line. */
static int feed_bytes(svc_input *in, samba_log *l, const char *p, size_t n)
{
    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;

        if (!l->skipping) {
            strbuf_append(&l->line, p, take);
            if (l->line.failed == STRBUF_TOO_LONG) {
                svc_log(in->lg, SVC_LOG_WARN, "%s: byte %llu: line longer than %d bytes skipped", l->path,
                        (unsigned long long)l->done, LINE_MAX_BYTES);
                l->skipping = 1;
                strbuf_reset(&l->line);
            } else if (l->line.failed) {
                return -1;
            }
        }
        if (!nl)
            return 0;
        if (!l->skipping && handle_line(in, l, l->line.data, l->line.len))
            return -1;
        l->done = evtx_follow_offset(l->fol) - (n - take - 1);
        strbuf_reset(&l->line);
        l->skipping = 0;
        p += take + 1;
        n -= take + 1;
    }
    return 0;
}

/* -fanalyzer: samba_poll calls this for &s->logs[i]; feed_bytes' realloc of l->line is reported
 * leaked on return (analyzer.h) */
ANALYZER_LEAK_CHECK_OFF
static long log_poll(svc_input *in, samba_log *l)
{
    samba_input *s = in->impl;
    char err[512];
    long total = 0;

    for (int i = 0; i < CHUNKS_PER_POLL && !s->failed; i++) {
        int restarted = 0;
        long n = evtx_follow_read(l->fol, s->buf, sizeof s->buf, &restarted, err, sizeof err);
        if (restarted) {
            svc_log(in->lg, SVC_LOG_INFO, "%s: rotated or truncated: reading the new file from its start",
                    l->path);
            strbuf_reset(&l->line);
            l->done = 0;
            l->skipping = 0;
        }
        if (n < 0) {
            svc_log(in->lg, SVC_LOG_ERR, "%s: %s", l->path, err);
            snprintf(in->lost, sizeof in->lost, "%.200s: %.300s", l->path, err);
            return total ? total : -1;
        }
        if (n == 0)
            break;
        if (feed_bytes(in, l, s->buf, (size_t)n))
            s->failed = 1;
        total += n;
    }
    return total;
}
ANALYZER_LEAK_CHECK_ON

static long samba_poll(svc_input *in)
{
    samba_input *s = in->impl;
    long total = 0;

    in->lost[0] = '\0'; /* set again below while a log cannot be read */
    for (size_t i = 0; i < s->nlogs; i++) {
        long n = log_poll(in, &s->logs[i]);
        if (n > 0)
            total += n;
    }
    return total;
}

static json_t *samba_checkpoint(svc_input *in)
{
    samba_input *s = in->impl;
    json_t *cp = json_object();

    for (size_t i = 0; i < s->nlogs; i++)
        json_object_set_new(cp, s->logs[i].key,
                            input_file_checkpoint(evtx_follow_identity(s->logs[i].fol), s->logs[i].done));
    return cp;
}

static void samba_rewind(svc_input *in, const json_t *cp)
{
    samba_input *s = in->impl;
    char err[512];

    s->failed = 0;
    for (size_t i = 0; i < s->nlogs; i++)
        if (log_open(in, &s->logs[i], cp, err, sizeof err))
            svc_log(in->lg, SVC_LOG_ERR, "%s: %s", s->logs[i].path, err);
}

static int samba_finished(svc_input *in)
{
    (void)in;
    return 0;
}

static void samba_free(svc_input *in)
{
    samba_input *s = in->impl;
    if (!s)
        return;
    for (size_t i = 0; i < s->nlogs; i++) {
        if (s->logs[i].fol)
            evtx_follow_close(s->logs[i].fol);
        strbuf_free(&s->logs[i].line);
    }
    if (s->parser)
        evtx_samba_free(s->parser);
    evtx_event_free(&s->ev);
    free(s);
}

static const svc_input_ops samba_ops = {samba_poll, samba_checkpoint, samba_rewind, samba_finished, samba_free};

int input_samba_open(svc_input *in, const json_t *checkpoint, char *err, size_t errlen)
{
    samba_input *s = calloc(1, sizeof *s);

    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    in->impl = s;
    in->ops = &samba_ops;
    evtx_event_init(&s->ev);
    s->parser = evtx_samba_new(in->conf->computer, pipeline_resolve_spn, in->pipe);
    if (!s->parser) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (in->conf->kdc_log)
        s->logs[s->nlogs++] = (samba_log){.path = in->conf->kdc_log, .key = "kdc_log"};
    if (in->conf->auth_log)
        s->logs[s->nlogs++] = (samba_log){.path = in->conf->auth_log, .key = "auth_log"};
    if (in->conf->dsdb_log)
        s->logs[s->nlogs++] = (samba_log){.path = in->conf->dsdb_log, .key = "dsdb_log"};
    for (size_t i = 0; i < s->nlogs; i++)
        if (log_open(in, &s->logs[i], checkpoint, err, errlen))
            goto fail;
    return 0;
fail:
    samba_free(in);
    in->impl = NULL;
    return -1;
}
