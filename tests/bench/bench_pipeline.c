/*
 * bench_pipeline.c - throughput of parse + match: ../shared/corpus/xml/baseline-security.xml fed
 * from memory again and again (>= 1,000,000 events) through the streaming XML parser into the
 * detector and throttle, with an inventory of 10,000 synthetic decoys plus the scenario decoys,
 * written to a temporary file and loaded as decoysvc loads it (packed, the file read in blocks).
 * Prints events/s of CPU time for each run (the daemon's input path: the file read in 64 KiB chunks with both
 * pre-filters, run first so that its peak RSS is its own; then from memory: all events parsed, the
 * EventID pre-filter, both pre-filters; match only over pre-parsed events) and the peak RSS.
 * Usage: bench_pipeline [CORPUS_DIR] [MIN_EVENTS] [DECOYS]
 *   DECOYS: synthetic decoys besides the five scenario ones (default 10000; issue 15 measures
 *   10000 and 100000, each in its own process since peak RSS is per process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "adseed/adseed.h"
#include "evtx/evtx.h"
#include "svc/detect/decoy_index.h"
#include "svc/detect/detector.h"
#include "svc/detect/throttle.h"

typedef struct bench {
    detector *det;
    throttle *thr;
    uint64_t events, detections, alerts;
    evtx_event *keep; /* for the match-only run: copies of the first events */
    size_t nkeep, capkeep;
} bench;

/* CPU time of this process: the figures are per core and not skewed by other jobs on a shared
 * machine (the benchmark is single-threaded). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size now, from /proc/self/statm (Linux); -1 elsewhere. */
static double current_rss_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = -1, rss = -1;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = -1;
    fclose(f);
    return rss < 0 ? -1 : (double)rss * 4096.0 / 1048576.0;
}

static int count_alert(void *ctx, const alert *a)
{
    ((bench *)ctx)->alerts += a->count ? 1 : 0;
    return 0;
}

static int on_event(void *ctx, const evtx_event *ev, uint64_t end)
{
    bench *b = ctx;
    detection d;
    alert a;
    (void)end;
    b->events++;
    if (b->nkeep < b->capkeep) {
        evtx_event_init(&b->keep[b->nkeep]);
        if (evtx_event_copy(&b->keep[b->nkeep], ev) == 0)
            b->nkeep++;
    }
    if (detector_examine(b->det, ev, &d)) {
        b->detections++;
        throttle_flush(b->thr, ev->time_ms, 0, count_alert, b);
        if (throttle_observe(b->thr, &d, ev->time_ms, &a))
            b->alerts++;
    }
    return 0;
}

