#pragma once
/// Evaluation of the model on a whole split, across all ranks: loss, accuracy, the positive
/// rate and accuracy of each group, the demographic-parity and equalized-odds gaps and the
/// ERMI of the predictions. These are diagnostics of the run, computed on the silos' data
/// outside the private protocol (like a training loss printed by Opacus); they are not part of
/// what the silos release for training.
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <vector>

namespace saddle {

struct Evaluation {
  std::int64_t n = 0;         ///< rows evaluated (all ranks)
  double loss = 0.0;          ///< mean training loss of the model (cross-entropy, or least squares)
  double accuracy = 0.0;      ///< share of correct predictions
  double positive_rate = 0.0; ///< P(yhat = 1)
  std::vector<std::int64_t> group_count; ///< [k] rows per group
  std::vector<double> group_rate;        ///< [k] P(yhat = 1 | s = g) (overall rate if empty)
  double dp_gap = 0.0;                   ///< max_g |P(yhat=1|g) - P(yhat=1)| over groups with rows
  /// max over y in {0, 1} and groups g with rows of that label of
  /// |P(yhat = 1 | s = g, y) - P(yhat = 1 | y)| (equalized odds: TPR and FPR gaps)
  double eo_gap = 0.0;
  std::vector<double> group_accuracy; ///< [k] accuracy of each group (overall if it has no rows)
  double min_group_accuracy = 0.0;    ///< min over groups with rows (accuracy if none)
  /// Exact ERMI(yhat; s) = sum_{c,g} P(c, g)^2 / (P(c) P(g)) - 1 of the whole split with the
  /// hard predictions yhat = 1[z > 0] (0 = independence)
  double ermi = 0.0;
  double ermi_soft = 0.0; ///< the same with soft predictions (sigmoid(z)), what FERMI's psi bounds
  double ermi_eo = 0.0;   ///< sum_y P(y) ERMI(yhat; s | y), hard predictions (equalized odds)
};

/// Evaluate `model` on every row of `split` on every rank. Collective on `comm`.
Evaluation evaluate(ExecSpace const& space, LogisticModel const& model, data::SiloData const& split,
                    std::int64_t n_groups, mpi::Comm const& comm);

/// The statistics of `problem` over every row of `split` on every rank, without noise: what
/// the dual player would see with the whole split as its batch. [problem.statsSize()].
/// Collective on `comm`.
std::vector<double> exactProblemStats(ExecSpace const& space, LogisticModel const& model,
                                      Problem const& problem, data::SiloData const& split,
                                      mpi::Comm const& comm);

/// Per constraint j of `problem`: does g_j <= tolerance hold on the whole split (violation()
/// of exactProblemStats)? Works for every problem (demographic parity, equalized odds, group
/// accuracy with its reference model; empty for FERMI and none). Collective on `comm`.
std::vector<bool> constraintsSatisfied(ExecSpace const& space, LogisticModel const& model,
                                       Problem const& problem, data::SiloData const& split,
                                       double tolerance, mpi::Comm const& comm);

} // namespace saddle
