#!/usr/bin/env bash
# One ctest case of the job scripts (jobscripts/) against a real, private, single-node SLURM
# (tests/slurm/cluster.sh), brought up in a temporary folder and stopped on any exit.
#   run_case.sh CASE SOURCE_DIR BUILD_DIR
# CASE: cpu | restart | sweep | fail | bench. Exit 0 when the checks hold; output names each one.
set -euo pipefail
case_name="$1"
SADDLE_ROOT="$(cd "$2" && pwd)"
export SADDLE_ROOT
SADDLE_BUILD="$(cd "$3" && pwd)"
export SADDLE_BUILD
here="$(cd "$(dirname "$0")" && pwd)"
source "${here}/cluster.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/saddle-slurm-${case_name}.XXXXXX")"
cleanup() {
  local rc=$?
  slurm_down
  if ((rc == 0)); then
    rm -rf "$work"
  else
    echo "[slurm-test] FAILED ($rc); kept ${work} (logs in log/, jobs in jobs/)" >&2
    tail -n 15 "$work"/log/slurmctld.log "$work"/log/slurmd.log >&2 2> /dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

slurm_up "$work"
mkdir -p "$work/jobs"
cd "$work/jobs"
deck="${SADDLE_ROOT}/inputs/quickstart.toml"
jobs_dir="${SADDLE_ROOT}/jobscripts"

fail() {
  echo "[slurm-test] CHECK FAILED: $*" >&2
  exit 1
}
pass() { echo "[slurm-test] ok: $*"; }

# The job's final JobState and ExitCode from the completion log: "STATE CODE:SIGNAL".
# An array task ARRAY_TASK is logged under its own numeric job id.
job_result() {
  local id="$1"
  if [[ "$id" == *_* ]]; then
    id="$(scontrol show job -o "$id" | sed -n 's/^JobId=\([0-9]*\) .*/\1/p')"
  fi
  echo "$(slurm_comp "$id" JobState) $(slurm_comp "$id" ExitCode)"
}

expect_result() { # JOBID "STATE CODE:SIG" what
  local got
  got="$(job_result "$1")"
  [[ "$got" == "$2" ]] || {
    cat saddle*-"$1"*.log >&2 2> /dev/null || true
    fail "$3: job $1 ended '${got}', expected '$2'"
  }
  pass "$3: job $1 ended ${got}"
}

# Every dataset of HDF5 file A is in B with the same values (h5diff, exact).
same_datasets() {
  local path n=0
  for path in $(h5ls -r "$1" | awk '$2 == "Dataset" {print $1}'); do
    n=$((n + 1))
    h5diff "$1" "$2" "$path" "$path" > "h5diff-${n}.txt" 2>&1 || return 1
  done
  ((n > 0))
}

summary_value() { sed -n "s/^$2,//p" "$1/summary.csv"; }

case_cpu() { # the quickstart deck on 2 ranks through cpu.sbatch
  local job
  job="$(sbatch --parsable "${jobs_dir}/cpu.sbatch" "$deck" --set run.rounds=150)"
  slurm_wait "$job" 120 || fail "cpu job did not end"
  expect_result "$job" "COMPLETED 0:0" "cpu.sbatch trains the quickstart deck"
  local out="saddle-out/job-${job}"
  [[ "$(summary_value "$out" rounds)" == 150 ]] || fail "summary.csv: rounds is not 150"
  grep -q "2 MPI rank(s)" "saddle-${job}.log" || fail "the run did not use 2 ranks"
  grep -q "sources .* at git " "saddle-${job}.log" || fail "no git hash in the log"
  grep -q "Kokkos" "saddle-${job}.log" || fail "no Kokkos configuration in the log"
  grep -q "effective deck ${out}/deck.toml" "saddle-${job}.log" || fail "no effective deck"
  pass "outputs, 2 ranks, git hash, Kokkos and effective deck in saddle-${job}.log"
}

# Wait until LOG has a progress line (a line that starts with a round number) after its
# "==== attempt N" marker; returns 1 when the job ends first.
wait_progress() {
  local job="$1" log="$2" attempt="$3" t0=$SECONDS
  while ((SECONDS - t0 < 120)); do
    if [[ -f "$log" ]] && awk -v a="==== attempt ${attempt} " '
        index($0, a) { seen = 1; next } seen && /^ +[0-9]+ +[0-9.]/ { found = 1 }
        END { exit !found }' "$log"; then
      return 0
    fi
    [[ "$(slurm_state "$job")" =~ ^(COMPLETED|FAILED|CANCELLED|TIMEOUT)$ ]] && return 1
    sleep 0.1
  done
  return 1
}

case_restart() { # interrupted twice, then finished: the same final state as one run
  # 1 rank; a fixed sigma (target_epsilon would need recalibrating for this many rounds)
  local set=(--set run.rounds=2000 --set run.log_every=50 --set privacy.target_epsilon=0
    --set privacy.noise_multiplier=1.0)
  local ref chain
  ref="$(sbatch --parsable --ntasks=1 "${jobs_dir}/cpu.sbatch" "$deck" "${set[@]}")"
  chain="$(SADDLE_MAX_RESTARTS=4 sbatch --parsable --ntasks=1 --signal=B:USR1@5 \
    "${jobs_dir}/restart-chain.sbatch" "$deck" "${set[@]}")"
  local log="saddle-${chain}.log" attempt
  for attempt in 0 1; do
    wait_progress "$chain" "$log" "$attempt" ||
      fail "attempt ${attempt} of job ${chain} ended before it could be interrupted"
    scancel --batch --signal=USR1 "$chain"
    pass "USR1 sent to attempt ${attempt} of job ${chain} in the middle of its run"
    local t0=$SECONDS
    until grep -q "==== attempt $((attempt + 1)) " "$log" 2> /dev/null; do
      ((SECONDS - t0 < 60)) || fail "job ${chain} was not requeued after attempt ${attempt}"
      sleep 0.2
    done
  done
  slurm_wait "$chain" 180 || fail "the restart chain did not end"
  slurm_wait "$ref" 180 || fail "the reference run did not end"
  expect_result "$ref" "COMPLETED 0:0" "uninterrupted reference run"
  expect_result "$chain" "COMPLETED 0:0" "restart chain"
  [[ "$(grep -c "saddle-train exit 3" "$log")" == 2 ]] || fail "expected 2 exits with code 3"
  [[ "$(grep -c -- "--restart latest" "$log")" -ge 2 ]] || fail "expected 2 resumed attempts"
  pass "2 interruptions (exit 3, requeued), 2 resumptions from the latest checkpoint"
  local a="saddle-out/job-${ref}" b="saddle-out/job-${chain}" key
  local ca cb
  ca="$(ls "$a"/checkpoints/ckpt_*.h5 | tail -n 1)"
  cb="$(ls "$b"/checkpoints/ckpt_*.h5 | tail -n 1)"
  [[ "$(basename "$ca")" == "$(basename "$cb")" ]] || fail "last checkpoints differ: $ca $cb"
  # model, multipliers, optimizer and accountant state: every dataset, bit for bit (the root's
  # attributes differ by design: creation time, the deck's text with its output folder)
  if command -v h5diff > /dev/null && command -v h5ls > /dev/null; then
    same_datasets "$ca" "$cb" || fail "final checkpoints differ (h5diff: h5diff-*.txt)"
    pass "final checkpoints $(basename "$ca"): $(h5ls -r "$ca" | grep -c Dataset) datasets identical (h5diff)"
    local mid
    mid="$(ls "$b"/checkpoints/ckpt_*.h5 | head -n 1)"
    ! same_datasets "$ca" "$mid" 2> /dev/null || fail "the comparison cannot tell $(basename "$mid")"
  fi
  # (records counts the last attempt's records only: left out)
  for key in rounds train_loss train_accuracy train_dp_gap test_accuracy max_lambda \
    epsilon kkt_stationarity; do
    [[ "$(summary_value "$a" "$key")" == "$(summary_value "$b" "$key")" ]] ||
      fail "summary.csv ${key}: $(summary_value "$a" "$key") != $(summary_value "$b" "$key")"
  done
  pass "summary.csv of both runs agree to every printed digit"
}

case_sweep() { # a 4-task array over 2 x 2 overrides and the collected table
  local arr coll
  arr="$(sbatch --parsable --array=0-3 "${jobs_dir}/sweep.sbatch" "$deck" dual.lr=0.1,0.2 \
    run.seed=1,2 -- --set run.rounds=100 --set run.log_every=50)"
  coll="$(sbatch --parsable --dependency=afterany:"${arr}" --output=collect-%j.log \
    --wrap "${jobs_dir}/collect-sweep.py saddle-out/sweep-${arr} --strict")"
  slurm_wait "$arr" 120 || fail "the array did not end"
  slurm_wait "$coll" 60 || fail "the collector did not end"
  local t
  for t in 0 1 2 3; do
    expect_result "${arr}_${t}" "COMPLETED 0:0" "array task ${t}"
    [[ -f "saddle-out/sweep-${arr}/task-${t}/summary.csv" ]] || fail "task ${t}: no summary"
  done
  expect_result "$coll" "COMPLETED 0:0" "collector (dependent job)"
  local table="saddle-out/sweep-${arr}/table.csv"
  [[ "$(wc -l < "$table")" == 5 ]] || fail "${table}: expected a header and 4 rows"
  head -n 1 "$table" | grep -q "^task,dual.lr,run.seed,status,rounds," ||
    fail "${table}: unexpected header $(head -n 1 "$table")"
  [[ "$(cut -d, -f1-4 "$table" | sort | tr '\n' ' ')" == "$(printf '%s\n' \
    "0,0.1,1,done" "1,0.1,2,done" "2,0.2,1,done" "3,0.2,2,done" "task,dual.lr,run.seed,status" |
    sort | tr '\n' ' ')" ]] || { cat "$table" >&2; fail "${table}: wrong grid points"; }
  # each task ran its own point: the effective decks differ exactly in the swept keys
  grep -q "^lr = 0.2" "saddle-out/sweep-${arr}/task-3/deck.toml" || fail "task 3 lr"
  grep -q "^seed = 2" "saddle-out/sweep-${arr}/task-3/deck.toml" || fail "task 3 seed"
  pass "4 results and one table of 4 rows (${table})"
}

case_fail() { # bad input propagates to the job state: FAILED, exit code 2
  local job
  job="$(sbatch --parsable "${jobs_dir}/cpu.sbatch" "$deck" --set run.rounds=-5)"
  slurm_wait "$job" 60 || fail "the failing job did not end"
  expect_result "$job" "FAILED 2:0" "a bad deck (run.rounds = -5)"
  grep -q "run.rounds" "saddle-${job}.log" || fail "the log does not name the bad key"
  grep -q "saddle-train exit 2: bad input" "saddle-${job}.log" || fail "no exit-code note"
  scontrol show job -o "$job" | grep -q "ExitCode=2:0" || fail "scontrol: ExitCode is not 2:0"
  pass "scontrol and the completion log agree: FAILED, ExitCode=2:0"
}

case_bench() { # bench.sbatch stores saddle-bench's JSON (smoke sizes)
  local job
  job="$(sbatch --parsable "${jobs_dir}/bench.sbatch" --saddle_scale=0.01 \
    --benchmark_min_time=0.01 --benchmark_filter=w6_)"
  slurm_wait "$job" 120 || fail "the bench job did not end"
  expect_result "$job" "COMPLETED 0:0" "bench.sbatch"
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["benchmarks"], "no benchmark in the JSON"
print("[slurm-test] ok: bench.json holds", len(d["benchmarks"]), "benchmark(s)")' \
    "saddle-out/bench-${job}/bench.json" || fail "bench.json"
  grep -q "at git" "saddle-out/bench-${job}/provenance.txt" || fail "no provenance"
}

"case_${case_name}"
