/*
 * armexpr: a recursive-descent evaluator of ARM template expressions over
 * jansson values (see armexpr.h).  This is the template language's
 * expression syntax, not JSON: the JSON itself is jansson's to parse.
 *
 * Evaluation runs with a `skip` flag so that if() evaluates only the
 * branch it takes (as Azure does): a skipped subexpression is parsed for
 * its syntax and yields nothing.  Recursion through parameters and
 * variables is bounded (a cycle is an error, not a stack overflow).
 */
#include "armexpr.h"
#include "alloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64 /* nested parameter / variable / expression evaluations */
#define MAX_ARGS 64  /* arguments of one function call */

/* A value given for a parameter. */
typedef struct given {
    char *name;               /* the parameter (owned) */
    json_t *value;            /* a literal (owned), or NULL for an expression */
    json_t *raw;              /* the expression (borrowed), evaluated in parent */
    const arm_scope *parent;  /* where raw is evaluated (borrowed) */
    char *origin;             /* "-p", a file name, "nested deployment" (owned) */
} given;

/* What the scope and its copies share: the values given and the record of
 * parameters read. */
typedef struct shared {
    given *given;   /* [ngiven] (owned) */
    size_t ngiven;
    json_t *used;   /* array of "name=value (origin)" strings (owned) */
    json_t *seen;   /* object: the parameter names recorded in `used` (owned) */
} shared;

struct arm_scope {
    json_t *params;      /* the template's "parameters" (borrowed), or NULL */
    json_t *vars;        /* its "variables" (borrowed), or NULL */
    shared *sh;          /* owned by the root scope (copy == false) */
    bool copy;           /* a copy-loop child: sh is the parent's */
    const char *loop;    /* the loop's name, or NULL */
    long index;          /* copyIndex(); -1 outside a loop */
};

/* ------------------------------------------------------------ scopes -- */

arm_scope *arm_scope_create(json_t *tmpl)
{
    arm_scope *s = fd_calloc(1, sizeof *s);
    shared *sh = fd_calloc(1, sizeof *sh);
    if (s == NULL || sh == NULL || (sh->used = json_array()) == NULL ||
        (sh->seen = json_object()) == NULL) {
        if (sh) {
            json_decref(sh->used);
            free(sh);
        }
        free(s);
        return NULL;
    }
    json_t *p = json_object_get(tmpl, "parameters"), *v = json_object_get(tmpl, "variables");
    s->params = json_is_object(p) ? p : NULL;
    s->vars = json_is_object(v) ? v : NULL;
    s->sh = sh;
    s->index = -1;
    return s;
}

arm_scope *arm_scope_copy(const arm_scope *parent, const char *loop, long index)
{
    arm_scope *s = fd_malloc(sizeof *s);
    if (s == NULL)
        return NULL;
    *s = *parent;
    s->copy = true;
    s->loop = loop;
    s->index = index;
    return s;
}

void arm_scope_destroy(arm_scope *s)
{
    if (s == NULL)
        return;
    if (!s->copy) {
        for (size_t i = 0; i < s->sh->ngiven; i++) {
            free(s->sh->given[i].name);
            free(s->sh->given[i].origin);
            json_decref(s->sh->given[i].value);
        }
        free(s->sh->given);
        json_decref(s->sh->used);
        json_decref(s->sh->seen);
        free(s->sh);
    }
    free(s);
}

static given *find_given(const arm_scope *s, const char *name)
{
    for (size_t i = s->sh->ngiven; i-- > 0;) /* the last given wins */
        if (!strcasecmp(s->sh->given[i].name, name))
            return &s->sh->given[i];
    return NULL;
}

static given *add_given(arm_scope *s, const char *name, const char *origin)
{
    shared *sh = s->sh;
    given *g = fd_realloc(sh->given, (sh->ngiven + 1) * sizeof *g);
    if (g == NULL)
        return NULL;
    sh->given = g;
    given *n = &g[sh->ngiven];
    *n = (given){ .name = fd_strdup(name), .origin = fd_strdup(origin) };
    if (!n->name || !n->origin) {
        free(n->name);
        free(n->origin);
        return NULL;
    }
    sh->ngiven++;
    return n;
}

int arm_scope_give(arm_scope *s, const char *name, json_t *v, const char *origin)
{
    given *g = add_given(s, name, origin);
    if (g == NULL)
        return -1;
    g->value = json_incref(v);
    return 0;
}

