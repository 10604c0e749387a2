/* plot.c: cost-curve charts and the weights picture, drawn with cairo and
 * written as PNG. The only file that includes <cairo.h>, and it loads cairo
 * only to draw (see "The cairo library" below); built without cairo, the
 * drawing functions say so with CATLR_ERR_UNSUPPORTED. */
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/plot.h"
#include "base/dl.h"
#include "base/internal.h"

#ifndef CATLR_HAVE_CAIRO
#define CATLR_HAVE_CAIRO 0 /* set to 1 by the build when cairo is found */
#endif
#if CATLR_HAVE_CAIRO
#include <dlfcn.h>
#include <cairo.h>
#endif

#define CATLR_PLOT_STR_(x) #x
#define CATLR_PLOT_STR(x) CATLR_PLOT_STR_(x)

int catlr_plot_supported(void) {
    return CATLR_HAVE_CAIRO;
}

const char *catlr_plot_check(const catlr_plot_chart *chart) {
    CATLR_ASSERT(chart != NULL);
    if (chart->n_series < 1 || chart->n_series > CATLR_PLOT_MAX_SERIES)
        return "a chart holds 1 to " CATLR_PLOT_STR(CATLR_PLOT_MAX_SERIES) " series";
    if (chart->width < 320 || chart->height < 240 || chart->width > 8192 ||
        chart->height > 8192)
        return "a chart is 320x240 to 8192x8192 pixels";
    for (size_t s = 0; s < chart->n_series; s++) {
        const catlr_plot_series *se = &chart->series[s];
        if (se->n < 1 || se->y == NULL)
            return "a series needs at least one value";
        for (size_t i = 0; i < se->n; i++)
            if (!isfinite(se->y[i]))
                return "a series value is not finite";
    }
    return NULL;
}

int catlr_plot_log_scale(const catlr_plot_chart *chart) {
    CATLR_ASSERT(chart != NULL);
    double lo = INFINITY, hi = 0;
    for (size_t s = 0; s < chart->n_series; s++) {
        for (size_t i = 0; i < chart->series[s].n; i++) {
            lo = fmin(lo, chart->series[s].y[i]);
            hi = fmax(hi, chart->series[s].y[i]);
        }
    }
    return lo > 0 && hi > 100 * lo;
}

catlr_status catlr_plot_curves(const catlr_plot_chart *chart, const char *path,
                               catlr_error *err) {
    CATLR_ASSERT(chart != NULL && path != NULL);
    if (!catlr_plot_supported())
        return catlr_plot_curves_stream(chart, NULL, path, err);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    catlr_status st = catlr_plot_curves_stream(chart, fp, path, err);
    return catlr_close_output(fp, path, st, err);
}

#if !CATLR_HAVE_CAIRO

/* Named by the picture that cannot be drawn, as the JPEG and HDF5 readers
 * name their file: "catlr: cost.png: catlr was built without cairo; ...". */
static catlr_status unsupported(const char *name, catlr_error *err) {
    return catlr_fail(err, CATLR_ERR_UNSUPPORTED, name,
                      "catlr was built without cairo; rebuild with libcairo2-dev installed");
}

catlr_status catlr_plot_curves_stream(const catlr_plot_chart *chart, FILE *fp,
                                      const char *name, catlr_error *err) {
    (void)chart, (void)fp;
    return unsupported(name, err);
}

catlr_status catlr_plot_panels_stream(const catlr_plot_chart *charts, size_t n_charts,
                                      FILE *fp, const char *name, catlr_error *err) {
    (void)charts, (void)n_charts, (void)fp;
    return unsupported(name, err);
}

catlr_status catlr_plot_weights(const catlr_model *model, int zoom, const char *path,
                                catlr_error *err) {
    (void)model, (void)zoom;
    return unsupported(path, err);
}

#else

// ----------------------------------------------------------------------------
// The cairo library, loaded for one picture.

/* catlr does not link cairo: with its X11, xcb, fontconfig, freetype and
 * pixman it was most of the libraries every command loaded at start, for
 * the two that draw. Each picture dlopens the library found at build time
 * (CATLR_CAIRO_LIBRARY, its SONAME) and calls it through these pointers;
 * <cairo.h> still gives every type and prototype. RTLD_NODELETE: cairo and
 * fontconfig keep process-wide caches (fonts, font faces) in their static
 * data, which must stay mapped, and loaded, for the next picture. */
