// The load generator's scenarios. Each runs its own io_context to the end and
// returns one JSON object: the configuration, the measurements, "ok" and the
// list of "problems" (anything lost, duplicated, refused or disconnected).
#pragma once

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "session.hpp"

namespace loadgen {

// fanout, threads, ingest and idle: readers joined to thread keys, posters
// posting; reader i connects to reader_targets[i % size], poster p to
// poster_targets[p % size].
nlohmann::json run_traffic(const Options& options, const std::vector<Target>& poster_targets,
                           const std::vector<Target>& reader_targets);

// join: the latency of `join` on one (large, prefilled) thread.
nlohmann::json run_join(const Options& options, const Target& target);

}  // namespace loadgen
