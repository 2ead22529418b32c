/*
 * jsonloc: a key's line and column from the parsed tree's key order (see
 * jsonloc.h).
 */
#include "jsonloc.h"

#include <ctype.h>
#include <string.h>

/* Walk `v` depth-first in document order, counting the keys named `key`
 * met before (obj, key); true when it was reached (*k its ordinal). */
static bool ordinal(json_t *v, json_t *obj, const char *key, size_t *k)
{
    if (json_is_object(v)) {
        const char *name;
        json_t *child;
        json_object_foreach(v, name, child) {
            if (!strcmp(name, key)) {
                if (v == obj)
                    return true;
                ++*k;
            }
            if (ordinal(child, obj, key, k))
                return true;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child) if (ordinal(child, obj, key, k)) return true;
    }
    return false;
}

/* Whether text[i] is a quote that opens or closes a string: not preceded
 * by an odd run of backslashes. */
static bool real_quote(const char *text, size_t i)
{
    size_t b = 0;
    while (b < i && text[i - 1 - b] == '\\')
        b++;
    return text[i] == '"' && b % 2 == 0;
}

bool jsonloc_find(const char *text, size_t len, json_t *root, json_t *obj, const char *key,
                  int *line, int *col)
{
    size_t k = 0, klen = strlen(key);
    if (strpbrk(key, "\"\\") || !ordinal(root, obj, key, &k))
        return false;
    /* the text's strings, in order: a key is a string followed by ':' */
    bool in = false;
    size_t start = 0, seen = 0;
    int ln = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && !in) {
            ln++;
            line_start = i + 1;
        }
        if (!real_quote(text, i))
            continue;
        if (!in) {
            in = true;
            start = i;
            continue;
        }
        in = false;
        size_t j = i + 1;
        while (j < len && isspace((unsigned char)text[j]))
            j++;
        if (j >= len || text[j] != ':' || i - start - 1 != klen ||
            memcmp(text + start + 1, key, klen) != 0)
            continue;
        if (seen++ == k) {
            *line = ln;
            *col = (int)(start - line_start) + 1;
            return true;
        }
    }
    return false;
}
