/* test_plot.c: the colour map, the weights panels, and the charts and
 * pictures drawn with cairo, decoded back with libpng and looked at: their
 * size, that they are not blank, and colours where they must be. In a
 * build without cairo, that drawing fails with CATLR_ERR_UNSUPPORTED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sys/resource.h>
#include "catlr/plot.h"
#include "fixtures.h"
#include "test_util.h"

// ----------------------------------------------------------------------------
// Decoding what was drawn.

typedef struct picture {
    uint32_t width, height;
    uint8_t *rgb; /* (height, width, 3) */
} picture;

/* The PNG at path as 8-bit RGB; fails the test if it does not decode. */
static picture decode(const char *path) {
    picture pic;
    pic.rgb = fixture_read_rgb(path, &pic.width, &pic.height);
    assert_non_null(pic.rgb);
    return pic;
}

static const uint8_t *pixel(const picture *pic, uint32_t x, uint32_t y) {
    return pic->rgb + 3 * ((size_t)y * pic->width + x);
}

static size_t count_colour(const picture *pic, const uint8_t rgb[3], int tol) {
    return fixture_count_colour(pic->rgb, (size_t)pic->width * pic->height, rgb, tol);
}

static void assert_rgb(const uint8_t *got, int r, int g, int b) {
    if (got[0] != r || got[1] != g || got[2] != b)
        print_error("got (%d, %d, %d), want (%d, %d, %d)\n", got[0], got[1], got[2], r, g, b);
    assert_true(got[0] == r && got[1] == g && got[2] == b);
}

typedef struct fixtures {
    char *dir;
    char *png; /* where the tests draw */
} fixtures;

static int setup(void **state) {
    fixtures *fx = malloc(sizeof *fx);
    assert_non_null(fx);
    fx->dir = test_make_tempdir();
    fx->png = test_path(fx->dir, "out.png");
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->dir);
    free(fx->png);
    free(fx->dir);
    free(fx);
    return 0;
}

// ----------------------------------------------------------------------------
// The colour map and the panels (no cairo needed).

/* Ensure the map's ends and middle are its stops, it clamps outside
 * [-1, 1], takes NaN as -1, and halfway between two stops is their mean. */
static void test_diverging(void **state) {
    (void)state;
    uint8_t rgb[3];
    catlr_plot_diverging(0, rgb);
    assert_rgb(rgb, 247, 247, 247);
    catlr_plot_diverging(-1, rgb);
    assert_rgb(rgb, 33, 102, 172);
    catlr_plot_diverging(1, rgb);
    assert_rgb(rgb, 178, 24, 43);
    catlr_plot_diverging(7, rgb);
    assert_rgb(rgb, 178, 24, 43);
    catlr_plot_diverging(-7, rgb);
    assert_rgb(rgb, 33, 102, 172);
    catlr_plot_diverging(NAN, rgb);
    assert_rgb(rgb, 33, 102, 172);
    /* 0.75: halfway from (244,165,130) to (178,24,43) = (211, 94.5, 86.5),
     * rounded half away from zero */
    catlr_plot_diverging(0.75, rgb);
    assert_rgb(rgb, 211, 95, 87);
}

/* A 64x64x3 model with two weights set: w = +0.5 at red pixel 0 and -1 at
 * green pixel 1; the rest 0. */
static void two_weight_model(catlr_model *model) {
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "non-cat"}, .positive = 0};
    assert_int_equal(catlr_model_init(model, &shape, NULL), CATLR_OK);
    model->w[0] = 0.5f;
    model->w[4096 + 1] = -1.0f;
}

/* Ensure the scale is the largest |w| and each panel maps w / scale: the
 * red panel shows +0.5 as the +0.5 stop and zero as white; the combined
 * view shows channel c as 128 + 127 w_c / scale (192, 128, 128 for pixel 0;
 * 128, 1, 128 for pixel 1) and zero as grey. */
static void test_weights_panels(void **state) {
    (void)state;
    catlr_model model;
    two_weight_model(&model);
    double scale = catlr_plot_weights_scale(&model);
    assert_close(scale, 1.0, 0);
    uint8_t *rgb = malloc(64 * 64 * 3);
    assert_non_null(rgb);
    catlr_plot_weights_panel(&model, 0, scale, rgb);
    assert_rgb(rgb, 244, 165, 130);
    assert_rgb(rgb + 3, 247, 247, 247);
    catlr_plot_weights_panel(&model, 1, scale, rgb);
    assert_rgb(rgb, 247, 247, 247);
    assert_rgb(rgb + 3, 33, 102, 172);
    catlr_plot_weights_panel(&model, 3, scale, rgb);
    assert_rgb(rgb, 192, 128, 128);
    assert_rgb(rgb + 3, 128, 1, 128);
    assert_rgb(rgb + 3 * 4095, 128, 128, 128);
    free(rgb);
    catlr_model_free(&model);
}

