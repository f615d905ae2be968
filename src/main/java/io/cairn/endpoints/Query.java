package io.cairn.endpoints;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import io.cairn.state.HealthCheck;
import io.cairn.state.Image;
import io.cairn.state.Indexed;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.ServiceEntry;
import io.cairn.state.Session;
import io.cairn.state.StateStore;
import io.cairn.state.UserEvent;
import io.cairn.state.WatchSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read of the cluster's state, as data: what the HTTP API asks, served from a server's store,
 * or sent as it is to a server by a client agent ({@code /rpc/read}). Every read the interfaces
 * make is one of these, so a client agent forwards a typed question rather than the HTTP request
 * it came as. A read that may find nothing answers with null on the wire (an empty
 * {@link Optional} here).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "read")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Query.KvGet.class, name = "kv-get"),
    @JsonSubTypes.Type(value = Query.KvList.class, name = "kv-list"),
    @JsonSubTypes.Type(value = Query.KvKeys.class, name = "kv-keys"),
    @JsonSubTypes.Type(value = Query.SessionInfo.class, name = "session"),
    @JsonSubTypes.Type(value = Query.Sessions.class, name = "sessions"),
    @JsonSubTypes.Type(value = Query.NodeSessions.class, name = "node-sessions"),
    @JsonSubTypes.Type(value = Query.Events.class, name = "events"),
    @JsonSubTypes.Type(value = Query.Nodes.class, name = "nodes"),
    @JsonSubTypes.Type(value = Query.NodesWithServices.class, name = "nodes-with-services"),
    @JsonSubTypes.Type(value = Query.Services.class, name = "services"),
    @JsonSubTypes.Type(value = Query.ServiceEntries.class, name = "service-entries"),
    @JsonSubTypes.Type(value = Query.NodeServicesOf.class, name = "node-services"),
    @JsonSubTypes.Type(value = Query.NodeChecks.class, name = "node-checks"),
    @JsonSubTypes.Type(value = Query.ServiceChecks.class, name = "service-checks"),
    @JsonSubTypes.Type(value = Query.Checks.class, name = "checks"),
    @JsonSubTypes.Type(value = Query.Backup.class, name = "backup"),
    @JsonSubTypes.Type(value = Query.PreparedQueries.class, name = "prepared-queries"),
    @JsonSubTypes.Type(value = Query.AutopilotSettings.class, name = "autopilot-settings"),
})
public sealed interface Query<T> {
  /** Runs the read on {@code store}, registering what it looked at in {@code ws}. */
  Indexed<T> run(StateStore store, WatchSet ws);

  /** The type of the answer on the wire (an optional's content, null when empty). */
  TypeReference<?> wireType();

  /** The answer as it travels: an optional as its content or null. */
  default Object toWire(T value) {
    return value instanceof Optional<?> o ? o.orElse(null) : value;
  }

  /** The answer back from what travelled. */
  @SuppressWarnings("unchecked")
  default T fromWire(Object wire) {
    return (T) wire;
  }

  /** A read whose answer may be absent: an Optional here, null on the wire. */
  sealed interface Maybe<V> extends Query<Optional<V>> permits KvGet, SessionInfo, NodeServicesOf, AutopilotSettings {
    @Override
    @SuppressWarnings("unchecked")
    default Optional<V> fromWire(Object wire) {
      return Optional.ofNullable((V) wire);
    }
  }

  record KvGet(String key) implements Maybe<KvEntry> {
    public Indexed<Optional<KvEntry>> run(StateStore s, WatchSet ws) {
      return s.kvGet(ws, key);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<KvEntry>() {};
    }
  }

  record KvList(String prefix) implements Query<List<KvEntry>> {
    public Indexed<List<KvEntry>> run(StateStore s, WatchSet ws) {
      return s.kvList(ws, prefix);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<KvEntry>>() {};
    }
  }

  record KvKeys(String prefix, String separator) implements Query<List<String>> {
    public Indexed<List<String>> run(StateStore s, WatchSet ws) {
      return s.kvKeys(ws, prefix, separator);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<String>>() {};
    }
  }

