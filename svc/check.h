/* check.h - `decoysvc check`: validates the configuration and inventory, then sends a marked test
 * alert through every sink and reports each result. */
#ifndef ADDECOY_SVC_CHECK_H
#define ADDECOY_SVC_CHECK_H

#include <stdio.h>

/* Returns 0 when everything is valid (and, with send, every sink accepted the test alert), else 2. */
int svc_check(const char *config_path, int send);

/* The test alert document (malloc'd JSON). */
char *check_test_alert(void);

/* `decoysvc check --list-keys` (hidden, for tests/check/option_docs.py): every key of every option
 * map, config sections then sinks, one per line: MAP, KEY, TYPE, required|optional|tests, DEFAULT,
 * DOC, tab-separated. */
void svc_check_list_keys(FILE *out);

#endif
