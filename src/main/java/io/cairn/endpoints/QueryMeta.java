package io.cairn.endpoints;

/** What every read reports besides its value: X-Consul-Index, -KnownLeader and -LastContact. */
public record QueryMeta(long index, boolean knownLeader, long lastContactMillis) {}
