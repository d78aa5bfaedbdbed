/*
 * evtx.h - the public interface of ADDecoy's event input library.
 *
 * Every source (rendered event XML from wevtutil/evtxexport/EvtRender, a followed XML file,
 * Samba AD DC logs, the Windows EvtSubscribe channel) produces the same normalised event:
 * struct evtx_event. The detector (svc/) only ever sees this struct.
 *
 * Conventions: functions return 0 on success and -1 on error with a message in err[errlen];
 * no global mutable state; every string handed out is valid UTF-8 (invalid input bytes are
 * replaced by U+FFFD) and NUL-terminated.
 */
#ifndef ADDECOY_EVTX_H
#define ADDECOY_EVTX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------------------------ */
#define EVTX_MAX_FIELDS 128           /* EventData fields kept per record; extra ones are dropped */
#define EVTX_FIELD_MAX (64 * 1024)    /* longer values are truncated (counted in ev->truncated) */
#define EVTX_RECORD_MAX (1024 * 1024) /* a larger <Event> record is skipped as oversized */
/* Work bounds of the binary .evtx reader beyond one record: the XML rendered from one 64 KiB
 * chunk, the BinXML tokens rendered for one chunk (16 records at the per-record bound), and the
 * XML rendered from a whole file: EVTX_FILE_XML_RATIO times the bytes read so far plus one chunk's
 * bound. Real logs stay far below (23 files of many channels: at most 123 KiB of XML from one
 * chunk, 1.4 times the file size over a file). Past a bound the chunk's remaining records are
 * skipped as oversized, counted (evtx_file_stats.over_budget) and reported once per chunk. */
#define EVTX_CHUNK_XML_MAX (8 * 1024 * 1024)
#define EVTX_CHUNK_STEPS_MAX (4u * 1024 * 1024)
#define EVTX_FILE_XML_RATIO 16

/* ---- the normalised event ------------------------------------------------------------------ */
typedef struct evtx_field {
    const char *name;  /* Data/@Name, e.g. "TargetUserName" */
    const char *value; /* text, "" when empty; never NULL */
    size_t len;        /* strlen(value) */
} evtx_field;

typedef struct evtx_event {
    unsigned event_id;        /* System/EventID */
    unsigned version;         /* System/Version */
    uint64_t record_id;       /* System/EventRecordID (0 when absent) */
    int64_t time_ms;          /* System/TimeCreated/@SystemTime, ms since the epoch, UTC; -1 unknown */
    const char *time_created; /* the same as ISO 8601 UTC with ms: "2020-08-02T11:33:06.521Z"; "" unknown */
    const char *channel;      /* System/Channel ("Security", "ForwardedEvents", "samba:kdc", ...) */
    const char *provider;     /* System/Provider/@Name */
    const char *computer;     /* System/Computer: the DC or host that logged it */
    size_t nfields;
    evtx_field fields[EVTX_MAX_FIELDS];
    unsigned truncated; /* number of values truncated to EVTX_FIELD_MAX or fields dropped */

    /* private storage: all strings above point into buf (owned by the event) */
    char *buf;
    size_t buf_len, buf_cap;
} evtx_event;

/* Initialise an empty event (no allocation until first use). */
void evtx_event_init(evtx_event *ev);
/* Forget all values but keep the storage for reuse. */
void evtx_event_reset(evtx_event *ev);
/* Release the storage. */
void evtx_event_free(evtx_event *ev);

/* Value of an EventData field by name (case-sensitive, as Windows names them), NULL when absent. */
const char *evtx_event_get(const evtx_event *ev, const char *name);

/*
 * Builders, used by the parsers and by sources that synthesise events (Samba).
 * Values are copied; invalid UTF-8 is repaired; over-long values are truncated.
 * 'len' may be (size_t)-1 for a NUL-terminated string. Return -1 only on allocation failure.
 */
int evtx_event_set_channel(evtx_event *ev, const char *s, size_t len);
int evtx_event_set_provider(evtx_event *ev, const char *s, size_t len);
int evtx_event_set_computer(evtx_event *ev, const char *s, size_t len);
/* Accepts "2020-08-02T11:33:06.521159600Z", 7-digit Windows form, or without fraction. */
int evtx_event_set_time(evtx_event *ev, const char *iso8601);
void evtx_event_set_time_ms(evtx_event *ev, int64_t ms);
int evtx_event_add_field(evtx_event *ev, const char *name, const char *value, size_t len);

/* Deep copy (dst must be initialised; its old contents are replaced). */
int evtx_event_copy(evtx_event *dst, const evtx_event *src);

/* The EventData fields of the Security events the detector reads (security_fields.c): what a
 * source that can render only some fields (the Windows event log) renders. */
extern const char *const evtx_security_fields[];
extern const size_t evtx_security_nfields;

