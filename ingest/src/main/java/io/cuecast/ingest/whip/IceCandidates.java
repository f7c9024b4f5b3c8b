package io.cuecast.ingest.whip;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host candidates an answer advertises (RFC 8839 §5.1). Configured addresses first (a public
 * IP or DNS name behind NAT); else the address the port is bound to; else, bound to every
 * interface, the machine's IPv4 addresses, public before private before loopback — FFmpeg tries
 * only the first candidate, so the one most likely reachable leads.
 */
public final class IceCandidates {
    private IceCandidates() {
    }

    /**
     * @param advertised {@code webrtc.advertisedAddresses}: IPs or DNS names (resolved now), each
     *     optionally with {@code :port} when a NAT or container maps the UDP port to another one
     * @param bindHost {@code webrtc.host}
     * @param port the bound UDP port
     */
    public static List<InetSocketAddress> of(List<String> advertised, String bindHost, int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (!advertised.isEmpty()) {
            for (String entry : advertised) {
                String a = entry;
                int p = port;
                int colon = entry.lastIndexOf(':');
                // host:port, [v6]:port; a bare IPv6 address has several colons and no port
                if (colon > 0 && (entry.indexOf(':') == colon || entry.startsWith("["))
                        && entry.substring(colon + 1).matches("\\d{1,5}")) {
                    a = entry.substring(0, colon);
                    p = Integer.parseInt(entry.substring(colon + 1));
                }
                a = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("webrtc.advertisedAddresses: '" + entry + "' has no valid port");
                }
                try {
                    for (InetAddress ip : InetAddress.getAllByName(a)) {
                        out.add(new InetSocketAddress(ip, p));
                    }
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("webrtc.advertisedAddresses: '" + a + "' does not resolve", e);
                }
            }
            return out;
        }
        try {
            InetAddress bound = InetAddress.getByName(bindHost);
            if (!bound.isAnyLocalAddress()) {
                return List.of(new InetSocketAddress(bound, port));
            }
            List<InetAddress> all = new ArrayList<>();
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress ip : Collections.list(nif.getInetAddresses())) {
                    if (ip instanceof Inet4Address) {
                        all.add(ip);
                    }
                }
            }
            all.sort((x, y) -> Integer.compare(rank(x), rank(y)));
            for (InetAddress ip : all) {
                out.add(new InetSocketAddress(ip, port));
            }
        } catch (UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("webrtc.host '" + bindHost + "': " + e.getMessage(), e);
        }
        return out;
    }

    /** True when none of {@code candidates} is reachable from the internet (private, link-local, loopback). */
    public static boolean onlyPrivate(List<InetSocketAddress> candidates) {
        return candidates.stream().allMatch(c -> rank(c.getAddress()) > 0);
    }

    private static int rank(InetAddress ip) {
        if (ip.isLoopbackAddress()) {
            return 2;
        }
        return ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || isCarrierNat(ip) ? 1 : 0;
    }

    /** RFC 6598 shared address space 100.64.0.0/10, as private as RFC 1918 for a publisher outside. */
    private static boolean isCarrierNat(InetAddress ip) {
        byte[] b = ip.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }
}
