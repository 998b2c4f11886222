package dev.toolgate.cluster;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.Redacted;

import java.util.List;

/**
 * {@code server.session.redis}: Kong's shared Redis settings, accepted with Kong's defaults.
 *
 * @param host                   default {@code 127.0.0.1}
 * @param port                   default 6379
 * @param database               default 0
 * @param username               Redis ACL user
 * @param password               Redis password (redacted in the Admin API)
 * @param ssl                    connect with TLS; default false
 * @param sslVerify              verify the server certificate; default true
 * @param serverName             SNI name
 * @param connectTimeout         ms; default {@code timeout} (Kong 3.6+'s single field for all three), else 2000
 * @param sendTimeout            ms; default {@code timeout}; no effect of its own: {@code read_timeout} bounds a
 *                              whole command, its sending included
 * @param readTimeout            ms; default {@code timeout}: how long one command may take, sent and answered
 * @param keepalivePoolSize      Kong's connection pool size; accepted, no effect (one multiplexed connection per
 *                              event loop serves every command); default 256
 * @param keepaliveBacklog       Kong's queue when its pool is full; accepted, no effect
 * @param connectionIsProxied    Kong's flag for a Redis behind a proxy; accepted, no effect; default false
 * @param sentinelMaster         Sentinel master name (implies Sentinel)
 * @param sentinelRole           {@code any}, {@code master} or {@code slave}
 * @param sentinelNodes          Sentinel {@code host:port} addresses
 * @param sentinelUsername       Sentinel ACL user; used with {@code sentinel_password} only (alone, Sentinels are
 *                               asked without logging in, as in Kong)
 * @param sentinelPassword       Sentinel password (redacted)
 * @param clusterNodes           Redis Cluster {@code ip:port} addresses (implies Cluster)
 * @param clusterMaxRedirections default 5
 * @param cloudAuthentication    cloud IAM settings, kept as written (secrets redacted); null when none, shown as
 *                               Kong's null, which the reader takes back (cloud IAM itself is refused)
 */
