/* make_demo.c: draws catlr's synthetic demo data set, 64x64 RGB PNGs of
 * procedural cat faces (pointed ears, slit-pupil eyes, whiskers) and of
 * non-cats (animals with rounded, floppy or long ears, faces without ears,
 * objects, scenes), and checks that a folder holds exactly those images.
 *
 *   make_demo [--seed N] OUTDIR          write OUTDIR/{train,test}/{cat,non-cat}/
 *   make_demo [--seed N] --verify DIR    redraw in memory, compare decoded pixels
 *
 * Every pixel value is computed in integer arithmetic: fixed-point geometry
 * (16 units per pixel), 4x4 supersampling, our own splitmix64 generator with
 * one seed per image, and no libm at all, so the images are bit-for-bit the
 * same with any compiler, optimisation or FMA contraction. Random draws are
 * one per statement, never two in one expression or argument list, because C
 * leaves their order unspecified there.
 *
 * What it deliberately is not: part of catlr (it shares no code with it), a
 * general drawing library (only the shapes the pictures need: ellipses,
 * convex polygons, thick segments, elliptic bands, rectangles), or realistic
 * art. It never deletes files; --verify reports extra ones instead. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

enum {
    IMG_SIDE = 64,                    /* output pixels per side */
    SUPER = 4,                        /* samples per pixel along each axis */
    CANVAS_SIDE = IMG_SIDE * SUPER,   /* samples per side */
    UNIT = 16,                        /* geometry units per pixel */
    STEP = UNIT / SUPER,              /* geometry units between samples */
    CHANNELS = 3,
    IMG_BYTES = IMG_SIDE * IMG_SIDE * CHANNELS,
    CANVAS_BYTES = CANVAS_SIDE * CANVAS_SIDE * CHANNELS,
    PATH_CAP = 4096,
};

/* Brightness. catlr trains on raw pixels / 255 with learning rate 0.005; if
 * the images are bright (mean pixel above ~0.45) the first steps overshoot
 * along the mean-image direction and the printed cost rises before it falls.
 * Mid-to-dark backgrounds and dimmed lighting keep the mean near 0.4, like
 * photographs, and the cost falling from the first report on. */
enum {
    BG_LO = 30,          /* channel range of random background colours */
    BG_HI = 150,
    EXPOSURE_LO = 65,    /* dimmest lighting, percent of full */
};

/* Difficulty was tuned against the numpy reference (2000 iterations):
 * about 84% test accuracy on average over master seeds, most seeds within
 * 76-94%. Placement jitter, head sizes and cat eye/ear/whisker colours are
 * the main knobs (random_head, random_cat_look). */

#define DEFAULT_SEED UINT64_C(0x0CA7C0DE2024)

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

// ----------------------------------------------------------------------------
// The data set's layout: which files exist and how many of each.

typedef struct class_info {
    const char *dir;      /* folder name, also the class name catlr sees */
    const char *prefix;   /* file name prefix */
    bool is_cat;
} class_info;

typedef struct split_info {
    const char *dir;
    int count[2];         /* images per class, in CLASSES order */
} split_info;

static const class_info CLASSES[2] = {
    {"cat", "cat_", true},
    {"non-cat", "noncat_", false},
};

static const split_info SPLITS[2] = {
    {"train", {80, 120}},
    {"test", {20, 30}},
};

// ----------------------------------------------------------------------------
// Random numbers: splitmix64, one independent stream per image and purpose.

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A stream for (seed, split, class, index, purpose). */
static rng rng_for(uint64_t seed, int split, int cls, int index, int purpose) {
    const uint64_t parts[4] = {(uint64_t)split, (uint64_t)cls, (uint64_t)index,
                               (uint64_t)purpose};
    rng r = {seed};
    for (int i = 0; i < 4; i++) {
        r.state ^= parts[i] * UINT64_C(0xD1B54A32D192ED03) + (uint64_t)i;
        r.state = rng_next(&r);
    }
    return r;
}

/* Uniform integer in [lo, hi], inclusive. */
static int32_t rng_range(rng *r, int32_t lo, int32_t hi) {
    uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return (int32_t)(lo + (int64_t)(((rng_next(r) >> 32) * span) >> 32));
}

static bool rng_chance(rng *r, int percent) {
    return rng_range(r, 0, 99) < percent;
}

/* A random multiple of 5 degrees in [lo, hi]. */
static int rng_angle(rng *r, int lo, int hi) {
    return 5 * rng_range(r, lo / 5, hi / 5);
}

// ----------------------------------------------------------------------------
// Colours.

typedef struct rgb {
    uint8_t r, g, b;
} rgb;

