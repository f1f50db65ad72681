#pragma once
/// Multiplier updates of the dual optimizers (src/saddle/optim/dual_optimizer.hpp): one
/// elementwise kernel per update rule, each projecting inequality multipliers onto lambda >= 0
/// (is_ineq(j) != 0) and leaving equality multipliers free.
///
/// Every kernel runs over the entries k in [0, n) of one step. `entries` maps entry k to the
/// multiplier j = entries(k) it moves: DenseEntries (j = k, all multipliers) or IndexedEntries
/// (j = idx(k), the multipliers of the samples in a batch; the indices of one step must be
/// distinct). The violation e is indexed by k, multipliers, optimizer states and
/// hyperparameters by j. A hyperparameter is a scalar (same for every constraint) or a View
/// (one value per constraint). Each kernel applies the dual weight decay delta of the
/// "resilient" relaxation (Hounie et al. 2023) to the violation first:
///   e'_k = e_k - delta_j lambda_j.
/// All kernels are asynchronous on `space`.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include <cstdint>

namespace saddle::kernels {

/// Entry k of a step moves multiplier k.
struct DenseEntries {
  KOKKOS_INLINE_FUNCTION std::int64_t operator()(std::int64_t k) const { return k; }
};

/// Entry k of a step moves multiplier idx(k).
template <class IndexView> struct IndexedEntries {
  IndexView idx;
  KOKKOS_INLINE_FUNCTION std::int64_t operator()(std::int64_t k) const {
    return static_cast<std::int64_t>(idx(k));
  }
};

/// Per-constraint hyperparameter: a scalar is the same for every constraint ...
KOKKOS_INLINE_FUNCTION double hyper(double h, std::int64_t) {
  return h;
}
/// ... a View holds one value per constraint.
template <class ViewType> KOKKOS_INLINE_FUNCTION double hyper(ViewType const& h, std::int64_t j) {
  return static_cast<double>(h(j));
}

/// A hyperparameter held either way at run time: one scalar for every constraint (no memory
/// traffic in the kernels) or one value per constraint.
template <class ViewType> struct PerConstraint {
  ViewType values;     ///< [n], read when per_constraint
  double scalar = 0.0; ///< read otherwise
  bool per_constraint = false;
};
template <class ViewType>
KOKKOS_INLINE_FUNCTION double hyper(PerConstraint<ViewType> const& h, std::int64_t j) {
  return h.per_constraint ? static_cast<double>(h.values(j)) : h.scalar;
}

/// Projection onto the multiplier's domain: lambda >= 0 for an inequality, R for an equality.
KOKKOS_INLINE_FUNCTION double projectMultiplier(double v, int is_ineq) {
  return (is_ineq != 0 && v < 0.0) ? 0.0 : v;
}

namespace detail {
template <class Space>
using StepPolicy = Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>;
} // namespace detail

/// Projected gradient ascent (with dual weight decay delta):
///   lambda_j <- P(lambda_j + eta_j (e_k - delta_j lambda_j)).
template <class Space, class Entries, class Lambda, class Violation, class Mask, class Eta,
          class Decay>
void gradientAscentStep(Space const& space, Entries entries, std::int64_t n, Lambda const& lambda,
                        Violation const& e, Mask const& is_ineq, Eta eta, Decay decay) {
  Kokkos::parallel_for(
      "saddle::kernels::gradientAscentStep", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        double const ej = e(k) - hyper(decay, j) * lambda(j);
        lambda(j) = projectMultiplier(lambda(j) + hyper(eta, j) * ej, is_ineq(j));
      });
}

/// Hyperparameters of nuPI (Sohrabi et al. 2024), each a scalar or a View.
template <class Eta, class Kp, class Ki, class Nu, class Decay> struct NupiGains {
  Eta eta;
  Kp kp;
  Ki ki;
  Nu nu;
  Decay decay;
};

/// nuPI (Sohrabi et al. 2024, "On PI controllers for updating Lagrange multipliers in
/// constrained optimization"), recursive form, with the initialization xi_{-1}:
///   xi_{-1} = 0 ("zeros") or xi_{-1} = e_0 ("sgd": the first step is plain ascent with K_I,
///   and xi_0 = nu e_0 + (1 - nu) e_0 = e_0 is what is stored)
///   xi_t = nu xi_{t-1} + (1 - nu) e_t
///   u_t  = K_I e_t + K_P (xi_t - xi_{t-1}) = K_I e_t + K_P (1 - nu)(e_t - xi_{t-1})
///   lambda_{t+1} = P(lambda_t + eta u_t).
/// `seen(j)` = 0 marks a multiplier without history (fresh or restarted): its xi_{-1} is the
/// initialization above; the kernel sets seen(j) = 1.
template <class Space, class Entries, class Lambda, class Xi, class Seen, class Violation,
          class Mask, class Gains>
