package outbound

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"

	"code.dny.dev/ssrf"
)

// Policy says which destinations outgoing requests may reach.
type Policy struct {
	// Allow lists ranges reachable although the default policy refuses
	// them (OUTBOUND_ALLOW_CIDRS), on any port. IPv4 ranges also match the
	// IPv4-mapped IPv6 form of their addresses.
	Allow []netip.Prefix
	// AllowPorts are ports public addresses may be reached on besides 80
	// and 443 (OUTBOUND_ALLOW_PORTS).
	AllowPorts []uint16
	// AnyPort lets public addresses be reached on every port
	// (OUTBOUND_ALLOW_PORTS=*).
	AnyPort bool
}

// metadataAddrs are cloud instance-metadata endpoints. They are refused
// even inside allowed ranges: an operator who opens 169.254.0.0/16 or
// 100.64.0.0/10 for an internal service never means to hand flows the
// machine's cloud credentials. 168.63.129.16 (Azure's host endpoint) is a
// public address, refused only because it is listed here.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack, DigitalOcean, …
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task credentials
	netip.MustParseAddr("168.63.129.16"),   // Azure WireServer
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("192.0.0.192"),     // Oracle Cloud
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
}

// Guard checks the addresses outgoing connections are about to be made to.
// It is safe for concurrent use.
type Guard struct {
	allow  []netip.Prefix
	public *ssrf.Guardian
}

// NewGuard returns a guard enforcing p.
func NewGuard(p Policy) *Guard {
	ports := ssrf.WithPorts(append([]uint16{80, 443}, p.AllowPorts...)...)
	if p.AnyPort {
		ports = ssrf.WithAnyPort()
	}
	allow := make([]netip.Prefix, len(p.Allow))
	for i, pf := range p.Allow {
		allow[i] = pf.Masked()
	}
	return &Guard{allow: allow, public: ssrf.New(ports)}
}

// Control has the signature of net.Dialer.Control: it refuses a connection
// before it is made, once the address to dial is known.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	return g.Check(network, address)
}

// Check returns a *BlockedError when the policy refuses connecting to
// address (an "ip:port" pair) over network. network is what a dialer
// reports (tcp4, tcp6) or what a caller checking an address ahead of time
// knows (tcp, udp): the address's family stands for the missing version.
func (g *Guard) Check(network, address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedError{Address: address, Err: fmt.Errorf("unparsable address: %w", err)}
	}
	network = versioned(network, ap.Addr())
	ip := ap.Addr().Unmap()
	for _, m := range metadataAddrs {
		if ip == m {
			return &BlockedError{Address: address, Err: errors.New("cloud metadata endpoints are never reachable")}
		}
	}
	if strings.HasPrefix(network, "tcp") {
		for _, pf := range g.allow {
			if pf.Contains(ip) {
				return nil
			}
		}
	}
	if err := g.public.Safe(network, address, nil); err != nil {
		return &BlockedError{Address: address, Err: err}
	}
	return nil
}

// versioned is network with the IP version of addr when it names none:
// the SSRF guardian only knows tcp4 and tcp6 and refuses a bare "tcp". An
// IPv4-mapped IPv6 address is IPv6, as it is to the guardian.
func versioned(network string, addr netip.Addr) string {
	if network != "tcp" && network != "udp" {
		return network
	}
	if addr.Is4() {
		return network + "4"
	}
	return network + "6"
}

// BlockedError is a connection the policy refused.
type BlockedError struct {
	// Address is the "ip:port" that was refused.
	Address string
	// Err says why (an ssrf sentinel such as ssrf.ErrProhibitedIP).
	Err error
}

// Error names the refused address and the reason.
func (e *BlockedError) Error() string {
	return fmt.Sprintf("destination %s is not allowed: %v", e.Address, e.Err)
}

// Unwrap returns the reason.
func (e *BlockedError) Unwrap() error { return e.Err }

// IsBlocked reports whether err (typically from an http.Client) comes from
// a connection the policy refused.
func IsBlocked(err error) bool {
	var b *BlockedError
	return errors.As(err, &b)
}
