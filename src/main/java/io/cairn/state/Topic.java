package io.cairn.state;

/**
 * A piece of state a read depends on. A blocking query waits on the topics of its read and is
 * woken only when one of them changes (see docs/blocking-queries.md).
 */
public sealed interface Topic {
  record KvKey(String key) implements Topic {}

  /** Every key that starts with {@code prefix}; the empty prefix is the whole KV store. */
  record KvPrefix(String prefix) implements Topic {}

  /** Instances of a service, their checks and their nodes' checks. */
  record Service(String name) implements Topic {}

  /** A node, its services and its checks. */
  record NodeName(String name) implements Topic {}

  /** A whole catalog table: any change to any row. */
  enum Table implements Topic { NODES, SERVICES, CHECKS, SESSIONS, EVENTS }
}
