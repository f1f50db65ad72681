// The privacy paths of a round: shuffled fixed-size batches, per-layer clipping, adaptive
// clipping, and the noise multiplier accounted for a whole silo message.
#include "kernels/clip.hpp"
#include "kernels/sample.hpp"
#include "saddle/data/sampler.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <set>

namespace {

using saddle::test::toHost;

TEST(Shuffle, EveryRecordOncePerEpochInBatchesOfExactSize) {
  auto deck = saddle::test::smallDeck(3, 1);
  deck.privacy.sampling = "shuffle";
  deck.privacy.neighbouring = "replace_one";
  deck.privacy.sampling_rate = 0.1;
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  auto const& train = x.data.train;
  auto& sampler = dynamic_cast<saddle::data::ShuffleSampler&>(*x.sampler);
  saddle::BatchScratch batch(train.rows());
  for (std::size_t k = 0; k < train.silo_ids.size(); ++k) {
    std::int64_t const n_s = train.silo_offset[k + 1] - train.silo_offset[k];
    std::int64_t const b = sampler.batchSize(n_s), per_epoch = sampler.batchesPerEpoch(n_s);
    EXPECT_EQ(b, std::llround(0.1 * n_s));
    for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
      std::set<std::int64_t> seen;
      std::vector<std::int64_t> first_batch;
      for (std::int64_t t = epoch * per_epoch; t < (epoch + 1) * per_epoch; ++t) {
        sampler.draw(x.space, train, k, t, batch);
        ASSERT_EQ(batch.size, b);
        auto const idx = toHost(batch.idx);
        for (std::int64_t i = 0; i < b; ++i) {
          EXPECT_GE(idx[i], train.silo_offset[k]);
          EXPECT_LT(idx[i], train.silo_offset[k + 1]);
          EXPECT_TRUE(seen.insert(idx[i]).second) << "record twice in one epoch";
        }
        if (t == epoch * per_epoch)
          first_batch.assign(idx.begin(), idx.begin() + b);
      }
      EXPECT_EQ(static_cast<std::int64_t>(seen.size()), per_epoch * b);
      sampler.draw(x.space, train, k, epoch * per_epoch, batch); // drawn again: the same batch
      auto const again = toHost(batch.idx);
      EXPECT_TRUE(std::equal(first_batch.begin(), first_batch.end(), again.begin()));
    }
    // one participation per (started) epoch is what the ledger composes
    EXPECT_EQ(sampler.participations(n_s, 1), 1);
    EXPECT_EQ(sampler.participations(n_s, per_epoch), 1);
    EXPECT_EQ(sampler.participations(n_s, per_epoch + 1), 2);
  }
}

TEST(PerLayerClipping, EachPartIsBoundedAndTheWholeByC) {
  using Space = saddle::ExecSpace;
  std::vector<double> coef = {0.0, 0.2, -3.0, 10.0, 0.7};
  std::vector<double> norm = {1.0, 1.5, 5.0, 1.01, 2.0}; // ||[x, 1]|| >= 1
  std::vector<std::int64_t> idx = {0, 1, 2, 3, 4};
  double const clip = 1.0;
  auto w = saddle::test::toDevice<double, Space>(std::vector<double>(5));
  auto wb = saddle::test::toDevice<double, Space>(std::vector<double>(5));
  saddle::kernels::clipRankOneWeightsPerLayer(Space(), saddle::test::toDevice<double, Space>(coef),
                                              saddle::test::toDevice<double, Space>(norm),
                                              saddle::test::toDevice<std::int64_t, Space>(idx), 5,
                                              clip / std::sqrt(2.0), w, wb);
  auto const wh = toHost(w), bh = toHost(wb);
  for (std::size_t i = 0; i < coef.size(); ++i) {
    double const x_norm = std::sqrt(norm[i] * norm[i] - 1.0);
    double const weights_part = std::fabs(wh[i]) * x_norm, bias_part = std::fabs(bh[i]);
    double const bound = clip / std::sqrt(2.0) * (1 + 1e-15);
    EXPECT_LE(weights_part, bound) << i;
    EXPECT_LE(bias_part, bound) << i;
    EXPECT_LE(std::hypot(weights_part, bias_part), clip * (1 + 1e-15)) << i;
  }
  EXPECT_EQ(wh[1], 0.2); // 0.2 * 1.118 < 0.707: untouched
  EXPECT_EQ(bh[1], 0.2);
  EXPECT_EQ(wh[0], 0.0);
}

