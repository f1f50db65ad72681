# The three experiment decks of issue 6 in a small mode (few rounds, a 2x2 grid): every run of
# experiments/sweep.py must finish and land in the collected table. Full sizes: experiments/.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_sweep ${PROJECT_SOURCE_DIR}/experiments/sweep.py)
set(_exp_out ${CMAKE_CURRENT_BINARY_DIR}/experiments)

function(saddle_add_experiment_test name expected)
  add_test(NAME saddle_integration_experiment_${name}
           COMMAND ${Python3_EXECUTABLE} ${_sweep} --train-exe $<TARGET_FILE:saddle-train>
                   --out ${_exp_out}/${name} ${ARGN})
  set_tests_properties(saddle_integration_experiment_${name} PROPERTIES
    LABELS "integration" TIMEOUT 300 PASS_REGULAR_EXPRESSION "sweep.py: ${expected} runs")
endfunction()

saddle_add_experiment_test(fairness_hmda "4/4"
  --deck ${PROJECT_SOURCE_DIR}/inputs/fairness_hmda.toml
  --grid problem.constraint=demographic_parity,fermi_dp --grid epsilon=3,inf
  --set run.rounds=20)
saddle_add_experiment_test(isrl_dp_slid "4/4"
  --deck ${PROJECT_SOURCE_DIR}/inputs/isrl_dp_slid.toml
  --grid federated.algorithm=minibatch_sgd,local_sgd --grid epsilon=3,inf
  --set run.rounds=10)
saddle_add_experiment_test(isrl_dp_synthetic "2/2"
  --deck ${PROJECT_SOURCE_DIR}/inputs/isrl_dp_synthetic.toml
  --grid federated.algorithm=minibatch_sgd,local_sgd --grid epsilon=6
  --set run.rounds=10 --set data.n_samples=5000)
string(REPLACE ";" " " _launcher "${MPIEXEC_EXECUTABLE};${MPIEXEC_NUMPROC_FLAG};4;${SADDLE_MPIEXEC_PREFLAGS}")
saddle_add_experiment_test(group_accuracy_200 "1/1"
  --deck ${PROJECT_SOURCE_DIR}/inputs/group_accuracy_200.toml --launcher "${_launcher}"
  --set run.rounds=20 --set data.n_samples=20000)
set_tests_properties(saddle_integration_experiment_group_accuracy_200 PROPERTIES
  LABELS "integration;mpi" PROCESSORS 4)
