// Everything is in include/CPrefetch.h (static inline); SwiftPM needs one source file per target.
#include "CPrefetch.h"
