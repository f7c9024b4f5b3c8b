package io.cuecast.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.cuecast.control.archfixture.HttpInControl;
import io.cuecast.core.archfixture.FfmpegOutsideTranscode;
import io.cuecast.core.archfixture.NettyInCore;
import io.cuecast.hls.archfixture.ControlInHls;
import io.cuecast.hls.archfixture.IngestInHls;
import io.cuecast.hls.archfixture.RelayInHls;
import io.cuecast.http.archfixture.CoreInHttp;
import io.cuecast.ingest.archfixture.ServerInIngest;
import io.cuecast.relay.archfixture.IngestInRelay;
import io.cuecast.rtmp.archfixture.IngestInRtmp;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module rules of docs/architecture.md, checked on the compiled main code of every module (this
 * module's test classpath holds them all), so a change that breaks one fails the build. Each rule is
 * also run on a fixture class that breaks it, to show the rule can fail.
 */
class ArchitectureTest {
    static final ArchRule ONLY_TRANSCODE_USES_FFMPEG = noClasses()
            .that().resideInAPackage("io.cuecast..").and().resideOutsideOfPackage("io.cuecast.transcode..")
            .should().dependOnClassesThat().resideInAPackage("org.bytedeco..")
            .as("only transcode uses FFmpeg (org.bytedeco)");
    static final ArchRule CONTROL_KNOWS_NO_HTTP = noClasses()
            .that().resideInAPackage("io.cuecast.control..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.cuecast.http..", "java.net.http..")
            .as("the control plane knows no Netty and no HTTP");
    static final ArchRule CORE_KNOWS_NO_NETTY = noClasses()
            .that().resideInAPackage("io.cuecast.core..")
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .as("core imports no Netty");
    static final ArchRule NOTHING_DEPENDS_ON_SERVER = noClasses()
            .that().resideInAPackage("io.cuecast..").and().resideOutsideOfPackage("io.cuecast.server..")
            .should().dependOnClassesThat().resideInAPackage("io.cuecast.server..")
            .as("nothing depends on server");
    static final ArchRule HLS_DOES_NOT_DEPEND_ON_INGEST = noClasses()
            .that().resideInAPackage("io.cuecast.hls..")
            .should().dependOnClassesThat().resideInAPackage("io.cuecast.ingest..")
            .as("hls does not depend on ingest");
    static final ArchRule HTTP_IS_A_LIBRARY = noClasses()
            .that().resideInAPackage("io.cuecast.http..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cuecast.core..", "io.cuecast.config..",
                    "io.cuecast.ingest..", "io.cuecast.transcode..", "io.cuecast.hls..", "io.cuecast.control..")
            .as("http knows no other Cuecast module");
    static final ArchRule PROTOCOLS_DO_NOT_REACH_THE_CONTROL_PLANE = noClasses()
            .that().resideInAnyPackage("io.cuecast.ingest..", "io.cuecast.transcode..", "io.cuecast.hls..")
            .should().dependOnClassesThat().resideInAPackage("io.cuecast.control..")
            .as("ingest, transcode and hls reach the control plane only through core (hub, cue model)");

    static final ArchRule RELAY_STANDS_ON_CORE_RTMP_AND_HLS = noClasses()
            .that().resideInAPackage("io.cuecast.relay..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cuecast.ingest..",
                    "io.cuecast.transcode..", "io.cuecast.control..", "io.cuecast.http..")
            .as("relay stands on core, rtmp and hls (edges mirror HLS windows): the server wires it to the"
                    + " control plane");
    static final ArchRule HLS_DOES_NOT_KNOW_THE_RELAY_TIER = noClasses()
            .that().resideInAPackage("io.cuecast.hls..")
            .should().dependOnClassesThat().resideInAPackage("io.cuecast.relay..")
            .as("hls knows nothing of edges: they use its window like a packager does");
    static final ArchRule RTMP_CODEC_KNOWS_NO_PROTOCOL = noClasses()
            .that().resideInAPackage("io.cuecast.rtmp..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cuecast.ingest..", "io.cuecast.relay..",
                    "io.cuecast.config..", "io.cuecast.control..")
            .as("the rtmp codec is shared, not owned: it knows neither ingest nor relay");

    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // core's test fixtures (a test-jar) are test code too, whatever their location.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.cuecast");
    }

    @AfterAll
    static void forgetTheImport() {
        main = null; // the E2E tests that share this JVM need the memory
    }

    static Stream<Arguments> rules() {
        Map<ArchRule, Class<?>> breakers = Map.ofEntries(
                Map.entry(RELAY_STANDS_ON_CORE_RTMP_AND_HLS, IngestInRelay.class),
                Map.entry(RTMP_CODEC_KNOWS_NO_PROTOCOL, IngestInRtmp.class),
                Map.entry(ONLY_TRANSCODE_USES_FFMPEG, FfmpegOutsideTranscode.class),
                Map.entry(CONTROL_KNOWS_NO_HTTP, HttpInControl.class),
                Map.entry(CORE_KNOWS_NO_NETTY, NettyInCore.class),
                Map.entry(NOTHING_DEPENDS_ON_SERVER, ServerInIngest.class),
                Map.entry(HLS_DOES_NOT_DEPEND_ON_INGEST, IngestInHls.class),
                Map.entry(HLS_DOES_NOT_KNOW_THE_RELAY_TIER, RelayInHls.class),
                Map.entry(HTTP_IS_A_LIBRARY, CoreInHttp.class),
                Map.entry(PROTOCOLS_DO_NOT_REACH_THE_CONTROL_PLANE, ControlInHls.class));
        return breakers.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void mainCodeKeepsTheRule(ArchRule rule, Class<?> breaker) {
        assertThat(main.size()).as("the main code of every module was imported").isGreaterThan(100);
        EvaluationResult result = rule.evaluate(main);
        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }

    @ParameterizedTest(name = "{0} fails when broken")
    @MethodSource("rules")
    void theRuleFailsWhenBroken(ArchRule rule, Class<?> breaker) {
        JavaClasses broken = new ClassFileImporter().importClasses(breaker);
        assertThat(rule.evaluate(broken).hasViolation()).as(rule.getDescription()).isTrue();
    }
}
