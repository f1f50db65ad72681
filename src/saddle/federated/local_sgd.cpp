// Noisy local SGD (ISRL-DP; Lowy & Razaviyayn): K noisy local steps per silo and round, the
// server averages the model deltas.
#include "kernels/dense.hpp"
#include "saddle/core/log.hpp"
#include "saddle/federated/algorithm.hpp"

namespace saddle::federated {

LocalSgd::LocalSgd(RoundParts parts, std::int64_t local_steps)
    : Algorithm(parts), _k(local_steps),
      _global("saddle::LocalSgd::global", parts.model.numParams()),
      _step("saddle::LocalSgd::step", parts.layout.size()) {}

std::int64_t LocalSgd::siloMessages(RoundInput const& in) {
  Kokkos::deep_copy(_p.space, _global, _p.model.theta());
  std::int64_t records = 0;
  for (std::size_t k = 0; k < _p.train.silo_ids.size(); ++k) {
    if (!in.takes_part[static_cast<std::size_t>(_p.train.silo_ids[k])])
      continue; // a silo that sits out sends nothing
    auto const& msg = _p.federation.beginSilo(_p.space);
    records += localSteps(in, k, msg);
    _p.federation.endSilo(_p.space);
  }
  return records;
}

std::int64_t LocalSgd::localSteps(RoundInput const& in, std::size_t k, Vector<double> const& msg) {
  auto const& theta = _p.model.theta();
  auto const& l = _p.layout;
  double const expected = _p.sampler.expectedRecordsOf(_p.info, {_p.train.silo_ids[k]});
  std::int64_t records = 0;
  for (std::int64_t j = 0; j < _k; ++j) {
    kernels::zero(_p.space, _step);
    // g_s,j = noisy clipped gradient sum of stream t = round K + j; the first step also
    // releases the round's statistics, which go to the silo's message as they are
    records += privatizedGradient(k, in.round * _k + j, _p.sampler, in.weights, _step,
                                  j == 0 ? l : gradientOnly());
    if (j == 0 && l.n_stats > 0)
      kernels::axpy(
          _p.space, 1.0, _step,
          Kokkos::subview(msg, std::make_pair(l.stats_offset, l.stats_offset + l.n_stats)),
          l.n_stats, l.stats_offset);
    // theta_s <- theta_s - eta g_s,j / E[batch_s]
    if (expected > 0)
      _p.primal.step(_p.space, theta, _step, l.grad_offset, 1.0 / expected);
  }
  // msg.grad += theta_s - theta (post-processing of the K noisy releases); theta back to global
  auto const grad = Kokkos::subview(msg, std::make_pair(l.grad_offset, l.grad_offset + l.n_grad));
  kernels::axpy(_p.space, 1.0, theta, grad, l.n_grad);
  kernels::axpy(_p.space, -1.0, _global, grad, l.n_grad);
  Kokkos::deep_copy(_p.space, theta, _global);
  return records;
}

void LocalSgd::serverStep(RoundInput const& in) {
  // theta <- theta + (1 / M_avail) sum_s delta_s   (the mean delta of the participants)
  kernels::axpy(_p.space, 1.0 / static_cast<double>(in.silos.size()), _p.federation.buffer(),
                _p.model.theta(), _p.layout.n_grad, _p.layout.grad_offset);
}

std::string LocalSgd::describe() const {
  return log::format("noisy local SGD, %lld noisy local steps per round, model deltas averaged",
                     static_cast<long long>(_k));
}

} // namespace saddle::federated
