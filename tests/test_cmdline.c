/* Tests of cmdline: plain words as they are, anything else single-quoted,
 * and what a shell reads back is the same words. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>

#include "cmdline.h"

Test(cmdline, plain_words_are_written_as_is)
{
    char *argv[] = { "run", "-n", "100", "--set", "group.db.count=5", "-o", "out/x_1,2:@%+" };
    char *s = cmdline_quote("fdsim", 7, argv);
    cr_assert_str_eq(s, "fdsim run -n 100 --set group.db.count=5 -o out/x_1,2:@%+");
    free(s);
    s = cmdline_quote("fdsim", 0, argv);
    cr_assert_str_eq(s, "fdsim");
    free(s);
}

Test(cmdline, blanks_quotes_and_empty_words_are_quoted)
{
    char *argv[] = { "sweep", "a b", "", "it's", "$HOME", "x\ny" };
    char *s = cmdline_quote("fdsim", 6, argv);
    cr_assert_str_eq(s, "fdsim sweep 'a b' '' 'it'\\''s' '$HOME' 'x\ny'");
    free(s);
}

Test(cmdline, a_shell_reads_back_the_same_words)
{
    char *argv[] = { "it's", "a \"b\"", "''", "\\", "*" };
    char *s = cmdline_quote("printf '[%s]'", 5, argv);
    FILE *p = popen(s, "r");
    cr_assert_not_null(p);
    char out[256] = "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    cr_assert_eq(pclose(p), 0);
    cr_expect_str_eq(out, "[it's][a \"b\"]['']" "[\\][*]");
    free(s);
}
