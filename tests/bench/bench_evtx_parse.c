/*
 * bench_evtx_parse.c - throughput of the rendered-XML input: records per second through
 * split + ID filter + parse, over a corpus file repeated in memory, on one core.
 *
 * usage: bench_evtx_parse [FILE [REPEAT]]
 *   FILE defaults to $ADDECOY_CORPUS/xml/baseline-security.xml (or ../shared/corpus/...).
 * Prints one line per mode: split only (every ID filtered out by the cheap scan), with the
 * detector's EventID filter (the figure that matters), and with no filter (everything parsed).
 */
#include "evtx/evtx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const unsigned detector_ids[] = {4624, 4625, 4662, 4738, 4768, 4769, 4771, 4776, 5136};

struct counts {
    unsigned long long events, fields;
};

static int on_event(void *ctx, const evtx_event *ev, uint64_t end_offset)
{
    struct counts *c = ctx;
    (void)end_offset;
    c->events++;
    c->fields += ev->nfields;
    return 0;
}

/* CPU time of this process: the figure is per core and not skewed by other jobs. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)size + 1)) != NULL) {
        if (fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        } else
            *len = (size_t)size;
    }
    fclose(f);
    return data;
}

static int run(const char *data, size_t len, int repeat, const uint8_t *want, const char *label)
{
    struct counts c = {0, 0};
    evtx_xml_opts o;
    evtx_xml_stream *s;
    const evtx_stream_stats *st;
    double t0, dt;

    memset(&o, 0, sizeof o);
    o.on_event = on_event;
    o.ctx = &c;
    o.want_ids = want;
    s = evtx_xml_new(&o);
    if (!s)
        return -1;
    t0 = now_s();
    for (int r = 0; r < repeat; r++)
        for (size_t off = 0; off < len; off += 65536)
            evtx_xml_feed(s, data + off, len - off < 65536 ? len - off : 65536);
    evtx_xml_finish(s);
    dt = now_s() - t0;
    st = evtx_xml_stats(s);
    printf("%-10s records=%llu delivered=%llu filtered=%llu malformed=%llu  %.3f s  "
           "%.0f records/s  %.1f MB/s (CPU time)\n",
           label, (unsigned long long)st->records, (unsigned long long)st->delivered,
           (unsigned long long)st->filtered, (unsigned long long)st->malformed, dt, (double)st->records / dt,
           (double)len * repeat / dt / 1e6);
    evtx_xml_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    char def[4096];
    const char *corpus = getenv("ADDECOY_CORPUS");
    const char *path = argc > 1 ? argv[1] : NULL;
    int repeat = argc > 2 ? atoi(argv[2]) : 20;
    static uint8_t want[65536 / 8], none[65536 / 8];
    size_t len = 0;
    char *data;

    if (!path) {
        snprintf(def, sizeof def, "%s/xml/baseline-security.xml",
                 corpus && *corpus ? corpus : "../shared/corpus");
        path = def;
    }
    data = slurp(path, &len);
    if (!data) {
        fprintf(stderr, "bench_evtx_parse: cannot read %s\n", path);
        return 2;
    }
    for (size_t i = 0; i < sizeof detector_ids / sizeof detector_ids[0]; i++)
        want[detector_ids[i] >> 3] |= (uint8_t)(1u << (detector_ids[i] & 7));
    printf("%s x %d (%.1f MB)\n", path, repeat, (double)len * repeat / 1e6);
    run(data, len, repeat, none, "split");
    run(data, len, repeat, want, "filtered");
    run(data, len, repeat, NULL, "all");
    free(data);
    return 0;
}
