#pragma once
/// RAII over MPI: the environment (init/finalize) and a duplicated communicator with checked
/// calls. MPI is called only here and in federated/; every other layer talks to a Comm.
#include "saddle/core/error.hpp"

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>

/// Check an MPI return code; throws saddle::MpiError naming the call and file:line.
#define SADDLE_MPI_CHECK(call)                                                                     \
  do {                                                                                             \
    if (int const ec_ = (call); ec_ != MPI_SUCCESS)                                                \
      throw ::saddle::MpiError(#call, ec_, __FILE__, __LINE__);                                    \
  } while (false)

namespace saddle::mpi {

/// Initializes MPI (MPI_THREAD_FUNNELED) on construction and finalizes it on destruction,
/// unless MPI was already initialized by someone else. Non-copyable; create one, first, in main.
class Environment {
public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(Environment const&) = delete;
  Environment& operator=(Environment const&) = delete;

private:
  bool _owns = false;
};

/// Rank in MPI_COMM_WORLD, or 0 before MPI_Init / after MPI_Finalize (for error messages).
int worldRank() noexcept;

/// A duplicated communicator, freed by the last copy. Errors return (MPI_ERRORS_RETURN) and
/// are turned into MpiError by SADDLE_MPI_CHECK. All methods that communicate are collective.
class Comm {
public:
  /// Duplicates `comm`. Collective on `comm`.
  explicit Comm(MPI_Comm comm);
  /// A communicator of MPI_COMM_SELF (rank 0 of 1), for serial tests and tools.
  static Comm self() { return Comm(MPI_COMM_SELF); }

  int rank() const noexcept { return _rank; }
  int size() const noexcept { return _size; }
  MPI_Comm raw() const noexcept { return *_comm; }

  /// In-place elementwise sum of `n` doubles over all ranks. Collective.
  void allreduceSum(double* data, std::int64_t n) const;
  /// In-place elementwise sum of `n` int64 over all ranks. Collective.
  void allreduceSum(std::int64_t* data, std::int64_t n) const;
  /// Maximum of one value over all ranks. Collective.
  double allreduceMax(double value) const;
  std::int64_t allreduceMax(std::int64_t value) const;
  /// Exclusive prefix sum over ranks (0 on rank 0). Collective.
  std::int64_t exscanSum(std::int64_t value) const;
  /// Broadcast a string from `root` to every rank. Collective.
  void broadcast(std::string& text, int root = 0) const;
  /// True on every rank if `local_failed` is true on any rank. Collective: call it on every
  /// code path, error paths included, so that all ranks agree before acting on a failure.
  bool anyFailed(bool local_failed) const;
  void barrier() const;

private:
  std::shared_ptr<MPI_Comm> _comm;
  int _rank = 0;
  int _size = 1;
};

} // namespace saddle::mpi
