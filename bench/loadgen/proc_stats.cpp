#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace loadgen {

std::optional<ProcessSample> sample_process(int pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat_file(dir + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: fields are
  // counted from the last ')'. utime and stime are fields 14 and 15.
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && (fields >> field); ++n) {
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  ProcessSample sample;
  const auto ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  sample.user_s = static_cast<double>(utime) / ticks_per_s;
  sample.system_s = static_cast<double>(stime) / ticks_per_s;
  sample.cpu_s = sample.user_s + sample.system_s;

  std::ifstream status_file(dir + "/status");
  std::string line;
  while (std::getline(status_file, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      sample.rss_kb = std::stoll(line.substr(6));
      break;
    }
  }
  return sample;
}

std::optional<ProcessSample> sample_processes(const std::vector<int>& pids) {
  if (pids.empty()) return std::nullopt;
  ProcessSample total;
  for (const int pid : pids) {
    const auto one = sample_process(pid);
    if (!one) return std::nullopt;
    total.cpu_s += one->cpu_s;
    total.user_s += one->user_s;
    total.system_s += one->system_s;
    total.rss_kb += one->rss_kb;
  }
  return total;
}

double self_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

}  // namespace loadgen
