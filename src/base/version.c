/* version.c: what this build of libcatlr holds of its optional parts, for a
 * program's --version. Versions are the ones the build found (pkg-config's,
 * passed in by CMake as CATLR_<NAME>_VERSION), except libpng's, which the
 * loaded library reports itself. Nothing here loads a library that is
 * loaded only when needed (libjpeg, HDF5, cairo): a --version must stay
 * quick. */
#include <png.h>
#include <stdio.h>

#include "catlr/catlr.h"
#include "train/kernel.h"

/* What a part the build may lack holds: "no", its version, or its version
 * and where it is loaded from when needed. */
static void optional(char *text, size_t size, int have, const char *version, const char *library) {
    if (!have)
        snprintf(text, size, "no");
    else if (library != NULL)
        snprintf(text, size, "%s, loaded when needed (%s)", version, library);
    else
        snprintf(text, size, "%s", version);
}

#ifdef CATLR_HAVE_JPEG
#define JPEG_HAVE 1
#define JPEG_VERSION CATLR_JPEG_VERSION
#else
#define JPEG_HAVE 0
#define JPEG_VERSION ""
#endif
#ifdef CATLR_JPEG_LIBRARY
#define JPEG_LIBRARY CATLR_JPEG_LIBRARY
#else
#define JPEG_LIBRARY NULL
#endif

#ifdef CATLR_HAVE_HDF5
#define HDF5_HAVE 1
#define HDF5_VERSION CATLR_HDF5_VERSION
#else
#define HDF5_HAVE 0
#define HDF5_VERSION ""
#endif
#ifdef CATLR_HDF5_LIBRARY
#define HDF5_LIBRARY CATLR_HDF5_LIBRARY
#else
#define HDF5_LIBRARY NULL
#endif

#ifdef CATLR_HAVE_CAIRO
#define CAIRO_HAVE 1
#define CAIRO_VERSION_TEXT CATLR_CAIRO_VERSION
#else
#define CAIRO_HAVE 0
#define CAIRO_VERSION_TEXT ""
#endif
#ifdef CATLR_CAIRO_LIBRARY
#define CAIRO_LIBRARY CATLR_CAIRO_LIBRARY
#else
#define CAIRO_LIBRARY NULL
#endif

/* The OpenMP version of the compiler's _OPENMP date. */
static void openmp(char *text, size_t size) {
#ifdef _OPENMP
    static const struct {
        long date;
        const char *version;
    } VERSIONS[] = {{202111, "5.2"}, {202011, "5.1"}, {201811, "5.0"}, {201511, "4.5"},
                    {201307, "4.0"}, {201107, "3.1"}, {200805, "3.0"}};
    for (size_t k = 0; k < sizeof VERSIONS / sizeof VERSIONS[0]; k++) {
        if ((long)_OPENMP >= VERSIONS[k].date) {
            snprintf(text, size, "%s", VERSIONS[k].version);
            return;
        }
    }
    snprintf(text, size, "yes (%ld)", (long)_OPENMP);
#else
    snprintf(text, size, "no");
#endif
}

/* The kernels catlr_kernel_* run on this CPU. */
static void simd(char *text, size_t size) {
    int vnni = 0, avx2 = 0;
#if defined(__GNUC__) && defined(__x86_64__)
    vnni = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw");
    /* the portable kernels' x86-64-v3 copies (src/train/clones.h) */
    avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    if (!catlr_kernel_simd()) {
        snprintf(text, size, avx2 ? "AVX2 (the portable kernels built for x86-64-v3)"
                                  : "portable (no AVX-512 or AVX2 on this CPU)");
        return;
    }
    snprintf(text, size, vnni ? "AVX-512 (F, DQ; VNNI for the Gram matrix)" : "AVX-512 (F, DQ)");
}

const char *catlr_part_describe(catlr_part part, char *text, size_t size) {
    switch (part) {
    case CATLR_PART_LIBPNG:
        snprintf(text, size, "%s", png_get_libpng_ver(NULL));
        return "libpng";
    case CATLR_PART_LIBJPEG:
        optional(text, size, JPEG_HAVE, JPEG_VERSION, JPEG_LIBRARY);
        return "libjpeg";
    case CATLR_PART_HDF5:
        optional(text, size, HDF5_HAVE, HDF5_VERSION, HDF5_LIBRARY);
        return "HDF5";
    case CATLR_PART_CAIRO:
        optional(text, size, CAIRO_HAVE, CAIRO_VERSION_TEXT, CAIRO_LIBRARY);
        return "cairo";
    case CATLR_PART_OPENMP:
        openmp(text, size);
        return "OpenMP";
    case CATLR_PART_SIMD:
        simd(text, size);
        return "SIMD kernels";
    }
    snprintf(text, size, "unknown part");
    return "unknown";
}
