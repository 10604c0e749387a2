/* train_loop.c: the gradient-descent loop, written once for both solvers
 * (primal.c, gram.c, behind solver.h): costs, reports, the tolerance, the
 * divergence checks, the validation set's choice of weights, and for a
 * training set split across processes the sums added up over them (a step
 * that does nothing in one process). Owns the scratch vectors z (m),
 * z_test (test_m) and z_val (val_m); reports through a callback, never by
 * printing. */
#include <math.h>
#include <stdlib.h>

#include "train/core.h"
#include "catlr/predict.h"
#include "catlr/train.h"
#include "base/internal.h"
#include "crew.h"
#include "solver.h"
#include "solver_cost.h"
#include "train_cache.h"

catlr_solver catlr_train_choose_solver(size_t n_x, const catlr_train_problem *prob,
                                       const catlr_train_params *params,
                                       const catlr_train_hooks *hooks) {
    CATLR_ASSERT(prob != NULL && params != NULL);
    if (params->solver != CATLR_SOLVER_AUTO)
        return params->solver;
    if (hooks != NULL && hooks->reducer.allreduce_sum != NULL)
        return CATLR_SOLVER_PRIMAL;
    const size_t m = prob->m, held_m = prob->test.m + prob->val.m;
    if (catlr_gram_bytes(m, held_m) > (double)CATLR_GRAM_MAX_BYTES ||
        n_x > CATLR_GRAM_MAX_FEATURES)
        return CATLR_SOLVER_PRIMAL;
    const catlr_solver_work work = {
        .n_x = n_x,
        .gram_m = m,
        .held_m = held_m,
        .epoch_m = m,
        .val_m = prob->val.m,
        .epochs = (double)params->iterations,
        .threads = catlr_thread_count((int)params->threads),
    };
    return catlr_solver_cost_prefers_gram(&work) ? CATLR_SOLVER_GRAM : CATLR_SOLVER_PRIMAL;
}

static catlr_status not_finite(catlr_error *err, const char *what, size_t iteration) {
    return catlr_fail(err, CATLR_ERR_NUMERIC, NULL,
                      "%s stopped being finite at iteration %lu "
                      "(is the learning rate too large?)",
                      what, (unsigned long)iteration);
}

/* One training run: what it was given, the problem its solver sees, the
 * solver and the scratch vectors. */
typedef struct run {
    const catlr_train_problem *prob;
    const catlr_train_params *params;
    const catlr_train_hooks *hooks; /* never NULL */
    catlr_problem pb;
    catlr_solver_impl sv;
    double *z;      /* (m) */
    double *z_test; /* (test_m), NULL without a test set */
    double *z_val;  /* (val_m), NULL without a validation set */
    /* with on_checkpoint or resume: this run's settings and data identity
     * (checkpoint_identity), and with on_checkpoint room for the state */
    catlr_checkpoint ck;
} run;

/* The sums of the examples' costs that go with an iteration's gradient:
 * this process's, then (after the reduce) every process's. */
enum { COST_SUM, TEST_COST_SUM, STOP_SUM, N_SUMS };

/* buf (n) summed over the processes of a split training set; nothing to do
 * in one process. */
static catlr_status sum_across(const run *r, double *buf, size_t n, catlr_error *err) {
    const catlr_train_reducer *red = r->pb.reducer;
    return red == NULL ? CATLR_OK : red->allreduce_sum(red->ctx, buf, n, err);
}

/* This process's sum of its training examples' costs for the forward pass
 * z, weighted by class when the run has class weights. */
static double train_cost_sum(const run *r) {
    return r->pb.class_weight != NULL
               ? catlr_core_cost_sum_weighted(r->z, r->pb.y, r->pb.m, r->pb.class_weight)
               : catlr_core_cost_sum(r->z, r->pb.y, r->pb.m);
}

/* This process's cost sums for the weights whose forward pass z holds: the
 * training set's, and the test set's (the plain cross-entropy, so that runs
 * with and without class weights compare on it) when with_test. */