static uint8_t clamp_u8(int32_t v) {
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static rgb colour(int32_t r, int32_t g, int32_t b) {
    rgb c = {clamp_u8(r), clamp_u8(g), clamp_u8(b)};
    return c;
}

/* a + (b - a) * t / tmax, per channel. */
static rgb rgb_mix(rgb a, rgb b, int32_t t, int32_t tmax) {
    return colour(a.r + (b.r - a.r) * t / tmax, a.g + (b.g - a.g) * t / tmax,
                  a.b + (b.b - a.b) * t / tmax);
}

static rgb rgb_shade(rgb c, int percent) {
    return colour(c.r * percent / 100, c.g * percent / 100, c.b * percent / 100);
}

static int rgb_luma(rgb c) {
    return (299 * c.r + 587 * c.g + 114 * c.b) / 1000;
}

static rgb rgb_jitter(rng *r, rgb c, int amount) {
    int32_t dr = rng_range(r, -amount, amount);
    int32_t dg = rng_range(r, -amount, amount);
    int32_t db = rng_range(r, -amount, amount);
    return colour(c.r + dr, c.g + dg, c.b + db);
}

static rgb rgb_pick(rng *r, const rgb *palette, int n, int jitter) {
    return rgb_jitter(r, palette[rng_range(r, 0, n - 1)], jitter);
}

static rgb rgb_random(rng *r, int lo, int hi) {
    int32_t red = rng_range(r, lo, hi);
    int32_t green = rng_range(r, lo, hi);
    int32_t blue = rng_range(r, lo, hi);
    return colour(red, green, blue);
}

/* A colour that stands out against c: dark on light, light on dark. */
static rgb rgb_contrast(rgb c) {
    return rgb_luma(c) > 120 ? colour(45, 40, 40) : colour(235, 232, 225);
}

static const rgb WHITE = {245, 244, 240};
static const rgb BLACK = {25, 23, 25};
static const rgb PINK = {232, 150, 160};

// ----------------------------------------------------------------------------
// Fixed-point geometry: points in 1/16 pixel, directions from a 5-degree table.

typedef struct pt {
    int32_t x, y;
} pt;

static int32_t px(int32_t pixels) {
    return pixels * UNIT;
}

static int32_t pct(int32_t v, int32_t percent) {
    return (int32_t)((int64_t)v * percent / 100);
}

static pt point(int32_t x, int32_t y) {
    pt p = {x, y};
    return p;
}

static pt pt_lerp(pt a, pt b, int percent) {
    return point(a.x + pct(b.x - a.x, percent), a.y + pct(b.y - a.y, percent));
}

/* Random fine-unit coordinate in [lo_px, hi_px] pixels. */
static int32_t rng_px(rng *r, int32_t lo_px, int32_t hi_px) {
    return rng_range(r, px(lo_px), px(hi_px));
}

/* Random point in [x0, x1] x [y0, y1] pixels (x drawn first). */
static pt rng_point(rng *r, int32_t x0, int32_t x1, int32_t y0, int32_t y1) {
    int32_t x = rng_px(r, x0, x1);
    int32_t y = rng_px(r, y0, y1);
    return point(x, y);
}

/* sin(5k degrees) * 1000, k = 0..18, rounded. */
static const int16_t SIN5[19] = {0,   87,  174, 259, 342, 423, 500, 574, 643, 707,
                                 766, 819, 866, 906, 940, 966, 985, 996, 1000};

/* Unit vector * 1000 for an angle in degrees (a multiple of 5) measured
 * clockwise from straight up on screen (y grows downwards). */
static pt unit_dir(int degrees) {
    int d = ((degrees % 360) + 360) % 360;
    int s = SIN5[(d % 90) / 5];
    int c = SIN5[18 - (d % 90) / 5];
    switch (d / 90) {
    case 0: return point(s, -c);
    case 1: return point(c, s);
    case 2: return point(-s, c);
    default: return point(-c, -s);
    }
}

// ----------------------------------------------------------------------------
// Ovals: a centre and two radii, the frame every face is laid out in.

typedef struct oval {
    pt c;
    int32_t rx, ry;
} oval;

static oval make_oval(pt c, int32_t rx, int32_t ry) {
    oval o = {c, rx, ry};
    return o;
}

/* The point at (dx, dy) percent of the radii from the centre. */
static pt oval_at(const oval *o, int dx_pct, int dy_pct) {
    return point(o->c.x + pct(o->rx, dx_pct), o->c.y + pct(o->ry, dy_pct));
}

/* The point at `reach` percent of the way to the rim, at `degrees`. */
static pt oval_rim(const oval *o, int degrees, int reach_pct) {
    pt d = unit_dir(degrees);
    int64_t x = (int64_t)o->rx * d.x * reach_pct / 100000;
    int64_t y = (int64_t)o->ry * d.y * reach_pct / 100000;
    return point(o->c.x + (int32_t)x, o->c.y + (int32_t)y);
}

/* A smaller oval placed in o: centre and radii in percent of o's radii. */
static oval oval_sub(const oval *o, int dx_pct, int dy_pct, int rx_pct, int ry_pct) {
    return make_oval(oval_at(o, dx_pct, dy_pct), pct(o->rx, rx_pct), pct(o->ry, ry_pct));
}

/* Mirror an angle for the left (side < 0) or right (side > 0) of a face. */
static int side_angle(int side, int degrees) {
    return side > 0 ? degrees : 360 - degrees;
}

// ----------------------------------------------------------------------------
// Shapes: inside tests on sample points, all in 64-bit integers.

typedef enum shape_kind {
    SHAPE_ELLIPSE,   /* c, rx, ry */
    SHAPE_POLYGON,   /* v[0..n-1], convex, either orientation */
    SHAPE_CAPSULE,   /* segment v[0]-v[1] thickened by radius w */
    SHAPE_BAND,      /* ring of half-width w around ellipse c, rx, ry */
    SHAPE_RECT,      /* v[0] <= p < v[1] */
} shape_kind;

enum { MAX_VERTS = 5 };

typedef struct shape {
    shape_kind kind;
    pt c;
    int32_t rx, ry;
    int32_t w;
    int half;        /* band: +1 lower half only, -1 upper half, 0 whole ring */
    pt v[MAX_VERTS];
    int n;
} shape;

static shape shape_new(shape_kind kind) {
    shape s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    return s;
}

static shape ellipse(pt c, int32_t rx, int32_t ry) {
    shape s = shape_new(SHAPE_ELLIPSE);
    s.c = c;
    s.rx = rx;
    s.ry = ry;
    return s;
}

static shape oval_shape(const oval *o) {
    return ellipse(o->c, o->rx, o->ry);
}

static shape circle(pt c, int32_t r) {
    return ellipse(c, r, r);
}

static shape polygon(const pt *v, int n) {
    shape s = shape_new(SHAPE_POLYGON);
    s.n = n < MAX_VERTS ? n : MAX_VERTS;
    for (int i = 0; i < s.n; i++)
        s.v[i] = v[i];
    return s;
}

static shape triangle(pt a, pt b, pt c) {
    const pt v[3] = {a, b, c};
    return polygon(v, 3);
}

static shape quad(pt a, pt b, pt c, pt d) {
    const pt v[4] = {a, b, c, d};
    return polygon(v, 4);
}

static shape capsule(pt a, pt b, int32_t radius) {
    shape s = shape_new(SHAPE_CAPSULE);
    s.v[0] = a;
    s.v[1] = b;
    s.n = 2;
    s.w = radius;
    return s;
}

static shape band(pt c, int32_t rx, int32_t ry, int32_t half_width, int half) {
    shape s = ellipse(c, rx, ry);
    s.kind = SHAPE_BAND;
    s.w = half_width;
    s.half = half;
    return s;
}

static shape rect(int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
    shape s = shape_new(SHAPE_RECT);
    s.v[0] = point(x0, y0);
    s.v[1] = point(x1, y1);
    s.n = 2;
    return s;
}

static bool in_ellipse(pt c, int64_t rx, int64_t ry, pt p) {
    if (rx <= 0 || ry <= 0)
        return false;
    int64_t dx = (int64_t)p.x - c.x, dy = (int64_t)p.y - c.y;
    int64_t a = dx * ry, b = dy * rx, r = rx * ry;
    return a * a + b * b <= r * r;
}

static bool in_polygon(const shape *s, pt p) {
    bool pos = false, neg = false;
    for (int i = 0; i < s->n; i++) {
        pt a = s->v[i], b = s->v[(i + 1) % s->n];
        int64_t cross = ((int64_t)b.x - a.x) * ((int64_t)p.y - a.y) -
                        ((int64_t)b.y - a.y) * ((int64_t)p.x - a.x);
        pos = pos || cross > 0;
        neg = neg || cross < 0;
    }
    return !(pos && neg);
}

static int64_t dist2(pt a, pt b) {
    int64_t dx = (int64_t)a.x - b.x, dy = (int64_t)a.y - b.y;
    return dx * dx + dy * dy;
}

static bool in_capsule(const shape *s, pt p) {
    pt a = s->v[0], b = s->v[1];
    int64_t r2 = (int64_t)s->w * s->w;
    int64_t dx = (int64_t)b.x - a.x, dy = (int64_t)b.y - a.y;
    int64_t qx = (int64_t)p.x - a.x, qy = (int64_t)p.y - a.y;
    int64_t len2 = dx * dx + dy * dy, dot = qx * dx + qy * dy;
    if (len2 == 0 || dot <= 0)
        return dist2(p, a) <= r2;
    if (dot >= len2)
        return dist2(p, b) <= r2;
    int64_t cross = qx * dy - qy * dx;
    return cross * cross <= r2 * len2;
}

static bool in_band(const shape *s, pt p) {
    if (s->half > 0 && p.y < s->c.y)
        return false;
    if (s->half < 0 && p.y > s->c.y)
        return false;
    return in_ellipse(s->c, (int64_t)s->rx + s->w, (int64_t)s->ry + s->w, p) &&
           !in_ellipse(s->c, (int64_t)s->rx - s->w, (int64_t)s->ry - s->w, p);
}

static bool shape_contains(const shape *s, pt p) {
    switch (s->kind) {
    case SHAPE_ELLIPSE: return in_ellipse(s->c, s->rx, s->ry, p);
    case SHAPE_POLYGON: return in_polygon(s, p);
    case SHAPE_CAPSULE: return in_capsule(s, p);
    case SHAPE_BAND: return in_band(s, p);
    case SHAPE_RECT:
        return p.x >= s->v[0].x && p.x < s->v[1].x && p.y >= s->v[0].y && p.y < s->v[1].y;
    }
    return false;
}

typedef struct box {
    int32_t x0, y0, x1, y1;   /* inclusive sample indices */
} box;

static int32_t clamp_sample(int32_t v) {
    return v < 0 ? 0 : v > CANVAS_SIDE - 1 ? CANVAS_SIDE - 1 : v;
}

/* The samples that can be inside s, from its extent in geometry units. */
static box shape_box(const shape *s) {
    int32_t x0, y0, x1, y1;
    if (s->kind == SHAPE_ELLIPSE || s->kind == SHAPE_BAND) {
        x0 = s->c.x - s->rx - s->w;
        x1 = s->c.x + s->rx + s->w;
        y0 = s->c.y - s->ry - s->w;
        y1 = s->c.y + s->ry + s->w;
    } else {
        x0 = x1 = s->v[0].x;
        y0 = y1 = s->v[0].y;
        for (int i = 1; i < s->n; i++) {
            x0 = s->v[i].x < x0 ? s->v[i].x : x0;
            x1 = s->v[i].x > x1 ? s->v[i].x : x1;
            y0 = s->v[i].y < y0 ? s->v[i].y : y0;
            y1 = s->v[i].y > y1 ? s->v[i].y : y1;
        }
        x0 -= s->w;
        y0 -= s->w;
        x1 += s->w;
        y1 += s->w;
    }
    box b = {clamp_sample(x0 / STEP - 1), clamp_sample(y0 / STEP - 1),
             clamp_sample(x1 / STEP + 1), clamp_sample(y1 / STEP + 1)};
    return b;
}

// ----------------------------------------------------------------------------
// Value noise: a lattice of random bytes, interpolated bilinearly.

enum { NOISE_GRID = 33 };

typedef struct noise_field {
    uint8_t v[NOISE_GRID][NOISE_GRID];
    int32_t cell;   /* geometry units between lattice points */
} noise_field;

static void noise_init(noise_field *f, rng *r, int32_t cell_px) {
    f->cell = px(cell_px);
    for (int y = 0; y < NOISE_GRID; y++)
        for (int x = 0; x < NOISE_GRID; x++)
            f->v[y][x] = (uint8_t)rng_range(r, 0, 255);
}

/* 0..255 at p; the lattice wraps so any point has a value. */
static int32_t noise_at(const noise_field *f, pt p) {
    int32_t x = p.x < 0 ? 0 : p.x, y = p.y < 0 ? 0 : p.y;
    int32_t ix = (x / f->cell) % (NOISE_GRID - 1), tx = x % f->cell;
    int32_t iy = (y / f->cell) % (NOISE_GRID - 1), ty = y % f->cell;
    int32_t top = f->v[iy][ix] * (f->cell - tx) + f->v[iy][ix + 1] * tx;
    int32_t bottom = f->v[iy + 1][ix] * (f->cell - tx) + f->v[iy + 1][ix + 1] * tx;
    int64_t v = (int64_t)top * (f->cell - ty) + (int64_t)bottom * ty;
    return (int32_t)(v / ((int64_t)f->cell * f->cell));
}

// ----------------------------------------------------------------------------
// Fills: what colour a painted sample gets.

typedef enum fill_kind {
    FILL_FLAT,         /* a */
    FILL_VERTICAL,     /* a at y = lo to b at y = hi */
    FILL_HORIZONTAL,   /* a at x = lo to b at x = hi */
    FILL_NOISE,        /* a where the noise is 0 to b where it is 255 */
} fill_kind;

typedef struct fill {
    fill_kind kind;
    rgb a, b;
    int32_t lo, hi;
    const noise_field *noise;
} fill;

static fill flat(rgb c) {
    fill f = {FILL_FLAT, c, c, 0, 1, NULL};
    return f;
}

static fill gradient(fill_kind kind, rgb a, rgb b, int32_t lo, int32_t hi) {
    fill f = {kind, a, b, lo, hi > lo ? hi : lo + 1, NULL};
    return f;
}

static fill textured(const noise_field *noise, rgb a, rgb b) {
    fill f = {FILL_NOISE, a, b, 0, 1, noise};
    return f;
}

static rgb ramp(const fill *f, int32_t v) {
    int32_t t = v < f->lo ? 0 : v > f->hi ? f->hi - f->lo : v - f->lo;
    return rgb_mix(f->a, f->b, t, f->hi - f->lo);
}

static rgb fill_at(const fill *f, pt p) {
    switch (f->kind) {
    case FILL_VERTICAL: return ramp(f, p.y);
    case FILL_HORIZONTAL: return ramp(f, p.x);
    case FILL_NOISE: return rgb_mix(f->a, f->b, noise_at(f->noise, p), 255);
    case FILL_FLAT: break;
    }
    return f->a;
}

// ----------------------------------------------------------------------------
// The art board: supersampled canvas, the image's random stream, noise fields.

typedef struct art {
    uint8_t *samples;      /* CANVAS_SIDE x CANVAS_SIDE x RGB */
    rng r;
    noise_field fine;      /* 2-pixel grain: fur, carpet, grass */
    noise_field coarse;    /* 8-pixel blotches: walls, clouds, ground */
} art;

static pt sample_point(int32_t sx, int32_t sy) {
    return point(sx * STEP + STEP / 2, sy * STEP + STEP / 2);
}

/* Paint the samples inside s (and inside clip, if given) with f. */
static void paint(art *a, shape s, const shape *clip, fill f) {
    box b = shape_box(&s);
    for (int32_t sy = b.y0; sy <= b.y1; sy++) {
        for (int32_t sx = b.x0; sx <= b.x1; sx++) {
            pt p = sample_point(sx, sy);
            if (!shape_contains(&s, p) || (clip && !shape_contains(clip, p)))
                continue;
            rgb c = fill_at(&f, p);
            uint8_t *dst = a->samples + ((size_t)sy * CANVAS_SIDE + (size_t)sx) * CHANNELS;
            dst[0] = c.r;
            dst[1] = c.g;
            dst[2] = c.b;
        }
    }
}

static void paint_flat(art *a, shape s, rgb c) {
    paint(a, s, NULL, flat(c));
}

static shape whole_canvas(void) {
    return rect(0, 0, px(IMG_SIDE), px(IMG_SIDE));
}

/* Fur: the colour with a fine grain of a slightly darker shade. */
static fill fur_fill(const art *a, rgb c) {
    return textured(&a->fine, c, rgb_shade(c, 82));
}

/* Average each 4x4 block of samples into one pixel. */
static void downsample(const uint8_t *samples, uint8_t *pixels) {
    for (int y = 0; y < IMG_SIDE; y++)
        for (int x = 0; x < IMG_SIDE; x++)
            for (int ch = 0; ch < CHANNELS; ch++) {
                int32_t sum = 0;
                for (int j = 0; j < SUPER; j++)
                    for (int i = 0; i < SUPER; i++) {
                        size_t sy = (size_t)(y * SUPER + j), sx = (size_t)(x * SUPER + i);
                        sum += samples[(sy * CANVAS_SIDE + sx) * CHANNELS + (size_t)ch];
                    }
                pixels[((size_t)y * IMG_SIDE + (size_t)x) * CHANNELS + (size_t)ch] =
                    (uint8_t)((sum + SUPER * SUPER / 2) / (SUPER * SUPER));
            }
}

/* Scene lighting: scale every channel by percent. */
static void expose(uint8_t *pixels, int percent) {
    for (size_t i = 0; i < IMG_BYTES; i++)
        pixels[i] = (uint8_t)(pixels[i] * percent / 100);
}

/* Sensor-like noise: each channel of each pixel moves by up to +-amount. */
static void add_noise(uint8_t *pixels, rng *r, int amount) {
    for (size_t i = 0; i < IMG_BYTES; i++)
        pixels[i] = clamp_u8(pixels[i] + rng_range(r, -amount, amount));
}

// ----------------------------------------------------------------------------
// Backgrounds, shared by both classes so that they tell nothing.

static const rgb WALLS[] = {
    {185, 175, 155}, {150, 165, 175}, {165, 155, 175}, {140, 155, 130}, {195, 185, 170},
    {110, 100, 90},  {80, 90, 110},   {170, 140, 115}, {130, 55, 50},   {55, 65, 55},
};
static const rgb FLOORS[] = {
    {150, 105, 65}, {120, 80, 50}, {180, 150, 110}, {110, 110, 115}, {90, 70, 90}, {170, 60, 50},
};
static const rgb SKIES[] = {{110, 165, 230}, {150, 195, 240}, {190, 210, 230}, {235, 175, 120}};
static const rgb GROUNDS[] = {
    {80, 150, 60}, {110, 170, 70}, {60, 110, 50}, {200, 185, 140}, {150, 120, 80}, {235, 235, 240},
};

/* A random background colour: mid to dark, like a room or a photo's surround. */
static rgb background_colour(rng *r) {
    return rgb_random(r, BG_LO, BG_HI);
}

static void background_flat(art *a) {
    rgb c = background_colour(&a->r);
    paint_flat(a, whole_canvas(), c);
}

static void background_gradient(art *a) {
    rgb top = background_colour(&a->r);
    rgb bottom = background_colour(&a->r);
    fill_kind kind = rng_chance(&a->r, 70) ? FILL_VERTICAL : FILL_HORIZONTAL;
    paint(a, whole_canvas(), NULL, gradient(kind, top, bottom, 0, px(IMG_SIDE)));
}

static void background_texture(art *a) {
    rgb base = background_colour(&a->r);
    rgb other = rgb_jitter(&a->r, base, 35);
    const noise_field *grain = rng_chance(&a->r, 50) ? &a->fine : &a->coarse;
    paint(a, whole_canvas(), NULL, textured(grain, base, other));
}

static void background_stripes(art *a) {
    rgb base = rgb_pick(&a->r, WALLS, COUNT(WALLS), 20);
    rgb stripe = rgb_shade(base, rng_range(&a->r, 85, 93));
    int32_t period = rng_px(&a->r, 4, 10);
    bool vertical = rng_chance(&a->r, 70);
    paint_flat(a, whole_canvas(), base);
    for (int32_t at = 0; at < px(IMG_SIDE); at += period) {
        shape s = vertical ? rect(at, 0, at + period / 2, px(IMG_SIDE))
                           : rect(0, at, px(IMG_SIDE), at + period / 2);
        paint_flat(a, s, stripe);
    }
}

static void draw_window(art *a, int32_t horizon) {
    int32_t w = rng_px(&a->r, 12, 22);
    int32_t h = rng_px(&a->r, 10, 18);
    int32_t x = rng_px(&a->r, -4, 56);
    int32_t y = horizon - h - rng_px(&a->r, 6, 14);
    rgb sky = rgb_pick(&a->r, SKIES, COUNT(SKIES), 15);
    rgb frame = rng_chance(&a->r, 50) ? WHITE : colour(110, 80, 55);
    paint_flat(a, rect(x - px(1), y - px(1), x + w + px(1), y + h + px(1)), frame);
    paint(a, rect(x, y, x + w, y + h), NULL, gradient(FILL_VERTICAL, sky, WHITE, y, y + 2 * h));
    paint_flat(a, rect(x + w / 2 - 4, y, x + w / 2 + 4, y + h), frame);
    paint_flat(a, rect(x, y + h / 2 - 4, x + w, y + h / 2 + 4), frame);
}

static void background_indoor(art *a) {
    int32_t horizon = rng_px(&a->r, 36, 54);
    rgb wall = rgb_pick(&a->r, WALLS, COUNT(WALLS), 15);
    rgb floor = rgb_pick(&a->r, FLOORS, COUNT(FLOORS), 15);
    paint(a, whole_canvas(), NULL, textured(&a->coarse, wall, rgb_shade(wall, 92)));
    if (rng_chance(&a->r, 40))
        draw_window(a, horizon);
    paint(a, rect(0, horizon, px(IMG_SIDE), px(IMG_SIDE)), NULL,
          textured(&a->fine, floor, rgb_shade(floor, 80)));
    paint_flat(a, rect(0, horizon - px(1), px(IMG_SIDE), horizon + px(1)), rgb_shade(wall, 60));
}

static void background_outdoor(art *a) {
    int32_t horizon = rng_px(&a->r, 28, 50);
    rgb sky = rgb_pick(&a->r, SKIES, COUNT(SKIES), 15);
    rgb ground = rgb_pick(&a->r, GROUNDS, COUNT(GROUNDS), 15);
    paint(a, whole_canvas(), NULL, gradient(FILL_VERTICAL, sky, rgb_mix(sky, WHITE, 1, 2), 0, horizon * 2));
    if (rng_chance(&a->r, 50)) {
        int32_t cx = rng_px(&a->r, 0, 64);
        int32_t r = rng_px(&a->r, 10, 24);
        paint_flat(a, ellipse(point(cx, horizon), r * 2, r), rgb_shade(ground, 80));
    }
    paint(a, rect(0, horizon, px(IMG_SIDE), px(IMG_SIDE)), NULL,
          textured(&a->fine, ground, rgb_shade(ground, 75)));
}

static void draw_background(art *a) {
    switch (rng_range(&a->r, 0, 5)) {
    case 0: background_flat(a); break;
    case 1: background_gradient(a); break;
    case 2: background_texture(a); break;
    case 3: background_stripes(a); break;
    case 4: background_indoor(a); break;
    default: background_outdoor(a); break;
    }
}

// ----------------------------------------------------------------------------
// Face parts shared by cats and other animals.

static const rgb FURS[] = {
    {214, 132, 58},  /* orange */
    {232, 205, 160}, /* cream */
    {128, 128, 134}, /* grey */
    {78, 78, 84},    /* dark grey */
    {38, 35, 38},    /* black */
    {236, 234, 228}, /* white */
    {118, 80, 52},   /* brown */
    {196, 158, 96},  /* golden */
};
enum { N_FURS = COUNT(FURS) };

/* Where a head sits: mostly near the middle, sometimes partly off-centre. */
static oval random_head(rng *r, int min_px, int max_px) {
    int32_t rx = rng_px(r, min_px, max_px);
    int32_t ry = pct(rx, rng_range(r, 82, 100));
    int spread = rng_chance(r, 85) ? 2 : 8;
    int32_t cx = px(32) + rng_px(r, -spread, spread);
    int32_t cy = px(35) + rng_px(r, -spread / 2 - 2, spread / 2 + 3);
    return make_oval(point(cx, cy), rx, ry);
}

/* Shoulders peeking out under the head. */
static void draw_shoulders(art *a, const oval *head, rgb fur) {
    oval body = oval_sub(head, 0, 150, 140, 110);
    paint(a, oval_shape(&body), NULL, fur_fill(a, fur));
}

typedef enum pupil_kind { PUPIL_SLIT, PUPIL_ROUND, PUPIL_BEAD } pupil_kind;

/* An eye: dark rim, iris, pupil, one glint. */
static void draw_eye(art *a, pt c, int32_t r, rgb iris, pupil_kind pupil) {
    int32_t ry = pupil == PUPIL_BEAD ? r : pct(r, 90);
    paint_flat(a, ellipse(c, r + px(1) / 2, ry + px(1) / 2), BLACK);
    if (pupil == PUPIL_BEAD) {
        paint_flat(a, circle(c, r), iris);
    } else {
        paint_flat(a, ellipse(c, r, ry), iris);
        int32_t prx = pupil == PUPIL_SLIT ? pct(r, 28) : pct(r, 55);
        paint_flat(a, ellipse(c, prx, pct(ry, pupil == PUPIL_SLIT ? 88 : 60)), BLACK);
    }
    pt glint = point(c.x - pct(r, 30), c.y - pct(ry, 35));
    paint_flat(a, circle(glint, pct(r, 22) > 5 ? pct(r, 22) : 5), WHITE);
}

/* Round dark eyes at (+-dx, dy) percent of the head. */
static void draw_round_eyes(art *a, const oval *head, int dx, int dy, int size_pct) {
    rgb iris = rng_chance(&a->r, 50) ? BLACK : colour(70, 45, 30);
    for (int side = -1; side <= 1; side += 2)
        draw_eye(a, oval_at(head, side * dx, dy), pct(head->rx, size_pct), iris, PUPIL_BEAD);
}

/* Thin lines fanning out of the muzzle on both sides. */
static void draw_whiskers(art *a, const oval *head, int dy, int count, rgb c) {
    int32_t width = rng_range(&a->r, 5, 7);
    int reach = rng_range(&a->r, 115, 140);
    for (int side = -1; side <= 1; side += 2) {
        for (int k = 0; k < count; k++) {
            int spread = (2 * k - (count - 1)) * rng_range(&a->r, 9, 14);
            pt from = oval_at(head, side * 18, dy + spread / 3);
            pt to = oval_at(head, side * reach, dy + spread);
            paint_flat(a, capsule(from, to, width), c);
        }
    }
}

// ----------------------------------------------------------------------------
// Cats.

typedef enum cat_pattern { CAT_PLAIN, CAT_TABBY, CAT_BICOLOUR, CAT_POINTS } cat_pattern;

typedef struct cat_look {
    rgb fur, marking, inner_ear, iris, nose, whisker;
    cat_pattern pattern;
    pupil_kind pupil;
} cat_look;

static const rgb CAT_EYES[] = {
    {150, 215, 80}, {225, 220, 70}, {230, 180, 50}, {120, 200, 110}, {190, 230, 100},
};
static const rgb CAT_NOSES[] = {{232, 140, 150}, {175, 95, 105}, {55, 42, 44}, {195, 125, 112}};

static cat_look random_cat_look(rng *r) {
    cat_look k;
    k.fur = rgb_pick(r, FURS, N_FURS, 14);
    k.pattern = (cat_pattern)rng_range(r, 0, 3);
    k.marking = k.pattern == CAT_BICOLOUR ? WHITE : rgb_shade(k.fur, 55);
    if (k.pattern == CAT_POINTS)
        k.marking = colour(85, 60, 45);
    k.inner_ear = rng_chance(r, 90) ? PINK : rgb_mix(k.fur, PINK, 2, 3);
    k.iris = rgb_pick(r, CAT_EYES, COUNT(CAT_EYES), 12);
    k.nose = rgb_pick(r, CAT_NOSES, COUNT(CAT_NOSES), 10);
    k.whisker = rng_chance(r, 90) ? WHITE : rgb_contrast(k.fur);
    k.pupil = rng_chance(r, 75) ? PUPIL_SLIT : PUPIL_ROUND;
    return k;
}

/* One pointed ear on the top of the head, with its inner colour. */
static void draw_cat_ear(art *a, const oval *head, int side, const cat_look *k) {
    int outer = rng_angle(&a->r, 50, 70);
    int inner = rng_angle(&a->r, 10, 25);
    int tip = rng_angle(&a->r, 25, 45);
    int reach = rng_range(&a->r, 140, 170);
    pt base_out = oval_rim(head, side_angle(side, outer), 92);
    pt base_in = oval_rim(head, side_angle(side, inner), 92);
    pt apex = oval_rim(head, side_angle(side, tip), reach);
    rgb ear = k->pattern == CAT_POINTS ? k->marking : k->fur;
    paint(a, triangle(base_out, base_in, apex), NULL, fur_fill(a, ear));
    pt mid = pt_lerp(base_out, base_in, 50);
    pt in_tip = pt_lerp(mid, apex, 85);
    pt in_out = pt_lerp(base_out, apex, 15);
    pt in_in = pt_lerp(base_in, apex, 15);
    paint_flat(a, triangle(in_out, in_in, in_tip), k->inner_ear);
}

static void draw_tabby_stripes(art *a, const oval *head, rgb c) {
    shape clip = oval_shape(head);
    int32_t w = pct(head->rx, 5);
    for (int k = -1; k <= 1; k++) {
        pt from = oval_at(head, k * 20, -100);
        pt to = oval_at(head, k * 13, -55 + (k == 0 ? 5 : 0));
        paint(a, capsule(from, to, w), &clip, flat(c));
    }
    for (int side = -1; side <= 1; side += 2) {
        for (int k = 0; k < 2; k++) {
            pt from = oval_at(head, side * 105, 5 + 18 * k);
            pt to = oval_at(head, side * 72, 10 + 14 * k);
            paint(a, capsule(from, to, w), &clip, flat(c));
        }
    }
}

static void draw_cat_markings(art *a, const oval *head, const cat_look *k) {
    shape clip = oval_shape(head);
    if (k->pattern == CAT_TABBY) {
        draw_tabby_stripes(a, head, k->marking);
    } else if (k->pattern == CAT_BICOLOUR) {
        oval bib = oval_sub(head, 0, 55, 62, 62);
        paint(a, oval_shape(&bib), &clip, fur_fill(a, k->marking));
        paint(a, triangle(oval_at(head, -14, 30), oval_at(head, 14, 30), oval_at(head, 0, -60)),
              &clip, fur_fill(a, k->marking));
    } else if (k->pattern == CAT_POINTS) {
        oval mask = oval_sub(head, 0, 35, 48, 55);
        paint(a, oval_shape(&mask), &clip, fur_fill(a, k->marking));
    }
}

static void draw_cat_eyes(art *a, const oval *head, const cat_look *k) {
    int dx = rng_range(&a->r, 34, 40);
    int dy = rng_range(&a->r, -12, 2);
    int size = rng_range(&a->r, 21, 26);
    for (int side = -1; side <= 1; side += 2)
        draw_eye(a, oval_at(head, side * dx, dy), pct(head->rx, size), k->iris, k->pupil);
}

/* Whisker pads, a small downward triangle nose and the "w" mouth. */
static void draw_cat_muzzle(art *a, const oval *head, const cat_look *k, int nose_dy) {
    rgb pad = rgb_mix(k->fur, WHITE, 1, 3);
    if (k->pattern == CAT_BICOLOUR || k->pattern == CAT_POINTS)
        pad = rgb_mix(k->marking, WHITE, 1, 4);
    for (int side = -1; side <= 1; side += 2) {
        oval p = oval_sub(head, side * 15, nose_dy + 16, 19, 15);
        paint(a, oval_shape(&p), NULL, fur_fill(a, pad));
    }
    int32_t nw = pct(head->rx, rng_range(&a->r, 9, 13));
    pt n = oval_at(head, 0, nose_dy);
    pt tip = point(n.x, n.y + nw);
    paint_flat(a, triangle(point(n.x - nw, n.y - nw / 3), point(n.x + nw, n.y - nw / 3), tip), k->nose);
    rgb line = rgb_shade(k->nose, 60);
    int32_t w = 4;
    int32_t stem = pct(head->ry, 8);
    paint_flat(a, capsule(tip, point(tip.x, tip.y + stem), w), line);
    if (rng_chance(&a->r, 75)) {
        int32_t r = pct(head->rx, rng_range(&a->r, 9, 12));
        paint_flat(a, band(point(tip.x - r, tip.y + stem), r, r * 3 / 4, w, 1), line);
        paint_flat(a, band(point(tip.x + r, tip.y + stem), r, r * 3 / 4, w, 1), line);
    }
}

static void draw_cat(art *a) {
    cat_look k = random_cat_look(&a->r);
    oval head = random_head(&a->r, 15, 19);
    int nose_dy = rng_range(&a->r, 20, 30);
    if (rng_chance(&a->r, 50))
        draw_shoulders(a, &head, k.pattern == CAT_BICOLOUR ? k.marking : k.fur);
    for (int side = -1; side <= 1; side += 2)
        draw_cat_ear(a, &head, side, &k);
    paint(a, oval_shape(&head), NULL, fur_fill(a, k.fur));
    draw_cat_markings(a, &head, &k);
    draw_cat_eyes(a, &head, &k);
    draw_cat_muzzle(a, &head, &k, nose_dy);
    draw_whiskers(a, &head, nose_dy + 16, rng_range(&a->r, 2, 3), k.whisker);
}

// ----------------------------------------------------------------------------
// Other animals: rounded, floppy or long ears, or none.

/* A broad snout with a big dark oval nose and a smiling mouth. */
static void draw_snout(art *a, const oval *head, rgb snout, int nose_size) {
    oval s = oval_sub(head, 0, 40, 46, 34);
    paint(a, oval_shape(&s), NULL, fur_fill(a, snout));
    pt n = oval_at(head, 0, 22);
    int32_t nrx = pct(head->rx, nose_size), nry = nrx * 2 / 3;
    paint_flat(a, ellipse(n, nrx, nry), BLACK);
    paint_flat(a, ellipse(point(n.x - nrx / 3, n.y - nry / 3), nrx / 3, nry / 3), colour(120, 120, 125));
    paint_flat(a, capsule(n, oval_at(head, 0, 46), 5), BLACK);
    oval mouth = oval_sub(head, 0, 38, 24, 16);
    paint_flat(a, band(mouth.c, mouth.rx, mouth.ry, 5, 1), BLACK);
}

static void draw_dog(art *a) {
    rgb fur = rgb_pick(&a->r, FURS, N_FURS, 14);
    rgb ear = rng_chance(&a->r, 60) ? rgb_shade(fur, 65) : fur;
    oval head = random_head(&a->r, 14, 20);
    head.ry = pct(head.rx, rng_range(&a->r, 95, 112));
    bool floppy = rng_chance(&a->r, 65);
    if (rng_chance(&a->r, 50))
        draw_shoulders(a, &head, fur);
    if (!floppy) {
        for (int side = -1; side <= 1; side += 2) {
            oval e = make_oval(oval_rim(&head, side_angle(side, 45), 100), pct(head.rx, 28),
                               pct(head.ry, 40));
            paint(a, oval_shape(&e), NULL, fur_fill(a, ear));
        }
    }
    paint(a, oval_shape(&head), NULL, fur_fill(a, fur));
    if (floppy) {
        int drop = rng_range(&a->r, 0, 25);
        for (int side = -1; side <= 1; side += 2) {
            oval e = oval_sub(&head, side * 92, drop, 30, 68);
            paint(a, oval_shape(&e), NULL, fur_fill(a, ear));
        }
    }
    draw_round_eyes(a, &head, 34, -12, 12);
    rgb snout = rng_chance(&a->r, 50) ? rgb_mix(fur, WHITE, 1, 2) : fur;
    draw_snout(a, &head, snout, 17);
    if (rng_chance(&a->r, 40))
        paint_flat(a, ellipse(oval_at(&head, 0, 62), pct(head.rx, 11), pct(head.ry, 13)), PINK);
}

static void draw_bear(art *a) {
    bool panda = rng_chance(&a->r, 25);
    rgb fur = panda ? WHITE : rgb_pick(&a->r, FURS, N_FURS, 14);
    rgb dark = panda ? BLACK : rgb_shade(fur, 70);
    oval head = random_head(&a->r, 14, 20);
    int ear_angle = rng_angle(&a->r, 35, 50);
    int32_t ear_r = pct(head.rx, rng_range(&a->r, 26, 34));
    for (int side = -1; side <= 1; side += 2) {
        pt c = oval_rim(&head, side_angle(side, ear_angle), 95);
        paint(a, circle(c, ear_r), NULL, fur_fill(a, dark));
        paint_flat(a, circle(c, ear_r / 2), panda ? colour(70, 70, 70) : rgb_shade(fur, 50));
    }
    paint(a, oval_shape(&head), NULL, fur_fill(a, fur));
    if (panda) {
        for (int side = -1; side <= 1; side += 2) {
            oval patch = oval_sub(&head, side * 36, -6, 24, 30);
            paint_flat(a, oval_shape(&patch), BLACK);
        }
        for (int side = -1; side <= 1; side += 2)
            draw_eye(a, oval_at(&head, side * 36, -10), pct(head.rx, 8), WHITE, PUPIL_ROUND);
    } else {
        draw_round_eyes(a, &head, 32, -12, 9);
    }
    draw_snout(a, &head, rgb_mix(fur, WHITE, 1, 2), 15);
}

static void draw_mouse(art *a) {
    rgb fur = rgb_pick(&a->r, FURS, N_FURS, 14);
    oval head = random_head(&a->r, 10, 17);
    int32_t ear_r = pct(head.rx, rng_range(&a->r, 50, 65));
    int ear_angle = rng_angle(&a->r, 40, 55);
    for (int side = -1; side <= 1; side += 2) {
        pt c = oval_rim(&head, side_angle(side, ear_angle), 105);
        paint(a, circle(c, ear_r), NULL, fur_fill(a, fur));
        paint_flat(a, circle(c, pct(ear_r, 65)), PINK);
    }
    paint(a, oval_shape(&head), NULL, fur_fill(a, fur));
    draw_round_eyes(a, &head, 32, -8, 11);
    pt n = oval_at(&head, 0, 35);
    paint_flat(a, circle(n, pct(head.rx, 10)), rng_chance(&a->r, 60) ? PINK : BLACK);
    if (rng_chance(&a->r, 50))
        draw_whiskers(a, &head, 42, 2, rgb_contrast(fur));
}

static void draw_rabbit(art *a) {
    rgb fur = rgb_pick(&a->r, FURS, N_FURS, 14);
    oval head = random_head(&a->r, 11, 17);
    head.c.y += px(4);
    bool lop = rng_chance(&a->r, 30);
    for (int side = -1; side <= 1; side += 2) {
        oval e = lop ? oval_sub(&head, side * 95, 30, 26, 85)
                     : oval_sub(&head, side * rng_range(&a->r, 25, 40), -150, 24, 80);
        paint(a, oval_shape(&e), NULL, fur_fill(a, fur));
        oval in = make_oval(e.c, pct(e.rx, 50), pct(e.ry, 78));
        paint_flat(a, oval_shape(&in), lop ? rgb_shade(fur, 80) : PINK);
    }
    paint(a, oval_shape(&head), NULL, fur_fill(a, fur));
    draw_round_eyes(a, &head, 36, -10, 13);
    pt n = oval_at(&head, 0, 28);
    paint_flat(a, ellipse(n, pct(head.rx, 9), pct(head.ry, 6)), PINK);
    if (rng_chance(&a->r, 50))
        paint_flat(a, rect(n.x - pct(head.rx, 9), oval_at(&head, 0, 42).y, n.x + pct(head.rx, 9),
                           oval_at(&head, 0, 62).y), WHITE);
    if (rng_chance(&a->r, 40))
        draw_whiskers(a, &head, 34, 2, rgb_contrast(fur));
}

static void draw_pig(art *a) {
    rgb skin = rgb_jitter(&a->r, colour(240, 175, 170), 15);
    oval head = random_head(&a->r, 13, 20);
    for (int side = -1; side <= 1; side += 2) {
        oval e = make_oval(oval_rim(&head, side_angle(side, 50), 95), pct(head.rx, 28),
                           pct(head.ry, 22));
        paint_flat(a, oval_shape(&e), rgb_shade(skin, 90));
    }
    paint_flat(a, oval_shape(&head), skin);
    draw_round_eyes(a, &head, 35, -15, 9);
    oval snout = oval_sub(&head, 0, 30, 36, 26);
    paint_flat(a, oval_shape(&snout), rgb_shade(skin, 85));
    for (int side = -1; side <= 1; side += 2)
        paint_flat(a, ellipse(oval_at(&snout, side * 40, 0), pct(snout.rx, 14), pct(snout.ry, 28)),
                   rgb_shade(skin, 45));
}

static void draw_frog(art *a) {
    rgb skin = rgb_jitter(&a->r, rng_chance(&a->r, 70) ? colour(90, 170, 70) : colour(150, 160, 60), 20);
    oval head = random_head(&a->r, 14, 21);
    head.ry = pct(head.rx, rng_range(&a->r, 60, 72));
    paint_flat(a, oval_shape(&head), skin);
    for (int side = -1; side <= 1; side += 2) {
        pt c = oval_at(&head, side * 50, -75);
        paint_flat(a, circle(c, pct(head.rx, 26)), skin);
        draw_eye(a, c, pct(head.rx, 16), colour(220, 200, 60), PUPIL_ROUND);
    }
    oval mouth = oval_sub(&head, 0, 10, 60, 35);
    paint_flat(a, band(mouth.c, mouth.rx, mouth.ry, 6, 1), rgb_shade(skin, 40));
}

static const rgb SKINS[] = {{245, 210, 180}, {225, 180, 140}, {180, 130, 90}, {120, 80, 55}};
static const rgb HAIRS[] = {{40, 30, 25}, {110, 70, 40}, {220, 190, 110}, {170, 80, 40}, {200, 200, 200}};

static void draw_person(art *a) {
    rgb skin = rgb_pick(&a->r, SKINS, COUNT(SKINS), 10);
    rgb hair = rgb_pick(&a->r, HAIRS, COUNT(HAIRS), 10);
    oval head = random_head(&a->r, 12, 19);
    head.ry = pct(head.rx, rng_range(&a->r, 105, 120));
    for (int side = -1; side <= 1; side += 2)
        paint_flat(a, ellipse(oval_at(&head, side * 98, 5), pct(head.rx, 16), pct(head.ry, 18)), skin);
    paint_flat(a, oval_shape(&head), skin);
    oval cap = oval_sub(&head, 0, -12, 106, 100);
    shape upper = rect(head.c.x - 2 * head.rx, head.c.y - 2 * head.ry, head.c.x + 2 * head.rx,
                       oval_at(&head, 0, -45).y);
    paint(a, oval_shape(&cap), &upper, fur_fill(a, hair));
    draw_round_eyes(a, &head, 35, -8, 10);
    paint_flat(a, capsule(oval_at(&head, 0, 0), oval_at(&head, -4, 22), 6), rgb_shade(skin, 75));
    oval mouth = oval_sub(&head, 0, 30, 35, 20);
    paint_flat(a, band(mouth.c, mouth.rx, mouth.ry, 6, 1), colour(150, 60, 60));
}

static void draw_chick(art *a) {
    rgb body = rgb_jitter(&a->r, rng_chance(&a->r, 60) ? colour(245, 210, 60) : colour(170, 120, 70), 15);
    oval head = random_head(&a->r, 12, 19);
    paint(a, oval_shape(&head), NULL, fur_fill(a, body));
    draw_round_eyes(a, &head, 35, -15, 12);
    pt b = oval_at(&head, 0, 10);
    int32_t bw = pct(head.rx, 20);
    paint_flat(a, triangle(point(b.x - bw, b.y), point(b.x + bw, b.y), point(b.x, b.y + bw * 3 / 2)),
               colour(235, 130, 30));
    for (int side = -1; side <= 1; side += 2)
        paint_flat(a, ellipse(oval_at(&head, side * 95, 40), pct(head.rx, 22), pct(head.ry, 35)),
                   rgb_shade(body, 80));
}

// ----------------------------------------------------------------------------
// Objects.

/* Where an object sits and how big it is, like a head. */
static oval random_spot(rng *r, int min_px, int max_px) {
    return random_head(r, min_px, max_px);
}

static void draw_table(art *a, int32_t top) {
    rgb wood = rgb_pick(&a->r, FLOORS, COUNT(FLOORS), 15);
    paint(a, rect(0, top, px(IMG_SIDE), px(IMG_SIDE)), NULL, textured(&a->fine, wood, rgb_shade(wood, 80)));
}

static void draw_mug(art *a) {
    oval o = random_spot(&a->r, 10, 16);
    rgb c = rgb_random(&a->r, 30, 240);
    int32_t x0 = o.c.x - o.rx, x1 = o.c.x + o.rx;
    int32_t y0 = o.c.y - o.ry, y1 = o.c.y + o.ry;
    draw_table(a, y1 - px(2));
    paint_flat(a, band(point(x1, o.c.y), o.rx / 2, o.ry / 2, px(2), 0), c);
    paint(a, rect(x0, y0, x1, y1), NULL, gradient(FILL_HORIZONTAL, c, rgb_shade(c, 70), x0, x1));
    paint_flat(a, ellipse(point(o.c.x, y0), o.rx, px(2)), rgb_shade(c, 50));
    if (rng_chance(&a->r, 50))
        paint_flat(a, rect(x0, o.c.y - px(2), x1, o.c.y + px(2)), rgb_contrast(c));
}

static void draw_ball(art *a) {
    oval o = random_spot(&a->r, 10, 19);
    o.ry = o.rx;
    shape clip = oval_shape(&o);
    int style = rng_range(&a->r, 0, 2);
    rgb c = rgb_random(&a->r, 40, 240);
    paint(a, clip, NULL, gradient(FILL_VERTICAL, c, rgb_shade(c, 65), o.c.y - o.ry, o.c.y + o.ry));
    if (style == 0) {
        rgb stripe = rgb_random(&a->r, 40, 240);
        paint(a, ellipse(o.c, o.rx / 3, o.ry), &clip, flat(stripe));
    } else if (style == 1) {
        rgb line = rgb_contrast(c);
        paint(a, capsule(oval_at(&o, 0, -100), oval_at(&o, 0, 100), 6), &clip, flat(line));
        paint(a, capsule(oval_at(&o, -100, 0), oval_at(&o, 100, 0), 6), &clip, flat(line));
        paint(a, band(oval_at(&o, -100, 0), o.rx / 2, o.ry, 6, 0), &clip, flat(line));
        paint(a, band(oval_at(&o, 100, 0), o.rx / 2, o.ry, 6, 0), &clip, flat(line));
    } else {
        paint(a, band(oval_at(&o, -120, 0), o.rx, o.ry, 8, 0), &clip, flat(WHITE));
        paint(a, band(oval_at(&o, 120, 0), o.rx, o.ry, 8, 0), &clip, flat(WHITE));
    }
    paint_flat(a, ellipse(oval_at(&o, -35, -40), pct(o.rx, 20), pct(o.ry, 14)), rgb_mix(c, WHITE, 2, 3));
}

static void draw_house(art *a) {
    oval o = random_spot(&a->r, 12, 19);
    rgb wall = rgb_random(&a->r, 60, 240);
    rgb roof = rgb_random(&a->r, 30, 180);
    int32_t x0 = o.c.x - o.rx, x1 = o.c.x + o.rx;
    int32_t top = o.c.y - pct(o.ry, 20), bottom = o.c.y + o.ry;
    int32_t peak = o.c.y - pct(o.ry, 110);
    paint_flat(a, rect(x1 - pct(o.rx, 45), peak, x1 - pct(o.rx, 25), top), rgb_shade(roof, 80));
    paint(a, rect(x0, top, x1, bottom), NULL, textured(&a->coarse, wall, rgb_shade(wall, 85)));
    paint_flat(a, triangle(point(x0 - px(2), top), point(x1 + px(2), top), point(o.c.x, peak)), roof);
    paint_flat(a, rect(o.c.x - pct(o.rx, 15), bottom - pct(o.ry, 55), o.c.x + pct(o.rx, 15), bottom),
               rgb_shade(roof, 60));
    for (int side = -1; side <= 1; side += 2) {
        pt w = oval_at(&o, side * 55, 20);
        int32_t s = pct(o.rx, 16);
        paint_flat(a, rect(w.x - s, w.y - s, w.x + s, w.y + s), colour(170, 210, 235));
        paint_flat(a, rect(w.x - 4, w.y - s, w.x + 4, w.y + s), WHITE);
    }
}

static void draw_car(art *a) {
    oval o = random_spot(&a->r, 15, 22);
    rgb body = rgb_random(&a->r, 30, 240);
    int32_t x0 = o.c.x - o.rx, x1 = o.c.x + o.rx;
    int32_t y0 = o.c.y - pct(o.ry, 10), y1 = o.c.y + pct(o.ry, 40);
    int32_t roof = o.c.y - pct(o.ry, 55);
    paint_flat(a, quad(point(x0 + pct(o.rx, 25), y0), point(x0 + pct(o.rx, 40), roof),
                       point(x1 - pct(o.rx, 35), roof), point(x1 - pct(o.rx, 15), y0)), body);
    paint_flat(a, quad(point(x0 + pct(o.rx, 33), y0), point(x0 + pct(o.rx, 44), roof + px(1)),
                       point(x1 - pct(o.rx, 38), roof + px(1)), point(x1 - pct(o.rx, 22), y0)),
               colour(170, 200, 225));
    paint(a, rect(x0, y0, x1, y1), NULL, gradient(FILL_VERTICAL, body, rgb_shade(body, 70), y0, y1));
    for (int side = -1; side <= 1; side += 2) {
        pt w = point(o.c.x + pct(o.rx, side * 58), y1);
        paint_flat(a, circle(w, pct(o.rx, 20)), BLACK);
        paint_flat(a, circle(w, pct(o.rx, 9)), colour(170, 170, 175));
    }
    paint_flat(a, rect(x1 - px(2), y0 + px(1), x1, y0 + px(3)), colour(250, 230, 120));
}

static void draw_flower(art *a) {
    oval o = random_spot(&a->r, 9, 16);
    o.ry = o.rx;
    rgb petal = rgb_random(&a->r, 90, 250);
    rgb centre = rgb_jitter(&a->r, rng_chance(&a->r, 50) ? colour(240, 200, 40) : colour(110, 70, 30), 15);
    rgb green = rgb_jitter(&a->r, colour(60, 140, 50), 15);
    paint_flat(a, capsule(o.c, point(o.c.x, px(IMG_SIDE + 2)), px(1)), green);
    paint_flat(a, ellipse(point(o.c.x + pct(o.rx, 50), o.c.y + pct(o.ry, 180)), pct(o.rx, 45),
                          pct(o.ry, 18)), green);
    int step = rng_chance(&a->r, 50) ? 45 : 60;
    for (int d = 0; d < 360; d += step)
        paint_flat(a, circle(oval_rim(&o, d, 60), pct(o.rx, 40)), petal);
    paint_flat(a, circle(o.c, pct(o.rx, 32)), centre);
}

static void draw_fruit(art *a) {
    oval o = random_spot(&a->r, 9, 17);
    o.ry = pct(o.rx, rng_range(&a->r, 88, 100));
    static const rgb FRUITS[] = {{200, 30, 35}, {130, 190, 60}, {240, 140, 30}, {235, 210, 60}, {110, 40, 110}};
    rgb c = rgb_pick(&a->r, FRUITS, COUNT(FRUITS), 15);
    paint(a, oval_shape(&o), NULL, gradient(FILL_HORIZONTAL, rgb_mix(c, WHITE, 1, 4), rgb_shade(c, 65),
                                             o.c.x - o.rx, o.c.x + o.rx));
    pt top = oval_at(&o, 0, -90);
    paint_flat(a, capsule(top, point(top.x + px(1), top.y - pct(o.ry, 35)), px(1)), colour(90, 60, 30));
    if (rng_chance(&a->r, 60))
        paint_flat(a, ellipse(point(top.x + pct(o.rx, 25), top.y - pct(o.ry, 20)), pct(o.rx, 25),
                              pct(o.ry, 10)), colour(70, 150, 50));
    paint_flat(a, ellipse(oval_at(&o, -40, -35), pct(o.rx, 12), pct(o.ry, 18)), rgb_mix(c, WHITE, 2, 3));
}

static void draw_clock(art *a) {
    oval o = random_spot(&a->r, 11, 19);
    o.ry = o.rx;
    rgb rim = rgb_random(&a->r, 20, 200);
    paint_flat(a, oval_shape(&o), WHITE);
    paint_flat(a, band(o.c, o.rx, o.ry, px(1) + 4, 0), rim);
    for (int d = 0; d < 360; d += 30)
        paint_flat(a, capsule(oval_rim(&o, d, 78), oval_rim(&o, d, 88), 5), BLACK);
    int hour = 30 * rng_range(&a->r, 0, 11);
    int minute = 30 * rng_range(&a->r, 0, 11);
    paint_flat(a, capsule(o.c, oval_rim(&o, hour, 45), 8), BLACK);
    paint_flat(a, capsule(o.c, oval_rim(&o, minute, 70), 6), BLACK);
}

// ----------------------------------------------------------------------------
// Scenes.

static void draw_sun(art *a, pt c, int32_t r) {
    paint_flat(a, circle(c, r), rgb_jitter(&a->r, colour(250, 215, 70), 10));
}

static void draw_cloud(art *a, pt c, int32_t r) {
    paint_flat(a, ellipse(c, r * 2, r), WHITE);
    paint_flat(a, circle(point(c.x - r / 2, c.y - r / 2), r), WHITE);
    paint_flat(a, circle(point(c.x + r / 2, c.y - r / 3), r * 3 / 4), WHITE);
}

static void draw_landscape(art *a) {
    int32_t horizon = rng_px(&a->r, 28, 46);
    rgb sky = rgb_pick(&a->r, SKIES, COUNT(SKIES), 15);
    rgb ground = rgb_pick(&a->r, GROUNDS, COUNT(GROUNDS), 15);
    paint(a, whole_canvas(), NULL, gradient(FILL_VERTICAL, sky, rgb_mix(sky, WHITE, 1, 2), 0, horizon * 2));
    pt sun = rng_point(&a->r, 6, 58, 5, 20);
    draw_sun(a, sun, rng_px(&a->r, 3, 7));
    if (rng_chance(&a->r, 60)) {
        pt cloud = rng_point(&a->r, 0, 64, 6, 20);
        draw_cloud(a, cloud, rng_px(&a->r, 3, 6));
    }
    if (rng_chance(&a->r, 50)) {
        rgb rock = rgb_jitter(&a->r, colour(120, 115, 125), 20);
        int32_t x = rng_px(&a->r, 0, 64);
        int32_t w = rng_px(&a->r, 12, 22);
        int32_t top = horizon - rng_px(&a->r, 10, 22);
        paint_flat(a, triangle(point(x - w, horizon), point(x + w, horizon), point(x, top)), rock);
        paint_flat(a, triangle(point(x - w / 4, top + (horizon - top) / 4),
                               point(x + w / 4, top + (horizon - top) / 4), point(x, top)), WHITE);
    } else {
        int32_t cx = rng_px(&a->r, 0, 64);
        int32_t rx = rng_px(&a->r, 20, 40);
        int32_t ry = rng_px(&a->r, 6, 14);
        paint_flat(a, ellipse(point(cx, horizon), rx, ry), rgb_shade(ground, 85));
    }
    paint(a, rect(0, horizon, px(IMG_SIDE), px(IMG_SIDE)), NULL,
          textured(&a->fine, ground, rgb_shade(ground, 75)));
}

static void draw_tree(art *a, pt base, int32_t size, bool pine) {
    rgb leaves = rgb_jitter(&a->r, pine ? colour(40, 110, 60) : colour(70, 150, 55), 25);
    paint_flat(a, rect(base.x - size / 6, base.y - size, base.x + size / 6, base.y), colour(100, 70, 40));
    if (pine) {
        for (int k = 0; k < 3; k++) {
            int32_t y = base.y - size / 2 - k * size / 2;
            int32_t w = size * (4 - k) / 4;
            paint_flat(a, triangle(point(base.x - w, y), point(base.x + w, y), point(base.x, y - size)), leaves);
        }
    } else {
        pt c = point(base.x, base.y - size * 3 / 2);
        paint(a, circle(c, size), NULL, textured(&a->fine, leaves, rgb_shade(leaves, 75)));
        paint(a, circle(point(c.x - size * 2 / 3, c.y + size / 3), size * 2 / 3), NULL,
              textured(&a->fine, leaves, rgb_shade(leaves, 75)));
        paint(a, circle(point(c.x + size * 2 / 3, c.y + size / 3), size * 2 / 3), NULL,
              textured(&a->fine, leaves, rgb_shade(leaves, 75)));
    }
}

static void draw_trees(art *a) {
    background_outdoor(a);
    int count = rng_range(&a->r, 1, 3);
    bool pine = rng_chance(&a->r, 50);
    for (int k = 0; k < count; k++) {
        pt base = rng_point(&a->r, 8, 56, 50, 62);
        int32_t size = rng_px(&a->r, 7, 13);
        draw_tree(a, base, size, pine);
    }
}

static void draw_night(art *a) {
    int32_t horizon = rng_px(&a->r, 36, 50);
    rgb sky = rgb_jitter(&a->r, colour(25, 30, 70), 15);
    paint(a, whole_canvas(), NULL, gradient(FILL_VERTICAL, sky, colour(70, 60, 110), 0, horizon));
    for (int k = 0; k < 12; k++) {
        pt s = rng_point(&a->r, 0, 64, 0, 30);
        paint_flat(a, circle(s, 6), WHITE);
    }
    pt moon = rng_point(&a->r, 8, 56, 6, 20);
    int32_t r = rng_px(&a->r, 4, 8);
    paint_flat(a, circle(moon, r), colour(240, 235, 200));
    if (rng_chance(&a->r, 50))
        paint_flat(a, circle(point(moon.x + r / 2, moon.y - r / 3), r), sky);
    paint(a, rect(0, horizon, px(IMG_SIDE), px(IMG_SIDE)), NULL,
          textured(&a->coarse, colour(20, 40, 30), colour(40, 60, 40)));
}

// ----------------------------------------------------------------------------
// Non-cats: one of the above, by weight.

typedef void (*draw_fn)(art *a);

typedef struct noncat_kind {
    draw_fn draw;
    int weight;       /* out of the sum of weights */
    bool own_background;
} noncat_kind;

static const noncat_kind NONCATS[] = {
    {draw_dog, 14, false},   {draw_bear, 8, false},   {draw_mouse, 8, false},
    {draw_rabbit, 8, false}, {draw_pig, 5, false},    {draw_frog, 4, false},
    {draw_person, 5, false}, {draw_chick, 3, false},  {draw_mug, 4, false},
    {draw_ball, 5, false},   {draw_house, 4, false},  {draw_car, 4, false},
    {draw_flower, 4, false}, {draw_fruit, 5, false},  {draw_clock, 4, false},
    {draw_landscape, 6, true}, {draw_trees, 5, true}, {draw_night, 4, true},
};
enum { N_NONCATS = COUNT(NONCATS) };

static const noncat_kind *pick_noncat(rng *r) {
    int total = 0;
    for (int i = 0; i < N_NONCATS; i++)
        total += NONCATS[i].weight;
    int t = rng_range(r, 0, total - 1);
    for (int i = 0; i < N_NONCATS; i++) {
        if (t < NONCATS[i].weight)
            return &NONCATS[i];
        t -= NONCATS[i].weight;
    }
    return &NONCATS[N_NONCATS - 1];
}

// ----------------------------------------------------------------------------
// One image, from its identity to 64x64 RGB pixels.

enum { PURPOSE_DRAW = 0, PURPOSE_NOISE = 1 };

static void render_image(uint64_t seed, int split, int cls, int index, uint8_t *samples,
                         uint8_t *pixels) {
    art a;
    a.samples = samples;
    a.r = rng_for(seed, split, cls, index, PURPOSE_DRAW);
    noise_init(&a.fine, &a.r, 2);
    noise_init(&a.coarse, &a.r, 8);
    if (CLASSES[cls].is_cat) {
        draw_background(&a);
        draw_cat(&a);
    } else {
        const noncat_kind *kind = pick_noncat(&a.r);
        if (!kind->own_background)
            draw_background(&a);
        kind->draw(&a);
    }
    downsample(samples, pixels);
    expose(pixels, rng_range(&a.r, EXPOSURE_LO, 100));
    int amount = rng_range(&a.r, 2, 5);
    rng noise = rng_for(seed, split, cls, index, PURPOSE_NOISE);
    add_noise(pixels, &noise, amount);
}

// ----------------------------------------------------------------------------
// Files: paths, folders, PNG in and out.

static void report(const char *path, const char *reason) {
    fprintf(stderr, "make_demo: %s: %s\n", path, reason);
}

/* dst = a "/" b; false (and a report) if it does not fit. */
static bool join_path(char *dst, const char *a, const char *b) {
    int n = snprintf(dst, PATH_CAP, "%s/%s", a, b);
    if (n < 0 || n >= PATH_CAP) {
        report(a, "path too long");
        return false;
    }
    return true;
}

static void image_name(char *dst, size_t cap, int cls, int index) {
    snprintf(dst, cap, "%s%03d.png", CLASSES[cls].prefix, index);
}

/* Create a folder unless it already exists as one. */
static bool ensure_dir(const char *path) {
    if (mkdir(path, 0777) == 0)
        return true;
    if (errno != EEXIST) {
        report(path, strerror(errno));
        return false;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        report(path, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        report(path, "exists and is not a directory");
        return false;
    }
    return true;
}

static bool write_png(const char *path, const uint8_t *pixels) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = IMG_SIDE;
    image.height = IMG_SIDE;
    image.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_file(&image, path, 0, pixels, 0, NULL)) {
        report(path, image.message);
        png_image_free(&image);
        return false;
    }
    png_image_free(&image);
    return true;
}

