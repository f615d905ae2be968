package io.cairn.state;

/**
 * One KV operation of a transaction, with Consul's verbs: set, cas, lock, unlock, get,
 * get-tree, check-index, check-session, check-not-exists, delete, delete-tree, delete-cas.
 */
public record TxnOp(String verb, String key, byte[] value, long flags, long index, String session) {}