static void cost_sums(const run *r, int with_test, double sums[N_SUMS]) {
    sums[COST_SUM] = train_cost_sum(r);
    if (with_test && r->pb.test_m > 0) {
        r->sv.test_forward(r->sv.state, r->z_test);
        sums[TEST_COST_SUM] = catlr_core_cost_sum(r->z_test, r->prob->test.y, r->pb.test_m);
    }
}

/* The training cost from the sum of every example's (weighted) cost, with the L2
 * term lambda/(2m) ||w||^2 when lambda > 0. */
static double cost_of(const run *r, double cost_sum) {
    const double m = (double)r->pb.m_total;
    double cost = cost_sum / m;
    if (r->pb.l2 > 0)
        cost += r->pb.l2 / (2.0 * m) * r->sv.norm2(r->sv.state);
    return cost;
}

double catlr_solver_accuracy(const double *z, const uint8_t *y, size_t m) {
    size_t wrong = 0;
    for (size_t j = 0; j < m; j++)
        wrong += catlr_predict_label(catlr_core_sigmoid(z[j])) != y[j];
    return catlr_accuracy_percent(wrong, m);
}

/* Report step i to on_step, with the test set's cost (the cross-entropy
 * alone: the L2 term belongs to the training objective) when it has one,
 * and on an evaluated step the accuracies, from the z vectors the costs
 * were computed from (z_test by cost_sums, z_val by validate; one process,
 * so they hold every example). */
static void report(const run *r, catlr_train_step *step, const double sums[N_SUMS],
                   int evaluated) {
    if (step->has_cost && r->pb.test_m_total > 0)
        step->test_cost = sums[TEST_COST_SUM] / (double)r->pb.test_m_total;
    if (evaluated) {
        step->train_acc = catlr_solver_accuracy(r->z, r->pb.y, r->pb.m);
        if (r->pb.test_m > 0)
            step->test_acc = catlr_solver_accuracy(r->z_test, r->prob->test.y, r->pb.test_m);
        if (r->z_val != NULL)
            step->val_acc = catlr_solver_accuracy(r->z_val, r->prob->val.y, r->pb.val_m);
    }
    r->hooks->on_step(r->hooks->user, step);
}

/* The weights a validation set has chosen so far: those of the iteration
 * with the lowest validation cost, a copy of which the solver keeps. */
typedef struct kept {
    size_t iteration;
    double cost, val_cost; /* their training and validation costs */
} kept;

/* The validation cost of the weights of iteration i, whose forward pass z
 * holds and whose training cost is cost (NAN when it was not needed until
 * now); they are kept when it is the lowest so far (strictly: on a tie
 * the earlier, fewer steps, stays). One process: no sum to add up. */
static double validate(const run *r, size_t i, double cost, kept *best) {
    r->sv.val_forward(r->sv.state, r->z_val);
    double val_cost = catlr_core_cost(r->z_val, r->prob->val.y, r->pb.val_m);
    if (val_cost < best->val_cost) {
        r->sv.save(r->sv.state);
        *best = (kept){
            .iteration = i,
            .cost = isnan(cost) ? cost_of(r, train_cost_sum(r)) : cost,
            .val_cost = val_cost,
        };
    }
    return val_cost;
}

/* After the last iteration i: make the kept weights the current ones (when
 * they are not already) and their training cost *cost. */
static void restore_kept(const run *r, size_t i, const kept *best, double *cost) {
    if (best->iteration != i)
        r->sv.restore(r->sv.state);
    *cost = best->cost;
}

/* What a finished run measured, for the model's record. */
typedef struct outcome {
    catlr_solver solver;
    size_t iterations;     /* steps taken */
    int stopped_early;     /* tol ended the run */
    double cost;           /* training cost of the weights left */
    size_t best_iteration; /* steps taken to the weights left */
    double val_cost;       /* their validation cost; NAN without a set */
    double count[2];       /* examples of label 0 and 1, every process's */
    double weight[2];      /* class weights of label 0 and 1 */
} outcome;

/* Whether the processes want to stop at iteration i: should_stop's
 * answer, in sums[STOP_SUM] until the reduce adds them up. */
static int poll_stop(const run *r, double sums[N_SUMS]) {
    sums[STOP_SUM] = r->hooks->should_stop != NULL && r->hooks->should_stop(r->hooks->ctl);
    return sums[STOP_SUM] > 0;
}

