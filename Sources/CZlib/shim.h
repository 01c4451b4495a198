#ifndef WDL_CZLIB_SHIM_H
#define WDL_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the header's version and struct size): Swift cannot call it.
// windowBits 15 + 16: gzip only (a zlib or raw deflate stream is refused), the largest window.
static inline int cz_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
