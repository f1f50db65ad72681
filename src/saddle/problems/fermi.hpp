#pragma once
/// FERMI (Lowy, Baharlouei et al. 2022, "A stochastic optimization framework for fair risk
/// minimization"): min_theta max_W  loss(theta) + lambda psi(theta, W), with
///   psi(theta, W) = -Tr(W P_yhat W^T) + 2 Tr(W P_yhat,s P_s^(-1/2)) - 1
/// (kernels/fermi.hpp for the per-record form), whose maximum over W is the exponential Renyi
/// mutual information ERMI(yhat; s) = sum_{c,g} P(c, g)^2 / (P(c) P(g)) - 1 (demographic
/// parity), attained at W* = P_s^(-1/2) P_yhat,s^T P_yhat^(-1). fermi_eo: one W per label value
/// and psi = sum_y P(y) psi_y on the records of label y (equalized odds).
///
/// The model is binary (m = 2 classes, soft predictions p_i = (1 - sigmoid(z_i), sigmoid(z_i));
/// both columns of W are kept, unlike DP-FERMI's 1 x 1 W). No multipliers: the primal player
/// adds lambda dpsi_i / dz_i to each record's loss derivative before per-record clipping, so
/// the clipped gradient is that of (loss_i + lambda psi_i). W moves in update(), every rank
/// identically, from the aggregated privatized statistics (post-processing: no privacy cost
/// beyond the statistics' own release): the best response, or one projected ascent step.
///
/// Statistics per cell c (group, or (label, group)): [count_c, S_c0, S_c1] with S_cj the sum
/// of p_ij over the batch records of c. Noisy counts below 1 mark a group absent from the
/// round: its row of W is the best response's 0 (it has no mass) or stays put (ascent), and
/// its P(s)^(-1/2) keeps its last value.
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace saddle {

/// Shape of FERMI's statistics and of the stacked W [n_strata * n_groups][n_classes].
struct FermiShape {
  std::int64_t n_strata = 1; ///< 1 (demographic parity) or 2 (equalized odds: one per label)
  std::int64_t n_groups = 1;
  std::int64_t n_classes = 2;
  std::int64_t cells() const { return n_strata * n_groups; }
  std::int64_t statsSize() const { return cells() * (n_classes + 1); }
};

struct FermiConfig {
  bool conditioned = false;  ///< fermi_eo: one W per label value
  std::int64_t n_groups = 1; ///< >= 1
  double lambda = 1.0;       ///< weight of psi in the primal objective, >= 0
  bool best_response = true; ///< W = W* each round; false: projected ascent
  double w_lr = 0.1;         ///< ascent step size, > 0
  double w_radius = 10.0;    ///< Frobenius-ball radius of each W, > 0
};

class Fermi final : public Problem {
public:
  explicit Fermi(FermiConfig const& cfg);

  std::int64_t numConstraints() const override { return 0; }
  std::string constraintName(std::int64_t) const override { return {}; }
  std::int64_t statsSize() const override { return _shape.statsSize(); }
  /// One record adds 1 to its cell's count and p_i (||p_i||_2 <= ||p_i||_1 = 1) to its soft
  /// sums: sqrt(1 + 1) = sqrt(2).
  double statsSensitivity() const override;

  /// coef_i += lambda dpsi_i / dz_i at the current W. `lambda` (multipliers) is unused.
  void addProxyDerivative(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch,
                          Vector<double> const& lambda) override;
  void accumulateStats(ExecSpace const& space, data::SiloData const& data,
                       BatchScratch const& batch, Vector<double> const& stats,
                       std::int64_t offset) const override;
  std::vector<double> violation(std::vector<double> const&) const override { return {}; }
  /// W <- best response or projected ascent step from the round's statistics. Host + copy.
  void update(ExecSpace const& space, std::vector<double> const& stats,
              std::int64_t round) override;
  /// fermi_ermi (plug-in ERMI of the round's privatized soft statistics), fermi_psi (psi at the
  /// W used this round, plug-in), fermi_w_norm (||W||_F).
  std::vector<std::pair<std::string, double>> roundMetrics() const override;
  /// prefix + "fermi_w" [cells * m], "fermi_inv_sqrt_ps" [cells], "fermi_metrics" [2].
  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

  FermiShape const& shape() const { return _shape; }
  std::vector<double> const& w() const { return _w; }
  std::vector<double> const& invSqrtPs() const { return _inv_sqrt_ps; }
  /// Overwrite W and P_s^(-1/2) (tests, warm starts); sizes cells * m and cells.
  void setW(std::vector<double> const& w, std::vector<double> const& inv_sqrt_ps);

private:
  void upload();

  FermiShape _shape;
  FermiConfig _cfg;
  std::vector<double> _w;           ///< [cells][m] host copy
  std::vector<double> _inv_sqrt_ps; ///< [cells] P(s = g | stratum)^(-1/2)
  double _ermi = 0.0, _psi = 0.0;
  Matrix<double> _w_dev;                        ///< [cells][m]
  Matrix<double> _colsq;                        ///< [strata][m]
  Vector<double> _inv_sqrt_ps_dev;              ///< [cells]
  Kokkos::View<std::int64_t*, MemSpace> _fixed; ///< [statsSize()] fixed-point scratch
};

/// W* and P_s^(-1/2) from FERMI statistics (host): for every stratum r with rows and every
/// group g with a count n_g >= 1, W*(g, c) = S_gc / (T_c sqrt(n_g / N_r)) (0 where T_c = 0),
/// T_c = sum_g S_gc, N_r = sum_g n_g, soft sums clamped to [0, n_g]; inv_sqrt_ps(g) =
/// sqrt(N_r / n_g). Absent groups: W row 0, inv_sqrt_ps unchanged. w, inv_sqrt_ps: in/out.
void fermiBestResponse(std::vector<double> const& stats, FermiShape const& shape,
                       std::vector<double>& w, std::vector<double>& inv_sqrt_ps);
/// One projected ascent step W <- Proj_{||W_r||_F <= radius}(W + lr grad_W psi_r), grad =
/// -2 W P_yhat + 2 P_s^(-1/2) P_yhat,s^T from the statistics; absent groups keep their rows.
void fermiAscentStep(std::vector<double> const& stats, FermiShape const& shape, double lr,
                     double radius, std::vector<double>& w, std::vector<double>& inv_sqrt_ps);
/// Plug-in psi(W) = sum_r (N_r / N) psi_r(W) from the statistics (the mean of the per-record
/// psi_i when inv_sqrt_ps comes from the same statistics). Host.
double fermiPsi(std::vector<double> const& stats, FermiShape const& shape,
                std::vector<double> const& w);
/// Plug-in ERMI = sum_r (N_r / N) (sum_{g, c} S_gc^2 / (T_c n_g) - 1) = max_W psi. Host.
double fermiErmi(std::vector<double> const& stats, FermiShape const& shape);

} // namespace saddle
