#include "saddle/run/ridge_reference.hpp"

#include "kernels/glm.hpp"
#include "kernels/glm_losses.hpp"
#include "kernels/sample.hpp"
#include "saddle/core/view_state.hpp"
#include "saddle/linalg/ridge.hpp"

#include <cmath>

namespace saddle {

namespace {
/// Share of correct predictions 1[theta . [x_i, 1] > 0] over every row of `split` on every
/// rank. Collective on `comm`.
double accuracyOf(ExecSpace const& space, std::vector<double> const& theta,
                  data::SiloData const& split, mpi::Comm const& comm) {
  std::int64_t const rows = split.rows();
  Vector<double> theta_dev("saddle::ridgeReference::theta", theta.size());
  fromStdVector(theta, theta_dev);
  BatchScratch all(rows);
  all.size = rows;
  kernels::iotaIndex(space, 0, rows, all.idx);
  kernels::glmMargins(space, split.x, all.idx, rows, theta_dev, all.z);
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  kernels::glmLossAndCorrect(space, true, split.y, all.idx, rows, all.z, loss_sum, correct);
  double buf[2] = {static_cast<double>(correct), static_cast<double>(rows)};
  comm.allreduceSum(buf, 2);
  return buf[1] > 0 ? buf[0] / buf[1] : 0.0;
}
} // namespace

RidgeReference ridgeReference(ExecSpace const& space, LogisticModel const& model,
                              data::FederatedData const& data, Deck const& deck,
                              mpi::Comm const& comm) {
  RidgeReference r;
  if (model.loss() != GlmLoss::LeastSquares) {
    r.note = "model.kind = \"" + deck.model.kind + "\": the ridge reference is for least squares";
    return r;
  }
  double const l2 = deck.optim.l2;
  // (A + n l2 D) theta* = b over every training row of every silo   (linalg/ridge.hpp)
  auto const eq = linalg::assembleNormalEquations(space, data.train, comm);
  auto const sol = linalg::solveRidge(eq, l2, comm);
  std::vector<double> const theta = toStdVector(model.theta());
  double dist2 = 0.0;
  for (std::size_t j = 0; j < theta.size(); ++j)
    dist2 += (theta[j] - sol.theta[j]) * (theta[j] - sol.theta[j]);
  r.available = true;
  r.distance = std::sqrt(dist2);
  r.ridge_objective = sol.objective;
  r.objective = linalg::ridgeObjective(eq, l2, theta);
  double const gap = linalg::ridgeObjectiveGap(eq, l2, theta, sol.theta);
  r.relative_gap = sol.objective > 0 ? gap / sol.objective : gap;
  r.ridge_test_accuracy = accuracyOf(space, sol.theta, data.test, comm);
  r.theta_ridge = sol.theta;
  r.solver = sol.reason;
  r.solver_iterations = sol.iterations;
  return r;
}

} // namespace saddle
