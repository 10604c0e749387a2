/* sigmoid.c: the logistic function and its exponential, portable, AVX-512
 * and AVX2 (sigmoid.h says why the exponential is our own). The portable
 * code is the definition; the AVX-512 and AVX2 code make the same
 * operations in the same order on 8 and 4 values at once, so all give the
 * same bits. The
 * file is built with -ffp-contract=off: no multiply is fused into an add.
 * Which version runs is asked of the CPU at each call, as in kernel.c. */
#include <math.h>
#include <string.h>

#include "sigmoid.h"

/* CATLR_SIGMOID_PORTABLE builds the portable version only: the test
 * sigmoid_portable checks it on CPUs that would otherwise run AVX-512. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(CATLR_SIGMOID_PORTABLE)
#define CATLR_X86 1
#include <immintrin.h>
#endif

/* 2^(j/16) rounded to double (TABLE) and its relative rounding error
 * (2^(j/16) - TABLE[j]) / TABLE[j] (TAIL), from 60-digit decimal
 * arithmetic. */
static const double TABLE[16] = {
    0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
    0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
    0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
    0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0,
};
static const double TAIL[16] = {
    0x0.0p+0,                0x1.79aa65d837b6dp-54,  -0x1.01b15eaa59348p-55, 0x1.68efde3a8a894p-54,
    0x1.34d754db0abb6p-55,   0x1.59f48a72a4c6dp-55,  0x1.690cebb7aafb0p-56,  0x1.063e1e21c5409p-54,
    -0x1.3b3efbf5e2228p-54,  -0x1.b32dcb94da51dp-56, 0x1.db72fc1f0eab4p-55,  0x1.1affc2b91ce27p-56,
    0x1.c1a7792cb3387p-55,   0x1.36eae30af0cb3p-56,  0x1.4a385a63d07a7p-56,  -0x1.ff7128fd391f0p-55,
};

/* 16 / ln 2, and ln 2 / 16 in two parts: HI keeps ln 2's first 37
 * significant bits, so k HI is exact for |k| < 2^16; LO is the rest. */
static const double INV_LN2_16 = 0x1.71547652b82fep+4;
static const double LN2_16_HI = 0x1.62e42fefa0000p-5;
static const double LN2_16_LO = 0x1.cf79abc9e3b3ap-44;
/* 1.5 * 2^52: t + SHIFT rounds t to an integer, which then stands in the
 * low bits of the sum (for |t| < 2^51). */
static const double SHIFT = 0x1.8p52;
/* Below this e^x rounds to 0 (e^-745.2 is under half the smallest
 * subnormal); clamping there keeps k, and both scale factors, in range. */
static const double LOWEST = -746.0;
/* 1/n! for n = 2 .. 7, rounded */
static const double C2 = 0.5, C3 = 0x1.5555555555555p-3, C4 = 0x1.5555555555555p-5,
                    C5 = 0x1.1111111111111p-7, C6 = 0x1.6c16c16c16c17p-10,
                    C7 = 0x1.a01a01a01a01ap-13;

