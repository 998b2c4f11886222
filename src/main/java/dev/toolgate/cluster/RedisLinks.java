package dev.toolgate.cluster;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis servers this instance talks to, one {@link RedisLink} per distinct {@code redis} block
 * (a rate-limiting plugin and the sessions that name the same Redis share a connection). Links live
 * as long as the gateway: a reload that keeps a block keeps its connection.
 */
public final class RedisLinks implements AutoCloseable {

    private final Map<RedisSettings, RedisLink> links = new ConcurrentHashMap<>();
    private volatile ClientResources resources;

    /** The link for these settings; nothing is opened until it is used. */
    public RedisLink of(RedisSettings settings) {
        return links.computeIfAbsent(settings, s -> new RedisLink(s, resources()));
    }

    /** Every link made so far. */
    public List<RedisLink> all() {
        return List.copyOf(links.values());
    }

    private ClientResources resources() {
        if (resources == null) {
            synchronized (this) {
                if (resources == null) {
                    // Lettuce's own small thread pool; the gateway's event loops only see completions
                    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
                }
            }
        }
        return resources;
    }

    @Override
    public void close() {
        links.values().forEach(RedisLink::close);
        if (resources != null) {
            resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
