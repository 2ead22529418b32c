/* Tests of diag: the first error wins, codes map to exit statuses. */
#include <criterion/criterion.h>

#include "diag.h"

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