/* Hand the state after `done` steps to on_checkpoint: the loop's own
 * (previous, best) and the solver's. */
static catlr_status checkpoint(run *r, size_t done, double previous, const kept *best,
                               catlr_error *err) {
    catlr_checkpoint *ck = &r->ck;
    ck->iteration = done;
    ck->previous = previous;
    ck->best_iteration = best->iteration;
    ck->best_cost = best->cost;
    ck->best_val_cost = best->val_cost;
    r->sv.get_state(r->sv.state, ck->state);
    return r->hooks->on_checkpoint(r->hooks->ctl, ck, err);
}

/* The loop proper; *o gets what record needs of it. */
static catlr_status descend(run *r, catlr_model *model, outcome *o, catlr_error *err) {
    const catlr_solver_impl *sv = &r->sv;
    const catlr_train_params *params = r->params;
    const catlr_train_hooks *hooks = r->hooks;
    double previous = NAN, cost = NAN;
    kept best = {.iteration = 0, .cost = NAN, .val_cost = INFINITY};
    size_t i = 0;
    int stopped = 0;
    const catlr_checkpoint *from = hooks->resume;
    if (from != NULL) { /* checked against this run by catlr_train_cached */
        sv->set_state(sv->state, from->state);
        i = (size_t)from->iteration;
        previous = from->previous;
        best = (kept){.iteration = (size_t)from->best_iteration,
                      .cost = from->best_cost,
                      .val_cost = from->best_val_cost};
    }
    /* the stop flag rides with the sums only when there is one to poll,
     * so that the reduce of a run without it stays n_x + 3 doubles */
    const size_t n_sums = hooks->should_stop != NULL ? N_SUMS : STOP_SUM;
    for (; i < params->iterations; i++) {
        sv->forward(sv->state, r->z, 1);
        catlr_train_step step = {
            .iteration = i,
            .has_cost = 0,
            .cost = NAN,
            .test_cost = NAN,
            .train_acc = NAN,
            .val_cost = NAN,
            .val_acc = NAN,
            .test_acc = NAN,
        };
        int evaluated = params->eval_every > 0 && i % params->eval_every == 0;
        step.has_cost = hooks->on_step != NULL && (i % params->report_every == 0 || evaluated);
        /* a validation set needs the training cost only of the weights it
         * keeps (validate); computed on every step, it took as long as the
         * Gram step itself on the course's data */
        const int costed = step.has_cost || (params->tol > 0 && r->z_val == NULL);
        double sums[N_SUMS] = {0, 0, 0};
        if (costed)
            cost_sums(r, step.has_cost, sums);
        int stop = poll_stop(r, sums);
        /* the gradient's sums, the costs' and the stop flags, over every
         * process at once */
        catlr_status st = CATLR_OK;
        if (sv->reduce != NULL)
            st = sv->reduce(sv->state, sums, n_sums, err);
        if (st != CATLR_OK)
            return st;
        if (r->pb.reducer != NULL)
            stop = sums[STOP_SUM] > 0;
        if (costed || r->z_val != NULL) {
            cost = costed ? cost_of(r, sums[COST_SUM]) : NAN;
            if (costed && !isfinite(cost))
                return not_finite(err, "the cost", i);
            /* with a validation set, tol watches its cost */
            double watched = r->z_val != NULL ? validate(r, i, cost, &best) : cost;
            if (params->tol > 0 && i > 0 && previous - watched < params->tol) {
                stopped = 1;
                break;
            }
            previous = watched;
            step.cost = step.has_cost ? cost : NAN;
            step.val_cost = step.has_cost && r->z_val != NULL ? watched : NAN;
        }
        if (hooks->on_step != NULL)
            report(r, &step, sums, evaluated);
        sv->step(sv->state, r->z);
        if (!sv->finite(sv->state))
            return not_finite(err, "the weights", i);
        /* a stop asked during the last iteration lets the run end */
        const size_t done = i + 1, every = hooks->checkpoint_every;
        stop = stop && done < params->iterations;
        if (hooks->on_checkpoint != NULL && done < params->iterations &&
            (stop || (every > 0 && done % every == 0))) {
            st = checkpoint(r, done, previous, &best, err);
            if (st != CATLR_OK)
                return st;
        }
        if (stop) {
            model->iterations = done;
            return catlr_fail(err, CATLR_ERR_STOPPED, NULL, "stopped after iteration %lu of %lu",
                              (unsigned long)i, (unsigned long)params->iterations);
        }
    }
    if (!stopped) {
        sv->forward(sv->state, r->z, 0);
        double sum = train_cost_sum(r);
        catlr_status st = sum_across(r, &sum, 1, err);
        if (st != CATLR_OK)
            return st;
        cost = cost_of(r, sum);
        if (!isfinite(cost))
            return not_finite(err, "the cost", i);
        if (r->z_val != NULL)
            validate(r, i, cost, &best);
    }
    if (r->z_val != NULL)
        restore_kept(r, i, &best, &cost);
    sv->finish(sv->state);
    if (!catlr_model_finite(model))
        return not_finite(err, "the weights", i);
    o->iterations = i;
    o->stopped_early = stopped;
    o->cost = cost;
    o->best_iteration = r->z_val != NULL ? best.iteration : i;
    o->val_cost = r->z_val != NULL ? best.val_cost : NAN;
    return CATLR_OK;
}

