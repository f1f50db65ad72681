// saddle-cmp: the deck's small constrained problem, the min-max loop on it, the TAO reference
// and the KKT certificate (see cmp_app.hpp). Problems and their references come first, then
// the deck's methods, the loop's observer (progress lines, history.csv), the outputs.
#include "saddle/run/cmp_app.hpp"

#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/log.hpp"
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/linalg/tao_almm.hpp"
#include "saddle/optim/deck_configs.hpp"
#include "saddle/optim/feasible_learning.hpp"
#include "saddle/optim/gda.hpp"
#include "saddle/optim/schedule.hpp"
#include "saddle/run/app.hpp"
#include "saddle/version.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

namespace saddle {

namespace {

using Vec = std::vector<double>;
namespace fs = std::filesystem;
double const kNaN = std::numeric_limits<double>::quiet_NaN();
#if defined(SADDLE_HAVE_PETSC)
bool const kHavePetsc = true;
#else
bool const kHavePetsc = false; // SADDLE_ENABLE_PETSC=OFF: no TAO reference, no KKT certificate
#endif

// ---- problems ----------------------------------------------------------------------------------

/// The rows of Iris species `negative` (-1) and `positive` (+1) of the CSV `path` (header,
/// then 4 measurements and the species 0, 1 or 2 per row), the 4 features standardized over
/// these rows (mean 0, population std 1).
optim::LabelledRows irisPair(std::string const& path, int negative, int positive) {
  std::ifstream in(path);
  if (!in)
    throw InputError("saddle::cmp: key 'cmp.path': cannot read the Iris CSV '" + path +
                     "' (relative paths resolve against the deck's folder)");
  optim::LabelledRows r;
  r.d = 4;
  std::string line;
  std::getline(in, line); // header
  for (std::int64_t line_no = 2; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty())
      continue;
    std::stringstream cells(line);
    std::string cell;
    Vec v;
    while (std::getline(cells, cell, ',')) {
      char* end = nullptr;
      double const value = std::strtod(cell.c_str(), &end);
      if (cell.empty() || *end != '\0' || !std::isfinite(value))
        throw InputError("saddle::cmp: " + path + ":" + std::to_string(line_no) + ": cell '" +
                         cell + "' is not a number");
      v.push_back(value);
    }
    if (v.size() != 5 || (v[4] != 0.0 && v[4] != 1.0 && v[4] != 2.0))
      throw InputError("saddle::cmp: " + path + ":" + std::to_string(line_no) +
                       ": expected 5 cells (4 measurements, species 0, 1 or 2)");
    if (v[4] != negative && v[4] != positive)
      continue;
    r.x.insert(r.x.end(), v.begin(), v.begin() + 4);
    r.y.push_back(v[4] == positive ? 1.0 : -1.0);
  }
  r.n = static_cast<std::int64_t>(r.y.size());
  if (r.n < 4)
    throw InputError("saddle::cmp: " + path + ": too few rows of the two species");
  for (std::int64_t k = 0; k < r.d; ++k) {
    double mean = 0, sq = 0;
    for (std::int64_t i = 0; i < r.n; ++i)
      mean += r.x[i * r.d + k] / static_cast<double>(r.n);
    for (std::int64_t i = 0; i < r.n; ++i)
      sq += (r.x[i * r.d + k] - mean) * (r.x[i * r.d + k] - mean);
    double const sd = std::sqrt(sq / static_cast<double>(r.n));
    for (std::int64_t i = 0; i < r.n; ++i)
      r.x[i * r.d + k] = (r.x[i * r.d + k] - mean) / (sd > 0 ? sd : 1.0);
  }
  return r;
}

/// From each class, the round(fraction * class size) rows with the smallest uniform key
/// u(seed, Split, row), in their original order (a pure function of seed and data).
optim::LabelledRows stratified(optim::LabelledRows const& all, double fraction,
                               std::uint64_t seed) {
  rng::Key const key{seed, rng::Purpose::Split, 0, 0};
  std::vector<std::int64_t> keep;
  for (double label : {-1.0, 1.0}) {
    std::vector<std::pair<double, std::int64_t>> keyed;
    for (std::int64_t i = 0; i < all.n; ++i)
      if (all.y[i] == label)
        keyed.emplace_back(rng::uniform(key, static_cast<std::uint64_t>(i)), i);
    std::sort(keyed.begin(), keyed.end());
    auto const count = static_cast<std::size_t>(std::llround(fraction * keyed.size()));
    for (std::size_t k = 0; k < count; ++k)
      keep.push_back(keyed[k].second);
  }
  std::sort(keep.begin(), keep.end());
  optim::LabelledRows r;
  r.d = all.d;
  r.n = static_cast<std::int64_t>(keep.size());
  for (auto i : keep) {
    r.x.insert(r.x.end(), all.x.begin() + i * all.d, all.x.begin() + (i + 1) * all.d);
    r.y.push_back(all.y[i]);
  }
  return r;
}

/// min x0^4/4 + x1^2 - x0 x1  s.t.  h = x0^2 + x1 - 1 = 0 (a nonconvex objective on a curved
/// constraint; minimizers satisfy 5 x0^3 + 3 x0^2 - 4 x0 - 1 = 0, x1 = 1 - x0^2).
optim::ConstrainedProblem almToy() {
  optim::ConstrainedProblem p;
  p.n_vars = 2;
  p.n_eq = 1;
  p.objective = [](Vec const& x, Vec& g) {
    g[0] = x[0] * x[0] * x[0] - x[1];
    g[1] = 2 * x[1] - x[0];
    return 0.25 * x[0] * x[0] * x[0] * x[0] + x[1] * x[1] - x[0] * x[1];
  };
  p.equality = [](Vec const& x, Vec& h) { h[0] = x[0] * x[0] + x[1] - 1; };
  p.equality_jacobian = [](Vec const& x, Vec& j) {
    j[0] = 2 * x[0];
    j[1] = 1.0;
  };
  return p;
}

/// The deck's problem: `problem` is what the loop sees (inequalities shifted by the schedule),
/// `target` the problem at the schedule's target (reference and certificate).
struct Built {
  optim::ConstrainedProblem problem, target;
  Vec x0;
  std::string description;
  double alpha = 0.0;       ///< resilient relaxation (dual weight decay 1/alpha); 0 = none
  bool unique = true;       ///< the reference solution is unique
  optim::LabelledRows rows; ///< svm_iris: the training rows
  double tolerance0 = 0.0;  ///< the schedule's target tolerance
  std::shared_ptr<std::int64_t> round = std::make_shared<std::int64_t>(0); ///< loop step
};

/// alpha of the resilient relaxation: cmp.resilient (feasible_learning), else 1 / dual.decay.
double resilienceOf(Deck const& deck, bool has_equalities) {
  double const r = deck.cmp.resilient, decay = deck.dual.decay;
  if (r > 0 && deck.cmp.problem != "feasible_learning")
    throw InputError(log::format("saddle::cmp: %s: key 'cmp.resilient' = %g applies to "
                                 "cmp.problem = \"feasible_learning\" only (here \"%s\")",
                                 deck.source().c_str(), r, deck.cmp.problem.c_str()));
  if (r > 0 && decay > 0 && std::fabs(decay * r - 1.0) > 1e-12)
    throw InputError(log::format("saddle::cmp: %s: key 'dual.decay' = %g contradicts "
                                 "cmp.resilient = %g, which sets the decay to 1/%g (leave "
                                 "dual.decay at 0)",
                                 deck.source().c_str(), decay, r, r));
  if (r == 0 && decay > 0 && has_equalities)
    throw InputError(log::format("saddle::cmp: %s: key 'dual.decay' = %g needs a problem "
                                 "without equality constraints (%s has some; allowed: 0)",
                                 deck.source().c_str(), decay, deck.cmp.problem.c_str()));
  return r > 0 ? r : (decay > 0 ? 1.0 / decay : 0.0);
}

/// The loop's inequalities g(x) <= eps(t): g + tolerance0 - eps(step), eps from [schedule].
void applySchedule(Built& b, Deck const& deck) {
  optim::ScheduleConfig cfg;
  cfg.kind = deck.schedule.kind;
  cfg.start = deck.schedule.start;
  cfg.target = b.tolerance0;
  cfg.rounds = deck.schedule.rounds;
  optim::ToleranceSchedule const schedule(cfg); // validates (InputError naming schedule.*)
  if (cfg.kind == "constant")
    return;
  if (b.problem.n_ineq == 0)
    throw InputError(log::format("saddle::cmp: %s: key 'schedule.kind' = \"%s\" needs "
                                 "inequality constraints (%s has none; allowed: \"constant\")",
                                 deck.source().c_str(), cfg.kind.c_str(),
                                 deck.cmp.problem.c_str()));
  b.description +=
      log::format("; constraint tolerance %s from %g to %g over %lld steps", cfg.kind.c_str(),
                  cfg.start, cfg.target, static_cast<long long>(cfg.rounds));
  auto const inner = b.problem.inequality;
  b.problem.inequality = [inner, schedule, round = b.round, t0 = b.tolerance0](Vec const& x,
                                                                               Vec& g) {
    inner(x, g);
    double const shift = t0 - schedule.value(*round);
    for (auto& v : g)
      v += shift;
  };
}

Built buildProblem(Deck const& deck) {
  Built b;
  auto const& c = deck.cmp;
  auto const path = (fs::path(deck.baseDir()) / c.path).string();
  if (c.problem == "svm_iris") {
    b.rows = stratified(irisPair(path, 0, 1), 0.7, deck.run.seed);
    b.target = optim::hardMarginSvmProblem(b.rows);
    b.description = log::format("hard-margin SVM on Iris setosa vs versicolor, %lld training "
                                "rows (70 %%, stratified), 4 standardized features",
                                static_cast<long long>(b.rows.n));
  } else if (c.problem == "feasible_learning") {
    bool const resilient = c.resilient > 0;
    auto const rows = resilient ? irisPair(path, 1, 2) : irisPair(path, 0, 1);
    b.target = optim::perSampleLossProblem(rows, c.epsilon);
    b.tolerance0 = c.epsilon;
    b.unique = resilient;
    b.description =
        log::format("Feasible Learning on Iris %s, %lld rows: logistic loss_i <= "
                    "%g for every sample%s",
                    resilient ? "versicolor vs virginica" : "setosa vs versicolor",
                    static_cast<long long>(rows.n), c.epsilon,
                    resilient ? log::format(", resilient (alpha = %g)", c.resilient).c_str() : "");
  } else {
    b.target = almToy();
    b.description = "toy min x0^4/4 + x1^2 - x0 x1 s.t. x0^2 + x1 - 1 = 0, from (1.5, 0)";
  }
  b.alpha = resilienceOf(deck, b.target.n_eq > 0);
  b.problem = b.target;
  b.x0.assign(static_cast<std::size_t>(b.target.n_vars), 0.0);
  if (c.problem == "alm_toy")
    b.x0 = {1.5, 0.0}; // h = 1.25; TAO's ALMM reaches the global minimizer from here
  applySchedule(b, deck);
  return b;
}

// ---- reference ---------------------------------------------------------------------------------

/// Solve m z = r (n x n, row-major) by Gaussian elimination with partial pivoting; false when
/// a pivot vanishes.
bool solveLinear(Vec m, Vec& r) {
  auto const n = r.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t i = c + 1; i < n; ++i)
      if (std::fabs(m[i * n + c]) > std::fabs(m[p * n + c]))
        p = i;
    if (!(std::fabs(m[p * n + c]) > 1e-14))
      return false;
    for (std::size_t k = 0; k < n; ++k)
      std::swap(m[c * n + k], m[p * n + k]);
    std::swap(r[c], r[p]);
    for (std::size_t i = 0; i < n; ++i) {
      double const f = i == c ? 0.0 : m[i * n + c] / m[c * n + c];
      for (std::size_t k = c; k < n && f != 0.0; ++k)
        m[i * n + k] -= f * m[c * n + k];
      r[i] -= f * r[c];
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    r[i] /= m[i * n + i];
  return true;
}

/// SVM KKT on the support set S of lambda (entries > 1e-6): w = sum_S lambda_i y_i x_i,
/// sum_S lambda_i y_i = 0, y_i (w . x_i + b) = 1 on S, a square linear system in
/// (w, b, lambda_S). Replaces (x, lambda) when it is solvable with lambda_S > 0.
void polishSvm(optim::LabelledRows const& r, Vec& x, Vec& lambda) {
  std::vector<std::size_t> s;
  for (std::size_t i = 0; i < lambda.size(); ++i)
    if (lambda[i] > 1e-6)
      s.push_back(i);
  auto const d = static_cast<std::size_t>(r.d), k = s.size(), n = d + 1 + k;
  Vec m(n * n, 0.0), z(n, 0.0);
  for (std::size_t a = 0; a < k; ++a) {
    double const y = r.y[s[a]];
    double const* xi = r.x.data() + s[a] * d;
    for (std::size_t j = 0; j < d; ++j) {
      m[j * n + d + 1 + a] = -y * xi[j];  // w_j - sum lambda_a y_a x_aj = 0
      m[(d + 1 + a) * n + j] = y * xi[j]; // y_a (w . x_a + b) = 1
    }
    m[d * n + d + 1 + a] = y; // sum lambda_a y_a = 0
    m[(d + 1 + a) * n + d] = y;
    z[d + 1 + a] = 1.0;
  }
  for (std::size_t j = 0; j < d; ++j)
    m[j * n + j] = 1.0;
  if (!solveLinear(m, z))
    return;
  for (std::size_t a = 0; a < k; ++a)
    if (!(z[d + 1 + a] > 0))
      return;
  x.assign(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(d + 1));
  std::fill(lambda.begin(), lambda.end(), 0.0);
  for (std::size_t a = 0; a < k; ++a)
    lambda[s[a]] = z[d + 1 + a];
}

struct Reference {
  bool available = false;
  Vec x, lambda;
  double objective = 0.0;
  std::string note;
  double seconds = 0.0;
};

/// x*, lambda* of the target problem (its resilient relaxation when alpha > 0) by TAO ALMM
/// (tolerance 1e-11, from x0), polished by the exact KKT solve for the SVM.
Reference solveReference(Built const& b) {
  Reference ref;
  if (!b.unique) {
    ref.note = "none (no objective: every feasible point solves the problem)";
    return ref;
  }
  if (!kHavePetsc) {
    ref.note = "skipped: PETSc disabled at build time (SADDLE_ENABLE_PETSC=OFF)";
    return ref;
  }
  auto const t0 = std::chrono::steady_clock::now();
  auto const p = b.alpha > 0 ? optim::resilientRelaxation(b.target, b.alpha) : b.target;
  linalg::AlmmOptions o;
  o.tolerance = 1e-11;
  Vec start = b.x0;
  start.resize(static_cast<std::size_t>(p.n_vars), 0.0);
  auto const tao = linalg::solveTaoAlmm(p, start, o);
  ref.available = true;
  ref.x.assign(tao.x.begin(), tao.x.begin() + b.target.n_vars);
  ref.lambda = tao.lambda;
  ref.note =
      log::format("PETSc/TAO ALMM, %lld iterations, %s%s", static_cast<long long>(tao.iterations),
                  tao.reason.c_str(), tao.converged ? "" : " (NOT converged)");
  if (!b.rows.x.empty() && b.alpha == 0) {
    polishSvm(b.rows, ref.x, ref.lambda);
    ref.note += ", polished by the exact KKT solve on the support vectors";
  }
  Vec grad(static_cast<std::size_t>(b.target.n_vars));
  ref.objective = b.target.evalObjective(ref.x, grad);
  ref.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return ref;
}

// ---- methods -----------------------------------------------------------------------------------

optim::DualConfig dualConfig(Deck const& deck, double alpha) {
  optim::DualConfig c = optim::dualConfigFromDeck(deck.dual);
  c.decay = {alpha > 0 ? 1.0 / alpha : 0.0};
  return c;
}

optim::GdaOptions gdaOptions(Deck const& deck, bool extragradient) {
  optim::GdaOptions o;
  o.order = optim::parseUpdateOrder(deck.optim.update_order, "optim.update_order");
  if (extragradient && o.order != optim::UpdateOrder::Extrapolation)
    throw InputError(log::format("saddle::cmp: %s: key 'dual.optimizer' = \"extragradient\" "
                                 "needs optim.update_order = \"extrapolation\" (here \"%s\")",
                                 deck.source().c_str(), deck.optim.update_order.c_str()));
  o.steps = deck.cmp.steps;
  o.dual_restarts = deck.dual.restarts;
  o.restart_margin = deck.dual.restart_margin;
  return o;
}

std::string methodText(Deck const& deck) {
  auto const& d = deck.dual;
  std::string dual = d.optimizer + log::format(" (lr %g", d.lr);
  if (d.optimizer == "nupi")
    dual += log::format(", K_P %g, K_I %g, nu %g, init %s", d.kp, d.ki, d.nu, d.init.c_str());
  if (d.optimizer == "optimistic")
    dual += log::format(", optimism %g", d.optimism);
  dual += ")";
  return log::format("primal %s (lr %g), dual ", deck.optim.primal.c_str(), deck.optim.lr) + dual +
         ", formulation " + deck.formulation.name +
         (deck.formulation.name == "lagrangian"
              ? ""
              : log::format(" (c %g)", deck.formulation.penalty)) +
         ", order " + deck.optim.update_order;
}
// ---- the loop's observer -----------------------------------------------------------------------

/// max(max_i g_i, max_j |h_j|): negative when every inequality holds strictly; NaN if any is.
double maxViolation(Vec const& c, std::int64_t n_ineq) {
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < c.size(); ++j) {
    double const v = static_cast<std::int64_t>(j) < n_ineq ? c[j] : std::fabs(c[j]);
    m = std::isnan(v) || v > m ? v : m; // NaN sticks: it never compares greater
  }
  return m;
}

