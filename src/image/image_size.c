/* image_size.c: the size caps both decoders check on a declared width and
 * height. A file of its own below image.c and the decoders, so that the
 * decoders never call back into the file that calls them. */
#include <stdint.h>

#include "image_decode.h"
#include "base/internal.h"

catlr_status catlr_image_check_size(uint64_t width, uint64_t height, const char *name,
                                    catlr_error *err) {
    if (width == 0 || height == 0)
        return catlr_fail(err, CATLR_ERR_FORMAT, name, "image has no pixels");
    if (width > CATLR_IMAGE_MAX_SIDE || height > CATLR_IMAGE_MAX_SIDE ||
        width * height > CATLR_IMAGE_MAX_PIXELS)
        return catlr_fail(err, CATLR_ERR_SHAPE, name,
                          "image is %llux%llu pixels, more than catlr reads (sides up to "
                          "%d, %lu pixels in all)",
                          (unsigned long long)width, (unsigned long long)height,
                          CATLR_IMAGE_MAX_SIDE, (unsigned long)CATLR_IMAGE_MAX_PIXELS);
    return CATLR_OK;
}