/* Writes the inventory to f, entry by entry (the benchmark never holds its text). */
static int write_inventory(FILE *f, size_t n)
{
    static const char scenario[] =
        "{\"name\":\"Svc-SQL-DB01\",\"kind\":\"kerberoast\",\"sid\":\"S-1-5-21-4230534742-2542757381-3142984815-1171\"},"
        "{\"name\":\"admin-test\",\"kind\":\"asrep\"},{\"name\":\"admin-hacker\"},{\"name\":\"svc_nxlog\"},"
        "{\"name\":\"honey-pot1\",\"kind\":\"recon\",\"sid\":\"S-1-5-21-4230534742-2542757381-3142984815-1159\","
        "\"guid\":\"259162f1-58e4-4ee9-9b9c-2baf2a03d376\"}";
    fprintf(f, "{\"version\":1,\"decoys\":[%s", scenario);
    for (size_t i = 0; i < n; i++)
        fprintf(f,
                ",{\"name\":\"bench_decoy_%05zu\",\"sid\":\"S-1-5-21-1111-2222-3333-%zu\","
                "\"guid\":\"%08zx-0000-4000-8000-%012zx\",\"spns\":[\"HTTP/bench%05zu.corp.example\"],"
                "\"kind\":\"kerberoast\",\"memo\":\"synthetic bench decoy\"}",
                i, 100000 + i, i, i, i);
    fprintf(f, "]}\n");
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

static const decoy_index *bench_index; /* for bench_prefilter: set once in main */

static int bench_prefilter(void *ctx, unsigned event_id, const char *rec, size_t len)
{
    (void)ctx;
    return detect_prefilter(bench_index, event_id, rec, len);
}

/* Feeds data repeatedly until min_events records went through; returns the elapsed seconds. */
static double run_stream(bench *b, const char *data, size_t len, uint64_t min_events, const uint8_t *want,
                         int prefilter)
{
    evtx_xml_opts o;
    evtx_xml_stream *s;
    double t0;
    memset(&o, 0, sizeof o);
    o.on_event = on_event;
    o.ctx = b;
    o.want_ids = want;
    o.prefilter = prefilter ? bench_prefilter : NULL;
    s = evtx_xml_new(&o);
    if (!s)
        return -1;
    t0 = now_s();
    while (evtx_xml_stats(s)->records < min_events)
        if (evtx_xml_feed(s, data, len) != 0)
            break;
    evtx_xml_finish(s);
    t0 = now_s() - t0;
    b->events = evtx_xml_stats(s)->records;
    evtx_xml_free(s);
    return t0;
}

/* The daemon's input path: the file read with fread in 64 KiB chunks, rewound at its end, until
 * min_events records went through (both pre-filters). Returns the elapsed seconds, -1 on error. */
static double run_file(bench *b, FILE *f, uint64_t min_events, const uint8_t *want)
{
    enum { CHUNK = 64 * 1024 };
    evtx_xml_opts o;
    evtx_xml_stream *s = NULL;
    char *buf = malloc(CHUNK);
    double t0 = -1;
    size_t n;

    memset(&o, 0, sizeof o);
    o.on_event = on_event;
    o.ctx = b;
    o.want_ids = want;
    o.prefilter = bench_prefilter;
    if (!buf || !(s = evtx_xml_new(&o)))
        goto out;
    rewind(f);
    t0 = now_s();
    while (evtx_xml_stats(s)->records < min_events) {
        n = fread(buf, 1, CHUNK, f);
        if (n == 0) {
            if (ferror(f) || ftell(f) == 0)
                break;
            rewind(f);
            continue;
        }
        if (evtx_xml_feed(s, buf, n) != 0)
            break;
    }
    evtx_xml_finish(s);
    t0 = now_s() - t0;
    b->events = evtx_xml_stats(s)->records;
out:
    evtx_xml_free(s);
    free(buf);
    return t0;
}

int main(int argc, char **argv)
{
    const char *corpus = argc > 1 ? argv[1] : getenv("ADDECOY_CORPUS");
    uint64_t min_events = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    size_t ndecoys = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 10000;
    static const unsigned ids[] = {4624, 4625, 4662, 4738, 4768, 4769, 4771, 4776, 5136};
    static uint8_t want[65536 / 8];
    char path[4096], inv_path[4096], err[512], *xml = NULL;
    size_t xml_len;
    adseed_pack *pack = NULL;
    decoy_index *ix;
    bench b;
    double t;
    struct rusage ru;
    FILE *xf;

    if (!corpus)
        corpus = "../shared/corpus";
    snprintf(path, sizeof path, "%s/xml/baseline-security.xml", corpus);
    xf = fopen(path, "rb");
    if (!xf) {
        fprintf(stderr, "bench_pipeline: %s: cannot open (pass the corpus directory as the first argument)\n",
                path);
        return 77;
    }
    {
        const char *tmp = getenv("TMPDIR");
        int fd;
        FILE *f = NULL;
        snprintf(inv_path, sizeof inv_path, "%s/bench_inventory_XXXXXX", tmp && *tmp ? tmp : "/tmp");
        fd = mkstemp(inv_path);
        if (fd < 0 || !(f = fdopen(fd, "w")) || write_inventory(f, ndecoys) != 0 || fclose(f) != 0) {
            fprintf(stderr, "bench_pipeline: %s: cannot write the inventory\n", inv_path);
            return 1;
        }
        getrusage(RUSAGE_SELF, &ru);
        printf("peak RSS before loading the inventory: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    }
    t = now_s();
    if (adseed_pack_load(&pack, inv_path, err, sizeof err) != 0) {
        fprintf(stderr, "bench_pipeline: inventory: %s\n", err);
        remove(inv_path);
        return 1;
    }
    remove(inv_path);
    ix = decoy_index_build_pack(pack, err, sizeof err);
    if (!ix) {
        fprintf(stderr, "bench_pipeline: %s\n", err);
        return 1;
    }
    printf("inventory: %zu decoys loaded and indexed in %.1f ms\n", decoy_index_count(ix), (now_s() - t) * 1000);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS after loading the inventory: %.1f MB (packed, its file read in 64 KiB blocks); current "
           "RSS %.1f MB\n",
           (double)ru.ru_maxrss / 1024.0, current_rss_mb());

    memset(&b, 0, sizeof b);
    b.det = detector_new(ix);
    b.thr = throttle_new(300000);
    bench_index = ix;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        want[ids[i] / 8] |= (uint8_t)(1u << (ids[i] % 8));
    t = run_file(&b, xf, min_events, want);
    fclose(xf);
    printf("parse + match, file in 64 KiB reads: %10llu events in %6.2f s = %9.0f events/s (%llu detections)"
           "  <- as decoysvc runs\n",
           (unsigned long long)b.events, t, (double)b.events / t, (unsigned long long)b.detections);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS after parse + match from the file (64 KiB reads, both pre-filters): %.1f MB; current RSS "
           "%.1f MB\n",
           (double)ru.ru_maxrss / 1024.0, current_rss_mb());

    /* the runs below feed the whole file from memory */
    xml = adseed_read_file(path, &xml_len, err, sizeof err);
    if (!xml) {
        fprintf(stderr, "bench_pipeline: %s\n", err);
        return 1;
    }
    b.detections = 0;
    t = run_stream(&b, xml, xml_len, min_events, NULL, 0);
    printf("parse + match, every event parsed : %10llu events in %6.2f s = %9.0f events/s (%llu detections)\n",
           (unsigned long long)b.events, t, (double)b.events / t, (unsigned long long)b.detections);

    b.detections = 0;
    t = run_stream(&b, xml, xml_len, min_events, want, 0);
    printf("parse + match, EventID pre-filter  : %10llu events in %6.2f s = %9.0f events/s (%llu detections)\n",
           (unsigned long long)b.events, t, (double)b.events / t, (unsigned long long)b.detections);
    b.detections = 0;
    t = run_stream(&b, xml, xml_len, min_events, want, 1);
    printf("parse + match, both pre-filters    : %10llu events in %6.2f s = %9.0f events/s (%llu detections)\n",
           (unsigned long long)b.events, t, (double)b.events / t, (unsigned long long)b.detections);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS after parse + match: %.1f MB; current RSS %.1f MB (inventory of %zu decoys, the XML file "
           "%.1f MB in memory)\n",
           (double)ru.ru_maxrss / 1024.0, current_rss_mb(), adseed_pack_count(pack),
           (double)xml_len / 1048576.0);

    /* match only: the detector over pre-parsed copies of the file's events */
    b.capkeep = 2261;
    b.keep = calloc(b.capkeep, sizeof *b.keep);
    run_stream(&b, xml, xml_len, 1, want, 0);

    {
        uint64_t n = 0, hits = 0;
        detection *d = malloc(sizeof *d);
        t = now_s();
        while (n < min_events && b.nkeep) {
            for (size_t i = 0; i < b.nkeep; i++, n++)
                hits += (uint64_t)detector_examine(b.det, &b.keep[i], d);
        }
        t = now_s() - t;
        printf("match only (pre-parsed events)     : %10llu events in %6.2f s = %9.0f events/s (%llu detections)\n",
               (unsigned long long)n, t, (double)n / t, (unsigned long long)hits);
        free(d);
    }

    for (size_t i = 0; i < b.nkeep; i++)
        evtx_event_free(&b.keep[i]);
    free(b.keep);
    throttle_free(b.thr);
    detector_free(b.det);
    decoy_index_free(ix);
    adseed_pack_free(pack);
    free(xml);
    return 0;
}
