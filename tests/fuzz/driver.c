/*
 * A main() for the fuzz harnesses where libFuzzer is not linked: every
 * argument is a file or a directory of files (not recursive), each file
 * one input handed to LLVMFuzzerTestOneInput.  Prints how many inputs ran;
 * exit 0, or 2 when an argument cannot be read (a finding aborts).
 * Cost: one call per file.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Run the file at `path`.  0, or -1 when it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n < cap)
            continue;
        uint8_t *grown = realloc(buf, cap *= 2);
        if (grown == NULL)
            free(buf);
        buf = grown;
    }
    int bad = ferror(f) || buf == NULL;
    fclose(f);
    if (!bad)
        LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) < 0)
                return 2;
            runs++;
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, NULL, alphasort); /* a stable order */
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) < 0)
                    return 2;
                runs++;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("%zu inputs ran, no finding\n", runs);
    return 0;
}