  record SessionInfo(String id) implements Maybe<Session> {
    public Indexed<Optional<Session>> run(StateStore s, WatchSet ws) {
      return s.session(ws, id);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<Session>() {};
    }
  }

  record Sessions() implements Query<List<Session>> {
    public Indexed<List<Session>> run(StateStore s, WatchSet ws) {
      return s.sessions(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<Session>>() {};
    }
  }

  record NodeSessions(String node) implements Query<List<Session>> {
    public Indexed<List<Session>> run(StateStore s, WatchSet ws) {
      return s.sessionsOn(ws, node);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<Session>>() {};
    }
  }

  record Events() implements Query<List<UserEvent>> {
    public Indexed<List<UserEvent>> run(StateStore s, WatchSet ws) {
      return s.events(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<UserEvent>>() {};
    }
  }

  record PreparedQueries() implements Query<List<io.cairn.state.PreparedQuery>> {
    public Indexed<List<io.cairn.state.PreparedQuery>> run(StateStore s, WatchSet ws) {
      return s.queries(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<io.cairn.state.PreparedQuery>>() {};
    }
  }

  /** Autopilot's stored settings (none until a leader stored its configured ones); not a blocking read. */
  record AutopilotSettings() implements Maybe<io.cairn.state.AutopilotConfig> {
    public Indexed<Optional<io.cairn.state.AutopilotConfig>> run(StateStore s, WatchSet ws) {
      Optional<io.cairn.state.AutopilotConfig> c = s.autopilotConfig();
      return new Indexed<>(c.map(io.cairn.state.AutopilotConfig::modifyIndex).orElse(0L), c);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<io.cairn.state.AutopilotConfig>() {};
    }
  }

  record Nodes() implements Query<List<Node>> {
    public Indexed<List<Node>> run(StateStore s, WatchSet ws) {
      return s.nodes(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<Node>>() {};
    }
  }

  record NodesWithServices() implements Query<List<NodeServices>> {
    public Indexed<List<NodeServices>> run(StateStore s, WatchSet ws) {
      return s.nodesWithServices(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<NodeServices>>() {};
    }
  }

  record Services() implements Query<Map<String, List<String>>> {
    public Indexed<Map<String, List<String>>> run(StateStore s, WatchSet ws) {
      return s.services(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<Map<String, List<String>>>() {};
    }
  }

  record ServiceEntries(String service) implements Query<List<ServiceEntry>> {
    public Indexed<List<ServiceEntry>> run(StateStore s, WatchSet ws) {
      return s.serviceEntries(ws, service);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<ServiceEntry>>() {};
    }
  }

  record NodeServicesOf(String node) implements Maybe<NodeServices> {
    public Indexed<Optional<NodeServices>> run(StateStore s, WatchSet ws) {
      return s.nodeServices(ws, node);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<NodeServices>() {};
    }
  }

  record NodeChecks(String node) implements Query<List<HealthCheck>> {
    public Indexed<List<HealthCheck>> run(StateStore s, WatchSet ws) {
      return s.nodeChecks(ws, node);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<HealthCheck>>() {};
    }
  }

  record ServiceChecks(String service) implements Query<List<HealthCheck>> {
    public Indexed<List<HealthCheck>> run(StateStore s, WatchSet ws) {
      return s.serviceChecks(ws, service);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<HealthCheck>>() {};
    }
  }

  record Checks() implements Query<List<HealthCheck>> {
    public Indexed<List<HealthCheck>> run(StateStore s, WatchSet ws) {
      return s.checks(ws);
    }

    public TypeReference<?> wireType() {
      return new TypeReference<List<HealthCheck>>() {};
    }
  }

  /** The whole state as a backup ({@code GET /v1/snapshot}): not a blocking read. */
  record Backup() implements Query<Image> {
    public Indexed<Image> run(StateStore s, WatchSet ws) {
      return new Indexed<>(s.lastIndex(), s.image().forBackup());
    }

    public TypeReference<?> wireType() {
      return new TypeReference<Image>() {};
    }
  }
}
