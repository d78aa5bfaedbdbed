/* timeval.h - struct timeval, for the APIs that take one (libldap's network timeout): it comes from
 * <sys/time.h>, or from <winsock2.h> on Windows. */
#ifndef ADDECOY_SVC_TIMEVAL_H
#define ADDECOY_SVC_TIMEVAL_H

#if defined(_WIN32)
#include <winsock2.h>
#else
#include <sys/time.h>
#endif

#endif
