/* gram_kernel.c: the packed Gram matrix's layout and the epoch's product
 * u = K b, AVX-512 and portable (see gram_kernel.h for the definition of
 * every sum; the portable code is that definition). Which version runs is
 * asked of the CPU at each call, as in kernel.c. */
#include <math.h>
#include <string.h>

#include "clones.h"
#include "gram_kernel.h"
#include "kernel.h" /* CATLR_KERNEL_LANES */

/* CATLR_GRAM_KERNEL_PORTABLE builds the portable versions only: the test
 * gram_kernel_portable checks them on CPUs that would otherwise run
 * AVX-512. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(CATLR_GRAM_KERNEL_PORTABLE)
#define CATLR_X86 1
#include <immintrin.h>

#include "lanes_avx512.h"
#endif

enum {
    T = CATLR_GRAM_TILE,
    LANES = CATLR_KERNEL_LANES,
    /* packed entries a part takes at least (64 KiB of K): smaller parts
     * cost more in zeroing and adding their own u vector than they save;
     * the course's m = 209 (43,681 entries) still gets two */
    PART_MIN = 1 << 14,
    PREFETCH_ROWS = 16, /* rows ahead the product asks the cache for */
    /* packed entries up to which K stays in a core's L2 cache from one
     * epoch to the next (512 KiB: half of a Zen 5's L2, a quarter of
     * some Intel cores'), and the product asks for no rows ahead */
    CACHED_MAX = 1 << 17,
};

// ----------------------------------------------------------------------------
// Layout.

static size_t tiles_of(size_t m) {
    return (m + T - 1) / T;
}

/* Rows (and columns) of block I: T but for the last block, which holds
 * the rest. */
static size_t block_size(size_t m, size_t I) {
    return I + 1 < tiles_of(m) ? (size_t)T : m - I * (size_t)T;
}

size_t catlr_gram_tile_offset(size_t m, size_t I, size_t J) {
    const size_t nt = tiles_of(m), last = block_size(m, nt - 1);
    /* rows of tiles before I are all T high; row I' is (nt-1-I') T + last
     * wide, and the sum of those widths over I' < I is closed-form */
    const size_t before = T * (T * (I * (nt - 1) - I * (I - 1) / 2) + I * last);
    /* tiles of row I before J are all T wide */
    return before + block_size(m, I) * (J - I) * T;
}

size_t catlr_gram_packed_count(size_t m) {
    if (m == 0)
        return 0;
    const size_t nt = tiles_of(m), last = block_size(m, nt - 1);
    return catlr_gram_tile_offset(m, nt - 1, nt - 1) + last * last;
}

int32_t catlr_gram_at(const int32_t *K, size_t m, size_t i, size_t j) {
    if (i > j) {
        size_t t = i;
        i = j;
        j = t;
    }
    const size_t I = i / T, J = j / T;
    return K[catlr_gram_tile_offset(m, I, J) + (i % T) * block_size(m, J) + j % T];
}

/* The first tile-row boundary of the packed array at or after target. */
static size_t row_boundary(size_t m, size_t target) {
    const size_t nt = tiles_of(m);
    size_t off = 0;
    for (size_t I = 0; I < nt; I++)
        for (size_t J = I; J < nt; J++) {
            const size_t c = block_size(m, J), size = block_size(m, I) * c;
            if (target <= off + size)
                return off + (target - off + c - 1) / c * c;
            off += size;
        }
    return off;
}

void catlr_gram_plan_make(size_t m, catlr_gram_plan *plan) {
    const size_t total = catlr_gram_packed_count(m);
    size_t parts = total / PART_MIN;
    parts = parts < 1 ? 1 : parts > CATLR_GRAM_PARTS_MAX ? CATLR_GRAM_PARTS_MAX : parts;
    memset(plan, 0, sizeof *plan);
    plan->m = m;
    plan->parts = parts;
    for (size_t p = 0; p <= parts; p++)
        plan->start[p] = row_boundary(m, total / parts * p + total % parts * p / parts);
}

