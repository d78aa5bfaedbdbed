/* cli_export.c - `adseed export --format json|csv|sigma [--output FILE]`: the decoy catalogue. */
#include "adseed/cli.h"

#include <string.h>

enum { O_FORMAT = OPT_CMD_BASE, O_OUTPUT };

static const cli_opt export_options[] = {
    {"format", required_argument, O_FORMAT, "FORMAT", "json (default), csv or sigma"},
    {"output", required_argument, O_OUTPUT, "FILE", "where to write (default: standard output)"},
    {0}};

typedef struct export_opts {
    const char *format, *output;
} export_opts;

static int export_opt(void *st, int id, const char *arg)
{
    export_opts *o = st;
    if (id == O_FORMAT)
        o->format = arg;
    else
        o->output = arg;
    return 0;
}

static const cli_cmd export_cmd = {
    .name = "export",
    .usage = "Usage: adseed export [--format json|csv|sigma] [--output FILE] [--inventory FILE]\n"
             "Writes the decoy catalogue with its ATT&CK / D3FEND mapping (json, csv), or Sigma rules\n"
             "(4769 ServiceName; 4768/4771/4776/4625/4624 TargetUserName; 4662 ObjectName) so a SIEM\n"
             "can detect decoy use without decoysvc. Default format json, default output stdout.\n",
    .groups = {{NULL, export_options, 20, 0}},
    .opt = export_opt};

int cli_export(int argc, char **argv)
{
    cli_ctx cli;
    export_opts o = {.format = "json"};
    int ret = cli_parse(&export_cmd, &o, &cli, argc, argv);
    const char *format = o.format;
    if (ret != CLI_PARSE_GO)
        return ret;
    ret = CLI_EXIT_FAIL;
    if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "sigma"))
        return cli_usage_error("export", "--format %s: expected json, csv or sigma", format);
    adseed_inventory inv;
    strbuf out = {0};
    char err[1024];
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    if (decoy_export(&inv, format, &out, err, sizeof err)) {
        fprintf(stderr, "adseed export: %s\n", err);
        goto out;
    }
    if (o.output) {
        if (adseed_write_file_atomic(o.output, out.data ? out.data : "", out.len, 0644, err, sizeof err)) {
            fprintf(stderr, "adseed export: %s\n", err);
            goto out;
        }
    } else if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
        fprintf(stderr, "adseed export: write error on stdout\n");
        goto out;
    }
    ret = CLI_EXIT_OK;
out:
    strbuf_free(&out);
    adseed_inventory_free(&inv);
    return ret;
}