/* ---- UTF helpers ---------------------------------------------------------------------------- */
/* Length of the longest valid UTF-8 prefix of s[0..len) that does not split a character. */
size_t evtx_utf8_valid_prefix(const char *s, size_t len);
/* Appends s to out, replacing each invalid sequence by U+FFFD. out must hold 3*len+1 bytes.
 * Returns bytes written (NUL-terminated). */
size_t evtx_utf8_repair(char *out, const char *s, size_t len);
/* UTF-16LE (Windows) to UTF-8; lone surrogates become U+FFFD. Returns a malloc'd string or NULL. */
char *evtx_utf16_to_utf8(const uint16_t *s, size_t nunits);

/* Formats ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf (>= 25 bytes). */
void evtx_format_time(int64_t ms, char *buf, size_t len);

/* ---- rendered XML: a stream of <Event> documents with no enclosing root ---------------------- */
typedef struct evtx_xml_stream evtx_xml_stream;

/* Why a record was skipped. */
typedef enum evtx_skip_reason {
    EVTX_SKIP_MALFORMED = 1, /* not well-formed XML, or not an <Event> */
    EVTX_SKIP_OVERSIZED,     /* larger than EVTX_RECORD_MAX */
    EVTX_SKIP_TRUNCATED,     /* input ended (or a new <Event> began) before </Event> */
} evtx_skip_reason;

typedef struct evtx_stream_stats {
    uint64_t records;   /* complete <Event> records seen */
    uint64_t delivered; /* records handed to the callback */
    uint64_t filtered;  /* records skipped because their EventID is not wanted */
    uint64_t malformed, oversized, truncated;
    uint64_t duplicate_keys; /* JSON lines with a key twice (parsed, the last value wins) */
} evtx_stream_stats;

/* Called for each record. 'end_offset' is the stream offset just past the record's </Event>:
 * once the record's consequences are durable, the input may be checkpointed there.
 * Return 0 to go on, non-zero to stop feeding (evtx_xml_feed then returns that value). */
typedef int (*evtx_event_fn)(void *ctx, const evtx_event *ev, uint64_t end_offset);
/* Called for each skipped record; 'offset' is where the bad record started. */
typedef void (*evtx_skip_fn)(void *ctx, evtx_skip_reason why, uint64_t offset, const char *detail);

/* A binary .evtx record's values, for value_prefilter (below). */
typedef struct evtx_values evtx_values;

typedef struct evtx_xml_opts {
    evtx_event_fn on_event;
    evtx_skip_fn on_skip; /* may be NULL */
    void *ctx;
    const uint8_t *want_ids; /* optional bitmap of 65536 bits: records with other EventIDs are
                                 skipped cheaply, before full parsing; NULL = all */
    uint64_t start_offset;   /* offset of the first byte fed (when resuming a file) */
    /* optional second cheap filter for records of a wanted EventID, before full parsing: return 0
       to skip the record (counted as filtered), 1 to parse it. Only skip what the consumer is sure
       not to need (see evtx_raw_view below). NULL = parse every wanted record. */
    int (*prefilter)(void *ctx, unsigned event_id, const char *rec, size_t len);
    /* optional: the same filter for a binary .evtx record read directly (without XML): its
       values by field name (evtx_values_get). Same contract as prefilter. */
    int (*value_prefilter)(void *ctx, unsigned event_id, const evtx_values *v);
    int xml_only; /* .evtx: 1 = render every record to XML and parse that (the reference
                                 path the direct one is checked against: tests, comparisons) */
} evtx_xml_opts;

/* The EventData values of a binary .evtx record read directly, for value_prefilter: 1 and the
 * value's text when the field is present (exactly what the event would hold, "" when empty;
 * valid until the next call), 0 when the record has no such field, -1 when only building the
 * event can tell (then build it). */
int evtx_values_get(const evtx_values *v, const char *name, const char **val, size_t *vlen);
/* The record's System/TimeCreated as the event's time_ms would hold it (-1 unknown): a consumer
 * whose clock follows the events (hunt's throttle) advances it over a skipped record too. */
int64_t evtx_values_time_ms(const evtx_values *v);

/* A raw view of a record's EventData, for prefilters: only records in the canonical form Windows
 * writes qualify (one plain <EventData>, only <Data Name="..."> children, no entity or character
 * reference, comment or CDATA anywhere), so a field found (or not found) here is exactly what the
 * full parser would see. */
typedef struct evtx_raw_view {
    const char *data; /* the EventData content */
    size_t len;
} evtx_raw_view;
/* 1 when the record qualifies (v is set), 0 when it does not: then parse it fully. */
int evtx_raw_view_open(evtx_raw_view *v, const char *rec, size_t len);
/* 1 and the value's bytes when the field is present ("" for <Data Name="X"/>), 0 when absent,
 * -1 when its element is not in the plain form (then parse fully). */
