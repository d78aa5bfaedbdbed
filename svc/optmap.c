/* optmap.c - the one parser of option maps (see optmap.h): unknown keys with the nearest known one,
 * typed values with ranges and choices, secrets from a value, a file or an environment variable
 * (never quoted, wiped when freed), and the --list-keys dump the docs are checked against. */
#include "svc/base/analyzer.h"
#include "svc/optmap.h"

#include "svc/base/crypto.h"
#include "svc/base/secret.h"
#include "svc/base/fs.h"

#include <stdlib.h>
#include <string.h>

#define FIELD(st, d, T) ((T *)(void *)((char *)(st) + (d)->offset))

static int is_comment(const char *k, int comment_prefix)
{
    return k[0] == '_' || (comment_prefix && strncmp(k, "comment", 7) == 0);
}

/* KEY, KEY_file or KEY_env of a secret d; 1 when k is one of them. */
static int secret_form(const opt_def *d, const char *k)
{
    size_t n = strlen(d->key);
    return strncmp(k, d->key, n) == 0 && (!k[n] || !strcmp(k + n, "_file") || !strcmp(k + n, "_env"));
}

static const opt_def *find(const opt_map *m, const char *k)
{
    for (const opt_def *d = m->defs; d->key; d++)
        if (d->type == OPT_SECRET ? secret_form(d, k) : strcmp(d->key, k) == 0)
            return d;
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *opt_nearest(const opt_map *const *maps, size_t n, const char *key)
{
    const char *best = NULL;
    size_t bestd = strlen(key) / 3 > 2 ? strlen(key) / 3 : 2;

    for (size_t i = 0; i < n; i++)
        for (const opt_def *d = maps[i]->defs; d->key; d++) {
            size_t dist = edit_distance(key, d->key);
            if (dist <= bestd && (!best || dist < bestd))
                best = d->key, bestd = dist;
        }
    return best;
}

int opt_check_known(const json_t *obj, const opt_map *const *maps, size_t n, int comment_prefix,
                    const char *where, char *err, size_t errlen)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)obj, k, v)
    {
        const char *near;
        size_t i;
        for (i = 0; i < n && !find(maps[i], k); i++)
            ;
        if (i < n || is_comment(k, comment_prefix))
            continue;
        near = opt_nearest(maps, n, k);
        snprintf(err, errlen, "%s: unknown key '%.60s'%s%s%s", where, k, near ? " (did you mean '" : "",
                 near ? near : "", near ? "'?)" : "");
        return -1;
    }
    return 0;
}

/* The first line of a secret file. Unbuffered, so that no stdio buffer keeps a copy; the stack
 * buffer is wiped before returning. */
static char *read_first_line(const char *path)
{
    FILE *f = fs_fopen(path, "rb");
    char buf[8192], *line;
    size_t n;

    if (!f)
        return NULL;
    setvbuf(f, NULL, _IONBF, 0);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    line = strdup(buf);
    crypto_wipe(buf, sizeof buf);
    return line;
}

void opt_secret_free(char *s)
{
    if (!s)
        return;
    crypto_wipe(s, strlen(s));
    free(s);
}

/* A secret d from KEY, KEY_file or KEY_env into *out (NULL when none is given). *form is the key
 * it came from (for messages). msg never holds the value. */
/* -fanalyzer (gcc 12): the string stored through *out, a field of the caller's settings struct at a computed offset, is reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int parse_secret(const opt_def *d, const json_t *obj, char **out, char *form, size_t formlen,
                        char *msg, size_t msglen)
{
    char kfile[80], kenv[80];
    const json_t *v, *vf, *ve;

    snprintf(kfile, sizeof kfile, "%s_file", d->key);
    snprintf(kenv, sizeof kenv, "%s_env", d->key);
    v = json_object_get(obj, d->key), vf = json_object_get(obj, kfile), ve = json_object_get(obj, kenv);
    snprintf(form, formlen, "%s", v ? d->key : vf ? kfile : kenv);
    if (!!v + !!vf + !!ve > 1 || ((d->flags & OPT_REQUIRED) && !v && !vf && !ve)) {
        snprintf(form, formlen, "%s", d->key);
        snprintf(msg, msglen, "give exactly one of \"%s\", \"%s\" or \"%s\"", d->key, kfile, kenv);
        return -1;
    }
    if ((v && !json_is_string(v)) || (vf && !json_is_string(vf)) || (ve && !json_is_string(ve))) {
        snprintf(msg, msglen, "must be a string");
        return -1;
    }
    if (v)
        *out = strdup(json_string_value(v));
    else if (vf) {
        if (!(*out = read_first_line(json_string_value(vf)))) {
            snprintf(msg, msglen, "cannot read %.400s", json_string_value(vf));
            return -1;
        }
    } else if (ve) {
        const char *e = getenv(json_string_value(ve));
        if (!e) {
            snprintf(msg, msglen, "environment variable %.60s is not set", json_string_value(ve));
            return -1;
        }
        *out = strdup(e);
    } else
        return 0;
    if (!*out) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    if (!**out) {
        snprintf(form, formlen, "%s", d->key);
        snprintf(msg, msglen, "is empty");
        return -1;
    }
    if (strncmp(*out, SECRET_DPAPI_PREFIX, strlen(SECRET_DPAPI_PREFIX)) == 0) {
        char *plain = NULL;
        int rc = secret_unprotect(*out, &plain, msg, msglen);
        opt_secret_free(*out);
        *out = plain;
        if (rc < 0)
            return -1;
    }
    return 0;
}
ANALYZER_LEAK_CHECK_ON

/* "a|b|c" -> index of s, or -1. */
static int choice_index(const char *choices, const char *s)
{
    size_t n = strlen(s);
    int i = 0;

    for (const char *p = choices; p; p = strchr(p, '|'), p = p ? p + 1 : NULL, i++)
        if (strncmp(p, s, n) == 0 && (p[n] == '|' || !p[n]))
            return i;
    return -1;
}

