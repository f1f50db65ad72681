// min ||x||^2 s.t. A x <= b (and C x = d), on seeded random data: every formulation and dual
// optimizer of saddle reaches x*, lambda* of PETSc/TAO's ALMM within 1e-4, with a KKT
// certificate below 1e-4. The TAO reference itself is checked against the closed form on its
// active set S: x* = -M^T lambda_S / 2 with M = [A_S; C], M M^T lambda_S = -2 [b_S; d].
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/tao_almm.hpp"

#include "test_optim_common.hpp"

namespace {

using saddle::test::Method;
using saddle::test::Vec;

::testing::Environment* const kPetsc =
    ::testing::AddGlobalTestEnvironment(new saddle::test::PetscEnvironment);

struct Qp {
  std::int64_t n = 0, m_ineq = 0, m_eq = 0;
  Vec a, b, c, d; // A [m_ineq][n], b [m_ineq], C [m_eq][n], d [m_eq]
};

/// Seeded data: entries of A and C ~ N(0, 1/n); b has negative entries (x = 0 violates them),
/// so that some inequalities are active at x*, and large ones that stay inactive.
Qp makeQp(std::int64_t n, std::int64_t m_ineq, std::int64_t m_eq, std::uint64_t seed) {
  Qp q{n, m_ineq, m_eq, {}, {}, {}, {}};
  double const scale = 1.0 / std::sqrt(static_cast<double>(n));
  std::uint64_t k = 0;
  for (std::int64_t i = 0; i < m_ineq * n; ++i)
    q.a.push_back(scale * saddle::test::seededNormal(seed, k++));
  for (std::int64_t i = 0; i < m_eq * n; ++i)
    q.c.push_back(scale * saddle::test::seededNormal(seed, k++));
  Vec const b_pattern = {-1.0, -0.5, 0.8, -0.3, 1.5};
  for (std::int64_t i = 0; i < m_ineq; ++i)
    q.b.push_back(b_pattern[static_cast<std::size_t>(i) % b_pattern.size()]);
  for (std::int64_t i = 0; i < m_eq; ++i)
    q.d.push_back(0.5 * saddle::test::seededNormal(seed, k++));
  return q;
}

saddle::optim::ConstrainedProblem problem(Qp const& q) {
  saddle::optim::ConstrainedProblem p;
  p.n_vars = q.n;
  p.n_ineq = q.m_ineq;
  p.n_eq = q.m_eq;
  p.objective = [n = q.n](Vec const& x, Vec& g) {
    double f = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      f += x[i] * x[i];
      g[i] = 2 * x[i];
    }
    return f;
  };
  auto affine = [n = q.n](Vec const& m, Vec const& rhs) {
    return [n, m, rhs](Vec const& x, Vec& out) {
      for (std::size_t r = 0; r < rhs.size(); ++r) {
        out[r] = -rhs[r];
        for (std::int64_t i = 0; i < n; ++i)
          out[r] += m[r * n + i] * x[i];
      }
    };
  };
  auto jacobian = [](Vec const& m) { return [m](Vec const&, Vec& out) { out = m; }; };
  if (q.m_ineq > 0) {
    p.inequality = affine(q.a, q.b);
    p.inequality_jacobian = jacobian(q.a);
  }
  if (q.m_eq > 0) {
    p.equality = affine(q.c, q.d);
    p.equality_jacobian = jacobian(q.c);
  }
  return p;
}

