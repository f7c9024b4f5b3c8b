package io.cuecast.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuecast.control.ControlException;
import io.cuecast.control.StreamService;
import io.cuecast.control.cues.CueRequest;
import io.cuecast.control.cues.CueService;
import io.cuecast.control.store.StreamRecord;
import io.cuecast.core.hub.HubRegistry;
import io.cuecast.hls.HlsService;
import io.cuecast.relay.cluster.ClusterHost;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's side of cluster mode: streams, publishers, HLS numbering and cues, as the cluster sees them. */
final class ClusterBridge implements ClusterHost {
    private static final Logger log = LoggerFactory.getLogger(ClusterBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final StreamService streams;
    private final HubRegistry hubs;
    private final HlsService hls;
    private final CueService cues;

    ClusterBridge(StreamService streams, HubRegistry hubs, HlsService hls, CueService cues) {
        this.streams = streams;
        this.hubs = hubs;
        this.hls = hls;
        this.cues = cues;
    }

    @Override
    public List<SharedStream> localStreams() {
        return streams.records().stream().map(r -> new SharedStream(r.id(), r.name(), r.keyHash(),
                r.createdAt().toEpochMilli())).toList();
    }

    @Override
    public void importStream(SharedStream s) {
        streams.importStream(new StreamRecord(s.id(), s.name(), s.keyHash(), Instant.ofEpochMilli(s.createdAtMs())));
    }

    @Override
    public void deleteStream(String id) {
        streams.deleteImported(id);
    }

    @Override
    public boolean publishing(String streamId) {
        return hubs.get(streamId).isPresent();
    }

    @Override
    public Map<String, Mark> marks(String streamId) {
        Map<String, Mark> out = new LinkedHashMap<>();
        hls.marks(streamId).forEach((name, m) -> out.put(name, new Mark(m[0], m[1])));
        return out;
    }

    @Override
    public void continueFrom(String streamId, Map<String, Mark> marks) {
        Map<String, long[]> in = new LinkedHashMap<>();
        marks.forEach((name, m) -> in.put(name, new long[] {m.nextSequence(), m.discontinuityIndex()}));
        log.info("stream {}: continuing the previous owner's numbering {}", streamId, marks);
        hls.continueFrom(streamId, in);
    }

    @Override
    public CueResult applyCue(String streamId, String cueId, String requestJson) {
        CueRequest request;
        try {
            request = JSON.readValue(requestJson, CueRequest.class);
        } catch (IOException e) {
            log.warn("cue {} of stream {} is unreadable, dropped: {}", cueId, streamId, e.getMessage());
            return CueResult.REFUSED;
        }
        try {
            cues.createWithId(streamId, cueId, request);
            return CueResult.APPLIED;
        } catch (ControlException.RateLimited | ControlException.NotFound | ControlException.Conflict e) {
            // Over the rate, not live here yet, or the stream not synced yet: it stays pending.
            return CueResult.RETRY;
        } catch (ControlException e) {
            log.warn("cue {} of stream {} refused on the owner: {}", cueId, streamId, e.getMessage());
            return CueResult.REFUSED;
        }
    }
}
