/* kernel.c: the solvers' inner loops, AVX-512 and portable (see kernel.h).
 *
 * Each double sum keeps CATLR_KERNEL_LANES = 32 partial sums: the AVX-512
 * version holds them in four registers of 8 (four independent chains hide
 * the add latency), the portable version in an array, and both finish with
 * combine(). Which version runs is asked of the CPU at each call (a load of
 * a flag libgcc sets up once), so there is no state of our own. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "clones.h"
#include "kernel.h"

/* CATLR_KERNEL_PORTABLE builds the portable versions only: the test
 * kernel_portable checks them on CPUs that would otherwise run AVX-512. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(CATLR_KERNEL_PORTABLE)
#define CATLR_X86 1
#include <immintrin.h>

#include "lanes_avx512.h"
#endif

enum { LANES = CATLR_KERNEL_LANES };

/* The lanes, added pairwise in a fixed tree: lane k with lane k + 16, then
 * k + 8, k + 4, k + 2, k + 1. */
static double combine(double *s) {
    for (size_t half = LANES / 2; half >= 1; half /= 2)
        for (size_t k = 0; k < half; k++)
            s[k] += s[k + half];
    return s[0];
}

// ----------------------------------------------------------------------------
// Portable versions: the definition of every result. Lane k takes the
// terms whose index is k modulo LANES; each loop is written as whole rounds
// of LANES terms, then the rest, so that the vectoriser keeps the lanes in
// registers (CATLR_CLONES: an AVX2 copy beside the baseline one).

CATLR_CLONES
static double dot_f32_u8_portable(const float *restrict w, const uint8_t *restrict x, size_t n) {
    double s[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < LANES; k++)
            s[k] += (double)w[i + k] * x[i + k];
    for (size_t k = 0; i + k < n; k++)
        s[k] += (double)w[i + k] * x[i + k];
    return combine(s);
}

CATLR_CLONES
static double dot_f64_portable(const double *restrict a, const double *restrict b, size_t n) {
    double s[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < LANES; k++)
            s[k] += a[i + k] * b[i + k];
    for (size_t k = 0; i + k < n; k++)
        s[k] += a[i + k] * b[i + k];
    return combine(s);
}

/* fma(): w holds any double while training, so w[i] x[i] is not exact,
 * and the AVX-512 loop fuses it into the add; a rounded product here would
 * give other bits (the x86-64-v3 copy makes it vfmadd; the baseline calls
 * glibc's fma(), the hardware instruction where the CPU has one). */
CATLR_CLONES
static double dot_wide_u8_portable(const double *restrict w, const uint8_t *restrict x, size_t n) {
    double s[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < LANES; k++)
            s[k] = fma(w[i + k], x[i + k], s[k]);
    for (size_t k = 0; i + k < n; k++)
        s[k] = fma(w[i + k], x[i + k], s[k]);
    return combine(s);
}

/* y[i] takes the k rows' terms in row order. Columns in runs of
 * AXPYK_RUN, held in registers while the k rows pass (the vectoriser
 * does not turn the loops round by itself: with one column at a time a
 * primal epoch at m = 10,450 took 214 ms on a Zen 3 instead of 39). */
enum { AXPYK_RUN = 32 };

CATLR_CLONES
static void axpyk_u8_portable(double *restrict y, const double *restrict s,
                              const uint8_t *restrict x, size_t stride, size_t k, size_t n) {
    size_t i = 0;
    for (; i + AXPYK_RUN <= n; i += AXPYK_RUN) {
        double run[AXPYK_RUN];
        for (size_t l = 0; l < AXPYK_RUN; l++)
            run[l] = y[i + l];
        for (size_t r = 0; r < k; r++)
            for (size_t l = 0; l < AXPYK_RUN; l++)
                run[l] += s[r] * x[r * stride + i + l];
        for (size_t l = 0; l < AXPYK_RUN; l++)
            y[i + l] = run[l];
    }
    for (; i < n; i++)
        for (size_t r = 0; r < k; r++)
            y[i] += s[r] * x[r * stride + i];
}

CATLR_CLONES
static double dot_i32_f64_portable(const int32_t *restrict k, const double *restrict b, size_t n) {
    double s[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t l = 0; l < LANES; l++)
            s[l] += (double)k[i + l] * b[i + l];
    for (size_t l = 0; i + l < n; l++)
        s[l] += (double)k[i + l] * b[i + l];
    return combine(s);
}

CATLR_CLONES
static void axpy_u8_portable(double *restrict y, double s, const uint8_t *restrict x, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] += s * x[i];
}

// ----------------------------------------------------------------------------
// AVX-512 versions: the same lanes and roundings, 8 doubles at a time.

