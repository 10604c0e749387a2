/* lanes_avx512.h: kernel.h's fixed tree that combines the
 * CATLR_KERNEL_LANES = 32 partial sums of a dot product, on lanes held in
 * four AVX-512 registers of 8 (lanes 8k .. 8k+7 in acc[k]). kernel.c and
 * gram_kernel.c both call it, so their sums are added in the one order
 * their portable code defines. x86-64 only. Internal to the library. */
#ifndef CATLR_LANES_AVX512_H
#define CATLR_LANES_AVX512_H

#include <immintrin.h>

/* combine() without leaving the registers: lane k + 16 (acc[2], acc[3]),
 * then k + 8 (acc[1]), then k + 4, k + 2, k + 1 within one register. */
__attribute__((target("avx512f")))
static inline double catlr_lanes_combine_avx512(const __m512d acc[4]) {
    __m512d s = _mm512_add_pd(_mm512_add_pd(acc[0], acc[2]), _mm512_add_pd(acc[1], acc[3]));
    __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(s), _mm512_extractf64x4_pd(s, 1));
    __m128d q = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    return _mm_cvtsd_f64(_mm_add_sd(q, _mm_unpackhi_pd(q, q)));
}

#endif /* CATLR_LANES_AVX512_H */