/* "\"a\", \"b\" or \"c\"" from "a|b|c". */
static void choice_list(const char *choices, char *out, size_t len)
{
    size_t o = 0;
    const char *p = choices;

    out[0] = '\0';
    while (p && o + 1 < len) {
        const char *bar = strchr(p, '|');
        int n = bar ? (int)(bar - p) : (int)strlen(p);
        o += (size_t)snprintf(out + o, len - o, "%s\"%.*s\"", p == choices ? "" : bar ? ", " : " or ", n, p);
        p = bar ? bar + 1 : NULL;
    }
}

/* "\"xml\" or \"json\"": the variants in scope. */
static void scope_list(const opt_map *m, unsigned scope, char *out, size_t len)
{
    char names[256] = "";
    const char *p = m->variants;
    size_t o = 0;

    for (int i = 0; p && i < 32; i++) {
        const char *bar = strchr(p, '|');
        int n = bar ? (int)(bar - p) : (int)strlen(p);
        if ((scope & (1u << i)) && o + 1 < sizeof names)
            o += (size_t)snprintf(names + o, sizeof names - o, "%s%.*s", o ? "|" : "", n, p);
        p = bar ? bar + 1 : NULL;
    }
    choice_list(names, out, len);
}

/* -fanalyzer (gcc 12): the strings stored into the settings struct at a computed offset (FIELD) are reported leaked (analyzer.h). */
ANALYZER_LEAK_CHECK_OFF
static int parse_one(const opt_def *d, const json_t *obj, void *st, char *form, size_t formlen, char *msg,
                     size_t msglen)
{
    const json_t *v = json_object_get(obj, d->key);

    snprintf(form, formlen, "%s", d->key);
    switch (d->type) {
    case OPT_SECRET:
    case OPT_STR: {
        char **out = FIELD(st, d, char *);
        if (d->type == OPT_SECRET) {
            if (parse_secret(d, obj, out, form, formlen, msg, msglen) < 0)
                return -1;
        } else {
            if (v && !json_is_string(v))
                return snprintf(msg, msglen, "must be a string"), -1;
            if (!v && (d->flags & OPT_REQUIRED))
                return snprintf(msg, msglen, "is required"), -1;
            if ((v || d->sdef) && !(*out = strdup(v ? json_string_value(v) : d->sdef)))
                return snprintf(msg, msglen, "out of memory"), -1;
        }
        if (*out && !**out && (d->flags & OPT_NONEMPTY))
            return snprintf(msg, msglen, "must be a non-empty string"), -1;
        if (*out && (d->flags & OPT_HTTP_URL) && strncmp(*out, "https://", 8) != 0 &&
            strncmp(*out, "http://", 7) != 0)
            return snprintf(msg, msglen, "must start with https:// (or http://)"), -1;
        return 0;
    }
    case OPT_INT:
        *FIELD(st, d, long long) = (long long)d->def;
        if (!v)
            break;
        if (!json_is_integer(v) || (double)json_integer_value(v) < d->min ||
            (double)json_integer_value(v) > d->max)
            return snprintf(msg, msglen, "must be an integer from %.0f to %.0f", d->min, d->max), -1;
        *FIELD(st, d, long long) = (long long)json_integer_value(v);
        break;
    case OPT_NUM:
        *FIELD(st, d, double) = d->def;
        if (!v)
            break;
        if (!json_is_number(v) || json_number_value(v) < d->min || json_number_value(v) > d->max)
            return snprintf(msg, msglen, "must be a number from %g to %g", d->min, d->max), -1;
        *FIELD(st, d, double) = json_number_value(v);
        break;
    case OPT_BOOL:
        *FIELD(st, d, int) = (int)d->def;
        if (!v)
            break;
        if (!json_is_boolean(v))
            return snprintf(msg, msglen, "must be true or false"), -1;
        *FIELD(st, d, int) = json_is_true(v);
        break;
    case OPT_ENUM: {
        int i = json_is_string(v) ? choice_index(d->choices, json_string_value(v)) : -1;
        *FIELD(st, d, int) = (int)d->def;
        if (!v)
            break;
        if (i < 0) {
            char list[256];
            choice_list(d->choices, list, sizeof list);
            return snprintf(msg, msglen, "must be %s", list), -1;
        }
        *FIELD(st, d, int) = i;
        break;
    }
    case OPT_CUSTOM: break;
    }
    if (v == NULL && (d->flags & OPT_REQUIRED) && d->type != OPT_CUSTOM)
        return snprintf(msg, msglen, "is required"), -1;
    return 0;
}
ANALYZER_LEAK_CHECK_ON

