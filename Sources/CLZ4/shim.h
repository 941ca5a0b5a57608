// MCAP's "lz4" chunk compression is the LZ4 *frame* format, so the frame API is used.
#include <lz4frame.h>
