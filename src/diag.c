/*
 * diag: status codes and error messages (see diag.h).
 */
#include "diag.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *diag_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0 || (size_t)n < size || size < 64) {
        va_end(again);
        return buf;
    }
    char *whole = fd_malloc((size_t)n + 1);
    if (whole == NULL) { /* say it is cut, at least */
        va_end(again);
        memcpy(buf + size - 16, " [... cut ...]", 15);
        return buf;
    }
    vsnprintf(whole, (size_t)n + 1, fmt, again);
    va_end(again);
    char mark[64];
    size_t keep = size - 1 - 48; /* room for the marker */
    size_t head = keep / 3, tail = keep - head;
    int ml = snprintf(mark, sizeof mark, " [... %zu bytes cut ...] ",
                      (size_t)n - head - tail);
    tail = size - 1 - head - (size_t)ml;
    memcpy(buf, whole, head);
    memcpy(buf + head, mark, (size_t)ml);
    memcpy(buf + head + (size_t)ml, whole + (size_t)n - tail, tail);
    buf[size - 1] = '\0';
    free(whole);
    return buf;
}

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
    diag_vformat(d->msg, sizeof d->msg, fmt, ap);
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
        if (whylen >= 64)
            diag_vformat(why, whylen, fmt, ap);
        else
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