int evtx_raw_view_get(const evtx_raw_view *v, const char *name, const char **val, size_t *vlen);

evtx_xml_stream *evtx_xml_new(const evtx_xml_opts *opts);
void evtx_xml_free(evtx_xml_stream *s);
/* Feed the next bytes; records are delivered as soon as they are complete. */
int evtx_xml_feed(evtx_xml_stream *s, const char *data, size_t len);
/* End of input: an incomplete trailing record is reported as truncated. */
int evtx_xml_finish(evtx_xml_stream *s);
/* Offset just past the last complete (delivered, filtered or skipped) record. */
uint64_t evtx_xml_consumed(const evtx_xml_stream *s);
const evtx_stream_stats *evtx_xml_stats(const evtx_xml_stream *s);

/* Parse exactly one rendered <Event> document (EvtRender output, a Samba-synthesised record, ...). */
int evtx_parse_event_xml(const char *xml, size_t len, evtx_event *ev, char *err, size_t errlen);

/* Helper for whole files (hunt): feeds 'path' ("-" = stdin) through a stream with opts. */
int evtx_xml_read_file(const char *path, const evtx_xml_opts *opts, evtx_stream_stats *stats, char *err,
                       size_t errlen);

/* ---- Windows events as JSON lines: Winlogbeat / Elastic Agent and NXLog -------------------- */
/*
 * One event per line (JSON Lines / NDJSON), as Winlogbeat's or Elastic Agent's file or Kafka
 * output writes it (ECS: winlog.event_id, winlog.event_data.*, winlog.computer_name, @timestamp;
 * 7.x and 8.x layouts) or NXLog's im_msvistalog with to_json() (flat: EventID, Hostname, Channel,
 * RecordNumber, EventTime and the EventData fields at the top level). Both give the same event as
 * the rendered XML of the same record. An Elasticsearch hit ({"_source": {...}}) is unwrapped.
 *
 * Hostile input: invalid UTF-8 and lone \uD800-style escapes are replaced by U+FFFD and the line
 * is parsed again (one bad byte cannot hide an event); nesting deeper than EVTX_JSON_DEPTH_MAX is
 * refused before parsing; duplicate keys are accepted, the last value wins (as Logstash reads
 * them) and the line is counted in stats.duplicate_keys; lines longer than EVTX_JSON_LINE_MAX are
 * skipped as oversized without being buffered.
 */
#define EVTX_JSON_LINE_MAX (8 * 1024 * 1024) /* a longer line is skipped as oversized */
#define EVTX_JSON_DEPTH_MAX 32               /* Winlogbeat's documents nest 4 levels */

typedef enum evtx_json_format {
    EVTX_JSON_AUTO = 0,   /* per line: a "winlog" object means Winlogbeat, else NXLog */
    EVTX_JSON_WINLOGBEAT, /* Winlogbeat 7.x/8.x, Elastic Agent (ECS winlog.*) */
    EVTX_JSON_NXLOG       /* NXLog im_msvistalog + to_json() */
} evtx_json_format;

/* "auto", "winlogbeat" (or "elastic-agent"), "nxlog" -> format; -1 for anything else. */
int evtx_json_format_parse(const char *name, evtx_json_format *out);

/* Parses one line (no line end needed) into ev. Returns 0, or -1 when the line is not an event
 * (not JSON, not an object, no EventID, ...; err says why). *dup_keys (may be NULL) is set to 1
 * when the line had duplicate keys. */
int evtx_json_parse_line(const char *line, size_t len, evtx_json_format fmt, evtx_event *ev, int *dup_keys,
                         char *err, size_t errlen);

typedef struct evtx_json_stream evtx_json_stream;

typedef struct evtx_json_opts {
    evtx_xml_opts base; /* on_event, on_skip, ctx, want_ids, start_offset (prefilter unused);
                                on_skip's detail names the line number and byte offset */
    evtx_json_format format;
    uint64_t start_line; /* number of the line at base.start_offset (0 = 1 at offset 0,
                                unknown otherwise) */
} evtx_json_opts;

evtx_json_stream *evtx_json_new(const evtx_json_opts *opts);
void evtx_json_free(evtx_json_stream *s);
/* Feed the next bytes; each line is handled as soon as its '\n' arrives. */
int evtx_json_feed(evtx_json_stream *s, const char *data, size_t len);
/* End of input: a last line without '\n' is handled too (reported as truncated if it fails). */
int evtx_json_finish(evtx_json_stream *s);
/* Offset just past the last handled line, and that line's successor's number (0 = unknown). */
uint64_t evtx_json_consumed(const evtx_json_stream *s);
uint64_t evtx_json_consumed_line(const evtx_json_stream *s);
/* records = non-blank lines, malformed = not an event, oversized = too long. */
const evtx_stream_stats *evtx_json_stats(const evtx_json_stream *s);
/* Helper for whole files (hunt): feeds 'path' ("-" = stdin) through a stream with opts. */
int evtx_json_read_file(const char *path, const evtx_json_opts *opts, evtx_stream_stats *stats, char *err,
                        size_t errlen);

