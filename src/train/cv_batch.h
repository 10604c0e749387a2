/* cv_batch.h: catlr_cv_grid with a limit on the folds prepared at once,
 * so that the tests can run the grid in several batches (catlr_cv_grid
 * itself prepares as many as CATLR_CV_BATCH_BYTES holds, all of them for
 * any data a test can afford). Internal to the library. */
#ifndef CATLR_CV_BATCH_H
#define CATLR_CV_BATCH_H

#include "catlr/cv.h"

/* catlr_cv_grid, preparing at most max_batch (>= 1) folds at once. */
catlr_status catlr_cv_grid_batched(const catlr_cv_problem *prob, const catlr_cv_params *params,
                                   catlr_cv_run *runs, unsigned max_batch, catlr_error *err);

#endif /* CATLR_CV_BATCH_H */