#define CAIRO_FUNCTIONS(X)                                                     \
    X(create) X(destroy) X(status) X(status_to_string) X(save) X(restore)       \
    X(translate) X(scale) X(rotate) X(move_to) X(line_to) X(rectangle)          \
    X(stroke) X(fill) X(fill_preserve) X(paint) X(clip) X(set_source_rgb)       \
    X(set_source_rgba) X(set_source_surface) X(get_source) X(set_line_width)    \
    X(set_line_join) X(set_dash) X(pattern_set_filter) X(select_font_face)      \
    X(set_font_size) X(text_extents) X(show_text) X(image_surface_create)       \
    X(image_surface_get_data) X(image_surface_get_stride) X(surface_status)     \
    X(surface_flush) X(surface_mark_dirty) X(surface_destroy)                   \
    X(surface_write_to_png_stream)

/* Every function above, cairo_NAME as member NAME of its own type. */
typedef struct cairo_library {
    void *handle; /* from dlopen */
#define CAIRO_MEMBER(f) __typeof__(cairo_##f) *f;
    CAIRO_FUNCTIONS(CAIRO_MEMBER)
#undef CAIRO_MEMBER
} cairo_library;

static void close_cairo(cairo_library *c) {
    if (c->handle != NULL)
        dlclose(c->handle);
    memset(c, 0, sizeof *c);
}

/* dlopen cairo into *c and look up every function. Fails with
 * CATLR_ERR_UNSUPPORTED naming the library and dlerror's reason under
 * name, *c closed. */
