/* test_cli_report.c: the commands and options that show what a model does:
 * catlr eval, catlr weights, predict --json, and train's --curve, --plot,
 * learning-rate list and progress line. Called in-process like test_cli.c;
 * the pictures are decoded back with libpng. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "train/core.h"
#include "catlr/model.h"
#include "catlr/plot.h"
#include "cli/json.h"
#include "cli/train_report.h"
#include "fixtures.h"
#include "test_util.h"
#include "cli_run.h"

// ----------------------------------------------------------------------------
// Fixtures: train/ and test/ with reddish cats and bluish dogs (as in
// test_cli.c), and a hand-made model that calls everything a cat.

typedef struct fixtures {
    char *root;
    char *train;     /* train/{cat,dog}: 3 + 3 */
    char *test;      /* test/{cat,dog}: 2 + 3 */
    char *other;     /* other/{bird,cat}: not the model's classes */
    char *always;    /* a model with w = 0, b = 1: p = sigmoid(1) for all */
    char *out;       /* where tests write */
} fixtures;

static int setup(void **state) {
    fixtures *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->root = test_make_tempdir();
    make_class_dirs(fx->root, "train", "cat", "dog");
    make_class_dirs(fx->root, "test", "cat", "dog");
    make_class_dirs(fx->root, "other", "bird", "cat");
    const char *names[] = {"a.png", "b.png", "c.png"};
    for (int k = 0; k < 3; k++) {
        write_image(fx->root, "train", "cat", names[k], (uint8_t)(200 + 20 * k));
        write_image(fx->root, "train", "dog", names[k], (uint8_t)(200 + 20 * k));
        write_image(fx->root, "test", "dog", names[k], (uint8_t)(210 + 10 * k));
        write_image(fx->root, "other", "bird", names[k], 128);
        write_image(fx->root, "other", "cat", names[k], 128);
    }
    write_image(fx->root, "test", "cat", "a.png", 230);
    write_image(fx->root, "test", "cat", "b.png", 240);
    fx->train = test_path(fx->root, "train");
    fx->test = test_path(fx->root, "test");
    fx->other = test_path(fx->root, "other");
    fx->always = test_path(fx->root, "always.model");
    fx->out = test_path(fx->root, "out");
    catlr_model model;
    const catlr_model_shape shape = {
        .height = 64, .width = 64, .channels = 3, .class_names = {"cat", "dog"}, .positive = 0};
    assert_int_equal(catlr_model_init(&model, &shape, NULL), CATLR_OK);
    model.b = 1.0;
    assert_int_equal(catlr_model_save(&model, fx->always, NULL), CATLR_OK);
    catlr_model_free(&model);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fixtures *fx = *state;
    test_remove_tree(fx->root);
    char **paths[] = {&fx->root, &fx->train, &fx->test, &fx->other, &fx->always, &fx->out};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        free(*paths[k]);
    free(fx);
    return 0;
}

static int file_exists(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

// ----------------------------------------------------------------------------
// catlr eval.

/* Ensure eval of the always-cat model on test/ (2 cats, 3 dogs) prints the
 * scores counted by hand and the matrix with the class names, aligned:
 * tp 2, fn 0, fp 3, tn 0; accuracy 100 - 3/5*100 = 40.00 %, precision 2/5,
 * recall 1, F1 = 2*0.4*1/1.4 = 0.5714. Every p is sigmoid(1) = 0.7311, a
 * single tie: the ROC curve goes straight from (0, 0) to (1, 1), AUC 1/2,
 * and average precision is the precision of taking all, 2/5. The best F1
 * takes all (threshold sigmoid(1)/2, the F1 above); Youden's J is 0 at both
 * points, so the first, threshold 1, nothing positive: accuracy 60 %. */
static void test_eval_table(void **state) {
    fixtures *fx = *state;
    result r = run("eval", fx->always, fx->test, NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "accuracy:  40.00 %\n"
                               "precision: 0.4000\n"
                               "recall:    1.0000\n"
                               "F1:        0.5714\n"
                               "threshold: 0.5\n"
                               "ROC AUC:   0.5000\n"
                               "PR AUC:    0.4000\n"
                               "\n"
                               "            predicted cat  predicted dog\n"
                               "actual cat              2              0\n"
                               "actual dog              3              0\n"
                               "\n"
                               "best F1:         0.5714 at threshold 0.36552928931500245 "
                               "(accuracy 40.00 %, precision 0.4000, recall 1.0000)\n"
                               "best Youden's J: 0.0000 at threshold 1 "
                               "(accuracy 60.00 %, precision 0.0000, recall 0.0000)\n");
    result_free(&r);
}

/* Ensure --misclassified lists the three dogs under a header, each with
 * its actual class, the predicted one and the probability sigmoid(1) =
 * 0.7311, after the table. */
static void test_eval_misclassified(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "-m", fx->always, fx->test, NULL);
    assert_int_equal(r.code, 0);
    char want[2048];
    snprintf(want, sizeof want,
             "\nmisclassified: 3\npath\tactual\tpredicted\tp\n%s/dog/a.png\tdog\tcat\t0.7311\n"
             "%s/dog/b.png\tdog\tcat\t0.7311\n%s/dog/c.png\tdog\tcat\t0.7311\n",
             fx->test, fx->test, fx->test);
    const char *tail = strstr(r.out, "\nmisclassified");
    assert_non_null(tail);
    assert_string_equal(tail, want);
    assert_non_null(strstr(r.out, "actual dog              3              0\n"));
    result_free(&r);
}

