#include "saddle/run/metrics.hpp"

#include "kernels/compat.hpp"
#include "kernels/glm.hpp"
#include "kernels/group_stats.hpp"
#include "kernels/sample.hpp"
#include "saddle/problems/demographic_parity.hpp"
#include "saddle/problems/fermi.hpp"
#include "saddle/problems/rate_parity.hpp"

#include <algorithm>

namespace saddle {

namespace {
/// Per-(label, group) sums of a whole split, all ranks: [count, positives, soft positives,
/// correct] x [2k cells], soft positives as real numbers.
struct CellSums {
  std::int64_t k = 0;
  std::vector<double> count, positives, soft, correct; ///< [2k] each, cell = y * k + g
  double group(std::vector<double> const& v, std::int64_t g) const { return v[g] + v[k + g]; }
};

/// FERMI statistics layout [n_c, n_c - P_c, P_c] per cell from counts and positives.
std::vector<double> binaryErmiStats(std::vector<double> const& count,
                                    std::vector<double> const& positives) {
  std::vector<double> stats;
  for (std::size_t c = 0; c < count.size(); ++c) {
    stats.push_back(count[c]);
    stats.push_back(count[c] - positives[c]);
    stats.push_back(positives[c]);
  }
  return stats;
}

void fillFairness(CellSums const& s, Evaluation& e) {
  std::int64_t const k = s.k;
  std::vector<double> dp(2 * k), n_g(k), pos_g(k), soft_g(k);
  for (std::int64_t g = 0; g < k; ++g) {
    n_g[g] = dp[g] = s.group(s.count, g);
    pos_g[g] = dp[k + g] = s.group(s.positives, g);
    soft_g[g] = s.group(s.soft, g);
    e.group_count.push_back(static_cast<std::int64_t>(n_g[g]));
  }
  e.group_rate = DemographicParity::groupRates(dp, k, e.positive_rate);
  e.dp_gap = DemographicParity::gap(dp, k);
  std::vector<double> eo(s.count);
  eo.insert(eo.end(), s.positives.begin(), s.positives.end());
  e.eo_gap = RateParity::maxGap(eo, k, true);
  e.min_group_accuracy = e.accuracy;
  bool first = true;
  for (std::int64_t g = 0; g < k; ++g) {
    double const acc = n_g[g] > 0 ? s.group(s.correct, g) / n_g[g] : e.accuracy;
    e.group_accuracy.push_back(acc);
    if (n_g[g] > 0) {
      e.min_group_accuracy = first ? acc : std::min(e.min_group_accuracy, acc);
      first = false;
    }
  }
  e.ermi = fermiErmi(binaryErmiStats(n_g, pos_g), FermiShape{1, k, 2});
  e.ermi_soft = fermiErmi(binaryErmiStats(n_g, soft_g), FermiShape{1, k, 2});
  e.ermi_eo = fermiErmi(binaryErmiStats(s.count, s.positives), FermiShape{2, k, 2});
}
} // namespace

Evaluation evaluate(ExecSpace const& space, LogisticModel const& model, data::SiloData const& split,
                    std::int64_t n_groups, mpi::Comm const& comm) {
  compat::ScopedRegion region("saddle::evaluate");
  std::int64_t const rows = split.rows();
  std::int64_t const cells = 2 * n_groups;
  BatchScratch all(rows);
  all.size = rows;
  kernels::iotaIndex(space, 0, rows, all.idx);
  model.perSample(space, split, all);
  Kokkos::View<std::int64_t*, MemSpace> sums("saddle::evaluate::sums", 4 * cells);
  kernels::labelGroupSummary(space, split.group, split.y, all.idx, rows, all.z,
                             static_cast<int>(n_groups), sums);
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  kernels::glmLossAndCorrect(space, model.loss() == GlmLoss::LeastSquares, split.y, all.idx, rows,
                             all.z, loss_sum, correct);

  // two reductions: the loss sum, and [correct, rows, cell sums (4 x 2k)] exactly in int64
  std::vector<std::int64_t> ints(2 + 4 * cells);
  ints[0] = correct;
  ints[1] = rows;
  auto const sums_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, sums);
  for (std::int64_t j = 0; j < 4 * cells; ++j)
    ints[2 + j] = sums_host(j);
  comm.allreduceSum(ints.data(), static_cast<std::int64_t>(ints.size()));
  comm.allreduceSum(&loss_sum, 1);

  Evaluation e;
  e.n = ints[1];
  double const n = e.n > 0 ? static_cast<double>(e.n) : 1.0;
  e.loss = loss_sum / n;
  e.accuracy = static_cast<double>(ints[0]) / n;
  CellSums s;
  s.k = n_groups;
  for (std::int64_t c = 0; c < cells; ++c) {
    s.count.push_back(static_cast<double>(ints[2 + c]));
    s.positives.push_back(static_cast<double>(ints[2 + cells + c]));
    s.soft.push_back(static_cast<double>(ints[2 + 2 * cells + c]) / kernels::kFixedPointScale);
    s.correct.push_back(static_cast<double>(ints[2 + 3 * cells + c]));
  }
  fillFairness(s, e);
  return e;
}

std::vector<double> exactProblemStats(ExecSpace const& space, LogisticModel const& model,
                                      Problem const& problem, data::SiloData const& split,
                                      mpi::Comm const& comm) {
  compat::ScopedRegion region("saddle::exactProblemStats");
  std::int64_t const rows = split.rows();
  BatchScratch all(rows);
  all.size = rows;
  kernels::iotaIndex(space, 0, rows, all.idx);
  model.perSample(space, split, all);
  Vector<double> stats("saddle::exactProblemStats::stats", problem.statsSize());
  problem.accumulateStats(space, split, all, stats, 0);
  auto const host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, stats);
  std::vector<double> out(host.data(), host.data() + host.extent(0));
  comm.allreduceSum(out.data(), static_cast<std::int64_t>(out.size()));
  return out;
}

std::vector<bool> constraintsSatisfied(ExecSpace const& space, LogisticModel const& model,
                                       Problem const& problem, data::SiloData const& split,
                                       double tolerance, mpi::Comm const& comm) {
  std::vector<double> const v =
      problem.violation(exactProblemStats(space, model, problem, split, comm));
  std::vector<bool> ok;
  for (double g : v)
    ok.push_back(g <= tolerance);
  return ok;
}

} // namespace saddle
