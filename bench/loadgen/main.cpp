// loadgen: drives a comments server (ours or the Node peer) over the wire
// contract and prints one JSON object of measurements. See bench/README.md.
#include <cstdio>
#include <iostream>

#include <boost/asio/ip/address.hpp>

#include "options.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"

int main(int argc, char** argv) {
  using namespace loadgen;
  auto options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) return 2;

  // Thousands of sockets: the default soft limit (often 1024) is not enough.
  const auto fd_limit = raise_open_file_limit();
  const auto needed = static_cast<std::uint64_t>(options->readers + options->posters) + 64;
  if (options->mode != Mode::join && fd_limit < needed) {
    std::cerr << "loadgen: needs " << needed << " open files but the limit is " << fd_limit
              << " (raise the hard limit: ulimit -Hn)\n";
    return 2;
  }

  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options->host, ec);
  if (ec) {
    std::cerr << "loadgen: --host must be an IP address, got '" << options->host << "'\n";
    return 2;
  }
  auto target_at = [&](std::uint16_t port) {
    return Target{tcp::endpoint(address, port), options->host + ":" + std::to_string(port)};
  };
  const Target target = target_at(options->port);
  std::vector<Target> reader_targets;
  for (const auto port : options->reader_ports) reader_targets.push_back(target_at(port));
  std::vector<Target> poster_targets;
  for (const auto port : options->poster_ports) poster_targets.push_back(target_at(port));

  const nlohmann::json result = options->mode == Mode::join ? run_join(*options, target)
                                                            : run_traffic(*options, poster_targets, reader_targets);
  std::cout << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
  return result.value("ok", false) ? 0 : 1;
}