bool allFinite(Vec const& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

double distance(Vec const& a, Vec const& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i)
    s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

/// min, max, mean of v (0 for an empty v).
std::array<double, 3> minMaxMean(Vec const& v) {
  if (v.empty())
    return {0.0, 0.0, 0.0};
  double sum = 0.0;
  for (double x : v)
    sum += x;
  auto const [lo, hi] = std::minmax_element(v.begin(), v.end());
  return {*lo, *hi, sum / static_cast<double>(v.size())};
}

/// Watches the loop: distances to the reference, the convergence and feasibility steps, a
/// fixed-column progress line every run.log_every steps (rank 0), one history.csv row per step.
class Observer {
public:
  Observer(Deck const& deck, Built const& b, Reference const& ref, bool multipliers)
      : _deck(deck), _b(b), _ref(ref), _multipliers(multipliers),
        _dense(b.problem.numConstraints() <= 4) {}

  /// Column names: of history.csv (csv) or of the progress lines.
  std::string header(bool csv) const {
    std::vector<std::string> cols = {"step", "objective", "max_violation"};
    if (csv || !_dense)
      cols.insert(cols.end(), {"lambda_min", "lambda_max", "lambda_mean"});
    for (std::int64_t j = 0; _dense && j < _b.problem.numConstraints(); ++j)
      cols.push_back("lambda_" + std::to_string(j));
    cols.insert(cols.end(), {"distance_x", "distance_lambda"});
    std::string out;
    for (std::size_t k = 0; k < cols.size(); ++k)
      out += csv ? (k ? "," : "") + cols[k] : log::format(k ? " %14s" : "%8s", cols[k].c_str());
    return out;
  }

  bool operator()(optim::GdaStep const& s) {
    *_b.round = s.step; // the schedule's next round
    double const viol = maxViolation(s.constraints, _b.problem.n_ineq);
    _dx = _ref.available ? distance(s.x, _ref.x) : kNaN;
    _dl = _ref.available && _multipliers ? distance(s.lambda, _ref.lambda) : kNaN;
    bool const near =
        _ref.available && _dx < _deck.cmp.tolerance && (!_multipliers || _dl < _deck.cmp.tolerance);
    if (!near)
      _last_far = s.step;
    if (!(std::max(viol, 0.0) <= _deck.cmp.tolerance))
      _last_infeasible = s.step;
    _steps = s.step;
    auto const st = minMaxMean(s.lambda);
    if (_history) {
      *_history << log::format("%lld,%.10g,%.6g,%.10g,%.10g,%.10g", static_cast<long long>(s.step),
                               s.objective, viol, st[0], st[1], st[2]);
      for (std::size_t j = 0; _dense && j < s.lambda.size(); ++j)
        *_history << log::format(",%.10g", s.lambda[j]);
      *_history << log::format(",%.6g,%.6g\n", _dx, _dl);
    }
    if (_comm && s.step % _deck.run.log_every == 0) {
      std::string line =
          log::format("%8lld %14.7g %14.4e", static_cast<long long>(s.step), s.objective, viol);
      Vec const shown = _dense ? s.lambda : Vec(st.begin(), st.end());
      for (double v : shown)
        line += log::format(" %14.7g", v);
      log::info(*_comm, line + log::format(" %14.4e %14.4e", _dx, _dl));
    }
    if (std::isfinite(s.objective) && allFinite(s.x) && allFinite(s.lambda))
      return true;
    _diverged = s.step; // stop: nothing more to learn from non-finite iterates
    return false;
  }

  void attach(std::ostream* history, mpi::Comm const* comm) {
    _history = history;
    _comm = comm;
  }
  std::int64_t divergedStep() const { return _diverged; }
  std::int64_t convergedStep() const {
    return _ref.available && _last_far < _steps ? _last_far + 1 : -1;
  }
  std::int64_t feasibleStep() const {
    return _last_infeasible < _steps ? _last_infeasible + 1 : -1;
  }

private:
  Deck const& _deck;
  Built const& _b;
  Reference const& _ref;
  bool _multipliers, _dense;
  std::ostream* _history = nullptr;
  mpi::Comm const* _comm = nullptr;
  double _dx = kNaN, _dl = kNaN;
  std::int64_t _last_far = 0, _last_infeasible = 0, _steps = 0, _diverged = -1;
};

// ---- certificate and outputs -------------------------------------------------------------------

/// KKT certificate of the final point: of the target problem, or of its resilient relaxation
/// at [x; s] with the slacks s = lambda / alpha (the fixed point of weight-decayed ascent).
linalg::KktCertificate certify(Built const& b, optim::GdaResult const& r) {
  if (b.alpha <= 0)
    return linalg::kktCertificate(b.target, r.x, r.lambda);
  Vec xs = r.x;
  for (std::int64_t i = 0; i < b.target.n_ineq; ++i)
    xs.push_back(r.lambda[i] / b.alpha);
  return linalg::kktCertificate(optim::resilientRelaxation(b.target, b.alpha), xs, r.lambda);
}

/// The figures of a finished run (the certificate included); times are left to the caller.
CmpSummary summarize(Built const& b, Reference const& ref, optim::GdaResult const& r,
                     Observer const& observer, bool multipliers) {
  CmpSummary s;
  s.steps = r.steps;
  s.n_vars = b.target.n_vars;
  s.n_constraints = b.target.numConstraints();
  Vec grad(static_cast<std::size_t>(s.n_vars)), c(static_cast<std::size_t>(s.n_constraints));
  s.objective = b.target.evalObjective(r.x, grad);
  b.target.evalConstraints(r.x, c);
  s.max_violation = maxViolation(c, b.target.n_ineq);
  auto const st = minMaxMean(r.lambda);
  s.lambda_min = st[0];
  s.lambda_max = st[1];
  s.lambda_mean = st[2];
  s.reference_available = ref.available;
  s.reference_objective = ref.objective;
  s.distance_x = ref.available ? distance(r.x, ref.x) : kNaN;
  s.distance_lambda = ref.available && multipliers ? distance(r.lambda, ref.lambda) : kNaN;
  s.converged_step = observer.convergedStep();
  s.feasible_step = observer.feasibleStep();
  s.diverged_step = observer.divergedStep();
  linalg::KktCertificate cert; // none for non-finite iterates
  cert.feasibility = cert.complementarity = cert.stationarity = cert.lagrangian_gradient = kNaN;
  if (s.diverged_step < 0 && kHavePetsc)
    cert = certify(b, r);
  s.kkt_feasibility = cert.feasibility;
  s.kkt_complementarity = cert.complementarity;
  s.kkt_stationarity = cert.stationarity;
  s.kkt_lagrangian_gradient = cert.lagrangian_gradient;
  s.reference_seconds = ref.seconds;
  return s;
}

std::string summaryText(Deck const& deck, CmpSummary const& s, Reference const& ref) {
  auto const step = [](std::int64_t k, char const* never) {
    return k < 0 ? std::string(never) : "step " + std::to_string(k);
  };
  std::string t =
      log::format("summary: %s, %lld steps, %lld variables, %lld constraints\n", s.problem.c_str(),
                  static_cast<long long>(s.steps), static_cast<long long>(s.n_vars),
                  static_cast<long long>(s.n_constraints));
  t += "  method          " + methodText(deck) + "\n";
  t += log::format("  objective       %.10g", s.objective) +
       (s.reference_available ? log::format(" (reference %.10g)\n", s.reference_objective)
                              : std::string("\n"));
  t += log::format("  max violation   %.4e (max_i g_i, max_j |h_j|%s)\n", s.max_violation,
                   deck.cmp.resilient > 0 || deck.dual.decay > 0
                       ? "; the relaxation allows g_i <= lambda_i / alpha"
                       : "");
  t += log::format("  multipliers     min %.6g, max %.6g, mean %.6g\n", s.lambda_min, s.lambda_max,
                   s.lambda_mean);
  t += "  reference       " + ref.note + "\n";
  if (s.reference_available) {
    t += log::format("  distance        ||x - x*|| = %.4e, ||lambda - lambda*|| = %.4e\n",
                     s.distance_x, s.distance_lambda);
    t += log::format("  converged       %s (both distances < %g from then on)\n",
                     step(s.converged_step, "no").c_str(), deck.cmp.tolerance);
  }
  t += log::format("  feasible        %s (violation <= %g from then on)\n",
                   step(s.feasible_step, "no").c_str(), deck.cmp.tolerance);
  if (s.diverged_step > 0)
    t += log::format("  DIVERGED        non-finite iterates at step %lld: the loop stopped\n",
                     static_cast<long long>(s.diverged_step));
  t += log::format("  KKT certificate feasibility %.3e, complementarity %.3e, stationarity "
                   "%.3e, ||grad L|| %.3e\n",
                   s.kkt_feasibility, s.kkt_complementarity, s.kkt_stationarity,
                   s.kkt_lagrangian_gradient);
  t += log::format("  time            reference %.3f s, loop %.3f s, total %.3f s\n",
                   s.reference_seconds, s.loop_seconds, s.wall_seconds);
  return t;
}

void writeSummary(fs::path const& dir, Deck const& deck, CmpSummary const& s,
                  std::string const& text) {
  std::ofstream(dir / "summary.txt") << text;
  std::ofstream(dir / "deck.toml") << deck.toToml();
  std::ofstream csv(dir / "summary.csv");
  auto const row = [&csv](char const* key, double v) { csv << log::format("%s,%.10g\n", key, v); };
  csv << "key,value\n";
  row("steps", static_cast<double>(s.steps));
  row("n_vars", static_cast<double>(s.n_vars));
  row("n_constraints", static_cast<double>(s.n_constraints));
  row("objective", s.objective);
  row("max_violation", s.max_violation);
  row("lambda_min", s.lambda_min);
  row("lambda_max", s.lambda_max);
  row("lambda_mean", s.lambda_mean);
  row("reference_available", s.reference_available ? 1.0 : 0.0);
  row("reference_objective", s.reference_available ? s.reference_objective : kNaN);
  row("distance_x", s.distance_x);
  row("distance_lambda", s.distance_lambda);
  row("converged", s.converged_step > 0 ? 1.0 : 0.0);
  row("converged_step", static_cast<double>(s.converged_step));
  row("feasible_step", static_cast<double>(s.feasible_step));
  row("diverged_step", static_cast<double>(s.diverged_step));
  row("kkt_feasibility", s.kkt_feasibility);
  row("kkt_complementarity", s.kkt_complementarity);
  row("kkt_stationarity", s.kkt_stationarity);
  row("kkt_lagrangian_gradient", s.kkt_lagrangian_gradient);
  row("reference_seconds", s.reference_seconds);
  row("loop_seconds", s.loop_seconds);
  row("wall_seconds", s.wall_seconds);
  if (!csv)
    throw IoError("saddle::cmp: could not write the summary files in " + dir.string());
}

/// run.output_dir, created (rank 0). Throws InputError when it cannot be created.
fs::path outputDir(Deck const& deck, mpi::Comm const& comm, bool write) {
  fs::path const dir(deck.run.output_dir);
  std::error_code ec;
  if (write && comm.rank() == 0 && !fs::create_directories(dir, ec) && ec)
    throw InputError("saddle::cmp: key 'run.output_dir' = \"" + deck.run.output_dir +
                     "\": cannot create the folder (" + ec.message() + ")");
  return dir;
}

} // namespace