#ifdef CATLR_X86
__attribute__((target("avx512f")))
static double dot_f32_u8_avx512(const float *w, const uint8_t *x, size_t n) {
    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                      _mm512_setzero_pd()};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++) {
            __m128i bytes = _mm_loadl_epi64((const __m128i *)(x + i + 8 * k));
            __m512d xd = _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(bytes));
            __m512d wd = _mm512_cvtps_pd(_mm256_loadu_ps(w + i + 8 * k));
            /* the product is exact, so fusing it rounds as multiply + add */
            acc[k] = _mm512_fmadd_pd(wd, xd, acc[k]);
        }
    double s[LANES];
    for (size_t k = 0; k < 4; k++)
        _mm512_storeu_pd(s + 8 * k, acc[k]);
    for (size_t k = 0; i + k < n; k++)
        s[k] += (double)w[i + k] * x[i + k];
    return combine(s);
}

__attribute__((target("avx512f")))
static double dot_f64_avx512(const double *a, const double *b, size_t n) {
    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                      _mm512_setzero_pd()};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++) {
            __m512d p = _mm512_mul_pd(_mm512_loadu_pd(a + i + 8 * k),
                                      _mm512_loadu_pd(b + i + 8 * k));
            acc[k] = _mm512_add_pd(acc[k], p);
        }
    /* the tail: lanes past it are left untouched, as in the portable loop */
    for (size_t k = 0; k < 4 && i + 8 * k < n; k++) {
        size_t rest = n - i - 8 * k;
        __mmask8 mask = rest >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rest) - 1);
        __m512d p = _mm512_mul_pd(_mm512_maskz_loadu_pd(mask, a + i + 8 * k),
                                  _mm512_maskz_loadu_pd(mask, b + i + 8 * k));
        acc[k] = _mm512_mask_add_pd(acc[k], mask, acc[k], p);
    }
    return catlr_lanes_combine_avx512(acc);
}

__attribute__((target("avx512f")))
static double dot_i32_f64_avx512(const int32_t *kv, const double *b, size_t n) {
    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                      _mm512_setzero_pd()};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++) {
            __m512d kd = _mm512_cvtepi32_pd(_mm256_loadu_si256((const __m256i *)(kv + i + 8 * k)));
            acc[k] = _mm512_add_pd(acc[k], _mm512_mul_pd(kd, _mm512_loadu_pd(b + i + 8 * k)));
        }
    for (size_t k = 0; k < 4 && i + 8 * k < n; k++) {
        size_t rest = n - i - 8 * k;
        __mmask8 mask = rest >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rest) - 1);
        __m512i k16 = _mm512_maskz_loadu_epi32((__mmask16)mask, kv + i + 8 * k);
        __m512d kd = _mm512_cvtepi32_pd(_mm512_castsi512_si256(k16));
        __m512d p = _mm512_mul_pd(kd, _mm512_maskz_loadu_pd(mask, b + i + 8 * k));
        acc[k] = _mm512_mask_add_pd(acc[k], mask, acc[k], p);
    }
    return catlr_lanes_combine_avx512(acc);
}

__attribute__((target("avx512f")))
static void dot4_i32_f64_avx512(const int32_t *kv, size_t stride, const double *b, size_t n,
                                double out[4]) {
    __m512d acc[4][4];
    for (size_t r = 0; r < 4; r++)
        for (size_t k = 0; k < 4; k++)
            acc[r][k] = _mm512_setzero_pd();
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++) {
            __m512d bv = _mm512_loadu_pd(b + i + 8 * k);
            for (size_t r = 0; r < 4; r++) {
                const int32_t *row = kv + r * stride + i + 8 * k;
                __m512d kd = _mm512_cvtepi32_pd(_mm256_loadu_si256((const __m256i *)row));
                acc[r][k] = _mm512_add_pd(acc[r][k], _mm512_mul_pd(kd, bv));
            }
        }
    /* the tail (fewer than 32 columns): all four registers every time, a
     * register with no columns left under an empty mask, which leaves it
     * as it is. A fixed trip count lets the compiler unroll this loop and
     * keep acc in registers; a loop that stops early indexes acc at run
     * time and sends all 16 registers through the stack, which cost as
     * much as the whole main loop for m = 209. */
#pragma GCC unroll 4
    for (size_t k = 0; k < 4; k++) {
        size_t start = i + 8 * k, rest = start < n ? n - start : 0;
        __mmask8 mask = rest >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rest) - 1);
        size_t at = rest > 0 ? start : 0; /* no pointer past the arrays */
        __m512d bv = _mm512_maskz_loadu_pd(mask, b + at);
        for (size_t r = 0; r < 4; r++) {
            const int32_t *row = kv + r * stride + at;
            __m512i k16 = _mm512_maskz_loadu_epi32((__mmask16)mask, row);
            __m512d p = _mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(k16)), bv);
            acc[r][k] = _mm512_mask_add_pd(acc[r][k], mask, acc[r][k], p);
        }
    }
    for (size_t r = 0; r < 4; r++)
        out[r] = catlr_lanes_combine_avx512(acc[r]);
}

/* 8 bytes from p as 8 doubles, exactly. Through 64-bit lanes: vpmovzxbq
 * and vcvtqq2pd take one shuffle-port uop per 8 bytes where vpmovzxbd and
 * vcvtdq2pd take two, and that port limited both primal passes. */
