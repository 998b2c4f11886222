package dev.toolgate.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What policies worked out from one HTTP request's head, kept for the rest of that request: a listener asks
 * the owning routes' authentication whom it finds for every {@code tools/list} and {@code tools/call} of a
 * batch, for every route, and again on the gzip path; the answer does not change within the request, and a
 * jwt signature check costs a millisecond of event loop. Shared by the request's replays on owning routes.
 * So each piece of work runs at most once per HTTP request, whatever the number of messages in it.
 *
 * <p>Confined to the event loop of its request, like the exchange: not thread-safe.
 */
public final class RequestMemo {

    /** Stands for a null result, which is worth remembering too (a refused token). */
    private static final Object NOTHING = new Object();

    private Map<Object, Object> known;

    /**
     * What {@code work} gives, run the first time {@code key} is asked within the request.
     *
     * @param key equal for work that gives the same result from the same request (a record of its inputs)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Supplier<T> work) {
        if (known == null) {
            known = new HashMap<>(4);
        }
        Object remembered = known.get(key);
        if (remembered == null) {
            T made = work.get();
            known.put(key, made == null ? NOTHING : made);
            return made;
        }
        return remembered == NOTHING ? null : (T) remembered;
    }
}
