/* cli.c - decoysvc's command line: parses argv and dispatches to run, hunt, check and (on
 * Windows) the service commands. Every subcommand has --help; secrets never come from argv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/base/platform.h"
#include "svc/check.h"
#include "svc/daemon.h"
#include "svc/hunt.h"
#include "svc/signals.h"
#include "svc/status.h"
#include "svc/svc.h"
#include "svc/win/service.h"

static const char usage_main[] =
    "usage: decoysvc <command> [options]\n"
    "\n"
    "ADDecoy's detection service: watches Windows Security events (or a Samba AD DC's logs) for any\n"
    "use of a decoy account and pages the SOC.\n"
    "\n"
    "commands:\n"
    "  run     --config FILE [--once]      run in the foreground (the daemon)\n"
    "  hunt    --inventory FILE [--format jsonl|table] [--window SECONDS] [--quiet]\n"
    "          [--summary text|json] [--summary-file FILE] [--input-format xml|evtx|json] PATH...\n"
    "                                      scan exported logs (.evtx, event XML, JSON lines; files\n"
    "                                      or directories) offline; a summary of what was read\n"
    "  check   --config FILE [--no-send]   validate config and inventory, send a test alert\n"
    "  status  --config FILE [--format text|json]\n"
    "                                      is the service running and healthy (exit 0/1/2)\n";
/* then the Windows service's commands (svc_service_usage), then: */
static const char usage_main_end[] = "\n"
                                     "  --help, --version\n";

static const char usage_run[] =
    "usage: decoysvc run --config FILE [--once] [--verbose]\n"
    "  Runs in the foreground until SIGINT/SIGTERM; SIGHUP reloads the configuration and inventory\n"
    "  (the inventory is also reloaded whenever its file changes).\n"
    "  --once     read what the inputs hold now, deliver every spooled alert, then exit\n"
    "  --verbose  debug logging (overrides log_level)\n";

static const char usage_hunt[] =
    "usage: decoysvc hunt --inventory FILE [--format jsonl|table] [--window SECONDS] [--quiet]\n"
    "                     [--summary text|json] [--summary-file FILE] [--[no-]progress] [--verbose]\n"
    "                     [--input-format xml|evtx|json] [-j N] PATH...\n"
    "  Scans binary .evtx files, rendered event XML (wevtutil qe /f:xml; \"-\" = stdin) and JSON\n"
    "  lines from Winlogbeat, Elastic Agent or NXLog (files ending .json, .jsonl or .ndjson)\n"
    "  with the daemon's detector and throttle, using each event's time as the clock. A PATH that\n"
    "  is a directory is searched recursively for *.evtx, *.xml, *.json, *.jsonl and *.ndjson files.\n"
    "  Alerts go to stdout. On stderr: a warning per skipped record, a progress line when stderr is\n"
    "  a terminal and the hunt takes over a second, and at the end a summary: files, records read,\n"
    "  records skipped (by reason), events examined, decoy detections, alerts.\n"
    "  --format jsonl|table   alerts as JSON lines (default) or a table\n"
    "  --window SECONDS       throttle window (default 300; 0 = one alert per detection)\n"
    "  --input-format KIND    read every PATH as xml, evtx or json instead of telling by name\n"
    "  -j, --jobs N           read N files at once (default: the number of processors); alerts,\n"
    "                         warnings and summary are the same, in the same order, for every N\n"
    "  --quiet                no per-record warnings (they are still counted in the summary)\n"
    "  --summary text|json    the summary as text (default) or as one JSON object on one line\n"
    "  --summary-file FILE    write the summary to FILE instead of stderr\n"
    "  --progress             always show the progress line (even when stderr is not a terminal)\n"
    "  --no-progress          never show it\n"
    "  --verbose              also one line per file read\n"
    "  exit status: 0 no decoy touched, 1 at least one alert, 2 error (or nothing to read).\n";

static const char usage_check[] =
    "usage: decoysvc check --config FILE [--no-send]\n"
    "  Validates the configuration and the inventory, then sends a test alert (marked \"test\": true)\n"
    "  through every sink and reports each result. exit status: 0 all good, 2 otherwise.\n";

static const char usage_status[] =
    "usage: decoysvc status --config FILE [--format text|json] [--max-pending-age MINUTES]\n"
    "  Reports whether decoysvc runs on the config's state_dir (its instance lock) and how it is doing\n"
    "  (<state_dir>/status.json, rewritten by the service every 5 s): per input the position, last\n"
    "  event and rate; per sink the pending alerts, last error and last alert sent. Never waits for\n"
    "  the service.\n"
    "  --max-pending-age MINUTES  pending alerts older than this are a problem (default 10)\n"
    "  exit status (Nagios): 0 healthy, 1 degraded (a sink failing or paused, alerts pending too long,\n"
    "  an input lost or blind, status.json stale), 2 down (not running) or unreadable.\n";
