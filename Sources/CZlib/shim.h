// zlib provides the CRC-32 (ISO-HDLC polynomial) that MCAP uses for its checksums.
#include <zlib.h>
