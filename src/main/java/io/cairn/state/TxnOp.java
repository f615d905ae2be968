package io.cairn.state;

/**
 * One operation of a transaction. A KV operation ({@code kind} null) with Consul's verbs: set,
 * cas, lock, unlock, get, get-tree, check-index, check-session, check-not-exists, delete,
 * delete-tree, delete-cas. A catalog operation ({@code kind} node, service or check) carries its
 * entity, with the verbs set, cas, get, delete and delete-cas; {@code index} is the ModifyIndex
 * a cas or delete-cas expects.
 */
public record TxnOp(String verb, String key, byte[] value, long flags, long index, String session,
                    String kind, Node node, ServiceInstance service, HealthCheck check) {
  public static final String NODE = "node";
  public static final String SERVICE = "service";
  public static final String CHECK = "check";

  /** A KV operation. */
  public TxnOp(String verb, String key, byte[] value, long flags, long index, String session) {
    this(verb, key, value, flags, index, session, null, null, null, null);
  }

  public static TxnOp node(String verb, Node node, long index) {
    return new TxnOp(verb, null, null, 0, index, null, NODE, node, null, null);
  }

  public static TxnOp service(String verb, ServiceInstance service, long index) {
    return new TxnOp(verb, null, null, 0, index, null, SERVICE, null, service, null);
  }

  public static TxnOp check(String verb, HealthCheck check, long index) {
    return new TxnOp(verb, null, null, 0, index, null, CHECK, null, null, check);
  }
}
