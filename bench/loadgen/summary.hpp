// Latency summaries: exact percentiles over every sample (samples are kept,
// not bucketed, so p99 and max are the real ones).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace loadgen {

struct LatencySummary {
  std::size_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

// `samples_us` is sorted in place.
LatencySummary summarize_us(std::vector<std::uint32_t>& samples_us);

// The same over signed differences in milliseconds (sorted in place).
LatencySummary summarize_signed_ms(std::vector<double>& samples_ms);

void to_json(nlohmann::json& j, const LatencySummary& s);

}  // namespace loadgen
