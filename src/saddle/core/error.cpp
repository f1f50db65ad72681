#include "saddle/core/error.hpp"

#include <mpi.h>

namespace saddle {

namespace {
std::string mpiErrorText(char const* call, int code, char const* file, int line) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS)
    len = 0;
  return "saddle::mpi: " + std::string(call) + " failed with code " + std::to_string(code) + " (" +
         std::string(text, static_cast<std::size_t>(len)) + ") at " + file + ":" +
         std::to_string(line);
}
} // namespace

MpiError::MpiError(char const* call, int code, char const* file, int line)
    : Error(mpiErrorText(call, code, file, line)), _code(code) {}

namespace detail {
void throwRequire(char const* cond, std::string const& msg, char const* file, int line) {
  throw Error("saddle: " + msg + " (requirement '" + cond + "' failed at " + file + ":" +
              std::to_string(line) + ")");
}
} // namespace detail

} // namespace saddle