/* Ensure catlr_plot_check names what is wrong with a chart. */
static void test_chart_check(void **state) {
    (void)state;
    const double y[3] = {0.7, 0.5, NAN};
    catlr_plot_series s = {"train", y, 2, 0, 0};
    catlr_plot_chart chart = {"t", "x", "y", &s, 1, 640, 400};
    assert_null(catlr_plot_check(&chart));
    chart.n_series = 0;
    assert_non_null(strstr(catlr_plot_check(&chart), "series"));
    chart.n_series = 1;
    chart.width = 100;
    assert_non_null(strstr(catlr_plot_check(&chart), "pixels"));
    chart.width = 640;
    s.n = 3;
    assert_non_null(strstr(catlr_plot_check(&chart), "not finite"));
    s.n = 0;
    assert_non_null(strstr(catlr_plot_check(&chart), "at least one"));
}

// ----------------------------------------------------------------------------
// Drawing.

/* A falling train curve and a test curve above it, 200 points each. */
typedef struct curves {
    double train[200], test[200];
    catlr_plot_series series[2];
    catlr_plot_chart chart;
} curves;

static void make_curves(curves *c) {
    for (int i = 0; i < 200; i++) {
        c->train[i] = 0.7 * exp(-i / 60.0) + 0.1;
        c->test[i] = c->train[i] + 0.05;
    }
    catlr_plot_series train = {"train, lr = 0.005", c->train, 200, 0, 0};
    catlr_plot_series test = {"test, lr = 0.005", c->test, 200, 0, 1};
    c->series[0] = train;
    c->series[1] = test;
    catlr_plot_chart chart = {"Cost during training", "iteration", "cost", c->series, 2,
                              640, 400};
    c->chart = chart;
}

/* Ensure a chart decodes back as a 640x400 PNG that is mostly white but
 * not blank: the first palette colour (31, 119, 180) of the curves covers
 * a few hundred pixels, dark pixels of the axes and text are there, and the
 * corner is background. Without cairo: CATLR_ERR_UNSUPPORTED, no file. */
static void test_curves_png(void **state) {
    fixtures *fx = *state;
    curves c;
    make_curves(&c);
    catlr_error err;
    if (!catlr_plot_supported()) {
        assert_int_equal(catlr_plot_curves(&c.chart, fx->png, &err), CATLR_ERR_UNSUPPORTED);
        assert_non_null(strstr(err.reason, "without cairo"));
        assert_string_equal(err.path, fx->png);
        assert_null(fopen(fx->png, "rb"));
        return;
    }
    assert_int_equal(catlr_plot_curves(&c.chart, fx->png, &err), CATLR_OK);
    picture pic = decode(fx->png);
    assert_int_equal(pic.width, 640);
    assert_int_equal(pic.height, 400);
    const uint8_t blue[3] = {31, 119, 180}, white[3] = {255, 255, 255};
    const uint8_t black[3] = {0, 0, 0};
    size_t n_blue = count_colour(&pic, blue, 12);
    size_t n_white = count_colour(&pic, white, 0);
    size_t n_dark = count_colour(&pic, black, 60);
    size_t total = (size_t)pic.width * pic.height;
    assert_true(n_blue > 300);
    assert_true(n_dark > 300);
    assert_true(n_white > total / 2 && n_white < total - 1000);
    assert_rgb(pixel(&pic, 2, 2), 255, 255, 255);
    free(pic.rgb);
}

/* Ensure the y axis turns logarithmic only when every value is positive
 * and they span more than a factor of 100: not for the falling curves
 * (0.1 .. 0.85), but for a rate far too large beside them (up to 200),
 * and never with a value of 0; and that such a chart draws. */
static void test_log_scale(void **state) {
    fixtures *fx = *state;
    curves c;
    make_curves(&c);
    assert_false(catlr_plot_log_scale(&c.chart));
    for (int i = 0; i < 200; i++)
        c.test[i] = 200.0 - i * 0.5;
    assert_true(catlr_plot_log_scale(&c.chart));
    c.train[7] = 0.0;
    assert_false(catlr_plot_log_scale(&c.chart));
    c.train[7] = 0.5;
    if (!catlr_plot_supported())
        return;
    c.series[1].colour = 1; /* orange, the second palette colour */
    catlr_error err;
    assert_int_equal(catlr_plot_curves(&c.chart, fx->png, &err), CATLR_OK);
    picture pic = decode(fx->png);
    assert_int_equal(pic.width, 640);
    const uint8_t orange[3] = {255, 127, 14};
    assert_true(count_colour(&pic, orange, 12) > 100);
    free(pic.rgb);
}