// ----------------------------------------------------------------------------
// One tile's rows, portable: the definition.

/* The lanes, added pairwise in kernel.h's fixed tree. */
static double combine(double *s) {
    for (size_t half = LANES / 2; half >= 1; half /= 2)
        for (size_t k = 0; k < half; k++)
            s[k] += s[k + half];
    return s[0];
}

/* What a tile's rows r0 .. r1-1 add: k, the tile's first row, w columns
 * with row stride c; bI, uI: b and u at the tile's first row, bJ, uJ at
 * its first column. Each row gives u_I its dot product with b_J and u_J
 * its entries times its b_I. cached: the whole packed K fits the cache
 * (CACHED_MAX). */
typedef struct tile_rows {
    const int32_t *k;
    size_t c, w;
    const double *bI, *bJ;
    double *uI, *uJ;
    int cached;
} tile_rows;

/* One row, in one pass: its dot product with bJ (lanes as kernel.h's,
 * written as whole rounds of LANES, then the rest, which the vectoriser
 * keeps in registers) and its entries times bi into uJ. The two sums
 * share no variable, so one pass gives the bits of two (the AVX2 copy of
 * two passes over each row took twice as long an epoch at m = 2,090). */
CATLR_CLONES
static void row_portable(const int32_t *restrict row, size_t w, const double *restrict bJ,
                         double bi, double *restrict ui, double *restrict uJ) {
    double s[LANES] = {0};
    size_t j = 0;
    for (; j + LANES <= w; j += LANES)
        for (size_t l = 0; l < LANES; l++) {
            const double k = row[j + l];
            s[l] += k * bJ[j + l];
            uJ[j + l] += k * bi;
        }
    for (size_t l = 0; j + l < w; l++) {
        const double k = row[j + l];
        s[l] += k * bJ[j + l];
        uJ[j + l] += k * bi;
    }
    *ui += combine(s);
}

static void rows_portable(const tile_rows *t, size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++)
        row_portable(t->k + r * t->c, t->w, t->bJ, t->bI[r], t->uI + r, t->uJ);
}

/* The rows r .. r + nq - 1 of a diagonal tile (k, c, b, u as in
 * tile_rows, with I = J): the nq x nq block on the diagonal, then the
 * rows' entries right of it, each serving both of the products it stands
 * in for (row r + q's dot product, and u's entries of those columns), as
 * an off-diagonal tile's rows do, with the lanes counted from the first
 * column right of the block. */
static tile_rows right_of_block(const tile_rows *t, size_t r, size_t nq) {
    const size_t c0 = r + nq;
    return (tile_rows){.k = t->k + c0, .c = t->c, .w = t->c - c0, .bI = t->bI, .bJ = t->bJ + c0,
                       .uI = t->uI, .uJ = t->uJ + c0, .cached = t->cached};
}

/* u[r + q] += the block's row r + q, its nq terms added in column order. */
static void block_rows(const tile_rows *t, size_t r, size_t nq) {
    for (size_t q = 0; q < nq; q++) {
        const int32_t *row = t->k + (r + q) * t->c;
        double s = 0;
        for (size_t j = r; j < r + nq; j++)
            s += (double)row[j] * t->bJ[j];
        t->uI[r + q] += s;
    }
}

/* A diagonal tile's rows r0 .. r1-1 read on and right of its diagonal
 * only (the tile is symmetric): four rows at a time, the last
 * (r1 - r0) % 4 one by one. */
static void diagonal_portable(const tile_rows *t, size_t r0, size_t r1) {
    for (size_t r = r0; r < r1;) {
        const size_t nq = r + 4 <= r1 ? 4 : 1;
        block_rows(t, r, nq);
        const tile_rows right = right_of_block(t, r, nq);
        rows_portable(&right, r, r + nq);
        r += nq;
    }
}

// ----------------------------------------------------------------------------
// AVX-512: four rows at a time, 8 columns a register; the same lanes and
// roundings, and each column's u_J takes the four rows in row order.

