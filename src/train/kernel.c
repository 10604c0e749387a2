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

#include "kernel.h"

/* CATLR_KERNEL_PORTABLE builds the portable versions only: the test
 * kernel_portable checks them on CPUs that would otherwise run AVX-512. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(CATLR_KERNEL_PORTABLE)
#define CATLR_X86 1
#include <immintrin.h>
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
// Portable versions: the definition of every result.

static double dot_f32_u8_portable(const float *w, const uint8_t *x, size_t n) {
    double s[LANES] = {0};
    for (size_t i = 0; i < n; i++)
        s[i % LANES] += (double)w[i] * x[i];
    return combine(s);
}

static double dot_f64_portable(const double *a, const double *b, size_t n) {
    double s[LANES] = {0};
    for (size_t i = 0; i < n; i++)
        s[i % LANES] += a[i] * b[i];
    return combine(s);
}

/* fma(): w holds any double while training, so w[i] x[i] is not exact,
 * and the AVX-512 loop fuses it into the add; a rounded product here would
 * give other bits (glibc's fma() is the hardware instruction where the CPU
 * has one). */
static double dot_wide_u8_portable(const double *w, const uint8_t *x, size_t n) {
    double s[LANES] = {0};
    for (size_t i = 0; i < n; i++)
        s[i % LANES] = fma(w[i], x[i], s[i % LANES]);
    return combine(s);
}

static void axpyk_u8_portable(double *y, const double *s, const uint8_t *x, size_t stride,
                              size_t k, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < k; r++)
            y[i] += s[r] * x[r * stride + i];
}

static double dot_i32_f64_portable(const int32_t *k, const double *b, size_t n) {
    double s[LANES] = {0};
    for (size_t i = 0; i < n; i++)
        s[i % LANES] += (double)k[i] * b[i];
    return combine(s);
}

static void axpy_u8_portable(double *y, double s, const uint8_t *x, size_t n) {
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

/* combine() on the 32 lanes held in four registers of 8 (lanes 8k..8k+7
 * in acc[k]), without leaving the registers: lane k + 16 (acc[2], acc[3]),
 * then k + 8 (acc[1]), then k + 4, k + 2, k + 1 within one register. */
__attribute__((target("avx512f")))
static double combine_avx512(const __m512d acc[4]) {
    __m512d s = _mm512_add_pd(_mm512_add_pd(acc[0], acc[2]), _mm512_add_pd(acc[1], acc[3]));
    __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(s), _mm512_extractf64x4_pd(s, 1));
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
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
    return combine_avx512(acc);
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
    return combine_avx512(acc);
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
        out[r] = combine_avx512(acc[r]);
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
// target_clones builds an AVX2 and a baseline copy and the loader picks one
// for the CPU. (The Gram matrix goes through dots4_vnni where the CPU has
// AVX-512 VNNI; this covers the rest.)

/* 32768 * 255^2 < 2^31: a block's sum fits in int32, the vectoriser's
 * widest cheap accumulator. */
enum { U8_BLOCK = 32768 };

#if defined(CATLR_X86) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
int64_t catlr_kernel_dot_u8(const uint8_t *a, const uint8_t *b, size_t n) {
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

int64_t catlr_kernel_sum_u8(const uint8_t *x, size_t n) {
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
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
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) {
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
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) {
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
