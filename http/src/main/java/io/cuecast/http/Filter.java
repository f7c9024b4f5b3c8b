package io.cuecast.http;

/**
 * Runs before a route's handler: the admin bearer token now, signed playback tokens later. Answers
 * null to let the request through, or the response that refuses it.
 */
@FunctionalInterface
public interface Filter {
    Response check(Request request);
}
