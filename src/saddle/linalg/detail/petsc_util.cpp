#include "saddle/linalg/detail/petsc_check.hpp"

#include <numeric>

namespace saddle::petsc::detail {

void toStd(Vec v, std::vector<double>& out) {
  PetscInt n = 0;
  SADDLE_PETSC_CHECK(VecGetLocalSize(v, &n));
  out.resize(static_cast<std::size_t>(n));
  PetscScalar const* a = nullptr;
  SADDLE_PETSC_CHECK(VecGetArrayRead(v, &a));
  std::copy(a, a + n, out.begin());
  SADDLE_PETSC_CHECK(VecRestoreArrayRead(v, &a));
}

void fromStd(std::vector<double> const& in, Vec v) {
  PetscInt n = 0;
  SADDLE_PETSC_CHECK(VecGetLocalSize(v, &n));
  SADDLE_REQUIRE(static_cast<std::size_t>(n) == in.size(), "saddle::petsc: vector size differs");
  PetscScalar* a = nullptr;
  SADDLE_PETSC_CHECK(VecGetArray(v, &a));
  std::copy(in.begin(), in.end(), a);
  SADDLE_PETSC_CHECK(VecRestoreArray(v, &a));
}

void makeVec(std::int64_t n, double value, Vec* out) {
  SADDLE_PETSC_CHECK(VecCreateSeq(PETSC_COMM_SELF, static_cast<PetscInt>(n), out));
  SADDLE_PETSC_CHECK(VecSet(*out, value));
}

void setDense(Mat m, std::vector<double> const& row_major, std::int64_t rows, std::int64_t cols,
              double scale) {
  std::vector<PetscInt> r(static_cast<std::size_t>(rows)), c(static_cast<std::size_t>(cols));
  std::iota(r.begin(), r.end(), 0);
  std::iota(c.begin(), c.end(), 0);
  std::vector<PetscScalar> v(row_major.begin(), row_major.end());
  for (auto& x : v)
    x *= scale;
  SADDLE_PETSC_CHECK(MatSetValues(m, static_cast<PetscInt>(rows), r.data(),
                                  static_cast<PetscInt>(cols), c.data(), v.data(), INSERT_VALUES));
  SADDLE_PETSC_CHECK(MatAssemblyBegin(m, MAT_FINAL_ASSEMBLY));
  SADDLE_PETSC_CHECK(MatAssemblyEnd(m, MAT_FINAL_ASSEMBLY));
}

} // namespace saddle::petsc::detail
