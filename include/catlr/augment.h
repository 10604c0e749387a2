/* augment.h: more training images from the ones there are.
 *
 * The horizontal mirror of a picture of a cat is a picture of a cat, so
 * adding every training image's mirror doubles m with examples the model
 * should classify alike (catlr train --augment flip). Images are feature
 * vectors in image.h's layout: channel-planar, each plane row by row, so a
 * mirror reverses each row of each plane. Pure functions: no I/O, no
 * allocation; the caller brings the buffers. */
#ifndef CATLR_AUGMENT_H
#define CATLR_AUGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* out = px mirrored left to right:
 *   out[c*height*width + row*width + (width-1-col)] = px[c*height*width + row*width + col].
 * px, out: (channels, height, width) uint8, not overlapping. */
void catlr_augment_flip(const uint8_t *px, size_t height, size_t width, size_t channels,
                        uint8_t *out);

/* The training set with its mirrors: X_out's first m columns are X's, in
 * order, and the next m their mirrors, in the same order; y_out is y twice.
 * Originals first, so that the first m examples are the folder's own.
 * shape: {height, width, channels} of each example;
 * X: (n_x, m) uint8, example j at X + j*n_x, n_x = height*width*channels;
 * y: (m); X_out: (n_x, 2m), y_out: (2m), written, not overlapping X, y. */
void catlr_augment_flip_set(const uint8_t *X, const uint8_t *y, size_t m, const size_t shape[3],
                            uint8_t *X_out, uint8_t *y_out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_AUGMENT_H */
