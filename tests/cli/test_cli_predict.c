/* test_cli_predict.c: catlr predict on folders and lists (--csv, --json,
 * --files-from, --threads), the decision threshold of predict and eval,
 * and eval's ROC curve, areas and best thresholds on a hand-made ranking.
 * Called in-process like test_cli.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "catlr/model.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures.
//
// ranked/{cat,dog}: one-colour images whose red values rank them:
//   cat 250, dog 200, cat 150, dog 100, cat 50, dog 30
// and ranked.model, whose weights see only the red channel (w = 0.001 on
// each of its 4096 features, b = -2.4), so p rises with red:
// p = sigmoid(4096 * 0.001 * r / 255 - 2.4).
//
// By hand, on that ranking (3 cats, 3 dogs):
// - ROC AUC: the pairs (cat, dog) where the cat ranks higher: 250 beats 3
//   dogs, 150 beats 2, 50 beats 1: 6 of 9 = 2/3.
// - average precision: the cats come at ranks 1, 3, 5 with precision 1,
//   2/3, 3/5, each adding 1/3 of recall: (1 + 2/3 + 3/5) / 3 = 34/45.
// - F1 going down the ranking: 1/2, 2/5, 2/3, 4/7, 3/4, 2/3: best 3/4,
//   with the cut between 50 and 30 (precision 3/5, recall 1, accuracy
//   100 - 2/6*100 = 66.67 %).
// - Youden's J going down: 1/3, 0, 1/3, 0, 1/3, 0: best 1/3, first (the
//   highest threshold) between 250 and 200: tp 1, fp 0, tn 3, fn 2.

static const uint8_t CAT_RED[3] = {250, 150, 50};
static const uint8_t DOG_RED[3] = {200, 100, 30};

typedef struct fixtures {
    char *root;
    char *train;  /* train/{cat,dog}: 3 + 3 learnable squares */
    char *ranked; /* ranked/{cat,dog}: 3 + 3, see above */
    char *model;  /* ranked.model, see above */
    char *photos; /* a tree: a/c.png, b.png, sub/d,e.png, hidden and other files */
    char *empty;  /* a folder holding no image */
    char *out;    /* where tests write */
} fixtures;

static void write_red(const char *root, const char *cls, const char *name, uint8_t red) {
    char path[1024];
    snprintf(path, sizeof path, "%s/ranked/%s/%s", root, cls, name);
    assert_int_equal(fixture_write_solid(path, 64, 64, red, 100, 100), 0);
}

static void make_photos(const char *root) {
    char path[1024];
    const char *dirs[] = {"photos", "photos/a", "photos/sub", "photos/.cache", "empty"};
    for (size_t k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[k]);
        test_mkdir(path);
    }
    const char *images[] = {"photos/b.png", "photos/a/c.png", "photos/sub/d,e.png",
                            "photos/.hidden.png", "photos/.cache/f.png"};
    for (size_t k = 0; k < sizeof images / sizeof images[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", root, images[k]);
        assert_int_equal(fixture_write_solid(path, 64, 64, (uint8_t)(60 * k), 100, 100), 0);
    }
    snprintf(path, sizeof path, "%s/photos/notes.txt", root);
    test_write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/empty/notes.txt", root);
    test_write_file(path, "x", 1);
}

/* The ranking model, with the given stored threshold. */
static void save_ranked_model(const char *path, double threshold) {
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    for (size_t i = 0; i < 4096; i++)
        model.w[i] = 0.001f;
    model.b = -2.4;
    model.threshold = threshold;
    assert_int_equal(catlr_model_save(&model, path, NULL), CATLR_OK);
    catlr_model_free(&model);
}

static int setup(void **state) {
    fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->root = test_make_tempdir();
    make_class_dirs(fx->root, "train", "cat", "dog");
    make_class_dirs(fx->root, "ranked", "cat", "dog");
    const char *names[] = {"a.png", "b.png", "c.png"};
    for (int k = 0; k < 3; k++) {
        write_image(fx->root, "train", "cat", names[k], (uint8_t)(200 + 20 * k));
        write_image(fx->root, "train", "dog", names[k], (uint8_t)(200 + 20 * k));
        write_red(fx->root, "cat", names[k], CAT_RED[k]);
        write_red(fx->root, "dog", names[k], DOG_RED[k]);
    }
    make_photos(fx->root);
    fx->train = test_path(fx->root, "train");
    fx->ranked = test_path(fx->root, "ranked");
    fx->model = test_path(fx->root, "ranked.model");
    fx->photos = test_path(fx->root, "photos");
    fx->empty = test_path(fx->root, "empty");
    fx->out = test_path(fx->root, "out");
    save_ranked_model(fx->model, 0.5);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->root);
    char **paths[] = {&fx->root, &fx->train, &fx->ranked, &fx->model,
                      &fx->photos, &fx->empty, &fx->out};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        free(*paths[k]);
    free(fx);
    return 0;
}

