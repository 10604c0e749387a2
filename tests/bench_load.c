/* bench_load.c: how fast a training set loads from a packed .h5 file
 * against from its PNG folders, side by side in one run. Not a test (ctest
 * never runs it): timings belong in a quiet benchmark run.
 *
 *   bench_load TRAIN_DIR [COPIES] [THREADS]
 *
 * TRAIN_DIR is a class-folder training set (the course's png/train). A
 * temporary folder holds COPIES (default 50) links to each of its images,
 * so m = 50 x 209 = 10,450 for the course; `catlr pack`'s writer packs it
 * once, and then catlr_dataset_load reads the folder (decoding every PNG on
 * THREADS threads, default all cores) and the packed file, alternately, 5
 * times each. Prints the best time of each, images per second, the ratio,
 * and whether both gave the same matrix; and the floor both share, the
 * time to fill m x 12288 bytes of fresh memory (malloc + memset, best of
 * 5): on a virtual machine whose host is busy, its page faults can be most
 * of a load. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catlr/dataset.h"
#include "catlr/h5.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Link COPIES copies of every file of src/CLASS into dst/CLASS. */
static int replicate(const char *src, const char *dst, int copies) {
    DIR *d = opendir(src);
    if (d == NULL)
        return -1;
    mkdir(dst, 0777);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char from[4096], into[4096];
        if (snprintf(from, sizeof from, "%s/%s", src, e->d_name) >= (int)sizeof from ||
            snprintf(into, sizeof into, "%s/%s", dst, e->d_name) >= (int)sizeof into)
            return -1;
        mkdir(into, 0777);
        DIR *c = opendir(from);
        if (c == NULL)
            continue;
        for (struct dirent *f; (f = readdir(c)) != NULL;) {
            if (f->d_name[0] == '.')
                continue;
            for (int k = 0; k < copies; k++) {
                char target[4096], link_path[4096];
                if (snprintf(target, sizeof target, "%s/%s", from, f->d_name) >=
                        (int)sizeof target ||
                    snprintf(link_path, sizeof link_path, "%s/%02d_%s", into, k, f->d_name) >=
                        (int)sizeof link_path ||
                    symlink(target, link_path) != 0)
                    return -1;
            }
        }
        closedir(c);
    }
    closedir(d);
    return 0;
}

/* Load path; its time in seconds, or -1. *out keeps the dataset. */
static double timed_load(const char *path, int threads, catlr_dataset **out) {
    catlr_dataset_opts opts = catlr_dataset_defaults();
    opts.threads = threads;
    catlr_error err;
    double t0 = now();
    if (catlr_dataset_load(path, &opts, out, &err) != CATLR_OK) {
        fprintf(stderr, "bench_load: %s: %s\n", err.path, err.reason);
        return -1;
    }
    return now() - t0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load TRAIN_DIR [COPIES] [THREADS]\n");
        return 2;
    }
    int copies = argc > 2 ? atoi(argv[2]) : 50, threads = argc > 3 ? atoi(argv[3]) : 0;
    char tmp[] = "/tmp/bench_load.XXXXXX";
    if (mkdtemp(tmp) == NULL)
        return 1;
    char dir[4096], packed[4096], cmd[4200];
    snprintf(dir, sizeof dir, "%s/folder", tmp);
    snprintf(packed, sizeof packed, "%s/packed.h5", tmp);
    int rc = 1;
    catlr_dataset *folder = NULL, *file = NULL;
    catlr_error err;
    if (replicate(argv[1], dir, copies) != 0 || timed_load(dir, threads, &folder) < 0)
        goto done;
    if (catlr_h5_save(packed, "train", folder, &err) != CATLR_OK) {
        fprintf(stderr, "bench_load: %s: %s\n", err.path, err.reason);
        goto done;
    }
    double best_folder = 1e9, best_file = 1e9, best_floor = 1e9;
    for (int run = 0; run < 5; run++) {
        const size_t bytes = catlr_dataset_count(folder) * CATLR_N_X;
        double t0 = now();
        uint8_t *fresh = malloc(bytes);
        if (fresh == NULL)
            goto done;
        memset(fresh, run + 1, bytes);
        double t1 = now() - t0;
        volatile uint8_t sink = fresh[bytes / 2]; /* the memset is not dead */
        (void)sink;
        free(fresh);
        best_floor = t1 < best_floor ? t1 : best_floor;
        catlr_dataset_free(folder);
        catlr_dataset_free(file);
        folder = file = NULL;
        double a = timed_load(dir, threads, &folder), b = timed_load(packed, threads, &file);
        if (a < 0 || b < 0)
            goto done;
        best_folder = a < best_folder ? a : best_folder;
        best_file = b < best_file ? b : best_file;
    }
    const size_t m = catlr_dataset_count(folder);
    int same = m == catlr_dataset_count(file) &&
               memcmp(catlr_dataset_pixels(folder), catlr_dataset_pixels(file),
                      m * CATLR_N_X) == 0 &&
               memcmp(catlr_dataset_labels(folder), catlr_dataset_labels(file), m) == 0;
    struct stat sb;
    stat(packed, &sb);
    printf("m = %zu images (%d copies of %s), threads %d (0: all cores), best of 5\n", m, copies,
           argv[1], threads);
    printf("%-22s %10s %14s\n", "source", "ms", "images/s");
    printf("%-22s %10.1f %14.0f\n", "PNG folders", best_folder * 1e3, (double)m / best_folder);
    printf("%-22s %10.1f %14.0f\n", "packed .h5", best_file * 1e3, (double)m / best_file);
    printf("%-22s %10.1f %14.0f\n", "fresh memory (floor)", best_floor * 1e3,
           (double)m / best_floor);
    printf("packed is %.1fx the folder's speed; %.1f MiB on disk; same matrix and labels: %s\n",
           best_folder / best_file, (double)sb.st_size / (1 << 20), same ? "yes" : "NO");
    rc = same ? 0 : 1;
done:
    catlr_dataset_free(folder);
    catlr_dataset_free(file);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
