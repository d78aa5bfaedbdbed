/* config.h - decoysvc's configuration file (JSON): inputs, inventory, state, throttle, spool, sinks.
 * Every error names the file and the field ("decoysvc.json: inputs[0].path: ..."). */
#ifndef ADDECOY_SVC_CONFIG_H
#define ADDECOY_SVC_CONFIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evtx/evtx.h"
#include "svc/base/log.h"

typedef enum svc_input_type {
    SVC_INPUT_XML = 1,  /* rendered event XML: a file followed like tail -F, or "-" for stdin */
    SVC_INPUT_SAMBA,    /* Samba AD DC auth JSON audit log and KDC log */
    SVC_INPUT_EVENTLOG, /* Windows event log channels (EvtSubscribe) */
    SVC_INPUT_JSON      /* JSON lines (Winlogbeat, Elastic Agent, NXLog): a followed file or "-" */
} svc_input_type;

typedef enum svc_input_start { SVC_START_BEGINNING = 0, SVC_START_END } svc_input_start;

#define SVC_MAX_CHANNELS 8

typedef struct svc_input_conf {
    svc_input_type type;
    char *name;              /* unique key of its checkpoint: "xml:<path>", "json:<path>", "samba:<computer>",
                        "eventlog" */
    char *path;              /* xml, json: file or "-" */
    evtx_json_format format; /* json: the shipper's layout (auto by default) */
    char *auth_log;          /* samba: auth_json_audit file (optional) */
    char *kdc_log;           /* samba: kerberos log file (optional) */
    char *dsdb_log; /* samba: dsdb_json_audit, dsdb_password_json_audit, dsdb_group_json_audit file (optional) */
    char *computer;                   /* samba: host name reported as host.name */
    char *channels[SVC_MAX_CHANNELS]; /* eventlog */
    size_t nchannels;
    int render_values;      /* eventlog: "render": "values" (only the detector's fields) instead of "xml" */
    svc_input_start start;  /* where to begin without a checkpoint */
    int64_t blind_after_ms; /* no event for this long: sensor_blind (0 = off); "blind_after_minutes" */
} svc_input_conf;

/* "self_test": the scheduled self-trip (svc/health/self_test.h); interval_ms 0 = off (default). */
typedef struct svc_self_test_conf {
    int64_t interval_ms;
    int64_t expect_ms; /* default 120 s */
    char *canary;      /* a decoy name from the inventory (one with an SPN) */
    char *keytab;      /* POSIX: the dedicated principal's keytab (resolved like other paths) */
    char *principal;   /* POSIX: that principal, e.g. "addecoy-selftest@DECOY.TEST" */
} svc_self_test_conf;

typedef struct svc_config {
    char *path;                 /* the config file itself */
    char *inventory;            /* absolute or relative to the config file's directory, or an https:// URL */
    char *inventory_ca_file;    /* URL inventory: CA bundle to verify the server (NULL: system's) */
    char *inventory_token_file; /* URL inventory: bearer token file (NULL: none) */
    int64_t inventory_poll_ms;  /* URL inventory: how often it is polled */
    char *state_dir;            /* spool/ and checkpoint.json live here */
    svc_log_level log_level;
    int64_t throttle_window_ms;
    char **allowlist; /* IPs / CIDRs */
    size_t nallow;
    uint64_t spool_max_bytes;
    int64_t poll_ms; /* how often files are polled for new data */
    svc_input_conf *inputs;
    size_t ninputs;
    json_t *sinks; /* array of sink objects, handed to sink_new_from_json */
    svc_self_test_conf self_test;
    int64_t heartbeat_ms; /* "heartbeat": {"interval_seconds": 300}; 0 = off */
} svc_config;

/* Loads and validates the file. On error, err names the file and the field. */
int svc_config_load(svc_config *cfg, const char *path, char *err, size_t errlen);
void svc_config_free(svc_config *cfg);

/* Every key of the config's option maps (top level, its sections, an input), one per line: see
 * svc/optmap.h's opt_list (`decoysvc check --list-keys`). */
void svc_config_list_keys(FILE *out);

/* Resolves a path found in the config relative to the config file's directory (malloc'd). */
char *svc_config_resolve(const char *config_path, const char *p);

#endif
