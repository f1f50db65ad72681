# shellcheck shell=bash
# Shared by the job scripts in jobscripts/ (sourced; bash). sbatch runs a copy of the batch
# script from its spool folder, so the scripts find this file through SADDLE_ROOT (the
# repository; default: the folder sbatch was called from).
#   SADDLE_ROOT   the saddle repository (inputs/, jobscripts/), default $SLURM_SUBMIT_DIR
#   SADDLE_BUILD  the folder holding saddle-train and saddle-bench, default $SADDLE_ROOT/build
#   SADDLE_OUT    the folder under which each job writes its own folder, default saddle-out

saddle_root="${SADDLE_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}"
saddle_build="${SADDLE_BUILD:-${saddle_root}/build}"
# shellcheck disable=SC2034 # used by the scripts that source this file
saddle_out_base="${SADDLE_OUT:-saddle-out}"

# Threads per rank from the allocation; Kokkos' OpenMP backend wants the binding variables set.
export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-${OMP_NUM_THREADS:-1}}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}"
export OMP_PLACES="${OMP_PLACES:-threads}"

saddle_note() { echo "[saddle-job ${SLURM_JOB_ID:-local}] $*"; }

# The executable NAME of the build folder; exit 2 (bad input) when it is missing.
saddle_exe() {
  local exe="${saddle_build}/$1"
  if [[ ! -x "$exe" ]]; then
    echo "saddle job: ${exe} not found or not executable (set SADDLE_BUILD to the build folder)" >&2
    exit 2
  fi
  echo "$exe"
}

# Provenance of a job: where and what runs, the sources' git hash, the binary's own version and
# git hash, and the Kokkos it was built with. EXE: the program.
saddle_provenance() {
  local exe="$1" git_hash
  git_hash="$(git -C "$saddle_root" rev-parse HEAD 2>/dev/null || echo "not a git checkout")"
  saddle_note "host $(hostname -s), $(date -Is), job ${SLURM_JOB_ID:-none}" \
    "(array ${SLURM_ARRAY_JOB_ID:-none}_${SLURM_ARRAY_TASK_ID:-none}," \
    "restart ${SLURM_RESTART_COUNT:-0}), ${SLURM_NTASKS:-1} rank(s) x ${OMP_NUM_THREADS} thread(s)"
  saddle_note "sources ${saddle_root} at git ${git_hash}"
  saddle_note "binary ${exe}"
  # The binary's version, git hash and Kokkos::print_configuration (saddle-train --version,
  # one rank); older binaries print version, git hash and execution space in their first line.
  local version
  if version="$(srun --ntasks=1 "$exe" --version 2>&1)"; then
    sed 's/^/    /' <<< "$version"
  else
    saddle_note "(this binary has no --version: its first output line names version, git hash," \
      "Kokkos version and execution space)"
  fi
  local kokkos_libs
  kokkos_libs="$(ldd "$exe" 2>/dev/null | awk '/kokkos/ {print $1 " => " $3}' | tr '\n' ' ')"
  saddle_note "Kokkos shared libraries: ${kokkos_libs:-none (linked statically)}"
}

# The effective deck the run wrote (every key, defaults included). DIR: the run's output folder.
saddle_log_deck() {
  if [[ -f "$1/deck.toml" ]]; then
    saddle_note "effective deck $1/deck.toml:"
    sed 's/^/    /' "$1/deck.toml"
  else
    saddle_note "no effective deck in $1 (the run stopped before writing it)"
  fi
}

# What an exit code of saddle-train means (README: exit codes).
saddle_exit_text() {
  case "$1" in
  0) echo "done" ;;
  1) echo "runtime failure (divergence included)" ;;
  2) echo "bad input (deck, data file, checkpoint, command line)" ;;
  3) echo "stopped by a signal after writing a checkpoint (continue with --restart latest)" ;;
  *) echo "killed or failed outside saddle (exit $1)" ;;
  esac
}
