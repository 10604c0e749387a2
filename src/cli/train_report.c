/* train_report.c: the course's lines, the CSV curve, the chart, the live
 * progress line and the learning-rate table of `catlr train`. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catlr/plot.h"
#include "common.h"
#include "train_report.h"

int train_report_parse_rates(const char *s, double rates[TRAIN_REPORT_MAX_RATES],
                             size_t *n) {
    return cli_parse_list(s, cli_parse_positive, rates, TRAIN_REPORT_MAX_RATES, n);
}

// ----------------------------------------------------------------------------
// The progress line.

size_t train_report_progress_line(char *buf, size_t size, size_t rate_index,
                                  size_t n_rates, size_t iteration, size_t iterations,
                                  double cost, double elapsed, int colour) {
    char rate_part[48] = "", speed[32] = "-- it/s", left[32] = "";
    if (n_rates > 1)
        snprintf(rate_part, sizeof rate_part, "rate %zu/%zu  ", rate_index + 1, n_rates);
    if (iteration > 0 && elapsed > 0) {
        double per_second = iteration / elapsed;
        double remaining = (iterations - iteration) / per_second;
        unsigned long secs = (unsigned long)(remaining + 0.5);
        snprintf(speed, sizeof speed, "%.0f it/s", per_second);
        snprintf(left, sizeof left, "  %lu:%02lu left", secs / 60, secs % 60);
    }
    char cost_text[32];
    snprintf(cost_text, sizeof cost_text, "%f", cost);
    /* cyan cost, as the one number to watch; the escapes take no columns */
    const char *on = colour ? "\033[36m" : "", *off = colour ? "\033[0m" : "";
    int n = snprintf(buf, size, "%siteration %zu/%zu  cost %s%s%s  %s%s", rate_part,
                     iteration, iterations, on, cost_text, off, speed, left);
    size_t escapes = strlen(on) + strlen(off);
    return n > 0 && (size_t)n > escapes ? (size_t)n - escapes : 0;
}

static double seconds_between(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) * 1e-9;
}

/* Wipe the progress line, so the next output starts on a clean line. */
static void clear_progress(train_report *r) {
    if (r->shown == 0)
        return;
    fprintf(r->errf, "\r%*s\r", (int)r->shown, "");
    fflush(r->errf);
    r->shown = 0;
}

/* Redraw at most ten times a second: a terminal redrawn at every one of
 * thousands of iterations a second costs more than the training. */
static void draw_progress(train_report *r, size_t iteration) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (iteration > 0 && seconds_between(&r->last_draw, &now) < 0.1)
        return;
    r->last_draw = now;
    char line[256];
    size_t width = train_report_progress_line(
        line, sizeof line, r->rate_index, r->cfg.n_rates, iteration, r->cfg.iterations,
        r->last_cost, seconds_between(&r->run_start, &now), r->colour);
    /* pad over what is left of a longer previous line */
    int pad = r->shown > width ? (int)(r->shown - width) : 0;
    fprintf(r->errf, "\r%s%*s", line, pad, "");
    fflush(r->errf);
    r->shown = width + (size_t)pad;
}

// ----------------------------------------------------------------------------
// Watching a run.

static void on_step(void *user, const catlr_train_step *step) {
    train_report *r = user;
    size_t i = step->iteration;
    if (step->has_cost) {
        r->last_cost = step->cost;
        if (r->curve_fp != NULL) {
            if (r->cfg.n_rates > 1)
                fprintf(r->curve_fp, "%.17g,", r->cfg.rates[r->rate_index]);
            fprintf(r->curve_fp, "%zu,%.17g", i, step->cost);
            if (r->cfg.has_test)
                fprintf(r->curve_fp, ",%.17g", step->test_cost);
            fputc('\n', r->curve_fp);
        }
        size_t k = r->rate_index, at = k * r->cfg.iterations + i;
        if (r->costs != NULL)
            r->costs[at] = step->cost;
        if (r->test_costs != NULL)
            r->test_costs[at] = step->test_cost;
        /* the chart takes the run up to its first cost that is not finite
         * (a diverging test cost can overflow before the training cost) */
        if (r->costs != NULL && r->recorded[k] == i && isfinite(step->cost) &&
            (r->test_costs == NULL || isfinite(step->test_cost)))
            r->recorded[k] = i + 1;
        if (i % r->cfg.print_every == 0) {
            clear_progress(r); /* stdout and stderr may share the terminal */
            fprintf(r->out, "Cost after iteration %zu: %f\n", i, step->cost);
            fflush(r->out);
        }
    }
    /* gone before the last step: the caller prints the accuracies as soon
     * as catlr_train returns, with no call in between to clear it */
    if (r->progress && i + 1 < r->cfg.iterations)
        draw_progress(r, i);
    else
        clear_progress(r);
}

