package io.cuecast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void shippedExampleEqualsTheEmbeddedDefaults() {
        // The example documents every key with its default; if either drifts this fails.
        CuecastConfig parsed = loader.load(Path.of("../cuecast.example.yaml"), Map.of());
        assertThat(parsed).isEqualTo(CuecastConfig.defaults());
    }

    @Test
    void noFileNoEnvironmentGivesDefaults() {
        CuecastConfig c = loader.load(null, Map.of("PATH", "/bin"));
        assertThat(c).isEqualTo(CuecastConfig.defaults());
        assertThat(c.rtmp().port()).isEqualTo(1935);
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.admin().port()).isEqualTo(8081);
        assertThat(c.admin().host()).isEqualTo("127.0.0.1");
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
        Path f = file("rtmp:\n  port: 1940\nhls:\n  segmentDurationMs: 4000\n");
        CuecastConfig c = loader.load(f, Map.of("CUECAST_RTMP_PORT", "1950", "CUECAST_ADMIN_TOKEN",
                "0123456789abcdef", "CUECAST_DATA_DIR", "/var/lib/cuecast"));
        assertThat(c.rtmp().port()).isEqualTo(1950);
        assertThat(c.hls().segmentDurationMs()).isEqualTo(4000);
        assertThat(c.admin().token()).isEqualTo("0123456789abcdef");
        assertThat(c.dataDir()).isEqualTo("/var/lib/cuecast");
        assertThat(c.hls().windowSegments()).isEqualTo(6);
    }

    @Test
    void advertisedAddressesAreAListOfValuesFromFileOrEnvironment() throws Exception {
        CuecastConfig c = loader.load(file("webrtc:\n  advertisedAddresses: [203.0.113.7, live.example.com]\n"), Map.of());
        assertThat(c.webrtc().advertisedAddresses()).containsExactly("203.0.113.7", "live.example.com");
        c = loader.load(null, Map.of("CUECAST_WEBRTC_ADVERTISED_ADDRESSES", "[198.51.100.2]"));
        assertThat(c.webrtc().advertisedAddresses()).containsExactly("198.51.100.2");
        assertThatThrownBy(() -> loader.load(file("webrtc:\n  advertisedAddresses: [{a: 1}]\n"), Map.of()))
                .hasMessageContaining("'webrtc.advertisedAddresses[0]' must be a single value");
        assertThatThrownBy(() -> loader.load(file("webrtc:\n  advertisedAddresses: ['a b']\n"), Map.of()))
                .hasMessageContaining("'webrtc.advertisedAddresses[0]' must be an IP address or a DNS name");
        assertThatThrownBy(() -> loader.load(file("webrtc:\n  maxSessions: 0\n"), Map.of()))
                .hasMessageContaining("webrtc.maxSessions");
    }

    @Test
    void environmentNamesFollowTheKeyPath() {
        assertThat(ConfigLoader.envName(List.of("hls", "segmentDurationMs"))).isEqualTo("CUECAST_HLS_SEGMENT_DURATION_MS");
        assertThat(ConfigLoader.envName(List.of("dataDir"))).isEqualTo("CUECAST_DATA_DIR");
        CuecastConfig c = loader.load(null, Map.of("CUECAST_HLS_SEGMENT_DURATION_MS", "3000"));
        assertThat(c.hls().segmentDurationMs()).isEqualTo(3000);
    }

    @Test
    void unknownKeyIsAnErrorNamingIt() throws Exception {
        Path f = file("rtmp:\n  prot: 1940\n");
        assertThatThrownBy(() -> loader.load(f, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'rtmp.prot'")
                .hasMessageContaining("rtmp.port");
    }

    @Test
    void unknownTopLevelKeyAndUnknownVariable() throws Exception {
        assertThatThrownBy(() -> loader.load(file("segmentDuration: 2\n"), Map.of()))
                .hasMessageContaining("unknown key 'segmentDuration'");
        assertThatThrownBy(() -> loader.load(null, Map.of("CUECAST_RTMP_PROT", "1")))
                .hasMessageContaining("unknown variable CUECAST_RTMP_PROT");
    }

    @Test
    void launcherVariablesAreNotConfigKeys() {
        CuecastConfig c = loader.load(null, Map.of("CUECAST_JAVA_OPTS", "-Xmx1g", "CUECAST_LOG_LEVEL", "DEBUG",
                "CUECAST_CONFIG", "/nonexistent.yaml"));
        assertThat(c).isEqualTo(CuecastConfig.defaults());
    }

    @Test
    void wrongTypeNamesTheKey() throws Exception {
        assertThatThrownBy(() -> loader.load(file("rtmp:\n  port: abc\n"), Map.of()))
                .hasMessageContaining("'rtmp.port' must be an integer");
        assertThatThrownBy(() -> loader.load(null, Map.of("CUECAST_HLS_WINDOW_SEGMENTS", "six")))
                .hasMessageContaining("'hls.windowSegments' must be an integer");
        assertThatThrownBy(() -> loader.load(file("rtmp: 5\n"), Map.of()))
                .hasMessageContaining("'rtmp' must be a mapping");
    }

    @Test
    void rangesAreValidatedByKey() throws Exception {
        assertThatThrownBy(() -> loader.load(file("hls:\n  windowSegments: 1\n"), Map.of()))
                .hasMessageContaining("'hls.windowSegments' must be between 3 and 100, got 1");
        assertThatThrownBy(() -> loader.load(null, Map.of("CUECAST_ADMIN_TOKEN", "short")))
                .hasMessageContaining("'admin.token' must be at least 16 characters");
        assertThatThrownBy(() -> loader.load(null, Map.of("CUECAST_HTTP_PORT", "1935")))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> loader.load(file("rtmp:\n  app: 'a/b'\n"), Map.of()))
                .hasMessageContaining("'rtmp.app'");
    }

    @Test
    void invalidYamlIsReported() throws Exception {
        assertThatThrownBy(() -> loader.load(file("rtmp: [\n"), Map.of()))
                .hasMessageContaining("not valid YAML");
    }
}
