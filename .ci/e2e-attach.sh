#!/usr/bin/env bash
# End-to-end check of the control socket: a headless run serving `--control PATH`, steered from
# `wdl attach` in tmux, as a person would, reading the screen back with capture-pane. Every step
# waits for screen or log text (polling with a timeout); the only plain sleep is the pause
# check, which must see the counter NOT move for a while.
#
#   WDL=.build/release/wdl .ci/e2e-attach.sh
#
# Checks: the headless run prints "control: PATH"; attach shows the run; space pauses it (the
# headless log says paused, the examples counter stops); a new deep learning rate typed in the
# attached dashboard reaches the run (events panel, metrics log, with its source once the session
# logs sources); d detaches and the run goes on; attaching again --read-only says READ-ONLY and
# refuses space; the run finishes on its own and the attached screen says "run ended"; q closes
# it; the socket is removed and the run exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."

WDL=${1:-${WDL:-.build/release/wdl}}
TIMEOUT=${E2E_TIMEOUT:-90}
# Long enough to interact with before it ends on its own (20-60 s of training here).
EPOCHS=${ATTACH_EPOCHS:-600}
TMP=$(mktemp -d)
SESSION="wdl-attach-$$"
SOCK="$TMP/run.sock"
export LC_ALL=C.UTF-8
export TMUX_TMPDIR="$TMP"
unset TMUX

if ! command -v tmux >/dev/null; then echo "e2e-attach: tmux is not installed"; exit 1; fi
if [[ ! -x "$WDL" ]]; then echo "e2e-attach: $WDL not found (build it first: swift build -c release)"; exit 1; fi

RUN_PID=""
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null
    [[ -n $RUN_PID ]] && kill "$RUN_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

source "$(dirname "$0")/tmux-checks.sh"
fail_details() { echo "  ---- run log (tail) ----"; tail -n 5 "$TMP/run.log" | sed 's/^/  | /'; }

examples() { local text; text=$(screen); grep -oE '(examples|ex) [0-9][0-9.,kMG]*' <<<"${text%%$'\n'*}" | head -n 1; }

# attach [FLAGS...]: runs `wdl attach SOCK FLAGS` in a fresh 120×40 tmux session; the wrapper
# records the exit status and what attach printed after the dashboard closed.
attach() {
    tmux kill-session -t "$SESSION" 2>/dev/null
    rm -f "$TMP/status"
    local attempt
    for attempt in 1 2 3; do
        tmux -u new-session -d -s "$SESSION" -x 120 -y 40 \
            "cd '$PWD' && LANG=C.UTF-8 TERM=tmux-256color $WDL attach '$SOCK' --theme default $*; \
echo \$? > $TMP/status; sleep 3600" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "  (tmux could not start a session)"
}

# closed DESCRIPTION REGEX: attach has exited with status 0 and its last words match REGEX.
closed() {
    local what=$1 regex=$2 deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)) && [[ ! -s $TMP/status ]]; do sleep 0.2; done
    if [[ $(cat "$TMP/status" 2>/dev/null) != 0 ]]; then fail "$what (status $(cat "$TMP/status" 2>/dev/null))"; return 1; fi
    wait_for "$regex" "$what" 10
}

echo "e2e-attach: $WDL in tmux ($(tmux -V))"

# ---- 1. a headless run serving a control socket --------------------------------------------------
"$WDL" train --config sample-data/adult/adult.yaml --epochs "$EPOCHS" --headless --control "$SOCK" \
    --metrics-out "$TMP/m.jsonl" > "$TMP/run.log" 2>&1 &
RUN_PID=$!
wait_in_file "$TMP/run.log" "^control: $SOCK\$" "headless run prints 'control: PATH'"
if [[ -S $SOCK && $(stat -c %a "$SOCK") == 600 ]]; then pass "socket exists, mode 0600"
else fail "no socket at $SOCK with mode 0600"; fi

# ---- 2. attach, pause from the attached dashboard ------------------------------------------------
attach
wait_for 'hyperparameters' "attach opens the dashboard" || { echo "$PASSED passed, $((FAILED + 1)) failed"; exit 1; }
wait_for ' RUNNING ' "the run shows RUNNING"
tmux send-keys -t "$SESSION" Space
wait_for ' PAUSED ' "space pauses the run (PAUSED on the attached screen)"
wait_in_file "$TMP/run.log" '^\[state\] paused' "the headless log shows the pause"
sleep 0.5
before=$(examples); sleep 1.5; after=$(examples)
if [[ -n $before && $before == "$after" ]]; then pass "examples counter stopped while paused ($before)"
else fail "examples counter moved while paused ($before → $after)"; fi

# ---- 3. a new deep learning rate, with its source ------------------------------------------------
tmux send-keys -t "$SESSION" Enter
wait_for 'deep lr = ' "Enter opens the value line"
tmux send-keys -t "$SESSION" -l '0.005'
tmux send-keys -t "$SESSION" Enter
wait_for 'deep lr [0-9.e-]+ → 0\.005' "the change is listed in the events panel"
wait_in_file "$TMP/m.jsonl" '"parameter" *: *"deep_lr".*"to" *: *0\.005[,}]|"to" *: *0\.005[,}].*"parameter" *: *"deep_lr"' \
    "the metrics log records deep_lr → 0.005"
line=$(grep -E '"parameter" *: *"deep_lr"' "$TMP/m.jsonl" | tail -n 1)
if grep -qE '"source" *: *"attached: wdl attach' <<<"$line"; then pass "the change's source is the attached client"
else fail "the change's source is not the attached client: $line"; fi
tmux send-keys -t "$SESSION" Space
wait_for ' RUNNING ' "space resumes the run"

# ---- 4. d detaches, the run goes on ----------------------------------------------------------------
tmux send-keys -t "$SESSION" d
closed "d detaches (attach exits 0)" 'detached from adult; it goes on'
if kill -0 "$RUN_PID" 2>/dev/null; then pass "the run goes on after detaching"; else fail "the run ended when the client detached"; fi

# ---- 5. read-only: watching, commands refused ------------------------------------------------------
attach --read-only
wait_for 'READ-ONLY' "--read-only: the footer says READ-ONLY"
paused_before=$(grep -c '^\[state\] paused' "$TMP/run.log")
tmux send-keys -t "$SESSION" Space
wait_for 'READ-ONLY: attached to watch' "space is refused with a message"
sleep 0.5
if [[ $(grep -c '^\[state\] paused' "$TMP/run.log") == "$paused_before" ]]; then pass "the run was not paused"
else fail "a read-only client paused the run"; fi

# ---- 6. the run ends on its own -------------------------------------------------------------------
wait_for 'run ended — the last state received is shown' "the attached screen says the run ended" 400
wait_for ' FINISHED ' "the last state (FINISHED) stays on screen" 5
tmux send-keys -t "$SESSION" q
closed "q closes the ended run's dashboard" 'adult has ended'
deadline=$((SECONDS + TIMEOUT))
while ((SECONDS < deadline)) && kill -0 "$RUN_PID" 2>/dev/null; do sleep 0.2; done
if wait "$RUN_PID"; then pass "the run exited 0"; else fail "the run exited non-zero"; fi
RUN_PID=""
if [[ ! -e $SOCK ]]; then pass "the socket is removed when the run ends"; else fail "$SOCK left behind"; fi

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