/* then svc_service_status_usage(). */

/* Prints a usage text with the Windows service's lines where there is one (svc/win/service.h). */
static void put_usage(FILE *f, const char *usage)
{
    fputs(usage, f);
    if (usage == usage_main) {
        fputs(svc_service_usage(), f);
        fputs(usage_main_end, f);
    } else if (usage == usage_status)
        fputs(svc_service_status_usage(), f);
}

static int want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* Takes the value of option argv[*i]; prints an error when it is missing. */
static const char *opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0') {
        fprintf(stderr, "decoysvc: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int bad_option(const char *cmd, const char *arg, const char *usage)
{
    fprintf(stderr, "decoysvc %s: unknown option '%s'\n", cmd, arg);
    put_usage(stderr, usage);
    return 2;
}

static int cmd_run(int argc, char **argv)
{
    svc_daemon_opts o;
    svc_signal_flags f;
    svc_logger lg = svc_logger_stderr(SVC_LOG_INFO);
    const char *config = NULL;

    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (!(config = opt_value(argc, argv, &i)))
                return 2;
        } else if (strcmp(argv[i], "--once") == 0) {
            o.once = 1;
        } else if (strcmp(argv[i], "--verbose") == 0) {
            lg.min = SVC_LOG_DEBUG;
        } else {
            return bad_option("run", argv[i], usage_run);
        }
    }
    if (!config) {
        fprintf(stderr, "decoysvc run: --config FILE is required\n%s", usage_run);
        return 2;
    }
    { /* the daemon holds tokens and secret URLs: keep them out of core files */
        char err[256];
        if (svc_disable_core_dumps(err, sizeof err))
            svc_log(&lg, SVC_LOG_WARN, "%s", err);
    }
    f = svc_signals_install();
    o.config_path = config;
    o.stop_flag = f.stop;
    o.reload_flag = f.reload;
    o.lg = &lg;
    return svc_daemon_run_opts(&o);
}

static int cmd_hunt(int argc, char **argv)
{
    hunt_opts o = {.format = HUNT_JSONL, .window_ms = 300 * 1000, .input = HUNT_INPUT_BY_NAME};
    svc_logger lg = svc_logger_stderr(SVC_LOG_WARN);
    char **paths = calloc((size_t)argc, sizeof *paths);
    const char *v;
    int rc = 2;

    if (!paths)
        return 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--inventory") == 0) {
            if (!(o.inventory = opt_value(argc, argv, &i)))
                goto out;
        } else if (strcmp(argv[i], "--format") == 0) {
            if (!(v = opt_value(argc, argv, &i)))
                goto out;
            if (strcmp(v, "jsonl") && strcmp(v, "table")) {
                fprintf(stderr, "decoysvc hunt: --format must be jsonl or table, not '%s'\n", v);
                goto out;
            }
            o.format = strcmp(v, "table") == 0 ? HUNT_TABLE : HUNT_JSONL;
        } else if (strcmp(argv[i], "--window") == 0) {
            char *end;
            double s;
            if (!(v = opt_value(argc, argv, &i)))
                goto out;
            s = strtod(v, &end);
            if (*end || s < 0 || s > 86400) {
                fprintf(stderr, "decoysvc hunt: --window takes seconds from 0 to 86400, not '%s'\n", v);
                goto out;
            }
            o.window_ms = (int64_t)(s * 1000);
        } else if (strcmp(argv[i], "--input-format") == 0) {
            static const char *const kinds[] = {"xml", "evtx", "json"};
            if (!(v = opt_value(argc, argv, &i)))
                goto out;
            o.input = HUNT_INPUT_BY_NAME;
            for (int k = 0; k < 3; k++)
                if (strcmp(v, kinds[k]) == 0)
                    o.input = (hunt_input)(HUNT_INPUT_XML + k);
            if (o.input == HUNT_INPUT_BY_NAME) {
                fprintf(stderr, "decoysvc hunt: --input-format must be xml, evtx or json, not '%s'\n", v);
                goto out;
            }
        } else if (strncmp(argv[i], "-j", 2) == 0 || strcmp(argv[i], "--jobs") == 0) {
            char *end;
            long n;
            if (!(v = argv[i][1] == 'j' && argv[i][2] ? argv[i] + 2 : opt_value(argc, argv, &i)))
                goto out;
            n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 256) {
                fprintf(stderr, "decoysvc hunt: -j takes a number of threads from 1 to 256, not '%s'\n", v);
                goto out;
            }
            o.jobs = (int)n;
        } else if (strcmp(argv[i], "--verbose") == 0) {
            lg.min = SVC_LOG_INFO;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            o.quiet = 1;
        } else if (strcmp(argv[i], "--progress") == 0 || strcmp(argv[i], "--no-progress") == 0) {
            o.progress = argv[i][2] == 'n' ? -1 : 1;
        } else if (strcmp(argv[i], "--summary") == 0) {
            if (!(v = opt_value(argc, argv, &i)))
                goto out;
            if (strcmp(v, "text") && strcmp(v, "json")) {
                fprintf(stderr, "decoysvc hunt: --summary must be text or json, not '%s'\n", v);
                goto out;
            }
            o.summary_json = strcmp(v, "json") == 0;
        } else if (strcmp(argv[i], "--summary-file") == 0) {
            if (!(o.summary_file = opt_value(argc, argv, &i)))
                goto out;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            rc = bad_option("hunt", argv[i], usage_hunt);
            goto out;
        } else {
            paths[o.npaths++] = argv[i];
        }
    }
    if (!o.inventory || o.npaths == 0) {
        fprintf(stderr, "decoysvc hunt: --inventory FILE and at least one PATH are required\n%s", usage_hunt);
        goto out;
    }
    o.paths = paths;
    rc = svc_hunt(&o, &lg);
