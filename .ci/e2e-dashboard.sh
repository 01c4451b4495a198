#!/usr/bin/env bash
# End-to-end check of the dashboard: drives the real `wdl` in tmux, as a person would, and reads
# the screen back with capture-pane. Every step waits for screen text (polling with a timeout);
# the only plain sleep is the pause check, which must see the counter NOT move for a while.
#
#   WDL=.build/release/wdl .ci/e2e-dashboard.sh
#
# Checks: panels with braille curves appear; space shows PAUSED and the examples counter stops;
# typing a new deep learning rate shows it on screen and in the metrics log (JSON Lines, "event"
# records); `s` writes DIR/step-<step>.safetensors that `wdl eval` loads; `t` changes the theme;
# resizing to 80×24 re-lays out and to 60×15 shows the "enlarge" message; `q` then `d` (quit
# without saving) exits with status 0, the terminal restored and no final checkpoint; `q` then `s`
# (save and quit) writes final.safetensors; a second Ctrl-C quits with 130, "stopped by user";
# without a checkpoint folder `q` asks y/N; SIGTERM and SIGHUP (and a killed pane) restore the
# terminal, write final.safetensors and exit 0; TERM=dumb trains headless with a notice;
# `wdl view` of two logs names both runs and q leaves it cleanly.
set -uo pipefail
cd "$(dirname "$0")/.."

WDL=${WDL:-.build/release/wdl}
TIMEOUT=${E2E_TIMEOUT:-90}
TMP=$(mktemp -d)
SESSION="wdl-e2e-$$"
export LC_ALL=C.UTF-8
# A tmux server of this run's own (its socket under $TMP): other tmux users on the machine, or
# other runs of this script, neither see nor end its sessions.
export TMUX_TMPDIR="$TMP"
unset TMUX

if ! command -v tmux >/dev/null; then
    echo "e2e-dashboard: tmux is not installed"; exit 1
fi
if [[ ! -x "$WDL" ]]; then
    echo "e2e-dashboard: $WDL not found (build it first: swift build -c release)"; exit 1
fi

cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

source "$(dirname "$0")/tmux-checks.sh"

# wait_for_file GLOB DESCRIPTION: polls until a file matching GLOB exists; sets FOUND to its path.
# (Not a $(...) function: the pass/fail counters must change in this shell.)
FOUND=""
wait_for_file() {
    local pattern=$1 what=$2 deadline=$((SECONDS + TIMEOUT))
    FOUND=""
    while ((SECONDS < deadline)); do
        FOUND=$(compgen -G "$pattern" | head -n 1)
        if [[ -n $FOUND ]]; then pass "$what"; return 0; fi
        sleep 0.2
    done
    fail "$what (no $pattern within ${TIMEOUT}s)"; return 1
}

# The examples counter from the status bar ("examples 1,234" or, when narrow, "ex 1.23k").
examples() { local text; text=$(screen); grep -oE '(examples|ex) [0-9][0-9.,kMG]*' <<<"${text%%$'\n'*}" | head -n 1; }

# start [FLAGS...]: runs wdl in a fresh 120×40 tmux session (TERM from $RUN_TERM, default
# tmux-256color; FLAGS replace the checkpoint folder flag). The wrapper records the exit status and
# the terminal modes after wdl returns, then keeps the pane open for inspection. The run must
# outlast every check (they end it with q or SIGTERM): Adult trains at up to ~800k ex/s here,
# 200 epochs took 15 s, so it asks for far more epochs than a check sequence can see.
start() {
    tmux kill-session -t "$SESSION" 2>/dev/null
    rm -rf "$TMP/status" "$TMP/stty" "$TMP/ckpt"
    local flags=${*:-"--checkpoint-dir $TMP/ckpt"}
    local command="$WDL train --config sample-data/adult/adult.yaml --epochs ${RUN_EPOCHS:-20000} \
--metrics-out $TMP/m.jsonl $flags --theme default"
    # Killing the only session ends the server; a new session started meanwhile can meet the
    # server on its way out ("server exited unexpectedly"), so it is tried again.
    local attempt
    for attempt in 1 2 3; do
        tmux -u new-session -d -s "$SESSION" -x 120 -y 40 \
            "cd '$PWD' && LANG=C.UTF-8 TERM=${RUN_TERM:-tmux-256color} $command; s=\$?; stty -a > $TMP/stty; \
echo \$s > $TMP/status; echo \"wdl exited with status \$s\"; sleep 3600" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "  (tmux could not start a session)"
}

