// zlib, imported as a system library (Debian zlib1g-dev): deflate and CRC-32 for PNG.
#include <zlib.h>