/* Decode path into 64x64 RGB pixels; false (and a report) if impossible. */
static bool read_png(const char *path, uint8_t *pixels) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) {
        report(path, image.message);
        png_image_free(&image);
        return false;
    }
    if (image.width != IMG_SIDE || image.height != IMG_SIDE) {
        char why[64];
        snprintf(why, sizeof why, "is %ux%u, expected %dx%d", (unsigned)image.width,
                 (unsigned)image.height, IMG_SIDE, IMG_SIDE);
        report(path, why);
        png_image_free(&image);
        return false;
    }
    image.format = PNG_FORMAT_RGB;
    if (!png_image_finish_read(&image, NULL, pixels, 0, NULL)) {
        report(path, image.message);
        png_image_free(&image);
        return false;
    }
    png_image_free(&image);
    return true;
}

// ----------------------------------------------------------------------------
// Write mode.

static bool write_class(uint64_t seed, const char *split_dir, int split, int cls,
                        uint8_t *samples, uint8_t *pixels) {
    char dir[PATH_CAP], path[PATH_CAP], name[64];
    if (!join_path(dir, split_dir, CLASSES[cls].dir) || !ensure_dir(dir))
        return false;
    for (int i = 0; i < SPLITS[split].count[cls]; i++) {
        image_name(name, sizeof name, cls, i);
        if (!join_path(path, dir, name))
            return false;
        render_image(seed, split, cls, i, samples, pixels);
        if (!write_png(path, pixels))
            return false;
    }
    return true;
}

