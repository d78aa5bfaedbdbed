/* check.h - `decoysvc check`: validates the configuration and inventory, then sends a marked test
 * alert through every sink and reports each result. */
#ifndef ADDECOY_SVC_CHECK_H
#define ADDECOY_SVC_CHECK_H

/* Returns 0 when everything is valid (and, with send, every sink accepted the test alert), else 2. */
int svc_check(const char *config_path, int send);

/* The test alert document (malloc'd JSON). */
char *check_test_alert(void);

#endif
