#include "saddle/privacy/rdp.hpp"

#include "saddle/privacy/detail/dp_math.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace saddle {

namespace {

char const* const kWhere = "saddle::rdpSampledGaussian";

/// log(expm1(x)) for x > 0 without overflow.
double logExpm1(double x) {
  return x > 1.0 ? x + std::log1p(-std::exp(-x)) : std::log(std::expm1(x));
}

/// log A_alpha at integer alpha >= 2, 0 < q < 1, sigma > 0, from the exact binomial expansion:
/// A - 1 = sum_{k=2}^{alpha} C(alpha,k) (1-q)^(alpha-k) q^k expm1((k^2 - k) / (2 sigma^2)).
double logAInteger(double q, double sigma, std::int64_t alpha) {
  double const log_q = std::log(q);
  double const log_1mq = std::log1p(-q);
  double const a = static_cast<double>(alpha);
  double log_binom = std::log(a); // log C(alpha, 1)
  double log_a_minus_1 = -detail::kInf;
  for (std::int64_t k = 2; k <= alpha; ++k) {
    double const kd = static_cast<double>(k);
    log_binom += std::log(a - kd + 1.0) - std::log(kd); // C(alpha,k) = C(alpha,k-1)(alpha-k+1)/k
    double const log_term = log_binom + kd * log_q + (a - kd) * log_1mq +
                            logExpm1((kd * kd - kd) / (2.0 * sigma * sigma));
    log_a_minus_1 = detail::logAddExp(log_a_minus_1, log_term);
  }
  return detail::log1pExp(log_a_minus_1); // log(1 + (A - 1))
}

/// log A_alpha at fractional alpha > 1, 0 < q < 1, sigma > 0: MTZ 2019, Sec. 3:
/// A = sum_i C(alpha,i) [ q^i (1-q)^(alpha-i) e^{(i^2-i)/(2s^2)} erfc((i - z0)/(sqrt2 s)) / 2
///                      + q^(alpha-i) (1-q)^i e^{(j^2-j)/(2s^2)} erfc((z0 - j)/(sqrt2 s)) / 2 ],
/// j = alpha - i, z0 = s^2 log(1/q - 1) + 1/2. Positive and negative terms are summed apart.
double logAFractional(double q, double sigma, double alpha, RdpSeries series) {
  double const log_q = std::log(q);
  double const log_1mq = std::log1p(-q);
  double const two_s2 = 2.0 * sigma * sigma;
  double const z0 = sigma * sigma * (std::log1p(-q) - std::log(q)) + 0.5;
  double const scale = M_SQRT2 * sigma;
  double log_pos = -detail::kInf;
  double log_neg = -detail::kInf;
  double log_binom = 0.0; // log |C(alpha, i)|
  bool positive = true;   // sign of C(alpha, i)
  // |term| < e^-37 (< 1e-16 = the resolution of A >= 1) past i > alpha, where both series
  // alternate with decreasing magnitude: the omitted tail is below the last term.
  constexpr double kStopLog = -37.0;
  constexpr std::int64_t kMaxTerms = 100000000;
  for (std::int64_t n = 0; n < kMaxTerms; ++n) {
    double const i = static_cast<double>(n);
    if (n > 0) {
      double const factor = alpha - i + 1.0;
      log_binom += std::log(std::fabs(factor)) - std::log(i);
      positive = (factor > 0.0) == positive;
    }
    double const j = alpha - i;
    double const log_s0 = log_binom + i * log_q + j * log_1mq + (i * i - i) / two_s2 +
                          std::log(0.5) + detail::logErfc((i - z0) / scale);
    double const log_s1 = log_binom + j * log_q + i * log_1mq + (j * j - j) / two_s2 +
                          std::log(0.5) + detail::logErfc((z0 - j) / scale);
    double const log_term = detail::logAddExp(log_s0, log_s1);
    if (positive || series == RdpSeries::AbsoluteTerms)
      log_pos = detail::logAddExp(log_pos, log_term);
    else
      log_neg = detail::logAddExp(log_neg, log_term);
    if (i > alpha && log_s0 < kStopLog && log_s1 < kStopLog) {
      if (log_neg == -detail::kInf)
        return log_pos;
      return log_pos + std::log1p(-std::exp(log_neg - log_pos));
    }
  }
  throw Error(std::string(kWhere) +
              ": the fractional-order series did not converge (q = " + detail::text(q) +
              ", sigma = " + detail::text(sigma) + ", order = " + detail::text(alpha) + ")");
}

} // namespace

std::vector<double> const& defaultRdpOrders() {
  static std::vector<double> const orders = [] {
    std::vector<double> o;
    for (int x = 11; x <= 109; ++x)
      o.push_back(x / 10.0);
    for (int a = 11; a <= 63; ++a)
      o.push_back(a);
    for (double a : {128.0, 256.0, 512.0})
      o.push_back(a);
    return o;
  }();
  return orders;
}

double rdpSampledGaussian(double q, double sigma, double order, RdpSeries series) {
  detail::checkSamplingRate(kWhere, q);
  detail::checkNoiseMultiplier(kWhere, sigma);
  if (std::isnan(order) || !(order > 1.0 && order < detail::kInf))
    detail::throwRange(kWhere, "order", detail::text(order), "1 < order < inf");
  if (sigma == 0.0)
    return detail::kInf;
  if (q == 1.0) // the Gaussian mechanism itself
    return order / (2.0 * sigma * sigma);
  double const log_a = order == std::floor(order) && order < 1e6
                           ? logAInteger(q, sigma, static_cast<std::int64_t>(order))
                           : logAFractional(q, sigma, order, series);
  return log_a / (order - 1.0);
}

std::vector<double> rdpSampledGaussian(double q, double sigma, std::vector<double> const& orders,
                                       RdpSeries series) {
  std::vector<double> out;
  out.reserve(orders.size());
  for (double a : orders)
    out.push_back(rdpSampledGaussian(q, sigma, a, series));
  return out;
}

RdpEpsilon rdpToEpsilon(std::vector<double> const& orders, std::vector<double> const& rdp,
                        double delta) {
  char const* const where = "saddle::rdpToEpsilon";
  detail::checkDelta(where, delta);
  SADDLE_REQUIRE(orders.size() == rdp.size(), "rdpToEpsilon: orders and rdp differ in length");
  RdpEpsilon best{detail::kInf, 0.0, false};
  double const log_delta = std::log(delta);
  double lowest = detail::kInf;
  double highest = -detail::kInf;
  for (double a : orders) {
    lowest = std::min(lowest, a);
    highest = std::max(highest, a);
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    double const a = orders[i];
    if (std::isnan(a) || !(a > 1.0))
      detail::throwRange(where, "order", detail::text(a), "> 1");
    if (rdp[i] == detail::kInf)
      continue;
    // Balle et al. 2020, Thm 21.
    double const eps = rdp[i] - (log_delta + std::log(a)) / (a - 1.0) + std::log1p(-1.0 / a);
    if (eps < best.epsilon) {
      best.epsilon = eps;
      best.best_order = a;
      best.at_grid_edge = (a == lowest || a == highest);
    }
  }
  if (best.epsilon < 0.0)
    best.epsilon = 0.0;
  return best;
}

} // namespace saddle