__attribute__((target("avx512f,avx512dq")))
static inline __m512d bytes_to_pd(const uint8_t *p) {
    return _mm512_cvtepi64_pd(_mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)p)));
}

__attribute__((target("avx512f,avx512dq")))
static double dot_wide_u8_avx512(const double *w, const uint8_t *x, size_t n) {
    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                      _mm512_setzero_pd()};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++)
            acc[k] = _mm512_fmadd_pd(_mm512_loadu_pd(w + i + 8 * k), bytes_to_pd(x + i + 8 * k),
                                     acc[k]); /* fused, as fma() in the portable loop */
    double s[LANES];
    for (size_t k = 0; k < 4; k++)
        _mm512_storeu_pd(s + 8 * k, acc[k]);
    for (size_t k = 0; i + k < n; k++)
        s[k] = fma(w[i + k], x[i + k], s[k]);
    return combine(s);
}

/* Four images per load of w: 16 independent chains, and w read from L1
 * once for four images. Each image's lanes and tail are those of
 * dot_wide_u8_avx512, so the bits are too. */
__attribute__((target("avx512f,avx512dq")))
static void dot4_wide_u8_avx512(const double *w, const uint8_t *x, size_t stride, size_t n,
                                double out[4]) {
    __m512d acc[4][4];
    for (size_t r = 0; r < 4; r++)
        for (size_t k = 0; k < 4; k++)
            acc[r][k] = _mm512_setzero_pd();
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < 4; k++) {
            __m512d wv = _mm512_loadu_pd(w + i + 8 * k);
            for (size_t r = 0; r < 4; r++)
                acc[r][k] = _mm512_fmadd_pd(wv, bytes_to_pd(x + r * stride + i + 8 * k), acc[r][k]);
        }
    for (size_t r = 0; r < 4; r++) {
        double s[LANES];
        for (size_t k = 0; k < 4; k++)
            _mm512_storeu_pd(s + 8 * k, acc[r][k]);
        const uint8_t *xr = x + r * stride;
        for (size_t k = 0; i + k < n; k++)
            s[k] = fma(w[i + k], xr[i + k], s[k]);
        out[r] = combine(s);
    }
}

/* y stays in registers while all k images are added: 32 features (four
 * independent add chains) per load and store of y, where a pass per image
 * or two loaded and stored y k or k/2 times. Per element the same
 * multiplies and adds in the same order as axpyk_u8_portable. */
__attribute__((target("avx512f,avx512dq")))
static void axpyk_u8_avx512(double *y, const double *s, const uint8_t *x, size_t stride,
                            size_t k, size_t n) {
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
        __m512d a[4];
        for (size_t q = 0; q < 4; q++)
            a[q] = _mm512_loadu_pd(y + i + 8 * q);
        for (size_t r = 0; r < k; r++) {
            const __m512d sv = _mm512_set1_pd(s[r]);
            const uint8_t *xr = x + r * stride + i;
            for (size_t q = 0; q < 4; q++)
                a[q] = _mm512_add_pd(a[q], _mm512_mul_pd(sv, bytes_to_pd(xr + 8 * q)));
        }
        for (size_t q = 0; q < 4; q++)
            _mm512_storeu_pd(y + i + 8 * q, a[q]);
    }
    axpyk_u8_portable(y + i, s, x + i, stride, k, n - i);
}

__attribute__((target("avx512f,avx512dq")))
static void axpy_u8_avx512(double *y, double s, const uint8_t *x, size_t n) {
    const __m512d sv = _mm512_set1_pd(s);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d xd = bytes_to_pd(x + i);
        _mm512_storeu_pd(y + i, _mm512_add_pd(_mm512_loadu_pd(y + i), _mm512_mul_pd(sv, xd)));
    }
    for (; i < n; i++)
        y[i] += s * x[i];
}
#endif

// ----------------------------------------------------------------------------
// Dispatch.

int catlr_kernel_simd(void) {
#ifdef CATLR_X86
    /* DQ for the byte conversion (vcvtqq2pd); every AVX-512 CPU but the
     * Xeon Phi has it, and there the portable loops give the same bits */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#else
    return 0;
#endif
}

/* The byte products' own check: BW for the masked byte loads, VNNI for
 * vpdpbusd (Zen 4 and 5, Ice Lake and later; not Skylake-X). */
int catlr_kernel_vnni(void) {
#ifdef CATLR_X86
    return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

double catlr_kernel_dot_f32_u8(const float *w, const uint8_t *x, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd())
        return dot_f32_u8_avx512(w, x, n);
#endif
    return dot_f32_u8_portable(w, x, n);
}

double catlr_kernel_dot_f64(const double *a, const double *b, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd())
        return dot_f64_avx512(a, b, n);
#endif
    return dot_f64_portable(a, b, n);
}

double catlr_kernel_dot_i32_f64(const int32_t *k, const double *b, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd())
        return dot_i32_f64_avx512(k, b, n);
#endif
    return dot_i32_f64_portable(k, b, n);
}