TEST(AdaptiveClipping, ClipNormTracksTheTargetQuantile) {
  auto deck = saddle::test::smallDeck(2, 300);
  deck.privacy.clipping = "adaptive";
  deck.privacy.clip_norm = 50.0; // far above every norm: all records unclipped at first
  deck.privacy.adaptive_quantile = 0.5;
  deck.privacy.adaptive_noise = 1.0;
  deck.problem.constraint = "none";
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  saddle::Trainer t(x, {false, false});
  for (int r = 0; r < 300; ++r)
    t.runRound();
  double const c = x.privatizer.clipNorm();
  EXPECT_LT(c, 50.0);
  // the share of all training records whose gradient norm is <= C is near the target: the
  // geometric update's fixed point, up to the noise of the last rounds' estimates
  auto const& train = x.data.train;
  saddle::BatchScratch all(train.rows());
  all.size = train.rows();
  saddle::kernels::iotaIndex(x.space, 0, train.rows(), all.idx);
  x.model.perSample(x.space, train, all);
  saddle::Vector<double> count("count", 1);
  saddle::kernels::countUnclipped(x.space, all.coef, train.row_norm, all.idx, all.size, c, count,
                                  0);
  double const share = toHost(count)[0] / static_cast<double>(train.rows());
  EXPECT_NEAR(share, 0.5, 0.1);
}

TEST(Accounting, JointMessageMultiplier) {
  saddle::PrivacyConfig cfg;
  cfg.noise_multiplier = 1.0;
  cfg.stats_noise_multiplier = 2.0;
  saddle::Privatizer p(cfg, 1);
  saddle::MessageLayout layout;
  layout.n_grad = 5;
  EXPECT_DOUBLE_EQ(p.accountedNoiseMultiplier(layout), 1.0);
  layout.n_stats = 4;
  // (1 + 1/4)^(-1/2): the counts leak a little more about each record
  EXPECT_DOUBLE_EQ(p.accountedNoiseMultiplier(layout), 1.0 / std::sqrt(1.25));
  cfg.neighbouring = "replace_one";
  EXPECT_DOUBLE_EQ(saddle::Privatizer(cfg, 1).accountedNoiseMultiplier(layout),
                   0.5 / std::sqrt(1.25));
  cfg.noise_multiplier = 0.0; // no noise: no privacy
  EXPECT_EQ(saddle::Privatizer(cfg, 1).accountedNoiseMultiplier(layout), 0.0);
}

} // namespace

namespace {

TEST(SecureMode, DrawsFromACsprngSoTwoRunsDifferAndStillTrain) {
  auto deck = saddle::test::smallDeck(2, 10);
  deck.privacy.secure = true;
  auto run = [&deck] {
    saddle::Experiment x(deck, saddle::mpi::Comm::self());
    saddle::Trainer t(x, {false, false});
    for (int r = 0; r < 10; ++r)
      t.runRound();
    return saddle::test::toHost(x.model.theta());
  };
  auto const a = run(), b = run();
  EXPECT_NE(a, b); // not reproducible, by design
  for (double v : a)
    EXPECT_TRUE(std::isfinite(v));
  deck.privacy.sampling = "shuffle";
  deck.privacy.neighbouring = "replace_one";
  EXPECT_THROW(deck.validate(), saddle::InputError); // secure mode samples Poisson only
}

} // namespace
