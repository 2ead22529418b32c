/*
 * cmdline: shell quoting of a command line (see cmdline.h).
 */
#include "cmdline.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes a word needs to be read back by a shell without quotes. */
static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_-+=./,:@%";

char *cmdline_quote(const char *prog, int argc, char *const *argv)
{
    /* A word of n bytes needs at most 4n + 2 quoted, plus its blank. */
    size_t n = strlen(prog) + 1;
    for (int i = 0; i < argc; i++)
        n += 4 * strlen(argv[i]) + 3;
    char *s = fd_malloc(n), *p = s;
    if (s == NULL)
        return NULL;
    p += sprintf(p, "%s", prog);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        *p++ = ' ';
        if (*a && strspn(a, plain) == strlen(a)) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++)
            p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
        *p = '\0';
    }
    return s;
}