void catlr_kernel_dot4_i32_f64(const int32_t *k, size_t stride, const double *b, size_t n,
                               double out[4]) {
#ifdef CATLR_X86
    if (catlr_kernel_simd()) {
        dot4_i32_f64_avx512(k, stride, b, n, out);
        return;
    }
#endif
    for (size_t r = 0; r < 4; r++)
        out[r] = dot_i32_f64_portable(k + r * stride, b, n);
}

double catlr_kernel_dot_wide_u8(const double *w, const uint8_t *x, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd())
        return dot_wide_u8_avx512(w, x, n);
#endif
    return dot_wide_u8_portable(w, x, n);
}

void catlr_kernel_dot4_wide_u8(const double *w, const uint8_t *x, size_t stride, size_t n,
                               double out[4]) {
#ifdef CATLR_X86
    if (catlr_kernel_simd()) {
        dot4_wide_u8_avx512(w, x, stride, n, out);
        return;
    }
#endif
    for (size_t r = 0; r < 4; r++)
        out[r] = dot_wide_u8_portable(w, x + r * stride, n);
}

void catlr_kernel_axpyk_u8(double *y, const double *s, const uint8_t *x, size_t stride,
                           size_t k, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd()) {
        axpyk_u8_avx512(y, s, x, stride, k, n);
        return;
    }
#endif
    axpyk_u8_portable(y, s, x, stride, k, n);
}

void catlr_kernel_axpy_u8(double *y, double s, const uint8_t *x, size_t n) {
#ifdef CATLR_X86
    if (catlr_kernel_simd()) {
        axpy_u8_avx512(y, s, x, n);
        return;
    }
#endif
    axpy_u8_portable(y, s, x, n);
}

// ----------------------------------------------------------------------------
// Exact byte dot products, for the Gram matrix. Integer sums do not depend
// on their order, so the compiler's vectoriser may take any order it likes;
// CATLR_CLONES builds an AVX2 and a baseline copy and the loader picks one
// for the CPU. (The Gram matrix goes through dots4_vnni or cross_u8_vnni
// where the CPU has AVX-512 VNNI, and cross_u8_avx2 where it has AVX2;
// this covers the rest.)

/* 32768 * 255^2 < 2^31: a block's sum fits in int32, the vectoriser's
 * widest cheap accumulator. */
enum { U8_BLOCK = 32768 };

/* static, as every cloned function here: Clang 14 names a cloned
 * function's dispatcher so that other files cannot call it by its name */
CATLR_CLONES
static int64_t dot_u8(const uint8_t *restrict a, const uint8_t *restrict b, size_t n) {
    int64_t total = 0;
    for (size_t start = 0; start < n; start += U8_BLOCK) {
        size_t end = n - start < U8_BLOCK ? n : start + U8_BLOCK;
        int32_t s = 0;
        for (size_t i = start; i < end; i++)
            s += (int32_t)a[i] * b[i];
        total += s;
    }
    return total;
}

int64_t catlr_kernel_dot_u8(const uint8_t *a, const uint8_t *b, size_t n) {
    return dot_u8(a, b, n);
}

/* The sum of n bytes, exact in int64. On x86-64, psadbw (SSE2, in every
 * such CPU) adds 8 bytes into a 64-bit lane per step, 16 bytes an
 * instruction: GCC's vectorisation of the plain loop widened every byte to
 * 64 bits, and summing the course's 209 images (2.5 MB) took 0.5 ms, a
 * sixth of the Gram solver's set-up. */
int64_t catlr_kernel_sum_u8(const uint8_t *x, size_t n) {
    int64_t s = 0;
    size_t i = 0;
#ifdef CATLR_X86
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    for (; i + 16 <= n; i += 16)
        acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(x + i)), zero));
    s = _mm_cvtsi128_si64(acc) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#endif
    for (; i < n; i++)
        s += x[i];
    return s;
}

#ifdef CATLR_X86
/* Four columns of X against a: per 64 bytes one shift of a and four
 * vpdpbusd. Each 32-bit lane gathers 4 products per instruction, at most
 * 4 * 255 * 128 in size, so a block of U8_BLOCK bytes (512 instructions per
 * lane) stays below 2^31; blocks are added in int64. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void dots4_vnni(const uint8_t *a, const uint8_t *b[4], size_t n, int64_t out[4]) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int64_t total[4] = {0, 0, 0, 0};
    for (size_t start = 0; start < n; start += U8_BLOCK) {
        size_t end = n - start < U8_BLOCK ? n : start + U8_BLOCK;
        __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(),
                          _mm512_setzero_si512(), _mm512_setzero_si512()};
        for (size_t i = start; i < end; i += 64) {
            /* bytes past the end load as 0 in b, so their products vanish
             * whatever a holds there */
            __mmask64 mask = end - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (end - i)) - 1);
            __m512i as = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, a + i), flip);
            for (size_t k = 0; k < 4; k++)
                acc[k] = _mm512_dpbusd_epi32(acc[k], _mm512_maskz_loadu_epi8(mask, b[k] + i), as);
        }
        for (size_t k = 0; k < 4; k++)
            total[k] += _mm512_reduce_add_epi32(acc[k]);
    }
    for (size_t k = 0; k < 4; k++)
        out[k] = total[k];
}
#endif

