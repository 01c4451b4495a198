# Shared by the tmux end-to-end scripts (sourced): counters, the screen of tmux session $SESSION,
# and polling for a screen or file to show what is expected within $TIMEOUT seconds. A script may
# define fail_details to print more after a failure (the screen is always printed).
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() {
    FAILED=$((FAILED + 1)); echo "  FAIL $*"
    echo "  ---- screen ----"; screen | sed 's/^/  | /'; echo "  ----------------"
    if declare -F fail_details > /dev/null; then fail_details; fi
}
screen() { tmux capture-pane -t "$SESSION" -p 2>/dev/null; }

# wait_for REGEX DESCRIPTION [SECONDS]: polls the screen until REGEX (Perl syntax, grep -P, so
# code point ranges such as braille work in C.UTF-8) matches.
wait_for() {
    local regex=$1 what=$2 limit=${3:-$TIMEOUT} text
    local deadline=$((SECONDS + limit))
    while ((SECONDS < deadline)); do
        # Read the screen first: with grep -q in a pipe, capture-pane may die of SIGPIPE.
        text=$(screen)
        if grep -qP -- "$regex" <<<"$text"; then pass "$what"; return 0; fi
        sleep 0.2
    done
    fail "$what (no /$regex/ within ${limit}s)"; return 1
}

# wait_in_file FILE REGEX DESCRIPTION: polls until a line of FILE matches (grep -E).
wait_in_file() {
    local file=$1 regex=$2 what=$3 deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        if grep -qE -- "$regex" "$file" 2>/dev/null; then pass "$what"; return 0; fi
        sleep 0.2
    done
    fail "$what (no /$regex/ in $(basename "$file") within ${TIMEOUT}s)"; return 1
}
