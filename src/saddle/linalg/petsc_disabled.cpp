// linalg/ in a build without PETSc (SADDLE_ENABLE_PETSC=OFF, issue 8): the API links, no
// PETSc is loaded. Sessions do nothing and report PETSc inactive; the TAO reference solver and
// the KKT certificate throw saddle::Error saying that PETSc was disabled at build time. Callers
// that can do without them test SADDLE_HAVE_PETSC (exported by saddle::saddle when ON).
#include "saddle/core/error.hpp"
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/linalg/tao_almm.hpp"

#include <algorithm>
#include <string>

namespace saddle {

namespace {
[[noreturn]] void disabled(char const* what) {
  throw Error(std::string("saddle::linalg::") + what +
              ": PETSc disabled at build time (configure with -DSADDLE_ENABLE_PETSC=ON)");
}
} // namespace

namespace petsc {

Session::Session(std::string const& /*options*/) {}

Session::~Session() = default;

bool Session::active() {
  return false;
}

} // namespace petsc

namespace linalg {

double KktCertificate::worst() const {
  return std::max({feasibility, complementarity, stationarity});
}

KktCertificate kktCertificate(std::vector<double> const&, std::vector<double> const&,
                              std::vector<double> const&, std::vector<bool> const&,
                              std::vector<double> const&, KktOptions const&) {
  disabled("kktCertificate");
}

KktCertificate kktCertificate(optim::ConstrainedProblem const&, std::vector<double> const&,
                              std::vector<double> const&, KktOptions const&) {
  disabled("kktCertificate");
}

std::vector<double> fitMultipliers(std::vector<double> const&, std::vector<double> const&,
                                   std::vector<bool> const&, std::vector<bool> const&,
                                   KktOptions const&, std::string*) {
  disabled("fitMultipliers");
}

double lagrangianGradientNorm(std::vector<double> const&, std::vector<double> const&,
                              std::vector<double> const&) {
  disabled("lagrangianGradientNorm");
}

AlmmResult solveTaoAlmm(optim::ConstrainedProblem const&, std::vector<double> const&,
                        AlmmOptions const&) {
  disabled("solveTaoAlmm");
}

} // namespace linalg

} // namespace saddle