static int write_all(uint64_t seed, const char *outdir, uint8_t *samples, uint8_t *pixels) {
    char split_dir[PATH_CAP];
    int total = 0;
    if (!ensure_dir(outdir))
        return 1;
    for (int s = 0; s < 2; s++) {
        if (!join_path(split_dir, outdir, SPLITS[s].dir) || !ensure_dir(split_dir))
            return 1;
        for (int c = 0; c < 2; c++) {
            if (!write_class(seed, split_dir, s, c, samples, pixels))
                return 1;
            total += SPLITS[s].count[c];
        }
    }
    printf("make_demo: wrote %d images to %s\n", total, outdir);
    return 0;
}

// ----------------------------------------------------------------------------
// Verify mode.

static bool is_expected_image(const char *entry, int cls, int count) {
    char name[64];
    for (int i = 0; i < count; i++) {
        image_name(name, sizeof name, cls, i);
        if (strcmp(entry, name) == 0)
            return true;
    }
    return false;
}

static bool is_class_dir(const char *entry) {
    return strcmp(entry, CLASSES[0].dir) == 0 || strcmp(entry, CLASSES[1].dir) == 0;
}

/* Report entries of dir that neither a class folder (cls < 0) nor an image
 * of class cls; return how many. */
static int count_unexpected(const char *dir, int cls, int count) {
    DIR *d = opendir(dir);
    if (!d) {
        report(dir, strerror(errno));
        return 1;
    }
    int bad = 0;
    char path[PATH_CAP];
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        bool known = cls < 0 ? is_class_dir(e->d_name) : is_expected_image(e->d_name, cls, count);
        if (!known) {
            if (join_path(path, dir, e->d_name))
                report(path, "unexpected file");
            bad++;
        }
    }
    closedir(d);
    return bad;
}

