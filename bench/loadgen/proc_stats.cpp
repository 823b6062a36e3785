#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

namespace {

// utime + stime + cutime + cstime (fields 14-17 of /proc/PID/stat), in seconds.
std::optional<double> own_and_reaped_cpu(int pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return std::nullopt;
  const auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  unsigned long long ticks = 0;
  for (int n = 3; n <= 17 && (fields >> field); ++n) {
    if (n >= 14) ticks += std::stoull(field);
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The children of every thread of `pid` (/proc/PID/task/TID/children).
std::vector<int> children_of(int pid) {
  std::vector<int> out;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  std::ifstream tasks_probe(task_dir + "/" + std::to_string(pid) + "/children");
  // Threads other than the main one rarely fork; the main thread's list
  // covers PostgreSQL, Redis and node:cluster.
  int child = 0;
  while (tasks_probe >> child) out.push_back(child);
  return out;
}

}  // namespace

std::optional<double> sample_tree_cpu(int pid) {
  auto top = own_and_reaped_cpu(pid);
  if (!top) return std::nullopt;
  double total = *top;
  std::vector<int> stack = children_of(pid);
  while (!stack.empty()) {
    const int child = stack.back();
    stack.pop_back();
    if (auto cpu = own_and_reaped_cpu(child)) total += *cpu;  // gone meanwhile: now in its parent's cutime
    for (int grandchild : children_of(child)) stack.push_back(grandchild);
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