#ifdef CATLR_X86
/* 8 columns (under mask) of the nq rows at k (row stride c) from column
 * i: the row sums into acc[.], the column sums through uJ. Everything
 * comes in as locals: through the struct, every store to uJ made the
 * compiler load the struct's fields again. */
__attribute__((target("avx512f"), always_inline))
static inline void step8(const int32_t *restrict k, size_t c, size_t i, __mmask8 mask,
                         const double *restrict bJ, double *restrict uJ, const __m512d bi[4],
                         __m512d acc[4], size_t nq) {
    const __m512d bv = _mm512_maskz_loadu_pd(mask, bJ + i);
    __m512d uv = _mm512_maskz_loadu_pd(mask, uJ + i);
#pragma GCC unroll 4
    for (size_t q = 0; q < nq; q++) {
        __m256i k8 = _mm512_castsi512_si256(_mm512_maskz_loadu_epi32((__mmask16)mask, k + q * c + i));
        __m512d kd = _mm512_cvtepi32_pd(k8);
        acc[q] = _mm512_mask_add_pd(acc[q], mask, acc[q], _mm512_mul_pd(kd, bv));
        uv = _mm512_add_pd(uv, _mm512_mul_pd(kd, bi[q]));
    }
    _mm512_mask_storeu_pd(uJ + i, mask, uv);
}

/* The same on 8 whole columns: plain loads. */
__attribute__((target("avx512f"), always_inline))
static inline void full8(const int32_t *restrict k, size_t c, size_t i, const double *restrict bJ,
                         double *restrict uJ, const __m512d bi[4], __m512d acc[4], size_t nq) {
    const __m512d bv = _mm512_loadu_pd(bJ + i);
    __m512d uv = _mm512_loadu_pd(uJ + i);
#pragma GCC unroll 4
    for (size_t q = 0; q < nq; q++) {
        __m512d kd = _mm512_cvtepi32_pd(_mm256_loadu_si256((const __m256i *)(k + q * c + i)));
        acc[q] = _mm512_add_pd(acc[q], _mm512_mul_pd(kd, bv));
        uv = _mm512_add_pd(uv, _mm512_mul_pd(kd, bi[q]));
    }
    _mm512_storeu_pd(uJ + i, uv);
}

/* u_I[r + q] += the combined lanes of row r + q, q < 4: four rows'
 * lanes folded together, each step of kernel.h's tree (k + 16, k + 8,
 * k + 4, k + 2, k + 1) made on two or four rows at once, with the same
 * additions as catlr_lanes_combine_avx512 on each row. */
__attribute__((target("avx512f"), always_inline))
static inline void combine4_avx512(__m512d acc[4][4], double *uI) {
    __m512d s[4];
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++)
        s[q] = _mm512_add_pd(_mm512_add_pd(acc[0][q], acc[2][q]),
                             _mm512_add_pd(acc[1][q], acc[3][q]));
    /* k + 4: rows q and q + 1 side by side, low halves plus high halves */
    const __m512d h01 = _mm512_add_pd(_mm512_shuffle_f64x2(s[0], s[1], 0x44),
                                      _mm512_shuffle_f64x2(s[0], s[1], 0xee));
    const __m512d h23 = _mm512_add_pd(_mm512_shuffle_f64x2(s[2], s[3], 0x44),
                                      _mm512_shuffle_f64x2(s[2], s[3], 0xee));
    /* k + 2: the four rows' pairs in 128-bit lanes 0..3 */
    const __m512d p = _mm512_add_pd(_mm512_shuffle_f64x2(h01, h23, 0x88),
                                    _mm512_shuffle_f64x2(h01, h23, 0xdd));
    /* k + 1, then the four sums into one register */
    const __m512d r = _mm512_add_pd(_mm512_unpacklo_pd(p, p), _mm512_unpackhi_pd(p, p));
    const __m256d sums = _mm512_castpd512_pd256(
        _mm512_permutexvar_pd(_mm512_set_epi64(6, 4, 2, 0, 6, 4, 2, 0), r));
    _mm256_storeu_pd(uI, _mm256_add_pd(_mm256_loadu_pd(uI), sums));
}

