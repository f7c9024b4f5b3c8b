vcl 4.1;
# Varnish (Debian 12: 7.1) as an outer cache in front of a Cuecast edge or origin, for LL-HLS.
# Tested by server/src/test/java/io/cuecast/server/OuterCacheE2ETest.java and measured by
# scripts/bench/edge (docs/benchmarks.md, "Edge"). Replace CUECAST_HOST and CUECAST_PORT (the
# Cuecast public HTTP port); the tests do the same. Run, for example:
#   varnishd -F -a :8089 -f /etc/varnish/cuecast.vcl -s malloc,1g
#
# Varnish collapses concurrent requests for one object (one backend fetch, the rest wait on it) and
# streams the body to every waiter as it arrives, so a preload-hinted part reaches them while it is
# being written; it speaks HTTP/1.1 to the backend, one connection per blocking request in flight.

backend cuecast {
    .host = "CUECAST_HOST";
    .port = "CUECAST_PORT";
    # A blocking playlist request or a hinted part is held for up to three target durations (6 s).
    .first_byte_timeout = 10s;
    .between_bytes_timeout = 10s;
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/hls/") {
        # Viewers carry no state Cuecast reads: drop cookies so the objects are shared.
        unset req.http.Cookie;
        return (hash);
    }
    return (pass);
}

sub vcl_hash {
    # The whole URL: _HLS_msn, _HLS_part and _HLS_skip make each blocking request its own object.
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    if (bereq.url ~ "\.m3u8") {
        # max-age=1 from Cuecast; no grace: a stale playlist would answer a blocking request too early.
        set beresp.ttl = 1s;
        set beresp.grace = 0s;
    }
    if (beresp.status == 404 || beresp.status >= 500) {
        # A part or playlist not made in time: ask again next time.
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.do_stream = true;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
