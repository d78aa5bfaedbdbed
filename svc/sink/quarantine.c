/* quarantine.c - the per-sink quarantine of poison alerts (see quarantine.h): one JSON line per
 * alert, appended and fsynced through the spool's file-system layer. */
#include "svc/sink/quarantine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "evtx/evtx.h"
#include "svc/base/platform.h"
#include "svc/sink/escape.h"
#include "svc/spool/spool.h"
#include "svc/base/fs.h"

void quarantine_path(const char *dir, const char *sink, char *buf, size_t len)
{
    spool_file_name(dir, sink, ".jsonl", buf, len);
}

/* A JSON string from any bytes: invalid UTF-8 replaced. */
static json_t *text_value(const char *s, size_t len)
{
    strbuf b = {0};
    json_t *v;

    escape_utf8(&b, s, len);
    v = json_string(b.data ? b.data : "");
    strbuf_free(&b);
    return v;
}

static char *quarantine_line(const char *sink, const char *doc, size_t len, unsigned attempts, const char *reply)
{
    char when[40];
    json_t *line = json_object(), *alert = json_loadb(doc, len, 0, NULL);
    char *text;

    evtx_format_time(svc_now_ms(), when, sizeof when);
    json_object_set_new(line, "quarantined_at", json_string(when));
    json_object_set_new(line, "sink", text_value(sink, strlen(sink)));
    json_object_set_new(line, "attempts", json_integer(attempts));
    json_object_set_new(line, "reply", text_value(reply, strlen(reply)));
    if (alert) {
        json_object_set_new(line, "alert", alert);
    } else { /* not JSON: kept as text */
        json_object_set_new(line, "alert_text", text_value(doc, len));
    }
    text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(line);
    return text;
}

int quarantine_append(const char *dir, const char *sink, const char *doc, size_t len, unsigned attempts,
                      const char *reply, char *err, size_t errlen)
{
    char path[4096];
    char *text = NULL;
    int fd = -1, rc = -1;
    size_t n;

    quarantine_path(dir, sink, path, sizeof path);
    if (svc_mkdir_p(dir, err, errlen) < 0)
        return -1;
    if (!(text = quarantine_line(sink, doc, len, attempts, reply))) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    n = strlen(text);
    text[n] = '\n'; /* json_dumps leaves room for the NUL: the newline replaces it */
    if ((fd = fs_open_append(path, 1)) < 0 || fs_write_all(fd, text, n + 1) < 0 || fs_fsync(fd) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        fs_close(fd);
    free(text);
    return rc;
}
