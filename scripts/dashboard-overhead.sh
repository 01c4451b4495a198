#!/usr/bin/env bash
# Measures what the open dashboard costs training: the same run headless and under the dashboard
# (in tmux, 120×40), alternated, N times each; compares the median examples/s of training time
# in the final metrics record. Usage: scripts/dashboard-overhead.sh [runs] [wdl binary]
set -euo pipefail
runs="${1:-3}"
WDL="$(realpath "${2:-.build/release/wdl}")"
args=(train --config sample-data/adult/live.yaml --epochs 3 --eval-every 0)
tmp="$(mktemp -d)"
trap 'tmux kill-session -t wdl-overhead 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Training examples per second of training time, from the run's final metrics record.
rate() { python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(int([x for x in r if x.get("final")][-1]["examples_per_sec"]))' "$1"; }
headless=() dashboard=()
for i in $(seq "$runs"); do
    "$WDL" "${args[@]}" --headless --metrics-out "$tmp/h$i.jsonl" > /dev/null
    headless+=("$(rate "$tmp/h$i.jsonl")")
    tmux -u new-session -d -s wdl-overhead -x 120 -y 40 \
        "LANG=C.UTF-8 TERM=tmux-256color '$WDL' ${args[*]} --metrics-out '$tmp/d$i.jsonl'"
    until tmux capture-pane -t wdl-overhead -p 2>/dev/null | grep -q FINISHED; do sleep 0.5; done
    tmux send-keys -t wdl-overhead q
    sleep 0.5
    tmux send-keys -t wdl-overhead y 2>/dev/null || true   # confirms "quit without saving?"
    while tmux has-session -t wdl-overhead 2>/dev/null; do sleep 0.2; done
    dashboard+=("$(rate "$tmp/d$i.jsonl")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
h=$(median "${headless[@]}") d=$(median "${dashboard[@]}")
echo "headless ex/s:  ${headless[*]}  (median $h)"
echo "dashboard ex/s: ${dashboard[*]}  (median $d)"
awk -v h="$h" -v d="$d" 'BEGIN { printf "dashboard / headless = %.3f (cost %.1f%%)\n", d / h, (1 - d / h) * 100 }'
