package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * An exchange waiting in a log plugin's queue, with the entities of the snapshot it was served by
 * (a reload does not change what an entry says about its route).
 */
public record LogQueue(ExchangeEvent event, LogEntities entities) {

    /** Kong's log entry for it, as JSON. */
    public byte[] entry() {
        return KongLogEntry.bytes(event, entities);
    }

    /** About the bytes of its entry, for the queue's {@code max_bytes} ({@link ExchangeEvent#weight}). */
    public int weight() {
        return event.weight();
    }

    /** Writes Kong's log entry for it as the next value of {@code g}. */
    public void write(JsonGenerator g) throws IOException {
        KongLogEntry.write(g, event, entities);
    }
}
