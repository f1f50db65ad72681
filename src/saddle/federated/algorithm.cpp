#include "saddle/federated/algorithm.hpp"

#include "saddle/core/log.hpp"

#include <algorithm>

namespace saddle::federated {

std::int64_t largestSilo(data::SiloData const& d) {
  std::int64_t most = 0;
  for (std::size_t k = 0; k + 1 < d.silo_offset.size(); ++k)
    most = std::max(most, d.silo_offset[k + 1] - d.silo_offset[k]);
  return most;
}

Algorithm::Algorithm(RoundParts parts) : _p(parts), _batch(largestSilo(parts.train)) {}

double Algorithm::expectedBatch(RoundInput const& in) const {
  if (in.silos.size() == _p.info.train_silo_counts.size()) // everyone: the deck's divisor
    return _p.sampler.expectedRecords(_p.info);
  return _p.sampler.expectedRecordsOf(_p.info, in.silos);
}

MessageLayout Algorithm::gradientOnly() const {
  MessageLayout g = _p.layout;
  g.n_stats = 0;
  g.n_privacy = 0;
  return g;
}

std::int64_t Algorithm::privatizedGradient(std::size_t k, std::int64_t t, data::Sampler& sampler,
                                           Vector<double> const& weights, Vector<double> const& msg,
                                           MessageLayout const& release) {
  // batch_s = the sampler's batch of silo s for stream t (a pure function of seed, s, t)
  sampler.draw(_p.space, _p.train, k, t, _batch);
  // z_i = theta . [x_i, 1] ;  coef_i = d loss_i / d z_i
  _p.model.perSample(_p.space, _p.train, _batch);
  // coef_i += d/dz_i sum_j w_j proxy_j(i)   (per-record Lagrangian)
  if (_p.proxies_enter_primal)
    _p.problem.addProxyDerivative(_p.space, _p.train, _batch, weights);
  releaseBatch(k, t, msg, release);
  return _batch.size;
}

void Algorithm::releaseBatch(std::size_t k, std::int64_t t, Vector<double> const& msg,
                             MessageLayout const& release) {
  // w_i = coef_i min(1, C / (|coef_i| ||[x_i, 1]||))   (per-record clipping)
  auto const w = _p.privatizer.clip(_p.space, _p.train, _batch, msg, release);
  // msg_s = [sum_i w_i [x_i, 1] | constraint statistics of the batch | privacy statistics]
  _p.model.accumulateGradient(_p.space, _p.train, _batch, w, msg, release.grad_offset);
  if (release.n_stats > 0)
    _p.problem.accumulateStats(_p.space, _p.train, _batch, msg, release.stats_offset);
  // msg_s += N(0, sigma^2 C^2 I) | N(0, sigma_s^2 Delta_s^2 I) | N(0, adaptive_noise^2)
  _p.privatizer.addNoise(_p.space, msg, release, _p.train.silo_ids[k], t);
}

std::int64_t MinibatchSgd::siloMessages(RoundInput const& in) {
  std::int64_t records = 0;
  for (std::size_t k = 0; k < _p.train.silo_ids.size(); ++k) {
    if (!in.takes_part[static_cast<std::size_t>(_p.train.silo_ids[k])])
      continue; // a silo that sits out sends nothing
    auto const& msg = _p.federation.beginSilo(_p.space);
    records += privatizedGradient(k, in.round, _p.sampler, in.weights, msg, _p.layout);
    _p.federation.endSilo(_p.space);
  }
  return records;
}

void MinibatchSgd::serverStep(RoundInput const& in) {
  // theta <- theta - eta * agg.grad / E[batch of the participants]
  _p.primal.step(_p.space, _p.model.theta(), _p.federation.buffer(), _p.layout.grad_offset,
                 1.0 / expectedBatch(in));
}

std::string MinibatchSgd::describe() const {
  return "noisy minibatch SGD (each silo sends its noisy clipped minibatch gradient)";
}

std::unique_ptr<Algorithm> makeAlgorithm(FederatedConfig const& cfg, RoundParts parts,
                                         std::uint64_t seed) {
  if (cfg.algorithm == "minibatch_sgd")
    return std::make_unique<MinibatchSgd>(parts);
  if (cfg.algorithm == "local_sgd")
    return std::make_unique<LocalSgd>(parts, cfg.local_steps);
  if (cfg.algorithm == "spider")
    return std::make_unique<Spider>(parts, cfg.spider_period, cfg.spider_sampling_rate, seed);
  throw InputError("saddle::federated: federated.algorithm = \"" + cfg.algorithm +
                   "\" is not allowed (allowed: minibatch_sgd, local_sgd, spider)");
}

} // namespace saddle::federated