/* Compare each image of one class folder with its drawing; return failures. */
static int verify_class(uint64_t seed, const char *split_dir, int split, int cls,
                        uint8_t *samples, uint8_t *pixels, uint8_t *decoded) {
    char dir[PATH_CAP], path[PATH_CAP], name[64];
    if (!join_path(dir, split_dir, CLASSES[cls].dir))
        return 1;
    int bad = 0;
    for (int i = 0; i < SPLITS[split].count[cls]; i++) {
        image_name(name, sizeof name, cls, i);
        if (!join_path(path, dir, name)) {
            bad++;
            continue;
        }
        render_image(seed, split, cls, i, samples, pixels);
        if (!read_png(path, decoded)) {
            bad++;
        } else if (memcmp(pixels, decoded, IMG_BYTES) != 0) {
            report(path, "differs");
            bad++;
        }
    }
    return bad + count_unexpected(dir, cls, SPLITS[split].count[cls]);
}

static int verify_all(uint64_t seed, const char *root, uint8_t *samples, uint8_t *pixels) {
    uint8_t *decoded = malloc(IMG_BYTES);
    if (!decoded) {
        report(root, "out of memory");
        return 1;
    }
    char split_dir[PATH_CAP];
    int bad = 0, total = 0;
    for (int s = 0; s < 2; s++) {
        if (!join_path(split_dir, root, SPLITS[s].dir)) {
            bad++;
            continue;
        }
        bad += count_unexpected(split_dir, -1, 0);
        for (int c = 0; c < 2; c++) {
            bad += verify_class(seed, split_dir, s, c, samples, pixels, decoded);
            total += SPLITS[s].count[c];
        }
    }
    free(decoded);
    if (bad > 0)
        return 1;
    printf("make_demo: %d images in %s match the drawing (seed 0x%llx)\n", total, root,
           (unsigned long long)seed);
    return 0;
}

