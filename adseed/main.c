/* main.c - the adseed command: dispatches to the subcommands (create, list, verify, trip, remove,
 * export, suggest, report, breadcrumb). */
#include "adseed/cli.h"
#include "svc/base/platform.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"create", cli_create, "plant a decoy account (or many with --from FILE.csv)"},
    {"list", cli_list, "inventory joined with the live directory state"},
    {"verify", cli_verify, "check every decoy still exists, is bait and is safe (exit 1 on drift)"},
    {"trip", cli_trip, "request a service ticket for a decoy's SPN to test the alert pipeline"},
    {"remove", cli_remove, "delete a decoy account, keep its retirement in the inventory"},
    {"export", cli_export, "write the catalogue as json, csv or Sigma rules"},
    {"suggest", cli_suggest, "propose believable decoy names from the domain's naming patterns"},
    {"report", cli_report, "write the estate report: one self-contained HTML page"},
    {"breadcrumb", cli_breadcrumb, "plant, list and retire lures that lead attackers to decoys"},
};

static void usage(FILE *f)
{
    fputs("Usage: adseed COMMAND [OPTIONS]\n"
          "Plant, verify, trip and retire decoy (honey) accounts in Active Directory.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'adseed COMMAND --help' for the options of a command; see docs/adseed.md.\n"
          "Options: --help, --version\n",
          f);
}

int main(int argc, char **argv)
{
    argv = svc_utf8_argv(argc, argv); /* UTF-8 on Windows too */
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("adseed %s\n", ADDECOY_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "adseed: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
