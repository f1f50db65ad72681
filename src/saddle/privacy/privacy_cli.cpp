#include "saddle/privacy/privacy_cli.hpp"

#include "saddle/core/error.hpp"
#include "saddle/privacy/calibration.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/pld.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>

namespace saddle {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInput = 2;

/// Every value the command line may set (defaults: unset = NaN / 0, checked after parsing).
struct CliValues {
  double sigma = -1.0;
  double q = -1.0;
  std::int64_t steps = 0;
  double epochs = -1.0;
  double delta = -1.0;
  double epsilon = -1.0;
  double tolerance = 1e-6;
  double interval = 1e-4;
  std::string accountant = "rdp";
};

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// InputError("--<name> = <value> is out of range (allowed: <allowed>)") unless ok.
void require(bool ok, std::string const& name, std::string const& value,
             std::string const& allowed) {
  if (!ok)
    throw InputError("--" + name + " = " + value + " is out of range (allowed: " + allowed + ")");
}

/// Range checks shared by both subcommands (NaN fails every comparison below).
void checkCommon(CliValues const& v) {
  require(!std::isnan(v.q) && v.q > 0.0 && v.q <= 1.0, "q", fmt(v.q), "0 < q <= 1");
  require(!std::isnan(v.delta) && v.delta > 0.0 && v.delta < 1.0, "delta", fmt(v.delta),
          "0 < delta < 1");
  require(!std::isnan(v.interval) && v.interval > 0.0 && v.interval <= 1.0, "interval",
          fmt(v.interval), "0 < interval <= 1");
  accountantFromName(v.accountant, "--accountant");
}

int runEpsilon(CliValues const& v, std::ostream& out, std::ostream& err) {
  require(!std::isnan(v.sigma) && v.sigma >= 0.0 && std::isfinite(v.sigma), "sigma", fmt(v.sigma),
          "0 <= sigma < inf");
  require(v.steps >= 1, "steps", std::to_string(v.steps), "an integer >= 1");
  checkCommon(v);
  out << "accountant = " << v.accountant << "\n";
  if (accountantFromName(v.accountant) == Accountant::Rdp) {
    PrivacyLedger ledger;
    ledger.compose(v.q, v.sigma, v.steps);
    RdpEpsilon const e = ledger.epsilon(v.delta);
    out << "epsilon = " << fmt(e.epsilon) << "\ndelta = " << fmt(v.delta)
        << "\nbest_order = " << fmt(e.best_order) << "\n";
    if (e.at_grid_edge)
      err << "saddle-privacy: warning: the best order " << fmt(e.best_order)
          << " is at the edge of the order grid; epsilon may be loose\n";
    return kExitOk;
  }
  PldOptions options;
  options.interval = v.interval;
  PrivacyLossDistribution const pld({MechanismEntry{v.q, v.sigma, v.steps}}, options);
  double const eps = pld.epsilon(v.delta);
  out << "epsilon = " << fmt(eps) << "\ndelta = " << fmt(v.delta)
      << "\nepsilon_error_bound = " << fmt(pld.epsilonErrorBound())
      << "\ndelta_error_bound = " << fmt(pld.deltaErrorBound()) << "\n";
  PrivacyLedger rdp;
  rdp.compose(v.q, v.sigma, v.steps);
  double const rdp_eps = rdp.epsilon(v.delta).epsilon;
  if (eps > rdp_eps)
    err << "saddle-privacy: warning: the PLD grid is too coarse for this mechanism: the RDP "
           "epsilon "
        << fmt(rdp_eps) << " is smaller (both are upper bounds); use a smaller --interval\n";
  return kExitOk;
}

int runSigma(CliValues const& v, bool has_epochs, std::ostream& out) {
  require(!std::isnan(v.epsilon) && v.epsilon > 0.0 && std::isfinite(v.epsilon), "epsilon",
          fmt(v.epsilon), "0 < epsilon < inf");
  checkCommon(v);
  if (has_epochs)
    require(!std::isnan(v.epochs) && v.epochs > 0.0 && v.epochs / v.q <= 1e15, "epochs",
            fmt(v.epochs), "0 < epochs, epochs / q <= 1e15");
  else
    require(v.steps >= 1, "steps", std::to_string(v.steps), "an integer >= 1");
  require(!std::isnan(v.tolerance) && v.tolerance > 0.0 && v.tolerance < 0.5, "tolerance",
          fmt(v.tolerance), "0 < tolerance < 0.5");
  std::int64_t const steps = has_epochs ? stepsFromEpochs(v.epochs, v.q) : v.steps;
  CalibrationOptions options;
  options.sigma_rtol = v.tolerance;
  options.pld.interval = v.interval;
  Accountant const accountant = accountantFromName(v.accountant);
  double const sigma = calibrateSigma(v.epsilon, v.delta, v.q, steps, accountant, options);
  out << "accountant = " << v.accountant << "\nsigma = " << fmt(sigma)
      << "\nepsilon = " << fmt(accountedEpsilon(sigma, v.q, steps, v.delta, accountant, options))
      << "\ndelta = " << fmt(v.delta) << "\nsteps = " << steps
      << "\ntolerance = " << fmt(v.tolerance) << "\n";
  return kExitOk;
}

void addCommonOptions(CLI::App& cmd, CliValues& v) {
  cmd.add_option("--q", v.q, "Poisson sampling rate per step, 0 < q <= 1")->required();
  cmd.add_option("--delta", v.delta, "target delta, 0 < delta < 1")->required();
  cmd.add_option("--accountant", v.accountant,
                 "rdp (Renyi DP, Opacus-compatible) or pld (privacy loss distribution, tighter)")
      ->capture_default_str();
  cmd.add_option("--interval", v.interval, "PLD loss-grid spacing (error <= steps * interval)")
      ->capture_default_str();
}

/// The subcommands and the options whose presence decides what runs.
struct CliParts {
  CLI::App* epsilon = nullptr;
  CLI::App* sigma = nullptr;
  CLI::Option* steps = nullptr; ///< of `sigma`
  CLI::Option* epochs = nullptr;
};

CliParts configure(CLI::App& app, CliValues& v) {
  app.require_subcommand(1);
  app.footer("Usage:\n  saddle-privacy epsilon --sigma S --q Q --steps T --delta D [--accountant "
             "rdp|pld]\n"
             "  saddle-privacy sigma --epsilon E --q Q (--steps T | --epochs N) --delta D "
             "[--accountant rdp|pld]\nOutput: 'key = value' lines. Exit codes: 0 ok, 2 bad input, "
             "1 failure.\nSee 'saddle-privacy epsilon --help' and 'saddle-privacy sigma --help'.");
  CliParts p;
  p.epsilon = app.add_subcommand("epsilon", "epsilon spent by T steps with noise sigma");
  p.epsilon->add_option("--sigma", v.sigma, "noise multiplier (std / sensitivity), >= 0")
      ->required();
  p.epsilon->add_option("--steps", v.steps, "number of steps, >= 1")->required();
  addCommonOptions(*p.epsilon, v);
  p.sigma = app.add_subcommand("sigma", "smallest noise multiplier reaching (epsilon, delta)");
  p.sigma->add_option("--epsilon", v.epsilon, "target epsilon, > 0")->required();
  p.steps = p.sigma->add_option("--steps", v.steps, "number of steps, >= 1");
  p.epochs = p.sigma->add_option("--epochs", v.epochs, "epochs (steps = ceil(epochs / q))");
  p.steps->excludes(p.epochs);
  p.epochs->excludes(p.steps);
  p.sigma->add_option("--tolerance", v.tolerance, "relative tolerance on sigma (rounded up)")
      ->capture_default_str();
  addCommonOptions(*p.sigma, v);
  return p;
}

} // namespace

int runPrivacyCli(int argc, char const* const* argv, std::ostream& out, std::ostream& err) {
  CliValues v;
  CLI::App app{"saddle-privacy: differential-privacy accounting of the Poisson-subsampled "
               "Gaussian mechanism (DP-SGD): epsilon for a noise multiplier, or the noise "
               "multiplier for a target epsilon."};
  CliParts const p = configure(app, v);
  try {
    app.parse(argc, argv);
    if (p.sigma->parsed() && p.steps->count() == 0 && p.epochs->count() == 0)
      throw InputError("one of --steps or --epochs is required");
    return p.epsilon->parsed() ? runEpsilon(v, out, err) : runSigma(v, p.epochs->count() > 0, out);
  } catch (CLI::CallForHelp const& e) {
    app.exit(e, out, err);
    return kExitOk;
  } catch (CLI::ParseError const& e) {
    err << "saddle-privacy: error: " << e.what() << "\n(see saddle-privacy --help)\n";
    return kExitInput;
  } catch (InputError const& e) {
    err << "saddle-privacy: error: " << e.what() << "\n";
    return kExitInput;
  }
}

} // namespace saddle
