package dev.toolgate.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The client's cookies as one {@code Cookie} header carries them on to the upstream, with those a policy reads
 * as a credential taken out. Only the names are parsed: every other cookie goes on as the client sent it.
 */
final class ClientCookies {

    private ClientCookies() {
    }

    /**
     * What is left of {@code headers} (every {@code Cookie} header: HTTP/2 sends each cookie in its own) once the
     * cookies {@code named} are taken out, their names read without the spaces before the {@code =}: null when
     * none was there, so nothing need change, empty when none is left.
     */
    static String less(List<String> headers, Predicate<String> named) {
        List<String> kept = new ArrayList<>();
        boolean found = false;
        for (CookiePair cookie : CookiePair.of(headers)) {
            // "token =x" is no token to nginx's $cookie_token, but Node's cookie and Python's SimpleCookie read it
            // as token: the upstream would take it for the credential withheld, so it is withheld too
            if (named.test(cookie.name().trim())) {
                found = true;
            } else {
                kept.add(cookie.text());
            }
        }
        return found ? String.join("; ", kept) : null;
    }
}