/* Rows r .. r + nq - 1 (nq = 4, or 1 for the last rows). pf: ask the
 * cache for the rows PREFETCH_ROWS on (K from memory); off when the whole
 * K stays in the cache from one epoch to the next, where the hints only
 * take load slots. */
__attribute__((target("avx512f"), always_inline))
static inline void rows4_avx512(const tile_rows *t, size_t r, size_t nq, int pf) {
    const size_t c = t->c, w = t->w;
    const int32_t *restrict k = t->k + r * c;
    const double *restrict bJ = t->bJ;
    double *restrict uJ = t->uJ;
    __m512d acc[4][4], bi[4];
#pragma GCC unroll 4
    for (size_t q = 0; q < 4; q++) {
        bi[q] = _mm512_set1_pd(q < nq ? t->bI[r + q] : 0.0);
        for (size_t l = 0; l < 4; l++)
            acc[l][q] = _mm512_setzero_pd();
    }
    /* acc[l][q]: lane block l (columns 8l .. 8l+7 of each 32) of row r+q */
    size_t i = 0;
    for (; i + LANES <= w; i += LANES) {
        /* the same columns of the rows PREFETCH_ROWS on: a hint only (it
         * never faults, even past the array): at m = 10450 on one thread
         * 29 ms an epoch without, 9 to 15 ms with (8 or 16 rows ahead;
         * 4 did less), best of 30 on a busy machine */
        if (pf) {
#pragma GCC unroll 4
            for (size_t q = 0; q < 4; q++) {
                const char *ahead = (const char *)(k + (PREFETCH_ROWS + q) * c + i);
                _mm_prefetch(ahead, _MM_HINT_T0);
                _mm_prefetch(ahead + 64, _MM_HINT_T0);
            }
        }
#pragma GCC unroll 4
        for (size_t l = 0; l < 4; l++)
            full8(k, c, i + 8 * l, bJ, uJ, bi, acc[l], nq);
    }
    /* the tail, fewer than 32 columns: the blocks that have columns, a
     * fixed trip count with a test each, so that acc stays in registers
     * (see kernel.c's dot4) */
    const size_t rest = w - i;
#pragma GCC unroll 4
    for (size_t l = 0; l < 4; l++) {
        if (rest > 8 * l) {
            const size_t left = rest - 8 * l;
            const __mmask8 mask = left >= 8 ? (__mmask8)0xff : (__mmask8)((1u << left) - 1);
            step8(k, c, i + 8 * l, mask, bJ, uJ, bi, acc[l], nq);
        }
    }
    if (nq == 4) {
        combine4_avx512(acc, t->uI + r);
        return;
    }
#pragma GCC unroll 4
    for (size_t q = 0; q < nq; q++) {
        __m512d lanes[4] = {acc[0][q], acc[1][q], acc[2][q], acc[3][q]};
        t->uI[r + q] += catlr_lanes_combine_avx512(lanes);
    }
}

/* An off-diagonal tile's rows r0 .. r1-1 (pf constant once inlined): four
 * at a time, then the last r1 - r0 % 4 one by one (the same code for one
 * row: the portable loop cost a fifth of the course's epoch for its one
 * row in 209). */
__attribute__((target("avx512f"), always_inline))
static inline void rows_pf_avx512(const tile_rows *t, size_t r0, size_t r1, int pf) {
    size_t r = r0;
    for (; r + 4 <= r1; r += 4)
        rows4_avx512(t, r, 4, pf);
    for (; r < r1; r++)
        rows4_avx512(t, r, 1, pf);
}

/* block_rows for nq = 4, the four rows at once: row r + q's term of
 * column j is K[r+q][j] = K[j][r+q], so column j's four terms are row j's
 * four entries from column r, and the terms are added in column order as
 * block_rows adds them. */
