/**
 * The request pipeline: what every MCP exchange passes through between the router and the mode,
 * in one order written down once ({@link dev.toolgate.pipeline.PolicyOrder}, Kong's plugin
 * priorities). An {@link dev.toolgate.pipeline.Exchange} is computed once per HTTP request and
 * carries the caller ({@link dev.toolgate.pipeline.Principal}); exchange-level policies
 * (authentication, Kong's {@code acl}, limits) run once per request, message-level policies
 * (tool ACLs) once per JSON-RPC message. {@link dev.toolgate.pipeline.PolicyGate} is the error net:
 * every exchange ends with an answer. {@link dev.toolgate.pipeline.Observation} is where the modes report
 * each message (finished by {@link dev.toolgate.pipeline.MessageEvents}) and the exchange's end, for the route's
 * log plugins (Kong's loggers, last in the order).
 */
package dev.toolgate.pipeline;