/* fx->root/name in buf. */
static const char *at(const fixtures *fx, const char *name, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s", fx->root, name);
    return buf;
}

/* The classes on each line of predict's text output, concatenated with
 * spaces: "cat dog cat". */
static void classes_of(const char *out, char *buf, size_t size) {
    buf[0] = '\0';
    for (const char *line = out; *line; line = strchr(line, '\n') + 1) {
        const char *cls = strchr(line, '\t') + 1;
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%.*s", n ? " " : "", (int)(strchr(cls, '\t') - cls), cls);
    }
}

// ----------------------------------------------------------------------------
// predict on folders and lists.

/* Ensure a folder stands for its images at every depth, hidden ones and
 * other files left out, in byte order of the whole path; the output is the
 * same as naming the files one by one. */
static void test_predict_folder(void **state) {
    fixtures *fx = *state;
    result r = run("predict", fx->model, fx->photos, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(count_lines(r.out), 3);
    char a[1024], b[1024], d[1024];
    at(fx, "photos/a/c.png", a, sizeof a);
    at(fx, "photos/b.png", b, sizeof b);
    at(fx, "photos/sub/d,e.png", d, sizeof d);
    const char *line2 = strchr(r.out, '\n') + 1, *line3 = strchr(line2, '\n') + 1;
    assert_int_equal(strncmp(r.out, a, strlen(a)), 0);
    assert_int_equal(strncmp(line2, b, strlen(b)), 0);
    assert_int_equal(strncmp(line3, d, strlen(d)), 0);
    result files = run("predict", fx->model, a, b, d, NULL);
    assert_string_equal(files.out, r.out);
    result_free(&files);
    result_free(&r);
}

/* Ensure --csv prints the header path,class,p and one row per image, a
 * path with a comma quoted, P with the same digits as --json. */
static void test_predict_csv(void **state) {
    fixtures *fx = *state;
    char d[1024];
    at(fx, "photos/sub/d,e.png", d, sizeof d);
    result r = run("predict", "--csv", fx->model, d, NULL);
    result j = run("predict", "--json", fx->model, d, NULL);
    assert_int_equal(r.code, 0);
    const char *p = strstr(j.out, "\"p\":");
    assert_non_null(p);
    char want[2048];
    snprintf(want, sizeof want, "path,class,p\n\"%s\",dog,%.*s\n", d,
             (int)(strchr(p, '}') - p - 4), p + 4);
    assert_string_equal(r.out, want);
    result_free(&r);
    result_free(&j);
    /* a quote in a name is doubled */
    char q[1024];
    at(fx, "photos/say \"hi\".png", q, sizeof q);
    assert_int_equal(fixture_write_solid(q, 8, 8, 1, 2, 3), 0);
    r = run("predict", "--csv", fx->model, q, NULL);
    snprintf(want, sizeof want, "\"%s/photos/say \"\"hi\"\".png\",dog,", fx->root);
    assert_non_null(strstr(r.out, want));
    result_free(&r);
    remove(q);
}

/* Ensure the output is the same, line for line, on 1, 2 and 5 threads, and
 * with more images than one chunk of decoding (300 names of 6 files). */
static void test_predict_threads(void **state) {
    fixtures *fx = *state;
    char list[1024];
    at(fx, "list300.txt", list, sizeof list);
    FILE *f = fopen(list, "w");
    assert_non_null(f);
    for (int k = 0; k < 50; k++)
        fprintf(f, "%s\n", fx->ranked);
    fclose(f);
    result one = run("predict", "--threads", "1", "--files-from", list, fx->model, NULL);
    assert_int_equal(one.code, 0);
    assert_int_equal(count_lines(one.out), 300);
    const char *threads[] = {"2", "5"};
    for (size_t k = 0; k < 2; k++) {
        result r = run("predict", "--threads", threads[k], "--files-from", list, fx->model, NULL);
        assert_int_equal(r.code, 0);
        assert_string_equal(r.out, one.out);
        result_free(&r);
    }
    result_free(&one);
    remove(list);
}

/* Ensure --files-from takes one path a line after the operands, files and
 * folders alike, skipping empty lines and reading "\r\n" endings; a list
 * that cannot be read, or is a folder, fails at once with one line and
 * nothing on stdout. */
static void test_predict_files_from(void **state) {
    fixtures *fx = *state;
    char list[1024], b[1024], sub[1024], a[1024];
    at(fx, "list.txt", list, sizeof list);
    at(fx, "photos/b.png", b, sizeof b);
    at(fx, "photos/sub", sub, sizeof sub);
    at(fx, "photos/a/c.png", a, sizeof a);
    char text[4096];
    snprintf(text, sizeof text, "%s\n\n%s\r\n\n", b, sub);
    test_write_file(list, text, strlen(text));
    result r = run("predict", fx->model, a, "--files-from", list, NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.out), 3);
    assert_int_equal(strncmp(r.out, a, strlen(a)), 0);
    const char *line2 = strchr(r.out, '\n') + 1;
    assert_int_equal(strncmp(line2, b, strlen(b)), 0);
    assert_non_null(strstr(strchr(line2, '\n'), "/photos/sub/d,e.png\t"));
    result_free(&r);
    remove(list);

    r = run("predict", fx->model, "--files-from", "/nonexistent/list.txt", NULL);
    assert_failure(&r, "catlr: /nonexistent/list.txt: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    /* a folder given as LIST: the loaders' words, not "Is a directory" */
    char want[1200];
    snprintf(want, sizeof want, "catlr: %s: is a folder, not a file", sub);
    r = run("predict", fx->model, a, "--files-from", sub, NULL);
    assert_failure(&r, want);
    assert_string_equal(r.out, "");
    result_free(&r);
    /* an empty list is no error: nothing to do */
    test_write_file(list, "", 0);
    r = run("predict", fx->model, "--files-from", list, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    result_free(&r);
    remove(list);
}

/* Ensure a folder with no image and a missing file are each reported on
 * stderr, the other images are still classified, and the exit code is 1. */
static void test_predict_missing_and_empty(void **state) {
    fixtures *fx = *state;
    char b[1024];
    at(fx, "photos/b.png", b, sizeof b);
    result r = run("predict", fx->model, fx->empty, "nope.png", b, NULL);
    assert_int_equal(r.code, 1);
    char want[4096];
    snprintf(want, sizeof want,
             "catlr: %s: no PNG or JPEG images in this folder or below\n"
             "catlr: nope.png: No such file or directory\n",
             fx->empty);
    assert_string_equal(r.err, want);
    assert_int_equal(count_lines(r.out), 1);
    assert_int_equal(strncmp(r.out, b, strlen(b)), 0);
    result_free(&r);
}

/* Ensure --threshold T makes P > T the positive class: 0 makes every image
 * a cat, 1 none; without it the model's stored threshold counts (0.5, and
 * 0.6 in a second model, where the cat with p = 0.502 becomes a dog), and
 * --threshold overrides the stored one. */
static void test_predict_threshold(void **state) {
    fixtures *fx = *state;
    char buf[256];
    result r = run("predict", "--threshold", "0", fx->model, fx->ranked, NULL);
    classes_of(r.out, buf, sizeof buf);
    assert_string_equal(buf, "cat cat cat cat cat cat");
    result_free(&r);
    r = run("predict", "--threshold=1", fx->model, fx->ranked, NULL);
    classes_of(r.out, buf, sizeof buf);
    assert_string_equal(buf, "dog dog dog dog dog dog");
    result_free(&r);
    /* ranked/cat/{a,b,c} = 250, 150, 50; ranked/dog/{a,b,c} = 200, 100, 30:
     * p = 0.834, 0.502, 0.168; 0.693, 0.311, 0.128 */
    r = run("predict", fx->model, fx->ranked, NULL);
    classes_of(r.out, buf, sizeof buf);
    assert_string_equal(buf, "cat cat dog cat dog dog");
    result_free(&r);
    char stored[1024];
    at(fx, "stored.model", stored, sizeof stored);
    save_ranked_model(stored, 0.6);
    r = run("predict", stored, fx->ranked, NULL);
    classes_of(r.out, buf, sizeof buf);
    assert_string_equal(buf, "cat dog dog cat dog dog");
    result_free(&r);
    r = run("predict", "--threshold", "0.5", stored, fx->ranked, NULL); /* T wins */
    classes_of(r.out, buf, sizeof buf);
    assert_string_equal(buf, "cat cat dog cat dog dog");
    result_free(&r);
    remove(stored);
}

/* Ensure predict's and eval's bad --threshold values, --threads values,
 * --json with --csv, and a missing --files-from value are usage errors. */
static void test_usage_errors(void **state) {
    fixtures *fx = *state;
    const char *bad[] = {"-0.1", "1.5", "x", "", "nan", "inf", "-0", "0.5x"};
    const char *cmds[] = {"predict", "eval"};
    for (size_t c = 0; c < 2; c++) {
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            char line[256];
            snprintf(line, sizeof line,
                     "catlr: %s: --threshold must be a number from 0 to 1, got '%s'", cmds[c],
                     bad[k]);
            result r = run(cmds[c], "--threshold", bad[k], fx->model, fx->ranked, NULL);
            assert_usage_error(&r, line, cmds[c]);
        }
    }
    const char *bad_threads[] = {"0", "1025", "-1", "two"};
    for (size_t k = 0; k < 4; k++) {
        char line[256];
        snprintf(line, sizeof line,
                 "catlr: predict: --threads must be a whole number from 1 to 1024, got '%s'",
                 bad_threads[k]);
        result r = run("predict", "--threads", bad_threads[k], fx->model, fx->ranked, NULL);
        assert_usage_error(&r, line, "predict");
    }
    result r = run("predict", "--json", "--csv", fx->model, fx->ranked, NULL);
    assert_usage_error(&r, "catlr: predict: --json and --csv exclude each other", "predict");
    r = run("predict", fx->model, "--files-from", NULL);
    assert_usage_error(&r, "catlr: predict: option '--files-from' needs a value", "predict");
    r = run("predict", fx->model, NULL);
    assert_usage_error(&r, "catlr: predict: missing IMAGE_OR_DIR (or --files-from LIST)",
                       "predict");
    r = run("eval", "--roc", NULL);
    assert_usage_error(&r, "catlr: eval: option '--roc' needs a value", "eval");
}

// ----------------------------------------------------------------------------
// One probability per image, whichever command computes it.

/* The text of the "p" value after the first occurrence of key in s. */
static void p_after(const char *s, const char *key, char *buf, size_t size) {
    const char *k = strstr(s, key);
    if (k == NULL)
        print_error("%s not found in:\n%s\n", key, s);
    assert_non_null(k);
    const char *p = strstr(k, "\"p\":");
    assert_non_null(p);
    p += 4;
    snprintf(buf, size, "%.*s", (int)strcspn(p, ",}"), p);
}

/* Ensure predict --json on a labelled folder gives every image the very
 * digits eval --json --per-file gives it (one code path), for a trained
 * model, and the same class at a threshold given to both. */
static void test_predict_equals_eval(void **state) {
    fixtures *fx = *state;
    char model[1024];
    at(fx, "trained.model", model, sizeof model);
    result t = run("train", "-q", "-i", "30", "--lr", "0.002", "-o", model, fx->train, NULL);
    assert_int_equal(t.code, 0);
    result_free(&t);
    const char *dirs[] = {fx->train, fx->ranked};
    for (size_t d = 0; d < 2; d++) {
        result pr = run("predict", "--json", "--threshold", "0.7", model, dirs[d], NULL);
        result ev = run("eval", "--json", "--per-file", "--threshold", "0.7", model, dirs[d], NULL);
        assert_int_equal(pr.code, 0);
        assert_int_equal(ev.code, 0);
        assert_int_equal(count_lines(pr.out), 6);
        size_t n = 0;
        for (const char *line = pr.out; *line; line = strchr(line, '\n') + 1, n++) {
            char key[1100], want[64], got[64];
            snprintf(key, sizeof key, "%.*s", (int)(strstr(line, ",\"class\"") - line), line + 1);
            p_after(line, "{", want, sizeof want);
            p_after(strstr(ev.out, "\"files\":"), key, got, sizeof got);
            assert_string_equal(got, want);
            /* and the predicted class, just before p in both */
            const char *cls = strstr(line, ",\"class\":");
            const char *ecls = strstr(strstr(strstr(ev.out, "\"files\":"), key), ",\"class\":");
            assert_int_equal(strncmp(cls, ecls, strcspn(cls, "p")), 0);
        }
        assert_int_equal(n, 6);
        result_free(&pr);
        result_free(&ev);
    }
    remove(model);
}

// ----------------------------------------------------------------------------
// eval: threshold, ROC, best thresholds, per file.

/* The number after "key": in s. */
static double number_after(const char *s, const char *key) {
    const char *k = strstr(s, key);
    if (k == NULL)
        print_error("%s not found in:\n%s\n", key, s);
    assert_non_null(k);
    return strtod(k + strlen(key), NULL);
}

/* Ensure eval --json on the hand-made ranking gives the areas and best
 * points worked out at the top of this file. */
static void test_eval_ranking(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "--json", fx->model, fx->ranked, NULL);
    assert_int_equal(r.code, 0);
    assert_close(number_after(r.out, "\"roc_auc\":"), 2.0 / 3.0, 1e-15);
    assert_close(number_after(r.out, "\"pr_auc\":"), 34.0 / 45.0, 1e-15);
    const char *f1 = strstr(r.out, "\"best_f1\":");
    const char *yj = strstr(r.out, "\"best_youden\":");
    assert_non_null(f1);
    assert_non_null(yj);
    assert_close(number_after(f1, "\"f1\":"), 0.75, 1e-15);
    assert_close(number_after(f1, "\"precision\":"), 0.6, 1e-15);
    assert_close(number_after(f1, "\"recall\":"), 1, 0);
    double t_f1 = number_after(f1, "\"threshold\":");
    assert_true(t_f1 > 0.1280716 && t_f1 < 0.1684205); /* between p(30) and p(50) */
    assert_close(number_after(yj, "\"youden\":"), 1.0 / 3.0, 1e-15);
    double t_j = number_after(yj, "\"threshold\":");
    assert_true(t_j > 0.6926524 && t_j < 0.8341994); /* between p(200) and p(250) */
    assert_close(number_after(yj, "\"accuracy\":"), 100 - 2.0 / 6.0 * 100, 1e-12);
    assert_close(number_after(r.out, "\"threshold\":"), 0.5, 0);
    result_free(&r);

    /* the text report says the same; its threshold read back reproduces the
     * best F1 point exactly */
    r = run("eval", fx->model, fx->ranked, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "\nthreshold: 0.5\nROC AUC:   0.6667\nPR AUC:    0.7556\n"));
    const char *line = strstr(r.out, "best F1:         0.7500 at threshold ");
    assert_non_null(line);
    assert_non_null(strstr(line, " (accuracy 66.67 %, precision 0.6000, recall 1.0000)\n"));
    assert_non_null(strstr(r.out, "best Youden's J: 0.3333 at threshold "));
    char t[64];
    snprintf(t, sizeof t, "%.*s", (int)strcspn(line + 37, " "), line + 37);
    result_free(&r);
    r = run("eval", "--threshold", t, fx->model, fx->ranked, NULL);
    assert_non_null(strstr(r.out, "F1:        0.7500\n"));
    assert_non_null(strstr(r.out, "actual cat              3              0\n"
                                  "actual dog              2              1\n"));
    result_free(&r);
}

