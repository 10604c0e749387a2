/* plot_weights.c: the pixels of the weights picture: a diverging colour map and
 * the panels it fills. No drawing library; plot.c lays the panels out. */
#include <math.h>

#include "catlr/plot.h"
#include "base/internal.h"

/* Five stops of ColorBrewer's RdBu (reversed so that negative is blue), in
 * sRGB. Interpolating the sRGB bytes rather than linear light keeps the
 * middle tints as light as they look in the printed scheme. */
static const uint8_t STOPS[5][3] = {
    {33, 102, 172},  /* -1 */
    {146, 197, 222}, /* -0.5 */
    {247, 247, 247}, /* 0 */
    {244, 165, 130}, /* +0.5 */
    {178, 24, 43},   /* +1 */
};

void catlr_plot_diverging(double t, uint8_t rgb[3]) {
    if (!(t >= -1.0)) /* also NaN */
        t = -1.0;
    if (t > 1.0)
        t = 1.0;
    double u = (t + 1.0) * 2.0; /* 0 .. 4 across the stops */
    int k = (int)u;
    if (k > 3)
        k = 3;
    double f = u - k;
    for (int c = 0; c < 3; c++)
        rgb[c] = (uint8_t)lround(STOPS[k][c] + f * (STOPS[k + 1][c] - STOPS[k][c]));
}

double catlr_plot_weights_scale(const catlr_model *model) {
    CATLR_ASSERT(model != NULL && model->w != NULL);
    double scale = 0;
    size_t n = catlr_model_n_x(model);
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs((double)model->w[i]));
    return scale;
}

void catlr_plot_weights_panel(const catlr_model *model, size_t panel, double scale,
                              uint8_t *rgb) {
    CATLR_ASSERT(model != NULL && model->w != NULL && rgb != NULL && scale > 0 &&
                 panel <= model->channels);
    const size_t plane = (size_t)model->height * model->width;
    const float *w = model->w; /* channel-planar: w[c*plane + pixel] */
    for (size_t i = 0; i < plane; i++) {
        uint8_t *px = rgb + 3 * i;
        if (panel < model->channels) {
            catlr_plot_diverging(w[panel * plane + i] / scale, px);
            continue;
        }
        for (size_t c = 0; c < 3; c++) {
            /* a 1- or 2-channel model shows its last channel in the rest */
            size_t ch = c < model->channels ? c : model->channels - 1;
            double v = 128.0 + 127.0 * w[ch * plane + i] / scale;
            px[c] = (uint8_t)lround(fmin(fmax(v, 0.0), 255.0));
        }
    }
}
