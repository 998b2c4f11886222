package dev.toolgate.pipeline;

import java.util.List;

/**
 * A policy that reads a credential from request fields of configured names (key-auth's
 * {@code key_names}). Logs of its routes mask those names in request headers and the query string
 * whether or not the policy got to read the request (a 401, a request refused before it ran): a
 * name that is no secret-sounding word, such as {@code tenant}, would otherwise be logged in clear.
 */
public interface NamedCredentials {

    /** The header, query argument and body field names a credential may be read from. */
    List<String> credentialNames();
}