# quit_with KEYS PROMPT WHAT: presses q (or the first of KEYS), waits for PROMPT, presses the rest.
quit_with() {
    local first=$1 answer=$2 prompt=$3 what=$4
    tmux send-keys -t "$SESSION" "$first"
    wait_for "$prompt" "$what: the quit question" 10 && tmux send-keys -t "$SESSION" "$answer"
}

# assert_restored: wdl has exited, the alternate screen is gone, the cursor is visible and the
# tty is back in canonical mode with echo.
assert_restored() {
    local what=$1 deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)) && [[ ! -s $TMP/status ]]; do sleep 0.2; done
    if [[ ! -s $TMP/status ]]; then fail "$what: wdl did not exit"; return 1; fi
    local alternate cursor
    alternate=$(tmux display-message -p -t "$SESSION" '#{alternate_on}')
    cursor=$(tmux display-message -p -t "$SESSION" '#{cursor_flag}')
    if [[ $alternate == 0 && $cursor == 1 ]] && grep -qE '(^| )icanon ' "$TMP/stty" \
        && grep -qE '(^| )echo ' "$TMP/stty"; then
        pass "$what: terminal restored (normal screen, cursor on, icanon echo)"
    else
        fail "$what: terminal not restored (alternate_on=$alternate cursor_flag=$cursor)"
        cat "$TMP/stty"
    fi
}

echo "e2e-dashboard: $WDL in tmux ($(tmux -V))"

# ---- 1. panels with braille curves -------------------------------------------------------------
start
wait_for 'hyperparameters' "dashboard opens" || { echo "$PASSED passed, $((FAILED + 1)) failed"; exit 1; }
wait_for ' RUNNING ' "training runs (status RUNNING)"
for title in 'logloss' 'validation' 'wide · FTRL' 'deep · embeddings' 'hyperparameters' 'events'; do
    wait_for "$title" "panel '$title' shown" 10
done
wait_for '[\x{2801}-\x{28FF}]{3}' "braille curves drawn"
wait_for 'AUC +[0-9]\.[0-9]{4}' "validation AUC shown"

# ---- 2. pause stops the examples counter --------------------------------------------------------
# Key latency while training saturates the cores: space toggles three times (PAUSED, RUNNING,
# PAUSED); each time from send-keys until the state is on screen, polled every 10 ms.
latencies=()
for state in PAUSED RUNNING PAUSED; do
    t0=$(date +%s%N)
    tmux send-keys -t "$SESSION" Space
    until grep -q " $state " <<<"$(screen)"; do
        (( ($(date +%s%N) - t0) / 1000000 > 5000 )) && break
        sleep 0.01
    done
    latencies+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
median_ms=$(printf '%s\n' "${latencies[@]}" | sort -n | sed -n 2p)
if (( median_ms <= 200 )); then
    pass "a key shows on screen in ${median_ms} ms (median of ${latencies[*]} ms)"
else
    fail "key latency ${median_ms} ms (median of ${latencies[*]} ms) exceeds 200 ms"
fi
wait_for ' PAUSED ' "space shows PAUSED"
sleep 0.5   # let the minibatch in flight finish and the snapshot settle
before=$(examples); sleep 1.5; after=$(examples)
if [[ -n $before && $before == "$after" ]]; then pass "examples counter stopped while paused ($before)"
else fail "examples counter moved while paused ($before → $after)"; fi
tmux send-keys -t "$SESSION" Space
wait_for ' RUNNING ' "space resumes"
deadline=$((SECONDS + TIMEOUT))
while ((SECONDS < deadline)) && [[ $(examples) == "$after" ]]; do sleep 0.2; done
if [[ $(examples) != "$after" ]]; then pass "examples counter moves again"; else fail "counter stuck after resume"; fi

