#pragma once
/// saddle's exception hierarchy. Host code throws; only drivers turn an exception into an exit
/// code (InputError -> 2, anything else -> 1) or MPI_Abort.
#include <stdexcept>
#include <string>

namespace saddle {

/// Base of every saddle error. Messages read "saddle::<Where>: <what> (<values>)".
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Bad input from the user: deck, data file, checkpoint or command line. Exit code 2.
class InputError : public Error {
public:
  using Error::Error;
};

/// A failed MPI call.
class MpiError : public Error {
public:
  MpiError(char const* call, int code, char const* file, int line);
  int code() const noexcept { return _code; }

private:
  int _code;
};

/// A failed file operation (HDF5, CSV output, ...).
class IoError : public Error {
public:
  using Error::Error;
};

namespace detail {
[[noreturn]] void throwRequire(char const* cond, std::string const& msg, char const* file,
                               int line);
} // namespace detail

} // namespace saddle

/// Cheap precondition, always on: throws saddle::Error naming the condition and file:line.
#define SADDLE_REQUIRE(cond, msg)                                                                  \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      ::saddle::detail::throwRequire(#cond, (msg), __FILE__, __LINE__);                            \
  } while (false)
