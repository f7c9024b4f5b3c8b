package io.cuecast.relay.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster coordinated through Redis (research/relay-tier.md §2.3): it
 * registers itself, holds a lease with a fencing epoch on every stream published here, renews it
 * and stops acting as owner by itself when it cannot, shares streams and keys, and as owner reads
 * the cues posted on any node from the stream's Redis Stream. Only commands common to Redis 7.0
 * and Valkey are used.
 *
 * <p>Keys (prefix {@code cc:}; a stream's keys share the hash tag {@code {s:ID}}):
 * {@code cc:nodes} (ZSET node → last seen ms), {@code cc:node:ID} (HASH, expires),
 * {@code cc:streams} (HASH id → shared stream), {@code cc:streams:deleted} (SET),
 * {@code cc:{s:ID}:owner} ({@code node:epoch}, PX lease), {@code cc:{s:ID}:epoch} (INCR),
 * {@code cc:{s:ID}:timeline} (HASH rendition → next msn and discontinuity index),
 * {@code cc:{s:ID}:cues} (STREAM, group {@code owner}), {@code cc:{s:ID}:applied} (SET of cue ids),
 * {@code cc:idem:ID:KEY} (cue idempotency keys, a day).
 *
 * <p>Every Redis call runs on this node's single cluster thread (blocking calls with a timeout), so
 * no event loop ever waits on Redis; the cue reader has a thread and a connection of its own
 * because it blocks in XREADGROUP.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    private static final String GROUP = "owner";
    /** Cues kept per stream in its Redis Stream (approximate trim). */
    private static final long CUE_LOG_MAX = 10_000;

    /**
     * Takes the lease when free (a new epoch), or keeps it when this node holds it; nil when another
     * node does. KEYS: owner, epoch. ARGV: node id, lease ms, lowest epoch to hand out.
     */
    private static final String ACQUIRE = """
            local cur = redis.call('GET', KEYS[1])
            if cur then
              if string.match(cur, '^(.*):%d+$') == ARGV[1] then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return cur
              end
              return false
            end
            local e = redis.call('INCR', KEYS[2])
            if e < tonumber(ARGV[3]) then
              e = tonumber(ARGV[3])
              redis.call('SET', KEYS[2], e)
            end
            local v = ARGV[1] .. ':' .. e
            redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
            return v""";
    /** Renews only the lease this node holds with this epoch (never a blind SET). */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0""";
    /** Releases only the lease this node holds with this epoch. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0""";

    /** A lease this node holds. */
    public record Lease(String streamId, long epoch, long renewedAtMs) {}

    private final String nodeId;
    private final String role;
    private final String url;
    private final RedisURI uri;
    private final int leaseMs;
    private final int renewMs;
    private final ClusterHost host;
    private final RedisClient client;
    private final ScheduledExecutorService thread;
    private final ExecutorService cueThread;
    private final Set<String> candidates = ConcurrentHashMap.newKeySet();
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final Map<String, Long> lastEpoch = new ConcurrentHashMap<>();
    /** The epoch each stream's ownership was last taken up with (continuing the numbering once per epoch). */
    private final Map<String, Long> announced = new ConcurrentHashMap<>();
    private final Map<String, Long> lastMark = new HashMap<>();
    private final AtomicLong cuesApplied = new AtomicLong();
    private final AtomicLong cueLagMs = new AtomicLong();
    private final AtomicLong nodesSeen = new AtomicLong();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisConnection<String, String> reader;
    private volatile boolean connected;
    private volatile String lastError = "";
    private volatile boolean closed;
    private long lastSync;

    /**
     * @param url this node's public base URL (what edges mirror from)
     */
    public ClusterNode(String nodeId, String role, String url, String redisUrl, int leaseMs, int renewMs,
                       ClusterHost host, MeterRegistry meters) {
        this.nodeId = nodeId;
        this.role = role;
        this.url = url;
        this.uri = RedisURI.create(redisUrl);
        this.uri.setTimeout(Duration.ofMillis(Math.max(200, renewMs)));
        this.leaseMs = leaseMs;
        this.renewMs = renewMs;
        this.host = host;
        this.client = RedisClient.create();
        // Fail fast while Redis is away instead of queueing commands for when it returns: a lease
        // renewal that waited would arrive after the lease was gone.
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(Math.max(200, renewMs)))).build());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cuecast-cluster"));
        this.cueThread = Executors.newSingleThreadExecutor(r -> daemon(r, "cuecast-cluster-cues"));
        meters.gauge("cuecast.cluster.connected", this, n -> n.connected ? 1 : 0);
        meters.gauge("cuecast.cluster.leases", leases, Map::size);
        meters.gauge("cuecast.cluster.cues.applied", cuesApplied, AtomicLong::get);
        meters.gauge("cuecast.cluster.cue.lag.ms", cueLagMs, AtomicLong::get);
        meters.gauge("cuecast.cluster.nodes", nodesSeen, AtomicLong::get);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Connects (retrying in the background when Redis is not there) and starts the loops. */
    public ClusterNode start() {
        thread.scheduleWithFixedDelay(this::tick, 0, renewMs, TimeUnit.MILLISECONDS);
        // Standby origins retry a free lease twice per renewal period.
        thread.scheduleWithFixedDelay(this::standby, renewMs / 2, Math.max(100, renewMs / 2), TimeUnit.MILLISECONDS);
        cueThread.execute(this::readCues);
        return this;
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** True while connected to Redis. */
    public boolean connected() {
        return connected;
    }

    /** The last connection or command error, empty when none. */
    public String lastError() {
        return lastError;
    }

    /** A publisher started on this node: try to own the stream. */
    public void publishing(String streamId) {
        candidates.add(streamId);
        thread.execute(() -> acquire(streamId));
    }

    /**
     * The lease of {@code streamId} when this node holds it and renewed it within half the lease
     * time; empty otherwise (the node self-fences: another node may take the stream soon).
     */
    public Optional<Lease> ownership(String streamId) {
        Lease l = leases.get(streamId);
        if (l == null || System.currentTimeMillis() - l.renewedAtMs() > leaseMs / 2) {
            return Optional.empty();
        }
        return Optional.of(l);
    }

    /** Every lease held (valid or not), for the admin API. */
    public Map<String, Lease> leases() {
        return Map.copyOf(leases);
    }

    private RedisCommands<String, String> redis() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null || !c.isOpen()) {
            throw new IllegalStateException("not connected to Redis");
        }
        return c.sync();
    }

    private void connect() {
        if (connection != null && connection.isOpen()) {
            return;
        }
        try {
            connection = client.connect(StringCodec.UTF8, uri);
            reader = client.connect(StringCodec.UTF8, uri);
            if (!connected) {
                log.info("cluster: node {} connected to Redis at {}", nodeId, where());
            }
            connected = true;
            lastError = "";
        } catch (RuntimeException e) {
            connected = false;
            String why = describe(e);
            if (!why.equals(lastError)) {
                log.error("cluster: cannot use Redis at {} (cluster.redisUrl): {}; this node keeps serving what it"
                        + " has and retries every {} ms", where(), why, renewMs);
            }
            lastError = why;
            if (connection != null) {
                connection.closeAsync();
                connection = null;
            }
        }
    }

    /** Where Redis is, for the log: host and port, or the Sentinels and the master's name. */
    private String where() {
        if (uri.getSentinels() != null && !uri.getSentinels().isEmpty()) {
            return "master '" + uri.getSentinelMasterId() + "' of Sentinel " + uri.getSentinels().stream()
                    .map(s -> s.getHost() + ":" + s.getPort()).toList();
        }
        return uri.getHost() + ":" + uri.getPort();
    }

    /** A Redis failure in words an operator can act on. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (m.contains("WRONGPASS") || m.contains("NOAUTH") || m.contains("invalid password")) {
                return "Redis refused the credentials in cluster.redisUrl (" + m + ")";
            }
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(m);
            if (sb.length() > 300) {
                break;
            }
        }
        return sb.toString();
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            connect();
            if (!connected) {
                return;
            }
            RedisCommands<String, String> r = redis();
            long now = System.currentTimeMillis();
            r.zadd("cc:nodes", now, nodeId);
            String key = "cc:node:" + nodeId;
            r.hset(key, Map.of("role", role, "url", url, "leases", Integer.toString(leases.size())));
            r.pexpire(key, Math.max(10_000, 3L * leaseMs));
            // Nodes gone for a minute leave the membership set.
            r.zremrangebyscore("cc:nodes", Range.create(0, now - 60_000));
            // Nodes heard from within three lease periods: the live membership.
            nodesSeen.set(r.zcount("cc:nodes", Range.create(now - 3L * leaseMs, Long.MAX_VALUE)));
            renewAll(r);
            writeMarks(r);
            if (now - lastSync >= 2L * renewMs) {
                lastSync = now;
                syncStreams(r);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        String why = describe(e);
        if (!why.equals(lastError)) {
            log.warn("cluster: Redis call failed: {}", why);
        }
        lastError = why;
        if (connection == null || !connection.isOpen()) {
            connected = false;
        }
    }

    private void renewAll(RedisCommands<String, String> r) {
        for (Lease l : List.copyOf(leases.values())) {
            if (!host.publishing(l.streamId())) {
                release(r, l);
                continue;
            }
            Long ok = r.eval(RENEW, ScriptOutputType.INTEGER, new String[] {owner(l.streamId())},
                    nodeId + ":" + l.epoch(), Integer.toString(leaseMs));
            if (ok != null && ok == 1) {
                leases.put(l.streamId(), new Lease(l.streamId(), l.epoch(), System.currentTimeMillis()));
            } else {
                // Gone (Redis restarted, or it expired and another node took it): ask again.
                leases.remove(l.streamId());
                log.warn("cluster: lease of stream {} (epoch {}) lost; asking again", l.streamId(), l.epoch());
                acquire(l.streamId());
            }
        }
    }

    private void release(RedisCommands<String, String> r, Lease l) {
        leases.remove(l.streamId());
        candidates.remove(l.streamId());
        r.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {owner(l.streamId())}, nodeId + ":" + l.epoch());
        log.info("cluster: released stream {} (epoch {})", l.streamId(), l.epoch());
    }

    private void standby() {
        if (closed || !connected) {
            return;
        }
        for (String id : List.copyOf(candidates)) {
            if (!host.publishing(id)) {
                candidates.remove(id);
            } else if (!leases.containsKey(id)) {
                acquire(id);
            }
        }
    }

    private void acquire(String streamId) {
        if (closed || !connected || !host.publishing(streamId)) {
            return;
        }
        try {
            RedisCommands<String, String> r = redis();
            long min = lastEpoch.getOrDefault(streamId, 0L);
            String v = r.eval(ACQUIRE, ScriptOutputType.VALUE, new String[] {owner(streamId), epochKey(streamId)},
                    nodeId, Integer.toString(leaseMs), Long.toString(min));
            if (v == null) {
                return; // another node owns it: standby
            }
            long epoch = Long.parseLong(v.substring(v.lastIndexOf(':') + 1));
            lastEpoch.put(streamId, epoch);
            leases.put(streamId, new Lease(streamId, epoch, System.currentTimeMillis()));
            r.xgroupCreate(XReadArgs.StreamOffset.from(cues(streamId), "0"), GROUP,
                    XGroupCreateArgs.Builder.mkstream(true));
        } catch (io.lettuce.core.RedisBusyException e) {
            // the group exists already
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        Lease l = leases.get(streamId);
        if (l != null) {
            onOwned(streamId, l.epoch());
        }
    }

    /** Once per epoch: continue the numbering of the previous owner. */
    private void onOwned(String streamId, long epoch) {
        Long before = announced.put(streamId, epoch);
        if (before != null && before == epoch) {
            return;
        }
        log.info("cluster: node {} owns stream {} (epoch {})", nodeId, streamId, epoch);
        try {
            Map<String, String> raw = redis().hgetall(timeline(streamId));
            Map<String, ClusterHost.Mark> marks = new LinkedHashMap<>();
            raw.forEach((rendition, v) -> {
                // next:discontinuityIndex:node — a node that wrote the marks itself owned the stream
                // before (a lost and retaken lease): its numbering simply goes on.
                String[] p = v.split(":", 3);
                if (p.length == 3 && !p[2].equals(nodeId)) {
                    marks.put(rendition, new ClusterHost.Mark(Long.parseLong(p[0]), Long.parseLong(p[1])));
                }
            });
            if (!marks.isEmpty()) {
                host.continueFrom(streamId, marks);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** The owner records where each rendition's numbering stands when it changes. */
    private void writeMarks(RedisCommands<String, String> r) {
        for (Lease l : leases.values()) {
            Map<String, ClusterHost.Mark> marks = host.marks(l.streamId());
            Map<String, String> out = new HashMap<>();
            marks.forEach((rendition, m) -> {
                String k = l.streamId() + "/" + rendition;
                if (!Long.valueOf(m.nextSequence()).equals(lastMark.get(k))) {
                    lastMark.put(k, m.nextSequence());
                    out.put(rendition, m.nextSequence() + ":" + m.discontinuityIndex() + ":" + nodeId);
                }
            });
            if (!out.isEmpty() && ownership(l.streamId()).isPresent()) {
                r.hset(timeline(l.streamId()), out);
                log.debug("cluster: stream {} numbering {}", l.streamId(), out);
            } else if (!out.isEmpty()) {
                marks.keySet().forEach(rendition -> lastMark.remove(l.streamId() + "/" + rendition));
            }
        }
    }

    private void syncStreams(RedisCommands<String, String> r) {
        Map<String, String> shared = r.hgetall("cc:streams");
        Set<String> deleted = r.smembers("cc:streams:deleted");
        Map<String, ClusterHost.SharedStream> local = new HashMap<>();
        for (ClusterHost.SharedStream s : host.localStreams()) {
            local.put(s.id(), s);
        }
        for (String id : deleted) {
            if (local.remove(id) != null) {
                host.deleteStream(id);
            }
        }
        for (Map.Entry<String, String> e : shared.entrySet()) {
            ClusterHost.SharedStream s = decode(e.getKey(), e.getValue());
            if (s == null) {
                continue;
            }
            ClusterHost.SharedStream mine = local.get(s.id());
            if (!deleted.contains(s.id()) && (mine == null || !mine.keyHash().equals(s.keyHash()))) {
                host.importStream(s);
            }
        }
        for (ClusterHost.SharedStream s : local.values()) {
            if (!shared.containsKey(s.id())) {
                // Ours and not in the store (created before clustering, or Redis lost its data): share it.
                r.hsetnx("cc:streams", s.id(), encode(s));
            }
        }
    }

    /** A segment completed on this node: the owner records the numbering at once, for a takeover. */
    public void segmentCompleted(String streamId) {
        if (leases.containsKey(streamId)) {
            thread.execute(() -> {
                try {
                    if (connected) {
                        writeMarks(redis());
                    }
                } catch (RuntimeException e) {
                    failed(e);
                }
            });
        }
    }

    /** A stream created or re-keyed here: shared at once. */
    public void shareStream(ClusterHost.SharedStream s) {
        thread.execute(() -> {
            if (!connected) {
                return; // shared by the first sync after (re)connecting: local streams Redis lacks are added
            }
            try {
                RedisCommands<String, String> r = redis();
                r.srem("cc:streams:deleted", s.id());
                r.hset("cc:streams", s.id(), encode(s));
            } catch (RuntimeException e) {
                failed(e);
            }
        });
    }

    /** A stream deleted here: deleted everywhere. */
    public void unshareStream(String id) {
        thread.execute(() -> {
            if (!connected) {
                log.warn("cluster: stream {} deleted while Redis is away: other nodes keep it until it is deleted"
                        + " there too", id);
                return;
            }
            try {
                RedisCommands<String, String> r = redis();
                r.hdel("cc:streams", id);
                r.sadd("cc:streams:deleted", id);
            } catch (RuntimeException e) {
                failed(e);
            }
        });
    }

    static String encode(ClusterHost.SharedStream s) {
        return s.keyHash() + "\n" + s.createdAtMs() + "\n" + s.name();
    }

    static ClusterHost.SharedStream decode(String id, String v) {
        String[] p = v.split("\n", 3);
        if (p.length != 3) {
            return null;
        }
        try {
            return new ClusterHost.SharedStream(id, p[2], p[0], Long.parseLong(p[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Posts a cue for the owner, whichever node that is (or will be): appended to the stream's cue
     * log with its id. With an idempotency key already used, the first cue's id is returned.
     *
     * @return the cue id
     */
    public String postCue(String streamId, String cueId, String idempotencyKey, String requestJson) {
        RedisCommands<String, String> r = redis();
        if (idempotencyKey != null) {
            String idem = "cc:idem:" + streamId + ":" + idempotencyKey;
            Boolean first = "OK".equals(r.set(idem, cueId, SetArgs.Builder.nx().ex(86_400)));
            if (!first) {
                String existing = r.get(idem);
                if (existing != null) {
                    return existing;
                }
            }
        }
        r.xadd(cues(streamId), XAddArgs.Builder.maxlen(CUE_LOG_MAX).approximateTrimming(),
                Map.of("id", cueId, "at", Long.toString(System.currentTimeMillis()), "request", requestJson));
        return cueId;
    }

    /** The owner's cue loop: its own pending cues first (retries, and a dead owner's claimed), then new ones. */
    private void readCues() {
        while (!closed) {
            try {
                StatefulRedisConnection<String, String> c = reader;
                if (!connected || c == null || !c.isOpen() || leases.isEmpty()) {
                    Thread.sleep(100);
                    continue;
                }
                RedisCommands<String, String> r = c.sync();
                boolean worked = false;
                for (String streamId : List.copyOf(leases.keySet())) {
                    if (ownership(streamId).isEmpty()) {
                        continue; // self-fenced: the next owner will take these
                    }
                    String key = cues(streamId);
                    // Cues a dead owner read and never acknowledged become ours.
                    var claimed = r.xautoclaim(key, XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, nodeId),
                            Duration.ofMillis(leaseMs), "0-0").count(100));
                    worked |= handle(r, streamId, claimed.getMessages());
                    worked |= handle(r, streamId, r.xreadgroup(Consumer.from(GROUP, nodeId),
                            XReadArgs.Builder.count(100), XReadArgs.StreamOffset.from(key, "0")));
                    worked |= handle(r, streamId, r.xreadgroup(Consumer.from(GROUP, nodeId),
                            XReadArgs.Builder.count(100).block(leases.size() == 1 ? 200 : 20),
                            XReadArgs.StreamOffset.lastConsumed(key)));
                }
                if (!worked) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    String why = describe(e);
                    if (why.contains("NOGROUP")) {
                        leases.keySet().forEach(id -> thread.execute(() -> acquire(id)));
                    } else if (!why.equals(lastError)) {
                        log.warn("cluster: reading cues failed: {}", why);
                    }
                    sleepQuietly(200);
                }
            }
        }
    }

    private boolean handle(RedisCommands<String, String> r, String streamId,
                           List<StreamMessage<String, String>> messages) {
        boolean any = false;
        for (StreamMessage<String, String> m : messages) {
            if (m.getBody() == null || m.getBody().get("id") == null) {
                r.xack(cues(streamId), GROUP, m.getId()); // trimmed or foreign: nothing to apply
                continue;
            }
            String cueId = m.getBody().get("id");
            if (r.sismember(applied(streamId), cueId)) {
                r.xack(cues(streamId), GROUP, m.getId()); // applied by an earlier owner
                continue;
            }
            ClusterHost.CueResult result = host.applyCue(streamId, cueId, m.getBody().get("request"));
            if (result == ClusterHost.CueResult.RETRY) {
                continue; // stays pending; read again from "0"
            }
            if (result == ClusterHost.CueResult.APPLIED) {
                r.sadd(applied(streamId), cueId);
                r.expire(applied(streamId), 86_400);
                cuesApplied.incrementAndGet();
                String at = m.getBody().get("at");
                if (at != null) {
                    cueLagMs.set(Math.max(0, System.currentTimeMillis() - Long.parseLong(at)));
                }
            }
            r.xack(cues(streamId), GROUP, m.getId());
            any = true;
        }
        return any;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The public base URL of the node owning {@code streamId} now, if any. */
    public Optional<URI> ownerUrl(String streamId) {
        try {
            RedisCommands<String, String> r = redis();
            String v = r.get(owner(streamId));
            if (v == null) {
                return Optional.empty();
            }
            String node = v.substring(0, v.lastIndexOf(':'));
            String u = r.hget("cc:node:" + node, "url");
            return u == null ? Optional.empty() : Optional.of(URI.create(u));
        } catch (RuntimeException e) {
            failed(e);
            return Optional.empty();
        }
    }

    /** The nodes seen in the last minute: id → {role, url, lastSeenMs}. */
    public Map<String, Map<String, String>> nodes() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (!connected) {
            return out;
        }
        try {
            RedisCommands<String, String> r = redis();
            for (var sv : r.zrangeWithScores("cc:nodes", 0, -1)) {
                Map<String, String> h = new LinkedHashMap<>(r.hgetall("cc:node:" + sv.getValue()));
                h.put("lastSeenMs", Long.toString((long) sv.getScore()));
                out.put(sv.getValue(), h);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
        return out;
    }

    /** The owner value ({@code node:epoch}) of every stream id given, for the admin API. */
    public Map<String, String> owners(List<String> streamIds) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!connected) {
            return out;
        }
        try {
            RedisCommands<String, String> r = redis();
            for (String id : streamIds) {
                String v = r.get(owner(id));
                if (v != null) {
                    out.put(id, v);
                }
            }
        } catch (RuntimeException e) {
            failed(e);
        }
        return out;
    }

    /** Runs {@code task} on the cluster thread (Redis calls block there, never on an event loop). */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, thread);
    }

    private static String owner(String id) {
        return "cc:{s:" + id + "}:owner";
    }

    private static String epochKey(String id) {
        return "cc:{s:" + id + "}:epoch";
    }

    private static String timeline(String id) {
        return "cc:{s:" + id + "}:timeline";
    }

    private static String cues(String id) {
        return "cc:{s:" + id + "}:cues";
    }

    private static String applied(String id) {
        return "cc:{s:" + id + "}:applied";
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.submit(() -> {
                try {
                    RedisCommands<String, String> r = redis();
                    for (Lease l : List.copyOf(leases.values())) {
                        release(r, l);
                    }
                    r.zrem("cc:nodes", nodeId);
                    r.del("cc:node:" + nodeId);
                } catch (RuntimeException e) {
                    // Redis away: the leases expire by themselves
                }
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
        thread.shutdownNow();
        cueThread.shutdownNow();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