static catlr_status open_cairo(cairo_library *c, const char *name, catlr_error *err) {
    static const char LIBRARY[] = CATLR_CAIRO_LIBRARY;
    memset(c, 0, sizeof *c);
    catlr_status st = catlr_dl_open(LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE, "cairo",
                                    &c->handle, name, err);
#define CAIRO_LOOK_UP(f)                                                       \
    if (st == CATLR_OK)                                                        \
        st = catlr_dl_function(c->handle, LIBRARY,                             \
                               &(catlr_dl_symbol){"cairo_" #f, &c->f, sizeof c->f}, name, err);
    CAIRO_FUNCTIONS(CAIRO_LOOK_UP)
#undef CAIRO_LOOK_UP
    if (st != CATLR_OK)
        close_cairo(c);
    return st;
}

// ----------------------------------------------------------------------------
// Shared by both pictures: text, and the PNG on a stream.

static const char FONT[] = "sans-serif";

/* Text with its left edge, centre or right edge (align 0, 0.5, 1) at x and
 * its baseline at y. */
static void text_at(const cairo_library *c, cairo_t *cr, const char *s, double x, double y,
                    double align) {
    cairo_text_extents_t e;
    c->text_extents(cr, s, &e);
    c->move_to(cr, x - align * e.x_advance, y);
    c->show_text(cr, s);
}

static cairo_status_t write_stream(void *closure, const unsigned char *data,
                                   unsigned int length) {
    FILE *fp = closure;
    return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS
                                                  : CAIRO_STATUS_WRITE_ERROR;
}

/* The finished drawing as a PNG on fp, checked down to the flush; frees
 * the surface and the context either way. */
static catlr_status finish(const cairo_library *c, cairo_surface_t *surface, cairo_t *cr,
                           FILE *fp, const char *name, catlr_error *err) {
    cairo_status_t cs = c->status(cr);
    c->destroy(cr);
    catlr_status st = CATLR_OK;
    if (cs == CAIRO_STATUS_SUCCESS) {
        errno = 0;
        cs = c->surface_write_to_png_stream(surface, write_stream, fp);
        if (cs == CAIRO_STATUS_SUCCESS && fflush(fp) != 0)
            cs = CAIRO_STATUS_WRITE_ERROR;
    }
    if (cs == CAIRO_STATUS_WRITE_ERROR)
        st = catlr_fail(err, CATLR_ERR_IO, name, "%s",
                        errno != 0 ? strerror(errno) : "write error");
    else if (cs == CAIRO_STATUS_NO_MEMORY)
        st = catlr_fail(err, CATLR_ERR_NOMEM, name, "out of memory while drawing");
    else if (cs != CAIRO_STATUS_SUCCESS)
        st = catlr_fail(err, CATLR_ERR_IO, name, "cairo: %s", c->status_to_string(cs));
    c->surface_destroy(surface);
    return st;
}

/* A white canvas of w x h pixels and a context on it (check with
 * cairo_status; finish() frees both). */
static cairo_t *canvas(const cairo_library *c, int w, int h, cairo_surface_t **surface) {
    *surface = c->image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = c->create(*surface);
    c->set_source_rgb(cr, 1, 1, 1);
    c->paint(cr);
    c->select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    return cr;
}

// ----------------------------------------------------------------------------
// Cost curves.

/* Tableau 10's first eight colours: distinct in hue and readable on white. */
static const double PALETTE[8][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173},
    {0.839, 0.153, 0.157}, {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294},
    {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
};

/* An axis over lo .. hi widened outward to the ticks around them, with
 * ticks every step, 1, 2 or 5 times a power of ten, about `target` in all. */
typedef struct axis {
    double lo, hi, step;
    int decimals; /* for the tick labels */
} axis;

static axis nice_axis(double lo, double hi, int target) {
    /* A flat curve, or one flat but for rounding (a tiny rate: costs a few
     * ulps apart), gets a small range opened around it. Ticks a step of a
     * few ulps apart would be one double, and the tick loop would never
     * get past it. */
    if (!(hi - lo > 1e-9 * fmax(fabs(lo), fabs(hi)))) {
        double mid = lo + (hi - lo) / 2;
        double pad = fabs(mid) > 0 ? fabs(mid) * 0.05 : 1.0;
        lo = mid - pad;
        hi = mid + pad;
    }
    double raw = (hi - lo) / target;
    double p = pow(10.0, floor(log10(raw)));
    double f = raw / p;
    double step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
    axis a = {floor(lo / step + 1e-9) * step, ceil(hi / step - 1e-9) * step, step, 0};
    int d = (int)-floor(log10(step) + 1e-9);
    a.decimals = d > 0 ? d : 0;
    return a;
}

/* The plot area inside the canvas, in pixels. */
typedef struct frame {
    double left, top, right, bottom;
    axis x, y;  /* y in log10 units when log_y */
    int log_y;
} frame;

static double frame_x(const frame *f, double v) {
    return f->left + (v - f->x.lo) / (f->x.hi - f->x.lo) * (f->right - f->left);
}

/* v in the y axis' units (log10 of the value on a log axis). */
static double frame_y_axis(const frame *f, double v) {
    return f->bottom - (v - f->y.lo) / (f->y.hi - f->y.lo) * (f->bottom - f->top);
}

/* A value of a series. */
static double frame_y(const frame *f, double value) {
    return frame_y_axis(f, f->log_y ? log10(value) : value);
}

static frame make_frame(const catlr_plot_chart *chart) {
    double y_lo = INFINITY, y_hi = -INFINITY;
    size_t n = 1;
    for (size_t s = 0; s < chart->n_series; s++) {
        const catlr_plot_series *se = &chart->series[s];
        n = se->n > n ? se->n : n;
        for (size_t i = 0; i < se->n; i++) {
            y_lo = fmin(y_lo, se->y[i]);
            y_hi = fmax(y_hi, se->y[i]);
        }
    }
    frame f;
    f.left = 84;
    f.top = 52;
    f.right = chart->width - 24;
    f.bottom = chart->height - 60;
    /* outward to a tick: 2000 iterations (0 .. 1999) end at the 2000 tick */
    f.x = nice_axis(0, n > 1 ? (double)(n - 1) : 1.0, 8);
    f.log_y = catlr_plot_log_scale(chart);
    if (f.log_y) { /* whole decades, a tick at each */
        axis decades = {floor(log10(y_lo)), ceil(log10(y_hi)), 1, 0};
        if (decades.hi <= decades.lo)
            decades.hi = decades.lo + 1;
        f.y = decades;
    } else {
        f.y = nice_axis(y_lo, y_hi, 6);
    }
    return f;
}

/* Grid, ticks, tick labels, axes, axis labels and title. */
static void draw_axes(const cairo_library *c, cairo_t *cr, const frame *f,
                      const catlr_plot_chart *chart) {
    char label[64];
    c->set_font_size(cr, 13);
    c->set_line_width(cr, 1);
    /* the axes start on a tick; ceil keeps one that rounding put a hair below */
    for (int axis_k = 0; axis_k < 2; axis_k++) {
        const axis *a = axis_k == 0 ? &f->x : &f->y;
        double first = ceil(a->lo / a->step - 1e-9) * a->step;
        for (double v = first; v <= a->hi + a->step * 1e-6; v += a->step) {
            double x = axis_k == 0 ? frame_x(f, v) : f->left;
            double y = axis_k == 0 ? f->bottom : frame_y_axis(f, v);
            c->set_source_rgb(cr, 0.9, 0.9, 0.9); /* grid */
            if (axis_k == 0) {
                c->move_to(cr, round(x) + 0.5, f->top);
                c->line_to(cr, round(x) + 0.5, f->bottom);
            } else {
                c->move_to(cr, f->left, round(y) + 0.5);
                c->line_to(cr, f->right, round(y) + 0.5);
            }
            c->stroke(cr);
            c->set_source_rgb(cr, 0.2, 0.2, 0.2); /* tick and its label */
            if (axis_k == 1 && f->log_y)
                snprintf(label, sizeof label, "%g", pow(10.0, v));
            else
                snprintf(label, sizeof label, "%.*f", a->decimals,
                         fabs(v) < a->step * 1e-9 ? 0 : v);
            if (axis_k == 0) {
                c->move_to(cr, round(x) + 0.5, f->bottom);
                c->line_to(cr, round(x) + 0.5, f->bottom + 5);
                c->stroke(cr);
                text_at(c, cr, label, x, f->bottom + 20, 0.5);
            } else {
                c->move_to(cr, f->left - 5, round(y) + 0.5);
                c->line_to(cr, f->left, round(y) + 0.5);
                c->stroke(cr);
                text_at(c, cr, label, f->left - 8, y + 4.5, 1.0);
            }
        }
    }
    c->set_source_rgb(cr, 0.2, 0.2, 0.2);
    c->rectangle(cr, f->left + 0.5, f->top + 0.5, f->right - f->left - 1,
                    f->bottom - f->top - 1);
    c->stroke(cr);
    c->set_source_rgb(cr, 0, 0, 0);
    c->set_font_size(cr, 14);
    text_at(c, cr, chart->x_label ? chart->x_label : "", (f->left + f->right) / 2,
            chart->height - 18, 0.5);
    c->save(cr);
    c->translate(cr, 22, (f->top + f->bottom) / 2);
    c->rotate(cr, -1.5707963267948966); /* a quarter turn left */
    char y_label[128];
    snprintf(y_label, sizeof y_label, "%s%s", chart->y_label ? chart->y_label : "",
             f->log_y ? " (log scale)" : "");
    text_at(c, cr, y_label, 0, 0, 0.5);
    c->restore(cr);
    c->select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    c->set_font_size(cr, 17);
    text_at(c, cr, chart->title ? chart->title : "", (f->left + f->right) / 2, 32, 0.5);
    c->select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
}

static void set_series_style(const cairo_library *c, cairo_t *cr, const catlr_plot_series *se) {
    const double *rgb = PALETTE[se->colour % 8];
    c->set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    c->set_line_width(cr, 2);
    const double dash[2] = {7, 4}, dot[2] = {2, 3};
    c->set_dash(cr, se->dashed == 2 ? dot : dash, se->dashed ? 2 : 0, 0);
}

static void draw_series(const cairo_library *c, cairo_t *cr, const frame *f,
                        const catlr_plot_series *se) {
    c->save(cr);
    c->rectangle(cr, f->left, f->top, f->right - f->left, f->bottom - f->top);
    c->clip(cr);
    set_series_style(c, cr, se);
    c->set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < se->n; i++)
        c->line_to(cr, frame_x(f, (double)i), frame_y(f, se->y[i]));
    if (se->n == 1) /* a single value: a short mark, not nothing */
        c->line_to(cr, frame_x(f, 0) + 4, frame_y(f, se->y[0]));
    c->stroke(cr);
    c->restore(cr);
}

/* How many of the curves' points fall inside the w x h box at (x, y). */
static size_t points_inside(const frame *f, const catlr_plot_chart *chart, double x, double y,
                            double w, double h) {
    size_t n = 0;
    for (size_t s = 0; s < chart->n_series; s++) {
        const catlr_plot_series *se = &chart->series[s];
        for (size_t i = 0; i < se->n; i++) {
            double px = frame_x(f, (double)i), py = frame_y(f, se->y[i]);
            n += px >= x && px <= x + w && py >= y && py <= y + h;
        }
    }
    return n;
}

/* The corner of the plot area whose box hides the fewest points of the
 * curves: upper right unless that covers more than another corner. */
static void legend_place(const frame *f, const catlr_plot_chart *chart, double w, double h,
                         double *x, double *y) {
    const double xs[2] = {f->right - w - 10, f->left + 10};
    const double ys[2] = {f->top + 10, f->bottom - h - 10};
    size_t best = SIZE_MAX;
    *x = xs[0];
    *y = ys[0];
    for (int k = 0; k < 4; k++) {
        /* upper right, lower right, upper left, lower left */
        double cx = xs[k / 2], cy = ys[k % 2];
        size_t n = points_inside(f, chart, cx, cy, w, h);
        if (n < best) {
            best = n;
            *x = cx;
            *y = cy;
        }
    }
}

/* A white box in a corner with a line sample and the label of every
 * series. */
static void draw_legend(const cairo_library *c, cairo_t *cr, const frame *f,
                        const catlr_plot_chart *chart) {
    c->set_font_size(cr, 13);
    double text_w = 0;
    for (size_t s = 0; s < chart->n_series; s++) {
        cairo_text_extents_t e;
        c->text_extents(cr, chart->series[s].label ? chart->series[s].label : "", &e);
        text_w = fmax(text_w, e.x_advance);
    }
    const double row = 20, sample = 32, pad = 10;
    double w = pad + sample + 8 + text_w + pad, h = pad + row * chart->n_series + pad - 6;
    double x, y;
    legend_place(f, chart, w, h, &x, &y);
    c->rectangle(cr, x + 0.5, y + 0.5, w, h);
    c->set_source_rgba(cr, 1, 1, 1, 0.9);
    c->fill_preserve(cr);
    c->set_source_rgb(cr, 0.7, 0.7, 0.7);
    c->set_line_width(cr, 1);
    c->stroke(cr);
    for (size_t s = 0; s < chart->n_series; s++) {
        const catlr_plot_series *se = &chart->series[s];
        double cy = y + pad + row * s + 7;
        set_series_style(c, cr, se);
        c->move_to(cr, x + pad, cy);
        c->line_to(cr, x + pad + sample, cy);
        c->stroke(cr);
        c->set_dash(cr, NULL, 0, 0);
        c->set_source_rgb(cr, 0, 0, 0);
        text_at(c, cr, se->label ? se->label : "", x + pad + sample + 8, cy + 4.5, 0);
    }
}

catlr_status catlr_plot_curves_stream(const catlr_plot_chart *chart, FILE *fp,
                                      const char *name, catlr_error *err) {
    return catlr_plot_panels_stream(chart, 1, fp, name, err);
}

/* The canvas that holds the charts one above the other: the widest
 * chart's width, their heights added up. */
static void picture_size(const catlr_plot_chart *charts, size_t n_charts, int *width,
                         int *height) {
    *width = *height = 0;
    for (size_t k = 0; k < n_charts; k++) {
        *width = charts[k].width > *width ? charts[k].width : *width;
        *height += charts[k].height;
    }
}

/* The charts, checked, one above the other, as a PNG on fp. */
static catlr_status draw_charts(const cairo_library *c, const catlr_plot_chart *charts,
                                size_t n_charts, FILE *fp, const char *name, catlr_error *err) {
    int width, height;
    picture_size(charts, n_charts, &width, &height);
    cairo_surface_t *surface;
    cairo_t *cr = canvas(c, width, height, &surface);
    double top = 0;
    for (size_t k = 0; k < n_charts; k++) {
        /* each chart in its own coordinates, its top left at (0, top) */
        const catlr_plot_chart *chart = &charts[k];
        c->save(cr);
        c->translate(cr, 0, top);
        frame f = make_frame(chart);
        draw_axes(c, cr, &f, chart);
        for (size_t s = 0; s < chart->n_series; s++)
            draw_series(c, cr, &f, &chart->series[s]);
        draw_legend(c, cr, &f, chart);
        c->restore(cr);
        top += chart->height;
    }
    return finish(c, surface, cr, fp, name, err);
}

catlr_status catlr_plot_panels_stream(const catlr_plot_chart *charts, size_t n_charts,
                                      FILE *fp, const char *name, catlr_error *err) {
    CATLR_ASSERT(charts != NULL && fp != NULL);
    if (n_charts < 1 || n_charts > CATLR_PLOT_MAX_PANELS)
        return catlr_fail(err, CATLR_ERR_ARG, name, "a picture holds 1 to %d charts",
                          CATLR_PLOT_MAX_PANELS);
    for (size_t k = 0; k < n_charts; k++) {
        const char *why = catlr_plot_check(&charts[k]);
        if (why != NULL)
            return catlr_fail(err, CATLR_ERR_ARG, name, "%s", why);
    }
    int width, height;
    picture_size(charts, n_charts, &width, &height);
    if (height > 8192)
        return catlr_fail(err, CATLR_ERR_ARG, name, "the charts are taller than 8192 pixels");
    cairo_library cairo;
    catlr_status st = open_cairo(&cairo, name, err);
    if (st == CATLR_OK)
        st = draw_charts(&cairo, charts, n_charts, fp, name, err);
    close_cairo(&cairo);
    return st;
}

// ----------------------------------------------------------------------------
// The weights picture.

/* Panel p's pixels as a cairo surface of the model's geometry. */
static cairo_surface_t *panel_surface(const cairo_library *c, const catlr_model *model, size_t p,
                                      double scale, uint8_t *rgb) {
    int w = (int)model->width, h = (int)model->height;
    cairo_surface_t *s = c->image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (c->surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    catlr_plot_weights_panel(model, p, scale, rgb);
    c->surface_flush(s);
    unsigned char *data = c->image_surface_get_data(s);
    int stride = c->image_surface_get_stride(s);
    for (int r = 0; r < h; r++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)r * stride);
        for (int col = 0; col < w; col++) {
            const uint8_t *px = rgb + 3 * ((size_t)r * w + col);
            row[col] = (uint32_t)px[0] << 16 | (uint32_t)px[1] << 8 | px[2];
        }
    }
    c->surface_mark_dirty(s);
    return s;
}

