package io.cuecast.http;

import java.util.concurrent.CompletionStage;

/** What a route does: a response now, or later (a blocking playlist reload, a database call). */
@FunctionalInterface
public interface Handler {
    /** Answers {@code request}; a thrown {@link HttpError} or domain exception becomes an error response. */
    CompletionStage<Response> handle(Request request) throws Exception;
}
