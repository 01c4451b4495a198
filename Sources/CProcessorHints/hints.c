// Everything is in include/CProcessorHints.h (static inline); SwiftPM needs one source file per target.
#include "CProcessorHints.h"
