# shellcheck shell=bash
# A private single-node SLURM for tests (issue 8), sourced by tests/slurm/run_case.sh.
#   slurm_up DIR        start munged, slurmctld and slurmd with everything under DIR
#   slurm_down          stop the daemons slurm_up started (by PID), jobs first; idempotent
#   slurm_wait JOBID [SECONDS]     wait until the job (every task of an array) has ended
#   slurm_comp JOBID FIELD         FIELD (JobState, ExitCode, ...) of the job's last record in
#                                  the job completion log (jobcomp/filetxt; there is no sacct)
# Facts of this kind of machine (no systemd, no cgroups): the daemons run in the foreground as
# background jobs of this shell, with absolute config paths (they chdir to /); the clients find
# the config through SLURM_CONF; ProctrackType=proctrack/linuxproc, TaskPlugin=task/none; a low
# cred_expire so that a requeued job starts again within seconds. A munged already running on
# the machine is left alone: this one has its own key and socket.

_slurm_pids=()

_slurm_log() { echo "[slurm-test] $*" >&2; }

# Two free TCP ports on 127.0.0.1 (the kernel picks them).
_slurm_free_ports() {
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}

_slurm_write_conf() {
  local dir="$1" user="$2" host="$3" ctld_port="$4" d_port="$5"
  cat > "$dir/etc/slurm.conf" <<EOF
ClusterName=saddletest
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${d_port}
SlurmUser=${user}
SlurmdUser=${user}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge/munge.socket,cred_expire=5
StateSaveLocation=${dir}/spool/ctld
SlurmdSpoolDir=${dir}/spool/d
SlurmctldPidFile=${dir}/run/slurmctld.pid
SlurmdPidFile=${dir}/run/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
SlurmdDebug=info
SlurmctldDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=pmix
JobCompType=jobcomp/filetxt
JobCompLoc=${dir}/log/jobcomp.txt
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=5
InactiveLimit=0
MessageTimeout=10
NodeName=${host} NodeAddr=127.0.0.1 CPUs=8 RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd 22.05 reads cgroup.conf even with proctrack/linuxproc; keep it away from cgroups
  echo "CgroupPlugin=autodetect" > "$dir/etc/cgroup.conf"
}

# Start a daemon in the foreground as a background job of this shell; its PID is recorded.
_slurm_spawn() {
  local name="$1"
  shift
  "$@" > "${SLURM_TEST_DIR}/log/${name}.out" 2>&1 &
  _slurm_pids+=("$!")
  _slurm_log "started ${name} (pid $!)"
}

slurm_up() {
  export SLURM_TEST_DIR="$1"
  local dir="$1" user host ports i
  user="$(id -un)"
  host="$(hostname -s)"
  mkdir -p "$dir"/{etc,munge,spool/ctld,spool/d,run,log}
  chmod 755 "$dir" "$dir/munge" # the munge socket's folder must be world-executable
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge/munge.key"
  _slurm_spawn munged munged --foreground --force --socket="$dir/munge/munge.socket" \
    --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  for i in $(seq 50); do
    [[ -S "$dir/munge/munge.socket" ]] && break
    sleep 0.1
  done
  [[ -S "$dir/munge/munge.socket" ]] || { _slurm_log "munged did not start"; return 1; }
  read -r -a ports <<< "$(_slurm_free_ports)"
  _slurm_write_conf "$dir" "$user" "$host" "${ports[0]}" "${ports[1]}"
  export SLURM_CONF="$dir/etc/slurm.conf"
  _slurm_spawn slurmctld slurmctld -D -c -f "$SLURM_CONF"
  _slurm_spawn slurmd slurmd -D -f "$SLURM_CONF" -N "$host"
  for i in $(seq 150); do
    if [[ "$(sinfo -h -o %T 2>/dev/null)" =~ ^(idle|mixed|allocated) ]]; then
      _slurm_log "node ${host} up after $((i / 10)).$((i % 10)) s (ports ${ports[*]})"
      return 0
    fi
    sleep 0.1
  done
  _slurm_log "the node did not come up; logs:"
  tail -n 20 "$dir"/log/slurmctld.log "$dir"/log/slurmd.log "$dir"/log/*.out >&2
  return 1
}

slurm_down() {
  [[ ${#_slurm_pids[@]} -gt 0 ]] || return 0
  if [[ -n "${SLURM_CONF:-}" ]]; then # jobs first, so that no step outlives its slurmd
    scancel --quiet --full --signal=KILL --user="$(id -un)" 2>/dev/null || true
    local i
    for i in $(seq 50); do
      [[ -z "$(squeue -h -t running,completing 2>/dev/null)" ]] && break
      sleep 0.1
    done
  fi
  local pid k
  for ((k = ${#_slurm_pids[@]} - 1; k >= 0; --k)); do # slurmd, slurmctld, then munged
    pid="${_slurm_pids[$k]}"
    kill -TERM "$pid" 2>/dev/null || continue
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  _slurm_log "stopped daemons ${_slurm_pids[*]}"
  _slurm_pids=()
}

# JobState of a job as slurmctld sees it now (first task for an array), "" when unknown.
slurm_state() {
  scontrol show job -o "$1" 2>/dev/null | sed -n 's/.* JobState=\([A-Z_]*\).*/\1/p' | head -n 1
}

slurm_wait() {
  local job="$1" limit="${2:-120}" t0=$SECONDS states
  while ((SECONDS - t0 < limit)); do
    states="$(squeue -h -j "$job" -t all -o %T 2>/dev/null | sort -u | tr '\n' ' ')"
    if [[ -n "$states" && ! "$states" =~ (PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED|STAGE_OUT) ]]; then
      return 0
    fi
    sleep 0.2
  done
  _slurm_log "job ${job} still not done after ${limit} s (states: ${states})"
  return 1
}

slurm_comp() {
  local job="$1" field="$2"
  [[ -f "$SLURM_TEST_DIR/log/jobcomp.txt" ]] || return 0
  grep -E "^JobId=${job} " "$SLURM_TEST_DIR/log/jobcomp.txt" | tail -n 1 |
    sed -n "s/.* ${field}=\\([^ ]*\\).*/\\1/p"
}
