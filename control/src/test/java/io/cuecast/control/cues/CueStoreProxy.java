package io.cuecast.control.cues;

import java.util.List;
import java.util.Optional;

/** A store that forwards every call, for tests that count, fail or record one of them. */
class CueStoreProxy implements CueStore {
    private final CueStore real;

    CueStoreProxy(CueStore real) {
        this.real = real;
    }

    @Override
    public Optional<Cue> insert(Cue c) {
        return real.insert(c);
    }

    @Override
    public void update(Cue c) {
        real.update(c);
    }

    @Override
    public List<Cue> list(String streamId) {
        return real.list(streamId);
    }

    @Override
    public List<Cue> scheduled() {
        return real.scheduled();
    }

    @Override
    public List<Cue> placed() {
        return real.placed();
    }

    @Override
    public Optional<Cue> get(String streamId, String cueId) {
        return real.get(streamId, cueId);
    }

    @Override
    public Optional<Cue> byIdempotencyKey(String streamId, String key) {
        return real.byIdempotencyKey(streamId, key);
    }
}
