/* clones.h: CATLR_CLONES marks a portable loop that the compiler builds
 * twice on x86-64, once for x86-64-v3 (AVX2 and FMA: every x86-64 CPU
 * since Haswell and Zen 1, most of which lack AVX-512) and once for the
 * baseline, the loader picking one for the CPU (an ifunc; GCC and Clang
 * both make them). The baseline copy runs 2 doubles a register (SSE2); on
 * a Zen 3 without AVX-512 the AVX2 copies (with cross_u8_avx2) took the
 * course's training from 129 ms to 47 ms.
 *
 * Both copies give the same bits: the loops fix their order of additions
 * by hand (lanes, then a fixed tree), the files that use this are built
 * with -ffp-contract=off (no multiply fused into an add that the source
 * does not fuse), and fma() rounds once on every CPU; so a vectoriser may
 * only run the lanes side by side. Builds for other CPUs than x86-64 get
 * the baseline copy alone. Internal to the library. */
#ifndef CATLR_CLONES_H
#define CATLR_CLONES_H

#if defined(__GNUC__) && defined(__x86_64__)
#define CATLR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CATLR_CLONES
#endif

#endif
