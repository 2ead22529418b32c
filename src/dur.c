/*
 * dur: parse and print durations with units (see dur.h).
 *
 * Invariant: dur_format() only ever writes a text that dur_parse() turns
 * back into the very same double, for every finite x >= 0.  Parsing is
 * strtod() fenced in: the number must start with a digit or '.', so signs,
 * "inf" and "nan" never reach strtod, and hex floats are refused after it.
 */
#include "dur.h"
#include "diag.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUR_MAX (1e6 * DUR_YEAR) /* the largest duration accepted */

/* Largest unit first: dur_format tries them in this order. */
static const struct {
    char name;
    double seconds;
} units[] = {
    {'y', DUR_YEAR}, {'w', DUR_WEEK}, {'d', DUR_DAY},
    {'h', DUR_HOUR}, {'m', DUR_MINUTE}, {'s', 1.0},
};

#define UNITS_HINT "one of s m h d w y (e.g. 15m, 2.5h, 30d; 1y = 365 d)"


static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The seconds in one `c` unit, or 0 if `c` names no unit. */
static double unit_seconds(char c)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].name == c)
            return units[i].seconds;
    return 0.0;
}

int dur_parse(const char *text, double *seconds, char *why, size_t whylen)
{
    if (text == NULL)
        text = "";
    const char *p = text;
    while (is_blank(*p))
        p++;
    if (*p == '\0')
        return diag_why(why, whylen,
                    "empty duration; write a number followed by " UNITS_HINT);
    if (*p == '-')
        return diag_why(why, whylen,
                    "negative duration \"%s\"; durations can't be negative, "
                    "write a number >= 0 followed by " UNITS_HINT, text);
    if (*p == '+')
        return diag_why(why, whylen,
                    "sign in duration \"%s\"; write the number without '+', "
                    "followed by " UNITS_HINT, text);
    if (!isdigit((unsigned char)*p) && *p != '.')
        return diag_why(why, whylen,
                    "\"%s\" is not a duration; write a decimal number followed by "
                    UNITS_HINT, text);

    errno = 0;
    char *end;
    double v = strtod(p, &end);
    if (end == p)
        return diag_why(why, whylen,
                    "\"%s\" is not a duration; write a decimal number followed by "
                    UNITS_HINT, text);
    for (const char *q = p; q < end; q++)
        if (*q == 'x' || *q == 'X')
            return diag_why(why, whylen,
                        "hexadecimal number in duration \"%s\"; write a decimal "
                        "number followed by " UNITS_HINT, text);
    /* Underflow to a tiny or zero value is harmless; overflow is not. */
    if (!isfinite(v) || (errno == ERANGE && v > 1.0))
        return diag_why(why, whylen,
                    "duration \"%s\" is too large; the maximum is 1e6 years "
                    "(1000000y)", text);

    while (is_blank(*end))
        end++;
    if (*end == '\0')
        return diag_why(why, whylen,
                    "missing unit in \"%s\"; write a number followed by " UNITS_HINT,
                    text);
    double unit = unit_seconds(*end);
    const char *after = end + 1;
    while (is_blank(*after))
        after++;
    if (unit != 0.0 && end[1] != '\0' && !is_blank(end[1]))
        unit = 0.0; /* "15min": a longer word, not the unit m */
    if (unit != 0.0 && *after != '\0')
        return diag_why(why, whylen,
                    "unexpected \"%s\" after the duration in \"%s\"; write one "
                    "number followed by " UNITS_HINT, after, text);
    if (unit == 0.0) {
        /* Show the whole unknown word, not just its first letter. */
        const char *w = end;
        while (*w != '\0' && !is_blank(*w))
            w++;
        return diag_why(why, whylen,
                    "unknown unit \"%.*s\" in \"%s\"; write a number followed by "
                    UNITS_HINT, (int)(w - end), end, text);
    }

    double s = v * unit;
    if (!isfinite(s) || s > DUR_MAX)
        return diag_why(why, whylen,
                    "duration \"%s\" is too large; the maximum is 1e6 years "
                    "(1000000y)", text);
    *seconds = s;
    return 0;
}

/* The significant digits in a %g text ("0.00125" has 3, "1.5e-07" has 2). */
static int sig_digits(const char *s)
{
    int n = 0, leading = 1;
    for (; *s != '\0' && *s != 'e'; s++) {
        if (!isdigit((unsigned char)*s))
            continue;
        if (*s == '0' && leading)
            continue;
        leading = 0;
        n++;
    }
    return n;
}

/* Print x / unit with "%.15g" into buf; return whether dur_parse's own
 * arithmetic (strtod, then multiply) gives x back exactly. */
static int exact_in(double x, double unit, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", x / unit);
    return strtod(buf, NULL) * unit == x;
}

char *dur_format(double seconds, char *buf, size_t buflen)
{
    char num[64];
    if (buflen == 0)
        return buf;
    if (seconds == 0.0) {
        snprintf(buf, buflen, "0s");
        return buf;
    }
    /*
     * The largest unit in which x prints exactly with "%.15g".  For
     * readability a unit only counts when x is at least one of it (15m, not
     * 0.25h) and its digits are few (at most 9): with 15 digits a long
     * decimal sometimes round-trips by luck ("2.85388127853881e-06y" for
     * 90 s), exact but unreadable.  Seconds are the fallback, exact always.
     */
    size_t nunits = sizeof units / sizeof units[0];
    for (size_t i = 0; i + 1 < nunits; i++) {
        if (seconds >= units[i].seconds &&
            exact_in(seconds, units[i].seconds, num, sizeof num) &&
            sig_digits(num) <= 9) {
            snprintf(buf, buflen, "%s%c", num, units[i].name);
            return buf;
        }
    }
    if (!exact_in(seconds, 1.0, num, sizeof num))
        snprintf(num, sizeof num, "%.17g", seconds);
    snprintf(buf, buflen, "%ss", num);
    return buf;
}