/// Closed-form multipliers on the active set of x*: M M^T lambda_S = -2 rhs_S (see the top).
Vec closedFormLambda(Qp const& q, Vec const& lambda_tao) {
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < q.m_ineq; ++i)
    if (lambda_tao[i] > 1e-6)
      rows.push_back(i);
  for (std::int64_t i = 0; i < q.m_eq; ++i)
    rows.push_back(q.m_ineq + i);
  auto const row = [&](std::int64_t r) {
    return r < q.m_ineq ? q.a.data() + r * q.n : q.c.data() + (r - q.m_ineq) * q.n;
  };
  auto const s = rows.size();
  Vec mmt(s * s), rhs(s);
  for (std::size_t i = 0; i < s; ++i) {
    for (std::size_t j = 0; j < s; ++j)
      for (std::int64_t k = 0; k < q.n; ++k)
        mmt[i * s + j] += row(rows[i])[k] * row(rows[j])[k];
    rhs[i] = -2.0 * (rows[i] < q.m_ineq ? q.b[rows[i]] : q.d[rows[i] - q.m_ineq]);
  }
  Vec const sub = saddle::test::solveDense(mmt, rhs);
  Vec lambda(static_cast<std::size_t>(q.m_ineq + q.m_eq), 0.0);
  for (std::size_t i = 0; i < s; ++i)
    lambda[rows[i]] = sub[i];
  return lambda;
}

Method method(std::string label, std::string formulation, std::string dual, double lr,
              saddle::optim::UpdateOrder order = saddle::optim::UpdateOrder::DualFirst) {
  Method m;
  m.label = std::move(label);
  m.formulation.name = std::move(formulation);
  m.dual.optimizer = std::move(dual);
  m.dual.lr = {lr};
  m.primal = {"sgd", 0.2};
  m.options.order = order;
  m.options.steps = 6000;
  return m;
}

/// Every (formulation, dual optimizer) pair; lambda* enters only the fixed penalty (the
/// baseline needs the unknown multipliers to be exact: the point of the comparison).
std::vector<Method> methods(Vec const& lambda_star) {
  using saddle::optim::UpdateOrder;
  std::vector<Method> ms;
  ms.push_back(method("lagrangian + gradient_ascent", "lagrangian", "gradient_ascent", 0.1));
  auto pi = method("lagrangian + nupi", "lagrangian", "nupi", 0.1);
  pi.dual.kp = {1.0};
  pi.dual.ki = {1.0};
  pi.dual.nu = {0.5};
  ms.push_back(pi);
  auto pi_sgd = pi;
  pi_sgd.label = "lagrangian + nupi (sgd init, simultaneous)";
  pi_sgd.dual.init = "sgd";
  pi_sgd.options.order = UpdateOrder::Simultaneous;
  ms.push_back(pi_sgd);
  ms.push_back(method("lagrangian + optimistic", "lagrangian", "optimistic", 0.1,
                      UpdateOrder::Simultaneous));
  ms.push_back(method("lagrangian + extragradient", "lagrangian", "extragradient", 0.1,
                      UpdateOrder::Extrapolation));
  // Adam with epsilon as a floor: near the solution the step is (lr / epsilon) m, ascent with
  // step 0.1; far from it, the normalized step lr (Adam's own regime)
  auto adam = method("lagrangian + adam", "lagrangian", "adam", 0.002);
  adam.dual.epsilon = 0.02;
  adam.options.steps = 20000;
  ms.push_back(adam);
  ms.push_back(method("lagrangian + gradient_ascent (primal first)", "lagrangian",
                      "gradient_ascent", 0.1, UpdateOrder::PrimalFirst));
  auto al = method("augmented_lagrangian + gradient_ascent (lr = c)", "augmented_lagrangian",
                   "gradient_ascent", 1.0);
  al.formulation.penalty = {1.0};
  al.primal.lr = 0.05;
  ms.push_back(al);
  auto al_up = method("augmented_lagrangian + nupi, multiplicative penalty updater",
                      "augmented_lagrangian", "nupi", 0.1);
  al_up.formulation.penalty = {0.05};
  al_up.formulation.penalty_update = "multiplicative";
  al_up.formulation.penalty_growth = 1.2;
  al_up.formulation.penalty_tolerance = 1e-3;
  al_up.formulation.penalty_max = 1.0;
  al_up.options.penalty_update_every = 50;
  al_up.primal.lr = 0.05;
  ms.push_back(al_up);
  // quadratic penalty: its minimizer is O(|lambda*| / c) away from x* (the implied multiplier
  // c relu(g) tends to lambda*); c = 1e7, Nesterov with step 1/L and momentum
  // (sqrt(k) - 1) / (sqrt(k) + 1), k = L / 2, L = 2 + c ||M||_F^2 >= the largest curvature
  auto qp = method("quadratic_penalty, c = 1e7", "quadratic_penalty", "gradient_ascent", 0.1);
  qp.formulation.penalty = {1e7};
  qp.primal = {"nesterov", 0.0, 0.0};
  qp.options.steps = 150000;
  ms.push_back(qp);
  auto fixed = method("fixed_penalty, c = lambda*", "fixed_penalty", "gradient_ascent", 0.1);
  fixed.formulation.penalty = lambda_star;
  ms.push_back(fixed);
  return ms;
}

