#ifndef WDL_CNCURSESW_SHIM_H
#define WDL_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags for ncursesw, so the wide-character API is switched on here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

// Helpers for what Swift cannot import (macros, global variables that Swift 6 rejects as
// shared mutable state) and for the cchar_t dance of writing one wide character.
#define CN_INLINE static inline __attribute__((__always_inline__))

CN_INLINE WINDOW *cn_stdscr(void) { return stdscr; }
// newterm instead of initscr: initscr exits the process when the terminal is unusable.
CN_INLINE SCREEN *cn_newterm(void) { return newterm(NULL, stdout, stdin); }
CN_INLINE int cn_colors(void) { return COLORS; }
CN_INLINE int cn_color_pairs(void) { return COLOR_PAIRS; }
CN_INLINE int cn_rows(void) { return getmaxy(stdscr); }
CN_INLINE int cn_columns(void) { return getmaxx(stdscr); }

CN_INLINE unsigned int cn_attr_bold(void) { return (unsigned int)A_BOLD; }
CN_INLINE unsigned int cn_attr_dim(void) { return (unsigned int)A_DIM; }
CN_INLINE unsigned int cn_attr_reverse(void) { return (unsigned int)A_REVERSE; }
CN_INLINE unsigned int cn_attr_underline(void) { return (unsigned int)A_UNDERLINE; }

// True when the current locale encodes text as UTF-8 (braille needs it).
CN_INLINE int cn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

// Writes one character at (y, x). The pair goes through setcchar's `opts` pointer, which takes
// an int and so allows extended pair numbers above 32767 (ncurses >= 6.1).
CN_INLINE int cn_put_cell(int y, int x, unsigned int character, unsigned int attributes, int pair) {
    cchar_t cell;
    wchar_t text[2] = { (wchar_t)character, 0 };
    if (setcchar(&cell, text, (attr_t)attributes, 0, &pair) == ERR) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

// Reads one key with a timeout. Returns 0 when none arrived, 1 for a character, 2 for a key
// code (KEY_UP, KEY_RESIZE, ...); the value goes to *out.
CN_INLINE int cn_read_key(int timeout_ms, unsigned int *out) {
    wtimeout(stdscr, timeout_ms);
    wint_t key = 0;
    int result = wget_wch(stdscr, &key);
    if (result == ERR) return 0;
    *out = (unsigned int)key;
    return result == KEY_CODE_YES ? 2 : 1;
}

// Ends curses if it is active: for the crash handlers (see CrashGuard.swift), which must not
// call endwin twice.
CN_INLINE void cn_end_if_active(void) {
    if (!isendwin()) endwin();
}

// Called by atexit: the terminal is restored even when something calls exit() while the
// dashboard is up. A no-op after a normal endwin (isendwin() is then true).
static void cn_atexit_restore(void) {
    if (!isendwin()) endwin();
}

CN_INLINE void cn_register_atexit(void) { atexit(cn_atexit_restore); }

#endif
