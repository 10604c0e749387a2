/* class_weight.c: the class weights a training run uses (train.h): given,
 * "balanced" from the labels, or none. The weighted cost is core.c's, the
 * weighted gradient the solvers' (through catlr_problem.class_weight). */
#include <stddef.h>
#include <stdint.h>

#include "catlr/train.h"
#include "base/internal.h"
#include "solver.h"

catlr_status catlr_train_class_weights(const catlr_train_params *params, const uint8_t *y,
                                       size_t m, double weight[2], catlr_error *err) {
    CATLR_ASSERT(params != NULL && weight != NULL && (y != NULL || m == 0));
    weight[0] = weight[1] = 1.0;
    const char *why = catlr_train_check(NULL, params, NULL);
    if (why != NULL)
        return catlr_fail(err, CATLR_ERR_ARG, NULL, "%s", why);
    double count[2] = {0, 0};
    for (size_t j = 0; j < m; j++)
        count[y[j] != 0]++;
    return catlr_train_class_weights_of_counts(params, count, weight, err);
}

catlr_status catlr_train_class_weights_of_counts(const catlr_train_params *params,
                                                 const double count[2], double weight[2],
                                                 catlr_error *err) {
    weight[0] = weight[1] = 1.0;
    if (params->class_weight_balanced) {
        if (count[0] == 0 || count[1] == 0)
            return catlr_fail(err, CATLR_ERR_ARG, NULL,
                              "balanced class weights need examples of both labels "
                              "(label %d has none)",
                              count[0] == 0 ? 0 : 1);
        /* m / (2 m_c): each label's weights add up to m / 2, half of J */
        const double m = count[0] + count[1];
        for (size_t c = 0; c < 2; c++)
            weight[c] = m / (2.0 * count[c]);
    } else if (params->class_weight[0] != 0 || params->class_weight[1] != 0) {
        weight[0] = params->class_weight[0];
        weight[1] = params->class_weight[1];
    }
    return CATLR_OK;
}
