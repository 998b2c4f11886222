package dev.toolgate.mode.conversion;

import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Set;

/**
 * The upstream policies (Kong's transformers) of the route that owns a tool, applied to each call's
 * REST request after it is encoded and to the answer before it becomes the tool's result. The
 * arguments' encoding is kept where no rule touched the query.
 *
 * @param exchange the call's exchange (on the owning route)
 * @param policies the owning route's upstream policies for this caller, in order
 */
record UpstreamTransforms(Exchange exchange, List<UpstreamPolicy> policies) {

    /** Nothing to transform. */
    static final UpstreamTransforms NONE = new UpstreamTransforms(null, List.of());

    /** @param written lower-case names of the headers the gateway wrote into {@code request} */
    UpstreamRequest request(UpstreamRequest request, Set<String> written) {
        if (policies.isEmpty()) {
            return request;
        }
        String uri = request.uri();
        int question = uri.indexOf('?');
        String rawQuery = question < 0 ? null : uri.substring(question + 1);
        UpstreamCall call = new UpstreamCall(request.method().name(), question < 0 ? uri : uri.substring(0, question),
                UpstreamQuery.decode(rawQuery, false), request.headers(), written, request.body(), true);
        policies.forEach(p -> p.request(exchange, call));
        // a header a transformer added has no client twin either
        ForwardedHeaders.dropClientTwins(call.headers(), call.writtenHeaders());
        String query = call.isQueryChanged() ? UpstreamQuery.encode(call.query()) : rawQuery;
        return new UpstreamRequest(request.target(), HttpMethod.valueOf(call.method()),
                query == null ? call.path() : call.path() + "?" + query, call.headers(), call.body(),
                request.timeoutMs(), request.maxResponseBytes());
    }

    UpstreamResponse response(UpstreamResponse response) {
        if (policies.isEmpty()) {
            return response;
        }
        UpstreamAnswer answer = new UpstreamAnswer(response.status(), response.headers(), response.body(), true);
        policies.forEach(p -> p.response(exchange, answer));
        return new UpstreamResponse(response.status(), response.statusMessage(), answer.headers(), answer.body(),
                response.headNanos());
    }
}
