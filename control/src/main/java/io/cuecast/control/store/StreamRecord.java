package io.cuecast.control.store;

import java.time.Instant;

/**
 * A stream as stored: its id, display name, the hash of its stream key and creation time.
 *
 * @param id short public id used in playback URLs
 * @param name operator-chosen label
 * @param keyHash the {@link KeyHash stored form} of the secret the publisher puts after the RTMP app
 * @param createdAt when it was created
 */
public record StreamRecord(String id, String name, String keyHash, Instant createdAt) {}
