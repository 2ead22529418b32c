/* Tests of diag: the first error wins, codes map to exit statuses. */
#include <criterion/criterion.h>

#include "diag.h"

#include <stdarg.h>

Test(diag, first_error_wins)
{
    diag d;
    diag_clear(&d);
    cr_assert_eq(d.code, FD_OK);
    cr_assert_eq(diag_set(&d, FD_EINVAL, "first %d", 1), FD_EINVAL);
    cr_assert_eq(diag_set(&d, FD_EIO, "second"), FD_EIO);
    cr_assert_eq(d.code, FD_EINVAL);
    cr_assert_str_eq(d.msg, "first 1");
}

Test(diag, null_record_is_allowed)
{
    cr_assert_eq(diag_set(NULL, FD_EIO, "x"), FD_EIO);
    diag_clear(NULL);
}

Test(diag, exit_statuses)
{
    cr_assert_eq(diag_exit_status(FD_OK), 0);
    cr_assert_eq(diag_exit_status(FD_EINVAL), 2);
    cr_assert_eq(diag_exit_status(FD_EIO), 1);
    cr_assert_eq(diag_exit_status(FD_EINTR), 3);
    cr_assert_str_eq(diag_strerror(FD_EINVAL), "bad input");
}

static int set_v(diag *d, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = diag_vset(d, code, fmt, ap);
    va_end(ap);
    return rc;
}

Test(diag, vset_is_set_with_a_va_list)
{
    diag d;
    diag_clear(&d);
    cr_assert_eq(set_v(&d, FD_EIO, "cannot %s %d", "write", 3), FD_EIO);
    cr_assert_str_eq(d.msg, "cannot write 3");
    cr_assert_eq(set_v(&d, FD_EINVAL, "later"), FD_EINVAL);
    cr_assert_str_eq(d.msg, "cannot write 3", "the first error wins");
    cr_assert_eq(d.code, FD_EIO);
}
