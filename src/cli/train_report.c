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

// ----------------------------------------------------------------------------
// The progress line.

size_t train_report_progress_line(char *buf, size_t size, const train_progress *p) {
    char rate_part[48] = "", speed[32] = "-- it/s", left[32] = "";
    if (p->n_rates > 1)
        snprintf(rate_part, sizeof rate_part, "rate %zu/%zu  ", p->rate_index + 1, p->n_rates);
    if (p->iteration > 0 && p->elapsed > 0) {
        double per_second = p->iteration / p->elapsed;
        double remaining = (p->iterations - p->iteration) / per_second;
        unsigned long secs = (unsigned long)(remaining + 0.5);
        snprintf(speed, sizeof speed, "%.0f it/s", per_second);
        snprintf(left, sizeof left, "  %lu:%02lu left", secs / 60, secs % 60);
    }
    char cost_text[32];
    snprintf(cost_text, sizeof cost_text, "%f", p->cost);
    /* cyan cost, as the one number to watch; the escapes take no columns.
     * "@J" says which iteration the cost is from, since it is computed only
     * every print interval while the iteration counter moves on. */
    const char *on = p->colour ? "\033[36m" : "", *off = p->colour ? "\033[0m" : "";
    int n = snprintf(buf, size, "%siteration %zu/%zu  cost %s%s%s @%zu  %s%s", rate_part,
                     p->iteration, p->iterations, on, cost_text, off, p->cost_iteration, speed,
                     left);
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
    const train_progress p = {
        .rate_index = r->rate_index,
        .n_rates = r->cfg.n_rates,
        .iteration = iteration,
        .iterations = r->cfg.iterations,
        .cost = r->last_cost,
        .cost_iteration = r->last_cost_iteration,
        .elapsed = seconds_between(&r->run_start, &now),
        .colour = r->colour,
    };
    size_t width = train_report_progress_line(line, sizeof line, &p);
    /* pad over what is left of a longer previous line */
    int pad = r->shown > width ? (int)(r->shown - width) : 0;
    fprintf(r->errf, "\r%s%*s", line, pad, "");
    fflush(r->errf);
    r->shown = width + (size_t)pad;
}

// ----------------------------------------------------------------------------
// Watching a run.

/* The curve's line of a step with costs: every such step, or with
 * --eval-every only the evaluated ones, which also carry the accuracies
 * and the validation cost. */
static void write_curve_row(train_report *r, const catlr_train_step *step) {
    const int eval = r->cfg.eval_every > 0;
    if (eval && isnan(step->train_acc))
        return;
    if (r->cfg.n_rates > 1)
        fprintf(r->curve_fp, "%.17g,", r->cfg.rates[r->rate_index]);
    fprintf(r->curve_fp, "%zu,%.17g", step->iteration, step->cost);
    if (r->cfg.has_test)
        fprintf(r->curve_fp, ",%.17g", step->test_cost);
    if (eval) {
        fprintf(r->curve_fp, ",%.17g", step->train_acc);
        if (r->cfg.has_val)
            fprintf(r->curve_fp, ",%.17g,%.17g", step->val_cost, step->val_acc);
        if (r->cfg.has_test)
            fprintf(r->curve_fp, ",%.17g", step->test_acc);
    }
    fputc('\n', r->curve_fp);
}

/* An evaluated step's accuracies into the chart's arrays, joined to the
 * previous evaluated step's (at p) by a straight line. */
static void record_accuracies(train_report *r, const catlr_train_step *step) {
    size_t k = r->rate_index, i = step->iteration, from = r->evaluated[k];
    /* evaluated steps come every eval_every iterations from 0; one that
     * did not follow the last stored means the chart ended this run */
    if (r->accuracies[0] == NULL || i != (from == 0 ? 0 : from - 1 + r->cfg.eval_every))
        return;
    const double value[3] = {step->train_acc, step->val_acc, step->test_acc};
    for (size_t s = 0; s < 3; s++) {
        if (r->accuracies[s] == NULL)
            continue;
        double *a = r->accuracies[s] + k * r->cfg.iterations;
        a[i] = value[s];
        for (size_t p = from - 1, t = from; t < i; t++)
            a[t] = a[p] + (value[s] - a[p]) * (double)(t - p) / (double)(i - p);
    }
    r->evaluated[k] = i + 1;
}