static uint64_t bits_of(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double double_of(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

// ----------------------------------------------------------------------------
// Portable: the definition.

double catlr_exp_negabs(double z) {
    if (isnan(z))
        return z;
    double x = -fabs(z);
    x = x < LOWEST ? LOWEST : x;
    /* k = x 16/ln 2 rounded to an integer, read from the sum's low bits;
     * kd is k as a double */
    const double shifted = x * INV_LN2_16 + SHIFT;
    const int64_t k = (int64_t)(bits_of(shifted) - bits_of(SHIFT));
    const double kd = shifted - SHIFT;
    /* x = k ln2/16 + r, r = r_hi + r_lo: k HI is exact and nearly all of
     * x, so r_hi = x - k HI is exact; r_lo = -k LO (under 2^-29) */
    const double r_hi = x - kd * LN2_16_HI, r_lo = -(kd * LN2_16_LO);
    const double r = r_hi + r_lo;
    /* k = 16 e + j, 0 <= j < 16; 2^e as two powers of two of about half
     * the exponent each, both normal numbers (e >= -1077) */
    const size_t j = (size_t)((uint64_t)k & 15u);
    const int64_t e = (k - (int64_t)j) / 16;
    const int64_t e1 = (e - (int64_t)((uint64_t)e & 1u)) / 2, e2 = e - e1;
    const double s1 = double_of((uint64_t)(1023 + e1) << 52);
    const double s2 = double_of((uint64_t)(1023 + e2) << 52);
    /* p = exp(r) - 1 plus the table's tail, the small terms added first
     * and r_hi last, so that only that addition rounds at r's size (up to
     * ln2/32); then 2^(j/16) (1 + p), whose last addition gives the half
     * unit of the error (at most 0.548 units in the last place over
     * 2 x 10^7 arguments against expl; glibc's exp: 0.507) */
    const double r2 = r * r, r4 = r2 * r2;
    const double small = r2 * (C2 + r * C3) + r4 * ((C4 + r * C5) + r2 * (C6 + r * C7));
    const double p = r_hi + (r_lo + (TAIL[j] + small));
    const double y = TABLE[j] + TABLE[j] * p;
    /* exact while the result is normal; below 2^-1022 the second product
     * rounds to a subnormal */
    return (y * s1) * s2;
}

/* top = e where z's sign bit is set, else 1, by a mask on the bits (GCC
 * turns a ?: or a comparison on z into a branch, and the signs of a
 * training set's z follow no pattern a branch predictor could learn). At
 * z = -0 that is e = 1, as z >= 0 would have it. */
double catlr_sigmoid(double z) {
    const double e = catlr_exp_negabs(z);
    const uint64_t neg = 0 - (bits_of(z) >> 63);
    const double top = double_of((bits_of(e) & neg) | (bits_of(1.0) & ~neg));
    return top / (1.0 + e);
}

static void dz_portable(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                        double *dz) {
    for (size_t j = 0; j < m; j++) {
        double d = catlr_sigmoid(z[j]) - y[j];
        if (class_weight != NULL)
            d *= class_weight[y[j] != 0];
        dz[j] = d;
    }
}

// ----------------------------------------------------------------------------
// AVX-512: 8 examples a register.

#ifdef CATLR_X86
__attribute__((target("avx512f")))
static inline __m512d exp_negabs8(__m512d z) {
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    __m512d x = _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(z), sign));
    /* a NaN gives LOWEST here (max returns its second operand) and z
     * back at the end */
    x = _mm512_max_pd(x, _mm512_set1_pd(LOWEST));
    const __m512d shift = _mm512_set1_pd(SHIFT);
    const __m512d shifted = _mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(INV_LN2_16)), shift);
    const __m512i k =
        _mm512_sub_epi64(_mm512_castpd_si512(shifted), _mm512_set1_epi64((long long)bits_of(SHIFT)));
    const __m512d kd = _mm512_sub_pd(shifted, shift);
    const __m512d r_hi = _mm512_sub_pd(x, _mm512_mul_pd(kd, _mm512_set1_pd(LN2_16_HI)));
    const __m512d r_lo = _mm512_castsi512_pd(_mm512_xor_si512(
        _mm512_castpd_si512(_mm512_mul_pd(kd, _mm512_set1_pd(LN2_16_LO))), sign)); /* -(k LO) */
    const __m512d r = _mm512_add_pd(r_hi, r_lo);
    const __m512i j = _mm512_and_si512(k, _mm512_set1_epi64(15));
    const __m512i e = _mm512_srai_epi64(k, 4); /* (k - j) / 16 */
    const __m512i e1 = _mm512_srai_epi64(e, 1), e2 = _mm512_sub_epi64(e, e1);
    const __m512i bias = _mm512_set1_epi64(1023);
    const __m512d s1 = _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(e1, bias), 52));
    const __m512d s2 = _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(e2, bias), 52));
    /* the 16-entry tables, two registers each */
    const __m512d t = _mm512_permutex2var_pd(_mm512_loadu_pd(TABLE), j, _mm512_loadu_pd(TABLE + 8));
    const __m512d tail =
        _mm512_permutex2var_pd(_mm512_loadu_pd(TAIL), j, _mm512_loadu_pd(TAIL + 8));
    const __m512d r2 = _mm512_mul_pd(r, r), r4 = _mm512_mul_pd(r2, r2);
