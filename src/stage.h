/*
 * stage: a results directory that is, at every instant, either the old
 * one, whole, or the new one, whole, whatever kills the writer.
 *
 * A stage is a staging directory "DIR.tmp-PID" (csvio_temp_path) in DIR's
 * parent, the same file system.  Everything is written into it; then
 * stage_commit
 *
 *  1. fsyncs every file and directory of the stage (so that what the swap
 *     publishes survives a power cut, not only a kill),
 *  2. swaps it in with one rename: rename(2) when DIR does not exist;
 *     renameat2(RENAME_EXCHANGE) when it does (Linux 3.15+, on ext4, xfs,
 *     btrfs, tmpfs and most local file systems), which exchanges the two
 *     names atomically, so DIR names the old tree until the instant it
 *     names the new one,
 *  3. fsyncs the parent, so the new name is durable,
 *  4. removes the old tree, now under the staging name (its resume state
 *     first, so that a half-removed tree is never taken for a run to
 *     resume).
 *
 * Where RENAME_EXCHANGE is not supported (EINVAL: some network and FUSE
 * file systems), the commit falls back to two renames, DIR to "DIR.old-PID"
 * then the stage to DIR: between them DIR does not exist; a run killed
 * there leaves the old tree under DIR.old-PID, which the next stage of the
 * same DIR renames back before anything else.  That is the one case in
 * which DIR can be seen missing, and it is never seen mixed.
 *
 * Leftovers: a killed run leaves "DIR.tmp-PID" (and, in the fallback,
 * "DIR.old-PID") with the PID of a process that no longer exists.
 * stage_create removes those (a PID that is alive, or not ours to signal,
 * is left alone: it may be a run under way) except the one the caller
 * asks to keep (the run being resumed, ckpt.h).
 *
 * What may be replaced: stage_check tells a new path, an empty directory,
 * a results directory fdsim wrote (run.ini opening with "; fdsim", a
 * sweep.csv whose header opens with "point,", or a shard's
 * shard/shard.ini opening with "; fdsim shard"), a non-directory and any
 * other non-empty directory; stage_target refuses the last two unless
 * forced.  A symbolic link is refused (the swap would replace the link,
 * not the directory it names).
 */
#ifndef FDSIM_STAGE_H
#define FDSIM_STAGE_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

/* What a path holds, for a caller about to replace it. */
typedef enum stage_target {
    STAGE_NEW,       /* nothing there (or nothing stat can see) */
    STAGE_EMPTY,     /* an empty directory */
    STAGE_RESULTS,   /* a directory fdsim wrote (run or sweep results) */
    STAGE_NOT_DIR,   /* a file, a symbolic link or other non-directory */
    STAGE_NOT_EMPTY, /* any other directory with entries (or one that cannot be listed) */
} stage_target;

typedef struct stage stage;

/* What `dir` holds now.  Cost: one lstat, reading the directory up to its
 * first entry, and the first line of run.ini or sweep.csv. */
stage_target stage_check(const char *dir);

/* Whether `dir` may become a results directory: FD_OK for a new path, an
 * empty directory or fdsim results (replaced whole), and, with `force`,
 * any other directory (replaced whole, its files lost); else FD_EINVAL
 * with a message that starts with `opt` and the path as given ("-o DIR:
 * exists and is not empty ...") and says what would do.  A new path's
 * parent must be a writable directory; "." and ".." are refused (a
 * directory cannot replace itself).  Cost: stage_check. */
int stage_target_ok(const char *dir, bool force, const char *opt, diag *d);

/* Whether the file `path` can be written (to "PATH.tmp-PID", renamed):
 * not a directory, its parent a writable directory.  FD_OK or FD_EINVAL
 * with a message that starts with `opt` and the path ("--trace F: is a
 * directory; ...").  For checking every output before simulating.  Cost:
 * two stats. */
int stage_file_ok(const char *path, const char *opt, diag *d);

/* Remove the leftovers of killed runs into `dir` (see above), except the
 * path `keep` (may be NULL), putting back an old tree the fallback left
 * when DIR is missing.  Returns how many were removed.  Cost: one listing
 * of the parent and the removed trees. */
size_t stage_clean(const char *dir, const char *keep);

/* The leftovers of killed runs into `dir` ("DIR.tmp-PID" of dead PIDs), as
 * heap paths in *paths (the caller frees each and the array), *n of them.
 * FD_OK or FD_ENOMEM.  Cost: one listing of the parent. */
int stage_leftovers(const char *dir, char ***paths, size_t *n);

/* Clean `dir`'s leftovers (keeping `keep`, may be NULL) and create its
 * staging directory.  `force`: the commit may replace a directory that
 * holds other files than fdsim results (else it refuses one that came to
 * be there after stage_target_ok).  FD_OK, or FD_EIO ("cannot create
 * DIR.tmp-PID: reason") / FD_ENOMEM with the message in `d`. */
int stage_create(stage **out, const char *dir, const char *keep, bool force, diag *d);

/* The staging directory to write into (owned by the stage). */
const char *stage_dir(const stage *st);

/* Sync the stage and swap it in as described above.  FD_OK, or FD_EIO
 * with the message ("cannot sync ...", "cannot rename A to B: reason",
 * "cannot replace DIR: ..." when DIR came to hold other files and the
 * stage is not forced) and DIR as it was.  A failure to remove the old tree afterwards is not
 * an error (the next stage_create removes it).  Cost: one fsync per file
 * and directory of the stage, two renames at most, and removing the old
 * tree. */
int stage_commit(stage *st, diag *d);

/* Free the stage; uncommitted, its staging directory is removed with all
 * it holds (symbolic links are removed, never followed).  NULL: no-op.
 * Cost: O(entries). */
void stage_destroy(stage *st);

/* Remove `path` and everything under it (symbolic links removed, never
 * followed); a missing path is no error.  Cost: O(entries). */
void stage_remove_tree(const char *path);

#endif