/* The colour bar under the channel panels: the map from -scale to +scale
 * with its three values written below. */
static void draw_colour_bar(const cairo_library *c, cairo_t *cr, double x, double y, double w,
                            double scale) {
    const double h = 14;
    for (int i = 0; i < (int)w; i++) {
        uint8_t rgb[3];
        catlr_plot_diverging(2.0 * (i + 0.5) / w - 1.0, rgb);
        c->set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
        c->rectangle(cr, x + i, y, 1, h);
        c->fill(cr);
    }
    c->set_source_rgb(cr, 0.3, 0.3, 0.3);
    c->set_line_width(cr, 1);
    c->rectangle(cr, x + 0.5, y + 0.5, floor(w) - 1, h - 1);
    c->stroke(cr);
    char label[64];
    c->set_source_rgb(cr, 0, 0, 0);
    c->set_font_size(cr, 13);
    snprintf(label, sizeof label, "%.3g", -scale);
    text_at(c, cr, label, x, y + h + 16, 0);
    text_at(c, cr, "0", x + w / 2, y + h + 16, 0.5);
    snprintf(label, sizeof label, "+%.3g", scale);
    text_at(c, cr, label, x + w, y + h + 16, 1);
}

/* Where the weights picture's panels go: each weight zoom pixels square,
 * the first panel's top-left corner at (left, top), gap pixels between. */
