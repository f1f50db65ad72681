#pragma once
/// The KKT certificate of a point x (and multipliers lambda) of
///   min f(x) s.t. g(x) <= 0, h(x) = 0:
///   feasibility      max( max_i relu(g_i(x)), max_j |h_j(x)| )
///   complementarity  max_i |lambda_i g_i(x)|  over the inequalities
///   stationarity     min over lambda' (lambda'_i >= 0 on inequalities, free on equalities) of
///                    || grad f(x) + J(x)^T lambda' ||_2
/// The stationarity problem is a bound-constrained linear least-squares problem, solved with
/// PETSc/TAO (BNLS: Newton line search with bounds, exact Hessian J J^T as a shell matrix,
/// CG without preconditioner), so that the certificate does not depend on the multipliers the
/// algorithm reports; complementarity uses the given multipliers, or the fitted ones when none
/// are given. Needs a live petsc::Session. Local (PETSC_COMM_SELF): each rank computes it from
/// its own copy of the (replicated) data. Sizes: n variables, m constraints.
#include "saddle/optim/constrained_problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::linalg {

struct KktOptions {
  double tolerance = 1e-13;                   ///< TAO gatol on the gradient of (1/2)||r||^2
  std::int64_t max_iterations = 500;          ///< TAO iterations
  std::string options_prefix = "saddle_kkt_"; ///< PETSc options prefix (-saddle_kkt_tao_monitor)
};

struct KktCertificate {
  double feasibility = 0.0;
  double complementarity = 0.0;
  double stationarity = 0.0;
  /// || grad f + J^T lambda || with the given multipliers; -1 when none were given.
  double lagrangian_gradient = -1.0;
  std::vector<double> lambda_fit; ///< [m] the minimizer of the stationarity problem
  /// TAO's converged reason for the fit. Should TAO stop early, stationarity is the residual
  /// at the multipliers it returned: an upper bound, so the certificate never understates.
  std::string fit_reason;
  /// The largest of feasibility, complementarity and stationarity.
  double worst() const;
};

/// Certificate from raw data (the Trainer's path): grad_f [n], jac [m][n] row-major,
/// c [m] constraint values, is_inequality [m], lambda [m] or empty.
KktCertificate kktCertificate(std::vector<double> const& grad_f, std::vector<double> const& jac,
                              std::vector<double> const& c, std::vector<bool> const& is_inequality,
                              std::vector<double> const& lambda = {},
                              KktOptions const& options = {});

/// Certificate of `problem` at x (multipliers ordered inequalities, then equalities).
KktCertificate kktCertificate(optim::ConstrainedProblem const& problem,
                              std::vector<double> const& x, std::vector<double> const& lambda = {},
                              KktOptions const& options = {});

/// argmin over lambda of || grad_f + J^T lambda ||_2 with lambda_j >= 0 where is_inequality[j],
/// and lambda_j = 0 where fixed_zero[j] (if given: e.g. the inactive constraints). `reason`,
/// if given, receives TAO's converged reason.
std::vector<double> fitMultipliers(std::vector<double> const& grad_f,
                                   std::vector<double> const& jac,
                                   std::vector<bool> const& is_inequality,
                                   std::vector<bool> const& fixed_zero = {},
                                   KktOptions const& options = {}, std::string* reason = nullptr);

/// || grad_f + J^T lambda ||_2.
double lagrangianGradientNorm(std::vector<double> const& grad_f, std::vector<double> const& jac,
                              std::vector<double> const& lambda);

} // namespace saddle::linalg
