#pragma once
// Where a port's commands run, and how a long one lets the rest of the lab in.
//
// Every port has a worker thread of its own (the ServerGroup owns them). A connection hands the
// bytes of one read to its port's worker and runs no further input of its own until the answers
// come back (run_commands), so no command ever runs on the io thread, and a command on one port
// delays another port only through the mutex they share (instruments of one emulated bench share
// one): commands of one port still run one at a time, in order.
//
// A command that runs long (the learning clock, a scan) calls yield_port() between its steps. Each
// step is then atomic for everyone holding the mutex (a scan on another port sees the bench before
// or after a step, never half of one), and between steps the mutex is handed to whoever waits for
// it: at once to waiters that announce themselves (lock_counted: every worker, the control port),
// and every kSliceHold to anyone else (a plain lock_guard), since std::mutex is not fair and an
// unlock followed by a lock would starve them. yield_port() returns true when the command should
// stop there: an abort was asked for the port (*RST read on the port, the control port's abort,
// the group stopping). A request lasts until the port's current command ends.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

namespace spiceloop::server {

class Endpoint;
struct PortContext;

// Locks `mutex`, counted in `waiting` while it waits, so that a long command hands it over.
std::unique_lock<std::mutex> lock_counted(std::mutex& mutex, std::atomic<int>& waiting);

// On the port's worker: feeds `bytes` to the connection's endpoint under the port's mutex, as the
// port's current command (busy, abortable, yield_port() knows it), and returns its answers.
// `abort_batch` is the connection's own request to abort these bytes (an abort line behind them,
// perhaps read before they started); it is cleared when they end.
std::string run_commands(PortContext& port, Endpoint& endpoint, std::string_view bytes,
                         std::atomic<bool>& abort_batch) noexcept;

// Between the steps of a long command. Outside run_commands (a Session in a test) it does nothing
// and returns false.
bool yield_port();

// How long a long command holds the mutex before it lets unannounced lockers in.
inline constexpr std::chrono::milliseconds kSliceHold{2};

}  // namespace spiceloop::server