#define CATLR_POLY(a, b) _mm512_add_pd(_mm512_set1_pd(a), _mm512_mul_pd(r, _mm512_set1_pd(b)))
    const __m512d high =
        _mm512_add_pd(CATLR_POLY(C4, C5), _mm512_mul_pd(r2, CATLR_POLY(C6, C7)));
    const __m512d small =
        _mm512_add_pd(_mm512_mul_pd(r2, CATLR_POLY(C2, C3)), _mm512_mul_pd(r4, high));
#undef CATLR_POLY
    const __m512d p = _mm512_add_pd(r_hi, _mm512_add_pd(r_lo, _mm512_add_pd(tail, small)));
    const __m512d y = _mm512_add_pd(t, _mm512_mul_pd(t, p));
    const __m512d out = _mm512_mul_pd(_mm512_mul_pd(y, s1), s2);
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(z, z, _CMP_UNORD_Q), out, z);
}

/* dz of 8 examples: z at z, labels y (8 bytes), into dz. */
__attribute__((target("avx512f")))
static inline void dz8(const double *z, const uint8_t *y, const double *class_weight, double *dz) {
    const __m512d zv = _mm512_loadu_pd(z);
    const __m512d e = exp_negabs8(zv);
    const __m512d one = _mm512_set1_pd(1.0);
    const __mmask8 neg = _mm512_cmplt_epi64_mask(_mm512_castpd_si512(zv), _mm512_setzero_si512());
    const __m512d a = _mm512_div_pd(_mm512_mask_blend_pd(neg, one, e), _mm512_add_pd(one, e));
    const __m512d yd =
        _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)y)));
    __m512d d = _mm512_sub_pd(a, yd);
    if (class_weight != NULL) {
        const __mmask8 pos = _mm512_cmp_pd_mask(yd, _mm512_setzero_pd(), _CMP_NEQ_OQ);
        d = _mm512_mul_pd(d, _mm512_mask_blend_pd(pos, _mm512_set1_pd(class_weight[0]),
                                                  _mm512_set1_pd(class_weight[1])));
    }
    _mm512_storeu_pd(dz, d);
}

__attribute__((target("avx512f")))
static void dz_avx512(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                      double *dz) {
    size_t j = 0;
    for (; j + 8 <= m; j += 8)
        dz8(z + j, y + j, class_weight, dz + j);
    if (j < m) { /* the last 1..7 through a padded copy */
        double zt[8] = {0}, dt[8];
        uint8_t yt[8] = {0};
        memcpy(zt, z + j, (m - j) * sizeof *zt);
        memcpy(yt, y + j, m - j);
        dz8(zt, yt, class_weight, dt);
        memcpy(dz + j, dt, (m - j) * sizeof *dt);
    }
    _mm256_zeroupper();
}
#endif

// ----------------------------------------------------------------------------
// AVX2: 4 examples a register, for CPUs without AVX-512. The same
// operations as the portable code, but for two that AVX2 lacks: the
// 16-entry tables are read with a gather, and e = k / 16 (k < 0, an
// arithmetic shift AVX2 has no 64-bit form of) comes from logical shifts
// of k + BIAS, which is > 0 for every k (k >= 16 LOWEST / ln 2 > -17300)
// and a multiple of 32, so that (k + BIAS) >> 4 = e + BIAS/16 and
// (k + BIAS) >> 5 = floor(e / 2) + BIAS/32 = e1 + BIAS/32.

#ifdef CATLR_X86
enum { BIAS = 1 << 20 };

__attribute__((target("avx2")))
static inline __m256d exp_negabs4(__m256d z) {
    const __m256d sign = _mm256_castsi256_pd(_mm256_set1_epi64x((long long)0x8000000000000000ull));
    /* a NaN gives LOWEST here (max returns its second operand) and z
     * back at the end */
    const __m256d x = _mm256_max_pd(_mm256_or_pd(z, sign), _mm256_set1_pd(LOWEST));
    const __m256d shift = _mm256_set1_pd(SHIFT);
    const __m256d shifted = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(INV_LN2_16)), shift);
    const __m256i k = _mm256_sub_epi64(_mm256_castpd_si256(shifted),
                                       _mm256_set1_epi64x((long long)bits_of(SHIFT)));
    const __m256d kd = _mm256_sub_pd(shifted, shift);
    const __m256d r_hi = _mm256_sub_pd(x, _mm256_mul_pd(kd, _mm256_set1_pd(LN2_16_HI)));
    const __m256d r_lo = _mm256_xor_pd(_mm256_mul_pd(kd, _mm256_set1_pd(LN2_16_LO)), sign);
    const __m256d r = _mm256_add_pd(r_hi, r_lo);
    const __m256i j = _mm256_and_si256(k, _mm256_set1_epi64x(15));
    const __m256i kb = _mm256_add_epi64(k, _mm256_set1_epi64x(BIAS));
    const __m256i e = _mm256_srli_epi64(kb, 4), e1 = _mm256_srli_epi64(kb, 5); /* biased */
    const __m256i e2 = _mm256_sub_epi64(e, e1); /* e - e1 + BIAS/32 */
    const __m256i bias = _mm256_set1_epi64x(1023 - BIAS / 32);
    const __m256d s1 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(e1, bias), 52));
    const __m256d s2 = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(e2, bias), 52));
    const __m256d t = _mm256_i64gather_pd(TABLE, j, 8);
    const __m256d tail = _mm256_i64gather_pd(TAIL, j, 8);
    const __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2);
