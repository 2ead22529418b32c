/*
 * diag: status codes and the one place every error message is made.
 *
 * Recoverable errors (bad input, a file that cannot be read, a world too
 * small) travel as negative status codes from this list, with a sentence for
 * the person in a `diag` record owned by the caller.  Broken invariants are
 * ours, not the user's: those are asserts, never status codes.
 *
 * Every error goes through diag_set(), so one breakpoint catches them all.
 */
#ifndef FDSIM_DIAG_H
#define FDSIM_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Status codes: 0 is success, every error is negative. */
enum {
    FD_OK = 0,
    FD_ENOMEM = -1,    /* out of memory */
    FD_EIO = -2,       /* a file could not be opened, read or written */
    FD_EINVAL = -3,    /* bad input: scenario, option or data file */
    FD_ECAPACITY = -4, /* the world has no room for a placement */
    FD_EINTR = -5,     /* interrupted by a signal before the end */
};

/* Exit statuses of the fdsim command. */
enum {
    FD_EXIT_OK = 0,      /* success */
    FD_EXIT_FAIL = 1,    /* a run failed (I/O, memory) */
    FD_EXIT_INPUT = 2,   /* bad input: nothing was simulated or written */
    FD_EXIT_PARTIAL = 3, /* interrupted: partial results written */
    FD_EXIT_ALLOC = 4,   /* placement could not allocate every VM */
};

#define DIAG_MSG_MAX 4096

/* No message is ever cut silently: one that does not fit its buffer (a
 * diag's msg, a parser's `why`) keeps its start (where: file, line, key)
 * and its end (what is wrong and what is valid) around a marker
 * " [... N bytes cut ...] " in place of the middle, which is where an
 * over-long echoed input sits. */

/* An error record filled by the callee; the caller owns it (usually on the
 * stack).  `msg` is empty while code is FD_OK. */
typedef struct diag {
    int code;               /* FD_OK or one of the FD_E* codes */
    char msg[DIAG_MSG_MAX]; /* one line for a person, no trailing newline */
} diag;

/* Reset `d` to FD_OK with an empty message.  `d` may be NULL. */
void diag_clear(diag *d);

/* Record error `code` with a printf-style message in `d` (which may be NULL)
 * and return `code`, so callers write `return diag_set(d, FD_EINVAL, ...)`.
 * The first error recorded wins: a later call on a record that already holds
 * an error keeps the first message (the root cause) and returns `code`. */
int diag_set(diag *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* diag_set with a va_list, for functions that take a format themselves. */
int diag_vset(diag *d, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Write a printf-style reason into `why` (size `whylen`; NULL or 0 writes
 * nothing) and return -1: the helper of the parsers whose contract is
 * "return -1 with a reason in why". */
int diag_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* vsnprintf into buf (size >= 64), keeping start and end around the
 * marker above when the text does not fit.  Returns buf. */
char *diag_vformat(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A short static description of a status code ("bad input", ...). */
const char *diag_strerror(int code);

/* The exit status that `code` maps to. */
int diag_exit_status(int code);

#endif
