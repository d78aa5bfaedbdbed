/* analyzer.h - turns gcc -fanalyzer's leak check off around one function where it reports a false
 * positive, with the reason written at the use (tests/check/analyze.sh builds the tree with
 * -fanalyzer -Werror). A no-op for compilers without the analyzer (clang for the fuzz targets).
 *
 * The two false positives of gcc 12 this is for, each checked by hand at its use:
 * - a heap pointer stored into an array element picked by a computed index (a[i] = p,
 *   a[i].buf = p) in a loop: its model lets the next store clobber the previous one, and it
 *   reports the previous pointer leaked;
 * - `p = realloc(q, n); if (!p) return -1;` reached in a loop: it follows "realloc succeeded,
 *   moving the buffer" into the `!p` branch and reports p leaked.
 * Anything else the analyzer reports is fixed in the code, or the code is restructured so that the
 * analyzer can follow it. */
#ifndef ADDECOY_BASE_ANALYZER_H
#define ADDECOY_BASE_ANALYZER_H

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#define ANALYZER_LEAK_CHECK_OFF                                                                              \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define ANALYZER_LEAK_CHECK_ON _Pragma("GCC diagnostic pop")
#else
#define ANALYZER_LEAK_CHECK_OFF
#define ANALYZER_LEAK_CHECK_ON
#endif

#endif
