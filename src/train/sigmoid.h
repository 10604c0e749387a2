/* sigmoid.h: the logistic function, one value at a time and over a whole
 * vector of examples (their dz = a - y), with an exponential of its own.
 *
 * Both solvers, the cost's accuracies and predict take their sigmoid from
 * here, so every path gives the same a for the same z. The exponential is
 * not libm's: the vector version (AVX-512, 8 examples a register) and the
 * portable one must give the same bits, and libm's exp differs from one
 * C library to another and, within one, with the CPU (glibc picks an FMA
 * build at run time). Ours is the table-and-polynomial method of the C
 * libraries' exp, written out once, with every operation in a fixed order
 * and no fused multiply-add:
 *   exp(x) = 2^e * 2^(j/16) * exp(r),   x = (16 e + j) ln2/16 + r,
 *   |r| <= ln2/32 (about 0.0217), j = 0..15,
 * 2^(j/16) from a table of 16 values, each with its rounding error kept
 * apart (tail), and exp(r) - 1 by its Taylor series to r^7 (the first term
 * left out is under 2^-59). Its error against the exact exponential is
 * at most 0.55 units in the last place (libm: 0.51) for results above
 * 2^-1022; below, where the result is subnormal, one more rounding.
 * Internal to the library. */
#ifndef CATLR_SIGMOID_H
#define CATLR_SIGMOID_H

#include <stddef.h>
#include <stdint.h>

/* e^-|z|: in (0, 1] for finite z, 0 when it rounds below the smallest
 * subnormal (|z| > about 745.1), NaN for a NaN. */
double catlr_exp_negabs(double z);

/* 1 / (1 + e^-z), from e = e^-|z| so that nothing overflows: 1/(1+e) for z
 * of sign bit 0, e/(1+e) for z of sign bit 1 (at z = -0 both are 1/2). */
double catlr_sigmoid(double z);

/* dz[j] = c (catlr_sigmoid(z[j]) - y[j]) for j < m, c the class weight of
 * y[j] (class_weight[y != 0]; without class weights, NULL, no product),
 * bit for bit the same as one example at a time. */
void catlr_sigmoid_dz(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                      double *dz);

/* catlr_sigmoid_dz's AVX2 version, the one that runs where the CPU has
 * AVX2 but not AVX-512: writes dz and returns 1 where the CPU has AVX2,
 * else (and in a CATLR_SIGMOID_PORTABLE build) returns 0 and writes
 * nothing. For the tests, which check it on any CPU with AVX2. */
int catlr_sigmoid_dz_avx2(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                          double *dz);

#endif /* CATLR_SIGMOID_H */
