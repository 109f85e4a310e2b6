package outbound

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParsePrefixes reads OUTBOUND_ALLOW_CIDRS: CIDR ranges or single addresses
// separated by commas or spaces ("127.0.0.0/8, 10.1.2.3, fd00::/8").
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, field := range splitList(s) {
		if strings.Contains(field, "/") {
			p, err := netip.ParsePrefix(field)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR range: %w", field, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(field)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range: %w", field, err)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ParsePorts reads OUTBOUND_ALLOW_PORTS: port numbers separated by commas
// or spaces, or "*" for any port.
func ParsePorts(s string) (ports []uint16, anyPort bool, err error) {
	for _, field := range splitList(s) {
		if field == "*" {
			anyPort = true
			continue
		}
		n, err := strconv.ParseUint(field, 10, 16)
		if err != nil || n == 0 {
			return nil, false, fmt.Errorf("%q is not a port number (1-65535) or *", field)
		}
		ports = append(ports, uint16(n))
	}
	return ports, anyPort, nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}
