/* plot.h: pictures of training as PNG files: cost curves on a chart, and the
 * weights shown as the 64x64 colour picture they are.
 *
 * The drawing is done by cairo (anti-aliased lines, real text). catlr does
 * not link cairo: each function that draws loads the cairo shared library
 * found at build time, and fails with CATLR_ERR_UNSUPPORTED, naming it,
 * when it cannot be loaded. catlr can be built without it (CMake option
 * CATLR_WITH_CAIRO=OFF, or cairo not found); then catlr_plot_supported() is
 * 0 and the functions that draw fail with CATLR_ERR_UNSUPPORTED. The colour
 * map below needs no library. */
#ifndef CATLR_PLOT_H
#define CATLR_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catlr/catlr.h"
#include "catlr/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default) /* exported: see catlr.h */

/* 1 when catlr was built with cairo, else 0. */
int catlr_plot_supported(void);

// ----------------------------------------------------------------------------
// Cost curves.

/* One line of a chart: y[i] is drawn at x = i (the iteration). */
typedef struct catlr_plot_series {
    const char *label; /* legend text, e.g. "train, lr = 0.005" */
    const double *y;   /* (n) finite values */
    size_t n;          /* >= 1 */
    size_t colour;     /* index into a fixed palette of 8 colours (mod 8),
                          so a run's train and test curves can share one */
    int dashed;        /* 1: dashed line (the test set's curve), 2: dotted
                          (the validation set's), 0: solid */
} catlr_plot_series;

typedef struct catlr_plot_chart {
    const char *title;   /* above the plot */
    const char *x_label; /* under the x axis */
    const char *y_label; /* beside the y axis */
    const catlr_plot_series *series;
    size_t n_series;     /* 1 .. CATLR_PLOT_MAX_SERIES */
    int width, height;   /* pixels, at least 320 x 240 */
} catlr_plot_chart;

#define CATLR_PLOT_MAX_SERIES 64
#define CATLR_PLOT_MAX_PANELS 4

/* Why the chart cannot be drawn, or NULL when it can. */
const char *catlr_plot_check(const catlr_plot_chart *chart);

/* 1 when the chart's y axis is logarithmic: every value is above 0 and the
 * largest is more than 100 times the smallest (a learning rate far too large
 * beside good ones), where a linear axis would flatten all but one curve.
 * chart passes catlr_plot_check. */
int catlr_plot_log_scale(const catlr_plot_chart *chart);

/* Draw the chart as an RGB PNG on fp (opened by the caller, "wb"); name is
 * what err reports as the path. Axes from 0 to the longest series and from
 * a rounded bound below the lowest value to one above the highest, ticks at
 * 1, 2 or 5 times a power of ten (whole decades on a log axis, whose label
 * then says "(log scale)"), the legend in the corner where it hides the
 * fewest points of the curves (upper right on a tie).
 * Fails with CATLR_ERR_ARG (catlr_plot_check), CATLR_ERR_IO (writing),
 * CATLR_ERR_NOMEM, CATLR_ERR_UNSUPPORTED. */
catlr_status catlr_plot_curves_stream(const catlr_plot_chart *chart, FILE *fp,
                                      const char *name, catlr_error *err);

/* Several charts (1 .. CATLR_PLOT_MAX_PANELS, each passing
 * catlr_plot_check) stacked top to bottom in one PNG as wide as the widest
 * and as tall as all of them together (at most 8192 pixels), each drawn as
 * catlr_plot_curves_stream draws it alone: costs above accuracies, say.
 * Fails as catlr_plot_curves_stream does. */
catlr_status catlr_plot_panels_stream(const catlr_plot_chart *charts, size_t n_charts,
                                      FILE *fp, const char *name, catlr_error *err);

/* The same into the file at path, which is replaced; the write and the
 * close are both checked, and on failure a regular file at path is removed
 * rather than left half-written. */
catlr_status catlr_plot_curves(const catlr_plot_chart *chart, const char *path,
                               catlr_error *err);

// ----------------------------------------------------------------------------
// Weights.

/* The diverging colour map of the weights picture: t in [-1, 1] (clamped)
 * to sRGB. -1 is a deep blue, 0 white, +1 a deep red, passing through light
 * tints, so that the sign reads as the hue and the size as the depth. */
void catlr_plot_diverging(double t, uint8_t rgb[3]);

/* Largest |w| of the model's weights, the value drawn at full depth. */
double catlr_plot_weights_scale(const catlr_model *model);

/* The panels of the weights picture, 8-bit interleaved RGB, each
 * (height, width, 3) of the model's geometry: panel c < channels is channel c
 * through the diverging map, w / scale; panel `channels` (the combined view)
 * has channel c = 128 + 127 * w / scale, so zero is grey and the picture
 * shows the colour each pixel pushes towards the positive class.
 * rgb: (height*width*3) bytes, written. scale > 0 (catlr_plot_weights_scale,
 * or 1 for an all-zero model). */
void catlr_plot_weights_panel(const catlr_model *model, size_t panel, double scale,
                              uint8_t *rgb);

/* The weights picture: one panel per channel plus the combined view, side by
 * side, each scaled up `zoom` times without smoothing (so each weight stays
 * a sharp square), with titles and a colour bar; written as an RGB PNG to
 * path. zoom 1 .. 16. Fails with CATLR_ERR_ARG (zoom, a model that is not
 * 3 channels), CATLR_ERR_IO, CATLR_ERR_NOMEM, CATLR_ERR_UNSUPPORTED; on
 * failure a regular file at path is removed rather than left half-written. */
catlr_status catlr_plot_weights(const catlr_model *model, int zoom, const char *path,
                                catlr_error *err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* CATLR_PLOT_H */