/* The model's record of a finished run (model.h's fields besides the
 * geometry, the names, the weights and the threshold): its settings, what
 * it measured, and what the caller did before it (prob->origin). The one
 * place that writes them. The examples are counted by class folder: label
 * 1 is folder model->positive. */
/* descend, inside one parallel region for the whole loop when the solver
 * has a crew: thread 0 runs the loop, the others serve the crew (crew.h).
 * Without OpenMP the block runs once, as thread 0 of a team of one. */
static catlr_status descend_crewed(run *r, catlr_model *model, outcome *o, catlr_error *err) {
    catlr_crew *crew = r->sv.crew;
    if (crew == NULL)
        return descend(r, model, o, err);
    catlr_status st = CATLR_OK;
    CATLR_OMP(omp parallel num_threads((int)catlr_crew_members(crew)))
    {
        const size_t member = (size_t)catlr_thread_index();
        if (member == 0) {
            catlr_crew_open(crew, (size_t)catlr_team_size());
            st = descend(r, model, o, err);
            catlr_crew_close(crew);
        } else {
            catlr_crew_serve(crew, member);
        }
    }
    return st;
}

static void record(catlr_model *model, const catlr_train_problem *prob,
                   const catlr_train_params *params, const outcome *o) {
    model->lr = params->lr;
    model->l2 = params->l2;
    model->tol = params->tol;
    model->solver = (uint32_t)o->solver;
    model->iterations = o->iterations;
    model->stopped_early = (uint32_t)o->stopped_early;
    model->final_cost = o->cost;
    model->best_iteration = o->best_iteration;
    model->final_val_cost = o->val_cost;
    model->class_weight[0] = o->weight[0];
    model->class_weight[1] = o->weight[1];
    model->class_weight_balanced = (uint32_t)params->class_weight_balanced;
    model->train_count[model->positive] = (uint64_t)o->count[1];
    model->train_count[1 - model->positive] = (uint64_t)o->count[0];
    const catlr_train_origin *from = &prob->origin;
    model->augment = from->augment;
    model->warm_start = from->warm_start;
    model->val_fraction = from->val_fraction;
    model->seed = from->seed;
    model->val_count[0] = from->val_count[0];
    model->val_count[1] = from->val_count[1];
}

/* With a reducer, whether every process set up its solver (st is this
 * one's outcome): one that did goes on only if all did, so that none waits
 * in a sum that another will never make. */
static catlr_status all_set_up(const run *r, catlr_status st, catlr_error *err) {
    if (r->pb.reducer == NULL)
        return st;
    double failed = st != CATLR_OK;
    catlr_status sent = sum_across(r, &failed, 1, st == CATLR_OK ? err : NULL);
    if (st != CATLR_OK || sent != CATLR_OK)
        return st != CATLR_OK ? st : sent;
    if (failed > 0)
        return catlr_fail(err, CATLR_ERR_IO, NULL,
                          "%.0f other process%s could not set up training", failed,
                          failed > 1 ? "es" : "");
    return CATLR_OK;
}

