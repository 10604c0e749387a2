/* kernel.h: the inner loops of both solvers, with a SIMD version chosen at
 * run time (AVX-512 where the CPU has it) and a portable one.
 *
 * Both versions compute bit-identical results: every sum has a fixed number
 * of lanes (CATLR_KERNEL_LANES partial sums, lane k taking the terms whose
 * index is k modulo the lane count), the lanes are combined in one fixed
 * tree, and every product that is not exact is either rounded before it
 * is added (a multiply, then an add) or, in the dot products with w in
 * double, fused into the add in both versions (fma()). So results depend
 * on neither the CPU nor the compiler.
 * Internal to the library: the CLI and the tests of the public API never
 * include it. */
#ifndef CATLR_KERNEL_H
#define CATLR_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define CATLR_KERNEL_LANES 32

/* sum_i w[i] x[i], w: (n) float, x: (n) uint8. Each product is exact in
 * double (24 + 8 significant bits), so only the additions round. */
double catlr_kernel_dot_f32_u8(const float *w, const uint8_t *x, size_t n);

/* sum_i w[i] x[i] with w in double, each term fused into its lane's sum
 * (fma: one rounding per term). Where w[i] holds float values the products
 * are exact, and this gives the same bits as catlr_kernel_dot_f32_u8 with
 * one conversion fewer per term. */
double catlr_kernel_dot_wide_u8(const double *w, const uint8_t *x, size_t n);

/* out[r] = catlr_kernel_dot_wide_u8(w, x + r*stride, n) for r < 4, bit
 * for bit: four images per load of w (the primal forward pass). */
void catlr_kernel_dot4_wide_u8(const double *w, const uint8_t *x, size_t stride, size_t n,
                               double out[4]);

/* sum_i a[i] b[i], a, b: (n) double. */
double catlr_kernel_dot_f64(const double *a, const double *b, size_t n);

/* sum_i k[i] b[i], k: (n) int32 (converted exactly), b: (n) double: the
 * same bits as catlr_kernel_dot_f64 on k widened to double. */
double catlr_kernel_dot_i32_f64(const int32_t *k, const double *b, size_t n);

/* out[r] = catlr_kernel_dot_i32_f64(k + r*stride, b, n) for r < 4, bit
 * for bit; four rows at once share the loads of b and hide each other's
 * add latency (a Gram epoch is m such rows of length m). */
void catlr_kernel_dot4_i32_f64(const int32_t *k, size_t stride, const double *b, size_t n,
                               double out[4]);

/* y[i] += s * x[i] for i < n (the product rounded, then the sum).
 * y: (n) double; x: (n) uint8. */
void catlr_kernel_axpy_u8(double *y, double s, const uint8_t *x, size_t n);

/* y[i] = (...((y[i] + s[0] x_0[i]) + s[1] x_1[i]) ...) + s[k-1] x_{k-1}[i]
 * for i < n, with x_r = x + r*stride: k catlr_kernel_axpy_u8 calls in a
 * row, with the same bits, in one pass over y (the primal gradient of a
 * chunk of images). s: (k) double; x: (k, stride) uint8, n <= stride. */
void catlr_kernel_axpyk_u8(double *y, const double *s, const uint8_t *x, size_t stride,
                           size_t k, size_t n);

/* sum_i a[i] b[i] over n bytes, exactly (n * 255^2 must fit in int64). */
int64_t catlr_kernel_dot_u8(const uint8_t *a, const uint8_t *b, size_t n);

/* The columns a row of byte products is taken against: X_j = X + j*n for
 * j < m, with sum_x[j] = sum_i X_j[i] (from catlr_kernel_sum_u8). */
typedef struct catlr_kernel_columns {
    const uint8_t *X;     /* (n, m) uint8 */
    size_t n;             /* bytes in a column */
    size_t m;             /* columns */
    const int64_t *sum_x; /* (m) */
} catlr_kernel_columns;

/* out[j - j0] = sum_i a[i] X_j[i] for j0 <= j < m, exactly, X_j a column
 * of cols. a: (n); out: (m - j0). For the Gram matrix: with AVX-512 VNNI,
 * 64 byte products per instruction, four columns at a time (vpdpbusd
 * multiplies unsigned by signed bytes, so a is shifted by -128 and
 * 128 sum_x[j] added back). n * 255^2 must fit in int64. */
void catlr_kernel_dots_u8(const uint8_t *a, const catlr_kernel_columns *cols, size_t j0,
                          int64_t *out);

/* catlr_kernel_dots_u8 for the four rows A, A + n, A + 2n, A + 3n at once:
 * out[r*(m - j0) + j - j0] = sum_i A_r[i] X_j[i]. Each column is loaded
 * once for four rows, a quarter of the memory traffic. */
void catlr_kernel_dots4_u8(const uint8_t *A, const catlr_kernel_columns *cols, size_t j0,
                           int64_t *out);

/* out[r*ld + c] = sum_{i<n} A[r*n + i] * B[c*n + i] for r < rows, c < cols, exactly, in int32.
 * A: (rows, n) uint8, B: (cols, n) uint8, sum_b: (cols) int64 = sum_i B[c*n+i] (from catlr_kernel_sum_u8),
 * out: rows x cols int32 with row stride ld (>= cols). n * 255^2 must fit in int32. */
void catlr_kernel_cross_u8(const uint8_t *A, size_t rows, const uint8_t *B, const int64_t *sum_b,
                           size_t cols, size_t n, int32_t *out, size_t ld);

/* catlr_kernel_cross_u8 as plain loops, whatever the CPU: the definition
 * its AVX-512 VNNI version is tested against (the same int32 values). */
void catlr_kernel_cross_u8_portable(const uint8_t *A, size_t rows, const uint8_t *B,
                                    size_t cols, size_t n, int32_t *out, size_t ld);

/* catlr_kernel_cross_u8's AVX2 version, the one that runs where the CPU
 * has AVX2 but not AVX-512 VNNI: writes out and returns 1 where the CPU
 * has AVX2, else (and in a CATLR_KERNEL_PORTABLE build) returns 0 and
 * writes nothing. For the tests, which check it on any CPU with AVX2. */
int catlr_kernel_cross_u8_avx2(const uint8_t *A, size_t rows, const uint8_t *B, size_t cols,
                               size_t n, int32_t *out, size_t ld);

/* 1 when catlr_kernel_cross_u8 and catlr_kernel_dots_u8 run their AVX-512
 * VNNI versions on this CPU, else 0 (always 0 in a CATLR_KERNEL_PORTABLE
 * build). */
int catlr_kernel_vnni(void);

/* sum_i x[i] over n bytes. */
int64_t catlr_kernel_sum_u8(const uint8_t *x, size_t n);

/* 1 when the SIMD versions are in use on this CPU (for the benchmark's
 * record), else 0. */
int catlr_kernel_simd(void);

#endif /* CATLR_KERNEL_H */
