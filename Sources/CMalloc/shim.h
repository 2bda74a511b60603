// glibc's allocator controls (mallopt, M_TRIM_THRESHOLD, M_TOP_PAD), which the Glibc module
// does not export: AllocatorTuning sets them when accolade starts.
#include <malloc.h>
