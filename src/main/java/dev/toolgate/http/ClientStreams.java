package dev.toolgate.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-lived answers each client address holds open on this instance: conversion and listener GET
 * streams, and passthrough exchanges, each of which holds a pooled upstream connection until it ends.
 * One count over all of them, so that one client cannot hold every pooled connection to a server while
 * other clients' requests wait for one.
 */
public final class ClientStreams {

    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();
    private final int max;

    /** @param max how many one client address may hold open at once ({@code --max-sessions-per-client}) */
    public ClientStreams(int max) {
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Counts one more for {@code client}; false (nothing counted) when it holds as many as allowed. */
    public boolean take(String client) {
        return take(client, max);
    }

    /** Like {@link #take(String)}, for a kind of answer allowed fewer than {@link #max} ({@code limit}). */
    public boolean take(String client, int limit) {
        boolean[] taken = new boolean[1];
        held.compute(client, (k, now) -> {
            int count = now == null ? 0 : now;
            taken[0] = count < limit;
            return taken[0] ? count + 1 : now;
        });
        return taken[0];
    }

    /** One that {@link #take} counted for {@code client} ended. */
    public void release(String client) {
        if (client != null) {
            held.computeIfPresent(client, (k, now) -> now <= 1 ? null : now - 1);
        }
    }
}
