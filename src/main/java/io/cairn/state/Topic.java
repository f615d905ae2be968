package io.cairn.state;

/**
 * A piece of state a read depends on. A read registers its topics in a {@link WatchSet} and
 * reports the highest index among them; a blocking query waits on those same topics and is
 * woken only when one of them changes (see docs/blocking-queries.md).
 */
public sealed interface Topic {
  /** One key; a key that does not exist reports (and waits on) the whole KV table instead. */
  record KvKey(String key) implements Topic {}

  /**
   * Every key that starts with {@code prefix}; the empty prefix is the whole KV store. A prefix
   * under which nothing was ever written reports (and waits on) the whole KV table.
   */
  record KvPrefix(String prefix) implements Topic {}

  /** Instances of a service, their checks, their nodes and their nodes' checks. */
  record Service(String name) implements Topic {}

  /** A node, its services and its checks. */
  record NodeName(String name) implements Topic {}

  /**
   * A whole table: any change to any row. {@code GONE_SERVICES} and {@code GONE_NODES} change
   * when a service name or a node leaves the catalog altogether: what a read of a service or
   * node that does not exist reports, as Consul's "service_last_extinction" index.
   */
  enum Table implements Topic { KV, NODES, SERVICES, CHECKS, SESSIONS, EVENTS, GONE_SERVICES, GONE_NODES, QUERIES }
}
