/* compiler.h - compiler attributes the tree uses, chosen in one place: SVC_PRINTF(fmt, args) marks
 * a printf-like function so that gcc checks its callers' format strings (gnu_printf under MinGW,
 * whose printf is C99 with __USE_MINGW_ANSI_STDIO: %zu, %lld). */
#ifndef ADDECOY_SVC_COMPILER_H
#define ADDECOY_SVC_COMPILER_H

#if defined(__MINGW32__)
#define SVC_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__)
#define SVC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SVC_PRINTF(a, b)
#endif

#endif
