// saddle-cmp on the three decks of inputs/ (svm_nupi, feasible_learning, alm_vs_optimism), as
// a user runs it: exit codes, output files, and the figures each deck exists to show.
#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#ifndef SADDLE_CMP_EXE
#error "SADDLE_CMP_EXE (path of the saddle-cmp executable) must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using saddle::test::readKeyValueCsv;

struct Run {
  int code = -1;
  std::string log;
  std::map<std::string, double> summary;
};

/// saddle-cmp inputs/<deck> --output <fresh dir> <extra>; the summary when it exits 0.
Run cmp(std::string const& deck, std::string const& name, std::string const& extra = "") {
  Run r;
  auto const dir = saddle::test::freshDir("cmp_" + name);
  r.code = saddle::test::runCommand(std::string(SADDLE_CMP_EXE) + " " + SADDLE_INPUTS_DIR + "/" +
                                        deck + " --output " + dir + " " + extra,
                                    r.log);
  if (r.code == 0)
    r.summary = readKeyValueCsv(dir + "/summary.csv");
  return r;
}

/// Row `step` of <fresh dir of `name`>/history.csv, as numbers.
std::vector<double> historyRow(std::string const& name, int step) {
  std::ifstream in(fs::path(::testing::TempDir()) / ("saddle_cmp_" + name) / "history.csv");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(std::to_string(step) + ",", 0) == 0) {
      std::vector<double> v;
      for (std::size_t at = 0; at != std::string::npos;) {
        auto const next = line.find(',', at);
        v.push_back(std::stod(line.substr(at, next - at)));
        at = next == std::string::npos ? next : next + 1;
      }
      return v;
    }
  return {};
}

