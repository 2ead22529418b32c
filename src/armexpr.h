/*
 * armexpr: ARM template expressions, evaluated over jansson values, for
 * fdsim import.
 *
 * A template value that is a string "[...]" is an expression ("[[" opens
 * a literal string that starts with "["); any other value is itself.  An
 * expression is a literal ('text' with '' for a quote, an integer, true,
 * false), a function call name(args), followed by property accesses
 * (.name, case-insensitive, or ['name']) and indexes ([0]).
 *
 * Functions evaluated (the ARM template function reference's): parameters,
 * variables, copyIndex, concat, format ({0} and {0:...} without the
 * format), string, int, bool, json, toLower, toUpper, trim, replace, split,
 * substring, startsWith, endsWith, indexOf, if, equals, not, and, or,
 * less, lessOrEquals, greater, greaterOrEquals, add, sub, mul, div, mod,
 * min, max, length, empty, contains, first, last, take, skip, range,
 * createArray, array, createObject, union, coalesce, null, true, false,
 * resourceId (as "/providers/TYPE/NAME..."), and resourceGroup().location
 * and deployment-time functions (reference, uniqueString, guid,
 * subscription, resourceGroup, deployment, utcNow, newGuid, list*) are
 * refused with the reason: they are known only when Azure deploys.
 *
 * Scopes: a template's parameters (declared with type and defaultValue),
 * the values given for them (a parameters file, -p NAME=VALUE, or a nested
 * deployment's parameters, evaluated in the parent's scope), its
 * variables, and the copy loop being expanded.  Parameters and variables
 * are evaluated lazily, when an expression asks for them, so a parameter
 * that is needed only for things fdsim does not model (an admin password)
 * never needs a value.
 */
#ifndef FDSIM_ARMEXPR_H
#define FDSIM_ARMEXPR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define ARM_WHY_MAX 512 /* longest reason, with NUL */

typedef struct arm_scope arm_scope;

/* A scope for `tmpl` (a template object: "parameters", "variables";
 * borrowed, it must outlive the scope), with no values given yet and no
 * parent.  NULL without memory. */
arm_scope *arm_scope_create(json_t *tmpl);

/* A child scope for one iteration of the copy loop `loop` (may be NULL)
 * at `index`: the same parameters and variables, copyIndex() = index.
 * NULL without memory.  Free with arm_scope_destroy before `parent`. */
arm_scope *arm_scope_copy(const arm_scope *parent, const char *loop, long index);

/* Free a scope.  NULL is a no-op. */
void arm_scope_destroy(arm_scope *s);

/* Give parameter `name` the literal value `v` (a new reference is
 * taken); `origin` (copied) says where it came from for the scenario's
 * header ("-p", "FILE").  A value given twice: the last wins.  0, or -1
 * without memory. */
int arm_scope_give(arm_scope *s, const char *name, json_t *v, const char *origin);

/* Give parameter `name` the value of expression `raw` evaluated in
 * `parent` (nested deployment `deployment`'s "parameters": {"x": {"value":
 * raw}}); raw and parent borrowed (they must outlive s).  0 or -1. */
int arm_scope_give_expr(arm_scope *s, const char *name, json_t *raw, const arm_scope *parent,
                        const char *deployment);

/* Whether the template declares parameter `name` (case-insensitive). */
bool arm_scope_declares(const arm_scope *s, const char *name);

/* Convert command-line text to parameter `name`'s declared type (int,
 * bool, array and object as JSON, string as is): a new value, or NULL with
 * the reason in `why`. */
json_t *arm_scope_convert(const arm_scope *s, const char *name, const char *text, char *why,
                          size_t whylen);

/* Evaluate `raw` in scope `s`: an expression string is evaluated, "[["
 * unescaped, any other value returned as is (arrays and objects are not
 * walked).  A new reference, or NULL with the reason in `why` (naming the
 * function or parameter that failed).  Cost: linear in the expression,
 * plus the parameters and variables it reads. */
json_t *arm_eval(const arm_scope *s, json_t *raw, char *why, size_t whylen);

/* The parameters read so far through this scope and its copies, with
 * their values and where each came from ("default", "-p", a file), as
 * "name=value (origin)" lines appended to `out` (a caller's JSON array of
 * strings).  0 or -1 without memory. */
int arm_scope_used(const arm_scope *s, json_t *out);

/* Split a resource id ("/subscriptions/../providers/Microsoft.Compute/
 * availabilitySets/NAME", or resourceId()'s "/providers/TYPE/NAME") into
 * the type and the last name: true and both written (NUL-terminated,
 * truncated to their sizes), or false when it holds no "/providers/". */
bool arm_id_split(const char *id, char *type, size_t tlen, char *name, size_t nlen);

#endif
