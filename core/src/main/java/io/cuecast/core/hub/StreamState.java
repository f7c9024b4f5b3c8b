package io.cuecast.core.hub;

/** Lifecycle of a hub (docs/architecture.md). */
public enum StreamState {
    /** A publisher is attached but not every track's codec config is known yet. */
    CREATED,
    /** Every track's codec config is known; readers get packets. */
    PREPARED,
    /** A track's config changed mid-stream (for example new SPS/PPS); readers got the new tracks. */
    UPDATED,
    /** The publisher left; the hub accepts nothing more. */
    DELETED
}
