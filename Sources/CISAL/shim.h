// Intel ISA-L's CRC-32 (crc32_gzip_refl: the reflected IEEE polynomial MCAP and zlib use)
// picks an AVX-512 VPCLMULQDQ kernel at run time where the CPU has one: about 31 GB/s
// here against libdeflate's 14 GB/s (PCLMUL), and every chunk's CRC is checked on the hot
// read path (Benchmarks/README.md).
#include <isa-l/crc.h>