void checkProblem(Qp const& q) {
  auto const p = problem(q);
  saddle::linalg::AlmmOptions o;
  o.tolerance = 1e-11;
  auto const ref = saddle::linalg::solveTaoAlmm(p, Vec(static_cast<std::size_t>(q.n), 0.0), o);
  ASSERT_TRUE(ref.converged) << ref.reason;
  // the reference against the closed form on its active set (TAO stops at 1e-11)
  Vec const closed = closedFormLambda(q, ref.lambda);
  EXPECT_LT(saddle::test::maxAbsDiff(ref.lambda, closed), 1e-8);
  auto const ref_cert = saddle::linalg::kktCertificate(p, ref.x, ref.lambda);
  EXPECT_LT(ref_cert.worst(), 1e-8);
  EXPECT_LT(ref_cert.lagrangian_gradient, 1e-8);
  int active = 0, inactive = 0;
  for (std::int64_t i = 0; i < q.m_ineq; ++i)
    (ref.lambda[i] > 1e-6 ? active : inactive) += 1;
  EXPECT_GT(active, 0); // the data exercise both kinds
  EXPECT_GT(inactive, 0);
  std::printf("[ figures  ] QP n = %ld, %ld inequalities (%d active), %ld equalities: TAO ALMM "
              "%ld iterations (%s), multipliers from %s\n",
              static_cast<long>(q.n), static_cast<long>(q.m_ineq), active,
              static_cast<long>(q.m_eq), static_cast<long>(ref.iterations), ref.reason.c_str(),
              ref.multipliers_from.c_str());
  auto ms = methods(ref.lambda);
  // the penalty's step size from its coefficient
  double a2 = 0;
  for (double v : q.a)
    a2 += v * v;
  for (double v : q.c)
    a2 += v * v;
  for (auto& m : ms)
    if (m.formulation.name == "quadratic_penalty") {
      double const l = 2.0 + m.formulation.penalty[0] * a2, k = std::sqrt(l / 2.0);
      m.primal.lr = 1.0 / l;
      m.primal.momentum = (k - 1.0) / (k + 1.0);
    }
  for (auto const& m : ms) {
    auto const r = saddle::test::runMethod(p, m, Vec(static_cast<std::size_t>(q.n), 0.0));
    double const dx = saddle::test::maxAbsDiff(r.x, ref.x);
    double const dl = saddle::test::maxAbsDiff(r.lambda, ref.lambda);
    auto const cert = saddle::linalg::kktCertificate(p, r.x, r.lambda);
    std::printf("[ figures  ]   %-62s |x - x*| = %.2e  |lambda - lambda*| = %.2e  KKT = %.2e\n",
                m.label.c_str(), dx, dl, cert.worst());
    // the tolerance: 1e-4 on x, lambda and the certificate
    EXPECT_LT(dx, 1e-4) << m.label;
    EXPECT_LT(dl, 1e-4) << m.label;
    EXPECT_LT(cert.worst(), 1e-4) << m.label;
  }
}

TEST(QuadraticProgram, InequalitiesFiveVariables) {
  checkProblem(makeQp(5, 5, 0, 2024));
}

TEST(QuadraticProgram, InequalitiesAndEqualitiesTenVariables) {
  checkProblem(makeQp(10, 3, 2, 7));
}

} // namespace
