package io.cuecast.server;

import io.cuecast.config.ConfigException;
import io.cuecast.config.ConfigLoader;
import io.cuecast.config.CuecastConfig;
import io.cuecast.control.StreamService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Starts Cuecast: {@code java -jar cuecast-server.jar [--config FILE]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        fail("--config needs a file name");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println("usage: cuecast [--config FILE]\n"
                            + "Without a file Cuecast runs on its embedded defaults; CUECAST_* variables override "
                            + "any key (see README.md).");
                    return;
                }
                default -> fail("unknown argument '" + args[i] + "' (try --help)");
            }
        }
        Map<String, String> env = System.getenv();
        if (configFile == null && env.get(ConfigLoader.CONFIG_FILE_VARIABLE) != null) {
            configFile = Path.of(env.get(ConfigLoader.CONFIG_FILE_VARIABLE));
        }
        if (configFile != null && !Files.isRegularFile(configFile)) {
            fail("config file " + configFile + " does not exist");
        }
        CuecastConfig config;
        try {
            config = new ConfigLoader().load(configFile, env);
        } catch (ConfigException e) {
            fail("configuration error: " + e.getMessage());
            return;
        }
        CuecastServer server = new CuecastServer(config, Clock.systemUTC());
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            fail("cannot start: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "cuecast-shutdown"));
        printBanner(server, config);
        stopped.await();
    }

    private static void printBanner(CuecastServer server, CuecastConfig config) {
        StreamService.Urls urls = server.urls();
        AdminToken token = server.adminToken();
        String admin = server.adminUrl();
        StringBuilder sb = new StringBuilder();
        sb.append("\nCuecast is running (data in ").append(Path.of(config.dataDir()).toAbsolutePath().normalize())
                .append(")\n");
        sb.append("  RTMP server  : ").append(urls.rtmpServer()).append("   <- OBS \"Server\"\n");
        sb.append("  Stream key   : create a stream, its \"streamKey\" is OBS \"Stream Key\":\n");
        sb.append("                 curl -s -X POST -H \"Authorization: Bearer $TOKEN\" ").append(admin)
                .append("/api/v1/streams\n");
        if (server.webrtcPort() > 0) {
            sb.append("  WHIP (WebRTC): ").append(urls.httpBase()).append("/whip/{streamId}   <- OBS WHIP \"Server\", key as")
                    .append(" \"Bearer Token\"; media on udp ").append(server.webrtcPort()).append('\n');
            sb.append("  Go live page : ").append(urls.httpBase()).append("/golive/{streamId}   (camera from the browser)\n");
        }
        sb.append("  HLS playback : ").append(urls.httpBase()).append("/hls/{streamId}/master.m3u8\n");
        if (server.httpsPort() > 0) {
            sb.append("                 https://").append(config.publicHost()).append(':').append(server.httpsPort())
                    .append("/hls/{streamId}/master.m3u8   (HTTP/2, for LL-HLS on Apple players)\n");
        }
        sb.append("  Demo player  : ").append(urls.httpBase()).append("/watch/{streamId}\n");
        sb.append("  Admin API    : ").append(admin).append("/api/v1/streams   metrics: ").append(admin)
                .append("/metrics\n");
        if (token.generated() && System.console() != null) {
            // Only to a terminal: under systemd or docker, stdout ends in logs others can read (review L7).
            sb.append("  Admin token  : ").append(token.value()).append("\n");
            sb.append("                 (generated now and shown only this once; stored in ").append(token.file())
                    .append(")\n");
        } else if (token.file() != null) {
            sb.append("  Admin token  : in ").append(token.file()).append("  (TOKEN=$(cat ").append(token.file())
                    .append("))\n");
        } else {
            sb.append("  Admin token  : from admin.token / CUECAST_ADMIN_TOKEN\n");
        }
        System.out.println(sb);
        System.out.flush();
    }

    private static void fail(String message) {
        System.err.println("cuecast: " + message);
        System.exit(2);
    }
}
