/*
 * catalog: the reference tables compiled into fdsim (data/regions.csv and
 * data/skus.csv, see data/README.md): a region's maximum aligned fault-domain
 * count and whether a VM size supports memory-preserving maintenance.
 *
 * The tables are parsed from the embedded text with libcsv on each call; the
 * callers are the scenario loader and tests, never the simulation loop.
 */
#ifndef FDSIM_CATALOG_H
#define FDSIM_CATALOG_H

#include <stddef.h>

#define CATALOG_ENOMEM (-2) /* a lookup ran out of memory reading its table */

/* The maximum fault-domain count of `region` (case-insensitive), 0 when
 * the table has no value for it, or CATALOG_ENOMEM.  O(rows). */
int catalog_region_max_fd(const char *region);

/* The region in the table closest to `region` by edit distance, copied into
 * `buf` ("" when none is close).  For "did you mean" messages. */
void catalog_region_suggest(const char *region, char *buf, size_t len);

/* Memory-preserving support of a VM size ("Standard_D4s_v5"): 1 yes, 0 no,
 * -1 when no family of the table prefixes the name after "Standard_",
 * CATALOG_ENOMEM when reading the table ran out of memory.
 * The family is the longest table entry that prefixes it (DC4s -> DC,
 * D4s -> D, NC24ads -> N).  `family` (may be NULL) receives
 * the matched family.  O(rows). */
int catalog_sku_memory_preserving(const char *vm_size, char *family, size_t len);

/* The families of the table, comma-separated, for messages. */
void catalog_sku_families(char *buf, size_t len);

/* Levenshtein distance between two short strings, case-insensitive;
 * strings longer than 63 characters compare as far apart.  For suggestions. */
int catalog_edit_distance(const char *a, const char *b);

#endif