/* Ensure --json prints exactly one line holding the same numbers as the
 * table, in the fewest digits that read back (F1 is the double of
 * 2*0.4*1/1.4, 0.5714285714285715), the probabilities in full, and the
 * list only with -m. */
static void test_eval_json(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "--json", fx->always, fx->test, NULL);
    assert_int_equal(r.code, 0);
    char want[4096];
    snprintf(want, sizeof want,
             "{\"model\":\"%s\",\"dir\":\"%s\",\"images\":5,\"positive\":\"cat\","
             "\"accuracy\":40,\"precision\":0.4,\"recall\":1,\"f1\":0.5714285714285715,"
             "\"threshold\":0.5,"
             "\"confusion\":{\"classes\":[\"cat\",\"dog\"],\"matrix\":[[2,0],[3,0]]},"
             "\"roc_auc\":0.5,\"pr_auc\":0.4,"
             "\"best_f1\":{\"threshold\":0.36552928931500245,\"f1\":0.5714285714285715,"
             "\"youden\":0,\"accuracy\":40,\"precision\":0.4,\"recall\":1},"
             "\"best_youden\":{\"threshold\":1,\"f1\":0,\"youden\":0,\"accuracy\":60,"
             "\"precision\":0,\"recall\":0}}\n",
             fx->always, fx->test);
    assert_string_equal(r.out, want);
    result_free(&r);
    r = run("eval", "--json", "--misclassified", fx->always, fx->test, NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.out), 1);
    char item[1024];
    snprintf(item, sizeof item, "{\"path\":\"%s/dog/c.png\",\"actual\":\"dog\",\"p\":", fx->test);
    const char *p = strstr(r.out, item);
    assert_non_null(p);
    assert_close(strtod(p + strlen(item), NULL), catlr_core_sigmoid(1.0), 0);
    assert_non_null(strstr(r.out, "]}\n"));
    result_free(&r);
}

/* Ensure eval's failures: a missing model, a folder that cannot be read, a
 * folder with other classes than the model's, each one line and exit 1; and
 * its usage errors, exit 2. */
