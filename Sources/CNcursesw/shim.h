#ifndef WDL_CNCURSESW_SHIM_H
#define WDL_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags for ncursesw, so the wide-character API is switched on here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <ncursesw/curses.h>
#endif