#ifdef CATLR_X86
/* Four rows against four columns: 16 vpdpbusd per 64 bytes for 4 + 4
 * loads. The same blocks and corrections as dots4_vnni. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void dots4x4_vnni(const uint8_t *a[4], const uint8_t *b[4], size_t n, int64_t out[16]) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int64_t total[16] = {0};
    for (size_t start = 0; start < n; start += U8_BLOCK) {
        size_t end = n - start < U8_BLOCK ? n : start + U8_BLOCK;
        __m512i acc[16];
        for (size_t k = 0; k < 16; k++)
            acc[k] = _mm512_setzero_si512();
        for (size_t i = start; i < end; i += 64) {
            __mmask64 mask = end - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (end - i)) - 1);
            __m512i as[4], bs[4];
            for (size_t r = 0; r < 4; r++) {
                as[r] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, a[r] + i), flip);
                bs[r] = _mm512_maskz_loadu_epi8(mask, b[r] + i);
            }
            for (size_t r = 0; r < 4; r++)
                for (size_t c = 0; c < 4; c++)
                    acc[4 * r + c] = _mm512_dpbusd_epi32(acc[4 * r + c], bs[c], as[r]);
        }
        for (size_t k = 0; k < 16; k++)
            total[k] += _mm512_reduce_add_epi32(acc[k]);
    }
    for (size_t k = 0; k < 16; k++)
        out[k] = total[k];
}
#endif

void catlr_kernel_dots4_u8(const uint8_t *A, const catlr_kernel_columns *cols, size_t j0,
                           int64_t *out) {
    const size_t n = cols->n, m = cols->m;
    const size_t width = m - j0;
    size_t j = j0;
#ifdef CATLR_X86
    if (catlr_kernel_vnni()) {
        const uint8_t *a[4] = {A, A + n, A + 2 * n, A + 3 * n};
        for (; j + 4 <= m; j += 4) {
            const uint8_t *X = cols->X;
            const uint8_t *b[4] = {X + j * n, X + (j + 1) * n, X + (j + 2) * n, X + (j + 3) * n};
            int64_t d[16];
            dots4x4_vnni(a, b, n, d);
            for (size_t r = 0; r < 4; r++)
                for (size_t c = 0; c < 4; c++)
                    out[r * width + j + c - j0] = d[4 * r + c] + 128 * cols->sum_x[j + c];
        }
    }
#endif
    for (size_t r = 0; r < 4; r++)
        catlr_kernel_dots_u8(A + r * n, cols, j, out + r * width + (j - j0));
}

void catlr_kernel_dots_u8(const uint8_t *a, const catlr_kernel_columns *cols, size_t j0,
                          int64_t *out) {
    const uint8_t *X = cols->X;
    const size_t n = cols->n, m = cols->m;
    const int64_t *sum_x = cols->sum_x;
    size_t j = j0;
#ifdef CATLR_X86
    if (catlr_kernel_vnni()) {
        for (; j + 4 <= m; j += 4) {
            const uint8_t *b[4] = {X + j * n, X + (j + 1) * n, X + (j + 2) * n, X + (j + 3) * n};
            int64_t d[4];
            dots4_vnni(a, b, n, d);
            /* sum_i b (a - 128) + 128 sum_i b = sum_i a b */
            for (size_t k = 0; k < 4; k++)
                out[j + k - j0] = d[k] + 128 * sum_x[j + k];
        }
    }
#else
    (void)sum_x; /* only the VNNI path needs the column sums */
#endif
    for (; j < m; j++)
        out[j - j0] = catlr_kernel_dot_u8(a, X + j * n, n);
}

// ----------------------------------------------------------------------------
// Byte products of a block of images against another, for the Gram matrix's
// tiles: the int8 GEMM of the two (each image's bytes contiguous, so every
// entry is a dot product along the rows of both).

/* The depth is cut into blocks of CROSS_DEPTH bytes, as int8 GEMM libraries
 * cut theirs: the block of 4 rows of A (8 KB) stays in L1 while the same
 * bytes of every column of B pass by, and those (2 KB per column: 512 KB
 * for 256 columns) stay in the 1 MB L2 for the next 4 rows. */
enum { CROSS_DEPTH = 2048 };

/* The definition: each entry its own exact dot product (an int64 that fits
 * in int32 by the caller's bound on n). */
void catlr_kernel_cross_u8_portable(const uint8_t *A, size_t rows, const uint8_t *B,
                                    size_t cols, size_t n, int32_t *out, size_t ld) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            out[r * ld + c] = (int32_t)catlr_kernel_dot_u8(A + r * n, B + c * n, n);
}

