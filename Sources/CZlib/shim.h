#ifndef WDL_CZLIB_SHIM_H
#define WDL_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the header's version and struct size): Swift cannot call it.
// windowBits 15 + 16: gzip only (a zlib or raw deflate stream is refused), the largest window.
static inline int cz_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

// deflateInit2 is a macro too: gzip output (windowBits 15 + 16), zlib's default memory level.
static inline int cz_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
