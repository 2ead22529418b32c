/*
 * import: what is deployed, read from Azure's JSON, as a scenario
 * (fdsim import).
 *
 * Inputs (each file is told apart by its content):
 *  - ARM templates ("$schema" .../deploymentTemplate.json, "resources" an
 *    array, or an object of symbolic names): the resources of type
 *    Microsoft.Compute/virtualMachineScaleSets and
 *    Microsoft.Compute/availabilitySets, and the
 *    Microsoft.Compute/virtualMachines that reference them
 *    (properties.availabilitySet.id, properties.virtualMachineScaleSet.id),
 *    with copy loops, conditions and inline nested deployments
 *    (Microsoft.Resources/deployments with properties.template) expanded
 *    and expressions evaluated (armexpr.h);
 *  - parameters files ("$schema" .../deploymentParameters.json), which
 *    give values to the templates' parameters, as -p NAME=VALUE does;
 *  - the JSON that `az vmss show`, `az vm availability-set show` and
 *    `az vm show` print (an object with "type" Microsoft.Compute/..., its
 *    properties flattened or under "properties"), or a list of them
 *    (`az vmss list`).
 *
 * Output: one [group.NAME] per scale set or availability set, in file
 * order: orchestrationMode (a scale set without one is Uniform, the API's
 * default), platformFaultDomainCount and platformUpdateDomainCount,
 * zones, count (sku.capacity, plus the VMs that join a Flexible set; the
 * VMs of an availability set), vmSize, singlePlacementGroup, spotShare
 * (virtualMachineProfile.priority, priorityMixPolicy), managedImage (an
 * image id under /images/), zoneBalance, platformFaultDomain (VMs that
 * pick their Flexible FD), automaticRepairs and gracePeriod; location
 * becomes region.name (one region per scenario), and region.zones and
 * the racks' size are set so that every group fits.  Every property that
 * is not modelled is named in a comment on its group, with the reason
 * where one is known; so is every other resource; read-only state (id,
 * etag, provisioningState, timeCreated, ...) and template mechanics
 * (apiVersion, dependsOn, comments, metadata) are not properties and are
 * not listed.  The text is validated by the scenario loader before it is
 * returned.
 *
 * Errors (FD_EINVAL), each on its own line of `errs` and the first in
 * `d`: malformed JSON as "FILE:LINE:COLUMN: invalid JSON: ..." (jansson's
 * position); a value that cannot be evaluated or is not valid as
 * "FILE:LINE:COLUMN: resource 'NAME' (TYPE): PATH: what is wrong; what
 * would be valid" (the key's position, jsonloc.h, or the resource's when
 * the key comes from a variable); a deployment the platform rules reject
 * as the loader's message, prefixed by the resource it came from.
 */
#ifndef FDSIM_IMPORT_H
#define FDSIM_IMPORT_H

#include "diag.h"

#include <stddef.h>
#include <stdio.h>

/* What to import. */
typedef struct import_spec {
    const char *const *files;   /* the JSON files, in order */
    size_t nfiles;
    const char *const *params;  /* -p values: "NAME=VALUE" or "@FILE" (a parameters
                                   file), in order; the last value of a name wins */
    size_t nparams;
    const char *location;       /* region.name when a location is known only at
                                   deployment (resourceGroup().location); NULL: none */
} import_spec;

/* Read and map everything `spec` names, and on FD_OK return the scenario
 * text in *text (NUL-terminated, *len bytes, owned by the caller: free()).
 * FD_EINVAL: bad input, every problem on `errs` (may be NULL), the first
 * in `d`, nothing returned; FD_EIO: a file cannot be read (the reason in
 * `d` only); FD_ENOMEM.  Cost: linear in the files, plus one scenario
 * load and one placement to check the result. */
int import_scenario(const import_spec *spec, char **text, size_t *len, FILE *errs, diag *d);

#endif
