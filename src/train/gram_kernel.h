/* gram_kernel.h: the Gram matrix K = X^T X (m x m, symmetric) as a packed
 * upper triangle of tiles, and the product u = K b an epoch of the Gram
 * solver needs, reading each entry of that triangle once.
 *
 * Layout. The indices 0 .. m-1 fall in nt = ceil(m / T) blocks of
 * T = CATLR_GRAM_TILE (the last one holding the rest, 1 to T). Tile (I, J),
 * I <= J, holds K's rows of block I by its columns of block J, row-major
 * with its own width as the row stride; diagonal tiles (I = J) are held
 * whole (both halves: cross-validation gathers its folds' sub-matrices
 * from them), though an epoch reads only their upper half. The tiles follow
 * one another with no gap in the order (0,0), (0,1), ..., (0,nt-1), (1,1),
 * ..., (nt-1,nt-1): the layout depends on m alone, and the packed array is
 * catlr_gram_packed_count(m) int32, about m^2/2 + m T/2 instead of m^2.
 *
 * Product. u = K b is cut into parts, each a contiguous run of whole tile
 * rows of the packed array, their number and bounds fixed by m alone (the
 * plan). A part adds each off-diagonal tile both ways, u_I += K_IJ b_J and
 * u_J += K_IJ^T b_I, and a diagonal tile's entries right of its
 * diagonal blocks the same way, into a vector of its own; the parts'
 * vectors are then added in part order. So the bits of u depend on m only, whatever the
 * thread count and whichever thread takes which part.
 *
 * Sums, defined by the portable code: a tile row's dot product with b_J
 * keeps CATLR_KERNEL_LANES partial sums (lane c % 32 of the tile-local
 * column c, combined as in kernel.h) and is then added to its part's u_I
 * entry; a column's u_J entry takes its tile's rows one by one in row
 * order. A diagonal tile's rows of a part go in runs of four (the last
 * rows % 4 alone): each row of a run first adds its terms in the run's
 * block on the diagonal, in column order, then its entries right of the
 * block count as an off-diagonal tile's row whose first column is the
 * one after the block (lanes from there). Every product (double)K * b is
 * rounded, then added (no fusing:
 * the file is built with -ffp-contract=off), and the int32 -> double
 * conversion is exact. The AVX-512 code gives the same bits.
 * Internal to the library. */
#ifndef CATLR_GRAM_KERNEL_H
#define CATLR_GRAM_KERNEL_H

#include <stddef.h>
#include <stdint.h>

enum {
    CATLR_GRAM_TILE = 256,     /* a tile row of int32 is 1 KiB, a tile 256 KiB */
    CATLR_GRAM_PARTS_MAX = 16, /* the most parts an epoch's product has */
};

/* int32 entries of the packed triangle of K for m examples. */
size_t catlr_gram_packed_count(size_t m);

/* Where tile (I, J), I <= J < ceil(m / T), starts in the packed array. */
size_t catlr_gram_tile_offset(size_t m, size_t I, size_t J);

/* K_ij (= K_ji) of the packed K for m examples; i, j < m. */
int32_t catlr_gram_at(const int32_t *K, size_t m, size_t i, size_t j);

/* The parts of an epoch's product for m examples: part p covers the
 * packed entries start[p] .. start[p+1]-1, whole tile rows. */
typedef struct catlr_gram_plan {
    size_t m;
    size_t parts; /* 1 .. CATLR_GRAM_PARTS_MAX */
    size_t start[CATLR_GRAM_PARTS_MAX + 1];
} catlr_gram_plan;

/* The plan for m examples (the same for every caller and thread count). */
void catlr_gram_plan_make(size_t m, catlr_gram_plan *plan);

/* Part p's share of u = K b into u_part (m), which it overwrites (zero
 * where the part adds nothing). K: packed for plan->m; b: (m). */
void catlr_gram_part_product(const int32_t *K, const catlr_gram_plan *plan, size_t p,
                             const double *b, double *u_part);

/* u[i] = (...(u_parts[i] + u_parts[m + i]) + ...) + u_parts[(parts-1) m + i]
 * for lo <= i < hi: the parts' vectors, (parts, m), added in part order. */
void catlr_gram_parts_sum(const double *u_parts, size_t parts, size_t m, size_t lo, size_t hi,
                          double *u);

/* The rest of an epoch's forward pass for i = lo .. hi-1, once every
 * part's share is in u_parts: u[i] = catlr_gram_parts_sum's sum / div,
 * then z[i] = (c z0[i] + u[i]) + b. */
void catlr_gram_forward_z(const double *u_parts, size_t parts, size_t m, size_t lo, size_t hi,
                          double div, double c, const double *z0, double b, double *u, double *z);

/* The step of the coefficients: alpha[j] = r alpha[j] - (lr dz[j]) / md
 * for j < n. 1 when every new alpha[j] is finite, else 0. */
int catlr_gram_alpha_step(double *alpha, const double *dz, size_t n, double r, double lr,
                          double md);

#endif /* CATLR_GRAM_KERNEL_H */
