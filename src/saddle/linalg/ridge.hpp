#pragma once
/// The exact ridge solution of the least-squares classifier over all silos (issue 6): the
/// non-private reference that private least-squares runs are compared with. With
/// u_i = [x_i, 1], t_i = 2 y_i - 1 over the n training rows of every silo, and D = diag(1, ...,
/// 1, 0) (the bias is not penalized), the objective
///   F(theta) = (1 / 2n) sum_i (theta . u_i - t_i)^2 + (l2 / 2) ||w||^2
///            = (theta^T A theta - 2 b^T theta + c) / 2n + (l2 / 2) theta^T D theta,
///   A = sum_i u_i u_i^T,  b = sum_i t_i u_i,  c = sum_i t_i^2,
/// has its minimum where (A + n l2 D) theta = b. Each rank assembles its silos' share of
/// (A, b, c) with one kernel, the shares are summed across ranks, and the system is solved
/// with PETSc's KSP (CG, Jacobi preconditioner, on a matrix whose rows are distributed over
/// the ranks). Builds without PETSc, or processes without a live petsc::Session, solve the same
/// system by a host Cholesky factorization instead (the reason says so).
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/data/dataset.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::linalg {

/// Normal equations of the least-squares classifier, p = n_features + 1 parameters.
struct NormalEquations {
  std::int64_t n_params = 0; ///< p
  double n_rows = 0.0;       ///< n, the rows summed
  std::vector<double> a;     ///< [p][p] row-major, A = sum_i u_i u_i^T
  std::vector<double> b;     ///< [p], b = sum_i t_i u_i
  double c = 0.0;            ///< sum_i t_i^2
};

struct RidgeOptions {
  /// KSP relative tolerance on the unpreconditioned residual ||b - M theta|| / ||b||.
  double rtol = 1e-14;
  std::int64_t max_iterations = 0;              ///< 0: 50 p
  std::string options_prefix = "saddle_ridge_"; ///< PETSc options (-saddle_ridge_ksp_monitor)
};

struct RidgeSolution {
  std::vector<double> theta; ///< [p] the minimizer, last entry the bias
  double objective = 0.0;    ///< F(theta)
  std::int64_t iterations = 0;
  double residual = 0.0; ///< ||b - (A + n l2 D) theta|| / ||b||, recomputed on the host
  std::string reason;    ///< KSP's converged reason, or "host Cholesky (...)"
};

/// The normal equations of every training row of `split` on every rank: each rank assembles
/// its rows' share on `space`, then one sum across ranks. Collective on `comm`. The sum is
/// not bitwise independent of the rank count (cross-rank reordering: a few ulps).
NormalEquations assembleNormalEquations(ExecSpace const& space, data::SiloData const& split,
                                        mpi::Comm const& comm);

/// argmin F: solves (A + n l2 D) theta = b (l2 >= 0; A + n l2 D must be positive definite:
/// otherwise Error). `eq` must be identical on every rank (assembleNormalEquations' result).
/// Collective on `comm` (PETSc objects live on it).
RidgeSolution solveRidge(NormalEquations const& eq, double l2, mpi::Comm const& comm,
                         RidgeOptions const& options = {});

/// F(theta) of the docstring above, from the normal equations. Local.
double ridgeObjective(NormalEquations const& eq, double l2, std::vector<double> const& theta);

/// F(theta) - F(theta*) = (theta - theta*)^T (A / n + l2 D) (theta - theta*) / 2 (exact for a
/// quadratic; no cancellation of two large objectives). Local.
double ridgeObjectiveGap(NormalEquations const& eq, double l2, std::vector<double> const& theta,
                         std::vector<double> const& theta_star);

} // namespace saddle::linalg
