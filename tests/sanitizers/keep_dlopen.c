// Keeps every shared object loaded, so that LeakSanitizer can name the module of leaks allocated by
// plugins (Open MPI dlcloses its mca_* components in MPI_Finalize). Test runs only.
int dlclose(void* handle) {
  (void)handle;
  return 0;
}
