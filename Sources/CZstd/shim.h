// zstd's public API imports into Swift as is; this header only names it.
#include <zstd.h>
