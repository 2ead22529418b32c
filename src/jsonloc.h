/*
 * jsonloc: where a key of a parsed JSON document sits in its text (line
 * and column), so that a message about a value can point at it.
 *
 * jansson keeps no positions once a document is parsed.  It does keep
 * object keys in document order, so the k-th key named K met in a
 * depth-first walk of the parsed tree is the k-th "K" followed by a colon
 * in the text, counting only quotes that open a string (an escaped quote
 * belongs to a string).  The document must have been loaded with
 * JSON_REJECT_DUPLICATES (a duplicate key would break the count); a key
 * written with escapes in the text is not found.  No JSON is parsed here.
 */
#ifndef FDSIM_JSONLOC_H
#define FDSIM_JSONLOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The line and column (both from 1; columns in bytes) of key `key` of
 * object `obj` inside the document `root` parsed from text[0..len-1]:
 * true and both written, or false when obj is not in the tree, has no
 * such key, or the text does not show it plainly.  O(document). */
bool jsonloc_find(const char *text, size_t len, json_t *root, json_t *obj, const char *key,
                  int *line, int *col);

#endif
