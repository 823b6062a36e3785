// What the load generator reads about the server and itself: CPU seconds
// (utime + stime from /proc/PID/stat) and resident memory (VmRSS from
// /proc/PID/status), plus raising this process's open-file limit.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace loadgen {

struct ProcessSample {
  double cpu_s = 0;          // user + system CPU seconds since the process started
  double user_s = 0;         // of which in user space
  double system_s = 0;       // of which in the kernel (for a server: mostly socket I/O)
  std::int64_t rss_kb = 0;   // resident set size
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessSample> sample_process(int pid);

// The sum over `pids`; nullopt when there are none or one cannot be read.
std::optional<ProcessSample> sample_processes(const std::vector<int>& pids);

// CPU seconds of a whole process tree: `pid` and every live descendant
// (utime + stime), plus the CPU of descendants that already exited and were
// reaped (cutime + cstime of each live process in the tree). The difference of
// two samples is then exact even when children come and go in between (a
// PostgreSQL postmaster forks a backend per connection). nullopt when `pid`
// is gone.
std::optional<double> sample_tree_cpu(int pid);

// CPU seconds this process has used (getrusage).
double self_cpu_seconds();

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
std::uint64_t raise_open_file_limit();

}  // namespace loadgen
