package dev.toolgate.config;

import java.util.List;

/**
 * A Kong Consumer Group; consumers join it with {@code groups: [{name: ...}]} (decK's format).
 *
 * @param id   UUID; derived when absent
 * @param name unique name; ACL rules may name it
 * @param tags free-form labels
 */
public record ConsumerGroup(String id, String name, List<String> tags) {

    public ConsumerGroup {
        tags = List.copyOf(tags);
    }
}