#ifdef CATLR_X86
/* The 16 lanes of each of 16 registers summed, without leaving registers:
 * halves, quarters, pairs, then neighbours of one register added to each
 * other while those of two registers are interleaved (2 shuffles and an
 * add per pair of registers per step, 45 operations in all, where 16
 * separate reductions take 16 x 8). Lane k of the result is the sum of
 * in[IN_LANE[k]], with IN_LANE = {0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7,
 * 12, 14, 13, 15}; IN_LANE is its own inverse, so a caller that passes
 * its register IN_LANE[k] as in[k] gets lane k = the sum of its register
 * k. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline __m512i sum16(const __m512i in[16]) {
    __m512i s[8], t[4], u[2];
    for (size_t i = 0; i < 8; i++) /* 256-bit halves: in[i] left, in[i + 8] right */
        s[i] = _mm512_add_epi32(_mm512_shuffle_i32x4(in[i], in[i + 8], 0x44),
                                _mm512_shuffle_i32x4(in[i], in[i + 8], 0xee));
    for (size_t i = 0; i < 4; i++) /* 128-bit quarters: in[i], in[i+8], in[i+4], in[i+12] */
        t[i] = _mm512_add_epi32(_mm512_shuffle_i32x4(s[i], s[i + 4], 0x88),
                                _mm512_shuffle_i32x4(s[i], s[i + 4], 0xdd));
    for (size_t i = 0; i < 2; i++) /* pairs within a quarter: t[i]'s two, t[i + 2]'s two */
        u[i] = _mm512_add_epi32(_mm512_unpacklo_epi64(t[i], t[i + 2]),
                                _mm512_unpackhi_epi64(t[i], t[i + 2]));
    /* neighbours: t[0]'s, t[2]'s, t[1]'s, t[3]'s sums in each quarter */
    __m512 u0 = _mm512_castsi512_ps(u[0]), u1 = _mm512_castsi512_ps(u[1]);
    return _mm512_add_epi32(_mm512_castps_si512(_mm512_shuffle_ps(u0, u1, 0x88)),
                            _mm512_castps_si512(_mm512_shuffle_ps(u0, u1, 0xdd)));
}

/* Rows a[0..3] against columns b[0..3] over `depth` bytes, added into the
 * nr x nc corner of out (row stride ld); a[k] and b[k] past nr, nc repeat
 * the last one and are computed, then dropped. 16 accumulators, 4 + 4
 * registers of bytes: 25 of the 32 zmm registers, and 16 vpdpbusd per 8
 * loads. vpdpbusd multiplies unsigned bytes (b) by signed ones, so a is
 * shifted by -128 (xor 0x80) here and 128 sum_b was put into out first.
 * Each 32-bit lane of an accumulator adds depth / 16 products, each in
 * [-128 * 255, 127 * 255]: at most 2048 / 16 * 32640 < 2^23 in size, and
 * the whole block's sum of 16 lanes at most 2048 * 32640 < 2^27. */
/* acc += the products of the unsigned bytes of u and the signed ones of
 * v, four per 32-bit lane (_mm512_dpbusd_epi32, in place). GCC 12 gives
 * the intrinsic's result a register of its own and copies it back, two
 * moves per vpdpbusd, and spilled some of the 16 accumulators in the
 * 4 x 4 tile: half the speed. */
__attribute__((target("avx512f,avx512vnni")))
static inline __m512i dpbusd(__m512i acc, __m512i u, __m512i v) {
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(v));
    return acc;
}

/* One 64-byte step of tile4x4_vnni: 4 + 4 loads (a's bytes shifted), 16
 * vpdpbusd into 16 named accumulators (an array of them went through the
 * stack). */
#define TILE_STEP(load, i)                                                                     \
    do {                                                                                       \
        const __m512i b0 = load(b[0] + (i)), b1 = load(b[1] + (i));                            \
        const __m512i b2 = load(b[2] + (i)), b3 = load(b[3] + (i));                            \
        __m512i as = _mm512_xor_si512(load(a[0] + (i)), flip);                                 \
        s00 = dpbusd(s00, b0, as), s01 = dpbusd(s01, b1, as);        \
        s02 = dpbusd(s02, b2, as), s03 = dpbusd(s03, b3, as);        \
        as = _mm512_xor_si512(load(a[1] + (i)), flip);                                         \
        s10 = dpbusd(s10, b0, as), s11 = dpbusd(s11, b1, as);        \
        s12 = dpbusd(s12, b2, as), s13 = dpbusd(s13, b3, as);        \
        as = _mm512_xor_si512(load(a[2] + (i)), flip);                                         \
        s20 = dpbusd(s20, b0, as), s21 = dpbusd(s21, b1, as);        \
        s22 = dpbusd(s22, b2, as), s23 = dpbusd(s23, b3, as);        \
        as = _mm512_xor_si512(load(a[3] + (i)), flip);                                         \
        s30 = dpbusd(s30, b0, as), s31 = dpbusd(s31, b1, as);        \
        s32 = dpbusd(s32, b2, as), s33 = dpbusd(s33, b3, as);        \
    } while (0)
#define LOAD_FULL(p) _mm512_loadu_si512(p)
#define LOAD_MASKED(p) _mm512_maskz_loadu_epi8(mask, p)

