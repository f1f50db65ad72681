#include "saddle/run/certificate.hpp"

#include "kernels/dense.hpp"
#include "kernels/sample.hpp"
#include "saddle/core/view_state.hpp"
#include "saddle/linalg/petsc_session.hpp"

namespace saddle {

namespace {
/// (1/n) sum over all training rows on all ranks of batch.coef_i [x_i, 1]. Collective.
std::vector<double> meanRowSum(Experiment& x, BatchScratch const& all) {
  Vector<double> sum("saddle::certifyRun::sum", x.model.numParams());
  x.model.accumulateGradient(x.space, x.data.train, all, {all.coef, all.coef}, sum, 0);
  std::vector<double> host = toStdVector(sum);
  x.comm.allreduceSum(host.data(), static_cast<std::int64_t>(host.size()));
  for (auto& v : host)
    v /= static_cast<double>(x.data.info.n_train);
  return host;
}
} // namespace

linalg::KktCertificate certifyRun(Experiment& x, Evaluation const& /*train*/,
                                  std::vector<double> const& lambda) {
  std::int64_t const m = x.problem->numConstraints();
#if defined(SADDLE_HAVE_PETSC)
  bool const have_petsc = true;
#else
  bool const have_petsc = false; // SADDLE_ENABLE_PETSC=OFF: not an error, the run goes on
#endif
  if (m == 0 || !have_petsc || !petsc::Session::active()) {
    linalg::KktCertificate none;
    none.fit_reason = m == 0        ? "no constraints"
                      : !have_petsc ? "PETSc disabled at build time"
                                    : "PETSc not initialized";
    return none;
  }
  auto const& data = x.data.train;
  BatchScratch all(data.rows());
  all.size = data.rows();
  kernels::iotaIndex(x.space, 0, data.rows(), all.idx);
  // grad f = (1/n) sum_i (sigmoid(z_i) - y_i) [x_i, 1]
  x.model.perSample(x.space, data, all);
  std::vector<double> grad_f = meanRowSum(x, all);
  // + l2 w (ridge; the bias, last, is not decayed)
  if (x.deck.optim.l2 > 0) {
    auto const theta = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), x.model.theta());
    for (std::size_t k = 0; k + 1 < grad_f.size(); ++k)
      grad_f[k] += x.deck.optim.l2 * theta(k);
  }
  // J_j = gradient of constraint j's proxy: the Lagrangian term with lambda = e_j
  std::vector<double> jac;
  Vector<double> unit("saddle::certifyRun::unit", m);
  for (std::int64_t j = 0; j < m; ++j) {
    std::vector<double> e(m, 0.0);
    e[j] = 1.0;
    fromStdVector(e, unit);
    kernels::zero(x.space, all.coef);
    x.problem->addProxyDerivative(x.space, data, all, unit);
    auto const row = meanRowSum(x, all);
    jac.insert(jac.end(), row.begin(), row.end());
  }
  // c = true violations of the final model on the whole training split
  std::vector<double> c =
      x.problem->violation(exactProblemStats(x.space, x.model, *x.problem, data, x.comm));
  for (auto& v : c)
    v -= x.deck.problem.tolerance;
  return linalg::kktCertificate(grad_f, jac, c, std::vector<bool>(m, true), lambda);
}

} // namespace saddle
