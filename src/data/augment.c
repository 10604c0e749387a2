/* augment.c: horizontal mirrors of training images (augment.h). */
#include <string.h>

#include "catlr/augment.h"
#include "base/internal.h"

void catlr_augment_flip(const uint8_t *px, size_t height, size_t width, size_t channels,
                        uint8_t *out) {
    CATLR_ASSERT(px != NULL && out != NULL);
    /* every row of every plane is a run of width bytes: reverse each */
    const size_t rows = channels * height;
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *src = px + r * width;
        uint8_t *dst = out + r * width;
        for (size_t col = 0; col < width; col++)
            dst[width - 1 - col] = src[col];
    }
}

void catlr_augment_flip_set(const uint8_t *X, const uint8_t *y, size_t m, const size_t shape[3],
                            uint8_t *X_out, uint8_t *y_out) {
    CATLR_ASSERT((X != NULL && y != NULL && X_out != NULL && y_out != NULL) || m == 0);
    const size_t height = shape[0], width = shape[1], channels = shape[2];
    const size_t n_x = height * width * channels;
    if (m == 0)
        return;
    memcpy(X_out, X, m * n_x);
    for (size_t j = 0; j < m; j++)
        catlr_augment_flip(X + j * n_x, height, width, channels, X_out + (m + j) * n_x);
    memcpy(y_out, y, m);
    memcpy(y_out + m, y, m);
}
