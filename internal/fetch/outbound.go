package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrForbiddenTarget means an outbound request (a download, a redirect it
// followed, or a webhook delivery) was about to connect to an address that
// the outbound policy refuses: loopback, private, link-local, multicast,
// unspecified, shared (CGNAT) or reserved. It is never retried. Test for it
// with errors.Is.
var ErrForbiddenTarget = errors.New("refused outbound target (loopback, private, link-local or reserved address; allow it with --allow-private-targets)")

// ErrRedirect means a response was a redirect where none is followed
// (webhook deliveries), or a redirect chain was too long or left http(s).
var ErrRedirect = errors.New("redirect refused")

// MaxRedirects is the longest redirect chain a download follows.
const MaxRedirects = 5

// Policy is the one outbound HTTP policy of stocktake, shared by downloads
// and webhook deliveries.
//
// Every connection is checked after name resolution, right before it is
// made (net.Dialer.Control), so a redirect, a DNS answer that changed since
// a URL was registered, or a name that resolves to 127.0.0.1 cannot reach an
// internal address. Proxies from the environment are not used, since the
// check would then apply to the proxy instead of the target.
type Policy struct {
	// AllowPrivate lifts the address check (the --allow-private-targets flag,
	// for a lab or for tests against local listeners).
	AllowPrivate bool
	// FollowRedirects lets the client follow up to MaxRedirects http(s)
	// redirects, each checked like the first request. When false a 3xx
	// answer is returned as is (the caller treats it as a failure).
	FollowRedirects bool
	// Timeout is the client's overall timeout per request; zero means none
	// (the caller's context bounds the request).
	Timeout time.Duration

	// allowed, when set, admits the dial addresses it accepts even though
	// they are not public (tests use it to let one local listener stand in
	// for a producer while another plays the internal service).
	allowed func(netip.AddrPort) bool
}

// NewClient returns an http.Client that enforces p.
func NewClient(p Policy) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			if p.allowed != nil {
				if ap, err := netip.ParseAddrPort(address); err == nil && p.allowed(ap) {
					return nil
				}
			}
			return CheckAddress(address)
		}
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}
	c := &http.Client{Transport: tr, Timeout: p.Timeout}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !p.FollowRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) > MaxRedirects {
			return fmt.Errorf("%w: more than %d redirects", ErrRedirect, MaxRedirects)
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("%w: to a %s URL", ErrRedirect, req.URL.Scheme)
		}
		if !p.AllowPrivate && p.allowed == nil {
			// Literal addresses are refused here with a clear message; names
			// are checked by the dialer once resolved.
			if err := checkHostLiteral(req.URL); err != nil {
				return err
			}
		}
		return nil
	}
	return c
}

// CheckURL refuses a URL that is not absolute http(s), or whose host is an
// address literal the policy refuses, or (when resolve is set) whose host
// name resolves to such an address. It is used when a webhook is
// registered, so that a mistake is reported at once; deliveries are checked
// again at connection time.
func CheckURL(ctx context.Context, raw string, resolve bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an absolute http or https URL")
	}
	if err := checkHostLiteral(u); err != nil {
		return err
	}
	if !resolve {
		return nil
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolving %s: %w", host, err)
	}
	for _, a := range addrs {
		if !PublicAddr(a) {
			return fmt.Errorf("%s resolves to %s: %w", host, a.Unmap(), ErrForbiddenTarget)
		}
	}
	return nil
}

func checkHostLiteral(u *url.URL) error {
	host := u.Hostname()
	if host == "localhost" || len(host) > 10 && host[len(host)-10:] == ".localhost" {
		return fmt.Errorf("%s: %w", host, ErrForbiddenTarget)
	}
	if a, err := netip.ParseAddr(host); err == nil && !PublicAddr(a) {
		return fmt.Errorf("%s: %w", a.Unmap(), ErrForbiddenTarget)
	}
	return nil
}

// CheckAddress checks a resolved "ip:port" dial address against the policy.
func CheckAddress(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		host, _, splitErr := net.SplitHostPort(address)
		if splitErr != nil {
			return fmt.Errorf("%s: %w", address, ErrForbiddenTarget)
		}
		a, perr := netip.ParseAddr(host)
		if perr != nil {
			return fmt.Errorf("%s: %w", address, ErrForbiddenTarget)
		}
		ap = netip.AddrPortFrom(a, 0)
	}
	if !PublicAddr(ap.Addr()) {
		return fmt.Errorf("%s: %w", ap.Addr().Unmap(), ErrForbiddenTarget)
	}
	return nil
}

// reserved are ranges refused besides those netip classifies: "this
// network", shared address space (CGNAT), IETF protocol assignments,
// documentation, benchmarking, reserved and broadcast, and the NAT64 and
// 6to4 prefixes that can embed any IPv4 address.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("100::/64"),
}

// PublicAddr reports whether a is a globally routable unicast address that
// outbound requests may reach. IPv4-mapped IPv6 addresses are judged as the
// IPv4 address they carry.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(a) {
			return false
		}
	}
	return true
}