/* Ensure --roc naming MODEL (here by a hard link) is a usage error before
 * anything is opened, since opening it would truncate the model before it
 * is read; the model survives and still scores. */
static void test_eval_roc_not_model(void **state) {
    fixtures *fx = *state;
    char alias[1024], want[2200];
    at(fx, "alias.model", alias, sizeof alias);
    assert_int_equal(link(fx->model, alias), 0);
    result r = run("eval", "--roc", alias, fx->model, fx->ranked, NULL);
    snprintf(want, sizeof want, "catlr: eval: --roc would overwrite MODEL '%s'", fx->model);
    assert_usage_error(&r, want, "eval");
    r = run("eval", fx->model, fx->ranked, NULL);
    assert_int_equal(r.code, 0);
    result_free(&r);
    remove(alias);
}

/* Ensure --roc writes the header and one row per operating point, from
 * nothing positive (threshold 1) to everything positive, with the rates
 * and counts of each. */
static void test_eval_roc_file(void **state) {
    fixtures *fx = *state;
    char path[1024];
    at(fx, "roc.csv", path, sizeof path);
    result r = run("eval", "--roc", path, fx->model, fx->ranked, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
    char *csv = test_read_text(path);
    assert_int_equal(count_lines(csv), 8); /* header + 7 points */
    assert_int_equal(strncmp(csv, "threshold,fpr,tpr,precision,recall,tp,fp,tn,fn\n"
                                  "1,0,0,0,0,0,0,3,3\n", 65), 0);
    /* the rows going down the ranking: cat, dog, cat, dog, cat, dog */
    const char *want[] = {",0,0.3333333333333333,1,0.3333333333333333,1,0,3,2\n",
                          ",0.3333333333333333,0.3333333333333333,0.5,0.3333333333333333,1,1,2,2\n",
                          ",0.3333333333333333,0.6666666666666666,0.6666666666666666,0.6666666666666666,2,1,2,1\n",
                          ",0.6666666666666666,0.6666666666666666,0.5,0.6666666666666666,2,2,1,1\n",
                          ",0.6666666666666666,1,0.6,1,3,2,1,0\n",
                          ",1,1,0.5,1,3,3,0,0\n"};
    const char *row = strchr(strchr(csv, '\n') + 1, '\n') + 1;
    for (size_t k = 0; k < 6; k++) {
        const char *end = strchr(row, '\n') + 1;
        const char *rest = strchr(row, ',');
        if (strncmp(rest, want[k], (size_t)(end - rest)) != 0)
            print_error("row %zu: %.*s\nwant ...%s", k, (int)(end - row), row, want[k]);
        assert_int_equal(strncmp(rest, want[k], (size_t)(end - rest)), 0);
        row = end;
    }
    free(csv);
    remove(path);
}

/* Ensure --roc to a path that cannot be written fails at once (exit 1, one
 * line, nothing on stdout), and a curve whose run fails is removed. */
static void test_eval_roc_errors(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "--roc", "/nonexistent/roc.csv", fx->model, fx->ranked, NULL);
    assert_failure(&r, "catlr: /nonexistent/roc.csv: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    char path[1024];
    at(fx, "roc.csv", path, sizeof path);
    r = run("eval", "--roc", path, fx->model, fx->empty, NULL);
    assert_int_equal(r.code, 1);
    assert_null(fopen(path, "r"));
    result_free(&r);
}

/* Ensure --threshold moves eval's matrix (1: nothing positive) and
 * --per-file lists every image with its actual and predicted class and P,
 * under the count and the header, in the folder's order. */
static void test_eval_threshold_per_file(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "--threshold", "1", "--per-file", fx->model, fx->ranked, NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "actual cat              0              3\n"
                                  "actual dog              0              3\n"));
    assert_non_null(strstr(r.out, "\nthreshold: 1\n"));
    char want[4096];
    snprintf(want, sizeof want,
             "\nimages: 6\npath\tactual\tpredicted\tp\n"
             "%s/cat/a.png\tcat\tdog\t0.8342\n%s/cat/b.png\tcat\tdog\t0.5024\n"
             "%s/cat/c.png\tcat\tdog\t0.1684\n%s/dog/a.png\tdog\tdog\t0.6927\n"
             "%s/dog/b.png\tdog\tdog\t0.3114\n%s/dog/c.png\tdog\tdog\t0.1281\n",
             fx->ranked, fx->ranked, fx->ranked, fx->ranked, fx->ranked, fx->ranked);
    const char *tail = strstr(r.out, "\nimages: ");
    assert_non_null(tail);
    assert_string_equal(tail, want);
    result_free(&r);
    /* --misclassified follows the threshold too: at 0, the three dogs */
    r = run("eval", "--threshold", "0", "-m", fx->model, fx->ranked, NULL);
    assert_non_null(strstr(r.out, "\nmisclassified: 3\n"));
    result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_folder),
        cmocka_unit_test(test_predict_csv),
        cmocka_unit_test(test_predict_threads),
        cmocka_unit_test(test_predict_files_from),
        cmocka_unit_test(test_predict_missing_and_empty),
        cmocka_unit_test(test_predict_threshold),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_predict_equals_eval),
        cmocka_unit_test(test_eval_ranking),
        cmocka_unit_test(test_eval_roc_file),
        cmocka_unit_test(test_eval_roc_not_model),
        cmocka_unit_test(test_eval_roc_errors),
        cmocka_unit_test(test_eval_threshold_per_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