void train_report_start_run(train_report *r, size_t k, catlr_train_opts *opts) {
    r->rate_index = k;
    opts->lr = r->cfg.rates[k];
    opts->on_step = on_step;
    opts->user = r;
    /* the curve needs every iteration's cost; otherwise only the printed
     * ones are computed */
    opts->report_every = r->curve_fp != NULL || r->costs != NULL ? 1 : r->cfg.print_every;
    if (r->cfg.n_rates > 1)
        fprintf(r->out, "%slearning rate: %g\n", k > 0 ? "\n" : "", r->cfg.rates[k]);
    clock_gettime(CLOCK_MONOTONIC, &r->run_start);
    r->last_draw = r->run_start;
}

int train_report_end_run(train_report *r, const catlr_model *model, double train_accuracy,
                         double test_accuracy) {
    clear_progress(r);
    size_t k = r->rate_index;
    r->final_cost[k] = model->final_cost;
    r->train_accuracy[k] = train_accuracy;
    r->test_accuracy[k] = test_accuracy;
    if (!r->have_best) {
        r->have_best = 1;
        r->best = k;
        return 1;
    }
    size_t b = r->best;
    int better = model->final_cost < r->final_cost[b];
    if (r->cfg.has_test && test_accuracy != r->test_accuracy[b])
        better = test_accuracy > r->test_accuracy[b];
    if (better)
        r->best = k;
    return better;
}

void train_report_fail_run(train_report *r) {
    clear_progress(r);
    r->failed[r->rate_index] = 1;
}

int train_report_has_best(const train_report *r) {
    return r->have_best;
}

// ----------------------------------------------------------------------------
// Opening and closing.

/* A (n_rates, iterations) array of doubles, or NULL if it does not fit. */
static double *cost_array(const train_report_config *cfg) {
    if (cfg->iterations > SIZE_MAX / sizeof(double) / cfg->n_rates)
        return NULL;
    return malloc(cfg->n_rates * cfg->iterations * sizeof(double));
}

int train_report_open(train_report *r, const train_report_config *cfg, FILE *out,
                      FILE *errf) {
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    r->out = out;
    r->errf = errf;
    r->progress = !cfg->quiet && isatty(fileno(errf));
    const char *no_colour = getenv("NO_COLOR"); /* no-color.org */
    r->colour = r->progress && (no_colour == NULL || no_colour[0] == '\0');
    catlr_error err;
    if (cfg->plot != NULL && !catlr_plot_supported()) {
        /* the library's own reason, so the two never say different things */
        catlr_plot_chart none = {0};
        catlr_plot_curves_stream(&none, NULL, cfg->plot, &err);
        cli_print_error(errf, &err);
        return CLI_EXIT_FAIL;
    }
    if (cfg->plot != NULL) {
        r->costs = cost_array(cfg);
        r->test_costs = cfg->has_test ? cost_array(cfg) : NULL;
        if (r->costs == NULL || (cfg->has_test && r->test_costs == NULL)) {
            fprintf(errf, "catlr: %s: not enough memory for %zu costs\n", cfg->plot,
                    cfg->iterations);
            return train_report_close(r, 0);
        }
        if ((r->plot_fp = cli_open_output(cfg->plot, "wb", errf)) == NULL)
            return train_report_close(r, 0);
    }
    if (cfg->curve != NULL) {
        if ((r->curve_fp = cli_open_output(cfg->curve, "w", errf)) == NULL)
            return train_report_close(r, 0);
        fprintf(r->curve_fp, "%siteration,cost%s\n", cfg->n_rates > 1 ? "lr," : "",
                cfg->has_test ? ",test_cost" : "");
    }
    return -1;
}

