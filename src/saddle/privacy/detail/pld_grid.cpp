#include "saddle/privacy/detail/pld_grid.hpp"

#include "saddle/privacy/detail/dp_math.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <fftw3.h>
#include <memory>
#include <string>

namespace saddle::detail {

namespace {

char const* const kWhere = "saddle::PrivacyLossDistribution";

/// The pair of one release: P and Q are mixtures (1-w) N(0, s^2) + w N(1, s^2).
struct GaussianPair {
  double q;
  double sigma;
  PldDirection direction;

  /// log(1 - q + q e^u), u = (2x - 1) / (2 sigma^2): the remove-direction loss at x.
  double logMixtureRatio(double x) const {
    double const u = (2.0 * x - 1.0) / (2.0 * sigma * sigma);
    return logAddExp(std::log1p(-q), std::log(q) + u);
  }
  double loss(double x) const {
    return direction == PldDirection::Remove ? logMixtureRatio(x) : -logMixtureRatio(x);
  }
  /// log(e^v - (1 - q)), -inf where it is not positive; accurate on each range of v.
  double logExpMinusComplement(double v) const {
    double const c = 1.0 - q;
    if (c == 0.0)
      return v;
    double d = 0.0;
    if (v > 1.0)
      return v + std::log1p(-c * std::exp(-v));
    d = v > -1.0 ? std::expm1(v) + q : std::exp(v) - c;
    return d > 0.0 ? std::log(d) : -kInf;
  }
  /// The x at which loss(x) = l (the loss is increasing in x for Remove, decreasing for Add);
  /// -inf where the loss never goes that low (Remove) or high (Add).
  double xOf(double l) const {
    double const v = direction == PldDirection::Remove ? l : -l;
    return sigma * sigma * (logExpMinusComplement(v) - std::log(q)) + 0.5;
  }
  /// P- and Q-mass of the x-interval (a, b].
  void masses(double a, double b, double& p, double& qm) const {
    double const m0 = normalMass(a, b, 0.0, sigma);
    double const m1 = normalMass(a, b, 1.0, sigma);
    double const mixture = (1.0 - q) * m0 + q * m1;
    p = direction == PldDirection::Remove ? mixture : m0;
    qm = direction == PldDirection::Remove ? m0 : mixture;
  }
};

/// x-interval of the loss cell [l_lo, l_hi].
void cellInterval(GaussianPair const& g, double l_lo, double l_hi, double& a, double& b) {
  if (g.direction == PldDirection::Remove) {
    a = g.xOf(l_lo);
    b = g.xOf(l_hi);
  } else {
    a = g.xOf(l_hi);
    b = g.xOf(l_lo);
  }
}

} // namespace

DiscreteLoss discretizeSampledGaussian(double q, double sigma, PldDirection direction,
                                       double interval, double tail, std::int64_t max_points) {
  GaussianPair const g{q, sigma, direction};
  double const z = normalUpperQuantile(tail);
  // P's support cut: both tails of P below `tail` (N(0) for the lower, N(1) for the upper tail).
  double const x_lo = -sigma * z;
  double const x_hi = (direction == PldDirection::Remove ? 1.0 : 0.0) + sigma * z;
  double const l_lo = std::min(g.loss(x_lo), g.loss(x_hi));
  double const l_hi = std::max(g.loss(x_lo), g.loss(x_hi));
  auto const i_min = static_cast<std::int64_t>(std::floor(l_lo / interval));
  auto const i_max = static_cast<std::int64_t>(std::ceil(l_hi / interval));
  if (i_max - i_min + 1 > max_points)
    throw Error(std::string(kWhere) + ": one release (q = " + text(q) + ", sigma = " + text(sigma) +
                ") needs " + std::to_string(i_max - i_min + 1) +
                " grid points, above the limit of " + std::to_string(max_points) +
                "; use a larger PldOptions::interval");
  DiscreteLoss out;
  out.first = i_min;
  out.mass.assign(static_cast<std::size_t>(i_max - i_min + 1), 0.0);
  double const expm1_step = std::expm1(interval);
  double p = 0.0;
  double qm = 0.0;
  // Below the first grid point: moved up to it. Above the last: infinite loss.
  double a = 0.0;
  double b = 0.0;
  cellInterval(g, -kInf, static_cast<double>(i_min) * interval, a, b);
  g.masses(a, b, p, qm);
  out.mass[0] += p;
  cellInterval(g, static_cast<double>(i_max) * interval, kInf, a, b);
  g.masses(a, b, p, qm);
  out.infinity_mass = p;
  for (std::int64_t i = i_min; i < i_max; ++i) {
    double const l0 = static_cast<double>(i) * interval;
    double const l1 = static_cast<double>(i + 1) * interval;
    cellInterval(g, l0, l1, a, b);
    g.masses(a, b, p, qm);
    if (p <= 0.0)
      continue;
    // Connect the dots: node i gets w, node i+1 gets p - w, so that P-mass p and Q-mass qm
    // are both kept: w = (e^{l1} qm - p) / (e^Delta - 1), within [0, p] up to rounding.
    double const e_qm = qm > 0.0 ? std::exp(l1 + std::log(qm)) : 0.0;
    double const w = std::clamp((e_qm - p) / expm1_step, 0.0, p);
    auto const k = static_cast<std::size_t>(i - i_min);
    out.mass[k] += w;
    out.mass[k + 1] += p - w;
  }
  return out;
}

namespace {

/// log E[e^{t L}] over the finite part of `d` (a sub-probability).
double logMgf(DiscreteLoss const& d, double t, double interval) {
  double top = -kInf;
  for (std::size_t i = 0; i < d.mass.size(); ++i)
    if (d.mass[i] > 0.0)
      top =
          std::max(top, t * static_cast<double>(d.first + static_cast<std::int64_t>(i)) * interval);
  double sum = 0.0;
  for (std::size_t i = 0; i < d.mass.size(); ++i)
    if (d.mass[i] > 0.0)
      sum += d.mass[i] *
             std::exp(t * static_cast<double>(d.first + static_cast<std::int64_t>(i)) * interval -
                      top);
  return top + std::log(sum);
}

/// Mean and variance of the finite part of `d` (normalized), in loss units.
void moments(DiscreteLoss const& d, double interval, double& mean, double& var) {
  double m0 = 0.0;
  double m1 = 0.0;
  double m2 = 0.0;
  for (std::size_t i = 0; i < d.mass.size(); ++i) {
    double const l = static_cast<double>(d.first + static_cast<std::int64_t>(i)) * interval;
    m0 += d.mass[i];
    m1 += d.mass[i] * l;
    m2 += d.mass[i] * l * l;
  }
  mean = m0 > 0.0 ? m1 / m0 : 0.0;
  var = m0 > 0.0 ? std::max(m2 / m0 - mean * mean, 0.0) : 0.0;
}

/// Chernoff window [lo, hi] (losses) of the sum: P(S > hi) <= tail and P(S < lo) <= tail,
/// from min over t of (sum_j c_j K_j(+-t) - log tail) / t, t near the Gaussian optimum.
void chernoffWindow(std::vector<DiscreteLoss> const& kinds, std::vector<std::int64_t> const& counts,
                    double interval, double tail, double& lo, double& hi) {
  double var = 0.0;
  for (std::size_t j = 0; j < kinds.size(); ++j) {
    double m = 0.0;
    double v = 0.0;
    moments(kinds[j], interval, m, v);
    var += static_cast<double>(counts[j]) * v;
  }
  double const log_tail = std::log(tail);
  double const t_star = var > 0.0 ? std::sqrt(-2.0 * log_tail / var) : 1024.0;
  hi = kInf;
  lo = -kInf;
  for (int k = -6; k <= 6; ++k) {
    double const t = t_star * std::exp2(0.5 * k);
    double up = 0.0;
    double down = 0.0;
    for (std::size_t j = 0; j < kinds.size(); ++j) {
      up += static_cast<double>(counts[j]) * logMgf(kinds[j], t, interval);
      down += static_cast<double>(counts[j]) * logMgf(kinds[j], -t, interval);
    }
    hi = std::min(hi, (up - log_tail) / t);
    lo = std::max(lo, -(down - log_tail) / t);
  }
}

/// Smallest n >= m of the form 2^a 3^b 5^c 7^d (FFTW's fast sizes).
std::int64_t fftSize(std::int64_t m) {
  for (std::int64_t n = std::max<std::int64_t>(m, 2);; ++n) {
    std::int64_t r = n;
    for (std::int64_t f : {2, 3, 5, 7})
      while (r % f == 0)
        r /= f;
    if (r == 1)
      return n;
  }
}

/// z^c for |z| <= 1 (polar form).
std::complex<double> powComplex(std::complex<double> z, double c) {
  double const r = std::abs(z);
  if (r == 0.0)
    return {0.0, 0.0};
  double const log_r = c * std::log(r);
  if (log_r < -745.0)
    return {0.0, 0.0};
  return std::polar(std::exp(log_r), c * std::arg(z));
}

struct FftwFree {
  void operator()(void* p) const { fftw_free(p); }
};

/// Inverse FFT of prod_j FFT(kinds[j])^counts[j] on n points: position p holds the composed
/// mass at grid index (sum_j counts[j] first_j + p) mod n.
std::vector<double> fftCompose(std::vector<DiscreteLoss> const& kinds,
                               std::vector<std::int64_t> const& counts, std::int64_t n) {
  auto const len = static_cast<std::size_t>(n);
  std::size_t const n_freq = len / 2 + 1;
  std::unique_ptr<double, FftwFree> real(fftw_alloc_real(len));
  std::unique_ptr<fftw_complex, FftwFree> freq(fftw_alloc_complex(n_freq));
  if (!real || !freq)
    throw Error(std::string(kWhere) + ": out of memory for an FFT of " + std::to_string(n));
  int const n_int = static_cast<int>(n);
  fftw_plan forward = fftw_plan_dft_r2c_1d(n_int, real.get(), freq.get(), FFTW_ESTIMATE);
  fftw_plan backward = fftw_plan_dft_c2r_1d(n_int, freq.get(), real.get(), FFTW_ESTIMATE);
  std::vector<std::complex<double>> product(n_freq, {1.0, 0.0});
  for (std::size_t j = 0; j < kinds.size(); ++j) {
    std::fill(real.get(), real.get() + len, 0.0);
    for (std::size_t i = 0; i < kinds[j].mass.size(); ++i)
      real.get()[i % len] += kinds[j].mass[i];
    fftw_execute(forward);
    for (std::size_t f = 0; f < n_freq; ++f)
      product[f] *=
          powComplex({freq.get()[f][0], freq.get()[f][1]}, static_cast<double>(counts[j]));
  }
  for (std::size_t f = 0; f < n_freq; ++f) {
    freq.get()[f][0] = product[f].real();
    freq.get()[f][1] = product[f].imag();
  }
  fftw_execute(backward);
  fftw_destroy_plan(forward);
  fftw_destroy_plan(backward);
  std::vector<double> out(real.get(), real.get() + len);
  for (double& v : out)
    v = std::max(v / static_cast<double>(n), 0.0); // rounding may leave tiny negatives
  return out;
}

} // namespace

PrivacyLossDistribution::Composed composeLosses(std::vector<DiscreteLoss> const& kinds,
                                                std::vector<std::int64_t> const& counts,
                                                double interval, double window_tail,
                                                std::int64_t max_points) {
  std::int64_t hard_lo = 0; // support of the exact sum, in grid indices
  std::int64_t hard_hi = 0;
  double finite = 0.0; // log P(every release finite)
  for (std::size_t j = 0; j < kinds.size(); ++j) {
    hard_lo += counts[j] * kinds[j].first;
    hard_hi += counts[j] * (kinds[j].first + static_cast<std::int64_t>(kinds[j].mass.size()) - 1);
    finite += static_cast<double>(counts[j]) * std::log1p(-kinds[j].infinity_mass);
  }
  double lo_loss = 0.0;
  double hi_loss = 0.0;
  chernoffWindow(kinds, counts, interval, window_tail, lo_loss, hi_loss);
  std::int64_t lo = hard_lo;
  std::int64_t hi = hard_hi;
  if (std::isfinite(lo_loss) && lo_loss / interval > static_cast<double>(hard_lo) &&
      lo_loss / interval < static_cast<double>(hard_hi))
    lo = static_cast<std::int64_t>(std::floor(lo_loss / interval));
  if (std::isfinite(hi_loss) && hi_loss / interval < static_cast<double>(hard_hi) &&
      hi_loss / interval > static_cast<double>(hard_lo))
    hi = static_cast<std::int64_t>(std::ceil(hi_loss / interval));
  hi = std::max(hi, lo);
  if (hi - lo + 1 > max_points)
    throw Error(std::string(kWhere) + ": the composed loss window needs " +
                std::to_string(hi - lo + 1) + " grid points, above the limit of " +
                std::to_string(max_points) + "; use a larger PldOptions::interval");
  std::int64_t const n = fftSize(hi - lo + 1);
  std::vector<double> const cyclic = fftCompose(kinds, counts, n);
  PrivacyLossDistribution::Composed out;
  out.offset = lo;
  out.mass.assign(static_cast<std::size_t>(n), 0.0);
  std::int64_t const shift = ((hard_lo - lo) % n + n) % n; // position p -> index lo + (p+shift)%n
  for (std::int64_t p = 0; p < n; ++p)
    out.mass[static_cast<std::size_t>((p + shift) % n)] = cyclic[static_cast<std::size_t>(p)];
  out.infinity_mass = -std::expm1(finite) + (hi < hard_hi ? window_tail : 0.0);
  return out;
}

double composedDelta(PrivacyLossDistribution::Composed const& c, double epsilon, double interval) {
  double delta = c.infinity_mass;
  for (std::size_t k = 0; k < c.mass.size(); ++k) {
    double const loss = static_cast<double>(c.offset + static_cast<std::int64_t>(k)) * interval;
    if (loss > epsilon)
      delta -= c.mass[k] * std::expm1(epsilon - loss);
  }
  return std::min(delta, 1.0);
}

double composedEpsilon(PrivacyLossDistribution::Composed const& c, double delta, double interval) {
  if (c.infinity_mass >= delta)
    return kInf;
  // Sweep down from the top: with A = sum_{j>=k} m_j and B = sum_{j>=k} m_j e^{-(j-k) Delta},
  // delta(eps) = inf + A - e^{eps - k Delta} B on [(k-1) Delta, k Delta].
  double const decay = std::exp(-interval);
  double mass_above = 0.0;
  double weighted = 0.0;
  std::int64_t k = c.offset + static_cast<std::int64_t>(c.mass.size());
  for (std::size_t idx = c.mass.size(); idx-- > 0;) {
    k = c.offset + static_cast<std::int64_t>(idx);
    mass_above += c.mass[idx];
    weighted = c.mass[idx] + weighted * decay;
    if (c.infinity_mass + mass_above - decay * weighted > delta)
      break;
  }
  double const excess = c.infinity_mass + mass_above - delta;
  if (excess <= 0.0 || weighted <= 0.0)
    return 0.0;
  return std::max(0.0, static_cast<double>(k) * interval + std::log(excess / weighted));
}

} // namespace saddle::detail
