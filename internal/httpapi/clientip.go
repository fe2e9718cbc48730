package httpapi

import (
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address rate limits count against. It is the peer's
// address, unless the peer is a trusted proxy (Deps.TrustedProxies): then
// X-Forwarded-For is read from the right, skipping trusted proxies, and the
// first address that is not one is the client. Without trusted proxies the
// header is ignored, since anyone can send it. IPv6 addresses count by
// their /64, which one host usually holds whole.
func (s *Server) clientIP(r *http.Request) string {
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	client := addr.Addr().Unmap()
	if s.trustedProxy(client) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a forged or broken header: keep the last good address
			}
			client = hop.Unmap()
			if !s.trustedProxy(client) {
				break
			}
		}
	}
	if client.Is6() {
		p, _ := client.Prefix(64)
		return p.String()
	}
	return client.String()
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
