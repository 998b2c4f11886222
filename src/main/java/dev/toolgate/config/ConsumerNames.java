package dev.toolgate.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every name an ACL entry can match in a DB-less document: each consumer's username, id and custom_id, the
 * groups of its {@code acls}, and the consumer groups' names. The file holds all of them, so an entry none of
 * them equals matches nobody, which a {@code deny} list would otherwise hide (it refuses no one, silently).
 */
public final class ConsumerNames {

    /** The attributes {@code consumer_identifier} may name, in the order a hint lists them. */
    public static final List<String> IDENTIFIERS = List.of("username", "consumer_id", "custom_id");

    /** Per identifier: each value → the consumer that has it. */
    private final Map<String, Map<String, Consumer>> byIdentifier = new LinkedHashMap<>();
    private final Set<String> consumerGroups = new HashSet<>();
    private final Set<String> aclGroups = new HashSet<>();

    private ConsumerNames(DeclarativeConfig document) {
        IDENTIFIERS.forEach(identifier -> byIdentifier.put(identifier, new HashMap<>()));
        for (Consumer consumer : document.consumers()) {
            put("username", consumer.username(), consumer);
            put("consumer_id", consumer.id(), consumer);
            put("custom_id", consumer.customId(), consumer);
            consumer.acls().forEach(acl -> aclGroups.add(acl.group()));
        }
        document.consumerGroups().forEach(group -> consumerGroups.add(group.name()));
    }

    /** The names of this document. */
    public static ConsumerNames of(DeclarativeConfig document) {
        return new ConsumerNames(document);
    }

    private void put(String identifier, String value, Consumer consumer) {
        if (value != null) {
            byIdentifier.get(identifier).putIfAbsent(value, consumer);
        }
    }

    /** The consumer whose {@code identifier} ({@link #IDENTIFIERS}) is {@code value}, or null. */
    public Consumer consumer(String identifier, String value) {
        return byIdentifier.get(identifier).get(value);
    }

    /** The first identifier ({@link #IDENTIFIERS}) that {@code value} is some consumer's, or null. */
    public String identifierOf(String value) {
        return IDENTIFIERS.stream().filter(identifier -> consumer(identifier, value) != null).findFirst().orElse(null);
    }

    /** True when a consumer group has this name. */
    public boolean consumerGroup(String name) {
        return consumerGroups.contains(name);
    }

    /** True when some consumer's {@code acls} has this group. */
    public boolean aclGroup(String name) {
        return aclGroups.contains(name);
    }

    /** The value of {@code identifier} ({@link #IDENTIFIERS}) of a consumer, or null when it has none. */
    public static String valueOf(Consumer consumer, String identifier) {
        return switch (identifier) {
            case "consumer_id" -> consumer.id();
            case "custom_id" -> consumer.customId();
            default -> consumer.username();
        };
    }

    /**
     * Why an ACL entry matches nobody, and what to write instead: a warning, since Kong accepts the entry (its
     * files load unchanged), though in a {@code deny} list it refuses no one.
     *
     * @param why     the reason, e.g. {@code 'gold' is a consumer group, but include_consumer_groups is false}
     * @param instead what to write instead, e.g. {@code set include_consumer_groups: true}
     */
    public record Nobody(String why, String instead) {

        /** The warning for an entry of the {@code allow} or {@code deny} list. */
        public String message(String list) {
            String effect = list.equals("deny") ? "refuses no one" : "admits no one";
            return why + ", so this " + list + " entry matches nobody and " + effect + ": " + instead;
        }
    }
}
