package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.observe.ErrorTypes;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.observe.TapEvent;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.RpcRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what the tap reads on one passthrough exchange into the pipeline's records: a client's request
 * opens one, the server's answer with its id finishes it (with its error code, {@code isError} and
 * size); a client's notification is recorded at once. Requests still open when the exchange ends are
 * finished by the exchange's outcome. The server's {@code tools/list} answers teach the route which tools
 * exist ({@link ListedTools}). The records of the client's requests are kept in the order they were read, for
 * the route's policies to note their decisions in ({@link #request}): a batch may repeat an id. Its answers to
 * such an id cannot be told apart, so those requests are finished {@linkplain McpEvent#UNATTRIBUTED unattributed}.
 */
final class PassthroughRecorder implements MessageTap.Local {

    private final Observation observation;
    private final ListedTools listed;
    private final List<RpcRecord> requests = new ArrayList<>(1);
    /** The ids of the exchange's requests, and those its batch repeated (both null until a second request). */
    private String firstId;
    private java.util.Set<String> ids;
    private java.util.Set<String> repeated;

    PassthroughRecorder(Observation observation, ListedTools listed) {
        this.observation = observation;
        this.listed = listed;
    }

    /**
     * The record of the exchange's {@code ordinal}-th request as the tap read them (a message whose
     * {@code jsonrpc} is not "2.0" is none), or {@link RpcRecord#NONE}.
     */
    RpcRecord request(int ordinal) {
        return ordinal < requests.size() ? requests.get(ordinal) : RpcRecord.NONE;
    }

    /** What a request's span names beside its method ({@link dev.toolgate.observe.McpEvent#target}), or null. */
    private static String target(McpEnvelope envelope) {
        return switch (envelope.method()) {
            case "prompts/get" -> envelope.tool();
            case "resources/read", "resources/subscribe", "resources/unsubscribe" -> envelope.uri();
            case null, default -> null;
        };
    }

    /** Notes a request's id; one the exchange already sent is repeated (a batch's requests are few: all are kept). */
    private void noteId(String id) {
        if (id == null) {
            return;
        }
        if (firstId == null) {
            firstId = id;
            return;
        }
        if (ids == null) {
            ids = new java.util.HashSet<>();
            ids.add(firstId);
        }
        if (!ids.add(id)) {
            if (repeated == null) {
                repeated = new java.util.HashSet<>(2);
            }
            repeated.add(id);
        }
    }

    @Override
    public void unread() {
        observation.eventUnread();
    }

    @Override
    public void seen(TapEvent event, McpEnvelope envelope, byte[] bytes, int offset, int length) {
        boolean fromClient = event.direction() == TapEvent.Direction.CLIENT_TO_SERVER;
        switch (event.kind()) {
            case REQUEST -> {
                if (fromClient) {
                    String tool = "tools/call".equals(envelope.method()) ? envelope.tool() : null;
                    if ("initialize".equals(envelope.method()) && envelope.protocolVersion() != null) {
                        observation.initializing(envelope.protocolVersion());
                    }
                    RpcRecord record = observation.begin(envelope.id(), envelope.method(), tool,
                            tool == null ? target(envelope) : null, envelope.bytes(), envelope.traceparent(),
                            envelope.tracestate());
                    requests.add(record);
                    noteId(envelope.idText());
                    if (listed.knows(tool)) {
                        record.toolKnown();
                    }
                    if (record.wantsPayload()) {
                        observation.requestPayload(record, java.util.Arrays.copyOfRange(bytes, offset, offset + length));
                    }
                }
            }
            case NOTIFICATION -> {
                if (fromClient) {
                    observation.notification(envelope.method(), envelope.bytes(), envelope.traceparent(),
                            envelope.tracestate());
                }
            }
            case RESPONSE -> {
                if (!fromClient) {
                    if ("tools/list".equals(event.method()) && envelope.errorCode() == null) {
                        listed.learn(bytes, offset, length);
                    }
                    RpcRecord record = observation.record(event.id());
                    if (repeated != null && repeated.contains(event.id())) {
                        // an answer carries nothing but the id to pair it with, and the server answers in any order:
                        // each of a repeated id's requests is finished as unattributed, none with another's outcome
                        MessageEvents.finish(record, 0, null, McpEvent.UNATTRIBUTED, false, null);
                        return;
                    }
                    if ("initialize".equals(event.method()) && envelope.protocolVersion() != null) {
                        // the version the server settled on, which may not be the one the client asked for
                        observation.initializing(envelope.protocolVersion());
                    }
                    Integer code = envelope.errorCode();
                    // the server's own words, as Kong logs them and conversion routes do; its name when it gave none
                    String error = code == null ? null
                            : envelope.errorMessage() != null ? envelope.errorMessage() : ErrorTypes.name(code);
                    MessageEvents.finish(record, envelope.bytes(), code, error,
                            Boolean.TRUE.equals(envelope.toolError()),
                            observation.payload(bytes, offset, length));
                }
            }
            case INVALID -> {
            }
        }
    }
}
