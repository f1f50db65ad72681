#include "saddle/linalg/petsc_session.hpp"

#include "saddle/linalg/detail/petsc_check.hpp"

#include <cfenv>
#include <string>

namespace saddle::petsc {

namespace {
int s_sessions = 0;              // live Session objects
bool s_initialized_here = false; // PETSc was initialized by a Session (which then finalizes)
std::string s_first_error;       // first message of the current PETSc error stack (inside a Guard)
bool s_have_error = false;

PetscErrorCode recordError(MPI_Comm, int line, char const* func, char const* file,
                           PetscErrorCode code, PetscErrorType type, char const* mess, void*) {
  if (type == PETSC_ERROR_INITIAL && !s_have_error) {
    s_first_error = std::string(func ? func : "?") + "() at " + (file ? file : "?") + ":" +
                    std::to_string(line) + ": " + (mess ? mess : "");
    s_have_error = true;
  }
  return code;
}
} // namespace

namespace detail {

void throwPetscError(char const* expr, PetscErrorCode code, char const* file, int line) {
  char const* text = nullptr;
  PetscErrorMessage(static_cast<int>(code), &text, nullptr);
  std::string what = "saddle::petsc: " + std::string(expr) + " failed at " + file + ":" +
                     std::to_string(line) + ": PETSc error " + std::to_string(code) + " (" +
                     (text ? text : "unknown") + ")";
  if (s_have_error)
    what += ": " + s_first_error;
  s_have_error = false;
  throw PetscError(what, static_cast<int>(code));
}

FpTrapGuard::FpTrapGuard() {
#if defined(__GLIBC__)
  _saved_traps = fegetexcept();
  fedisableexcept(FE_ALL_EXCEPT);
#endif
}

FpTrapGuard::~FpTrapGuard() {
  std::feclearexcept(FE_ALL_EXCEPT);
#if defined(__GLIBC__)
  feenableexcept(_saved_traps);
#endif
}

Guard::Guard() {
  s_have_error = false;
  _pushed = PetscPushErrorHandler(recordError, nullptr) == 0;
}

Guard::~Guard() {
  if (_pushed)
    PetscPopErrorHandler();
}

} // namespace detail

Session::Session(std::string const& options) {
  PetscBool initialized = PETSC_FALSE;
  SADDLE_PETSC_CHECK(PetscInitialized(&initialized));
  if (!initialized) {
    PetscBool finalized = PETSC_FALSE;
    SADDLE_PETSC_CHECK(PetscFinalized(&finalized));
    if (finalized)
      throw Error("saddle::petsc::Session: PETSc was already finalized in this process and "
                  "cannot be initialized again (PETSc 3.18 then loses its TAO solver registry): "
                  "keep one Session alive for the program's lifetime");
    detail::FpTrapGuard traps;
    // no PETSc signal handlers: saddle's drivers and test mains own SIGFPE, SIGSEGV, ...
    SADDLE_PETSC_CHECK(PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr));
    SADDLE_PETSC_CHECK(PetscInitializeNoArguments());
    s_initialized_here = true;
    if (PetscBeganMPI) {
      PetscFinalize();
      s_initialized_here = false;
      throw Error("saddle::petsc::Session: MPI was not initialized before PETSc (create the "
                  "saddle::mpi::Environment first)");
    }
  }
  ++s_sessions;
  if (!options.empty()) {
    detail::Guard guard;
    SADDLE_PETSC_CHECK(PetscOptionsInsertString(nullptr, options.c_str()));
  }
}

Session::~Session() {
  if (--s_sessions == 0 && s_initialized_here) {
    detail::FpTrapGuard traps;
    PetscFinalize(); // a destructor does not throw; PETSc prints its own error, if any
    s_initialized_here = false;
  }
}

bool Session::active() {
  PetscBool initialized = PETSC_FALSE;
  PetscInitialized(&initialized);
  return initialized == PETSC_TRUE;
}

} // namespace saddle::petsc