static int draws_flat_curve(const void *arg) {
    const catlr_plot_chart *chart = arg;
    FILE *fp = tmpfile();
    catlr_status st = catlr_plot_curves_stream(chart, fp, "flat.png", NULL);
    fclose(fp);
    return st == CATLR_OK;
}

/* Ensure a curve flat but for rounding (a tiny learning rate: costs one ulp
 * apart) draws, rather than looping over ticks that rounding makes one. */
static void test_curves_nearly_flat(void **state) {
    (void)state;
    if (!catlr_plot_supported())
        return;
    curves c;
    make_curves(&c);
    for (int i = 0; i < 200; i++)
        c.train[i] = c.test[i] = i % 2 ? nextafter(0.6931471805599453, 1.0) : 0.6931471805599453;
    test_returns_in_time(draws_flat_curve, &c.chart, 10, "drawing a nearly flat curve");
}

/* Ensure a chart that cannot be written fails with CATLR_ERR_IO naming the
 * path and the system's reason, and a bad chart with CATLR_ERR_ARG. */
static void test_curves_errors(void **state) {
    (void)state;
    curves c;
    make_curves(&c);
    catlr_error err;
    catlr_status want = catlr_plot_supported() ? CATLR_ERR_IO : CATLR_ERR_UNSUPPORTED;
    assert_int_equal(catlr_plot_curves(&c.chart, "/nonexistent/c.png", &err), want);
    if (want == CATLR_ERR_IO) {
        assert_string_equal(err.path, "/nonexistent/c.png");
        assert_string_equal(err.reason, "No such file or directory");
        c.chart.height = 10;
        FILE *fp = tmpfile();
        assert_int_equal(catlr_plot_curves_stream(&c.chart, fp, "t.png", &err), CATLR_ERR_ARG);
        assert_string_equal(err.path, "t.png");
        fclose(fp);
    }
}

/* The blue pixels (the first palette colour) of rows [y0, y1). */
static size_t blue_rows(const picture *pic, uint32_t y0, uint32_t y1) {
    const uint8_t blue[3] = {31, 119, 180};
    return fixture_count_colour(pic->rgb + 3 * (size_t)y0 * pic->width,
                                (size_t)(y1 - y0) * pic->width, blue, 12);
}

/* Ensure two charts stack into one 640 x (400 + 300) PNG, each drawn in its
 * own band: the blue curve of each shows inside its band, and the green
 * dotted curve (dashed = 2, the validation set's) only in the second;
 * that 0 or CATLR_PLOT_MAX_PANELS + 1 charts, a bad chart and a stack over
 * 8192 pixels are refused with CATLR_ERR_ARG naming the picture. Without
 * cairo: CATLR_ERR_UNSUPPORTED. */
static void test_panels(void **state) {
    fixtures *fx = *state;
    curves c;
    make_curves(&c);
    double acc[50];
    for (int i = 0; i < 50; i++)
        acc[i] = 50 + i;
    catlr_plot_series lower[2] = {{"train", acc, 50, 0, 0}, {"validation", c.test, 200, 2, 2}};
    catlr_plot_chart charts[CATLR_PLOT_MAX_PANELS + 1];
    for (size_t k = 0; k <= CATLR_PLOT_MAX_PANELS; k++)
        charts[k] = c.chart;
    charts[1].series = lower;
    charts[1].height = 300;
    catlr_error err;
    FILE *fp = fopen(fx->png, "wb");
    assert_non_null(fp);
    catlr_status st = catlr_plot_panels_stream(charts, 2, fp, fx->png, &err);
    assert_int_equal(fclose(fp), 0);
    if (!catlr_plot_supported()) {
        assert_int_equal(st, CATLR_ERR_UNSUPPORTED);
        assert_string_equal(err.path, fx->png);
        return;
    }
    assert_int_equal(st, CATLR_OK);
    picture pic = decode(fx->png);
    assert_int_equal(pic.width, 640);
    assert_int_equal(pic.height, 700);
    assert_true(blue_rows(&pic, 0, 400) > 300);
    assert_true(blue_rows(&pic, 400, 700) > 100);
    const uint8_t green[3] = {44, 160, 44};
    size_t top_green = fixture_count_colour(pic.rgb, 640 * 400, green, 12);
    size_t low_green = fixture_count_colour(pic.rgb + 3 * 640 * 400, 640 * 300, green, 12);
    assert_int_equal(top_green, 0);
    assert_true(low_green > 50);
    free(pic.rgb);
    fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(catlr_plot_panels_stream(charts, 0, fp, "p.png", &err), CATLR_ERR_ARG);
    assert_string_equal(err.path, "p.png");
    assert_int_equal(catlr_plot_panels_stream(charts, CATLR_PLOT_MAX_PANELS + 1, fp, "p.png",
                                              &err),
                     CATLR_ERR_ARG);
    charts[1].width = 10;
    assert_int_equal(catlr_plot_panels_stream(charts, 2, fp, "p.png", &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "pixels"));
    charts[1].width = 640;
    charts[0].height = charts[1].height = 4100;
    assert_int_equal(catlr_plot_panels_stream(charts, 2, fp, "p.png", &err), CATLR_ERR_ARG);
    assert_non_null(strstr(err.reason, "8192"));
    fclose(fp);
}

