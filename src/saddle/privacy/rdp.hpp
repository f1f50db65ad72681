#pragma once
/// Renyi differential privacy (RDP) of the Poisson-subsampled Gaussian mechanism and its
/// conversion to (epsilon, delta). Host code, not collective, thread-safe (no shared state).
///
/// Mechanism: each record enters the batch independently with probability q; the clipped sum
/// (L2 sensitivity C under add/remove-one) gets N(0, (sigma C)^2 I) noise. Its RDP at order
/// alpha > 1 is (Mironov, Talwar, Zhang 2019, "Renyi DP of the Sampled Gaussian Mechanism")
///   rdp(alpha) = log(A_alpha) / (alpha - 1),
///   A_alpha = E_{z ~ N(0, sigma^2)} [ (1 - q + q exp((2z - 1) / (2 sigma^2)))^alpha ].
///  - integer alpha: the exact binomial expansion (MTZ 2019, Sec. 3)
///      A_alpha = sum_k C(alpha, k) (1-q)^(alpha-k) q^k exp((k^2 - k) / (2 sigma^2)),
///    summed in log space as A - 1 = sum_{k>=2} ... expm1(...) (the k = 0, 1 terms cancel 1);
///  - fractional alpha: the two-sided series of MTZ 2019, Sec. 3 (split at
///    z0 = sigma^2 log(1/q - 1) + 1/2), with the signs of the generalized binomial
///    coefficients kept (RdpSeries::Exact, as Opacus and the original TF-Privacy code), or
///    with absolute values of the terms, an upper bound (RdpSeries::AbsoluteTerms, as Google's
///    dp_accounting). Beyond k > alpha both series alternate with decreasing magnitude
///    (|term ratio| <= (k - alpha)/(k + 1)), so stopping when both terms are below e^-40
///    leaves an absolute error below 1e-17 in A_alpha >= 1.
///  - q = 1: rdp = alpha / (2 sigma^2) exactly; sigma = 0: +inf.
#include <vector>

namespace saddle {

/// How fractional orders are summed (integer orders are exact either way).
enum class RdpSeries {
  Exact,        ///< signed series: the exact A_alpha (Opacus)
  AbsoluteTerms ///< sum of |terms|: an upper bound on A_alpha (dp_accounting)
};

/// The default order grid: {1.1, 1.2, ..., 10.9} U {11, 12, ..., 63} U {128, 256, 512}
/// (155 orders, ascending). Opacus' default is {1.1, ..., 10.9} U {12, ..., 63}, a subset: on
/// this grid epsilon is the same whenever Opacus' best order lies inside its grid, and can only
/// be smaller otherwise.
std::vector<double> const& defaultRdpOrders();

/// RDP of ONE step of the Poisson-subsampled Gaussian mechanism with sampling rate q in (0, 1]
/// and noise multiplier sigma >= 0 (noise std / L2 sensitivity), at order alpha > 1. Returns
/// +inf for sigma = 0. Throws InputError for arguments out of range.
double rdpSampledGaussian(double q, double sigma, double order,
                          RdpSeries series = RdpSeries::Exact);

/// rdpSampledGaussian at each order of `orders` (each > 1).
std::vector<double> rdpSampledGaussian(double q, double sigma, std::vector<double> const& orders,
                                       RdpSeries series = RdpSeries::Exact);

/// epsilon(delta) from an RDP curve, and where on the order grid it was found.
struct RdpEpsilon {
  double epsilon = 0.0;      ///< >= 0; +inf when every order has infinite RDP
  double best_order = 0.0;   ///< the minimizing order (0 when there is no finite candidate)
  bool at_grid_edge = false; ///< best order is the smallest or largest of the grid: the grid
                             ///< may be too narrow and epsilon loose (extend it)
};

/// (epsilon, delta)-DP from RDP values rdp[i] at orders[i] (same length, orders > 1), by
/// Balle, Barthe, Gaboardi, Hsu, Sato 2020 ("Hypothesis testing interpretations and Renyi DP"),
/// Theorem 21:  epsilon(alpha) = rdp(alpha) - (log delta + log alpha) / (alpha - 1)
///                               + log((alpha - 1) / alpha),
/// minimized over the orders and clamped at 0. delta in (0, 1).
RdpEpsilon rdpToEpsilon(std::vector<double> const& orders, std::vector<double> const& rdp,
                        double delta);

} // namespace saddle
