#!/bin/bash
# Samples the memory of a running process and its child processes (e.g. `pantau extract
# --workers 2` or benchmarks/scale_build.py) until it exits: one line every INTERVAL seconds
# with the sum of their RSS and of their PSS (RSS counts the pages forked workers share with
# the main process once per process; PSS splits them, so its sum is the memory actually used).
#
# Usage: benchmarks/sample_memory.sh PID [INTERVAL] > memory.log
#        sort -t= -k3 -n memory.log | tail -1      # the peak
pid=${1:?usage: sample_memory.sh PID [INTERVAL]}
interval=${2:-20}
while kill -0 "$pid" 2>/dev/null; do
  rss=0; pss=0; n=0
  for p in "$pid" $(pgrep -P "$pid"); do
    r=$(awk '/^Rss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    s=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    rss=$((rss + ${r:-0})); pss=$((pss + ${s:-0})); n=$((n + 1))
  done
  echo "$(date +%H:%M:%S) rss_sum_mb=$((rss / 1024)) pss_sum_mb=$((pss / 1024)) processes=$n"
  sleep "$interval"
done
