#!/usr/bin/env bash
# The three experiments of issue 6 at full size; tables and plots land in OUT (default
# experiments/results). Needs a build (./setup.sh build) and mpirun for experiment 3.
#   experiments/run_all.sh [OUT]
# Environment: SADDLE_TRAIN (default build/saddle-train), JOBS (parallel runs, default nproc),
# SEEDS (default 5 for experiment 1, 3 for experiment 2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/experiments/results}"
train="${SADDLE_TRAIN:-$here/build/saddle-train}"
jobs="${JOBS:-$(nproc)}"
sweep=(python3 "$here/experiments/sweep.py" --train-exe "$train" --jobs "$jobs")
mpirun_flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && mpirun_flags+=(--allow-run-as-root)
mkdir -p "$out"
epsilons_fair="0.5,1,3,9,inf"
epsilons_isrl="0.75,1.5,3,6,12,18,inf"

# 1. Fairness-accuracy trade-off on hmda: FERMI's lambda and the constraint's tolerance.
"${sweep[@]}" --deck "$here/inputs/fairness_hmda.toml" --out "$out/fairness_hmda_fermi" \
  --grid problem.constraint=fermi_dp --grid problem.fermi_lambda=0,0.25,0.5,1,2 \
  --grid epsilon=$epsilons_fair --seeds "${SEEDS:-5}"
"${sweep[@]}" --deck "$here/inputs/fairness_hmda.toml" --out "$out/fairness_hmda_constrained" \
  --grid problem.tolerance=0.2,0.1,0.05,0.02 --grid epsilon=$epsilons_fair --seeds "${SEEDS:-5}"
python3 "$here/experiments/plot_tradeoff.py" --panel epsilon --x test_dp_gap --y test_error \
  --arm "FERMI (lambda)=$out/fairness_hmda_fermi/runs.csv:problem.fermi_lambda" \
  --arm "constrained (tolerance)=$out/fairness_hmda_constrained/runs.csv:problem.tolerance" \
  --out "$out/fairness_hmda.png"

# 2. ISRL-DP federated logistic regression, 25 silos, 12 per round.
for data in slid synthetic; do
  "${sweep[@]}" --deck "$here/inputs/isrl_dp_$data.toml" --out "$out/isrl_dp_$data" \
    --grid federated.algorithm=minibatch_sgd,local_sgd --grid epsilon=$epsilons_isrl \
    --seeds "${SEEDS:-3}"
done

# 3. Per-group accuracy constraints, 200 groups, 4 ranks: an unconstrained reference model,
#    then the constrained run against it.
mpirun "${mpirun_flags[@]}" -n 4 "$train" "$here/inputs/group_accuracy_200.toml" \
  --set problem.constraint=none --output "$out/group_accuracy_200_reference" \
  > "$out/group_accuracy_200_reference.log"
ref="$(ls "$out"/group_accuracy_200_reference/checkpoints/*.h5 | tail -1)"
mpirun "${mpirun_flags[@]}" -n 4 "$train" "$here/inputs/group_accuracy_200.toml" \
  --set "problem.reference_model=\"$ref\"" --output "$out/group_accuracy_200" \
  > "$out/group_accuracy_200.log"
echo "run_all.sh: results in $out"
