/* optmap.h - option maps: one static table per config object (each sink type, an input, ...) that
 * declares every key once (type, required, default, range or choices, where it is stored, one line
 * of doc). Parsing, validation, `decoysvc check --list-keys` and the key tables of the docs all come
 * from it (tests/check/option_docs.py compares the docs with the maps). Modelled on curl's setopt
 * tables and Redis's standardConfig table. */
#ifndef ADDECOY_SVC_OPTMAP_H
#define ADDECOY_SVC_OPTMAP_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

typedef enum opt_type {
    OPT_STR,    /* char * (malloc'd), sdef when absent */
    OPT_SECRET, /* char * from KEY, KEY_file (first line) or KEY_env; never quoted in a message, wiped
                   when freed; "dpapi:" values are unprotected (Windows) */
    OPT_INT,    /* long long in [min, max], def when absent */
    OPT_NUM,    /* double in [min, max], def when absent */
    OPT_BOOL,   /* int 0/1, def when absent (-1 = "not given", for a default the caller decides) */
    OPT_ENUM,   /* int: index of the value in `choices` ("tcp|udp"), def when absent */
    OPT_CUSTOM  /* parsed by the caller (arrays, values that depend on other keys): the map only
                   makes it a known, documented key */
} opt_type;

/* opt_def.flags */
#define OPT_REQUIRED 1u /* absent = error */
#define OPT_NONEMPTY 2u /* strings: "" = error */
#define OPT_HTTP_URL 4u /* strings: must start with https:// or http:// */
#define OPT_TESTS 8u    /* for tests only: accepted, documented as such */
#define OPT_NEEDED 16u  /* required, but checked by the caller with a message that says what it is for */

typedef struct opt_def {
    const char *key;
    opt_type type;
    unsigned flags;
    size_t offset;    /* of the field in the settings struct */
    const char *sdef; /* OPT_STR: default (NULL: none) */
    double def, min, max;
    const char *choices; /* OPT_ENUM: "standard|slack|teams|pagerduty" */
    unsigned scope;      /* 0: applies to every variant of the object; else a mask of opt_map.variants */
    const char *doc;     /* one line */
} opt_def;

typedef struct opt_map {
    const char *name;     /* "hec", "sink", "http", "input": the docs' <!-- keys: NAME --> table */
    const char *sep;      /* between the entry and a key in messages: ": " (sinks) or "." (config) */
    const char *variants; /* scope bit i is variant i of this "a|b|c" list (NULL: none) */
    const opt_def *defs;  /* ends with {NULL} */
} opt_map;

/* Table rows, for readable maps. ST is the settings struct, F its field. */
#define OPT_S(ST, F, KEY, FLAGS, SDEF, DOC)                                                                  \
    {                                                                                                        \
        KEY, OPT_STR, FLAGS, offsetof(ST, F), SDEF, 0, 0, 0, NULL, 0, DOC                                    \
    }
#define OPT_SECRET_KEY(ST, F, KEY, FLAGS, DOC)                                                               \
    {                                                                                                        \
        KEY, OPT_SECRET, FLAGS, offsetof(ST, F), NULL, 0, 0, 0, NULL, 0, DOC                                 \
    }
#define OPT_I(ST, F, KEY, DEF, MIN, MAX, DOC)                                                                \
    {                                                                                                        \
        KEY, OPT_INT, 0, offsetof(ST, F), NULL, DEF, MIN, MAX, NULL, 0, DOC                                  \
    }
#define OPT_N(ST, F, KEY, DEF, MIN, MAX, DOC)                                                                \
    {                                                                                                        \
        KEY, OPT_NUM, 0, offsetof(ST, F), NULL, DEF, MIN, MAX, NULL, 0, DOC                                  \
    }
#define OPT_B(ST, F, KEY, DEF, DOC)                                                                          \
    {                                                                                                        \
        KEY, OPT_BOOL, 0, offsetof(ST, F), NULL, DEF, 0, 1, NULL, 0, DOC                                     \
    }
#define OPT_E(ST, F, KEY, CHOICES, DEF, DOC)                                                                 \
    {                                                                                                        \
        KEY, OPT_ENUM, 0, offsetof(ST, F), NULL, DEF, 0, 0, CHOICES, 0, DOC                                  \
    }
#define OPT_C(KEY, FLAGS, DOC)                                                                               \
    {                                                                                                        \
        KEY, OPT_CUSTOM, FLAGS, 0, NULL, 0, 0, 0, NULL, 0, DOC                                               \
    }
#define OPT_END                                                                                              \
    {                                                                                                        \
        NULL, OPT_CUSTOM, 0, 0, NULL, 0, 0, 0, NULL, 0, NULL                                                 \
    }

/* Every key of obj is a key of one of the n maps (a secret KEY also allows KEY_file and KEY_env),
 * or a comment (starts with "_", or "comment" when comment_prefix). Else -1 with
 * "WHERE: unknown key 'tokn' (did you mean 'token'?)". */
int opt_check_known(const json_t *obj, const opt_map *const *maps, size_t n, int comment_prefix,
                    const char *where, char *err, size_t errlen);
/* Fills st from obj for every key of m (defaults for absent ones; OPT_CUSTOM keys are left to the
 * caller). variant: index in m->variants (keys out of its scope are refused), -1 when none.
 * 0, or -1 with "WHERE<sep>key: problem" in err; st is then to be freed with opt_free. A secret's
 * value never appears in a message. Does not check for unknown keys (opt_check_known). */
int opt_parse(const opt_map *m, const json_t *obj, int variant, void *st, const char *where, char *err,
              size_t errlen);
/* Overwrites and frees a secret (NULL is fine). */
void opt_secret_free(char *s);
/* Frees the strings of st filled by opt_parse (secrets are wiped first) and zeroes them. */
void opt_free(const opt_map *m, void *st);
/* The key most like `key` among the maps' keys (edit distance <= 2, or a third of its length), or NULL. */
const char *opt_nearest(const opt_map *const *maps, size_t n, const char *key);

/* One line per key for `decoysvc check --list-keys`: "MAP KEY TYPE required|optional DEFAULT"
 * (tab-separated; secrets as "secret", with their _file and _env forms as keys of their own). */
void opt_list(FILE *out, const opt_map *m);

#endif
