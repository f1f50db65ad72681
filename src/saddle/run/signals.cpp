#include "saddle/run/signals.hpp"

#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace saddle {

namespace {
volatile std::sig_atomic_t g_stop_count = 0;

extern "C" void onStopSignal(int signal) {
  g_stop_count = g_stop_count + 1;
  if (g_stop_count >= 2)
    _exit(128 + signal); // a second signal: stop at once, async-signal-safe
}
} // namespace

void installStopHandlers() {
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; // interrupted system calls (MPI progress, I/O) resume
  sigaction(SIGUSR1, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool stopRequested() {
  return g_stop_count > 0;
}

void resetStopRequest() {
  g_stop_count = 0;
}

void testHookSignalAtRound(long long round) {
  static char const* const at = std::getenv("SADDLE_TEST_SIGNAL_AT_ROUND");
  if (at != nullptr && std::atoll(at) == round)
    std::raise(SIGUSR1);
}

} // namespace saddle