int arm_scope_give_expr(arm_scope *s, const char *name, json_t *raw, const arm_scope *parent,
                        const char *deployment)
{
    char origin[300];
    snprintf(origin, sizeof origin, "from deployment '%s'", deployment);
    given *g = add_given(s, name, origin);
    if (g == NULL)
        return -1;
    g->raw = raw;
    g->parent = parent;
    return 0;
}

/* The declaration of parameter `name` (case-insensitive), or NULL. */
static json_t *declared(const arm_scope *s, const char *name)
{
    const char *k;
    json_t *v;
    if (s->params == NULL)
        return NULL;
    json_object_foreach(s->params, k, v) if (!strcasecmp(k, name)) return v;
    return NULL;
}

bool arm_scope_declares(const arm_scope *s, const char *name)
{
    return declared(s, name) != NULL;
}

/* The declared type of a parameter, lower-cased into buf ("" if none). */
static const char *decl_type(json_t *decl, char *buf, size_t size)
{
    const char *t = json_string_value(json_object_get(decl, "type"));
    size_t i = 0;
    for (; t && t[i] && i + 1 < size; i++)
        buf[i] = (char)tolower((unsigned char)t[i]);
    buf[i] = '\0';
    return buf;
}

json_t *arm_scope_convert(const arm_scope *s, const char *name, const char *text, char *why,
                          size_t whylen)
{
    char type[32];
    decl_type(declared(s, name), type, sizeof type);
    if (!strcmp(type, "int")) {
        char *end;
        errno = 0;
        long long x = strtoll(text, &end, 10);
        if (!*text || *end || errno) {
            snprintf(why, whylen, "parameter '%s' is an int; '%s' is not a whole number", name,
                     text);
            return NULL;
        }
        return json_integer(x);
    }
    if (!strcmp(type, "bool")) {
        if (!strcasecmp(text, "true"))
            return json_true();
        if (!strcasecmp(text, "false"))
            return json_false();
        snprintf(why, whylen, "parameter '%s' is a bool; '%s' is neither true nor false", name,
                 text);
        return NULL;
    }
    if (!strcmp(type, "array") || !strcmp(type, "object")) {
        json_error_t err;
        json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
        if (v == NULL || (!strcmp(type, "array") ? !json_is_array(v) : !json_is_object(v))) {
            snprintf(why, whylen, "parameter '%s' is an %s: give it as JSON, e.g. %s", name,
                     type, !strcmp(type, "array") ? "'[\"1\",\"2\"]'" : "'{\"a\":1}'");
            json_decref(v);
            return NULL;
        }
        return v;
    }
    return json_string(text);
}

int arm_scope_used(const arm_scope *s, json_t *out)
{
    size_t i;
    json_t *v;
    json_array_foreach(s->sh->used, i, v) if (json_array_append(out, v) != 0) return -1;
    return 0;
}

/* Record parameter `name` = v (from `origin`) the first time it is read. */
static void record_used(const arm_scope *s, const char *name, json_t *v, const char *origin,
                        bool secure)
{
    if (json_object_get(s->sh->seen, name))
        return;
    json_object_set_new(s->sh->seen, name, json_true());
    char *text = secure ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char line[256];
    snprintf(line, sizeof line, "%s=%.80s%s (%s)", name, text ? text : "(secure)",
             text && strlen(text) > 80 ? "..." : "", origin);
    free(text);
    json_array_append_new(s->sh->used, json_string(line));
}

/* -------------------------------------------------------- evaluation -- */

/* One evaluation: the scope, the text, where it is, and the reason of a
 * failure. */
typedef struct ev {
    const arm_scope *s;
    const char *text;  /* the expression, without its brackets */
    const char *p;     /* the cursor */
    char *why;
    size_t whylen;
    int depth;
    bool failed;
} ev;

static json_t *fail(ev *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *fail(ev *e, const char *fmt, ...)
{
    if (!e->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->why, e->whylen, fmt, ap);
        va_end(ap);
    }
    e->failed = true;
    return NULL;
}

static json_t *eval_in(const arm_scope *s, json_t *raw, char *why, size_t whylen, int depth);

static void blanks(ev *e)
{
    while (isspace((unsigned char)*e->p))
        e->p++;
}

static bool take(ev *e, char c)
{
    blanks(e);
    if (*e->p != c)
        return false;
    e->p++;
    return true;
}

/* Truthiness as ARM's bool(): true, non-zero numbers, "true". */
static bool truth(json_t *v)
{
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_string(v))
        return !strcasecmp(json_string_value(v), "true");
    return false;
}

