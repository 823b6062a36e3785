// What a client address is reduced to before it is hashed for bans, rate
// limits and connection limits (docs/server.md, "What a ban keys on").
#pragma once

#include <string>
#include <string_view>

namespace comments::server {

// An IPv4 address (also one written IPv4-mapped, ::ffff:a.b.c.d) as itself;
// an IPv6 address as its /64 network ("2001:db8:1:2::/64"), because an ISP
// gives one subscriber at least a /64 and its host can take any address in
// it: keyed per /128, one poster could leave a ban or a rate limit by picking
// the next address. Anything else (no valid address, e.g. a forged
// X-Forwarded-For entry) is returned as it is, so it still keys on something.
std::string client_network(std::string_view address);

}  // namespace comments::server
