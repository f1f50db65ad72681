#include "saddle/run/metrics.hpp"

#include "kernels/compat.hpp"
#include "kernels/glm.hpp"
#include "kernels/group_stats.hpp"
#include "kernels/sample.hpp"
#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

Evaluation evaluate(ExecSpace const& space, LogisticModel const& model, data::SiloData const& split,
                    std::int64_t n_groups, mpi::Comm const& comm) {
  compat::ScopedRegion region("saddle::evaluate");
  std::int64_t const rows = split.rows();
  BatchScratch all(rows);
  all.size = rows;
  kernels::iotaIndex(space, 0, rows, all.idx);
  model.perSample(space, split, all);
  Vector<double> counts("saddle::evaluate::counts", 2 * n_groups);
  kernels::groupPositiveCounts(space, split.group, all.idx, rows, all.z, static_cast<int>(n_groups),
                               counts);
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  kernels::logisticLossAndCorrect(space, split.y, all.idx, rows, all.z, loss_sum, correct);

  // one reduction: [loss_sum, correct, rows, counts(k), positives(k)]
  std::vector<double> buf(3 + 2 * n_groups);
  buf[0] = loss_sum;
  buf[1] = static_cast<double>(correct);
  buf[2] = static_cast<double>(rows);
  auto const counts_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, counts);
  for (std::int64_t j = 0; j < 2 * n_groups; ++j)
    buf[3 + j] = counts_host(j);
  comm.allreduceSum(buf.data(), static_cast<std::int64_t>(buf.size()));

  Evaluation e;
  e.n = static_cast<std::int64_t>(buf[2]);
  double const n = e.n > 0 ? buf[2] : 1.0;
  e.loss = buf[0] / n;
  e.accuracy = buf[1] / n;
  std::vector<double> const stats(buf.begin() + 3, buf.end());
  e.group_rate = DemographicParity::groupRates(stats, n_groups, e.positive_rate);
  e.dp_gap = DemographicParity::gap(stats, n_groups);
  for (std::int64_t g = 0; g < n_groups; ++g)
    e.group_count.push_back(static_cast<std::int64_t>(stats[g]));
  return e;
}

} // namespace saddle
