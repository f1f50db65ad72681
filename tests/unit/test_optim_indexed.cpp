// Rules of the dual machinery beyond the update formulas: indexed (sparse) steps, dual
// restarts, the extrapolation protocol, checkpoints (replicated and by silo), configuration
// errors, the kernels on every execution space, and the cost of a dual step.
#include "kernels/dual_step.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/state.hpp"
#include "saddle/optim/dual_optimizer.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

#include "saddle_test_config.hpp"
#include "support/helpers.hpp"
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

namespace {

using saddle::ExecSpace;
using saddle::optim::DualConfig;
using saddle::optim::makeDualOptimizer;
using Vec = std::vector<double>;

DualConfig config(std::string name) {
  DualConfig c;
  c.optimizer = std::move(name);
  c.lr = {0.2};
  c.kp = {1.5};
  c.ki = {0.7};
  c.nu = {0.3};
  return c;
}

saddle::optim::DualOptimizer::IndexView indices(std::vector<std::int64_t> const& v) {
  return saddle::test::toDevice<std::int64_t, ExecSpace>(v, "idx");
}
saddle::optim::DualOptimizer::ValueView values(Vec const& v) {
  return saddle::test::toDevice<double, ExecSpace>(v, "e");
}

// Sparse steps move only the batch's entries, and each entry follows exactly the sequence a
// dense optimizer of its own would follow on that entry's violations (per-entry state: nuPI's
// xi and first-step flag, Adam's step count).
TEST(IndexedMultipliers, OnlyTheBatchMovesAndEachEntryKeepsItsOwnHistory) {
  ExecSpace space;
  std::int64_t const n = 10;
  for (std::string name : {"gradient_ascent", "nupi", "optimistic", "adam"}) {
    auto c = config(name);
    c.init = "sgd";
    auto idx_opt = makeDualOptimizer(c, std::vector<bool>(n, true));
    std::vector<std::vector<std::int64_t>> const batches = {{7, 2, 5}, {2, 9}, {5, 7, 0}, {7}};
    std::vector<Vec> history(n); // violations each entry saw
    for (std::size_t b = 0; b < batches.size(); ++b) {
      auto const before = idx_opt->lambdaHost();
      Vec e;
      for (auto j : batches[b]) {
        e.push_back(std::sin(1.0 + static_cast<double>(j + 3 * b)));
        history[j].push_back(e.back());
      }
      idx_opt->stepIndexed(space, indices(batches[b]), values(e));
      auto const after = idx_opt->lambdaHost();
      for (std::int64_t j = 0; j < n; ++j)
        if (std::find(batches[b].begin(), batches[b].end(), j) == batches[b].end()) {
          EXPECT_EQ(after[j], before[j]) << name << ": entry " << j << " moved outside its batch";
        }
    }
    for (std::int64_t j = 0; j < n; ++j) {
      auto single = makeDualOptimizer(c, {true});
      for (double e : history[j])
        single->stepHost(space, {e});
      // same operations on the same numbers: bitwise
      EXPECT_EQ(idx_opt->lambdaHost()[j], single->lambdaHost()[0]) << name << " entry " << j;
    }
  }
}

// Dual restart: strictly feasible inequalities (g < 0) go back to their fresh state
// (multiplier and optimizer state 0); violated ones and equalities keep theirs.
TEST(DualRestarts, ResetStrictlyFeasibleInequalitiesAndTheirState) {
  ExecSpace space;
  std::vector<bool> const ineq = {true, true, true, false};
  auto pi = makeDualOptimizer(config("nupi"), ineq);
  for (int t = 0; t < 3; ++t)
    pi->stepHost(space, {0.5, 0.4, 0.3, 0.2});
  auto const l_before = pi->lambdaHost();
  auto const xi_before = pi->stateHost("xi");
  // g: violated, strictly feasible, exactly feasible, negative equality
  Vec const g = {0.1, -0.2, 0.0, -0.3};
  pi->restartFeasible(space, values(g));
  auto const l = pi->lambdaHost();
  auto const xi = pi->stateHost("xi");
  auto const seen = pi->stateHost("seen");
  EXPECT_EQ(l[0], l_before[0]);
  EXPECT_EQ(l[1], 0.0);
  EXPECT_EQ(xi[1], 0.0);
  EXPECT_EQ(seen[1], 0.0);
  EXPECT_EQ(l[2], l_before[2]); // g = 0 is not strictly feasible
  EXPECT_EQ(l[3], l_before[3]); // equality multipliers are never restarted
  EXPECT_EQ(xi[3], xi_before[3]);
  EXPECT_GT(l_before[1], 0.0);
  // with a margin, only g < -margin restarts: entry 0 (now violated) and entry 1 (restarted)
  // aside, g = -0.05 > -0.1 spares entry 2
  auto spared = makeDualOptimizer(config("nupi"), ineq);
  spared->stepHost(space, {0.5, 0.4, 0.3, 0.2});
  auto const s_before = spared->lambdaHost();
  spared->restartFeasible(space, values({-0.2, 0.1, -0.05, -0.3}), 0.1);
  auto const s_after = spared->lambdaHost();
  EXPECT_EQ(s_after[0], 0.0);
  EXPECT_EQ(s_after[2], s_before[2]);
  EXPECT_EQ(s_after[1], s_before[1]);
  // after the restart, entry 1 steps like a fresh optimizer
  pi->stepHost(space, {0.1, 0.25, 0.1, 0.1});
  auto fresh = makeDualOptimizer(config("nupi"), {true});
  fresh->stepHost(space, {0.25});
  EXPECT_EQ(pi->lambdaHost()[1], fresh->lambdaHost()[0]);
}

// Extrapolation: extrapolate(e1) then step(e2) is the step with e2 from the state before the
// extrapolation, for every optimizer (extra-gradient, extra-nuPI, extra-Adam, ...).
TEST(Extrapolation, StepRestartsFromTheSavedState) {
  ExecSpace space;
  std::vector<bool> const ineq = {true, false, true};
  for (std::string name : {"extragradient", "nupi", "optimistic", "adam"}) {
    auto a = makeDualOptimizer(config(name), ineq);
    auto b = makeDualOptimizer(config(name), ineq);
    EXPECT_EQ(a->requiresExtrapolation(), name == "extragradient");
    a->stepHost(space, {0.3, -0.1, 0.2});
    b->stepHost(space, {0.3, -0.1, 0.2});
    a->extrapolate(space, values({5.0, 4.0, -3.0}));
    EXPECT_NE(a->lambdaHost(), b->lambdaHost()) << name; // at the look-ahead point
    a->step(space, values({0.1, 0.2, -0.4}));
    b->step(space, values({0.1, 0.2, -0.4}));
    EXPECT_EQ(a->lambdaHost(), b->lambdaHost()) << name;
  }
}

TEST(DualCheckpoint, SaveLoadContinuesBitwise) {
  ExecSpace space;
  std::vector<bool> const ineq = {true, true, false};
  for (std::string name : {"nupi", "adam", "optimistic"}) {
    auto a = makeDualOptimizer(config(name), ineq);
    a->stepHost(space, {0.3, -0.1, 0.2});
    saddle::State s;
    a->saveState(s, "dual/");
    auto b = makeDualOptimizer(config(name), ineq);
    b->loadState(s, "dual/");
    a->stepHost(space, {0.2, 0.4, -0.5});
    b->stepHost(space, {0.2, 0.4, -0.5});
    EXPECT_EQ(a->lambdaHost(), b->lambdaHost()) << name;
  }
}

TEST(DualCheckpoint, BySiloRoundTripOnAnotherLayout) {
  ExecSpace space;
  // rank A holds silos 0 (3 samples) and 2 (1 sample); silo 1 (2 samples) lives elsewhere
  saddle::optim::SiloLayout const a{3, 4, {0, 2}, {0, 3, 4}};
  auto pa = makeDualOptimizer(config("nupi"), std::vector<bool>(4, true));
  pa->stepHost(space, {0.1, 0.2, 0.3, 0.4});
  saddle::State s;
  pa->saveBySilo(s, "dual/", a);
  EXPECT_EQ(s.siloArray("dual/lambda").rows.size(), 2u);
  EXPECT_EQ(s.siloArray("dual/xi").width, 4);
  // a rank that now holds silo 2 only reads its row
  saddle::optim::SiloLayout const b{3, 4, {2}, {0, 1}};
  auto pb = makeDualOptimizer(config("nupi"), {true});
  pb->loadBySilo(s, "dual/", b);
  EXPECT_EQ(pb->lambdaHost()[0], pa->lambdaHost()[3]);
  EXPECT_EQ(pb->stateHost("xi")[0], pa->stateHost("xi")[3]);
  saddle::optim::SiloLayout const missing{3, 4, {1}, {0, 2}};
  auto pc = makeDualOptimizer(config("nupi"), {true, true});
  EXPECT_THROW(pc->loadBySilo(s, "dual/", missing), saddle::InputError);
}

void expectRejected(DualConfig const& c, std::string const& key, std::int64_t n = 3) {
  try {
    c.validate(n);
    ADD_FAILURE() << "accepted " << key;
  } catch (saddle::InputError const& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(DualConfigValidation, NamesKeyValueAndRule) {
  auto c = config("nupi");
  c.optimizer = "sgda";
  expectRejected(c, "dual.optimizer");
  c = config("nupi");
  c.lr = {0.0};
  expectRejected(c, "dual.lr");
  c = config("nupi");
  c.nu = {1.0};
  expectRejected(c, "dual.nu");
  c = config("nupi");
  c.ki = {0.1, 0.2};
  expectRejected(c, "dual.ki");
  c = config("nupi");
  c.init = "ones";
  expectRejected(c, "dual.init");
  c = config("adam");
  c.beta2 = 1.0;
  expectRejected(c, "dual.beta2");
  c = config("nupi");
  c.decay = {-1.0};
  expectRejected(c, "dual.decay");
  c = config("nupi");
  c.ki = {0.1, 0.2, 0.3}; // one per constraint is fine
  EXPECT_NO_THROW(c.validate(3));
  auto const& names = saddle::optim::dualOptimizerNames();
  for (auto const& name : names)
    EXPECT_NO_THROW(makeDualOptimizer(config(name), {true}));
}

// The kernels on every execution space of the build, against a host oracle, with scalar
// hyperparameters (the classes pass Views).
template <class Space> class DualKernelTest : public ::testing::Test {};
using ExecSpaces = ::testing::Types<SADDLE_TEST_EXEC_SPACES>;
TYPED_TEST_SUITE(DualKernelTest, ExecSpaces);

TYPED_TEST(DualKernelTest, NupiIndexedScalarGains) {
  using Space = TypeParam;
  Space space;
  Vec const l0 = {0.5, 0.1, -0.2, 0.0, 0.3};
  std::vector<int> const mask = {1, 1, 0, 1, 0};
  auto lambda = saddle::test::toDevice<double, Space>(l0);
  auto xi = saddle::test::toDevice<double, Space>(Vec{0.2, 0.0, 0.1, 0.0, -0.1});
  auto seen = saddle::test::toDevice<double, Space>(Vec{1, 0, 1, 0, 1});
  auto is_ineq = saddle::test::toDevice<int, Space>(mask);
  auto idx = saddle::test::toDevice<std::int64_t, Space>({4, 1, 2});
  auto e = saddle::test::toDevice<double, Space>(Vec{0.7, -0.9, 0.4});
  saddle::kernels::NupiGains<double, double, double, double, double> g{0.5, 2.0, 1.0, 0.25, 0.1};
  saddle::kernels::nupiStep(space, saddle::kernels::IndexedEntries<decltype(idx)>{idx}, 3, lambda,
                            xi, seen, e, is_ineq, g, false);
  space.fence();
  auto const got = saddle::test::toHost(lambda);
  Vec want = l0;
  Vec const xis = {0.2, 0.0, 0.1, 0.0, -0.1}, seens = {1, 0, 1, 0, 1};
  std::vector<int> const js = {4, 1, 2};
  Vec const es = {0.7, -0.9, 0.4};
  for (int k = 0; k < 3; ++k) {
    int const j = js[k];
    double const ej = es[k] - 0.1 * l0[j];
    double const xp = seens[j] != 0 ? xis[j] : 0.0;
    double const xn = 0.25 * xp + 0.75 * ej;
    double const v = l0[j] + 0.5 * (1.0 * ej + 2.0 * (xn - xp));
    want[j] = mask[j] && v < 0 ? 0.0 : v;
  }
  for (int j = 0; j < 5; ++j)
    EXPECT_NEAR(got[j], want[j], 1e-15) << j;
}

/// Seconds per call of `f`, over `reps` calls, fenced at both ends.
template <class F> double secondsPerCall(int reps, F const& f) {
  ExecSpace space;
  f(); // warm-up (first touch)
  saddle::compat::fence(space, "timing");
  auto const t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r)
    f();
  saddle::compat::fence(space, "timing");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

// The cost of one dual step (nuPI) for 4 and 10^5 multipliers: dense from a device View, dense
// from a host vector (the Trainer's path: copy + fence), and indexed with a batch of 10%.
// Printed, not asserted (timings are not tests); the dense result is checked in closed form.
TEST(DualStepCost, PrintFigures) {
  ExecSpace space;
  for (std::int64_t n : {std::int64_t(4), std::int64_t(100000)}) {
    auto pi = makeDualOptimizer(config("nupi"), std::vector<bool>(n, true));
    saddle::Vector<double> e("e", n);
    Kokkos::deep_copy(e, 0.5);
    int const reps = n > 1000 ? 200 : 20000;
    double const dense = secondsPerCall(reps, [&] { pi->step(space, e); });
    // constant e: the proportional terms telescope, lambda_T = lr (K_I T e + K_P xi_{T-1}) with
    // xi_{T-1} = (1 - nu^T) e, T = reps + 1 steps (position form of nuPI): check the last entry
    double const steps = reps + 1.0;
    double const want = 0.2 * (0.7 * steps * 0.5 + 1.5 * (1.0 - std::pow(0.3, steps)) * 0.5);
    EXPECT_NEAR(pi->lambdaHost()[n - 1], want, 1e-9 * want);
    std::vector<double> const host(static_cast<std::size_t>(n), 0.5);
    double const from_host = secondsPerCall(reps, [&] { pi->stepHost(space, host); });
    std::vector<std::int64_t> every10;
    for (std::int64_t j = 0; j < n; j += 10)
      every10.push_back(j);
    auto const idx = indices(every10);
    saddle::Vector<double> eb("eb", every10.size());
    double const sparse = secondsPerCall(reps, [&] { pi->stepIndexed(space, idx, eb); });
    std::printf("[ figures  ] nuPI dual step, %ld multipliers (%s): %.3g us dense, %.3g us from a "
                "host vector, %.3g us indexed (%zu entries)\n",
                static_cast<long>(n), ExecSpace::name(), 1e6 * dense, 1e6 * from_host, 1e6 * sparse,
                every10.size());
  }
}

} // namespace
