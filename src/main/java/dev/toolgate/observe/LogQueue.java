package dev.toolgate.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An exchange waiting in a log plugin's queue, with the entities of the snapshot it was served by
 * (a reload does not change what an entry says about its route).
 */
public record LogQueue(ExchangeEvent event, LogEntities entities) {

    /** Kong's log entry for it. */
    public ObjectNode entry() {
        return KongLogEntry.of(event, entities);
    }
}
