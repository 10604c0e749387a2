/* core.h: the logistic-regression maths, vectorised over m examples, inside
 * the library only.
 *
 * Shapes, as in the course: X is (n_x, m), w is (n_x), b a scalar, z, a and
 * y are (m). X holds raw pixel bytes; the core scales by 1/255 where it reads
 * them, so that pixels stay 1 byte in memory instead of 8:
 *
 *   z  = w^T X / 255 + b            forward
 *   a  = sigmoid(z)
 *   J  = -(1/m) sum[y log a + (1-y) log(1-a)]
 *   dz = a - y
 *   dw = X dz^T / (255 m)           backward
 *   db = sum(dz) / m
 *   w -= lr dw,  b -= lr db         update
 *
 * Memory layout: example j is contiguous at X + j*n_x. Weights are float32
 * (the model file's type); every sum is accumulated in double, in a fixed
 * order, so results do not depend on the compiler's choices.
 * Pure functions of their arguments: no I/O, no allocation, no state.
 *
 * Two roles. The forward pass, the costs and dz are the code the trainer
 * and predict run: both solvers take their dz from catlr_core_dz, the loop
 * its costs from catlr_core_cost_sum. The backward pass and the update are
 * the plain float64 reference that the solvers' fused kernels (primal.c,
 * gram.c, kernel.c) are tested against: a loop of forward, backward and
 * update runs 1.8 ms an iteration on the course's 209 images where the
 * primal solver takes 0.74 and the Gram solver 0.09 (one thread), and
 * the solvers keep w in double and add in their own fixed order, so their
 * weights agree with the reference to rounding, not bit for bit. */
#ifndef CATLR_CORE_H
#define CATLR_CORE_H

#include <stddef.h>
#include <stdint.h>

/* 1 / (1 + e^-z), without overflow for any finite z. */
double catlr_core_sigmoid(double z);

/* z[j] = sum_i w[i] X[i,j] / 255 + b for j < m.
 * X: (n_x, m) uint8; w: (n_x) float; z: (m), written. */
void catlr_core_forward(const uint8_t *X, size_t n_x, size_t m, const float *w,
                        double b, double *z);

/* The mean cross-entropy J of sigmoid(z) against y, computed from z so that
 * it is finite for every finite z (no log(0)).
 * z: (m); y: (m) 0 or 1; m >= 1. */
double catlr_core_cost(const double *z, const uint8_t *y, size_t m);

/* The sum of the m examples' cross-entropies, added in order j = 0, 1, ...:
 * catlr_core_cost is this divided by m. For a cost split across processes,
 * which add their sums and divide by the examples of all of them.
 * z: (m); y: (m) 0 or 1; m >= 0 (0 gives 0). */
double catlr_core_cost_sum(const double *z, const uint8_t *y, size_t m);

/* The same sum with example j's term times weight[y_j] (class weights):
 * the weighted cost is this divided by m, not by the sum of the weights
 * (scikit-learn's class_weight). A loop of its own, so that the unweighted
 * sum keeps its bits.
 * z: (m); y: (m) 0 or 1; weight: (2) by label; m >= 0 (0 gives 0). */
double catlr_core_cost_sum_weighted(const double *z, const uint8_t *y, size_t m,
                                    const double weight[2]);

/* dz_j = sigmoid(z_j) - y_j for j < m, times class_weight[y_j] when
 * class_weight (2, by label) is not NULL; returns sum_j dz_j, added in the
 * order j = 0, 1, ... z, y, dz: (m); dz written. */
double catlr_core_dz(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                     double *dz);

/* dw = X (sigmoid(z) - y)^T / (255 m); returns db = sum(sigmoid(z) - y) / m.
 * X: (n_x, m) uint8; z, y: (m); dw: (n_x), written; m >= 1. */
double catlr_core_backward(const uint8_t *X, size_t n_x, size_t m, const double *z,
                           const uint8_t *y, double *dw);

/* One gradient-descent step: w -= lr dw (rounded to float), b -= lr db.
 * w, dw: (n_x). */
void catlr_core_update(float *w, double *b, const double *dw, double db,
                       size_t n_x, double lr);

#endif /* CATLR_CORE_H */