/* CRC-32 of the m examples of X (n_x, m) and their labels y. */
static uint32_t crc_of_set(const uint8_t *X, const uint8_t *y, size_t n_x, size_t m) {
    uint32_t crc = catlr_crc32(X, m > 0 ? n_x * m : 0);
    return catlr_crc32_update(crc, y, m);
}

/* The run's settings and data, as a checkpoint records them, into r->ck
 * (with room for the solver's state when checkpoints are written), and
 * with hooks->resume, whether it may go on from that one. The training
 * data's CRC is every process's added up, with the process count, in one
 * sum (each CRC < 2^32: exact in a double). Before the first step: the
 * model's weights are still the starting ones. */
static catlr_status checkpoint_identity(run *r, const outcome *o, const catlr_model *model,
                                        catlr_error *err) {
    const catlr_problem *pb = &r->pb;
    const catlr_train_params *params = r->params;
    uint32_t start = catlr_crc32((const uint8_t *)model->w, pb->n_x * sizeof *model->w);
    start = catlr_crc32_update(start, (const uint8_t *)&model->b, sizeof model->b);
    double data[2] = {(double)crc_of_set(pb->X, pb->y, pb->n_x, pb->m), 1};
    catlr_status st = sum_across(r, data, 2, err);
    if (st != CATLR_OK)
        return st;
    r->ck = (catlr_checkpoint){
        .iterations = params->iterations,
        .solver = (uint32_t)o->solver,
        .lr = params->lr,
        .l2 = params->l2,
        .tol = params->tol,
        .class_weight = {o->weight[0], o->weight[1]},
        .start_crc = start,
        .m = pb->m_total,
        .count = {(uint64_t)o->count[0], (uint64_t)o->count[1]},
        .processes = (uint64_t)data[1],
        .data_sum = (uint64_t)data[0],
        .val_m = pb->val_m,
        .val_crc = pb->val_m > 0 ? crc_of_set(pb->val_X, r->prob->val.y, pb->n_x, pb->val_m) : 0,
        .n_state = r->sv.state_size(r->sv.state),
        .state = NULL,
    };
    const catlr_checkpoint *from = r->hooks->resume;
    if (from != NULL) {
        char why[CATLR_ERROR_REASON_MAX - 64];
        if (catlr_checkpoint_mismatch(from, &r->ck, why, sizeof why) != NULL)
            return catlr_fail(err, CATLR_ERR_ARG, NULL, "cannot resume: %s", why);
        if (from->n_state != r->ck.n_state)
            return catlr_fail(err, CATLR_ERR_ARG, NULL,
                              "cannot resume: the checkpoint's state is of another size");
    }
    if (r->hooks->on_checkpoint != NULL) {
        r->ck.state = malloc(r->ck.n_state * sizeof *r->ck.state);
        if (r->ck.state == NULL)
            return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate the checkpoint");
    }
    return CATLR_OK;
}

catlr_status catlr_train(const catlr_train_problem *prob, const catlr_train_params *params,
                         const catlr_train_hooks *hooks, catlr_model *model, catlr_error *err) {
    return catlr_train_cached(prob, params, hooks, NULL, model, err);
}

/* Allocate r's scratch vectors and set up its solver (chosen as solver) for
 * model; on failure nothing is left to free but the vectors. */
static catlr_status set_up(run *r, catlr_solver solver, catlr_model *model, catlr_error *err) {
    const catlr_problem *pb = &r->pb;
    /* a process of a split training set may hold no example: z has room
     * for one anyway, so that its size is never 0 */
    r->z = malloc((pb->m > 0 ? pb->m : 1) * sizeof *r->z);
    if (pb->test_m > 0)
        r->z_test = malloc(pb->test_m * sizeof *r->z_test);
    if (pb->val_m > 0)
        r->z_val = malloc(pb->val_m * sizeof *r->z_val);
    if (pb->m > pb->m_total)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "m is over the reducer's m_total");
    if (r->z == NULL || (pb->test_m > 0 && r->z_test == NULL) ||
        (pb->val_m > 0 && r->z_val == NULL))
        return catlr_fail(err, CATLR_ERR_NOMEM, NULL, "cannot allocate training buffers");
    if (solver == CATLR_SOLVER_GRAM)
        return catlr_gram_new(pb, model, &r->sv, err);
    return catlr_primal_new(pb, model, &r->sv, err);
}

