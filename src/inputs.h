/*
 * inputs: the files a scenario reads (its empirical() distributions),
 * copied into a results directory so that the directory reproduces the
 * run on its own: `fdsim run DIR/run.ini` anywhere, after the scenario
 * and its CSV files are gone.
 *
 * Each file goes to DIR/inputs/NAME, NAME its base name with every
 * character other than a letter, digit, '.', '_' or '-' made '_', and
 * "-2", "-3", ... before the extension when two different files share a
 * name; a file that several keys read is copied once.  The scenario's
 * distributions are then pointed at "inputs/NAME" (dist_relocate), so
 * run.ini, written from the scenario, names the copies relative to the
 * directory it lies in, where scenario_load_file looks for them.
 *
 * The copy is read when it is made, after the scenario was loaded: a file
 * changed in between would be copied as changed (the run used the
 * samples loaded first).
 */
#ifndef FDSIM_INPUTS_H
#define FDSIM_INPUTS_H

#include "diag.h"
#include "scenario.h"

/* Copy every file `s` reads into DIR/inputs/ (made when there is one)
 * and point `s` at the copies.  FD_OK, or FD_EIO / FD_ENOMEM with a
 * message naming the file and the key that reads it, `s` then possibly
 * pointing at some of the copies (its samples never change).  Cost: the
 * bytes of the files. */
int inputs_copy(scenario *s, const char *dir, diag *d);

/* Files `s` reads (empirical distributions with distinct paths).  O(keys). */
size_t inputs_count(scenario *s);

#endif