static void test_eval_errors(void **state) {
    fixtures *fx = *state;
    result r = run("eval", "nope.model", fx->test, NULL);
    assert_failure(&r, "catlr: nope.model: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    r = run("eval", fx->always, "/nonexistent/dir", NULL);
    assert_failure(&r, "catlr: /nonexistent/dir: No such file or directory");
    result_free(&r);
    r = run("eval", fx->always, fx->other, NULL);
    char line[2048];
    snprintf(line, sizeof line,
             "catlr: %s: class folders 'bird', 'cat' differ from the model's 'cat', 'dog'",
             fx->other);
    assert_failure(&r, line);
    result_free(&r);
    r = run("eval", NULL);
    assert_usage_error(&r, "catlr: eval: missing MODEL", "eval");
    r = run("eval", fx->always, NULL);
    assert_usage_error(&r, "catlr: eval: missing DIR", "eval");
    r = run("eval", fx->always, fx->test, "x", NULL);
    assert_usage_error(&r, "catlr: eval: unexpected argument 'x'", "eval");
    r = run("eval", "--csv", fx->always, fx->test, NULL);
    assert_usage_error(&r, "catlr: eval: unknown option '--csv'", "eval");
    r = run("eval", "--help", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Usage: catlr eval [options] MODEL DIR"));
    assert_non_null(strstr(r.out, "--misclassified"));
    assert_non_null(strstr(r.out, ".jpg")); /* JPEGs are scored too */
    result_free(&r);
}

// ----------------------------------------------------------------------------
// catlr predict --json.

/* Assert that cli_json_string writes s as want. */
static void assert_json_string(const char *s, const char *want) {
    FILE *fp = tmpfile();
    assert_non_null(fp);
    cli_json_string(fp, s);
    char *got = test_read_stream(fp);
    fclose(fp);
    assert_string_equal(got, want);
    free(got);
}

/* Ensure JSON strings escape quotes, backslashes and control characters,
 * keep well-formed UTF-8 (2, 3 and 4 bytes) and turn every byte of a file
 * name that is not UTF-8 into \ufffd: a Latin-1 byte, a lone continuation
 * byte, an overlong '/', a surrogate, a sequence cut by the end. */
static void test_json_string(void **state) {
    (void)state;
    assert_json_string("a\"b\\c\nd\te\x01", "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    assert_json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88",
                       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x88\"");
    assert_json_string("caf\xe9.png", "\"caf\\ufffd.png\"");
    assert_json_string("\x80x\xc0\xafy\xed\xa0\x80z\xe2\x82",
                       "\"\\ufffdx\\ufffd\\ufffdy\\ufffd\\ufffd\\ufffdz\\ufffd\\ufffd\"");
}

/* Ensure predict --json prints one object per image, per line, with the
 * probability in full (it reads back to the exact double), and an image
 * that cannot be read still goes to stderr with exit 1. */
static void test_predict_json(void **state) {
    fixtures *fx = *state;
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/cat/a.png", fx->test);
    snprintf(b, sizeof b, "%s/dog/a.png", fx->test);
    result r = run("predict", "-j", fx->always, a, "nope.png", b, NULL);
    assert_int_equal(r.code, 1);
    assert_string_equal(r.err, "catlr: nope.png: No such file or directory\n");
    assert_int_equal(count_lines(r.out), 2);
    char head[1200];
    snprintf(head, sizeof head, "{\"path\":\"%s\",\"class\":\"cat\",\"p\":", a);
    assert_int_equal(strncmp(r.out, head, strlen(head)), 0);
    char *end;
    double p = strtod(r.out + strlen(head), &end);
    assert_close(p, catlr_core_sigmoid(1.0), 0);
    assert_int_equal(strncmp(end, "}\n{\"path\":", 10), 0);
    result_free(&r);
}

// ----------------------------------------------------------------------------
// catlr train: --curve, --plot, learning rates, progress.

/* The model file at path loads and was trained with rate lr. */
static void assert_model_lr(const char *path, double lr) {
    catlr_model m;
    assert_int_equal(catlr_model_load(path, &m, NULL), CATLR_OK);
    assert_close(m.lr, lr, 0);
    catlr_model_free(&m);
}

/* Ensure --curve writes the header and one row per iteration with the
 * training and test costs, that every printed cost is the CSV's value
 * rounded to 6 decimals, and that stdout still prints only every K. */
static void test_train_curve(void **state) {
    fixtures *fx = *state;
    char csv[1024], model[1024];
    out_path(fx->out, ".csv", csv, sizeof csv);
    out_path(fx->out, ".model", model, sizeof model);
    result r = run("train", "-q", fx->train, "-t", fx->test, "-o", model, "-i", "7", "-k", "3",
                   "--lr", "0.002", "--curve", csv, NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.out), 3 + 2); /* iterations 0, 3, 6 and accuracies */
    char *text = test_read_text(csv);
    assert_int_equal(count_lines(text), 8);
    assert_int_equal(strncmp(text, "iteration,cost,test_cost\n", 25), 0);
    const char *line = text + 25;
    for (size_t i = 0; i < 7; i++) {
        size_t it;
        double cost, test_cost;
        assert_int_equal(sscanf(line, "%zu,%lf,%lf", &it, &cost, &test_cost), 3);
        assert_int_equal(it, i);
        assert_true(test_cost > 0 && test_cost < 1);
        if (i % 3 == 0) {
            char rounded[32];
            snprintf(rounded, sizeof rounded, "%f", cost);
            assert_close(printed_cost(r.out, i), strtod(rounded, NULL), 0);
        }
        line = strchr(line, '\n') + 1;
    }
    assert_close(printed_cost(r.out, 0), 0.693147, 0);
    free(text);
    result_free(&r);
}

/* Ensure --plot draws an 800x500 chart that is not blank (in a build with
 * cairo), and fails at once with the library's reason without it. */
static void test_train_plot(void **state) {
    fixtures *fx = *state;
    char png[1024], model[1024];
    out_path(fx->out, ".png", png, sizeof png);
    out_path(fx->out, ".model", model, sizeof model);
    result r = run("train", "-q", fx->train, "-t", fx->test, "-o", model, "-i", "30",
                   "--plot", png, NULL);
    if (!catlr_plot_supported()) {
        char want[1200];
        snprintf(want, sizeof want, "catlr: %s: catlr was built without cairo; rebuild with "
                 "libcairo2-dev installed", png);
        assert_failure(&r, want);
        assert_string_equal(r.out, "");
        result_free(&r);
        return;
    }
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
    uint32_t w, h;
    uint8_t *rgb = fixture_read_rgb(png, &w, &h);
    assert_non_null(rgb);
    assert_int_equal(w, 800);
    assert_int_equal(h, 500);
    const uint8_t blue[3] = {31, 119, 180}, white[3] = {255, 255, 255};
    assert_true(fixture_count_colour(rgb, (size_t)w * h, blue, 12) > 300);
    assert_true(fixture_count_colour(rgb, (size_t)w * h, white, 0) < (size_t)w * h - 5000);
    free(rgb);
}

/* Ensure a curve or chart that cannot be created fails before training
 * (nothing on stdout), and one cut short by a failed training is removed
 * when it is a regular file, and only then. */
static void test_train_outputs_unwritable(void **state) {
    fixtures *fx = *state;
    result r = run("train", "-q", fx->train, "--curve", "/nonexistent/c.csv", NULL);
    assert_failure(&r, "catlr: /nonexistent/c.csv: No such file or directory");
    assert_string_equal(r.out, "");
    result_free(&r);
    if (catlr_plot_supported()) {
        r = run("train", "-q", fx->train, "--plot", "/nonexistent/c.png", NULL);
        assert_failure(&r, "catlr: /nonexistent/c.png: No such file or directory");
        assert_string_equal(r.out, "");
        result_free(&r);
    }
    char csv[1024], model[1024];
    out_path(fx->out, "-diverged.csv", csv, sizeof csv);
    out_path(fx->out, "-diverged.model", model, sizeof model);
    r = run("train", "-q", "--lr", "1e300", "-o", model, "--curve", csv, fx->train, NULL);
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.err, "stopped being finite"));
    assert_false(file_exists(csv));
    assert_false(file_exists(model));
    result_free(&r);
    /* a curve sent to a device through a symlink: the failed run leaves
     * the link (and the device) alone */
    char link[1024];
    out_path(fx->out, "-null.csv", link, sizeof link);
    assert_int_equal(symlink("/dev/null", link), 0);
    r = run("train", "-q", "--lr", "1e300", "-o", model, "--curve", link, fx->train, NULL);
    assert_int_equal(r.code, 1);
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    result_free(&r);
    remove(link);
}