/* Rows a[0..3] against columns b[0..3] over `depth` bytes, added into the
 * nr x nc corner of out (row stride ld); a[k] and b[k] past nr, nc repeat
 * the last one and are computed, then dropped. 16 accumulators, 4 + 1
 * registers of bytes and the flip: 22 of the 32 zmm registers, and 16
 * vpdpbusd per 8 loads. vpdpbusd multiplies unsigned bytes (b) by signed
 * ones, so a is shifted by -128 (xor 0x80) here and 128 sum_b was put into
 * out first. Each 32-bit lane of an accumulator adds depth / 16 products,
 * each in [-128 * 255, 127 * 255]: at most 2048 / 16 * 32640 < 2^23 in
 * size, and the block's sum of 16 lanes at most 2048 * 32640 < 2^27. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void tile4x4_vnni(const uint8_t *const a[4], const uint8_t *const b[4], size_t depth,
                         int32_t *out, size_t ld, size_t nr, size_t nc) {
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i s00 = _mm512_setzero_si512(), s01 = s00, s02 = s00, s03 = s00;
    __m512i s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00;
    __m512i s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
    size_t i = 0;
    for (; i + 64 <= depth; i += 64)
        TILE_STEP(LOAD_FULL, i);
    if (i < depth) {
        /* b's bytes past the end load as 0, so their products vanish
         * whatever a holds there */
        const __mmask64 mask = ((__mmask64)1 << (depth - i)) - 1;
        TILE_STEP(LOAD_MASKED, i);
    }
    /* in[k] = s_{IN_LANE[k]}, the accumulators numbered 4 r + c */
    const __m512i in[16] = {s00, s02, s01, s03, s20, s22, s21, s23,
                            s10, s12, s11, s13, s30, s32, s31, s33};
    __m512i sums = sum16(in); /* lane 4 r + c: row r, column c */
    if (nr == 4 && nc == 4) {
        __m128i *o0 = (__m128i *)out, *o1 = (__m128i *)(out + ld);
        __m128i *o2 = (__m128i *)(out + 2 * ld), *o3 = (__m128i *)(out + 3 * ld);
        _mm_storeu_si128(o0, _mm_add_epi32(_mm_loadu_si128(o0), _mm512_extracti32x4_epi32(sums, 0)));
        _mm_storeu_si128(o1, _mm_add_epi32(_mm_loadu_si128(o1), _mm512_extracti32x4_epi32(sums, 1)));
        _mm_storeu_si128(o2, _mm_add_epi32(_mm_loadu_si128(o2), _mm512_extracti32x4_epi32(sums, 2)));
        _mm_storeu_si128(o3, _mm_add_epi32(_mm_loadu_si128(o3), _mm512_extracti32x4_epi32(sums, 3)));
        return;
    }
    int32_t s[16];
    _mm512_storeu_si512(s, sums);
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++)
            out[r * ld + c] += s[4 * r + c];
}
#undef TILE_STEP
#undef LOAD_FULL
#undef LOAD_MASKED

/* Whole rows and columns first put 128 sum_b in out (128 * 255 n, below
 * n 255^2); then each depth block adds sum b (a - 128) over its bytes.
 * After the blocks up to byte d an entry holds sum_{i<d} a_i b_i +
 * 128 sum_{i>=d} b_i, every term in [0, 255^2]: from 0 to n 255^2 at
 * every step, so no int32 add wraps. At the largest n allowed, 33025,
 * that is 2147450625 < 2^31 = 2147483648, and sum b (a - 128) over all of
 * n stays within n 128 255 = 1.08e9 in size. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void cross_u8_vnni(const uint8_t *A, size_t rows, const uint8_t *B, const int64_t *sum_b,
                          size_t cols, size_t n, int32_t *out, size_t ld) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            out[r * ld + c] = (int32_t)(128 * sum_b[c]);
    for (size_t d0 = 0; d0 < n; d0 += CROSS_DEPTH) {
        size_t depth = n - d0 < CROSS_DEPTH ? n - d0 : CROSS_DEPTH;
        for (size_t r = 0; r < rows; r += 4) {
            size_t nr = rows - r < 4 ? rows - r : 4;
            const uint8_t *a[4];
            for (size_t k = 0; k < 4; k++)
                a[k] = A + (r + (k < nr ? k : nr - 1)) * n + d0;
            for (size_t c = 0; c < cols; c += 4) {
                size_t nc = cols - c < 4 ? cols - c : 4;
                const uint8_t *b[4];
                for (size_t k = 0; k < 4; k++)
                    b[k] = B + (c + (k < nc ? k : nc - 1)) * n + d0;
                tile4x4_vnni(a, b, depth, out + r * ld + c, ld, nr, nc);
            }
        }
    }
}
#endif

#ifdef CATLR_X86
/* AVX2 without VNNI (Haswell to Zen 3, and Intel's client CPUs): bytes
 * widened to 16 bits (vpmovzxbw) and multiplied in pairs into 32-bit lanes
 * (vpmaddwd: 16 products an instruction, each pair sum at most 2 * 255^2;
 * the bytes are below 2^15, so reading them as signed words is exact).
 * Every term is >= 0 and the whole entry fits in int32 by the caller's
 * bound on n, so no lane or partial sum wraps. Rows a[0..2] against
 * columns b[0..2] over `depth` bytes, added into the nr x nc corner of out
 * (a[k], b[k] past nr, nc repeat the last one, as in tile4x4_vnni). Nine
 * accumulators and 3 + 1 registers of words: 13 of the 16 ymm registers
 * (a 4 x 3 tile, all 16, made GCC spill). */
