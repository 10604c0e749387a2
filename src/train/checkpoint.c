/* checkpoint.c: the checkpoint file (catlr/checkpoint.h): encode, save
 * atomically, load, check, and say which setting differs from a run.
 *
 * The fields are written in the order of one table, which encode and
 * decode both follow, so that the two cannot drift apart. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catlr/checkpoint.h"
#include "catlr/train.h"
#include "base/internal.h"

enum { MAGIC_SIZE = 8, U32 = 4, U64 = 8, F64 = 8 };

typedef struct field {
    size_t offset; /* in catlr_checkpoint */
    char kind;     /* 'u': uint32_t, 'U': uint64_t, 'd': double */
} field;

#define FIELD(name, kind) {offsetof(catlr_checkpoint, name), kind}
static const field FIELDS[] = {
    FIELD(iteration, 'U'),      FIELD(iterations, 'U'),     FIELD(solver, 'u'),
    FIELD(lr, 'd'),             FIELD(l2, 'd'),             FIELD(tol, 'd'),
    FIELD(class_weight[0], 'd'), FIELD(class_weight[1], 'd'), FIELD(start_crc, 'u'),
    FIELD(m, 'U'),              FIELD(count[0], 'U'),       FIELD(count[1], 'U'),
    FIELD(processes, 'U'),      FIELD(data_sum, 'U'),       FIELD(val_m, 'U'),
    FIELD(val_crc, 'u'),        FIELD(previous, 'd'),       FIELD(best_iteration, 'U'),
    FIELD(best_cost, 'd'),      FIELD(best_val_cost, 'd'),  FIELD(n_state, 'U'),
};
#undef FIELD
enum { N_FIELDS = sizeof FIELDS / sizeof FIELDS[0] };

static size_t field_size(char kind) { return kind == 'u' ? U32 : U64; }

/* Bytes of the header: the magic, the version and the fields. */
static size_t header_size(void) {
    size_t n = MAGIC_SIZE + U32;
    for (size_t k = 0; k < N_FIELDS; k++)
        n += field_size(FIELDS[k].kind);
    return n;
}

/* Field k of ck to p (encode) or from p (decode); returns its size. */
static size_t put_field(const catlr_checkpoint *ck, size_t k, uint8_t *p) {
    const char *base = (const char *)ck + FIELDS[k].offset;
    switch (FIELDS[k].kind) {
    case 'u': catlr_put_u32(p, *(const uint32_t *)(const void *)base); break;
    case 'U': catlr_put_u64(p, *(const uint64_t *)(const void *)base); break;
    default: catlr_put_f64(p, *(const double *)(const void *)base); break;
    }
    return field_size(FIELDS[k].kind);
}

static size_t get_field(catlr_checkpoint *ck, size_t k, const uint8_t *p) {
    char *base = (char *)ck + FIELDS[k].offset;
    switch (FIELDS[k].kind) {
    case 'u': *(uint32_t *)(void *)base = catlr_get_u32(p); break;
    case 'U': *(uint64_t *)(void *)base = catlr_get_u64(p); break;
    default: *(double *)(void *)base = catlr_get_f64(p); break;
    }
    return field_size(FIELDS[k].kind);
}