/* ---- following a growing file (tail -F) ------------------------------------------------------ */
typedef struct evtx_follow evtx_follow;

/* Opens 'path' for following from byte 'offset' (0 = beginning; EVTX_FOLLOW_END = current end).
 * A file that does not exist yet is waited for. Detects rotation (a new file at the path) and
 * truncation (size below our offset) and then starts over at 0 of the new file. */
#define EVTX_FOLLOW_END UINT64_MAX
evtx_follow *evtx_follow_open(const char *path, uint64_t offset, char *err, size_t errlen);
void evtx_follow_close(evtx_follow *f);
/* Reads up to 'cap' new bytes into buf without blocking. Returns bytes read (0 = nothing new),
 * -1 on error. *restarted is set to 1 when the file was rotated/truncated since the last call
 * (the caller must reset its parser: the offsets start again at 0). */
long evtx_follow_read(evtx_follow *f, char *buf, size_t cap, int *restarted, char *err, size_t errlen);
/* Offset of the next byte evtx_follow_read will return, in the current file. */
uint64_t evtx_follow_offset(const evtx_follow *f);
/* Identity of the current file (device/inode, or volume/file index on Windows) as text, so a
 * checkpoint can tell whether it still refers to the same file. */
const char *evtx_follow_identity(const evtx_follow *f);

/* ---- binary .evtx files (ElfFile) ------------------------------------------------------------ */
typedef struct evtx_file_stats {
    uint64_t chunks;        /* chunks with a valid "ElfChnk" signature */
    uint64_t records;       /* event records with a valid header */
    uint64_t delivered;     /* records handed to on_event */
    uint64_t filtered;      /* records skipped because their EventID is not wanted */
    uint64_t bad_chunks;    /* chunks skipped (bad signature) or with a bad header/data checksum,
                             or cut short by the end of the file (their records are still read) */
    uint64_t bad_records;   /* records skipped: bad header, BinXML or rendered XML */
    uint64_t over_budget;   /* records skipped because their chunk's or the file's work bound
                             (EVTX_CHUNK_XML_MAX, EVTX_CHUNK_STEPS_MAX, EVTX_FILE_XML_RATIO) was spent */
    uint64_t xml_bytes;     /* XML rendered from the file (for a record read directly, without
                             XML, an upper bound of the XML it renders to: the bounds hold alike) */
    uint64_t max_chunk_xml; /* most XML rendered from one chunk (likewise) */
    uint64_t direct;        /* records read directly from their BinXML values, not rendered to XML */
} evtx_file_stats;

/* Reads a binary .evtx file and hands each record, normalised, to opts->on_event (end_offset =
 * the record's file offset + size); bad chunks/records go to opts->on_skip. All chunks present
 * in the file are read, whatever the header's chunk count or dirty flag says. Records ending at
 * or before opts->start_offset are passed over. Returns 0, -1 on error (err names the file), or
 * the non-zero value on_event stopped with. */
int evtx_file_read(const char *path, const evtx_xml_opts *opts, evtx_file_stats *stats, char *err, size_t errlen);
int evtx_file_is_evtx(const char *path); /* 1 when the file starts with "ElfFile\0" */

/* ---- Samba AD DC logs -> normalised events --------------------------------------------------- */
/*
 * A Samba line parser turns one log line into zero or one event:
 *   JSON auth audit (auth_json_audit):   {"type":"Authentication",...}  -> 4768/4771/4624/4625
 *   KDC text log (kerberos:3):           "Kerberos: TGS-REQ ..." pairs   -> 4769
 * The KDC log states a TGS-REQ in two lines (request, then SUCCESS/failure), so the parser keeps
 * a little state between lines. The SPN is resolved to the service account by 'resolve_spn'
 * (the inventory knows which SPN belongs to which decoy); unresolved SPNs keep the SPN text.
 */
typedef struct evtx_samba evtx_samba;
typedef const char *(*evtx_spn_resolver)(void *ctx, const char *spn); /* -> account name or NULL */

evtx_samba *evtx_samba_new(const char *computer, evtx_spn_resolver resolve_spn, void *ctx);
void evtx_samba_free(evtx_samba *p);
/* Returns 1 and fills ev when the line completes an event, 0 when it does not (not relevant or
 * awaiting its second line), -1 when the line could not be parsed (err says why). */
int evtx_samba_line(evtx_samba *p, const char *line, size_t len, evtx_event *ev, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* ADDECOY_EVTX_H */
