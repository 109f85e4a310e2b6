// Package outbound builds the HTTP clients hookflow uses to call other
// servers: the `request` operation and outgoing webhook deliveries. Flow
// authors and webhook subscribers choose the URLs, so every connection is
// checked against a Policy before it is made (server-side request forgery
// protection).
//
// The check runs in the dialer's Control hook, on the IP address actually
// being connected to: after DNS resolution (a name that resolves, or
// re-resolves, to an internal address is refused), for every redirect hop,
// and for every address a dual-stack dial tries. Proxies from the
// environment are ignored, since a proxy would make the checked address the
// proxy's rather than the target's.
//
// What is refused (address lists from code.dny.dev/ssrf, which follows the
// IANA special-purpose registries): loopback, private (RFC 1918, IPv6 ULA),
// link-local, shared/CGNAT (100.64.0.0/10), multicast, unspecified,
// documentation, benchmarking and reserved ranges, anything outside IPv6
// global unicast (which covers IPv4-mapped IPv6 forms such as
// ::ffff:127.0.0.1), and the cloud metadata endpoints. Operators open ranges
// with Policy.Allow (OUTBOUND_ALLOW_CIDRS); metadata endpoints stay closed
// whatever is allowed.
//
// Port policy: public addresses may be reached on ports 80 and 443 only,
// plus Policy.AllowPorts (OUTBOUND_ALLOW_PORTS, or "*" for any port).
// Addresses inside an allowed range may be reached on any port: allowing a
// range is an explicit decision to trust the hosts in it.
package outbound
