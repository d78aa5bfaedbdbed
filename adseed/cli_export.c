/* cli_export.c - `adseed export --format json|csv|sigma [--output FILE]`: the decoy catalogue. */
#include "adseed/cli.h"

#include <string.h>

enum { O_FORMAT = OPT_CMD_BASE, O_OUTPUT };

static void help(void)
{
    puts("Usage: adseed export [--format json|csv|sigma] [--output FILE] [--inventory FILE]\n"
         "Writes the decoy catalogue with its ATT&CK / D3FEND mapping (json, csv), or Sigma rules\n"
         "(4769 ServiceName; 4768/4771/4776/4625/4624 TargetUserName; 4662 ObjectName) so a SIEM\n"
         "can detect decoy use without decoysvc. Default format json, default output stdout.");
    cli_common_help(stdout, 0);
}

int cli_export(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"format", required_argument, 0, O_FORMAT},
                                         {"output", required_argument, 0, O_OUTPUT},
                                         {0, 0, 0, 0}};
    cli_ctx cli;
    const char *format = "json", *output = NULL;
    int opt, ret = CLI_EXIT_FAIL;
    cli_ctx_init(&cli);
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int c = cli_common_opt(&cli, opt, optarg);
        if (c < 0)
            return CLI_EXIT_USAGE;
        if (c)
            continue;
        if (opt == O_FORMAT)
            format = optarg;
        else if (opt == O_OUTPUT)
            output = optarg;
        else
            return cli_usage_error("export", "invalid option%s", NULL);
    }
    if (cli.help) {
        help();
        return CLI_EXIT_OK;
    }
    if (optind != argc)
        return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "sigma"))
        return cli_usage_error("export", "--format %s: expected json, csv or sigma", format);
    adseed_inventory inv;
    decoy_buf out = {0};
    char err[1024];
    if (cli_inventory_load(&cli, &inv, 0))
        return CLI_EXIT_FAIL;
    if (decoy_export(&inv, format, &out, err, sizeof err)) {
        fprintf(stderr, "adseed export: %s\n", err);
        goto out;
    }
    if (output) {
        if (adseed_write_file_atomic(output, out.s ? out.s : "", out.len, 0644, err, sizeof err)) {
            fprintf(stderr, "adseed export: %s\n", err);
            goto out;
        }
    } else if (out.len && fwrite(out.s, 1, out.len, stdout) != out.len) {
        fprintf(stderr, "adseed export: write error on stdout\n");
        goto out;
    }
    ret = CLI_EXIT_OK;
out:
    decoy_buf_free(&out);
    adseed_inventory_free(&inv);
    return ret;
}