__attribute__((target("avx512f"), always_inline))
static inline void block4_avx512(const tile_rows *t, size_t r) {
    __m256d s = _mm256_setzero_pd();
#pragma GCC unroll 4
    for (size_t j = r; j < r + 4; j++) {
        const __m256d kd =
            _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)(t->k + j * t->c + r)));
        s = _mm256_add_pd(s, _mm256_mul_pd(kd, _mm256_set1_pd(t->bJ[j])));
    }
    _mm256_storeu_pd(t->uI + r, _mm256_add_pd(_mm256_loadu_pd(t->uI + r), s));
}

/* A diagonal tile's, as diagonal_portable: the block, then the rows
 * right of it. */
__attribute__((target("avx512f"), always_inline))
static inline void diagonal_pf_avx512(const tile_rows *t, size_t r0, size_t r1, int pf) {
    for (size_t r = r0; r < r1;) {
        const size_t nq = r + 4 <= r1 ? 4 : 1;
        if (nq == 4)
            block4_avx512(t, r);
        else
            block_rows(t, r, nq);
        const tile_rows right = right_of_block(t, r, nq);
        if (nq == 4)
            rows4_avx512(&right, r, 4, pf);
        else
            rows4_avx512(&right, r, 1, pf);
        r += nq;
    }
}

__attribute__((target("avx512f")))
static void rows_avx512(const tile_rows *t, size_t r0, size_t r1, int diag) {
    if (diag && t->cached)
        diagonal_pf_avx512(t, r0, r1, 0);
    else if (diag)
        diagonal_pf_avx512(t, r0, r1, 1);
    else if (t->cached)
        rows_pf_avx512(t, r0, r1, 0);
    else
        rows_pf_avx512(t, r0, r1, 1);
    /* GCC left this out before returning to code that the caller runs
     * with SSE, and the dirty upper halves then slowed every SSE
     * instruction after it (libm's exp among them): the course's epochs
     * took twice as long */
    _mm256_zeroupper();
}
#endif

/* Tile rows r0 .. r1-1; diag: a diagonal tile (I = J). */
static void rows(const tile_rows *t, size_t r0, size_t r1, int diag) {
#ifdef CATLR_X86
    if (__builtin_cpu_supports("avx512f")) {
        rows_avx512(t, r0, r1, diag);
        return;
    }
#endif
    if (diag)
        diagonal_portable(t, r0, r1);
    else
        rows_portable(t, r0, r1);
}

// ----------------------------------------------------------------------------
// The parts.

void catlr_gram_part_product(const int32_t *K, const catlr_gram_plan *plan, size_t p,
                             const double *b, double *u_part) {
    const size_t m = plan->m, nt = tiles_of(m), s = plan->start[p], e = plan->start[p + 1];
    memset(u_part, 0, m * sizeof *u_part);
    size_t off = 0;
    for (size_t I = 0; I < nt && off < e; I++)
        for (size_t J = I; J < nt && off < e; J++) {
            const size_t h = block_size(m, I), c = block_size(m, J), size = h * c;
            if (off + size > s) {
                const size_t r0 = s > off ? (s - off) / c : 0;
                const size_t r1 = e < off + size ? (e - off) / c : h;
                const tile_rows t = {.k = K + off, .c = c, .w = c,
                                     .bI = b + I * T, .bJ = b + J * T,
                                     .uI = u_part + I * T, .uJ = u_part + J * T,
                                     .cached = catlr_gram_packed_count(m) <= CACHED_MAX};
                rows(&t, r0, r1, I == J);
            }
            off += size;
        }
}

void catlr_gram_parts_sum(const double *u_parts, size_t parts, size_t m, size_t lo, size_t hi,
                          double *u) {
    for (size_t i = lo; i < hi; i++) {
        double s = u_parts[i];
        for (size_t p = 1; p < parts; p++)
            s += u_parts[p * m + i];
        u[i] = s;
    }
}

// ----------------------------------------------------------------------------
// The epoch's steps entry by entry: the same operations on each entry in
// both versions, so the same bits (AVX-512: 8 entries a register, the last
// ones under a mask).