typedef struct panel_layout {
    double zoom, left, top, gap;
} panel_layout;

static void draw_panels(const cairo_library *c, cairo_t *cr, const catlr_model *model,
                        cairo_surface_t **panels, const panel_layout *at) {
    const double zoom = at->zoom, left = at->left, top = at->top, gap = at->gap;
    static const char *const NAMES[4] = {"red", "green", "blue", "combined (grey = 0)"};
    double side = model->width * zoom;
    c->set_font_size(cr, 14);
    for (size_t p = 0; p < 4; p++) {
        double x = left + p * (side + gap);
        c->set_source_rgb(cr, 0, 0, 0);
        text_at(c, cr, NAMES[p], x + side / 2, top - 8, 0.5);
        c->save(cr);
        c->translate(cr, x, top);
        c->scale(cr, zoom, zoom);
        c->set_source_surface(cr, panels[p], 0, 0);
        /* nearest neighbour: each weight a sharp square, no blur */
        c->pattern_set_filter(c->get_source(cr), CAIRO_FILTER_NEAREST);
        c->paint(cr);
        c->restore(cr);
        c->set_source_rgb(cr, 0.3, 0.3, 0.3);
        c->set_line_width(cr, 1);
        c->rectangle(cr, x - 0.5, top - 0.5, side + 1, model->height * zoom + 1);
        c->stroke(cr);
    }
}