// ----------------------------------------------------------------------------
// Command line.

static void usage(FILE *out) {
    fprintf(out,
            "usage: make_demo [--seed N] OUTDIR\n"
            "       make_demo [--seed N] --verify DIR\n"
            "Draws catlr's synthetic demo set: OUTDIR/{train,test}/{cat,non-cat}/*.png,\n"
            "64x64 RGB, %d+%d training and %d+%d test images (cat+non-cat).\n"
            "--verify redraws every image in memory and compares it pixel by pixel with\n"
            "the decoded PNG in DIR; missing, differing or unexpected files fail (exit 1).\n"
            "--seed N picks another master seed (default 0x%llx).\n",
            SPLITS[0].count[0], SPLITS[0].count[1], SPLITS[1].count[0], SPLITS[1].count[1],
            (unsigned long long)DEFAULT_SEED);
}

static int bad_usage(const char *why) {
    fprintf(stderr, "make_demo: %s\n", why);
    usage(stderr);
    return 2;
}

static bool parse_seed(const char *text, uint64_t *seed) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
        return false;
    *seed = (uint64_t)v;
    return true;
}

int main(int argc, char **argv) {
    uint64_t seed = DEFAULT_SEED;
    bool verify = false;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--verify") == 0) {
            verify = true;
        } else if (strcmp(argv[i], "--seed") == 0) {
            if (i + 1 >= argc || !parse_seed(argv[i + 1], &seed))
                return bad_usage("--seed needs a non-negative integer");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return bad_usage("unknown option");
        } else if (dir) {
            return bad_usage("too many arguments");
        } else {
            dir = argv[i];
        }
    }
    if (!dir)
        return bad_usage(verify ? "--verify needs a directory" : "missing OUTDIR");
    uint8_t *samples = malloc(CANVAS_BYTES);
    uint8_t *pixels = malloc(IMG_BYTES);
    int rc = 1;
    if (!samples || !pixels)
        report(dir, "out of memory");
    else
        rc = verify ? verify_all(seed, dir, samples, pixels) : write_all(seed, dir, samples, pixels);
    free(samples);
    free(pixels);
    return rc;
}
