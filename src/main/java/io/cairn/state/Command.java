package io.cairn.state;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Every change to replicated state is one of these, appended to the Raft log and applied by
 * {@link StateStore#apply}. The type name is written into the log, so renaming a record is a
 * log format change.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.Batch.class, name = "batch"),
    @JsonSubTypes.Type(value = Command.KvSet.class, name = "kv-set"),
    @JsonSubTypes.Type(value = Command.KvDelete.class, name = "kv-delete"),
    @JsonSubTypes.Type(value = Command.CatalogRegister.class, name = "catalog-register"),
    @JsonSubTypes.Type(value = Command.CatalogDeregister.class, name = "catalog-deregister"),
    @JsonSubTypes.Type(value = Command.Noop.class, name = "noop"),
    @JsonSubTypes.Type(value = Command.Restore.class, name = "restore"),
    @JsonSubTypes.Type(value = Command.Once.class, name = "once"),
    @JsonSubTypes.Type(value = Command.SessionCreate.class, name = "session-create"),
    @JsonSubTypes.Type(value = Command.Txn.class, name = "txn"),
    @JsonSubTypes.Type(value = Command.NodeLeft.class, name = "node-left"),
    @JsonSubTypes.Type(value = Command.EventFire.class, name = "event-fire"),
    @JsonSubTypes.Type(value = Command.SessionDestroy.class, name = "session-destroy"),
    @JsonSubTypes.Type(value = Command.RestoreChunk.class, name = "restore-chunk"),
    @JsonSubTypes.Type(value = Command.RestoreAbort.class, name = "restore-abort"),
    @JsonSubTypes.Type(value = Command.QuerySet.class, name = "query-set"),
    @JsonSubTypes.Type(value = Command.QueryDelete.class, name = "query-delete"),
    @JsonSubTypes.Type(value = Command.AutopilotSet.class, name = "autopilot-set"),
})
public sealed interface Command {

  /** Several commands coalesced into one log entry; applied in order, each with its own outcome. */
  record Batch(List<Command> commands) implements Command {}

  /**
   * Set a key. {@code cas} null: unconditional; 0: only if absent; n: only if its ModifyIndex is n.
   * With {@code acquire}, only if the key is free or already held by that session, which then
   * holds it; with {@code release}, only if that session holds it, which then lets go.
   */
  record KvSet(String key, byte[] value, long flags, Long cas, String acquire, String release) implements Command {
    public KvSet(String key, byte[] value, long flags, Long cas) {
      this(key, value, flags, cas, null, null);
    }
  }

  /** A node left on purpose: it is deregistered, and remembered as "left" for `members`. */
  record NodeLeft(String node, String address) implements Command {}

  /** Fire a user event: kept among the last {@code UserEvent.MAX_KEPT} for every agent to list. */
  record EventFire(UserEvent event) implements Command {}

  /** KV operations applied all together or not at all. */
  record Txn(List<TxnOp> ops) implements Command {
    public Txn {
      ops = ops == null ? List.of() : List.copyOf(ops);
    }
  }

  /** Create a session (its id chosen by the caller, so that a resend creates it once). */
  record SessionCreate(Session session) implements Command {}

  /** End a session: its locks are released, or its keys deleted, per its behavior. */
  record SessionDestroy(String id) implements Command {}

  /** Delete a key, or every key under it with {@code recurse}; {@code cas} as for {@link KvSet}. */
  record KvDelete(String key, boolean recurse, Long cas) implements Command {}

  /**
   * Upsert a node, optionally one service on it and checks. The node's fields are skipped when
   * {@code skipNodeUpdate} (an agent re-syncing a service must not clobber node meta).
   */
  record CatalogRegister(String nodeId, String node, String address, String datacenter,
                         Map<String, String> taggedAddresses, Map<String, String> nodeMeta,
                         boolean skipNodeUpdate, ServiceInstance service, List<HealthCheck> checks)
      implements Command {
    public CatalogRegister {
      checks = checks == null ? List.of() : List.copyOf(checks);
    }
  }

  /** Remove a check, or a service and its checks, or (both null) a node and all it holds. */
  record CatalogDeregister(String node, String serviceId, String checkId) implements Command {}

  /** Writes nothing; used to learn the current commit index (e.g. on a new leader). */
  record Noop() implements Command {}

  /**
   * A command that a caller may send more than once (a resend after a lost reply or a leader
   * change): applied the first time, answered with the first outcome after that.
   */
  record Once(String requestId, Command command) implements Command {}

  /** Replaces the whole state with a saved image ({@code cairn snapshot restore}). */
  record Restore(Image image) implements Command {}

  /**
   * One part of a backup restored in parts, so that no log entry (and no request) has to hold
   * a whole large store. Part 0 starts the restore (dropping any unfinished one), later parts
   * must come in order, and the last replaces the state with everything that arrived, if it is
   * valid as a whole. A part sent again (a resend) is answered as applied and changes nothing,
   * so parts need no request id.
   */
  record RestoreChunk(String restoreId, int seq, Image part, boolean last) implements Command {}

  /** Drops an unfinished restore in parts (its upload failed); nothing else changes. */
  record RestoreAbort(String restoreId) implements Command {}

  /** Creates or replaces a prepared query (the id is chosen before the write, so a resend is the same query). */
  record QuerySet(PreparedQuery query) implements Command {}

  record QueryDelete(String id) implements Command {}

  /**
   * Replaces autopilot's settings. {@code cas} null: unconditional; n: only if the stored
   * settings' ModifyIndex is n (0 while none were ever stored). Outcome.NOT_APPLIED when it differs.
   */
  record AutopilotSet(AutopilotConfig config, Long cas) implements Command {}
}
