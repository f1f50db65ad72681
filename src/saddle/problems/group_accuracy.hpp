#pragma once
/// Per-group accuracy-gap constraints (Balancing Act, Hashemizadeh et al. 2023): for every
/// group g, its error increase relative to a reference model is at most the overall increase:
///   (err_g(theta) - err_g(ref)) - (err(theta) - err(ref)) - tol <= 0      (constraint g)
/// with err = share of records with 1[z > 0] != y. Without a reference model err_g(ref) =
/// err(ref) = 0: each group's error at most the overall error plus tol.
///
/// Scale (hundreds of groups, e.g. intersections of attributes): statistics, proxy weights and
/// proxy derivatives cost O(batch + k) per round (one atomic per statistic per record; the
/// weights a_g in O(k)); nothing loops over batch x groups.
///
/// Absent groups: a group whose noisy count in the round's statistics is below 1 gets violation
/// 0 that round (no evidence either way) and is left out of observedConstraints(), so the
/// Trainer's indexed dual step does not move its multiplier (with a dense step it moves only by
/// the schedule's -tol, as a constraint exactly at its bound would).
#include "saddle/core/state.hpp"
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

class GroupAccuracy final : public Problem {
public:
  /// group_counts: training rows per group (all silos), k >= 1; tolerance >= 0;
  /// reference_theta: [d + 1] parameters of the reference model ([w, b], as LogisticModel), or
  /// empty for reference errors 0.
  GroupAccuracy(std::vector<std::int64_t> const& group_counts, double tolerance,
                std::vector<double> const& reference_theta);

  std::int64_t numConstraints() const override { return _n_groups; }
  /// "acc_gap<g>".
  std::string constraintName(std::int64_t j) const override;
  /// [count_g (k), errors_g of theta (k), errors_g of the reference (k, with a reference only)].
  std::int64_t statsSize() const override { return (hasReference() ? 3 : 2) * _n_groups; }
  /// A record moves its group's count by 1 and each error count by at most 1: sqrt(3) with a
  /// reference model, sqrt(2) without.
  double statsSensitivity() const override;

  /// coef_i += a_{g_i} d/dz sigmoid(-(2 y_i - 1) z_i), a_g = lambda_g n / n_g - sum_h lambda_h.
  void addProxyDerivative(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch,
                          Vector<double> const& lambda) override;
  /// Reference margins z_ref = theta_ref . [x_i, 1] of the batch, then the error counts.
  void accumulateStats(ExecSpace const& space, data::SiloData const& data,
                       BatchScratch const& batch, Vector<double> const& stats,
                       std::int64_t offset) const override;
  std::vector<double> violation(std::vector<double> const& stats) const override;
  /// Groups with a noisy count >= 1.
  std::vector<std::int64_t> observedConstraints(std::vector<double> const& stats) const override;

  bool hasReference() const { return _reference.extent(0) > 0; }

  /// Per-group gaps (err_g - ref_g) - (err - ref) from statistics laid out as statsSize()
  /// (with_reference: 3k entries, else 2k); 0 for groups with a count below 1. Host.
  static std::vector<double> errorGaps(std::vector<double> const& stats, std::int64_t n_groups,
                                       bool with_reference);

private:
  std::int64_t _n_groups;
  double _tolerance;
  Vector<double> _reference;     ///< [d + 1] or empty
  mutable Vector<double> _z_ref; ///< [capacity] reference margins of a batch, grown on demand
  Vector<double> _inv_share;     ///< [k] n / n_g
  Vector<double> _inv_all;       ///< [1] n / n = 1
  Vector<double> _totals;        ///< [1] scratch
  Vector<double> _weights;       ///< [k] a_g of the proxy term
};

/// The reference model's parameters from a checkpoint's State (entry "model/theta", written by
/// Trainer::saveState), checked to have n_params entries. `source` (the checkpoint path) and the
/// deck key problem.reference_model name the file in the InputError otherwise. Host, pure.
std::vector<double> referenceThetaFromState(State const& state, std::int64_t n_params,
                                            std::string const& source);

} // namespace saddle