#define CATLR_POLY(a, b) _mm256_add_pd(_mm256_set1_pd(a), _mm256_mul_pd(r, _mm256_set1_pd(b)))
    const __m256d high =
        _mm256_add_pd(CATLR_POLY(C4, C5), _mm256_mul_pd(r2, CATLR_POLY(C6, C7)));
    const __m256d small =
        _mm256_add_pd(_mm256_mul_pd(r2, CATLR_POLY(C2, C3)), _mm256_mul_pd(r4, high));
#undef CATLR_POLY
    const __m256d p = _mm256_add_pd(r_hi, _mm256_add_pd(r_lo, _mm256_add_pd(tail, small)));
    const __m256d y = _mm256_add_pd(t, _mm256_mul_pd(t, p));
    const __m256d out = _mm256_mul_pd(_mm256_mul_pd(y, s1), s2);
    return _mm256_blendv_pd(out, z, _mm256_cmp_pd(z, z, _CMP_UNORD_Q));
}

/* dz of 4 examples: z at z, labels y (4 bytes), into dz. */
__attribute__((target("avx2")))
static inline void dz4(const double *z, const uint8_t *y, const double *class_weight, double *dz) {
    const __m256d zv = _mm256_loadu_pd(z);
    const __m256d e = exp_negabs4(zv);
    const __m256d one = _mm256_set1_pd(1.0);
    /* e where z's sign bit is set (blendv reads exactly that bit), else 1 */
    const __m256d a = _mm256_div_pd(_mm256_blendv_pd(one, e, zv), _mm256_add_pd(one, e));
    int32_t four;
    memcpy(&four, y, sizeof four);
    const __m256d yd = _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(four)));
    __m256d d = _mm256_sub_pd(a, yd);
    if (class_weight != NULL) {
        const __m256d pos = _mm256_cmp_pd(yd, _mm256_setzero_pd(), _CMP_NEQ_OQ);
        d = _mm256_mul_pd(d, _mm256_blendv_pd(_mm256_set1_pd(class_weight[0]),
                                              _mm256_set1_pd(class_weight[1]), pos));
    }
    _mm256_storeu_pd(dz, d);
}

__attribute__((target("avx2")))
static void dz_avx2(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                    double *dz) {
    size_t j = 0;
    for (; j + 4 <= m; j += 4)
        dz4(z + j, y + j, class_weight, dz + j);
    _mm256_zeroupper();
    /* the last 1..3 one at a time: the same bits */
    dz_portable(z + j, y + j, m - j, class_weight, dz + j);
}
#endif

int catlr_sigmoid_dz_avx2(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                          double *dz) {
#ifdef CATLR_X86
    if (__builtin_cpu_supports("avx2")) {
        dz_avx2(z, y, m, class_weight, dz);
        return 1;
    }
#endif
    (void)z, (void)y, (void)m, (void)class_weight, (void)dz;
    return 0;
}

void catlr_sigmoid_dz(const double *z, const uint8_t *y, size_t m, const double *class_weight,
                      double *dz) {
#ifdef CATLR_X86
    if (__builtin_cpu_supports("avx512f")) {
        dz_avx512(z, y, m, class_weight, dz);
        return;
    }
#endif
    if (!catlr_sigmoid_dz_avx2(z, y, m, class_weight, dz))
        dz_portable(z, y, m, class_weight, dz);
}
