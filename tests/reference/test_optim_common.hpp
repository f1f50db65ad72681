#pragma once
// Shared pieces of the optim reference tests: one PETSc session per program, portable seeded
// data (Philox, kernels/rng.hpp), the Iris rows, a small dense solver for closed-form checks,
// and the min-max loop with a method description.
#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/optim/feasible_learning.hpp"
#include "saddle/optim/gda.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace saddle::test {

using Vec = std::vector<double>;

/// One PETSc session for the whole test program (PETSc cannot be initialized twice).
class PetscEnvironment : public ::testing::Environment {
public:
  void SetUp() override { _session = std::make_unique<saddle::petsc::Session>(); }
  void TearDown() override { _session.reset(); }

private:
  std::unique_ptr<saddle::petsc::Session> _session;
};

/// Standard normal number `index` of the test stream `seed` (the same on every platform).
inline double seededNormal(std::uint64_t seed, std::uint64_t index) {
  return saddle::rng::normal(saddle::rng::Key{seed, saddle::rng::Purpose::Test, 0, 0}, index);
}
inline double seededUniform(std::uint64_t seed, std::uint64_t index) {
  return saddle::rng::uniform(saddle::rng::Key{seed, saddle::rng::Purpose::Test, 1, 0}, index);
}

/// Solve the dense system M z = r (n x n, row-major) by Gaussian elimination with partial
/// pivoting (small, well-conditioned systems of closed-form checks).
inline Vec solveDense(Vec m, Vec r) {
  auto const n = r.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t i = c + 1; i < n; ++i)
      if (std::fabs(m[i * n + c]) > std::fabs(m[p * n + c]))
        p = i;
    for (std::size_t k = 0; k < n; ++k)
      std::swap(m[c * n + k], m[p * n + k]);
    std::swap(r[c], r[p]);
    for (std::size_t i = 0; i < n; ++i) {
      if (i == c)
        continue;
      double const f = m[i * n + c] / m[c * n + c];
      for (std::size_t k = c; k < n; ++k)
        m[i * n + k] -= f * m[c * n + k];
      r[i] -= f * r[c];
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    r[i] /= m[i * n + i];
  return r;
}

/// The Iris rows (tests/data/iris.csv) of two species as labelled rows: `positive` -> +1,
/// `negative` -> -1; the 4 features standardized over these rows (mean 0, population std 1).
inline saddle::optim::LabelledRows irisPair(int negative, int positive) {
  std::ifstream in(std::string(SADDLE_TEST_DATA_DIR) + "/iris.csv");
  if (!in)
    throw saddle::IoError("tests: cannot open iris.csv");
  std::string line;
  std::getline(in, line); // header
  saddle::optim::LabelledRows r;
  r.d = 4;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string cell;
    Vec v;
    while (std::getline(s, cell, ','))
      v.push_back(std::stod(cell));
    int const species = static_cast<int>(v[4]);
    if (species != negative && species != positive)
      continue;
    r.x.insert(r.x.end(), v.begin(), v.begin() + 4);
    r.y.push_back(species == positive ? 1.0 : -1.0);
  }
  r.n = static_cast<std::int64_t>(r.y.size());
  for (std::int64_t k = 0; k < r.d; ++k) {
    double mean = 0, sq = 0;
    for (std::int64_t i = 0; i < r.n; ++i)
      mean += r.x[i * r.d + k];
    mean /= static_cast<double>(r.n);
    for (std::int64_t i = 0; i < r.n; ++i)
      sq += (r.x[i * r.d + k] - mean) * (r.x[i * r.d + k] - mean);
    double const sd = std::sqrt(sq / static_cast<double>(r.n));
    for (std::int64_t i = 0; i < r.n; ++i)
      r.x[i * r.d + k] = (r.x[i * r.d + k] - mean) / sd;
  }
  return r;
}

/// A stratified subset: from each class, the `per_class` rows with the smallest seeded uniform
/// key (a pure function of (seed, row)), in their original order.
inline saddle::optim::LabelledRows stratifiedSubset(saddle::optim::LabelledRows const& all,
                                                    std::int64_t per_class, std::uint64_t seed) {
  std::vector<std::int64_t> keep;
  for (double label : {-1.0, 1.0}) {
    std::vector<std::pair<double, std::int64_t>> keyed;
    for (std::int64_t i = 0; i < all.n; ++i)
      if (all.y[i] == label)
        keyed.emplace_back(seededUniform(seed, static_cast<std::uint64_t>(i)), i);
    std::sort(keyed.begin(), keyed.end());
    for (std::int64_t k = 0; k < per_class; ++k)
      keep.push_back(keyed[k].second);
  }
  std::sort(keep.begin(), keep.end());
  saddle::optim::LabelledRows r;
  r.d = all.d;
  r.n = static_cast<std::int64_t>(keep.size());
  for (auto i : keep) {
    r.x.insert(r.x.end(), all.x.begin() + i * all.d, all.x.begin() + (i + 1) * all.d);
    r.y.push_back(all.y[i]);
  }
  return r;
}

/// A method of the min-max loop: formulation, dual and primal optimizers, order, steps.
struct Method {
  std::string label;
  saddle::optim::FormulationConfig formulation;
  saddle::optim::DualConfig dual;
  saddle::optim::HostPrimalConfig primal;
  saddle::optim::GdaOptions options;
};

inline saddle::optim::GdaResult runMethod(saddle::optim::ConstrainedProblem const& p,
                                          Method const& m, Vec const& x0,
                                          saddle::optim::GdaObserver const& observer = {}) {
  auto const ineq = p.isInequality();
  auto dual = saddle::optim::makeDualOptimizer(m.dual, ineq);
  saddle::optim::Formulation f(m.formulation, ineq);
  saddle::optim::HostPrimalOptimizer primal(m.primal);
  return saddle::optim::runGda(p, x0, primal, *dual, f, m.options, observer);
}

inline double maxAbsDiff(Vec const& a, Vec const& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

} // namespace saddle::test
