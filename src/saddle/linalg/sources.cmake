# PETSc for saddle (issue 3): session, checked calls, TAO ALMM reference solver, KKT certificate.
# PETSc is called only in these files. SADDLE_ENABLE_PETSC=OFF (issue 8) builds none of them:
# petsc_disabled.cpp then keeps the linalg API linkable and says "PETSc disabled at build time".
if(SADDLE_ENABLE_PETSC)
  target_sources(saddle PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/detail/petsc_util.cpp
    ${CMAKE_CURRENT_LIST_DIR}/kkt.cpp
    ${CMAKE_CURRENT_LIST_DIR}/petsc_session.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tao_almm.cpp
  )
  target_link_libraries(saddle PRIVATE PkgConfig::PETSc)
  target_compile_definitions(saddle PUBLIC SADDLE_HAVE_PETSC)
else()
  target_sources(saddle PRIVATE ${CMAKE_CURRENT_LIST_DIR}/petsc_disabled.cpp)
endif()
# Ridge reference of least-squares runs (issue 6): KSP with PETSc, host Cholesky without.
target_sources(saddle PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ridge.cpp)