CATLR_CLONES
static void forward_z_portable(const double *u_parts, size_t parts, size_t m, size_t lo,
                               size_t hi, double div, double c, const double *z0, double b,
                               double *u, double *z) {
    catlr_gram_parts_sum(u_parts, parts, m, lo, hi, u);
    for (size_t i = lo; i < hi; i++) {
        u[i] /= div;
        z[i] = (c * z0[i] + u[i]) + b;
    }
}

CATLR_CLONES
static int alpha_step_portable(double *alpha, const double *dz, size_t n, double r, double lr,
                               double md) {
    int finite = 1;
    for (size_t j = 0; j < n; j++) {
        alpha[j] = r * alpha[j] - lr * dz[j] / md;
        finite &= isfinite(alpha[j]) != 0;
    }
    return finite;
}

#ifdef CATLR_X86
/* The mask of the k < 8 entries from i on that are below hi. */
static __mmask8 below(size_t i, size_t hi) {
    return hi - i >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (hi - i)) - 1);
}

__attribute__((target("avx512f")))
static void forward_z_avx512(const double *u_parts, size_t parts, size_t m, size_t lo, size_t hi,
                             double div, double c, const double *z0, double b, double *u,
                             double *z) {
    const __m512d dv = _mm512_set1_pd(div), cv = _mm512_set1_pd(c), bv = _mm512_set1_pd(b);
    for (size_t i = lo; i < hi; i += 8) {
        const __mmask8 k = below(i, hi);
        __m512d s = _mm512_maskz_loadu_pd(k, u_parts + i);
        for (size_t p = 1; p < parts; p++)
            s = _mm512_add_pd(s, _mm512_maskz_loadu_pd(k, u_parts + p * m + i));
        s = _mm512_div_pd(s, dv);
        _mm512_mask_storeu_pd(u + i, k, s);
        const __m512d zv =
            _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(cv, _mm512_maskz_loadu_pd(k, z0 + i)), s), bv);
        _mm512_mask_storeu_pd(z + i, k, zv);
    }
    _mm256_zeroupper();
}

__attribute__((target("avx512f")))
static int alpha_step_avx512(double *alpha, const double *dz, size_t n, double r, double lr,
                             double md) {
    const __m512d rv = _mm512_set1_pd(r), lv = _mm512_set1_pd(lr), mv = _mm512_set1_pd(md);
    const __m512d inf = _mm512_set1_pd(INFINITY);
    __mmask8 finite = 0xff;
    for (size_t j = 0; j < n; j += 8) {
        const __mmask8 k = below(j, n);
        const __m512d a = _mm512_sub_pd(
            _mm512_mul_pd(rv, _mm512_maskz_loadu_pd(k, alpha + j)),
            _mm512_div_pd(_mm512_mul_pd(lv, _mm512_maskz_loadu_pd(k, dz + j)), mv));
        _mm512_mask_storeu_pd(alpha + j, k, a);
        /* |a| < inf is false for both infinities and NaN; the entries
         * past n are 0 here */
        finite &= _mm512_cmp_pd_mask(_mm512_abs_pd(a), inf, _CMP_LT_OQ);
    }
    _mm256_zeroupper();
    return finite == 0xff;
}
#endif

void catlr_gram_forward_z(const double *u_parts, size_t parts, size_t m, size_t lo, size_t hi,
                          double div, double c, const double *z0, double b, double *u, double *z) {
#ifdef CATLR_X86
    if (__builtin_cpu_supports("avx512f")) {
        forward_z_avx512(u_parts, parts, m, lo, hi, div, c, z0, b, u, z);
        return;
    }
#endif
    forward_z_portable(u_parts, parts, m, lo, hi, div, c, z0, b, u, z);
}

int catlr_gram_alpha_step(double *alpha, const double *dz, size_t n, double r, double lr,
                          double md) {
#ifdef CATLR_X86
    if (__builtin_cpu_supports("avx512f"))
        return alpha_step_avx512(alpha, dz, n, r, lr, md);
#endif
    return alpha_step_portable(alpha, dz, n, r, lr, md);
}
