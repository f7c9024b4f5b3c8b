package io.cuecast.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real HTTP: happy paths and every refusal, each a JSON error naming the problem. */
class AdminApiE2ETest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir.resolve("data"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return TestServer.JSON.readTree(r.body()).get("error");
    }

    @Test
    void createListGetRotateDelete() throws Exception {
        JsonNode created = server.createStream();
        String id = created.get("id").asText();
        assertThat(id).matches("[a-z2-7]{12}");
        assertThat(created.get("streamKey").asText()).matches("sk_[A-Za-z0-9]{32}");
        assertThat(created.get("rtmpServer").asText()).isEqualTo("rtmp://127.0.0.1:" + server.server.rtmpPort() + "/live");

        HttpResponse<String> list = server.api("GET", "/api/v1/streams", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(TestServer.JSON.readTree(list.body()).get("streams").findValuesAsText("id")).contains(id);

        HttpResponse<String> noBody = server.api("POST", "/api/v1/streams", null);
        assertThat(noBody.statusCode()).isEqualTo(201);

        HttpResponse<String> rotated = server.api("POST", "/api/v1/streams/" + id + "/key", null);
        assertThat(rotated.statusCode()).isEqualTo(200);
        String newKey = TestServer.JSON.readTree(rotated.body()).get("streamKey").asText();
        assertThat(newKey).isNotEqualTo(created.get("streamKey").asText());
        assertThat(TestServer.JSON.readTree(rotated.body()).get("rtmpUrl").asText()).endsWith("/" + newKey);
        assertThat(server.stream(id).has("streamKey")).as("a key is shown once").isFalse();

        assertThat(server.api("DELETE", "/api/v1/streams/" + id, null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = server.api("GET", "/api/v1/streams/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(error(gone).get("code").asText()).isEqualTo("stream_not_found");
        assertThat(error(gone).get("message").asText()).contains(id);
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        HttpResponse<String> none = TestServer.send(HttpRequest.newBuilder(URI.create(server.admin("/api/v1/streams"))));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(error(none).get("message").asText()).contains("Authorization: Bearer");
        HttpResponse<String> wrong = TestServer.send(HttpRequest.newBuilder(URI.create(server.admin("/api/v1/streams")))
                .header("Authorization", "Bearer nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong).get("message").asText()).isEqualTo("wrong admin token");
    }

    @Test
    void badBodiesAre4xxNamingTheProblem() throws Exception {
        HttpResponse<String> invalid = server.api("POST", "/api/v1/streams", "{\"name\": ");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(error(invalid).get("code").asText()).isEqualTo("invalid_json");
        assertThat(error(invalid).get("message").asText()).contains("line 1");

        HttpResponse<String> unknown = server.api("POST", "/api/v1/streams", "{\"nmae\": \"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown).get("message").asText()).contains("unknown field 'nmae'", "name");

        HttpResponse<String> wrongType = server.api("POST", "/api/v1/streams", "{\"name\": [1]}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(error(wrongType).get("message").asText()).contains("'name'");

        HttpResponse<String> tooLong = server.api("POST", "/api/v1/streams", "{\"name\": \"" + "x".repeat(201) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(error(tooLong).get("message").asText()).contains("'name' is longer than 200");

        HttpResponse<String> trailing = server.api("POST", "/api/v1/streams", "{} {}");
        assertThat(trailing.statusCode()).isEqualTo(400);

        HttpResponse<String> huge = server.api("POST", "/api/v1/streams", "{\"name\": \"" + "x".repeat(70_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(error(huge).get("message").asText()).contains("admin.maxBodyBytes");

        HttpResponse<String> text = TestServer.send(HttpRequest.newBuilder(URI.create(server.admin("/api/v1/streams")))
                .header("Authorization", "Bearer " + TestServer.TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(text.statusCode()).isEqualTo(415);
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        HttpResponse<String> notFound = server.api("GET", "/api/v1/nothing", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(error(notFound).get("code").asText()).isEqualTo("not_found");
        HttpResponse<String> method = server.api("PUT", "/api/v1/streams", "{}");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(error(method).get("message").asText()).contains("GET, POST");
        assertThat(server.api("DELETE", "/api/v1/streams/doesnotexist", null).statusCode()).isEqualTo(404);
    }

    @Test
    void metricsAndHealthNeedNoToken() throws Exception {
        HttpResponse<String> metrics = server.get(server.admin("/metrics"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds",
                "cuecast_rtmp_connections", "cuecast_hls_requests_total");
        assertThat(server.get(server.admin("/healthz")).body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void publicPortServesNoAdminAndUnknownPathsAre404() throws Exception {
        assertThat(server.get(server.http("/api/v1/streams")).statusCode()).isEqualTo(404);
        assertThat(server.get(server.http("/hls/unknown/master.m3u8")).statusCode()).isEqualTo(404);
    }
}