catlr_status catlr_train_cached(const catlr_train_problem *prob, const catlr_train_params *params,
                                const catlr_train_hooks *hooks, const catlr_train_cache *cache,
                                catlr_model *model, catlr_error *err) {
    CATLR_ASSERT(prob != NULL && params != NULL && model != NULL && model->w != NULL &&
                 (prob->m == 0 || (prob->X != NULL && prob->y != NULL)));
    const catlr_train_hooks no_hooks = {0};
    const catlr_train_cache no_cache = {0};
    hooks = hooks != NULL ? hooks : &no_hooks;
    cache = cache != NULL ? cache : &no_cache;
    const char *why = catlr_train_check(prob, params, hooks);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);
    const size_t m = prob->m;
    const uint8_t *y = prob->y;
    const catlr_train_reducer *reducer =
        hooks->reducer.allreduce_sum != NULL ? &hooks->reducer : NULL;
    const size_t m_total = reducer != NULL ? reducer->m_total : m;
    if (m_total == 0)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "no training examples");
    /* the examples of each label in every process: for "balanced" weights
     * and the record */
    outcome o = {.count = {0, 0}};
    for (size_t j = 0; j < m && m <= m_total; j++) /* m > m_total fails at set-up */
        o.count[y[j] != 0]++;
    catlr_status st = reducer != NULL ? reducer->allreduce_sum(reducer->ctx, o.count, 2, err)
                                      : CATLR_OK;
    if (st != CATLR_OK)
        return st;
    if (catlr_train_class_weights_of_counts(params, o.count, o.weight, err) != CATLR_OK)
        return CATLR_ERR_ARG;
    const double *weight = o.weight;
    const size_t n_x = catlr_model_n_x(model);
    /* the test set's cost is only ever reported through on_step, its z
     * through test_z: without either, the solvers need not prepare for the
     * test set (for the Gram solver, n_x m test_m multiply-adds) */
    const int test_wanted = hooks->on_step != NULL || cache->test_z != NULL;
    const size_t test_m = test_wanted ? prob->test.m : 0;
    const size_t test_m_total = !test_wanted ? 0 : reducer != NULL ? reducer->test_m_total : test_m;
    const size_t val_m = prob->val.m;
    run r = {
        .prob = prob,
        .params = params,
        .hooks = hooks,
        .pb = {
            .X = prob->X,
            .y = y,
            .n_x = n_x,
            .m = m,
            .test_X = test_m > 0 ? prob->test.X : NULL,
            .test_m = test_m,
            .lr = params->lr,
            .l2 = params->l2,
            .threads = catlr_thread_count((int)params->threads),
            .m_total = m_total,
            .test_m_total = test_m_total,
            .reducer = reducer,
            /* weights 1, 1 take the unweighted path, so that they give
             * the run without weights bit for bit */
            .class_weight = weight[0] != 1.0 || weight[1] != 1.0 ? weight : NULL,
            .gram_K = cache->gram_K,
            .gram_Kt = cache->gram_Kt,
            .val_X = val_m > 0 ? prob->val.X : NULL,
            .val_m = val_m,
        },
    };
    o.solver = catlr_train_choose_solver(n_x, prob, params, hooks);
    st = set_up(&r, o.solver, model, err);
    const int made = st == CATLR_OK;
    st = all_set_up(&r, st, err);
    if (st == CATLR_OK && (hooks->on_checkpoint != NULL || hooks->resume != NULL))
        st = checkpoint_identity(&r, &o, model, err);
    if (st == CATLR_OK) {
        st = descend_crewed(&r, model, &o, err);
        if (st == CATLR_OK && cache->test_z != NULL && test_m > 0)
            r.sv.test_forward(r.sv.state, cache->test_z);
    }
    if (made)
        r.sv.free(r.sv.state);
    if (st == CATLR_OK)
        record(model, prob, params, &o);
    free(r.z);
    free(r.z_test);
    free(r.z_val);
    catlr_checkpoint_free(&r.ck);
    return st;
}