/* Ensure --lr with three rates trains three models, prints each run under
 * its rate, then the table, names the kept rate on stderr (the lowest
 * final training cost: the test set never chooses) and writes that one;
 * the CSV gets the lr column. */
static void test_train_rates(void **state) {
    fixtures *fx = *state;
    char csv[1024], model[1024];
    out_path(fx->out, "-rates.csv", csv, sizeof csv);
    out_path(fx->out, "-rates.model", model, sizeof model);
    result r = run("train", fx->train, "-t", fx->test, "-o", model, "-i", "20", "-k", "10",
                   "--lr", "0.0001,0.001,0.00001", "--curve", csv, NULL);
    assert_int_equal(r.code, 0);
    assert_int_equal(strncmp(r.out, "learning rate: 0.0001\nCost after iteration 0: 0.693147\n",
                             54), 0);
    assert_non_null(strstr(r.out, "\n\nlearning rate: 0.001\nCost after iteration 0: "));
    assert_non_null(strstr(r.out, "\n\nlearning rate: 1e-05\n"));
    const char *table = strstr(r.out, "\n\nlearning rate   final cost  train accuracy  "
                                      "test accuracy\n0.0001          0.");
    assert_non_null(table);
    assert_non_null(strstr(table, "\n0.001           0."));
    assert_non_null(strstr(table, "\n1e-05           0."));
    assert_non_null(strstr(r.err, "kept learning rate: 0.001 (lowest final training cost; the "
                                  "test set never chooses: use --val-split or 'catlr cv' to "
                                  "choose on held-out data)\n"));
    result_free(&r);
    assert_model_lr(model, 0.001);
    size_t size;
    unsigned char *text = test_read_file(csv, &size);
    assert_int_equal(memcmp(text, "lr,iteration,cost,test_cost\n0.0001,0,", 37), 0);
    size_t rows = 0;
    for (size_t k = 0; k < size; k++)
        rows += text[k] == '\n';
    assert_int_equal(rows, 1 + 3 * 20);
    free(text);
    /* without a test folder the training cost decides, and -q keeps stderr
     * empty */
    r = run("train", "-q", fx->train, "-o", model, "-i", "5", "--lr", "0.001,0.0001", NULL);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "learning rate   final cost  train accuracy\n"));
    assert_null(strstr(r.out, " \n")); /* no trailing blanks after the accuracy */
    result_free(&r);
    r = run("train", fx->train, "-o", model, "-i", "5", "--lr", "0.0001,0.001", NULL);
    assert_non_null(strstr(r.err, "kept learning rate: 0.001 (lowest final training cost;"));
    result_free(&r);
}