/* A value as text, as string() writes it. */
static char *to_text(json_t *v)
{
    if (json_is_string(v))
        return fd_strdup(json_string_value(v));
    if (json_is_true(v))
        return fd_strdup("True");
    if (json_is_false(v))
        return fd_strdup("False");
    if (json_is_null(v))
        return fd_strdup("");
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static bool is_num(json_t *v)
{
    return json_is_integer(v) || json_is_real(v);
}

/* Case-insensitive object member. */
static json_t *member(json_t *obj, const char *key)
{
    const char *k;
    json_t *v;
    json_t *exact = json_object_get(obj, key);
    if (exact)
        return exact;
    json_object_foreach(obj, k, v) if (!strcasecmp(k, key)) return v;
    return NULL;
}

/* A raw template value reached through an access (a variable's member):
 * evaluate it if it is itself an expression. */
static json_t *settle(ev *e, json_t *v)
{
    if (json_is_string(v) && json_string_value(v)[0] == '[') {
        json_t *r = eval_in(e->s, v, e->why, e->whylen, e->depth + 1);
        if (r == NULL)
            e->failed = true;
        return r;
    }
    return json_incref(v);
}

static json_t *parameter(ev *e, const char *name)
{
    const arm_scope *s = e->s;
    json_t *decl = declared(s, name);
    char type[32];
    decl_type(decl, type, sizeof type);
    bool secure = !strncmp(type, "secure", 6);
    given *g = find_given(s, name);
    if (g && g->value) {
        record_used(s, name, g->value, g->origin, secure);
        return json_incref(g->value);
    }
    if (g) {
        json_t *v = eval_in(g->parent, g->raw, e->why, e->whylen, e->depth + 1);
        if (v == NULL) {
            e->failed = true;
            return NULL;
        }
        record_used(s, name, v, g->origin, secure);
        return v;
    }
    if (decl == NULL)
        return fail(e, "parameters('%s'): the template declares no such parameter", name);
    json_t *def = json_object_get(decl, "defaultValue");
    if (def == NULL)
        return fail(e, "parameter '%s' has no value and no defaultValue: give it with -p "
                    "%s=VALUE or a parameters file", name, name);
    arm_scope root = *s; /* a default does not see the copy loop */
    root.index = -1;
    root.loop = NULL;
    json_t *v = eval_in(&root, def, e->why, e->whylen, e->depth + 1);
    if (v == NULL) {
        e->failed = true;
        return NULL;
    }
    record_used(s, name, v, "default", secure);
    return v;
}

static json_t *variable(ev *e, const char *name)
{
    json_t *raw = e->s->vars ? member(e->s->vars, name) : NULL;
    if (raw == NULL)
        return fail(e, "variables('%s'): the template declares no such variable", name);
    return settle(e, raw);
}

static json_t *expr(ev *e, bool skip);

/* The function `name` applied to args[0..n-1] (each a value; none when
 * skipping).  A new reference or NULL. */
static json_t *call(ev *e, const char *name, json_t **a, size_t n)
{
#define ARITY(lo, hi)                                                          \
    do {                                                                       \
        if (n + 1 < (size_t)(lo) + 1 || n > (size_t)(hi))                      \
            return fail(e, "%s() takes %s%d argument%s, not %zu", name,        \
                        (lo) == (hi) ? "" : "at least ", (lo), (lo) == 1 ? "" : "s", n); \
    } while (0)
#define IS(f) (!strcasecmp(name, f))
    static const char *const deploy[] = {
        "reference", "uniqueString", "guid", "newGuid", "utcNow", "subscription",
        "resourceGroup", "deployment", "environment", "tenant", "managementGroup",
        "pickZones", "providers", "listKeys", "listSecrets", "list", "extensionResourceId",
        "tenantResourceId", "subscriptionResourceId", "managementGroupResourceId",
        "resourceInfo", "existingResource", NULL,
    };
    for (const char *const *d = deploy; *d; d++)
        if (IS(*d) || (!strncasecmp(name, "list", 4) && strlen(name) > 4))
            return fail(e, "%s() is known only when Azure deploys the template", name);
    if (IS("parameters") || IS("variables")) {
        ARITY(1, 1);
        if (!json_is_string(a[0]))
            return fail(e, "%s() takes a name in quotes", name);
        return IS("parameters") ? parameter(e, json_string_value(a[0]))
                                : variable(e, json_string_value(a[0]));
    }
    if (IS("copyIndex")) {
        ARITY(0, 2);
        long off = 0;
        for (size_t i = 0; i < n; i++)
            if (is_num(a[i]))
                off = (long)json_number_value(a[i]);
        if (e->s->index < 0)
            return fail(e, "copyIndex() outside a copy loop");
        return json_integer(e->s->index + off);
    }
    if (IS("true") || IS("false")) {
        ARITY(0, 0);
        return json_boolean(IS("true"));
    }
    if (IS("null")) {
        ARITY(0, 0);
        return json_null();
    }
    if (IS("concat")) {
        if (n > 0 && json_is_array(a[0])) {
            json_t *r = json_array();
            for (size_t i = 0; i < n && r; i++)
                if (!json_is_array(a[i]) || json_array_extend(r, a[i]) != 0)
                    return json_decref(r), fail(e, "concat() of arrays takes only arrays");
            return r;
        }
        size_t len = 0;
        char *out = fd_calloc(1, 1);
        for (size_t i = 0; i < n && out; i++) {
            char *t = to_text(a[i]);
            char *grown = t ? fd_realloc(out, len + strlen(t) + 1) : NULL;
            if (grown == NULL) {
                free(t);
                free(out);
                return fail(e, "out of memory");
            }
            out = grown;
            strcpy(out + len, t);
            len += strlen(t);
            free(t);
        }
        json_t *r = out ? json_string(out) : NULL;
        free(out);
        return r;
    }
    if (IS("format")) {
        ARITY(1, MAX_ARGS);
        if (!json_is_string(a[0]))
            return fail(e, "format() takes a format string first");
        const char *f = json_string_value(a[0]);
        char out[4096];
        size_t len = 0;
        while (*f && len + 1 < sizeof out) {
            if (f[0] == '{' && f[1] == '{') {
                out[len++] = '{';
                f += 2;
            } else if (f[0] == '}' && f[1] == '}') {
                out[len++] = '}';
                f += 2;
            } else if (*f == '{' && isdigit((unsigned char)f[1])) {
                char *end;
                long k = strtol(f + 1, &end, 10);
                while (*end && *end != '}')
                    end++; /* a format spec ({0:D3}) is not applied */
                if ((size_t)k + 1 >= n || *end != '}')
                    return fail(e, "format(): no argument {%ld}", k);
                char *t = to_text(a[k + 1]);
                len += (size_t)snprintf(out + len, sizeof out - len, "%s", t ? t : "");
                free(t);
                f = end + 1;
            } else {
                out[len++] = *f++;
            }
        }
        out[len < sizeof out ? len : sizeof out - 1] = '\0';
        return json_string(out);
    }
    if (IS("string")) {
        ARITY(1, 1);
        char *t = to_text(a[0]);
        json_t *r = t ? json_string(t) : NULL;
        free(t);
        return r;
    }
    if (IS("int")) {
        ARITY(1, 1);
        if (is_num(a[0]))
            return json_integer((json_int_t)json_number_value(a[0]));
        char *end;
        const char *t = json_string_value(a[0]);
        long long x = t ? strtoll(t, &end, 10) : 0;
        if (!t || !*t || *end)
            return fail(e, "int(): not a whole number");
        return json_integer(x);
    }
    if (IS("bool")) {
        ARITY(1, 1);
        return json_boolean(truth(a[0]));
    }
    if (IS("json")) {
        ARITY(1, 1);
        json_error_t err;
        json_t *r = json_is_string(a[0])
            ? json_loads(json_string_value(a[0]), JSON_DECODE_ANY, &err) : NULL;
        return r ? r : fail(e, "json(): not JSON text");
    }
    if (IS("toLower") || IS("toUpper") || IS("trim")) {
        ARITY(1, 1);
        if (!json_is_string(a[0]))
            return fail(e, "%s() takes a string", name);
        char *t = fd_strdup(json_string_value(a[0]));
        if (t == NULL)
            return fail(e, "out of memory");
        char *b = t;
        if (IS("trim")) {
            while (isspace((unsigned char)*b))
                b++;
            size_t l = strlen(b);
            while (l && isspace((unsigned char)b[l - 1]))
                b[--l] = '\0';
        } else {
            for (char *c = t; *c; c++)
                *c = (char)(IS("toLower") ? tolower((unsigned char)*c)
                                          : toupper((unsigned char)*c));
        }
        json_t *r = json_string(b);
        free(t);
        return r;
    }
    if (IS("replace")) {
        ARITY(3, 3);
        if (!json_is_string(a[0]) || !json_is_string(a[1]) || !json_is_string(a[2]))
            return fail(e, "replace() takes three strings");
        const char *src = json_string_value(a[0]), *old = json_string_value(a[1]);
        const char *rep = json_string_value(a[2]);
        char out[4096];
        size_t len = 0, ol = strlen(old);
        while (*src && len + 1 < sizeof out) {
            if (ol && !strncmp(src, old, ol)) {
                len += (size_t)snprintf(out + len, sizeof out - len, "%s", rep);
                src += ol;
            } else {
                out[len++] = *src++;
            }
        }
        out[len < sizeof out ? len : sizeof out - 1] = '\0';
        return json_string(out);
    }
    if (IS("split")) {
        ARITY(2, 2);
        if (!json_is_string(a[0]) || !json_is_string(a[1]) || !*json_string_value(a[1]))
            return fail(e, "split() takes a string and a delimiter");
        json_t *r = json_array();
        const char *src = json_string_value(a[0]), *dl = json_string_value(a[1]);
        for (;;) {
            const char *hit = strstr(src, dl);
            size_t l = hit ? (size_t)(hit - src) : strlen(src);
            json_array_append_new(r, json_stringn(src, l));
            if (!hit)
                break;
            src = hit + strlen(dl);
        }
        return r;
    }
    if (IS("substring")) {
        ARITY(2, 3);
        const char *t = json_string_value(a[0]);
        if (!t || !json_is_integer(a[1]) || (n == 3 && !json_is_integer(a[2])))
            return fail(e, "substring() takes a string, a start and a length");
        long long st = json_integer_value(a[1]), l = (long long)strlen(t);
        long long ln = n == 3 ? json_integer_value(a[2]) : l - st;
        if (st < 0 || ln < 0 || st + ln > l)
            return fail(e, "substring(): %lld..%lld is outside the string", st, st + ln);
        return json_stringn(t + st, (size_t)ln);
    }
    if (IS("startsWith") || IS("endsWith") || IS("indexOf")) {
        ARITY(2, 2);
        const char *t = json_string_value(a[0]), *x = json_string_value(a[1]);
        if (!t || !x)
            return fail(e, "%s() takes two strings", name);
        size_t lt = strlen(t), lx = strlen(x);
        if (IS("startsWith"))
            return json_boolean(!strncasecmp(t, x, lx));
        if (IS("endsWith"))
            return json_boolean(lx <= lt && !strcasecmp(t + lt - lx, x));
        for (size_t i = 0; i + lx <= lt; i++)
            if (!strncasecmp(t + i, x, lx))
                return json_integer((json_int_t)i);
        return json_integer(-1);
    }
    if (IS("equals")) {
        ARITY(2, 2);
        if (json_is_string(a[0]) && json_is_string(a[1]))
            return json_boolean(!strcasecmp(json_string_value(a[0]), json_string_value(a[1])));
        if (is_num(a[0]) && is_num(a[1]))
            return json_boolean(json_number_value(a[0]) == json_number_value(a[1]));
        return json_boolean(json_equal(a[0], a[1]));
    }
    if (IS("not")) {
        ARITY(1, 1);
        return json_boolean(!truth(a[0]));
    }
    if (IS("and") || IS("or")) {
        ARITY(1, MAX_ARGS);
        bool r = IS("and");
        for (size_t i = 0; i < n; i++)
            r = IS("and") ? r && truth(a[i]) : r || truth(a[i]);
        return json_boolean(r);
    }
    if (IS("less") || IS("lessOrEquals") || IS("greater") || IS("greaterOrEquals")) {
        ARITY(2, 2);
        int c;
        if (is_num(a[0]) && is_num(a[1])) {
            double x = json_number_value(a[0]), y = json_number_value(a[1]);
            c = (x > y) - (x < y);
        } else if (json_is_string(a[0]) && json_is_string(a[1])) {
            c = strcmp(json_string_value(a[0]), json_string_value(a[1]));
        } else {
            return fail(e, "%s() compares two numbers or two strings", name);
        }
        return json_boolean(IS("less") ? c < 0 : IS("lessOrEquals") ? c <= 0
                            : IS("greater") ? c > 0 : c >= 0);
    }
    if (IS("add") || IS("sub") || IS("mul") || IS("div") || IS("mod")) {
        ARITY(2, 2);
        if (!json_is_integer(a[0]) || !json_is_integer(a[1]))
            return fail(e, "%s() takes two whole numbers", name);
        long long x = json_integer_value(a[0]), y = json_integer_value(a[1]);
        if ((IS("div") || IS("mod")) && y == 0)
            return fail(e, "%s() by zero", name);
        return json_integer(IS("add") ? x + y : IS("sub") ? x - y : IS("mul") ? x * y
                            : IS("div") ? x / y : x % y);
    }
    if (IS("min") || IS("max")) {
        ARITY(1, MAX_ARGS);
        json_t *list = n == 1 && json_is_array(a[0]) ? a[0] : NULL;
        size_t cnt = list ? json_array_size(list) : n;
        json_t *best = NULL;
        for (size_t i = 0; i < cnt; i++) {
            json_t *x = list ? json_array_get(list, i) : a[i];
            if (!json_is_integer(x))
                return fail(e, "%s() takes whole numbers", name);
            if (!best || (IS("min") ? json_integer_value(x) < json_integer_value(best)
                                    : json_integer_value(x) > json_integer_value(best)))
                best = x;
        }
        return best ? json_incref(best) : fail(e, "%s() of nothing", name);
    }
    if (IS("length")) {
        ARITY(1, 1);
        if (json_is_string(a[0]))
            return json_integer((json_int_t)strlen(json_string_value(a[0])));
        if (json_is_array(a[0]))
            return json_integer((json_int_t)json_array_size(a[0]));
        if (json_is_object(a[0]))
            return json_integer((json_int_t)json_object_size(a[0]));
        return fail(e, "length() takes a string, an array or an object");
    }
    if (IS("empty")) {
        ARITY(1, 1);
        json_t *v = a[0];
        return json_boolean(json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
                            (json_is_array(v) && !json_array_size(v)) ||
                            (json_is_object(v) && !json_object_size(v)));
    }
    if (IS("contains")) {
        ARITY(2, 2);
        if (json_is_string(a[0]) && json_is_string(a[1]))
            return json_boolean(strstr(json_string_value(a[0]), json_string_value(a[1])) != NULL);
        if (json_is_object(a[0]) && json_is_string(a[1]))
            return json_boolean(member(a[0], json_string_value(a[1])) != NULL);
        if (json_is_array(a[0])) {
            size_t i;
            json_t *x;
            json_array_foreach(a[0], i, x) if (json_equal(x, a[1])) return json_true();
            return json_false();
        }
        return fail(e, "contains() takes a string, an array or an object");
    }
    if (IS("first") || IS("last")) {
        ARITY(1, 1);
        if (json_is_array(a[0]))
            return json_array_size(a[0])
                ? json_incref(json_array_get(a[0], IS("first") ? 0 : json_array_size(a[0]) - 1))
                : json_null();
        if (json_is_string(a[0])) {
            const char *t = json_string_value(a[0]);
            return *t ? json_stringn(IS("first") ? t : t + strlen(t) - 1, 1) : json_string("");
        }
        return fail(e, "%s() takes an array or a string", name);
    }
    if (IS("take") || IS("skip")) {
        ARITY(2, 2);
        if (!json_is_array(a[0]) || !json_is_integer(a[1]))
            return fail(e, "%s() takes an array and a count", name);
        size_t len = json_array_size(a[0]);
        long long k = json_integer_value(a[1]);
        size_t m = k < 0 ? 0 : (size_t)k > len ? len : (size_t)k;
        json_t *r = json_array();
        for (size_t i = IS("take") ? 0 : m; i < (IS("take") ? m : len); i++)
            json_array_append(r, json_array_get(a[0], i));
        return r;
    }
    if (IS("range")) {
        ARITY(2, 2);
        if (!json_is_integer(a[0]) || !json_is_integer(a[1]) || json_integer_value(a[1]) < 0 ||
            json_integer_value(a[1]) > 10000)
            return fail(e, "range() takes a start and a count from 0 to 10000");
        json_t *r = json_array();
        for (long long i = 0; i < json_integer_value(a[1]); i++)
            json_array_append_new(r, json_integer(json_integer_value(a[0]) + i));
        return r;
    }
    if (IS("createArray") || IS("array")) {
        if (IS("array") && n == 1 && json_is_array(a[0]))
            return json_incref(a[0]);
        json_t *r = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append(r, a[i]);
        return r;
    }
    if (IS("createObject")) {
        if (n % 2)
            return fail(e, "createObject() takes key, value pairs");
        json_t *r = json_object();
        for (size_t i = 0; i + 1 < n; i += 2) {
            if (!json_is_string(a[i]))
                return json_decref(r), fail(e, "createObject(): a key must be a string");
            json_object_set(r, json_string_value(a[i]), a[i + 1]);
        }
        return r;
    }
    if (IS("union")) {
        ARITY(1, MAX_ARGS);
        json_t *r = json_is_array(a[0]) ? json_array() : json_object();
        for (size_t i = 0; i < n; i++) {
            if (json_is_object(a[i]) && json_is_object(r))
                json_object_update(r, a[i]);
            else if (json_is_array(a[i]) && json_is_array(r))
                json_array_extend(r, a[i]);
            else
                return json_decref(r), fail(e, "union() of arrays or of objects");
        }
        return r;
    }
    if (IS("coalesce")) {
        for (size_t i = 0; i < n; i++)
            if (!json_is_null(a[i]))
                return json_incref(a[i]);
        return json_null();
    }
    if (IS("resourceId")) {
        ARITY(2, MAX_ARGS);
        size_t t = 0;
        while (t < n && !(json_is_string(a[t]) && strchr(json_string_value(a[t]), '/')))
            t++;
        if (t >= n)
            return fail(e, "resourceId() needs a resource type such as "
                        "'Microsoft.Compute/availabilitySets'");
        const char *type = json_string_value(a[t]);
        const char *slash = strchr(type, '/');
        char out[2048];
        size_t len = (size_t)snprintf(out, sizeof out, "/providers/%.*s", (int)(slash - type),
                                      type);
        const char *seg = slash + 1;
        for (size_t i = t + 1; i < n && len < sizeof out; i++) {
            size_t sl = strcspn(seg, "/");
            char *nm = to_text(a[i]);
            len += (size_t)snprintf(out + len, sizeof out - len, "/%.*s/%s", (int)sl, seg,
                                    nm ? nm : "");
            free(nm);
            seg += sl + (seg[sl] == '/');
        }
        return json_string(out);
    }
    return fail(e, "%s(): not a template function fdsim import evaluates", name);
#undef IS
#undef ARITY
}

/* primary := 'text' | number | name | name '(' args ')' */
static json_t *primary(ev *e, bool skip)
{
    blanks(e);
    const char *p = e->p;
    if (*p == '\'') {
        char buf[4096];
        size_t len = 0;
        for (p++;; p++) {
            if (*p == '\0')
                return fail(e, "a string in quotes is not closed");
            if (*p == '\'' && p[1] == '\'') {
                p++;
            } else if (*p == '\'') {
                break;
            }
            if (len + 1 < sizeof buf)
                buf[len++] = *p;
        }
        buf[len] = '\0';
        e->p = p + 1;
        return skip ? NULL : json_string(buf);
    }
    if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
        char *end;
        long long x = strtoll(p, &end, 10);
        e->p = end;
        return skip ? NULL : json_integer(x);
    }
    if (*p == '\0')
        return fail(e, "the expression ends early (at column %d)", (int)(p - e->text) + 2);
    if (!isalpha((unsigned char)*p) && *p != '_')
        return fail(e, "unexpected '%c' at column %d of the expression", *p,
                    (int)(p - e->text) + 2);
    char name[64];
    size_t nl = 0;
    while ((isalnum((unsigned char)*p) || *p == '_' || *p == '.') && nl + 1 < sizeof name)
        name[nl++] = *p++;
    name[nl] = '\0';
    e->p = p;
    if (!take(e, '(')) {
        if (!strcasecmp(name, "true") || !strcasecmp(name, "false"))
            return skip ? NULL : json_boolean(!strcasecmp(name, "true"));
        if (!strcasecmp(name, "null"))
            return skip ? NULL : json_null();
        return fail(e, "'%s' is not a function call (expected '(')", name);
    }
    json_t *args[MAX_ARGS];
    size_t n = 0;
    bool lazy_if = !strcasecmp(name, "if");
    bool cond = false;
    json_t *out = NULL;
    if (!take(e, ')')) {
        do {
            if (n == MAX_ARGS)
                return fail(e, "%s(): more than %d arguments", name, MAX_ARGS);
            bool sk = skip || (lazy_if && n > 0 && (n == 1 ? !cond : cond));
            json_t *v = expr(e, sk);
            if (e->failed) {
                for (size_t i = 0; i < n; i++)
                    json_decref(args[i]);
                json_decref(v);
                return NULL;
            }
            if (lazy_if && n == 0 && !skip)
                cond = truth(v);
            args[n++] = v;
        } while (take(e, ','));
        if (!take(e, ')')) {
            for (size_t i = 0; i < n; i++)
                json_decref(args[i]);
            return fail(e, "%s(: expected ',' or ')' at column %d of the expression", name,
                        (int)(e->p - e->text) + 2);
        }
    }
    if (!skip) {
        if (lazy_if) {
            if (n != 3)
                fail(e, "if() takes 3 arguments, not %zu", n);
            else
                out = json_incref(args[cond ? 1 : 2]);
        } else {
            out = call(e, name, args, n);
            if (out == NULL && !e->failed)
                fail(e, "%s(): out of memory", name);
        }
    }
    for (size_t i = 0; i < n; i++)
        json_decref(args[i]);
    return out;
}