TEST(CmpDecks, SvmNupiConvergesWhereGradientAscentWithTheSameKiDoesNot) {
  auto const pi = cmp("svm_nupi.toml", "svm_nupi");
  ASSERT_EQ(pi.code, 0) << pi.log;
  auto const dir = fs::path(::testing::TempDir()) / "saddle_cmp_svm_nupi";
  for (auto const* f : {"history.csv", "summary.txt", "summary.csv", "deck.toml"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  auto const& s = pi.summary;
  double const tol = 1e-6; // cmp.tolerance of svm_nupi.toml
  EXPECT_EQ(s.at("steps"), 5000);
  EXPECT_EQ(s.at("converged"), 1) << pi.log;
  EXPECT_GT(s.at("converged_step"), 0);
  EXPECT_LT(s.at("distance_x"), tol);
  EXPECT_LT(s.at("distance_lambda"), tol);
  // the loop's final point is a KKT point of the QP: at machine precision (1e-8 leaves room)
  EXPECT_LT(s.at("kkt_feasibility"), 1e-8);
  EXPECT_LT(s.at("kkt_stationarity"), 1e-8);
  EXPECT_LT(s.at("kkt_complementarity"), 1e-8);
  EXPECT_NEAR(s.at("objective"), s.at("reference_objective"), 1e-9);
  EXPECT_EQ(historyRow("svm_nupi", 5000).size(), 8u); // step, f, viol, 3 lambda stats, 2 dist

  // plain gradient ascent with step K_I = 0.1: the same budget is not enough
  auto const ga = cmp("svm_nupi.toml", "svm_ga",
                      "--set dual.optimizer=gradient_ascent "
                      "--set dual.lr=0.1");
  ASSERT_EQ(ga.code, 0) << ga.log;
  EXPECT_EQ(ga.summary.at("converged"), 0) << ga.log;
  EXPECT_GT(ga.summary.at("distance_lambda"), tol);
  std::printf("[ figures  ] svm_nupi: nuPI converged at step %.0f (distance_x %.2e, "
              "distance_lambda %.2e); gradient ascent: not in 5000 steps (distance_lambda "
              "%.2e); %.3f s and %.3f s\n",
              s.at("converged_step"), s.at("distance_x"), s.at("distance_lambda"),
              ga.summary.at("distance_lambda"), s.at("wall_seconds"),
              ga.summary.at("wall_seconds"));
}

TEST(CmpDecks, FeasibleLearningSatisfiesEveryConstraint) {
  auto const r = cmp("feasible_learning.toml", "feasible");
  ASSERT_EQ(r.code, 0) << r.log;
  auto const& s = r.summary;
  EXPECT_EQ(s.at("n_constraints"), 100);
  EXPECT_LE(s.at("max_violation"), 0.0) << r.log; // every loss_i <= epsilon
  EXPECT_GT(s.at("feasible_step"), 0);
  EXPECT_EQ(s.at("kkt_feasibility"), 0.0);
  EXPECT_EQ(s.at("reference_available"), 0); // no objective: no unique solution
  EXPECT_TRUE(std::isnan(s.at("distance_x")));

  // resilient variant on non-separable data: the loop's fixed point is TAO's solution of the
  // relaxed problem (cmp.tolerance 1e-6), and some constraints stay relaxed (violated)
  auto const rr =
      cmp("feasible_learning.toml", "resilient", "--set cmp.resilient=4 --set cmp.epsilon=0.2");
  ASSERT_EQ(rr.code, 0) << rr.log;
  EXPECT_EQ(rr.summary.at("converged"), 1) << rr.log;
  EXPECT_LT(rr.summary.at("distance_x"), 1e-6);
  EXPECT_LT(rr.summary.at("distance_lambda"), 1e-6);
  EXPECT_GT(rr.summary.at("max_violation"), 0.0);
  EXPECT_LT(rr.summary.at("kkt_stationarity"), 1e-6); // of the relaxed problem
  std::printf("[ figures  ] feasible_learning: feasible from step %.0f, max_i (loss_i - eps) = "
              "%.3g, %.3f s; resilient: converged at step %.0f, distance_x %.2e, %.3f s\n",
              s.at("feasible_step"), s.at("max_violation"), s.at("wall_seconds"),
              rr.summary.at("converged_step"), rr.summary.at("distance_x"),
              rr.summary.at("wall_seconds"));
}

/// The largest root of 5 x^3 + 3 x^2 - 4 x - 1 (stationarity of f(x0, 1 - x0^2)), by bisection
/// on [0.5, 1] where the cubic changes sign once.
double globalX0() {
  double a = 0.5, b = 1.0;
  auto const p = [](double x) { return 5 * x * x * x + 3 * x * x - 4 * x - 1; };
  for (int i = 0; i < 200; ++i) {
    double const m = 0.5 * (a + b);
    (p(a) * p(m) <= 0 ? b : a) = m;
  }
  return a;
}

TEST(CmpDecks, AlmToyReachesTheConstraintAndNupiEqualsAlAndOptimism) {
  auto const pi = cmp("alm_vs_optimism.toml", "alm_nupi");
  ASSERT_EQ(pi.code, 0) << pi.log;
  auto const& s = pi.summary;
  EXPECT_LT(std::fabs(s.at("max_violation")), 1e-10) << pi.log; // h(x) = 0
  EXPECT_EQ(s.at("converged"), 1);
  double const x0 = globalX0(), x1 = 1 - x0 * x0;
  double const f_star = 0.25 * x0 * x0 * x0 * x0 + x1 * x1 - x0 * x1; // closed form
  EXPECT_NEAR(s.at("objective"), f_star, 1e-10);
  EXPECT_NEAR(s.at("reference_objective"), f_star, 1e-10); // TAO found the global minimizer
  EXPECT_LT(s.at("kkt_stationarity"), 1e-10);

  // nuPI(eta = 1, K_P = 2, K_I = 0.5, nu = 0), dual first: the same multipliers as optimistic
  // ascent with step eta K_I and w = K_P / K_I, and the same primal iterates as the augmented
  // Lagrangian with c = eta K_P and ascent step eta K_I (whose stored mu omits c h(x_t))
  auto const al = cmp("alm_vs_optimism.toml", "alm_al",
                      "--set formulation.name=augmented_lagrangian --set formulation.penalty=2 "
                      "--set dual.optimizer=gradient_ascent --set dual.lr=0.5");
  auto const om = cmp("alm_vs_optimism.toml", "alm_om",
                      "--set dual.optimizer=optimistic --set dual.lr=0.5 --set dual.optimism=4");
  ASSERT_EQ(al.code, 0) << al.log;
  ASSERT_EQ(om.code, 0) << om.log;
  for (int step : {1, 2, 10, 40}) { // before convergence (step ~90): the iterates still move
    auto const a = historyRow("alm_nupi", step), b = historyRow("alm_al", step),
               c = historyRow("alm_om", step);
    ASSERT_EQ(a.size(), 9u); // step, f, viol, 3 lambda stats, lambda_0, 2 distances
    ASSERT_EQ(b.size(), a.size());
    ASSERT_EQ(c.size(), a.size());
    // the same sums in another order: rounding only (the CSV keeps 10 digits)
    auto const near = [](double u, double v) {
      return std::fabs(u - v) <= 1e-9 * (1 + std::fabs(u));
    };
    for (std::size_t k = 0; k < a.size(); ++k)
      EXPECT_TRUE(near(a[k], c[k])) << "optimistic, step " << step << " column " << k;
    for (std::size_t k : {1, 2, 7}) // f(x_t), |h(x_t)|, ||x_{t+1} - x*||
      EXPECT_TRUE(near(a[k], b[k])) << "augmented Lagrangian, step " << step << " column " << k;
  }
  EXPECT_EQ(al.summary.at("converged_step"), s.at("converged_step"));
  EXPECT_EQ(om.summary.at("converged_step"), s.at("converged_step"));
  std::printf("[ figures  ] alm_vs_optimism: converged at step %.0f (AL %.0f, optimistic %.0f), "
              "|h| = %.1e, distance_x %.2e, %.3f s\n",
              s.at("converged_step"), al.summary.at("converged_step"),
              om.summary.at("converged_step"), std::fabs(s.at("max_violation")), s.at("distance_x"),
              s.at("wall_seconds"));
}

TEST(CmpDecks, BadInputExitsWithTwoAndNamesTheKey) {
  struct Case {
    std::string deck, extra, expected;
  };
  std::vector<Case> const cases = {
      {"svm_nupi.toml", "--set dual.nu=2", "dual.nu"},
      {"svm_nupi.toml", "--set cmp.problem=foo", "cmp.problem"},
      {"svm_nupi.toml", "--set cmp.path=missing.csv", "missing.csv"},
      {"svm_nupi.toml", "--set dual.optimizer=extragradient", "dual.optimizer"},
      {"svm_nupi.toml", "--set cmp.resilient=1", "cmp.resilient"},
      {"alm_vs_optimism.toml", "--set schedule.kind=linear", "schedule.kind"},
      {"alm_vs_optimism.toml",
       "--set formulation.name=augmented_lagrangian "
       "--set formulation.penalty=0",
       "formulation.penalty"},
      {"no_such_deck.toml", "", "no_such_deck.toml"},
      {"svm_nupi.toml", "--no-such-option", "no-such-option"},
  };
  for (auto const& c : cases) {
    auto const r = cmp(c.deck, "bad", c.extra);
    EXPECT_EQ(r.code, 2) << c.extra << "\n" << r.log;
    EXPECT_NE(r.log.find(c.expected), std::string::npos) << c.extra << "\n" << r.log;
  }
  std::string help;
  EXPECT_EQ(saddle::test::runCommand(std::string(SADDLE_CMP_EXE) + " --help", help), 0);
  EXPECT_NE(help.find("--set"), std::string::npos) << help;
}

} // namespace
