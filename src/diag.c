/*
 * diag: status codes and error messages (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void diag_clear(diag *d)
{
    if (d == NULL)
        return;
    d->code = FD_OK;
    d->msg[0] = '\0';
}

int diag_vset(diag *d, int code, const char *fmt, va_list ap)
{
    if (d == NULL || d->code != FD_OK)
        return code;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    d->code = code;
    return code;
}

int diag_set(diag *d, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vset(d, code, fmt, ap);
    va_end(ap);
    return code;
}

int diag_why(char *why, size_t whylen, const char *fmt, ...)
{
    if (why != NULL && whylen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *diag_strerror(int code)
{
    switch (code) {
    case FD_OK: return "success";
    case FD_ENOMEM: return "out of memory";
    case FD_EIO: return "input/output error";
    case FD_EINVAL: return "bad input";
    case FD_ECAPACITY: return "not enough capacity";
    case FD_EINTR: return "interrupted";
    default: return "unknown error";
    }
}

int diag_exit_status(int code)
{
    switch (code) {
    case FD_OK: return FD_EXIT_OK;
    case FD_EINVAL: return FD_EXIT_INPUT;
    case FD_ECAPACITY: return FD_EXIT_INPUT;
    case FD_EINTR: return FD_EXIT_PARTIAL;
    default: return FD_EXIT_FAIL;
    }
}
