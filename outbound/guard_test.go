package outbound

import (
	"errors"
	"net/netip"
	"testing"

	"code.dny.dev/ssrf"
)

func TestGuardCheck(t *testing.T) {
	t.Parallel()
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	linkLocal := []netip.Prefix{netip.MustParsePrefix("169.254.0.0/16")}
	tests := []struct {
		name    string
		policy  Policy
		network string
		address string
		allowed bool
	}{
		{"public IPv4 on 443", Policy{}, "tcp4", "93.184.216.34:443", true},
		{"public IPv4 on 80", Policy{}, "tcp4", "8.8.8.8:80", true},
		{"public IPv6", Policy{}, "tcp6", "[2606:4700:4700::1111]:443", true},
		{"loopback", Policy{}, "tcp4", "127.0.0.1:80", false},
		{"loopback elsewhere in 127/8", Policy{}, "tcp4", "127.1.2.3:443", false},
		{"private 10/8", Policy{}, "tcp4", "10.0.0.1:443", false},
		{"private 172.16/12", Policy{}, "tcp4", "172.16.5.4:80", false},
		{"private 192.168/16", Policy{}, "tcp4", "192.168.1.1:80", false},
		{"link-local", Policy{}, "tcp4", "169.254.10.10:80", false},
		{"CGNAT", Policy{}, "tcp4", "100.64.0.1:80", false},
		{"multicast", Policy{}, "tcp4", "224.0.0.1:80", false},
		{"unspecified", Policy{}, "tcp4", "0.0.0.0:80", false},
		{"broadcast", Policy{}, "tcp4", "255.255.255.255:80", false},
		{"AWS metadata", Policy{}, "tcp4", "169.254.169.254:80", false},
		{"Alibaba metadata", Policy{}, "tcp4", "100.100.100.200:80", false},
		{"Azure host endpoint (public address)", Policy{}, "tcp4", "168.63.129.16:80", false},
		{"IPv6 loopback", Policy{}, "tcp6", "[::1]:80", false},
		{"IPv6 unspecified", Policy{}, "tcp6", "[::]:80", false},
		{"IPv6 link-local", Policy{}, "tcp6", "[fe80::1]:80", false},
		{"IPv6 unique local", Policy{}, "tcp6", "[fd12:3456::1]:80", false},
		{"IPv6 multicast", Policy{}, "tcp6", "[ff02::1]:80", false},
		{"AWS metadata over IPv6", Policy{}, "tcp6", "[fd00:ec2::254]:80", false},
		{"IPv4-mapped loopback", Policy{}, "tcp6", "[::ffff:127.0.0.1]:80", false},
		{"IPv4-mapped private", Policy{}, "tcp6", "[::ffff:10.0.0.1]:443", false},
		{"IPv4-mapped public", Policy{}, "tcp6", "[::ffff:8.8.8.8]:443", false},
		{"NAT64 of loopback", Policy{}, "tcp6", "[64:ff9b::7f00:1]:80", false},
		{"public on another port", Policy{}, "tcp4", "8.8.8.8:8080", false},
		{"public on an allowed port", Policy{AllowPorts: []uint16{8080}}, "tcp4", "8.8.8.8:8080", true},
		{"public on any port", Policy{AnyPort: true}, "tcp4", "8.8.8.8:8443", true},
		{"any port still refuses private", Policy{AnyPort: true}, "tcp4", "10.0.0.1:8443", false},
		{"UDP", Policy{}, "udp4", "8.8.8.8:443", false},
		{"allowed loopback on any port", Policy{Allow: loopback}, "tcp4", "127.0.0.1:39123", true},
		{"allowed range, mapped form", Policy{Allow: loopback}, "tcp6", "[::ffff:127.0.0.1]:39123", true},
		{"allowed IPv4 range leaves IPv6 loopback refused", Policy{Allow: loopback}, "tcp6", "[::1]:80", false},
		{"allowed range leaves others refused", Policy{Allow: loopback}, "tcp4", "10.0.0.1:443", false},
		{"metadata refused inside an allowed range", Policy{Allow: linkLocal}, "tcp4", "169.254.169.254:80", false},
		{"rest of an allowed link-local range", Policy{Allow: linkLocal}, "tcp4", "169.254.10.10:8080", true},
		{"single allowed address", Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/32")}}, "tcp4", "10.1.2.3:5432", true},
		{"not an address", Policy{}, "tcp4", "example.com:80", false},
		// A bare network (an address checked before any dial) is the
		// address's own IP version.
		{"tcp: public IPv4", Policy{}, "tcp", "93.184.216.34:443", true},
		{"tcp: public IPv6", Policy{}, "tcp", "[2606:4700:4700::1111]:443", true},
		{"tcp: private IPv4", Policy{}, "tcp", "10.0.0.1:443", false},
		{"tcp: IPv6 loopback", Policy{}, "tcp", "[::1]:80", false},
		{"tcp: IPv4-mapped public", Policy{}, "tcp", "[::ffff:8.8.8.8]:443", false},
		{"tcp: public on another port", Policy{}, "tcp", "8.8.8.8:8080", false},
		{"tcp: allowed range", Policy{Allow: loopback}, "tcp", "127.0.0.1:39123", true},
		{"tcp: metadata", Policy{}, "tcp", "169.254.169.254:80", false},
		{"udp: still refused", Policy{}, "udp", "8.8.8.8:443", false},
		{"unknown network", Policy{}, "unix", "8.8.8.8:443", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := NewGuard(tc.policy).Check(tc.network, tc.address)
			if tc.allowed && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.allowed {
				if err == nil {
					t.Fatal("allowed, want refused")
				}
				if !IsBlocked(err) {
					t.Fatalf("error %v is not a BlockedError", err)
				}
			}
		})
	}
}

func TestBlockedErrorKeepsReason(t *testing.T) {
	t.Parallel()
	err := NewGuard(Policy{}).Check("tcp4", "10.0.0.1:443")
	if !errors.Is(err, ssrf.ErrProhibitedIP) {
		t.Fatalf("got %v, want ssrf.ErrProhibitedIP in the chain", err)
	}
	err = NewGuard(Policy{}).Check("tcp4", "8.8.8.8:25")
	if !errors.Is(err, ssrf.ErrProhibitedPort) {
		t.Fatalf("got %v, want ssrf.ErrProhibitedPort in the chain", err)
	}
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	got, err := ParsePrefixes("127.0.0.0/8, 10.1.2.3 fd00::/8,,192.168.1.7/24")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.0/8", "10.1.2.3/32", "fd00::/8", "192.168.1.0/24"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("[%d] = %s, want %s", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3"} {
		if _, err := ParsePrefixes(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParsePorts(t *testing.T) {
	t.Parallel()
	ports, anyPort, err := ParsePorts("8080, 8443")
	if err != nil || anyPort || len(ports) != 2 || ports[0] != 8080 || ports[1] != 8443 {
		t.Fatalf("got %v %v %v", ports, anyPort, err)
	}
	if _, anyPort, err := ParsePorts("*"); err != nil || !anyPort {
		t.Fatalf("*: got %v %v", anyPort, err)
	}
	for _, bad := range []string{"0", "65536", "http"} {
		if _, _, err := ParsePorts(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
