/*
 * catalog: reference tables embedded in the binary (see catalog.h).
 */
#include "catalog.h"

#include "csvio.h"
#include "embed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int catalog_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 1000;
    int prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

/* A visitor over the rows of an embedded table (header skipped). */
typedef struct scan {
    const char *key;  /* what to find (region name, size name) */
    int result;       /* what was found */
    int best;         /* best score so far */
    char *buf;        /* text output (suggestion, family, list) */
    size_t len;       /* size of buf */
} scan;

static int region_row(void *user, char **f, size_t n, size_t row)
{
    scan *s = user;
    if (row == 1 || n < 2)
        return 0;
    if (strcasecmp(f[0], s->key) == 0)
        s->result = atoi(f[1]);
    return 0;
}

int catalog_region_max_fd(const char *region)
{
    scan s = { .key = region };
    if (csvio_parse(embed_regions_csv, embed_regions_csv_len, "regions.csv", region_row, &s,
                    NULL) != 0)
        return CATALOG_ENOMEM; /* the table is ours and valid: only memory can fail */
    return s.result;
}

static int suggest_row(void *user, char **f, size_t n, size_t row)
{
    scan *s = user;
    if (row == 1 || n < 1)
        return 0;
    int dist = catalog_edit_distance(f[0], s->key);
    if (dist < s->best) {
        s->best = dist;
        snprintf(s->buf, s->len, "%s", f[0]);
    }
    return 0;
}

void catalog_region_suggest(const char *region, char *buf, size_t len)
{
    buf[0] = '\0';
    scan s = { .key = region, .best = 4, .buf = buf, .len = len };
    csvio_parse(embed_regions_csv, embed_regions_csv_len, "regions.csv",
                suggest_row, &s, NULL);
}

static int sku_row(void *user, char **f, size_t n, size_t row)
{
    scan *s = user;
    if (row == 1 || n < 2)
        return 0;
    size_t fl = strlen(f[0]);
    if ((int)fl > s->best && strncasecmp(s->key, f[0], fl) == 0) {
        s->best = (int)fl;
        s->result = strcmp(f[1], "true") == 0;
        if (s->buf)
            snprintf(s->buf, s->len, "%s", f[0]);
    }
    return 0;
}

int catalog_sku_memory_preserving(const char *vm_size, char *family, size_t len)
{
    if (family && len)
        family[0] = '\0';
    if (strncasecmp(vm_size, "Standard_", 9) != 0)
        return -1;
    scan s = { .key = vm_size + 9, .result = -1, .best = 0,
               .buf = family, .len = len };
    if (csvio_parse(embed_skus_csv, embed_skus_csv_len, "skus.csv", sku_row, &s, NULL) != 0)
        return CATALOG_ENOMEM;
    return s.result;
}

static int family_row(void *user, char **f, size_t n, size_t row)
{
    scan *s = user;
    if (row == 1 || n < 1)
        return 0;
    size_t used = strlen(s->buf);
    snprintf(s->buf + used, s->len - used, "%s%s", used ? ", " : "", f[0]);
    return 0;
}

void catalog_sku_families(char *buf, size_t len)
{
    buf[0] = '\0';
    scan s = { .buf = buf, .len = len };
    csvio_parse(embed_skus_csv, embed_skus_csv_len, "skus.csv", family_row, &s, NULL);
}
