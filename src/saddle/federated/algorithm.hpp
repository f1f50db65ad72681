#pragma once
/// The federated algorithms of a round (deck [federated] algorithm): what each participating
/// silo computes and sends, and how the server turns the aggregate into the new model.
///  - minibatch_sgd: a silo sends its noisy clipped minibatch gradient sum; the server steps
///    theta <- theta - lr sum_s g_s / E[batch of the participants].
///  - local_sgd (noisy local SGD, ISRL-DP; Lowy & Razaviyayn): a silo starts from the global
///    theta and takes K noisy clipped minibatch steps theta_s <- theta_s - lr g_s,k / E[batch_s]
///    (each step a Poisson batch of its own rows, noise sigma C on each step), and sends its
///    delta theta_s - theta; the server averages the deltas, theta <- theta + mean_s delta_s.
///  - spider (noisy SPIDER; Lowy, Ghafelebashi, Razaviyayn 2023): every q = spider_period
///    rounds a silo sends a noisy clipped large-batch gradient (Poisson rate
///    spider_sampling_rate), in between the noisy clipped per-record gradient difference
///    grad_i(theta_t) - grad_i(theta_{t-1}) on its minibatch (for a GLM the rank-one
///    (coef_i(theta_t) - coef_i(theta_{t-1})) [x_i, 1], clipped to C); the server keeps the
///    estimator v_t = v_{t-1} + sum_s d_s / E[batch] (v_t = sum_s g_s / E[large batch] on the
///    refresh rounds) and steps theta <- theta - lr v_t.
/// Every algorithm also releases the problem's constraint statistics once per round (with the
/// round's first batch), noised as the Privatizer says, for the dual player.
///
/// Random streams: a round's batch and noise are keyed by (seed, purpose, silo, t) with t the
/// round (minibatch_sgd, spider) or the local step round * K + k (local_sgd), so every draw is
/// the same on any rank count and after a restart.
#include "kernels/types.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/sampler.hpp"
#include "saddle/federated/federation.hpp"
#include "saddle/federated/participation.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/optim/sgd.hpp"
#include "saddle/privacy/privatizer.hpp"
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace saddle::federated {

/// Rows of the largest silo this rank holds (the batch scratch's capacity).
std::int64_t largestSilo(data::SiloData const& d);

/// The components a round works on (references into the Experiment, which outlives it).
struct RoundParts {
  ExecSpace space;
  data::SiloData const& train;
  data::DataInfo const& info;
  LogisticModel& model;
  Problem& problem;
  Privatizer const& privatizer;
  data::Sampler& sampler;
  Federation& federation;
  MessageLayout layout;
  Sgd const& primal;
  bool proxies_enter_primal; ///< deck problem.enters_primal
};

/// One round as the algorithms see it.
struct RoundInput {
  std::int64_t round = 0;
  std::vector<std::int64_t> silos; ///< the participating silos, ascending (all ranks)
  std::vector<char> takes_part;    ///< [n_silos] 1 for a participating silo
  Vector<double> weights;          ///< [n_constraints] the formulation's primal weights
};

class Algorithm : public Stateful {
public:
  explicit Algorithm(RoundParts parts);
  ~Algorithm() override = default;

  /// Every participating silo of this rank writes its privatized message into the federation
  /// (Federation::beginSilo/endSilo). Returns the records it processed. Not collective.
  virtual std::int64_t siloMessages(RoundInput const& in) = 0;
  /// After aggregation (federation.buffer() holds the sum): the server's update of theta.
  /// Identical on every rank. Async.
  virtual void serverStep(RoundInput const& in) = 0;
  /// Expected records of the round's batches over the participants (the gradient's divisor).
  virtual double expectedBatch(RoundInput const& in) const;
  virtual std::string describe() const = 0;

  /// No evolving state by default (minibatch_sgd, local_sgd).
  void saveState(State& /*state*/, std::string const& /*prefix*/) const override {}
  void loadState(State const& /*state*/, std::string const& /*prefix*/) override {}

protected:
  /// Silo `k`'s (index into train.silo_ids) privatized message of stream `t` into `msg` at
  /// the offsets of `release` (its gradient part; its statistics if release.n_stats > 0):
  /// sample a batch, per-record coefficients and proxy terms, clip, sum, noise. Returns the
  /// batch size. Async but for the sampler's fence.
  std::int64_t privatizedGradient(std::size_t k, std::int64_t t, data::Sampler& sampler,
                                  Vector<double> const& weights, Vector<double> const& msg,
                                  MessageLayout const& release);
  /// The second half of privatizedGradient on the batch's coefficients as they are: clip,
  /// sum, statistics (if release.n_stats > 0), noise of stream t. Async.
  void releaseBatch(std::size_t k, std::int64_t t, Vector<double> const& msg,
                    MessageLayout const& release);
  /// The layout of a release of the gradient part only (no statistics).
  MessageLayout gradientOnly() const;

  RoundParts _p;
  BatchScratch _batch; ///< sized for the largest local silo
};

class MinibatchSgd final : public Algorithm {
public:
  using Algorithm::Algorithm;
  std::int64_t siloMessages(RoundInput const& in) override;
  void serverStep(RoundInput const& in) override;
  std::string describe() const override;
};

class LocalSgd final : public Algorithm {
public:
  LocalSgd(RoundParts parts, std::int64_t local_steps);
  std::int64_t siloMessages(RoundInput const& in) override;
  void serverStep(RoundInput const& in) override;
  std::string describe() const override;

private:
  /// K noisy local steps of silo k from the global theta; msg.grad += theta_K - theta_0.
  std::int64_t localSteps(RoundInput const& in, std::size_t k, Vector<double> const& msg);

  std::int64_t _k;        ///< local steps per round
  Vector<double> _global; ///< [n_params] theta at the start of the round
  Vector<double> _step;   ///< [message size] one local step's noisy gradient
};

class Spider final : public Algorithm {
public:
  Spider(RoundParts parts, std::int64_t period, double large_rate, std::uint64_t seed);
  std::int64_t siloMessages(RoundInput const& in) override;
  void serverStep(RoundInput const& in) override;
  double expectedBatch(RoundInput const& in) const override;
  std::string describe() const override;
  bool refreshes(std::int64_t round) const { return round % _period == 0; }

  /// theta_{t-1}, v and the previous round's primal weights.
  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  /// Silo k's noisy clipped gradient difference on its minibatch of round `round`.
  std::int64_t difference(RoundInput const& in, std::size_t k, Vector<double> const& msg);

  std::int64_t _period;
  data::PoissonSampler _large;  ///< the refresh rounds' large batches
  Vector<double> _theta_prev;   ///< [n_params] theta_{t-1}
  Vector<double> _v;            ///< [n_params] the gradient estimator v_{t-1}
  Vector<double> _weights_prev; ///< [n_constraints] primal weights of round t-1
  Vector<double> _theta_now;    ///< [n_params] scratch: theta_t while theta_{t-1} is in use
  Vector<double> _coef_prev;    ///< [largest silo] coef_i(theta_{t-1}) of the batch
};

/// The algorithm the deck names (federated.algorithm). Throws InputError otherwise.
std::unique_ptr<Algorithm> makeAlgorithm(FederatedConfig const& cfg, RoundParts parts,
                                         std::uint64_t seed);

} // namespace saddle::federated