static void on_step(void *user, const catlr_train_step *step) {
    train_report *r = user;
    size_t i = step->iteration;
    if (step->has_cost) {
        r->last_cost = step->cost;
        r->last_cost_iteration = i;
        if (r->curve_fp != NULL)
            write_curve_row(r, step);
        size_t k = r->rate_index, at = k * r->cfg.iterations + i;
        if (r->costs != NULL)
            r->costs[at] = step->cost;
        if (r->test_costs != NULL)
            r->test_costs[at] = step->test_cost;
        if (r->val_costs != NULL)
            r->val_costs[at] = step->val_cost;
        /* the chart takes the run up to its first cost that is not finite
         * (a diverging test cost can overflow before the training cost) */
        if (r->costs != NULL && r->recorded[k] == i && isfinite(step->cost) &&
            (r->test_costs == NULL || isfinite(step->test_cost)))
            r->recorded[k] = i + 1;
        if (!isnan(step->train_acc) && r->recorded[k] == i + 1)
            record_accuracies(r, step);
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

void train_report_start_run(train_report *r, size_t k, catlr_train_params *params,
                            catlr_train_hooks *hooks) {
    r->rate_index = k;
    params->lr = r->cfg.rates[k];
    hooks->on_step = on_step;
    hooks->user = r;
    /* the curve needs every iteration's cost (with --eval-every only the
     * evaluated ones, which carry theirs), the chart every iteration's;
     * otherwise only the printed ones are computed */
    int every = (r->curve_fp != NULL && r->cfg.eval_every == 0) || r->costs != NULL;
    params->report_every = every ? 1 : r->cfg.print_every;
    params->eval_every = r->cfg.eval_every;
    if (r->cfg.n_rates > 1)
        fprintf(r->out, "%slearning rate: %g\n", k > 0 ? "\n" : "", r->cfg.rates[k]);
    clock_gettime(CLOCK_MONOTONIC, &r->run_start);
    r->last_draw = r->run_start;
}

int train_report_end_run(train_report *r, const catlr_model *model,
                         const train_run_scores *scores) {
    clear_progress(r);
    size_t k = r->rate_index;
    r->final_cost[k] = model->final_cost;
    r->train_accuracy[k] = scores->train;
    r->val_accuracy[k] = scores->validation;
    r->test_accuracy[k] = scores->test; /* shown, never compared */
    r->val_cost[k] = model->final_val_cost;
    if (!r->have_best) {
        r->have_best = 1;
        r->best = k;
        return 1;
    }
    size_t b = r->best;
    int better = model->final_cost < r->final_cost[b];
    if (r->cfg.has_val) /* chosen on the held-out set */
        better = r->val_accuracy[k] != r->val_accuracy[b]
                     ? r->val_accuracy[k] > r->val_accuracy[b]
                     : model->final_val_cost < r->val_cost[b];
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
        /* train, validation, test: which sets there are */
        const int has[3] = {1, cfg->has_val, cfg->has_test};
        r->costs = cost_array(cfg);
        r->test_costs = cfg->has_test ? cost_array(cfg) : NULL;
        r->val_costs = cfg->has_val ? cost_array(cfg) : NULL;
        int missing = r->costs == NULL || (cfg->has_test && r->test_costs == NULL) ||
                      (cfg->has_val && r->val_costs == NULL);
        for (size_t s = 0; s < 3 && cfg->eval_every > 0; s++) {
            r->accuracies[s] = has[s] ? cost_array(cfg) : NULL;
            missing |= has[s] && r->accuracies[s] == NULL;
        }
        if (missing) {
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
        fprintf(r->curve_fp, "%siteration,cost%s", cfg->n_rates > 1 ? "lr," : "",
                cfg->has_test ? ",test_cost" : "");
        if (cfg->eval_every > 0) /* the columns of write_curve_row */
            fprintf(r->curve_fp, ",train_acc%s%s", cfg->has_val ? ",val_cost,val_acc" : "",
                    cfg->has_test ? ",test_acc" : "");
        fputc('\n', r->curve_fp);
    }
    return -1;
}

/* The learning-rate table on stdout, and which rate the model keeps. */
static void print_rate_table(const train_report *r) {
    FILE *out = r->out;
    fprintf(out, "\n%-14s  %-10s  %s%-14s%s%s\n", "learning rate", "final cost",
            r->cfg.has_val ? "val cost    " : "", "train accuracy",
            r->cfg.has_val ? "  val accuracy" : "", r->cfg.has_test ? "  test accuracy" : "");
    for (size_t k = 0; k < r->cfg.n_rates; k++) {
        if (r->failed[k]) {
            fprintf(out, "%-14g  failed\n", r->cfg.rates[k]);
            continue;
        }
        char cols[3][32] = {"", "", ""};
        snprintf(cols[0], sizeof cols[0], "%.2f %%", r->train_accuracy[k]);
        if (r->cfg.has_val)
            snprintf(cols[1], sizeof cols[1], "%.2f %%", r->val_accuracy[k]);
        if (r->cfg.has_test)
            snprintf(cols[2], sizeof cols[2], "%.2f %%", r->test_accuracy[k]);
        /* each column padded only where another follows: no trailing blanks */
        fprintf(out, "%-14g  %-10f  ", r->cfg.rates[k], r->final_cost[k]);
        if (r->cfg.has_val)
            fprintf(out, "%-10f  ", r->val_cost[k]);
        int more = r->cfg.has_val || r->cfg.has_test;
        fprintf(out, "%-*s", more ? 14 : 0, cols[0]);
        if (r->cfg.has_val)
            fprintf(out, "  %-*s", r->cfg.has_test ? 12 : 0, cols[1]);
        if (r->cfg.has_test)
            fprintf(out, "  %s", cols[2]);
        fputc('\n', out);
    }
    if (r->cfg.quiet)
        return;
    if (r->cfg.has_val)
        fprintf(r->errf, "kept learning rate: %g (highest validation accuracy, then lowest "
                "validation cost)\n", r->cfg.rates[r->best]);
    else
        fprintf(r->errf, "kept learning rate: %g (lowest final training cost; the test set "
                "never chooses: use --val-split or 'catlr cv' to choose on held-out data)\n",
                r->cfg.rates[r->best]);
}

/* The series of one chart: for each run with something recorded
 * (length[k] values), a curve of each set whose values[set] is not NULL
 * ((n_rates, iterations) arrays; set 0 train, 1 test, 2 validation). One
 * rate: a colour per set; several: a colour per rate, the test curve
 * dashed and the validation curve dotted. Returns the number of series. */
static size_t chart_series(const train_report *r, const double *const values[3],
                           const size_t *length, catlr_plot_series *series,
                           char (*labels)[64]) {
    static const char *const NAMES[3] = {"train", "test", "validation"};
    size_t n = 0;
    for (size_t k = 0; k < r->cfg.n_rates; k++) {
        for (size_t set = 0; set < 3 && length[k] > 0; set++) {
            if (values[set] == NULL)
                continue;
            snprintf(labels[n], sizeof labels[n], "%s, lr = %g", NAMES[set], r->cfg.rates[k]);
            size_t colour = r->cfg.n_rates == 1 ? set : k;
            series[n] = (catlr_plot_series){
                .label = labels[n],
                .y = values[set] + k * r->cfg.iterations,
                .n = length[k],
                .colour = colour,
                .dashed = (int)set,
            };
            n++;
        }
    }
    return n;
}

/* The chart of every recorded curve, into the open plot file: the costs,
 * and with --eval-every the accuracies below them. */
static catlr_status draw_chart(const train_report *r, catlr_error *err) {
    catlr_plot_series series[2][3 * TRAIN_REPORT_MAX_RATES];
    char labels[2][3 * TRAIN_REPORT_MAX_RATES][64];
    const double *const costs[3] = {r->costs, r->test_costs, r->val_costs};
    const double *const accuracies[3] = {r->accuracies[0], r->accuracies[2],
                                         r->accuracies[1]};
    size_t n_costs = chart_series(r, costs, r->recorded, series[0], labels[0]);
    size_t n_accuracies = chart_series(r, accuracies, r->evaluated, series[1], labels[1]);
    const int several = r->cfg.n_rates > 1;
    catlr_plot_chart charts[2] = {
        {several ? "Cost for each learning rate" : "Cost during training", "iteration",
         "cost", series[0], n_costs, 800, 500},
        {several ? "Accuracy for each learning rate" : "Accuracy during training",
         "iteration", "accuracy (%)", series[1], n_accuracies, 800, 400}};
    /* no accuracy panel without --eval-every, nor for a run that failed
     * before its first evaluation */
    size_t n_charts = n_accuracies > 0 ? 2 : 1;
    return catlr_plot_panels_stream(charts, n_charts, r->plot_fp, r->cfg.plot, err);
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
    free(r->val_costs);
    for (size_t s = 0; s < 3; s++) {
        free(r->accuracies[s]);
        r->accuracies[s] = NULL;
    }
    r->curve_fp = r->plot_fp = NULL;
    r->costs = r->test_costs = r->val_costs = NULL;
    return code;
}