public record RedisSettings(String host, int port, int database, String username, @JsonSerialize(using = Redacted.class) String password, boolean ssl,
                            boolean sslVerify, String serverName, int connectTimeout, int sendTimeout,
                            int readTimeout, int keepalivePoolSize, Integer keepaliveBacklog,
                            boolean connectionIsProxied, String sentinelMaster, String sentinelRole,
                            List<SentinelNode> sentinelNodes, String sentinelUsername, @JsonSerialize(using = Redacted.class) String sentinelPassword,
                            List<ClusterNode> clusterNodes, int clusterMaxRedirections,
                            @JsonSerialize(using = Redacted.class) java.util.Map<String, String> cloudAuthentication) {

    private static final long MAX = 2_147_483_646L;
    private static final List<String> CLOUD_KEYS = List.of("auth_provider", "aws_access_key_id",
            "aws_secret_access_key", "aws_assume_role_arn", "aws_role_session_name", "aws_region", "aws_cache_name",
            "aws_is_serverless", "azure_client_id", "azure_client_secret", "azure_tenant_id",
            "gcp_service_account_json");

    public static RedisSettings read(ConfigNode node) {
        String host = node.text("host", "127.0.0.1");
        int port = (int) node.integer("port", 6379, 0, 65535);
        int database = (int) node.integer("database", 0, 0, Integer.MAX_VALUE);
        String username = node.text("username", null);
        String password = node.text("password", null);
        boolean ssl = node.bool("ssl", false);
        boolean sslVerify = node.bool("ssl_verify", true);
        String serverName = node.text("server_name", null);
        // Kong 3.6+'s shared schema (rate-limiting's) has one timeout, which Kong gives to connect, send and read
        // alike; the EE fields, when written too, are the more precise
        long timeout = node.integer("timeout", 2000, 0, MAX);
        int connectTimeout = (int) node.integer("connect_timeout", timeout, 0, MAX);
        int sendTimeout = (int) node.integer("send_timeout", timeout, 0, MAX);
        int readTimeout = (int) node.integer("read_timeout", timeout, 0, MAX);
        int poolSize = (int) node.integer("keepalive_pool_size", 256, 1, MAX);
        Long backlog = node.integerOrNull("keepalive_backlog", 0, MAX);
        boolean proxied = node.bool("connection_is_proxied", false);
        String sentinelMaster = node.text("sentinel_master", null);
        String sentinelRole = node.oneOf("sentinel_role", null, List.of("any", "master", "slave"));
        List<SentinelNode> sentinelNodes = node.objects("sentinel_nodes").stream()
                .map(n -> new SentinelNode(address(n, "host"), port(n))).toList();
        String sentinelUsername = node.text("sentinel_username", null);
        String sentinelPassword = node.text("sentinel_password", null);
        List<ClusterNode> clusterNodes = node.objects("cluster_nodes").stream()
                .map(n -> new ClusterNode(address(n, "ip"), port(n))).toList();
        int redirections = (int) node.integer("cluster_max_redirections", 5, 0, MAX);
        java.util.Map<String, String> cloud = node.object("cloud_authentication").map(RedisSettings::cloud)
                .orElse(java.util.Map.of());
        refuseUnsupported(node, serverName, sentinelMaster, sentinelRole, sentinelNodes, clusterNodes, cloud);
        node.finish();
        return new RedisSettings(host, port, database, username, password, ssl, sslVerify, serverName, connectTimeout,
                sendTimeout, readTimeout, poolSize, backlog == null ? null : backlog.intValue(), proxied, sentinelMaster,
                sentinelRole, sentinelNodes, sentinelUsername, sentinelPassword, clusterNodes, redirections,
                cloud.isEmpty() ? null : cloud);
    }

    /** Fail closed: what Toolgate cannot honour is refused, never silently ignored. */
    private static void refuseUnsupported(ConfigNode node, String serverName, String sentinelMaster, String sentinelRole,
                                          List<SentinelNode> sentinelNodes, List<ClusterNode> clusterNodes,
                                          java.util.Map<String, String> cloud) {
        if (!clusterNodes.isEmpty()) {
            node.problem("cluster_nodes", "Redis Cluster is not supported yet: use a standalone Redis or one "
                    + "managed by Sentinel (sentinel_master, sentinel_nodes)");
        }
        if (!cloud.isEmpty()) {
            node.problem("cloud_authentication", "cloud IAM authentication is not supported: use username and password");
        }
        if (serverName != null) {
            node.problem("server_name", "is not supported: the TLS server name is the host");
        }
        if (sentinelMaster != null && sentinelNodes.isEmpty()) {
            node.problem("sentinel_nodes", "needs at least one Sentinel when sentinel_master is set");
        }
        if (sentinelMaster == null && !sentinelNodes.isEmpty()) {
            node.problem("sentinel_master", "is required when sentinel_nodes are set");
        }
        if ("slave".equals(sentinelRole)) {
            node.problem("sentinel_role", "slave is not supported: counters and sessions are written, so they need "
                    + "the master (any or master)");
        }
    }

    /** A Sentinel node. */
    public record SentinelNode(String host, int port) {
    }

    /** A Redis Cluster node. */
    public record ClusterNode(String ip, int port) {
    }

    private static String address(ConfigNode node, String hostKey) {
        return node.text(hostKey, "127.0.0.1");
    }

    private static int port(ConfigNode node) {
        int port = (int) node.integer("port", 6379, 0, 65535);
        node.finish();
        return port;
    }

    private static java.util.Map<String, String> cloud(ConfigNode node) {
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String key : CLOUD_KEYS) {
            if (key.equals("aws_is_serverless")) {
                values.put(key, String.valueOf(node.bool(key, true)));
            } else if (key.equals("auth_provider")) {
                String provider = node.oneOf(key, null, List.of("aws", "azure", "gcp"));
                if (provider != null) {
                    values.put(key, provider);
                }
            } else {
                String value = node.text(key, null);
                if (value != null) {
                    values.put(key, value);
                }
            }
        }
        node.finish();
        return java.util.Collections.unmodifiableMap(values);
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