/* Ensure a rate so large that the weights overflow does not spoil a
 * comparison: its error line is printed, the table says "failed", the chart
 * still draws, and the best of the others is written; and that when every
 * rate fails the command fails and writes no model. */
static void test_train_rates_failed(void **state) {
    fixtures *fx = *state;
    char model[1024], png[1024];
    out_path(fx->out, "-failed.model", model, sizeof model);
    out_path(fx->out, "-failed.png", png, sizeof png);
    const char *plot = catlr_plot_supported() ? "--plot" : "--lr";
    const char *plot_value = catlr_plot_supported() ? png : "1e300,0.001";
    result r = run("train", fx->train, "-o", model, "-i", "5", "--lr", "1e300,0.001", plot,
                   plot_value, NULL);
    assert_int_equal(r.code, 0);
    /* the Gram solver sees float overflow only when it forms w, at the end */
    assert_non_null(strstr(r.err, "catlr: the weights stopped being finite at iteration "));
    assert_non_null(strstr(r.err, "kept learning rate: 0.001 (lowest final training cost;"));
    assert_non_null(strstr(r.out, "\n1e+300          failed\n0.001           0."));
    result_free(&r);
    assert_model_lr(model, 0.001);
    if (catlr_plot_supported()) {
        uint32_t w, h;
        uint8_t *rgb = fixture_read_rgb(png, &w, &h);
        assert_non_null(rgb);
        assert_int_equal(w, 800);
        free(rgb);
    }
    out_path(fx->out, "-allfailed.model", model, sizeof model);
    r = run("train", "-q", fx->train, "-o", model, "-i", "5", "--lr", "1e300,1e299", NULL);
    assert_int_equal(r.code, 1);
    const char *last = "catlr: training failed with every learning rate\n";
    assert_int_equal(count_lines(r.err), 3);
    assert_string_equal(r.err + strlen(r.err) - strlen(last), last);
    assert_false(file_exists(model));
    result_free(&r);
}

/* Ensure every malformed rate list is a usage error that shows it. */
static void test_train_bad_rates(void **state) {
    fixtures *fx = *state;
    const char *bad[] = {"0.1,", ",0.1", "0.1,,0.2", "0.1,abc", "0.1,-1", "0.1, 0.2",
                         "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char line[256];
        snprintf(line, sizeof line,
                 "catlr: train: --lr must be 1 to 16 positive numbers separated by commas, "
                 "got '%s'",
                 bad[k]);
        result r = run("train", fx->train, "--lr", bad[k], NULL);
        assert_usage_error(&r, line, "train");
    }
    result r = run("train", fx->train, "--curve", NULL);
    assert_usage_error(&r, "catlr: train: option '--curve' needs a value", "train");
}

/* Ensure the progress line carries the iteration, cost, speed and time
 * left, the rate only with several, colour only when asked, and that its
 * width does not count the escapes; and that a stderr that is not a
 * terminal gets none of it (no carriage return). */
