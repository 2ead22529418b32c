/*
 * cmdline: a command line as text, for a results directory's record
 * (run.ini's "; command:" line), quoted so that a POSIX shell reads it back
 * as the same words.
 */
#ifndef FDSIM_CMDLINE_H
#define FDSIM_CMDLINE_H

/* `prog` followed by argv[0..argc-1], separated by blanks; a word made only
 * of letters, digits and _-+=./,:@% is written as is, any other (an empty
 * one too) between single quotes, a quote inside as '\''.  A heap string
 * the caller frees, or NULL without memory.  Cost: O(total length). */
char *cmdline_quote(const char *prog, int argc, char *const *argv);

#endif
