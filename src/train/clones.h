/* clones.h: CATLR_CLONES marks a portable loop that GCC should build twice
 * on x86-64, once for x86-64-v3 (AVX2 and FMA: every x86-64 CPU since
 * Haswell and Zen 1, most of which lack AVX-512) and once for the
 * baseline, the loader picking one for the CPU (an ifunc). Without it the
 * portable loops run 2 doubles a register (SSE2), and a CPU without
 * AVX-512 trained the course 30 times slower than one with it.
 *
 * Both copies give the same bits: the loops fix their order of additions
 * by hand (lanes, then a fixed tree), the files that use this are built
 * with -ffp-contract=off (no multiply fused into an add that the source
 * does not fuse), and fma() rounds once on every CPU; so a vectoriser may
 * only run the lanes side by side. Clang and non-x86 builds get the
 * baseline copy alone. Internal to the library. */
#ifndef CATLR_CLONES_H
#define CATLR_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define CATLR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CATLR_CLONES
#endif

#endif
