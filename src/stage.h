/*
 * stage: a results directory written whole or not at all.
 *
 * A stage is a staging directory "DIR.tmp-PID" (csvio_temp_path) beside
 * the directory DIR it will become.  Everything is written into it, and
 * stage_commit renames it to DIR in one step, so a reader never sees DIR
 * half-written; a stage destroyed uncommitted (an error, an interrupt)
 * removes the staging directory and all it holds, and DIR is as it was.
 * DIR must be new or an empty directory (stage_check), which the commit
 * replaces.  (report_sink_commit's per-file atomic writes work inside a
 * stage as anywhere.)
 */
#ifndef FDSIM_STAGE_H
#define FDSIM_STAGE_H

#include "diag.h"

/* What a path holds, for a caller that must be given a new or empty
 * directory. */
typedef enum stage_target {
    STAGE_NEW,       /* nothing there (or nothing stat can see) */
    STAGE_EMPTY,     /* an empty directory: the commit replaces it */
    STAGE_NOT_DIR,   /* a file or other non-directory */
    STAGE_NOT_EMPTY, /* a directory with entries (or one that cannot be listed) */
} stage_target;

typedef struct stage stage;

/* What `dir` holds now.  Cost: one stat and, for a directory, reading it
 * up to its first entry. */
stage_target stage_check(const char *dir);

/* Create the staging directory of `dir`.  FD_OK, or FD_EIO ("cannot
 * create DIR.tmp-PID: reason") / FD_ENOMEM with the message in `d`. */
int stage_create(stage **out, const char *dir, diag *d);

/* The staging directory to write into (owned by the stage). */
const char *stage_dir(const stage *st);

/* Rename the staging directory to its final name, replacing it if it is
 * an empty directory.  FD_OK, or FD_EIO ("cannot rename A to B: reason",
 * e.g. DIR was filled meanwhile) with nothing committed. */
int stage_commit(stage *st, diag *d);

/* Free the stage; uncommitted, its staging directory is removed with all
 * it holds (symbolic links are removed, never followed).  NULL: no-op.
 * Cost: O(entries). */
void stage_destroy(stage *st);

#endif
