// zstd's public API imports into Swift as is; zstd_errors.h adds the error codes
// (ZSTD_getErrorCode) that the HDF5 filter uses to grow its output buffer.
#include <zstd.h>
#include <zstd_errors.h>
