package io.cuecast.relay;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a push relay publishes: {@code rtmp://host[:port]/app[/more]/streamName} or {@code rtmps://…}.
 * As encoders do (OBS, ffmpeg), the last path segment is the stream name (the key), everything
 * before it the application; a query stays with the stream name (nginx-rtmp and YouTube read it).
 *
 * @param tls true for rtmps
 * @param host the receiver's host
 * @param port its port (1935 for rtmp, 443 for rtmps when not given)
 * @param app the application, as sent in {@code connect}
 * @param streamName the stream name (key), as sent in {@code publish}
 */
public record RtmpUrl(boolean tls, String host, int port, String app, String streamName) {
    /** Parses {@code url}; the message names what is wrong. */
    public static RtmpUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the URL is empty");
        }
        if (url.length() > 2048) {
            throw new IllegalArgumentException("the URL is longer than 2048 characters");
        }
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("rtmp") && !scheme.equals("rtmps")) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not rtmp or rtmps");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("the URL names no host");
        }
        boolean tls = scheme.equals("rtmps");
        int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 1935;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.lastIndexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("the URL needs an application and a stream name: rtmp://HOST/APP/KEY");
        }
        String name = path.substring(slash + 1) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new RtmpUrl(tls, u.getHost(), port, path.substring(0, slash), name);
    }

    /** {@code tcUrl} of the connect command: scheme, host, port and application. */
    public String tcUrl() {
        return (tls ? "rtmps" : "rtmp") + "://" + host + ":" + port + "/" + app;
    }

    /** The URL with its stream name shown by its first four characters only: keys are secrets. */
    public String redacted() {
        String shown = streamName.length() <= 4 ? "" : streamName.substring(0, 4);
        return tcUrl() + "/" + shown + "…";
    }

    @Override
    public String toString() {
        return redacted();
    }
}
