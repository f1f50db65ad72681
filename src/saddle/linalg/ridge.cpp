#include "saddle/linalg/ridge.hpp"

#include "kernels/glm_losses.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"
#include "saddle/linalg/petsc_session.hpp"
#if defined(SADDLE_HAVE_PETSC)
#include "saddle/linalg/detail/petsc_check.hpp"

#include <petscksp.h>
#endif

#include <cmath>
#include <string>

namespace saddle::linalg {

namespace {

/// M = A + n l2 D, row-major [p][p] (D: identity but 0 for the bias, the last parameter).
std::vector<double> systemMatrix(NormalEquations const& eq, double l2) {
  std::int64_t const p = eq.n_params;
  std::vector<double> m = eq.a;
  for (std::int64_t j = 0; j + 1 < p; ++j)
    m[j * p + j] += eq.n_rows * l2;
  return m;
}

/// ||b - M theta||_2 / ||b||_2 (or ||b - M theta|| if b = 0).
double relativeResidual(std::vector<double> const& m, std::vector<double> const& b,
                        std::vector<double> const& theta) {
  auto const p = static_cast<std::int64_t>(b.size());
  double r2 = 0.0, b2 = 0.0;
  for (std::int64_t j = 0; j < p; ++j) {
    double r = b[j];
    for (std::int64_t k = 0; k < p; ++k)
      r -= m[j * p + k] * theta[k];
    r2 += r * r;
    b2 += b[j] * b[j];
  }
  return b2 > 0.0 ? std::sqrt(r2 / b2) : std::sqrt(r2);
}

/// theta = M^{-1} b by M = L L^T on the host. Throws Error if M is not positive definite.
std::vector<double> choleskySolve(std::vector<double> m, std::vector<double> const& b) {
  auto const p = static_cast<std::int64_t>(b.size());
  for (std::int64_t j = 0; j < p; ++j) { // L overwrites the lower triangle of m
    double diag = m[j * p + j];
    for (std::int64_t k = 0; k < j; ++k)
      diag -= m[j * p + k] * m[j * p + k];
    if (!(diag > 0.0))
      throw Error("saddle::linalg::solveRidge: A + n l2 D is not positive definite (pivot " +
                  std::to_string(j) + "; collinear features with optim.l2 = 0? set l2 > 0)");
    m[j * p + j] = std::sqrt(diag);
    for (std::int64_t i = j + 1; i < p; ++i) {
      double v = m[i * p + j];
      for (std::int64_t k = 0; k < j; ++k)
        v -= m[i * p + k] * m[j * p + k];
      m[i * p + j] = v / m[j * p + j];
    }
  }
  std::vector<double> x(b);
  for (std::int64_t i = 0; i < p; ++i) { // L y = b
    for (std::int64_t k = 0; k < i; ++k)
      x[i] -= m[i * p + k] * x[k];
    x[i] /= m[i * p + i];
  }
  for (std::int64_t i = p - 1; i >= 0; --i) { // L^T theta = y
    for (std::int64_t k = i + 1; k < p; ++k)
      x[i] -= m[k * p + i] * x[k];
    x[i] /= m[i * p + i];
  }
  return x;
}

#if defined(SADDLE_HAVE_PETSC)
using KspHandle = petsc::detail::Handle<KSP, KSPDestroy>;

/// CG + Jacobi on M (rows distributed over the ranks of `comm`, dense storage). The Jacobi
/// preconditioner does not depend on the row distribution, so every rank count runs the same
/// iteration (up to the rounding of the parallel dot products). Collective on `comm`.
RidgeSolution solveKsp(std::vector<double> const& m, std::vector<double> const& b,
                       mpi::Comm const& comm, RidgeOptions const& options) {
  petsc::detail::Guard guard;
  auto const p = static_cast<PetscInt>(b.size());
  petsc::detail::MatHandle mat;
  SADDLE_PETSC_CHECK(MatCreateDense(comm.raw(), PETSC_DECIDE, PETSC_DECIDE, p, p, nullptr, &mat));
  PetscInt begin = 0, end = 0;
  SADDLE_PETSC_CHECK(MatGetOwnershipRange(mat, &begin, &end));
  std::vector<PetscInt> cols(static_cast<std::size_t>(p));
  for (PetscInt k = 0; k < p; ++k)
    cols[k] = k;
  for (PetscInt j = begin; j < end; ++j)
    SADDLE_PETSC_CHECK(MatSetValues(mat, 1, &j, p, cols.data(), &m[j * p], INSERT_VALUES));
  SADDLE_PETSC_CHECK(MatAssemblyBegin(mat, MAT_FINAL_ASSEMBLY));
  SADDLE_PETSC_CHECK(MatAssemblyEnd(mat, MAT_FINAL_ASSEMBLY));
  petsc::detail::VecHandle x, rhs;
  SADDLE_PETSC_CHECK(MatCreateVecs(mat, &x, &rhs));
  for (PetscInt j = begin; j < end; ++j)
    SADDLE_PETSC_CHECK(VecSetValue(rhs, j, b[j], INSERT_VALUES));
  SADDLE_PETSC_CHECK(VecAssemblyBegin(rhs));
  SADDLE_PETSC_CHECK(VecAssemblyEnd(rhs));

  KspHandle ksp;
  SADDLE_PETSC_CHECK(KSPCreate(comm.raw(), &ksp));
  SADDLE_PETSC_CHECK(KSPSetOptionsPrefix(ksp, options.options_prefix.c_str()));
  SADDLE_PETSC_CHECK(KSPSetOperators(ksp, mat, mat));
  SADDLE_PETSC_CHECK(KSPSetType(ksp, KSPCG));
  PC pc = nullptr;
  SADDLE_PETSC_CHECK(KSPGetPC(ksp, &pc));
  SADDLE_PETSC_CHECK(PCSetType(pc, PCJACOBI));
  SADDLE_PETSC_CHECK(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscInt const max_it =
      options.max_iterations > 0 ? static_cast<PetscInt>(options.max_iterations) : 50 * p;
  SADDLE_PETSC_CHECK(KSPSetTolerances(ksp, options.rtol, 0.0, PETSC_DEFAULT, max_it));
  SADDLE_PETSC_CHECK(KSPSetFromOptions(ksp));
  SADDLE_PETSC_CHECK(KSPSolve(ksp, rhs, x));
  KSPConvergedReason reason{};
  PetscInt its = 0;
  SADDLE_PETSC_CHECK(KSPGetConvergedReason(ksp, &reason));
  SADDLE_PETSC_CHECK(KSPGetIterationNumber(ksp, &its));
  if (reason < 0 && reason != KSP_DIVERGED_ITS)
    throw Error(std::string("saddle::linalg::solveRidge: KSP failed (") +
                KSPConvergedReasons[reason] + "): is A + n l2 D positive definite?");

  RidgeSolution s;
  s.theta.assign(b.size(), 0.0); // this rank's entries, zeros elsewhere: the sum is exact
  PetscScalar const* xa = nullptr;
  SADDLE_PETSC_CHECK(VecGetArrayRead(x, &xa));
  for (PetscInt j = begin; j < end; ++j)
    s.theta[j] = xa[j - begin];
  SADDLE_PETSC_CHECK(VecRestoreArrayRead(x, &xa));
  comm.allreduceSum(s.theta.data(), static_cast<std::int64_t>(s.theta.size()));
  s.iterations = its;
  s.reason = std::string("KSP CG + Jacobi: ") + KSPConvergedReasons[reason];
  return s;
}
#endif

} // namespace

NormalEquations assembleNormalEquations(ExecSpace const& space, data::SiloData const& split,
                                        mpi::Comm const& comm) {
  std::int64_t const p = static_cast<std::int64_t>(split.x.extent(1)) + 1;
  // packed [A (p x p) | b (p) | c | n]: one reduction across ranks
  Vector<double> packed("saddle::linalg::ridge::normal_equations", p * p + p + 2);
  if (split.rows() > 0)
    kernels::leastSquaresNormalEquations(space, split.x, split.y, packed);
  std::vector<double> host = toStdVector(packed);
  host[p * p + p + 1] = static_cast<double>(split.rows());
  comm.allreduceSum(host.data(), static_cast<std::int64_t>(host.size()));
  NormalEquations eq;
  eq.n_params = p;
  eq.a.assign(host.begin(), host.begin() + p * p);
  eq.b.assign(host.begin() + p * p, host.begin() + p * p + p);
  eq.c = host[p * p + p];
  eq.n_rows = host[p * p + p + 1];
  return eq;
}

RidgeSolution solveRidge(NormalEquations const& eq, double l2, mpi::Comm const& comm,
                         RidgeOptions const& options) {
  SADDLE_REQUIRE(l2 >= 0.0, "saddle::linalg::solveRidge: l2 must be >= 0");
  SADDLE_REQUIRE(eq.n_rows > 0.0, "saddle::linalg::solveRidge: no training rows");
  std::vector<double> const m = systemMatrix(eq, l2);
  RidgeSolution s;
#if defined(SADDLE_HAVE_PETSC)
  if (petsc::Session::active()) {
    s = solveKsp(m, eq.b, comm, options);
  } else { // identical on every rank: each solves the replicated system
    s.theta = choleskySolve(m, eq.b);
    s.reason = "host Cholesky (PETSc not initialized)";
  }
#else
  static_cast<void>(comm); // every rank solves the replicated system
  static_cast<void>(options);
  s.theta = choleskySolve(m, eq.b);
  s.reason = "host Cholesky (PETSc disabled at build time)";
#endif
  s.residual = relativeResidual(m, eq.b, s.theta);
  s.objective = ridgeObjective(eq, l2, s.theta);
  return s;
}

double ridgeObjective(NormalEquations const& eq, double l2, std::vector<double> const& theta) {
  std::int64_t const p = eq.n_params;
  SADDLE_REQUIRE(static_cast<std::int64_t>(theta.size()) == p,
                 "saddle::linalg::ridgeObjective: theta has the wrong size");
  // (theta^T A theta - 2 b^T theta + c) / 2n + (l2 / 2) ||w||^2
  double quad = 0.0, lin = 0.0, w2 = 0.0;
  for (std::int64_t j = 0; j < p; ++j) {
    double row = 0.0;
    for (std::int64_t k = 0; k < p; ++k)
      row += eq.a[j * p + k] * theta[k];
    quad += theta[j] * row;
    lin += eq.b[j] * theta[j];
    if (j + 1 < p)
      w2 += theta[j] * theta[j];
  }
  return (quad - 2.0 * lin + eq.c) / (2.0 * eq.n_rows) + 0.5 * l2 * w2;
}

double ridgeObjectiveGap(NormalEquations const& eq, double l2, std::vector<double> const& theta,
                         std::vector<double> const& theta_star) {
  std::int64_t const p = eq.n_params;
  SADDLE_REQUIRE(static_cast<std::int64_t>(theta.size()) == p &&
                     static_cast<std::int64_t>(theta_star.size()) == p,
                 "saddle::linalg::ridgeObjectiveGap: theta has the wrong size");
  std::vector<double> e(theta.size());
  for (std::size_t j = 0; j < e.size(); ++j)
    e[j] = theta[j] - theta_star[j];
  std::vector<double> const m = systemMatrix(eq, l2);
  double q = 0.0; // e^T (A + n l2 D) e
  for (std::int64_t j = 0; j < p; ++j)
    for (std::int64_t k = 0; k < p; ++k)
      q += e[j] * m[j * p + k] * e[k];
  return q / (2.0 * eq.n_rows);
}

} // namespace saddle::linalg