Deck loadCmpDeck(CmpOptions const& options, mpi::Comm const& comm) {
  return Deck::fromFile(options.deck_path, comm, options.overrides);
}

CmpSummary runCmp(Deck const& deck, mpi::Comm const& comm, bool write_outputs, bool verbose) {
  auto const t0 = std::chrono::steady_clock::now();
  auto const seconds = [](auto a) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
  };
  petsc::Session const petsc_options(deck.petsc.options); // the deck's [petsc] options
  Built const b = buildProblem(deck);
  auto const ineq = b.problem.isInequality();
  auto dual = optim::makeDualOptimizer(dualConfig(deck, b.alpha), ineq);
  optim::Formulation formulation(optim::formulationConfigFromDeck(deck.formulation), ineq);
  optim::HostPrimalOptimizer primal({deck.optim.primal, deck.optim.lr, deck.optim.momentum});
  auto const options = gdaOptions(deck, dual->requiresExtrapolation());
  auto const dir = outputDir(deck, comm, write_outputs);
  bool const talk = verbose && comm.rank() == 0;
  if (talk) {
    log::info(comm, log::format("saddle-cmp %s (git %s), deck %s", kVersion, kGitHash,
                                deck.source().c_str()));
    log::info(comm, "problem: " + b.description);
    log::info(comm, "method: " + methodText(deck) +
                        log::format(", %lld steps", static_cast<long long>(options.steps)));
  }
  Reference const ref = solveReference(b);
  if (talk)
    log::info(comm, "reference: " + ref.note);
  std::ofstream history;
  if (write_outputs && comm.rank() == 0)
    history.open(dir / "history.csv");
  Observer observer(deck, b, ref, formulation.hasMultipliers());
  observer.attach(history.is_open() ? &history : nullptr, talk ? &comm : nullptr);
  if (history.is_open())
    history << observer.header(true) << "\n";
  if (talk)
    log::info(comm, observer.header(false));
  auto const t_loop = std::chrono::steady_clock::now();
  auto const r = optim::runGda(b.problem, b.x0, primal, *dual, formulation, options,
                               [&observer](optim::GdaStep const& s) { return observer(s); });
  double const loop_seconds = seconds(t_loop);
  CmpSummary s = summarize(b, ref, r, observer, formulation.hasMultipliers());
  s.problem = deck.cmp.problem;
  s.loop_seconds = loop_seconds;
  s.wall_seconds = seconds(t0);
  auto const text = summaryText(deck, s, ref);
  if (talk)
    log::info(comm, text.substr(0, text.size() - 1));
  if (write_outputs && comm.rank() == 0)
    writeSummary(dir, deck, s, text);
  return s;
}

int runCmpApp(CmpOptions const& options, mpi::Comm const& comm) {
  return runAgreed(comm, "saddle-cmp", [&](int& code, std::string& message) {
    Deck const deck = loadCmpDeck(options, comm);
    auto const s = runCmp(deck, comm, options.write_outputs, options.verbose);
    if (s.diverged_step > 0) {
      code = kExitRuntime;
      message = log::format("the iterates diverged (non-finite at step %lld; outputs written)",
                            static_cast<long long>(s.diverged_step));
    }
  });
}

} // namespace saddle
