#include "summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

namespace loadgen {

LatencySummary summarize_us(std::vector<std::uint32_t>& samples_us) {
  LatencySummary s;
  s.count = samples_us.size();
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  // Nearest-rank percentile: the smallest sample with at least q of all samples at or below it.
  auto at = [&](double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_us.size())));
    return samples_us[std::clamp<std::size_t>(rank, 1, samples_us.size()) - 1] / 1000.0;
  };
  s.p50_ms = at(0.50);
  s.p90_ms = at(0.90);
  s.p99_ms = at(0.99);
  s.max_ms = samples_us.back() / 1000.0;
  const double sum = std::accumulate(samples_us.begin(), samples_us.end(), 0.0);
  s.mean_ms = sum / static_cast<double>(samples_us.size()) / 1000.0;
  return s;
}

LatencySummary summarize_signed_ms(std::vector<double>& samples_ms) {
  LatencySummary s;
  s.count = samples_ms.size();
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  auto at = [&](double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_ms.size())));
    return samples_ms[std::clamp<std::size_t>(rank, 1, samples_ms.size()) - 1];
  };
  s.p50_ms = at(0.50);
  s.p90_ms = at(0.90);
  s.p99_ms = at(0.99);
  s.max_ms = samples_ms.back();
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / static_cast<double>(samples_ms.size());
  return s;
}

void to_json(nlohmann::json& j, const LatencySummary& s) {
  j = nlohmann::json{{"count", s.count}, {"p50_ms", s.p50_ms}, {"p90_ms", s.p90_ms},
                     {"p99_ms", s.p99_ms}, {"max_ms", s.max_ms}, {"mean_ms", s.mean_ms}};
}

}  // namespace loadgen
