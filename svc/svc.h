/*
 * svc.h - the public interface of decoysvc's library: the commands the program (POSIX daemon,
 * Windows service) exposes. Internal modules (detector, throttle, alert, spool, sinks, config)
 * have private headers in svc/.
 */
#ifndef ADDECOY_SVC_H
#define ADDECOY_SVC_H

#ifdef __cplusplus
extern "C" {
#endif

/* Entry point of `decoysvc`: parses argv and runs a subcommand; returns the process exit status. */
int svc_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
