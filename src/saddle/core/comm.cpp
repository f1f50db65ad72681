#include "saddle/core/comm.hpp"

#include <limits>

namespace saddle::mpi {

namespace {
int checkedCount(std::int64_t n) {
  SADDLE_REQUIRE(n >= 0 && n <= std::numeric_limits<int>::max(),
                 "saddle::mpi::Comm: message of " + std::to_string(n) + " elements is too long");
  return static_cast<int>(n);
}
} // namespace

Environment::Environment(int& argc, char**& argv) {
  int initialized = 0;
  SADDLE_MPI_CHECK(MPI_Initialized(&initialized));
  if (initialized)
    return;
  int provided = 0;
  SADDLE_MPI_CHECK(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided));
  _owns = true;
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (_owns && !finalized)
    MPI_Finalize();
}

int worldRank() noexcept {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  int rank = 0;
  if (initialized && !finalized)
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

Comm::Comm(MPI_Comm comm) {
  auto* dup = new MPI_Comm(MPI_COMM_NULL);
  _comm = std::shared_ptr<MPI_Comm>(dup, [](MPI_Comm* c) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && *c != MPI_COMM_NULL)
      MPI_Comm_free(c);
    delete c;
  });
  SADDLE_MPI_CHECK(MPI_Comm_dup(comm, dup));
  SADDLE_MPI_CHECK(MPI_Comm_set_errhandler(*dup, MPI_ERRORS_RETURN));
  SADDLE_MPI_CHECK(MPI_Comm_rank(*dup, &_rank));
  SADDLE_MPI_CHECK(MPI_Comm_size(*dup, &_size));
}

void Comm::allreduceSum(double* data, std::int64_t n) const {
  SADDLE_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, data, checkedCount(n), MPI_DOUBLE, MPI_SUM, *_comm));
}

void Comm::allreduceSum(std::int64_t* data, std::int64_t n) const {
  SADDLE_MPI_CHECK(
      MPI_Allreduce(MPI_IN_PLACE, data, checkedCount(n), MPI_INT64_T, MPI_SUM, *_comm));
}

double Comm::allreduceMax(double value) const {
  SADDLE_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, *_comm));
  return value;
}

std::int64_t Comm::allreduceMax(std::int64_t value) const {
  SADDLE_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, *_comm));
  return value;
}

std::int64_t Comm::exscanSum(std::int64_t value) const {
  std::int64_t result = 0;
  SADDLE_MPI_CHECK(MPI_Exscan(&value, &result, 1, MPI_INT64_T, MPI_SUM, *_comm));
  return _rank == 0 ? 0 : result; // MPI leaves rank 0's result undefined
}

void Comm::broadcast(std::string& text, int root) const {
  auto length = static_cast<std::int64_t>(text.size());
  SADDLE_MPI_CHECK(MPI_Bcast(&length, 1, MPI_INT64_T, root, *_comm));
  text.resize(static_cast<std::size_t>(length));
  if (length > 0)
    SADDLE_MPI_CHECK(MPI_Bcast(text.data(), checkedCount(length), MPI_CHAR, root, *_comm));
}

bool Comm::anyFailed(bool local_failed) const {
  int flag = local_failed ? 1 : 0;
  SADDLE_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX, *_comm));
  return flag != 0;
}

void Comm::barrier() const {
  SADDLE_MPI_CHECK(MPI_Barrier(*_comm));
}

} // namespace saddle::mpi
