/*
 * dur: durations with units, as written in scenarios and on the command line.
 *
 * A duration is a finite non-negative decimal number followed by one unit:
 * s (second), m (minute), h (hour), d (day = 24 h), w (week = 7 d),
 * y (year = 365 d, exactly 31 536 000 s).  Examples: "15m", "2.5h", "30d",
 * "1y", "0s".  Blanks around the number and unit are allowed; anything else
 * is an error.  Inside fdsim every time is a double in seconds.
 */
#ifndef FDSIM_DUR_H
#define FDSIM_DUR_H

#include <stddef.h>

#define DUR_MINUTE 60.0
#define DUR_HOUR 3600.0
#define DUR_DAY 86400.0
#define DUR_WEEK (7.0 * DUR_DAY)
#define DUR_YEAR (365.0 * DUR_DAY) /* fdsim's year: 365 days, no leap years */

/* Parse `text` into seconds.  Returns 0 and sets *seconds, or returns -1 and
 * writes a one-line reason (what is wrong and what would be valid, e.g.
 * "missing unit in \"15\"; write a number and one of s m h d w y, as 15m")
 * into `why` (size `whylen`, may be 0).  Rejects negatives, NaN, infinities,
 * empty text, unknown units and values above 1e6 years. */
int dur_parse(const char *text, double *seconds, char *why, size_t whylen);

/* Write `seconds` into `buf` as the shortest exact form with the largest
 * unit that keeps it readable ("15m", "2.5h", "30d", "1y", "10s"); values
 * that no unit expresses exactly fall back to seconds with up to 17
 * significant digits, so dur_parse(dur_format(x)) == x.  Returns `buf`. */
char *dur_format(double seconds, char *buf, size_t buflen);

#endif
