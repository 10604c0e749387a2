/* predict_one.c: classify one image with a model that `catlr train` wrote.
 * Against an installed catlr (docs/library.md):
 *   cc predict_one.c $(pkg-config --cflags --libs catlr)
 * or with CMake, this folder's CMakeLists.txt. */
#include <stdio.h>

#include <catlr/image.h>
#include <catlr/model.h>
#include <catlr/predict.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL IMAGE\n", argv[0]);
        return 2;
    }
    catlr_model model;
    catlr_error err;
    uint8_t px[CATLR_N_X]; /* the image as 64x64x3 bytes */
    double p;
    if (catlr_model_load(argv[1], &model, &err) != CATLR_OK ||
        catlr_predict_check(&model, argv[1], &err) != CATLR_OK ||
        catlr_image_load(argv[2], px, &err) != CATLR_OK) {
        fprintf(stderr, "%s: %s: %s\n", argv[0], err.path, err.reason);
        catlr_model_free(&model);
        return 1;
    }
    catlr_predict_proba(&model, px, 1, &p);
    printf("%s %.4f\n", catlr_model_class_of_label(&model, catlr_predict_label(p)), p);
    catlr_model_free(&model);
    return 0;
}
