// Noisy SPIDER (ISRL-DP, non-convex; Lowy, Ghafelebashi, Razaviyayn 2023): a large-batch
// gradient every q rounds, noisy clipped per-record gradient differences in between, and the
// server's recursive estimator v_t = v_{t-1} + mean difference.
#include "kernels/dense.hpp"
#include "saddle/core/log.hpp"
#include "saddle/core/view_state.hpp"
#include "saddle/federated/algorithm.hpp"

namespace saddle::federated {

Spider::Spider(RoundParts parts, std::int64_t period, double large_rate, std::uint64_t seed)
    : Algorithm(parts), _period(period), _large(large_rate, seed),
      _theta_prev("saddle::Spider::theta_prev", parts.model.numParams()),
      _v("saddle::Spider::v", parts.model.numParams()),
      _weights_prev("saddle::Spider::weights_prev", parts.problem.numConstraints()),
      _theta_now("saddle::Spider::theta_now", parts.model.numParams()),
      _coef_prev("saddle::Spider::coef_prev", largestSilo(parts.train)) {}

std::int64_t Spider::siloMessages(RoundInput const& in) {
  bool const refresh = refreshes(in.round);
  if (!refresh)
    Kokkos::deep_copy(_p.space, _theta_now, _p.model.theta());
  std::int64_t records = 0;
  for (std::size_t k = 0; k < _p.train.silo_ids.size(); ++k) {
    if (!in.takes_part[static_cast<std::size_t>(_p.train.silo_ids[k])])
      continue; // a silo that sits out sends nothing
    auto const& msg = _p.federation.beginSilo(_p.space);
    // refresh: g_s = noisy clipped gradient sum of a large Poisson batch; else d_s
    records += refresh ? privatizedGradient(k, in.round, _large, in.weights, msg, _p.layout)
                       : difference(in, k, msg);
    _p.federation.endSilo(_p.space);
  }
  return records;
}

std::int64_t Spider::difference(RoundInput const& in, std::size_t k, Vector<double> const& msg) {
  auto const& theta = _p.model.theta();
  _p.sampler.draw(_p.space, _p.train, k, in.round, _batch);
  auto const rows = std::make_pair(std::int64_t{0}, _batch.size);
  // coef_i(theta_{t-1}) with the primal weights of round t-1
  Kokkos::deep_copy(_p.space, theta, _theta_prev);
  _p.model.perSample(_p.space, _p.train, _batch);
  if (_p.proxies_enter_primal)
    _p.problem.addProxyDerivative(_p.space, _p.train, _batch, _weights_prev);
  Kokkos::deep_copy(_p.space, Kokkos::subview(_coef_prev, rows),
                    Kokkos::subview(_batch.coef, rows));
  // coef_i(theta_t) with this round's weights (and the margins z_i(theta_t) for the statistics)
  Kokkos::deep_copy(_p.space, theta, _theta_now);
  _p.model.perSample(_p.space, _p.train, _batch);
  if (_p.proxies_enter_primal)
    _p.problem.addProxyDerivative(_p.space, _p.train, _batch, in.weights);
  // d_i = (coef_i(theta_t) - coef_i(theta_{t-1})) [x_i, 1]: rank one, clipped to C as a gradient
  kernels::axpy(_p.space, -1.0, _coef_prev, _batch.coef, _batch.size);
  releaseBatch(k, in.round, msg, _p.layout);
  return _batch.size;
}

double Spider::expectedBatch(RoundInput const& in) const {
  if (!refreshes(in.round))
    return Algorithm::expectedBatch(in);
  if (in.silos.size() == _p.info.train_silo_counts.size())
    return _large.expectedRecords(_p.info);
  return _large.expectedRecordsOf(_p.info, in.silos);
}

void Spider::serverStep(RoundInput const& in) {
  double const scale = 1.0 / expectedBatch(in);
  auto const& theta = _p.model.theta();
  // v_t = v_{t-1} + sum_s d_s / E[batch]   (refresh rounds: v_t = sum_s g_s / E[large batch])
  if (refreshes(in.round))
    kernels::zero(_p.space, _v);
  kernels::axpy(_p.space, scale, _p.federation.buffer(), _v, _p.layout.n_grad,
                _p.layout.grad_offset);
  // theta_{t-1} <- theta_t, with its primal weights ;  theta_{t+1} = theta_t - eta v_t
  Kokkos::deep_copy(_p.space, _theta_prev, theta);
  Kokkos::deep_copy(_p.space, _weights_prev, in.weights);
  _p.primal.step(_p.space, theta, _v, 0, 1.0);
}

std::string Spider::describe() const {
  return log::format("noisy SPIDER: a large-batch gradient (Poisson rate %g) every %lld rounds, "
                     "noisy clipped per-record gradient differences in between",
                     _large.accountedRate(), static_cast<long long>(_period));
}

void Spider::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "theta_prev", toStdVector(_theta_prev));
  state.putArray(prefix + "v", toStdVector(_v));
  state.putArray(prefix + "weights_prev", toStdVector(_weights_prev));
}

void Spider::loadState(State const& state, std::string const& prefix) {
  auto const n = static_cast<std::int64_t>(_v.extent(0));
  fromStdVector(state.array(prefix + "theta_prev", n), _theta_prev);
  fromStdVector(state.array(prefix + "v", n), _v);
  fromStdVector(
      state.array(prefix + "weights_prev", static_cast<std::int64_t>(_weights_prev.extent(0))),
      _weights_prev);
}

} // namespace saddle::federated
