#ifndef WDL_CZSTD_SHIM_H
#define WDL_CZSTD_SHIM_H
// A shim only so the module map names one header of ours, as CZlib's does; libzstd's API needs no
// wrapping (no macros in the calls used).
#include <zstd.h>
#include <zstd_errors.h>
#endif
