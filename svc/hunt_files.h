/* hunt_files.h - the files `decoysvc hunt` reads: each PATH argument as given ("-" = stdin, a file
 * of any name), or, for a directory, every file under it with a known input extension, recursively
 * (links to directories not followed), sorted by path within each directory. */
#ifndef ADDECOY_SVC_HUNT_FILES_H
#define ADDECOY_SVC_HUNT_FILES_H

#include <stddef.h>

typedef struct hunt_files {
    char **paths;
    size_t n, cap;
} hunt_files;

/* Extensions searched for in directories (case-insensitive): ".evtx", ".xml". Another input
 * format adds its extensions to HUNT_EXTENSIONS in hunt_files.c (e.g. ".json", ".jsonl",
 * ".ndjson" once a JSON reader exists). 1 when name has one of them. */
int hunt_files_wanted(const char *name);

/* Appends path (a file, "-", or a directory searched recursively) to f. 0, or -1 with a message
 * (a missing path, an unreadable directory, out of memory). A directory with no wanted file is not
 * an error here: the caller sees that nothing was added. */
int hunt_files_add(hunt_files *f, const char *path, char *err, size_t errlen);
void hunt_files_free(hunt_files *f);

#endif