# ---- 3. a new deep learning rate: on screen and in the metrics log ------------------------------
# The first hyperparameter row (deep lr) is selected at start; Enter opens the value line.
tmux send-keys -t "$SESSION" Enter
wait_for 'deep lr = ' "Enter opens the value line"
tmux send-keys -t "$SESSION" -l '0.08'
tmux send-keys -t "$SESSION" Enter
wait_for 'deep lr +0\.08( |$)' "new deep lr 0.08 shown in the hyperparameter panel"
wait_for 'deep lr [0-9.e-]+ → 0\.08' "change listed in the events panel"
deadline=$((SECONDS + TIMEOUT))
until grep -E '"event" *: *"hyperparameter"' "$TMP/m.jsonl" 2>/dev/null | grep -E '"to" *: *0\.08[,}]' \
        | grep -E '"parameter" *: *"deep_lr"' >/dev/null || ((SECONDS >= deadline)); do sleep 0.2; done
if ((SECONDS < deadline)); then pass "metrics log has the hyperparameter event (deep_lr → 0.08)"
else fail "no deep_lr event in $TMP/m.jsonl"; fi
tmux send-keys -t "$SESSION" '+'
wait_for 'deep lr 0\.08 → 0\.1( |$)' "+ raises deep lr by 1.25 (0.08 → 0.1)"

# ---- 4. s writes a checkpoint that wdl eval loads -----------------------------------------------
tmux send-keys -t "$SESSION" s
if wait_for_file "$TMP/ckpt/step-*.safetensors" "s writes a checkpoint"; then
    checkpoint=$FOUND
    wait_for 'checkpoint saved to ' "checkpoint event shown" 20
    sleep 0.2
    if "$WDL" eval --model "$checkpoint" --data sample-data/adult/test.csv > "$TMP/eval.txt" 2>&1; then
        pass "wdl eval loads $(basename "$checkpoint")"
    else
        fail "wdl eval could not load $checkpoint:"; cat "$TMP/eval.txt"
    fi
fi

# ---- 5. t changes the theme ---------------------------------------------------------------------
colours_before=$(tmux capture-pane -t "$SESSION" -p -e | head -n 1)
tmux send-keys -t "$SESSION" t
wait_for '^ theme: (?!default)[a-z-]+' "t changes the theme (said in the footer)"
colours_after=$(tmux capture-pane -t "$SESSION" -p -e | head -n 1)
if [[ $colours_before != "$colours_after" ]]; then pass "status bar colours changed"; else fail "same colours after t"; fi

# ---- 6. resize ----------------------------------------------------------------------------------
tmux resize-window -t "$SESSION" -x 80 -y 24
deadline=$((SECONDS + 10))
while ((SECONDS < deadline)) && [[ $(tmux display-message -p -t "$SESSION" '#{pane_width}x#{pane_height}') != 80x24 ]]; do
    sleep 0.2
