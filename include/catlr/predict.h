/* predict.h: apply a trained model to pixels.
 *
 * The same forward pass the trainer uses, followed by the sigmoid:
 * a picture gets the same probability here as it had during training. */
#ifndef CATLR_PREDICT_H
#define CATLR_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "catlr/catlr.h"
#include "catlr/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* A probability above this is the positive class (label 1). */
#define CATLR_THRESHOLD 0.5

/* CATLR_OK when the model takes the images image.h produces (64x64x3),
 * else CATLR_ERR_SHAPE with path (may be NULL) and the model's geometry. */
catlr_status catlr_predict_check(const catlr_model *model, const char *path,
                                 catlr_error *err);

/* p[j] = sigmoid(w^T x_j / 255 + b), the probability of the positive
 * class. X: (n_x, m) uint8, n_x = catlr_model_n_x(model); p: (m), written. */
void catlr_predict_proba(const catlr_model *model, const uint8_t *X, size_t m,
                         double *p);

/* 1 (positive) when p > CATLR_THRESHOLD, else 0. */
int catlr_predict_label(double p);

/* 1 (positive) when p > threshold, else 0: a model's own threshold
 * (catlr_model.threshold) or one the user gives, in [0, 1]. At 0 every
 * p above 0 is positive; at 1 nothing is. */
int catlr_predict_label_at(double p, double threshold);

/* Percentage of the m examples whose label the model gets right, computed
 * as the course does: 100 - mean(|prediction - y|) * 100. m >= 1. */
double catlr_predict_accuracy(const catlr_model *model, const uint8_t *X,
                              const uint8_t *y, size_t m);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_PREDICT_H */
