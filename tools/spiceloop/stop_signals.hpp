#pragma once
// The stop signals (SIGINT, SIGTERM) of the commands that serve until Ctrl-C: `serve`, `panel`
// and `train --panel`. Construct before any thread starts: the signals are blocked in this thread
// and every thread started after, so that only wait() takes them.
//
// `train --panel` trains first and serves its page after the run; a stop signal during the run
// must still end the process as it does without a panel (the run's checkpoint lets --resume go
// on), so with fatal_until_wait a signal that comes before wait() ends the process by its default
// action.
#include <csignal>
#include <memory>

namespace spiceloop::cli {

class StopSignals {
 public:
  explicit StopSignals(bool fatal_until_wait = false);
  int wait();  // the signal that came

 private:
  struct Watch;
  sigset_t set_;
  std::shared_ptr<Watch> watch_;  // fatal_until_wait: a thread of its own takes the signals
};

}  // namespace spiceloop::cli
