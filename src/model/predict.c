/* predict.c: probabilities, labels and accuracy of a model on pixels. */
#include "catlr/predict.h"
#include "train/core.h"
#include "base/internal.h"

catlr_status catlr_predict_check(const catlr_model *model, const char *path,
                                 catlr_error *err) {
    CATLR_ASSERT(model != NULL);
    if (model->height == CATLR_HEIGHT && model->width == CATLR_WIDTH &&
        model->channels == CATLR_CHANNELS)
        return CATLR_OK;
    return catlr_fail(err, CATLR_ERR_SHAPE, path,
                      "model is for %lux%lux%lu images, catlr reads %dx%dx%d",
                      (unsigned long)model->height, (unsigned long)model->width,
                      (unsigned long)model->channels, CATLR_HEIGHT, CATLR_WIDTH,
                      CATLR_CHANNELS);
}

void catlr_predict_proba(const catlr_model *model, const uint8_t *X, size_t m,
                         double *p) {
    CATLR_ASSERT(model != NULL && model->w != NULL && X != NULL && p != NULL);
    catlr_core_forward(X, catlr_model_n_x(model), m, model->w, model->b, p);
    for (size_t j = 0; j < m; j++)
        p[j] = catlr_core_sigmoid(p[j]);
}

int catlr_predict_label(double p) {
    return catlr_predict_label_at(p, CATLR_THRESHOLD);
}

int catlr_predict_label_at(double p, double threshold) {
    return p > threshold;
}

/* Examples are scored in chunks so that no buffer of m doubles is needed. */
enum { CHUNK = 64 };

double catlr_predict_accuracy(const catlr_model *model, const uint8_t *X,
                              const uint8_t *y, size_t m) {
    CATLR_ASSERT(model != NULL && X != NULL && y != NULL && m >= 1);
    const size_t n_x = catlr_model_n_x(model);
    size_t wrong = 0;
    for (size_t j0 = 0; j0 < m; j0 += CHUNK) {
        size_t count = m - j0 < CHUNK ? m - j0 : CHUNK;
        double p[CHUNK];
        catlr_predict_proba(model, X + j0 * n_x, count, p);
        for (size_t j = 0; j < count; j++)
            wrong += catlr_predict_label(p[j]) != y[j0 + j];
    }
    return catlr_accuracy_percent(wrong, m);
}
