#pragma once
/// PETSc for saddle: an RAII session and PETSc's error type. PETSc is called only in
/// src/saddle/linalg; this header does not include PETSc, so users of linalg need not see it.
#include "saddle/core/error.hpp"

#include <string>

namespace saddle::petsc {

/// A failed PETSc call: the call, PETSc's error code and message, and the first message of the
/// PETSc error stack (for a failed callback: what the callback threw).
class PetscError : public Error {
public:
  PetscError(std::string const& what, int code) : Error(what), _code(code) {}
  int code() const noexcept { return _code; }

private:
  int _code;
};

/// Initializes PETSc on MPI_COMM_WORLD unless it is already initialized, in the order of
/// DESIGN.md (MPI, then Kokkos, then PETSc): MPI must already be initialized
/// (saddle::mpi::Environment), so that PETSc never finalizes MPI, and PETSc does not own
/// Kokkos either. Sessions nest: the first one that initialized PETSc finalizes it when the
/// last live session ends; a session created while someone else initialized PETSc only
/// borrows it. PETSc cannot be initialized again once finalized (PETSc 3.18 loses its TAO
/// solver registry): keep one Session for the program's lifetime (a driver's main, a test
/// program's global environment); a Session after that throws Error. PETSc's signal handlers are
/// not installed (saddle's drivers and tests own signals). Collective on MPI_COMM_WORLD when it
/// initializes or finalizes PETSc.
class Session {
public:
  /// `options`: a PETSc options string ("-saddle_almm_tao_monitor ...") inserted into PETSc's
  /// database (the deck's [petsc] options). Throws PetscError if PETSc cannot start, Error if
  /// MPI was not initialized first.
  explicit Session(std::string const& options = "");
  ~Session();
  Session(Session const&) = delete;
  Session& operator=(Session const&) = delete;

  /// True if this process's PETSc is initialized (by a Session or anybody else).
  static bool active();
};

} // namespace saddle::petsc