/* expr := primary ( '.' name | '[' expr ']' )* */
static json_t *expr(ev *e, bool skip)
{
    if (++e->depth > MAX_DEPTH)
        return fail(e, "expression nested too deeply");
    json_t *v = primary(e, skip);
    while (!e->failed) {
        blanks(e);
        if (*e->p == '.') {
            e->p++;
            blanks(e);
            char key[128];
            size_t kl = 0;
            while ((isalnum((unsigned char)*e->p) || *e->p == '_') && kl + 1 < sizeof key)
                key[kl++] = *e->p++;
            key[kl] = '\0';
            if (!kl) {
                json_decref(v);
                return fail(e, "a property name must follow '.'");
            }
            if (skip)
                continue;
            json_t *m = json_is_object(v) ? member(v, key) : NULL;
            if (m == NULL) {
                json_decref(v);
                return fail(e, "no property '%s'", key);
            }
            json_t *next = settle(e, m);
            json_decref(v);
            v = next;
        } else if (*e->p == '[') {
            e->p++;
            json_t *k = expr(e, skip);
            if (e->failed || !take(e, ']')) {
                json_decref(k);
                json_decref(v);
                return fail(e, "expected ']' at column %d of the expression",
                            (int)(e->p - e->text) + 2);
            }
            if (skip)
                continue;
            json_t *m = json_is_array(v) && json_is_integer(k)
                ? json_array_get(v, (size_t)json_integer_value(k))
                : json_is_object(v) && json_is_string(k) ? member(v, json_string_value(k))
                                                         : NULL;
            json_decref(k);
            if (m == NULL) {
                json_decref(v);
                return fail(e, "index out of range or no such property");
            }
            json_t *next = settle(e, m);
            json_decref(v);
            v = next;
        } else {
            break;
        }
    }
    e->depth--;
    if (e->failed) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static json_t *eval_in(const arm_scope *s, json_t *raw, char *why, size_t whylen, int depth)
{
    if (depth > MAX_DEPTH) {
        snprintf(why, whylen, "parameters or variables refer to each other in a cycle");
        return NULL;
    }
    const char *t = json_string_value(raw);
    size_t len = t ? strlen(t) : 0;
    if (!t || len < 2 || t[0] != '[' || t[len - 1] != ']')
        return json_incref(raw);
    if (t[1] == '[')
        return json_string(t + 1); /* "[[x]" is the literal "[x]" */
    char *body = fd_strndup(t + 1, len - 2);
    if (body == NULL) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    ev e = { .s = s, .text = body, .p = body, .why = why, .whylen = whylen, .depth = depth };
    json_t *v = expr(&e, false);
    blanks(&e);
    if (!e.failed && *e.p != '\0') {
        json_decref(v);
        v = fail(&e, "unexpected '%c' at column %d of the expression", *e.p,
                 (int)(e.p - body) + 2);
    }
    if (v == NULL && !e.failed)
        snprintf(why, whylen, "out of memory");
    free(body);
    return v;
}

json_t *arm_eval(const arm_scope *s, json_t *raw, char *why, size_t whylen)
{
    return eval_in(s, raw, why, whylen, 0);
}

bool arm_id_split(const char *id, char *type, size_t tlen, char *name, size_t nlen)
{
    const char *p = NULL;
    for (const char *c = id; *c; c++)
        if (!strncasecmp(c, "/providers/", 11))
            p = c + 11; /* the last one: an extension resource's own */
    if (p == NULL)
        return false;
    /* NAMESPACE/type1/name1[/type2/name2...] */
    char segs[16][256];
    int n = 0;
    while (*p && n < 16) {
        size_t l = strcspn(p, "/");
        snprintf(segs[n++], sizeof segs[0], "%.*s", (int)l, p);
        p += l + (p[l] == '/');
    }
    if (n < 3)
        return false;
    size_t len = (size_t)snprintf(type, tlen, "%s", segs[0]);
    for (int i = 1; i < n && len < tlen; i += 2)
        len += (size_t)snprintf(type + len, tlen - len, "/%s", segs[i]);
    snprintf(name, nlen, "%s", segs[n - 1 - (n % 2 == 0)]);
    return true;
}