/* The weights picture of a checked model and zoom into the file at path. */
static catlr_status draw_weights(const cairo_library *c, const catlr_model *model, int zoom,
                                 const char *path, catlr_error *err) {
    uint8_t *rgb = malloc((size_t)model->width * model->height * 3);
    if (rgb == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    double scale = catlr_plot_weights_scale(model);
    double map_scale = scale > 0 ? scale : 1.0; /* an all-zero model is all white */
    cairo_surface_t *panels[4];
    for (size_t p = 0; p < 4; p++)
        panels[p] = panel_surface(c, model, p, map_scale, rgb);
    free(rgb);

    const double gap = 24, margin = 24, side_w = model->width * (double)zoom;
    const double top = 76, side_h = model->height * (double)zoom;
    int width = (int)(2 * margin + 4 * side_w + 3 * gap);
    int height = (int)(top + side_h + 70);
    if (width < 480)
        width = 480;
    cairo_surface_t *surface;
    cairo_t *cr = canvas(c, width, height, &surface);
    c->select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    c->set_font_size(cr, 17);
    c->set_source_rgb(cr, 0, 0, 0);
    char title[2 * CATLR_CLASS_NAME_MAX + 80];
    snprintf(title, sizeof title, "Weights of the classifier: red pushes towards '%s'",
             model->class_names[model->positive]);
    text_at(c, cr, title, width / 2.0, 30, 0.5);
    c->select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    const panel_layout layout = {.zoom = zoom, .left = margin, .top = top, .gap = gap};
    draw_panels(c, cr, model, panels, &layout);
    draw_colour_bar(c, cr, margin, top + side_h + 14, 3 * side_w + 2 * gap, scale);
    for (size_t p = 0; p < 4; p++)
        c->surface_destroy(panels[p]);

    FILE *fp = fopen(path, "wb");
    if (fp == NULL) {
        c->destroy(cr);
        c->surface_destroy(surface);
        return catlr_fail(err, CATLR_ERR_IO, path, "%s", strerror(errno));
    }
    catlr_status st = finish(c, surface, cr, fp, path, err);
    return catlr_close_output(fp, path, st, err);
}

catlr_status catlr_plot_weights(const catlr_model *model, int zoom, const char *path,
                                catlr_error *err) {
    CATLR_ASSERT(model != NULL && model->w != NULL && path != NULL);
    if (zoom < 1 || zoom > 16)
        return catlr_fail(err, CATLR_ERR_ARG, path, "zoom must be 1 to 16, got %d", zoom);
    if (model->channels != 3 || model->width > 1024 || model->height > 1024)
        return catlr_fail(err, CATLR_ERR_ARG, path,
                          "the weights picture needs a 3-channel model of at most 1024x1024");
    cairo_library cairo;
    catlr_status st = open_cairo(&cairo, path, err);
    if (st == CATLR_OK)
        st = draw_weights(&cairo, model, zoom, path, err);
    close_cairo(&cairo);
    return st;
}

#endif /* CATLR_HAVE_CAIRO */
