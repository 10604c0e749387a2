/* core.c: sigmoid, forward, cost, backward, update. Maths only: no I/O, no
 * allocation. Variable names are the course's (m, n_x, z, a, dz, dw, db).
 *
 * The printed cost must match the course's float64 NumPy run to 6 decimals
 * after 2000 steps, so every sum is accumulated in double, in an order fixed
 * by this code and kernel.c (never by the compiler's vectoriser), and each formula is
 * written in the form that stays finite. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "train/core.h"
#include "kernel.h"
#include "sigmoid.h"

/* 1/255 is not a binary fraction, so the scale is applied as a division by
 * 255.0 of the finished sums: one correctly rounded operation per z or dw
 * value instead of one rounding per pixel. */
static const double PIXEL_MAX = 255.0;

// ----------------------------------------------------------------------------
// Sigmoid.

/* sigmoid.c's, the one every path takes (see sigmoid.h): from e^-|z|, so
 * nothing overflows (e^-z alone overflows for z < -709), and accurate in
 * both tails: 1/(1+e) for z >= 0, the course's 1/(1+e^-z) exactly, and
 * e/(1+e) below. */
double catlr_core_sigmoid(double z) {
    return catlr_sigmoid(z);
}

// ----------------------------------------------------------------------------
// Forward: z = w^T X / 255 + b.

/* X: (n_x, m) uint8, example j contiguous at X + j*n_x; w: (n_x);
 * z: (m), written. Each product of a float and a byte is exact in double
 * (24 + 8 significant bits), so only the additions round; the kernel adds
 * in 32 lanes in a fixed order, with AVX-512 or without, so the result is
 * the same on every CPU and the trainer's primal solver reproduces it. */
void catlr_core_forward(const uint8_t *X, size_t n_x, size_t m, const float *w,
                        double b, double *z) {
    for (size_t j = 0; j < m; j++)
        z[j] = catlr_kernel_dot_f32_u8(w, X + j * n_x, n_x) / PIXEL_MAX + b;
}

// ----------------------------------------------------------------------------
// Cost.

/* log(1 + e^t) that never overflows: e^t overflows near t = 710, and the
 * plain log(1 - a) gives log(0) = -inf once a rounds to 1 (z > ~37). */
static double softplus(double t) {
    return fmax(t, 0.0) + log1p(exp(-fabs(t)));
}

/* z, y: (m). Per example the loss is -[y log a + (1-y) log(1-a)] with
 * a = sigmoid(z). Since log a = -softplus(-z) and log(1-a) = -softplus(z),
 * that is softplus(-z) for y = 1 and softplus(z) for y = 0: one finite,
 * accurate term either way, with no cancellation between the two. */
double catlr_core_cost_sum(const double *z, const uint8_t *y, size_t m) {
    double sum = 0;
    for (size_t j = 0; j < m; j++)
        sum += softplus(y[j] ? -z[j] : z[j]);
    return sum;
}

double catlr_core_cost(const double *z, const uint8_t *y, size_t m) {
    return catlr_core_cost_sum(z, y, m) / (double)m;
}

/* The same sum with each term scaled by its label's weight; a separate
 * loop so that the unweighted sum keeps its bits. */
double catlr_core_cost_sum_weighted(const double *z, const uint8_t *y, size_t m,
                                    const double weight[2]) {
    double sum = 0;
    for (size_t j = 0; j < m; j++)
        sum += weight[y[j] != 0] * softplus(y[j] ? -z[j] : z[j]);
    return sum;
}

// ----------------------------------------------------------------------------
// Backward: dz = a - y, dw = X dz^T / (255 m), db = sum(dz) / m.

/* The one place the gradient's rule is written: dz = c (a - y), c the
 * example's class weight (1 without weights), in sigmoid.h's
 * catlr_sigmoid_dz (the weight multiplies after the subtraction, so that
 * a run without weights skips it and keeps its bits); one example
 * without weights, the same bits: */
static double dz_of(double z, uint8_t y) {
    return catlr_sigmoid(z) - y;
}

/* z, y, dz: (m); the sum in the order j = 0, 1, ... */
double catlr_core_dz(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                     double *dz) {
    catlr_sigmoid_dz(z, y, m, class_weight, dz);
    double sum = 0;
    for (size_t j = 0; j < m; j++)
        sum += dz[j];
    return sum;
}

/* X: (n_x, m) uint8; z, y: (m); dw: (n_x), written.
 * The loop runs over examples j outside and features i inside so that X is
 * read in memory order, once; that order is for the cache, not the maths.
 * dw[i] then accumulates its m terms in the order j = 0, 1, ... Returns
 * db. */
double catlr_core_backward(const uint8_t *X, size_t n_x, size_t m, const double *z,
                           const uint8_t *y, double *dw) {
    for (size_t i = 0; i < n_x; i++)
        dw[i] = 0;
    double dz_sum = 0;
    for (size_t j = 0; j < m; j++) {
        double dz = dz_of(z[j], y[j]);
        const uint8_t *x = X + j * n_x;
        for (size_t i = 0; i < n_x; i++)
            dw[i] += x[i] * dz;
        dz_sum += dz;
    }
    const double scale = PIXEL_MAX * (double)m;
    for (size_t i = 0; i < n_x; i++)
        dw[i] /= scale;
    return dz_sum / (double)m;
}

// ----------------------------------------------------------------------------
// Update.

/* w, dw: (n_x). The step is taken in double and rounded once to float, so
 * a float weight moves by the nearest float to its exact new value. */
void catlr_core_update(float *w, double *b, const double *dw, double db,
                       size_t n_x, double lr) {
    for (size_t i = 0; i < n_x; i++)
        w[i] = (float)((double)w[i] - lr * dw[i]);
    *b -= lr * db;
}