int opt_parse(const opt_map *m, const json_t *obj, int variant, void *st, const char *where, char *err,
              size_t errlen)
{
    for (const opt_def *d = m->defs; d->key; d++) {
        char form[96], msg[512];
        int in_scope = !d->scope || (variant >= 0 && (d->scope & (1u << variant)));

        if (!in_scope) {
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)obj, k, v)
            {
                char list[256];
                (void)v;
                if (d->type == OPT_SECRET ? !secret_form(d, k) : strcmp(k, d->key) != 0)
                    continue;
                scope_list(m, d->scope, list, sizeof list);
                snprintf(err, errlen, "%s%s%.60s: only for a %s %s", where, m->sep, k, list, m->name);
                return -1;
            }
            continue;
        }
        if (parse_one(d, obj, st, form, sizeof form, msg, sizeof msg) < 0) {
            if (strcmp(msg, "out of memory") == 0)
                snprintf(err, errlen, "out of memory");
            else
                snprintf(err, errlen, "%s%s%s: %s", where, m->sep, form, msg);
            return -1;
        }
    }
    return 0;
}

void opt_free(const opt_map *m, void *st)
{
    for (const opt_def *d = m->defs; d->key; d++) {
        if (d->type != OPT_STR && d->type != OPT_SECRET)
            continue;
        if (d->type == OPT_SECRET)
            opt_secret_free(*FIELD(st, d, char *));
        else
            free(*FIELD(st, d, char *));
        *FIELD(st, d, char *) = NULL;
    }
}

/* "tcp (tcp|udp)": the default choice, then all of them. */
static void choice_default(const opt_def *d, char *out, size_t len)
{
    const char *p = d->choices;
    for (int i = 0; p && i < (int)d->def; i++)
        p = strchr(p, '|'), p = p ? p + 1 : NULL;
    snprintf(out, len, "%.*s (%s)", p ? (int)strcspn(p, "|") : 0, p ? p : "", d->choices);
}

void opt_list(FILE *out, const opt_map *m)
{
    static const char *const types[] = {"string",  "secret", "integer", "number",
                                        "boolean", "choice", "custom"};

    for (const opt_def *d = m->defs; d->key; d++) {
        const char *req = (d->flags & (OPT_REQUIRED | OPT_NEEDED)) ? "required"
                          : (d->flags & OPT_TESTS)                 ? "tests"
                                                                   : "optional";
        char def[256] = "";

        if (d->type == OPT_STR && d->sdef)
            snprintf(def, sizeof def, "%s", d->sdef);
        else if ((d->type == OPT_INT || d->type == OPT_NUM) && d->def >= d->min)
            snprintf(def, sizeof def, "%.15g (%.15g-%.15g)", d->def, d->min, d->max);
        else if (d->type == OPT_INT || d->type == OPT_NUM) /* the default depends on other keys */
            snprintf(def, sizeof def, "(%.15g-%.15g)", d->min, d->max);
        else if (d->type == OPT_BOOL && d->def >= 0)
            snprintf(def, sizeof def, "%s", d->def ? "true" : "false");
        else if (d->type == OPT_ENUM)
            choice_default(d, def, sizeof def);
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", m->name, d->key, types[d->type], req, def, d->doc ? d->doc : "");
        if (d->type == OPT_SECRET) {
            fprintf(out, "%s\t%s_file\tsecret\t%s\t\tfile whose first line is %s\n", m->name, d->key, req,
                    d->key);
            fprintf(out, "%s\t%s_env\tsecret\t%s\t\tenvironment variable holding %s\n", m->name, d->key, req,
                    d->key);
        }
    }
}