done
wait_for '╰.*╯' "80×24 re-lays out" 10
# Polled: a capture can land while tmux is still redrawing (old and new frames mixed), which is
# no fault of wdl; the layout must settle within the deadline.
fits_80x24() {
    local text line too_wide=0
    text=$(screen)
    while IFS= read -r line; do ((${#line} > 80)) && too_wide=1; done <<<"$text"
    grep -q 'hyperparameters' <<<"$text" && ! grep -q 'enlarge' <<<"$text" && ((too_wide == 0)) \
        && [[ $(grep -c '' <<<"$text") -eq 24 ]]
}
deadline=$((SECONDS + 10))
until fits_80x24 || ((SECONDS >= deadline)); do sleep 0.3; done
if fits_80x24; then pass "all panels fit 80×24"; else fail "80×24 layout wrong"; fi
tmux resize-window -t "$SESSION" -x 60 -y 15
wait_for 'enlarge the terminal to at least 80×24' "60×15 shows the enlarge message" 10
wait_for 'current size: 60×15' "message names the current size" 10
tmux resize-window -t "$SESSION" -x 120 -y 40
wait_for 'hyperparameters' "back to 120×40: panels return" 10

# ---- 7. q, d: quit without saving exits 0, terminal restored, no final checkpoint ----------------
quit_with q d 's save and quit · d quit without saving · Esc cancel' "q"
assert_restored "q d"
status=$(cat "$TMP/status" 2>/dev/null)
if [[ $status == 0 ]]; then pass "q exits with status 0"; else fail "q exit status ${status:-none}"; fi
text=$(screen)
if ! grep -q 'hyperparameters' <<<"$text"; then pass "no dashboard left on the normal screen"
else fail "dashboard text left on the normal screen"; fi
if [[ ! -e $TMP/ckpt/final.safetensors ]]; then pass "quit without saving wrote no final checkpoint"
else fail "quit without saving wrote $TMP/ckpt/final.safetensors"; fi

# ---- 7b. q, s: save and quit writes final.safetensors --------------------------------------------
start
wait_for ' RUNNING ' "run for save and quit started"
quit_with q s 's save and quit' "q s"
assert_restored "q s"
if [[ -s $TMP/ckpt/final.safetensors ]]; then pass "save and quit wrote final.safetensors"
else fail "save and quit wrote no final checkpoint"; fi

# ---- 7c. a second Ctrl-C quits (without saving), exits 130 and says "stopped by user" -------------
start
wait_for ' RUNNING ' "run for Ctrl-C started"
quit_with C-c C-c 's save and quit' "Ctrl-C"
assert_restored "Ctrl-C Ctrl-C"
if [[ ! -e $TMP/ckpt/final.safetensors ]]; then pass "second Ctrl-C quit without saving"
else fail "second Ctrl-C wrote a final checkpoint"; fi
status=$(cat "$TMP/status" 2>/dev/null)
if [[ $status == 130 ]]; then pass "second Ctrl-C exits 130"; else fail "second Ctrl-C exit status ${status:-none}"; fi
text=$(screen)
if grep -q '^stopped by user (no final checkpoint): ' <<<"$text" && ! grep -q '^final: ' <<<"$text"; then
    pass "the summary says stopped by user, not final"
else fail "second Ctrl-C summary wrong"; fi

# ---- 7d. without a checkpoint folder the question is y/N -----------------------------------------
start --seed 42
wait_for ' RUNNING ' "run without a checkpoint folder started"
# RUNNING shows before the first minibatch; with nothing trained yet q quits without asking.
wait_for ' step [1-9]' "run without a checkpoint folder has trained"
quit_with q y 'quit\? unsaved progress is lost \(nothing can be saved\): y quit · N cancel' "no folder"
assert_restored "no folder, q y"

# ---- 8. SIGTERM ends the run as q and s do: final evaluation and checkpoint, terminal restored ----
# (a scheduler's grace signal must not lose the run's work)
# signal_ends_gracefully SIGNAL: sends SIGNAL to wdl in the pane and checks the graceful ending.
signal_ends_gracefully() {
    local signal=$1 pane_pid wdl_pid
    start
    wait_for ' RUNNING ' "run for $signal started"
    pane_pid=$(tmux display-message -p -t "$SESSION" '#{pane_pid}')
    wdl_pid=$(pgrep -P "$pane_pid" | head -n 1)
    if [[ -z $wdl_pid ]]; then fail "could not find the wdl process under pane $pane_pid"; return; fi
    kill -"$signal" "$wdl_pid"
    assert_restored "$signal"
    status=$(cat "$TMP/status" 2>/dev/null)
    if [[ $status == 0 ]]; then pass "$signal: exits 0 after saving"; else fail "$signal exit status ${status:-none}"; fi
    if [[ -s $TMP/ckpt/final.safetensors ]]; then pass "$signal: final.safetensors written"
    else fail "$signal: no final checkpoint"; fi
    text=$(screen)
    if grep -q "wdl: SIG$signal: stopping after this minibatch" <<<"$text" && grep -q '^final: ' <<<"$text"; then
        pass "$signal: said on the normal screen, then the final summary"
    else fail "$signal: no notice or no final summary"; fi
}
signal_ends_gracefully TERM

# ---- 9. TERM=dumb: headless output with a one-line notice -----------------------------------------
RUN_TERM=dumb RUN_EPOCHS=1 start --seed 42
wait_for 'cannot show the dashboard; training headless' "TERM=dumb says it trains headless" 20
wait_for '^final: ' "TERM=dumb run ends with the headless summary" 60
deadline=$((SECONDS + 10))
while ((SECONDS < deadline)) && [[ ! -s $TMP/status ]]; do sleep 0.2; done
status=$(cat "$TMP/status" 2>/dev/null)
if [[ $status == 0 ]]; then pass "TERM=dumb run exits 0"; else fail "TERM=dumb exit status ${status:-none}"; fi

# ---- 10. SIGHUP (terminal closed, pane killed) is taken as SIGTERM --------------------------------
signal_ends_gracefully HUP
# The terminal really gone: the pane killed (the kernel hangs the terminal up, then SIGHUP). Nothing
# can be read back from the pane; the run must still save its final checkpoint and exit.
start
wait_for ' RUNNING ' "run for a killed pane started"
tmux new-window -d -t "$SESSION" 'sleep 3600'   # keeps the session (and server) alive
pane_pid=$(tmux display-message -p -t "$SESSION:0" '#{pane_pid}')
wdl_pid=$(pgrep -P "$pane_pid" | head -n 1)
if [[ -n $wdl_pid ]]; then
    tmux kill-pane -t "$SESSION:0"
    deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)) && kill -0 "$wdl_pid" 2>/dev/null; do sleep 0.2; done
    if kill -0 "$wdl_pid" 2>/dev/null; then fail "killed pane: wdl still running"; kill -KILL "$wdl_pid"
    else pass "killed pane: wdl exited"; fi
    if [[ -s $TMP/ckpt/final.safetensors ]]; then pass "killed pane: final.safetensors written"
    else fail "killed pane: no final checkpoint"; fi
else
    fail "could not find the wdl process under pane $pane_pid"
fi

# ---- 11. wdl view: two finished runs side by side, q exits cleanly ----------------------------------
# Two short headless runs of the same config (so the same run name: the view adds the file names).
for name in a b; do
    seed=$([[ $name == a ]] && echo 1 || echo 2)
    if ! "$WDL" train --headless --config sample-data/adult/adult.yaml --epochs 1 --seed "$seed" \
            --metrics-out "$TMP/view-$name.jsonl" > "$TMP/view-$name.out" 2>&1; then
        fail "headless run for wdl view ($name)"; cat "$TMP/view-$name.out"
    fi
done
tmux kill-session -t "$SESSION" 2>/dev/null
rm -f "$TMP/status" "$TMP/stty"
for attempt in 1 2 3; do
    tmux -u new-session -d -s "$SESSION" -x 120 -y 40 \
        "cd '$PWD' && LANG=C.UTF-8 TERM=tmux-256color $WDL view $TMP/view-a.jsonl $TMP/view-b.jsonl; s=\$?; \
stty -a > $TMP/stty; echo \$s > $TMP/status; echo \"wdl exited with status \$s\"; sleep 3600" 2>/dev/null && break
    sleep 0.5
done
wait_for 'wdl view · 2 runs' "wdl view opens" 20
wait_for '1 ◆ adult \(view-a\.jsonl\)' "legend names run 1 (same run name: file name added)" 10
wait_for '2 ● adult \(view-b\.jsonl\)' "legend names run 2" 10
wait_for 'validation logloss' "validation chart shown" 10
wait_for '[\x{2801}-\x{28FF}]{3}' "braille curves drawn" 10
tmux send-keys -t "$SESSION" m
wait_for 'validation AUC' "m switches to AUC" 10
tmux send-keys -t "$SESSION" q
assert_restored "wdl view q"
status=$(cat "$TMP/status" 2>/dev/null)
if [[ $status == 0 ]]; then pass "wdl view q exits with status 0"; else fail "wdl view exit status ${status:-none}"; fi
if "$WDL" view "$TMP/missing.jsonl" > "$TMP/view-missing.out" 2>&1; then
    fail "wdl view of a missing file succeeded"
elif grep -q "missing.jsonl: cannot read" "$TMP/view-missing.out"; then
    pass "wdl view of a missing file names it"
else
    fail "wdl view of a missing file: $(cat "$TMP/view-missing.out")"
fi

echo "e2e-dashboard: $PASSED passed, $FAILED failed"
((FAILED == 0))