out:
    free(paths);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    const char *config = NULL;
    int send = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (!(config = opt_value(argc, argv, &i)))
                return 2;
        } else if (strcmp(argv[i], "--no-send") == 0) {
            send = 0;
        } else if (strcmp(argv[i], "--list-keys") == 0) { /* hidden: the option maps, for the docs check */
            svc_check_list_keys(stdout);
            return 0;
        } else {
            return bad_option("check", argv[i], usage_check);
        }
    }
    if (!config) {
        fprintf(stderr, "decoysvc check: --config FILE is required\n%s", usage_check);
        return 2;
    }
    {
        char err[256];
        (void)svc_disable_core_dumps(err, sizeof err); /* check reads the secrets too */
    }
    return svc_check(config, send);
}

static int cmd_status(int argc, char **argv)
{
    svc_status_opts o = {NULL, 0, 10 * 60};
    const char *v;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (!(o.config_path = opt_value(argc, argv, &i)))
                return 2;
        } else if (strcmp(argv[i], "--format") == 0) {
            if (!(v = opt_value(argc, argv, &i)))
                return 2;
            if (strcmp(v, "text") && strcmp(v, "json")) {
                fprintf(stderr, "decoysvc status: --format must be text or json, not '%s'\n", v);
                return 2;
            }
            o.json = strcmp(v, "json") == 0;
        } else if (strcmp(argv[i], "--max-pending-age") == 0) {
            char *end;
            long m;
            if (!(v = opt_value(argc, argv, &i)))
                return 2;
            m = strtol(v, &end, 10);
            if (*end || m < 1 || m > 100000) {
                fprintf(stderr,
                        "decoysvc status: --max-pending-age takes minutes from 1 to 100000, not '%s'\n", v);
                return 2;
            }
            o.max_pending_age_s = (int64_t)m * 60;
        } else {
            return bad_option("status", argv[i], usage_status);
        }
    }
    if (!o.config_path) {
        int rc = svc_service_command(argc, argv); /* Windows: the SCM's view of the service */
        if (rc != SVC_NOT_A_SERVICE_COMMAND)
            return rc;
        fputs("decoysvc status: --config FILE is required\n", stderr);
        put_usage(stderr, usage_status);
        return 2;
    }
    return svc_status(&o);
}

int svc_main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
        const char *usage;
    } cmds[] = {{"run", cmd_run, usage_run},
                {"hunt", cmd_hunt, usage_hunt},
                {"check", cmd_check, usage_check},
                {"status", cmd_status, usage_status}};

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        put_usage(argc < 2 ? stderr : stdout, usage_main);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("decoysvc (ADDecoy) %s\n", ADDECOY_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        if (want_help(argc - 1, argv + 1)) {
            put_usage(stdout, cmds[i].usage);
            return 0;
        }
        return cmds[i].fn(argc - 1, argv + 1);
    }
    {
        int rc = svc_service_command(argc - 1, argv + 1); /* Windows: install, start ... */
        if (rc != SVC_NOT_A_SERVICE_COMMAND)
            return rc;
    }
    fprintf(stderr, "decoysvc: unknown command '%s'\n", argv[1]);
    put_usage(stderr, usage_main);
    return 2;
}