void nupiStep(Space const& space, Entries entries, std::int64_t n, Lambda const& lambda,
              Xi const& xi, Seen const& seen, Violation const& e, Mask const& is_ineq,
              Gains const& gains, bool sgd_init) {
  Kokkos::parallel_for(
      "saddle::kernels::nupiStep", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        double const ej = e(k) - hyper(gains.decay, j) * lambda(j);
        double const xi_prev = seen(j) != 0.0 ? xi(j) : (sgd_init ? ej : 0.0);
        double const nu = hyper(gains.nu, j);
        double const xi_next = nu * xi_prev + (1.0 - nu) * ej;
        double const u = hyper(gains.ki, j) * ej + hyper(gains.kp, j) * (xi_next - xi_prev);
        xi(j) = xi_next;
        seen(j) = 1.0;
        lambda(j) = projectMultiplier(lambda(j) + hyper(gains.eta, j) * u, is_ineq(j));
      });
}

/// Optimistic gradient ascent (Daskalakis et al. 2018), e_{-1} = 0:
///   lambda_j <- P(lambda_j + eta_j (e_t + omega_j (e_t - e_{t-1}))),  e_prev_j <- e_t.
/// With omega = 1 it is nuPI(K_I = 1, K_P = 1, nu = 0, xi_{-1} = 0).
template <class Space, class Entries, class Lambda, class Prev, class Violation, class Mask,
          class Eta, class Omega, class Decay>
void optimisticStep(Space const& space, Entries entries, std::int64_t n, Lambda const& lambda,
                    Prev const& e_prev, Violation const& e, Mask const& is_ineq, Eta eta,
                    Omega omega, Decay decay) {
  Kokkos::parallel_for(
      "saddle::kernels::optimisticStep", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        double const ej = e(k) - hyper(decay, j) * lambda(j);
        double const u = ej + hyper(omega, j) * (ej - e_prev(j));
        e_prev(j) = ej;
        lambda(j) = projectMultiplier(lambda(j) + hyper(eta, j) * u, is_ineq(j));
      });
}

/// Hyperparameters of Adam ascent; beta1, beta2 in [0, 1), epsilon > 0.
template <class Eta, class Decay> struct AdamGains {
  Eta eta;
  Decay decay;
  double beta1;
  double beta2;
  double epsilon;
};

/// Adam (Kingma & Ba 2015, Algorithm 1) as ascent, with a per-multiplier step count t_j so
/// that indexed multipliers get their own bias correction:
///   t_j += 1;  m_j <- b1 m_j + (1 - b1) e;  v_j <- b2 v_j + (1 - b2) e^2
///   lambda_j <- P(lambda_j + eta_j (m_j / (1 - b1^t_j)) / (sqrt(v_j / (1 - b2^t_j)) + eps)).
template <class Space, class Entries, class Lambda, class State, class Violation, class Mask,
          class Gains>
void adamStep(Space const& space, Entries entries, std::int64_t n, Lambda const& lambda,
              State const& m, State const& v, State const& t, Violation const& e,
              Mask const& is_ineq, Gains const& gains) {
  Kokkos::parallel_for(
      "saddle::kernels::adamStep", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        double const ej = e(k) - hyper(gains.decay, j) * lambda(j);
        double const tj = t(j) + 1.0;
        double const b1 = gains.beta1, b2 = gains.beta2;
        m(j) = b1 * m(j) + (1.0 - b1) * ej;
        v(j) = b2 * v(j) + (1.0 - b2) * ej * ej;
        t(j) = tj;
        // b^t = exp(t log b) for b in (0, 1); b = 0 gives 0 for t >= 1
        double const b1t = b1 > 0.0 ? compat::exp(tj * compat::log(b1)) : 0.0;
        double const b2t = b2 > 0.0 ? compat::exp(tj * compat::log(b2)) : 0.0;
        double const m_hat = m(j) / (1.0 - b1t);
        double const v_hat = v(j) / (1.0 - b2t);
        double const step = hyper(gains.eta, j) * m_hat / (compat::sqrt(v_hat) + gains.epsilon);
        lambda(j) = projectMultiplier(lambda(j) + step, is_ineq(j));
      });
}

/// Dual restart mask (Gallego-Posada et al. 2022): restart_j = 1 for a strictly feasible
/// inequality (e_j < -margin, margin >= 0, and is_ineq(j)), else 0. Dense.
template <class Space, class Violation, class Mask, class Out>
void strictlyFeasibleMask(Space const& space, Violation const& e, Mask const& is_ineq,
                          double margin, Out const& restart) {
  Kokkos::parallel_for(
      "saddle::kernels::strictlyFeasibleMask",
      detail::StepPolicy<Space>(space, 0, static_cast<std::int64_t>(restart.extent(0))),
      KOKKOS_LAMBDA(std::int64_t j) { restart(j) = (is_ineq(j) != 0 && e(j) < -margin) ? 1 : 0; });
}

/// Dual restart of one state array: x_j <- 0 where restart_j != 0 and is_ineq(j) != 0
/// (equality multipliers are never restarted).
template <class Space, class State, class Restart, class Mask>
void zeroWhere(Space const& space, State const& x, Restart const& restart, Mask const& is_ineq) {
  Kokkos::parallel_for(
      "saddle::kernels::zeroWhere",
      detail::StepPolicy<Space>(space, 0, static_cast<std::int64_t>(x.extent(0))),
      KOKKOS_LAMBDA(std::int64_t j) {
        if (restart(j) != 0 && is_ineq(j) != 0)
          x(j) = 0.0;
      });
}

} // namespace saddle::kernels
