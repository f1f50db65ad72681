#pragma once
/// Stop requests from the batch system. SLURM sends SIGTERM (or the signal of
/// `--signal=B:USR1@<seconds>`) before a job's wall time: the first SIGUSR1 or SIGTERM asks the
/// run to finish its round, write a checkpoint and exit with kExitInterrupted; a second one
/// ends the process at once (status 128 + signal). The handler only sets a flag; ranks agree
/// on a stop through the round's aggregation buffer, so no rank stops alone.
namespace saddle {

/// Install the handlers (idempotent). Not collective.
void installStopHandlers();
/// True once a stop signal was received by this process.
bool stopRequested();
/// For tests: clear the flag and the count.
void resetStopRequest();
/// Test hook: when the environment variable SADDLE_TEST_SIGNAL_AT_ROUND is k and `round`
/// equals k, send SIGUSR1 to this process (as SLURM would), so tests can stop a run at an
/// exact round. Nothing otherwise.
void testHookSignalAtRound(long long round);

} // namespace saddle
