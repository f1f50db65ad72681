# The job scripts (jobscripts/, issue 8) against a real single-node SLURM brought up for each
# test in a temporary folder (tests/slurm/run_case.sh, cluster.sh): a cpu job on the quickstart
# deck, a restart chain interrupted twice against an uninterrupted run, a 4-task sweep and its
# collected table, a bad deck's exit code in the job state, bench.sbatch's JSON. Label slurm;
# registered only where Debian's slurmctld, slurmd, slurm-client and munge are installed.
find_program(SADDLE_SLURMCTLD slurmctld PATHS /usr/sbin /sbin)
find_program(SADDLE_SLURMD slurmd PATHS /usr/sbin /sbin)
find_program(SADDLE_MUNGED munged PATHS /usr/sbin /sbin)
find_program(SADDLE_SBATCH sbatch)
if(SADDLE_SLURMCTLD AND SADDLE_SLURMD AND SADDLE_MUNGED AND SADDLE_SBATCH)
  set(_cases cpu restart sweep fail)
  if(SADDLE_ENABLE_BENCHMARKS)
    list(APPEND _cases bench)
  endif()
  foreach(_case IN LISTS _cases)
    set(_name saddle_slurm_${_case})
    add_test(NAME ${_name}
             COMMAND ${PROJECT_SOURCE_DIR}/tests/slurm/run_case.sh ${_case} ${PROJECT_SOURCE_DIR}
                     ${PROJECT_BINARY_DIR})
    # one private SLURM at a time; the jobs' ranks are real processes: hold 2 processors
    set_tests_properties(${_name} PROPERTIES LABELS slurm RESOURCE_LOCK saddle_slurm
                                             PROCESSORS 2 TIMEOUT 300)
  endforeach()
else()
  message(STATUS "saddle: SLURM or munge not installed: no slurm-labelled tests")
endif()
