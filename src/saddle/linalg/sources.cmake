# PETSc for saddle (issue 3): session, checked calls, TAO ALMM reference solver, KKT certificate.
# PETSc is called only in these files.
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/detail/petsc_util.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kkt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/petsc_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tao_almm.cpp
)
