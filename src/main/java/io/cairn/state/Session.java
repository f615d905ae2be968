package io.cairn.state;

import java.util.List;

/**
 * A session: a node's claim that it is alive, tied to health checks (and optionally a TTL
 * the leader enforces). Locks in the KV store are held by sessions; when a session ends, its
 * locks are released, or its keys deleted ({@code behavior} "release" or "delete").
 */
public record Session(String id, String name, String node, List<String> nodeChecks, List<String> serviceChecks,
                      long lockDelayNanos, String behavior, String ttl, long createIndex, long modifyIndex) {
  public static final String RELEASE = "release";
  public static final String DELETE = "delete";

  public Session {
    name = name == null ? "" : name;
    nodeChecks = nodeChecks == null ? List.of() : List.copyOf(nodeChecks);
    serviceChecks = serviceChecks == null ? List.of() : List.copyOf(serviceChecks);
    behavior = behavior == null || behavior.isEmpty() ? RELEASE : behavior;
    ttl = ttl == null ? "" : ttl;
  }

  Session withIndexes(long create, long modify) {
    return new Session(id, name, node, nodeChecks, serviceChecks, lockDelayNanos, behavior, ttl, create, modify);
  }

  /** Every check whose failure ends this session (shown as the legacy "Checks" field). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public List<String> allChecksView() {
    return allChecks();
  }

  /** Every check whose failure ends this session. */
  List<String> allChecks() {
    List<String> all = new java.util.ArrayList<>(nodeChecks);
    all.addAll(serviceChecks);
    return all;
  }
}