static void test_train_progress(void **state) {
    fixtures *fx = *state;
    char buf[256];
    train_progress p = {.iteration = 500, .iterations = 2000, .cost = 0.25,
                        .cost_iteration = 500, .elapsed = 2.0, .n_rates = 1};
    size_t width = train_report_progress_line(buf, sizeof buf, &p);
    assert_string_equal(buf, "iteration 500/2000  cost 0.250000 @500  250 it/s  0:06 left");
    assert_int_equal(width, strlen(buf));
    /* the cost shown is the last one computed, with its own iteration */
    p = (train_progress){.rate_index = 1, .n_rates = 3, .iteration = 136, .iterations = 300,
                         .cost = 0.584508, .cost_iteration = 100, .elapsed = 0.0, .colour = 1};
    width = train_report_progress_line(buf, sizeof buf, &p);
    assert_string_equal(buf,
                        "rate 2/3  iteration 136/300  cost \033[36m0.584508\033[0m @100  -- it/s");
    assert_int_equal(width, strlen(buf) - 9);
    p = (train_progress){.iteration = 100, .iterations = 100000, .cost = 0.5, .elapsed = 1.0,
                         .n_rates = 1};
    width = train_report_progress_line(buf, sizeof buf, &p);
    assert_non_null(strstr(buf, "100 it/s  16:39 left"));
    char model[1024];
    out_path(fx->out, "-progress.model", model, sizeof model);
    result r = run("train", fx->train, "-o", model, "-i", "3", NULL);
    assert_int_equal(r.code, 0);
    assert_null(strchr(r.err, '\r'));
    assert_null(strchr(r.err, '\033'));
    result_free(&r);
}

// ----------------------------------------------------------------------------
// catlr weights.

/* Ensure weights draws the picture at its size for the zoom (decoded back,
 * the always-cat model's zero weights are all white in the channel panels
 * and grey in the combined one), and its failures and usage errors. */
static void test_weights(void **state) {
    fixtures *fx = *state;
    char png[1024];
    out_path(fx->out, "-weights.png", png, sizeof png);
    result r = run("weights", "--zoom", "1", fx->always, png, NULL);
    if (!catlr_plot_supported()) {
        char want[1200];
        snprintf(want, sizeof want, "catlr: %s: catlr was built without cairo; rebuild with "
                 "libcairo2-dev installed", png);
        assert_failure(&r, want);
        result_free(&r);
    } else {
        assert_int_equal(r.code, 0);
        assert_string_equal(r.out, "");
        assert_string_equal(r.err, "");
        result_free(&r);
        uint32_t w, h;
        uint8_t *rgb = fixture_read_rgb(png, &w, &h);
        assert_non_null(rgb);
        assert_int_equal(w, 480); /* 2*24 + 4*64 + 3*24 = 376, widened for the title */
        assert_int_equal(h, 76 + 64 + 70);
        const uint8_t grey[3] = {128, 128, 128}, paper[3] = {247, 247, 247};
        assert_true(fixture_count_colour(rgb, (size_t)w * h, grey, 0) >= 64 * 64);
        assert_true(fixture_count_colour(rgb, (size_t)w * h, paper, 0) >= 3 * 64 * 64);
        free(rgb);
        r = run("weights", fx->always, "/nonexistent/w.png", NULL);
        assert_failure(&r, "catlr: /nonexistent/w.png: No such file or directory");
        result_free(&r);
    }
    r = run("weights", "nope.model", png, NULL);
    assert_failure(&r, "catlr: nope.model: No such file or directory");
    result_free(&r);
    r = run("weights", NULL);
    assert_usage_error(&r, "catlr: weights: missing MODEL", "weights");
    r = run("weights", fx->always, NULL);
    assert_usage_error(&r, "catlr: weights: missing OUT.png", "weights");
    r = run("weights", fx->always, png, "x", NULL);
    assert_usage_error(&r, "catlr: weights: unexpected argument 'x'", "weights");
    r = run("weights", "-z", "17", fx->always, png, NULL);
    assert_usage_error(&r, "catlr: weights: --zoom must be a whole number from 1 to 16, got '17'",
                       "weights");
    r = run("weights", "-h", NULL);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "Usage: catlr weights [options] MODEL OUT.png"));
    result_free(&r);
    r = run("--help", NULL);
    assert_non_null(strstr(r.out, "  eval "));
    assert_non_null(strstr(r.out, "  weights "));
    result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_table),
        cmocka_unit_test(test_eval_misclassified),
        cmocka_unit_test(test_eval_json),
        cmocka_unit_test(test_eval_errors),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_predict_json),
        cmocka_unit_test(test_train_curve),
        cmocka_unit_test(test_train_plot),
        cmocka_unit_test(test_train_outputs_unwritable),
        cmocka_unit_test(test_train_rates),
        cmocka_unit_test(test_train_rates_failed),
        cmocka_unit_test(test_train_bad_rates),
        cmocka_unit_test(test_train_progress),
        cmocka_unit_test(test_weights),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