/* Both pictures into a file that may not grow past 1000 bytes (the
 * picture is bigger): each must fail with CATLR_ERR_IO and leave no file.
 * Run in a child, whose file-size limit ends with it. */
static int fails_without_leftovers(const void *arg) {
    const char *path = arg;
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
    struct rlimit limit = {1000, 1000};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 0;
    curves c;
    make_curves(&c);
    catlr_model model;
    two_weight_model(&model);
    int ok = catlr_plot_curves(&c.chart, path, NULL) == CATLR_ERR_IO && access(path, F_OK) != 0;
    ok = ok && catlr_plot_weights(&model, 2, path, NULL) == CATLR_ERR_IO &&
         access(path, F_OK) != 0;
    catlr_model_free(&model);
    return ok;
}

/* Ensure a chart or weights picture whose write fails part-way (a file
 * size limit) is removed, not left as a cut-off PNG. */
static void test_write_failure_removes(void **state) {
    fixtures *fx = *state;
    if (!catlr_plot_supported())
        return;
    test_returns_in_time(fails_without_leftovers, fx->png, 30, "a failed picture write");
}

/* Ensure the weights picture at zoom 2 decodes back at its documented size
 * (2*24 + 4*128 + 3*24 by 76 + 128 + 70) and shows each weight as a 2x2
 * square of its colour: the red panel's top-left square is the +0.5 stop,
 * the green panel's second square the -1 stop, the combined panel's first
 * square (192, 128, 128); the title's dark text is there. */
static void test_weights_png(void **state) {
    fixtures *fx = *state;
    catlr_model model;
    two_weight_model(&model);
    catlr_error err;
    catlr_status st = catlr_plot_weights(&model, 2, fx->png, &err);
    if (!catlr_plot_supported()) {
        assert_int_equal(st, CATLR_ERR_UNSUPPORTED);
        catlr_model_free(&model);
        return;
    }
    assert_int_equal(st, CATLR_OK);
    picture pic = decode(fx->png);
    assert_int_equal(pic.width, 2 * 24 + 4 * 128 + 3 * 24);
    assert_int_equal(pic.height, 76 + 128 + 70);
    const uint32_t top = 76, step = 128 + 24;
    for (uint32_t d = 0; d < 4; d++) { /* the four pixels of a 2x2 square */
        assert_rgb(pixel(&pic, 24 + d % 2, top + d / 2), 244, 165, 130);
        assert_rgb(pixel(&pic, 24 + step + 2 + d % 2, top + d / 2), 33, 102, 172);
        assert_rgb(pixel(&pic, 24 + 3 * step + d % 2, top + d / 2), 192, 128, 128);
    }
    assert_rgb(pixel(&pic, 24 + 4, top + 4), 247, 247, 247);
    const uint8_t black[3] = {0, 0, 0};
    assert_true(count_colour(&pic, black, 60) > 200);
    free(pic.rgb);
    /* a zoom out of range, an unwritable path */
    assert_int_equal(catlr_plot_weights(&model, 0, fx->png, &err), CATLR_ERR_ARG);
    assert_int_equal(catlr_plot_weights(&model, 2, "/nonexistent/w.png", &err), CATLR_ERR_IO);
    assert_string_equal(err.reason, "No such file or directory");
    catlr_model_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diverging),
        cmocka_unit_test(test_weights_panels),
        cmocka_unit_test(test_chart_check),
        cmocka_unit_test(test_curves_png),
        cmocka_unit_test(test_curves_errors),
        cmocka_unit_test(test_curves_nearly_flat),
        cmocka_unit_test(test_log_scale),
        cmocka_unit_test(test_panels),
        cmocka_unit_test(test_weights_png),
        cmocka_unit_test(test_write_failure_removes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
