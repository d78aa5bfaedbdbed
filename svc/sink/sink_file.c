/* sink_file.c - the "file" sink: alerts as JSON lines appended to a file (fsync after each batch)
 * or written to stdout with "path": "-". The documents are compact JSON, so one alert = one line. */
#include "svc/sink/sink_int.h"
#include "svc/base/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct file_sink {
    char *path;
    long long batch;
    FILE *f;
} file_sink;

static const opt_def FILE_OPTS[] = {
    OPT_S(file_sink, path, "path", OPT_REQUIRED, NULL, "the JSON lines file, \"-\" = standard output"),
    OPT_I(file_sink, batch, "batch", 500, 1, 10000, "alerts per write and fsync"),
    OPT_END,
};
const opt_map SINK_FILE_MAP = {"file", ": ", NULL, FILE_OPTS};

static void file_free(void *impl)
{
    file_sink *fs = impl;
    if (!fs)
        return;
    if (fs->f && fs->f != stdout)
        fclose(fs->f);
    opt_free(&SINK_FILE_MAP, fs);
    free(fs);
}

static sink_status file_send(sink *s, const char *const *docs, const size_t *lens, size_t n, sink_result *res)
{
    file_sink *fs = s->impl;
    int is_stdout = strcmp(fs->path, "-") == 0;

    if (!fs->f) {
        fs->f = is_stdout ? stdout : fs_fopen(fs->path, "ab");
        if (!fs->f) {
            snprintf(res->message, sizeof res->message, "%s: %s", fs->path, strerror(errno));
            return SINK_RETRY;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = lens[i];
        while (len > 0 && (docs[i][len - 1] == '\n' || docs[i][len - 1] == '\r'))
            len--;
        if (memchr(docs[i], '\n', len)) { /* not compact JSON: would break the line format */
            res->rejected_index = i;
            snprintf(res->message, sizeof res->message, "document %zu contains a raw newline", i);
            return SINK_REJECTED;
        }
        if (fwrite(docs[i], 1, len, fs->f) != len || fputc('\n', fs->f) == EOF)
            goto io_error;
    }
    if (fflush(fs->f) != 0 || (!is_stdout && fs_fsync_stream(fs->f) != 0))
        goto io_error;
    return SINK_OK;
io_error:
    snprintf(res->message, sizeof res->message, "%s: write failed: %s", fs->path, strerror(errno));
    if (!is_stdout)
        fclose(fs->f);
    fs->f = NULL; /* reopen on retry (the file may have been rotated or the disk freed) */
    return SINK_RETRY;
}

static const sink_ops FILE_OPS = {"file", file_send, file_free};

int sink_file_init(sink *s, const json_t *conf, const char *where, char *err, size_t errlen)
{
    file_sink *fs = calloc(1, sizeof *fs);

    s->ops = &FILE_OPS;
    s->impl = fs;
    if (!fs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (opt_parse(&SINK_FILE_MAP, conf, -1, fs, where, err, errlen) < 0)
        return -1;
    if (!*fs->path) {
        snprintf(err, errlen, "%s: path: must not be empty (\"-\" for stdout)", where);
        return -1;
    }
    s->max_batch = (size_t)fs->batch;
    return 0;
}