__attribute__((target("avx2")))
static void tile3x3_avx2(const uint8_t *const a[3], const uint8_t *const b[3], size_t depth,
                         int32_t *out, size_t ld, size_t nr, size_t nc) {
    /* named accumulators: an array of them went through the stack */
    __m256i s00 = _mm256_setzero_si256(), s01 = s00, s02 = s00, s10 = s00, s11 = s00;
    __m256i s12 = s00, s20 = s00, s21 = s00, s22 = s00;
    const uint8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *b0 = b[0], *b1 = b[1], *b2 = b[2];
#define WORDS(p) _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(p)))
#define ROW(sr0, sr1, sr2, ar)                                                                 \
    do {                                                                                       \
        const __m256i aw = WORDS(ar + i);                                                      \
        sr0 = _mm256_add_epi32(sr0, _mm256_madd_epi16(aw, bw0));                               \
        sr1 = _mm256_add_epi32(sr1, _mm256_madd_epi16(aw, bw1));                               \
        sr2 = _mm256_add_epi32(sr2, _mm256_madd_epi16(aw, bw2));                               \
    } while (0)
    size_t i = 0;
    for (; i + 16 <= depth; i += 16) {
        const __m256i bw0 = WORDS(b0 + i), bw1 = WORDS(b1 + i), bw2 = WORDS(b2 + i);
        ROW(s00, s01, s02, a0);
        ROW(s10, s11, s12, a1);
        ROW(s20, s21, s22, a2);
    }
#undef ROW
#undef WORDS
    const __m256i sums[9] = {s00, s01, s02, s10, s11, s12, s20, s21, s22};
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            int32_t lane[8];
            _mm256_storeu_si256((__m256i *)lane, sums[3 * r + c]);
            int32_t t = 0;
            for (size_t l = 0; l < 8; l++)
                t += lane[l];
            for (size_t k = i; k < depth; k++)
                t += (int32_t)a[r][k] * b[c][k];
            out[r * ld + c] += t;
        }
}

/* The blocks and the order of cross_u8_vnni, on 3 x 3 tiles, from zero. */
__attribute__((target("avx2")))
static void cross_u8_avx2(const uint8_t *A, size_t rows, const uint8_t *B, size_t cols, size_t n,
                          int32_t *out, size_t ld) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            out[r * ld + c] = 0;
    for (size_t d0 = 0; d0 < n; d0 += CROSS_DEPTH) {
        const size_t depth = n - d0 < CROSS_DEPTH ? n - d0 : CROSS_DEPTH;
        for (size_t r = 0; r < rows; r += 3) {
            const size_t nr = rows - r < 3 ? rows - r : 3;
            const uint8_t *a[3];
            for (size_t k = 0; k < 3; k++)
                a[k] = A + (r + (k < nr ? k : nr - 1)) * n + d0;
            for (size_t c = 0; c < cols; c += 3) {
                const size_t nc = cols - c < 3 ? cols - c : 3;
                const uint8_t *b[3];
                for (size_t k = 0; k < 3; k++)
                    b[k] = B + (c + (k < nc ? k : nc - 1)) * n + d0;
                tile3x3_avx2(a, b, depth, out + r * ld + c, ld, nr, nc);
            }
        }
    }
}
#endif

/* 1 where this CPU has AVX2 (and the build its x86 versions). */
static int has_avx2(void) {
#ifdef CATLR_X86
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

int catlr_kernel_cross_u8_avx2(const uint8_t *A, size_t rows, const uint8_t *B, size_t cols,
                               size_t n, int32_t *out, size_t ld) {
    if (!has_avx2())
        return 0;
#ifdef CATLR_X86
    cross_u8_avx2(A, rows, B, cols, n, out, ld);
#else
    (void)A, (void)rows, (void)B, (void)cols, (void)n, (void)out, (void)ld;
#endif
    return 1;
}

void catlr_kernel_cross_u8(const uint8_t *A, size_t rows, const uint8_t *B, const int64_t *sum_b,
                           size_t cols, size_t n, int32_t *out, size_t ld) {
#ifdef CATLR_X86
    if (catlr_kernel_vnni()) {
        cross_u8_vnni(A, rows, B, sum_b, cols, n, out, ld);
        return;
    }
#endif
    (void)sum_b; /* only the VNNI version shifts a byte */
    if (!catlr_kernel_cross_u8_avx2(A, rows, B, cols, n, out, ld))
        catlr_kernel_cross_u8_portable(A, rows, B, cols, n, out, ld);
}
