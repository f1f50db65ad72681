#pragma once
/// Internal to src/saddle/linalg: checked PETSc calls, error capture and floating-point trap
/// control around PETSc.
#include "saddle/linalg/petsc_session.hpp"

#include <petscmat.h>
#include <petscsys.h>
#include <petsctao.h>
#include <petscvec.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace saddle::petsc::detail {

/// Throw PetscError for a failed call `expr` (PETSc error code `code`) at file:line.
[[noreturn]] void throwPetscError(char const* expr, PetscErrorCode code, char const* file,
                                  int line);

/// Floating-point traps off for the lifetime of the object (PETSc's solvers may form inf or
/// NaN internally; saddle's test mains trap FE_INVALID on the host); restores the previous
/// trap mask, with the flags cleared, on destruction. Nests.
class FpTrapGuard {
public:
  FpTrapGuard();
  ~FpTrapGuard();
  FpTrapGuard(FpTrapGuard const&) = delete;
  FpTrapGuard& operator=(FpTrapGuard const&) = delete;

private:
  int _saved_traps = 0;
};

/// Around PETSc calls (PETSc initialized): traps off, and PETSc errors recorded (the first
/// message of the error stack, for throwPetscError) instead of printed. Nests.
class Guard {
public:
  Guard();
  ~Guard();
  Guard(Guard const&) = delete;
  Guard& operator=(Guard const&) = delete;

private:
  FpTrapGuard _traps;
  bool _pushed = false;
};

} // namespace saddle::petsc::detail

/// Check a PETSc return code; throws saddle::petsc::PetscError with PetscErrorMessage text and
/// the first message of PETSc's error stack.
#define SADDLE_PETSC_CHECK(expr)                                                                   \
  do {                                                                                             \
    if (PetscErrorCode const ierr_ = (expr); ierr_ != 0)                                           \
      ::saddle::petsc::detail::throwPetscError(#expr, ierr_, __FILE__, __LINE__);                  \
  } while (false)

/// Body of a PETSc callback: PetscFunctionBeginUser; run the statements (which may throw); an
/// exception becomes a PETSc error (SETERRQ, PETSC_ERR_USER) naming `where`.
#define SADDLE_PETSC_CALLBACK(where, ...)                                                          \
  PetscFunctionBeginUser;                                                                          \
  try {                                                                                            \
    __VA_ARGS__                                                                                    \
  } catch (std::exception const& e_) {                                                             \
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: %s", where, e_.what());                          \
  } catch (...) {                                                                                  \
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: unknown exception", where);                      \
  }                                                                                                \
  PetscFunctionReturn(0)

namespace saddle::petsc::detail {

/// Owner of one PETSc object, destroyed (unchecked: destructors do not throw) at scope exit.
template <class T, PetscErrorCode (*Destroy)(T*)> class Handle {
public:
  Handle() = default;
  ~Handle() {
    if (_obj)
      Destroy(&_obj);
  }
  Handle(Handle const&) = delete;
  Handle& operator=(Handle const&) = delete;
  T* operator&() { return &_obj; }
  operator T() const { return _obj; }
  T get() const { return _obj; }

private:
  T _obj = nullptr;
};

using VecHandle = Handle<Vec, VecDestroy>;
using MatHandle = Handle<Mat, MatDestroy>;
using TaoHandle = Handle<Tao, TaoDestroy>;

/// Copy a sequential Vec into a std::vector (resized).
void toStd(Vec v, std::vector<double>& out);
/// Copy a std::vector into a sequential Vec of the same size.
void fromStd(std::vector<double> const& in, Vec v);
/// A sequential Vec of `n` entries set to `value`.
void makeVec(std::int64_t n, double value, Vec* out);
/// Overwrite a sequential dense Mat [rows][cols] from a row-major array, scaled, and assemble.
void setDense(Mat m, std::vector<double> const& row_major, std::int64_t rows, std::int64_t cols,
              double scale);

} // namespace saddle::petsc::detail
