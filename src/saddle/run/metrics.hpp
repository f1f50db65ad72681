#pragma once
/// Evaluation of the model on a whole split, across all ranks: loss, accuracy and the
/// positive rate of each group (for the demographic-parity gap). These are diagnostics of the
/// run, computed on the silos' data outside the private protocol (like a training loss printed
/// by Opacus); they are not part of what the silos release for training.
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <vector>

namespace saddle {

struct Evaluation {
  std::int64_t n = 0;                    ///< rows evaluated (all ranks)
  double loss = 0.0;                     ///< mean cross-entropy
  double accuracy = 0.0;                 ///< share of correct predictions
  double positive_rate = 0.0;            ///< P(yhat = 1)
  std::vector<std::int64_t> group_count; ///< [k] rows per group
  std::vector<double> group_rate;        ///< [k] P(yhat = 1 | s = g) (overall rate if empty)
  double dp_gap = 0.0;                   ///< max_g |P(yhat=1|g) - P(yhat=1)| over groups with rows
};

/// Evaluate `model` on every row of `split` on every rank. Collective on `comm`.
Evaluation evaluate(ExecSpace const& space, LogisticModel const& model, data::SiloData const& split,
                    std::int64_t n_groups, mpi::Comm const& comm);

} // namespace saddle