catlr_status catlr_checkpoint_save(const catlr_checkpoint *ck, const char *path,
                                   catlr_error *err) {
    CATLR_ASSERT(ck != NULL && path != NULL && (ck->n_state == 0 || ck->state != NULL));
    const size_t size = header_size() + F64 * (size_t)ck->n_state + U32;
    uint8_t *buf = malloc(size);
    if (buf == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    uint8_t *p = buf;
    memcpy(p, CATLR_CHECKPOINT_MAGIC, MAGIC_SIZE);
    p += MAGIC_SIZE;
    catlr_put_u32(p, CATLR_CHECKPOINT_VERSION);
    p += U32;
    for (size_t k = 0; k < N_FIELDS; k++)
        p += put_field(ck, k, p);
    for (uint64_t j = 0; j < ck->n_state; j++, p += F64)
        catlr_put_f64(p, ck->state[j]);
    catlr_put_u32(p, catlr_crc32(buf, size - U32));
    catlr_status st = catlr_replace_file(path, buf, size, err);
    free(buf);
    return st;
}

/* Decode the size bytes of buf (a whole file) into *ck. */
static catlr_status decode(const uint8_t *buf, size_t size, const char *path,
                           catlr_checkpoint *ck, catlr_error *err) {
    if (size < MAGIC_SIZE || memcmp(buf, CATLR_CHECKPOINT_MAGIC, MAGIC_SIZE) != 0)
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "not a catlr checkpoint (bad magic)");
    if (size < header_size() + U32)
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "checkpoint cut short");
    uint32_t version = catlr_get_u32(buf + MAGIC_SIZE);
    if (version != CATLR_CHECKPOINT_VERSION)
        return catlr_fail(err, CATLR_ERR_FORMAT, path,
                          "checkpoint version %u, this catlr reads version %u",
                          (unsigned)version, CATLR_CHECKPOINT_VERSION);
    const uint8_t *p = buf + MAGIC_SIZE + U32;
    for (size_t k = 0; k < N_FIELDS; k++)
        p += get_field(ck, k, p);
    if (ck->n_state > CATLR_CHECKPOINT_MAX_STATE ||
        (size - header_size() - U32) / F64 < ck->n_state)
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "checkpoint cut short");
    if (size != header_size() + F64 * (size_t)ck->n_state + U32)
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "checkpoint has trailing bytes");
    if (catlr_get_u32(buf + size - U32) != catlr_crc32(buf, size - U32))
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "checksum mismatch (file damaged)");
    if (ck->iteration > ck->iterations)
        return catlr_fail(err, CATLR_ERR_FORMAT, path, "checkpoint past its last iteration");
    ck->state = malloc((ck->n_state > 0 ? ck->n_state : 1) * sizeof *ck->state);
    if (ck->state == NULL)
        return catlr_fail(err, CATLR_ERR_NOMEM, path, "out of memory");
    for (uint64_t j = 0; j < ck->n_state; j++, p += F64)
        ck->state[j] = catlr_get_f64(p);
    return CATLR_OK;
}

catlr_status catlr_checkpoint_load(const char *path, catlr_checkpoint *ck, catlr_error *err) {
    CATLR_ASSERT(path != NULL && ck != NULL);
    *ck = (catlr_checkpoint){.state = NULL};
    uint8_t *buf;
    size_t size;
    catlr_status st = catlr_read_regular(path, &buf, &size, err);
    if (st != CATLR_OK)
        return st;
    st = decode(buf, size, path, ck, err);
    free(buf);
    if (st != CATLR_OK)
        catlr_checkpoint_free(ck);
    return st;
}

void catlr_checkpoint_free(catlr_checkpoint *ck) {
    if (ck == NULL)
        return;
    free(ck->state);
    *ck = (catlr_checkpoint){.state = NULL};
}

/* Doubles compared bit for bit (a setting must be the very same number). */
static int same_double(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

const char *catlr_checkpoint_mismatch(const catlr_checkpoint *saved, const catlr_checkpoint *now,
                                      char *buf, size_t size) {
    CATLR_ASSERT(saved != NULL && now != NULL && buf != NULL && size > 0);
    /* the data first: another folder also changes the counts */
#define DIFF_U(field, what)                                                                    \
    if (saved->field != now->field) {                                                           \
        snprintf(buf, size, "%s differs: %llu in the checkpoint, %llu now", what,                \
                 (unsigned long long)saved->field, (unsigned long long)now->field);             \
        return buf;                                                                             \
    }
#define DIFF_D(field, what)                                                                    \
    if (!same_double(saved->field, now->field)) {                                               \
        snprintf(buf, size, "%s differs: %.17g in the checkpoint, %.17g now", what,             \
                 saved->field, now->field);                                                     \
        return buf;                                                                             \
    }
#define DIFF_SUM(field, what)                                                                  \
    if (saved->field != now->field) {                                                           \
        snprintf(buf, size, "%s differs (another checksum): other data", what);                 \
        return buf;                                                                             \
    }
    DIFF_U(m, "the number of training images")
    DIFF_U(count[0], "the number of training images of label 0")
    DIFF_U(count[1], "the number of training images of label 1")
    DIFF_U(processes, "the number of processes")
    DIFF_SUM(data_sum, "the training data")
    DIFF_U(val_m, "the number of validation images")
    DIFF_SUM(val_crc, "the validation data")
    DIFF_U(iterations, "--iterations")
    if (saved->solver != now->solver) {
        snprintf(buf, size, "--solver differs: %s in the checkpoint, %s now",
                 catlr_solver_name((catlr_solver)saved->solver),
                 catlr_solver_name((catlr_solver)now->solver));
        return buf;
    }
    DIFF_D(lr, "--lr")
    DIFF_D(l2, "--l2")
    DIFF_D(tol, "--tol")
    DIFF_D(class_weight[0], "--class-weight (label 0)")
    DIFF_D(class_weight[1], "--class-weight (label 1)")
    DIFF_SUM(start_crc, "the starting weights (--init)")
#undef DIFF_U
#undef DIFF_D
#undef DIFF_SUM
    return NULL;
}
