// libdeflate provides a CRC-32 (the ISO-HDLC polynomial MCAP uses) that picks a
// PCLMUL/AVX implementation at run time: several times faster than zlib's crc32,
// which matters because every chunk's CRC is checked on the hot read path.
#include <libdeflate.h>