/* The learning-rate table on stdout, and which rate the model keeps. */
static void print_rate_table(const train_report *r) {
    FILE *out = r->out;
    fprintf(out, "\n%-14s  %-10s  %-14s%s\n", "learning rate", "final cost",
            "train accuracy", r->cfg.has_test ? "  test accuracy" : "");
    for (size_t k = 0; k < r->cfg.n_rates; k++) {
        if (r->failed[k]) {
            fprintf(out, "%-14g  failed\n", r->cfg.rates[k]);
            continue;
        }
        char acc[32];
        snprintf(acc, sizeof acc, "%.2f %%", r->train_accuracy[k]);
        /* padded only where a column follows: no trailing blanks */
        if (r->cfg.has_test)
            fprintf(out, "%-14g  %-10f  %-14s  %.2f %%\n", r->cfg.rates[k], r->final_cost[k],
                    acc, r->test_accuracy[k]);
        else
            fprintf(out, "%-14g  %-10f  %s\n", r->cfg.rates[k], r->final_cost[k], acc);
    }
    if (!r->cfg.quiet)
        fprintf(r->errf, "best learning rate: %g (%s)\n", r->cfg.rates[r->best],
                r->cfg.has_test ? "highest test accuracy" : "lowest training cost");
}

/* The chart of every recorded curve, into the open plot file. */
static catlr_status draw_chart(const train_report *r, catlr_error *err) {
    catlr_plot_series series[2 * TRAIN_REPORT_MAX_RATES];
    char labels[2 * TRAIN_REPORT_MAX_RATES][64];
    size_t n = 0;
    for (size_t k = 0; k < r->cfg.n_rates; k++) {
        if (r->recorded[k] == 0)
            continue;
        for (int test = 0; test <= (r->cfg.has_test ? 1 : 0); test++, n++) {
            snprintf(labels[n], sizeof labels[n], "%s, lr = %g", test ? "test" : "train",
                     r->cfg.rates[k]);
            const double *costs = test ? r->test_costs : r->costs;
            /* one rate: train and test in two colours; several: a colour
             * per rate, the test curve dashed */
            size_t colour = r->cfg.n_rates == 1 ? (size_t)test : k;
            catlr_plot_series s = {labels[n], costs + k * r->cfg.iterations,
                                   r->recorded[k], colour, test};
            series[n] = s;
        }
    }
    catlr_plot_chart chart = {
        r->cfg.n_rates > 1 ? "Cost for each learning rate" : "Cost during training",
        "iteration", "cost", series, n, 800, 500};
    return catlr_plot_curves_stream(&chart, r->plot_fp, r->cfg.plot, err);
}

int train_report_close(train_report *r, int ok) {
    clear_progress(r);
    int code = ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    if (ok && r->cfg.n_rates > 1)
        print_rate_table(r);
    if (ok && r->plot_fp != NULL) {
        catlr_error err;
        if (draw_chart(r, &err) != CATLR_OK) {
            cli_print_error(r->errf, &err);
            code = CLI_EXIT_FAIL;
        }
    }
    if (r->curve_fp != NULL && cli_close_output(r->curve_fp, r->cfg.curve, r->errf) != 0)
        code = CLI_EXIT_FAIL;
    if (r->plot_fp != NULL && cli_close_output(r->plot_fp, r->cfg.plot, r->errf) != 0)
        code = CLI_EXIT_FAIL;
    /* half-written outputs would pass for results */
    if (code != CLI_EXIT_OK) {
        if (r->curve_fp != NULL)
            cli_remove_output(r->cfg.curve);
        if (r->plot_fp != NULL)
            cli_remove_output(r->cfg.plot);
    }
    free(r->costs);
    free(r->test_costs);
    r->curve_fp = r->plot_fp = NULL;
    r->costs = r->test_costs = NULL;
    return code;
}
