package dev.toolgate.policy.oauth2;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Sends the plugin's requests to the authorization server (discovery, introspection, token exchange)
 * and reads at most {@link #MAX_ANSWER} bytes of an answer. Nimbus's own sender reads a body of any
 * size into memory; a misbehaving server, or one an attacker answers for, could then hold a gigabyte
 * per request in flight. Redirects are not followed: a client's credentials in the request body must
 * not travel to wherever a redirect points. Blocking: called on virtual threads only.
 */
final class BoundedSender implements HTTPRequestSender {

    /** Far above any metadata document, introspection or token answer seen in practice. */
    static final int MAX_ANSWER = 1024 * 1024;

    static final BoundedSender INSTANCE = new BoundedSender();

    private BoundedSender() {
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) request.getURL().openConnection();
        try {
            return exchange(connection, request);
        } catch (IOException | RuntimeException e) {
            // a connection in an unknown state (an answer cut short or too large) is not kept for reuse
            connection.disconnect();
            throw e;
        }
    }

    /** Sends and reads whole; the connection, its answer read to the end, stays in the JDK's keep-alive cache. */
    private static ReadOnlyHTTPResponse exchange(HttpURLConnection connection, ReadOnlyHTTPRequest request)
            throws IOException {
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout(request.getConnectTimeout());
        connection.setReadTimeout(request.getReadTimeout());
        connection.setRequestMethod(request.getMethod().name());
        request.getHeaderMap().forEach((name, values) -> values.forEach(v -> connection.addRequestProperty(name, v)));
        String body = request.getBody();
        if (body != null) {
            connection.setDoOutput(true);
            connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        HTTPResponse response = new HTTPResponse(connection.getResponseCode());
        for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
            if (header.getKey() != null) {
                response.setHeader(header.getKey(), header.getValue().toArray(String[]::new));
            }
        }
        try (InputStream in = connection.getResponseCode() >= 400 ? connection.getErrorStream()
                : connection.getInputStream()) {
            String text = in == null ? null : read(in, request);
            // as Nimbus's own sender: no body is null, not ""
            response.setBody(text == null || text.isEmpty() ? null : text);
        }
        return response;
    }

    private static String read(InputStream in, ReadOnlyHTTPRequest request) throws IOException {
        byte[] body = in.readNBytes(MAX_ANSWER + 1);
        if (body.length > MAX_ANSWER) {
            throw new IOException("the answer of " + request.getURI().getRawPath() + " is larger than "
                    + MAX_ANSWER / 1024 + " KiB");
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
