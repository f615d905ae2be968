package io.cairn.endpoints;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.membership.ServerList;
import io.cairn.rpc.Ack;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster as a client agent reaches it: each read and command is sent as it is to a server
 * ({@code /rpc/read}, {@code /rpc/apply}, …), which serves it as it would its own API's. A
 * server that cannot be reached is skipped for the next one; a write carries a request id, so
 * one resent to another server applies once.
 */
public final class RemoteCluster implements Cluster {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  /** Beyond a blocking read's own wait: the server's jitter and the answer's transfer. */
  private static final Duration READ_MARGIN = Duration.ofSeconds(30);

  private final ServerList servers;
  private final String datacenter;
  /** The datacenter reads are for: empty for the servers' own, else one they forward to. */
  private final String target;

  public RemoteCluster(ServerList servers, String datacenter) {
    this(servers, datacenter, "");
  }

  /** Reads of another datacenter's state, through these servers (which forward them); writes are not for this. */
  public static RemoteCluster readsOf(ServerList servers, String targetDatacenter) {
    return new RemoteCluster(servers, "", targetDatacenter);
  }

  private RemoteCluster(ServerList servers, String datacenter, String target) {
    this.servers = servers;
    this.datacenter = datacenter;
    this.target = target;
  }

  /** Body of /rpc/read: the read and how to serve it. */
  public record ReadRequest(Query<?> query, Consistency consistency, long minIndex, long maxWaitMillis, String token,
                            String datacenter) {}

  /** Answer of /rpc/read: the value as it travels, and the read's meta. */
  public record ReadAnswer(JsonNode value, QueryMeta meta) {}

  /** Body of /rpc/session-renew-any and /rpc/remove-peer. */
  public record Id(String id) {}

  @Override
  public String datacenter() {
    return datacenter;
  }

  @Override
  public List<String> datacenters() {
    return List.of(datacenter);
  }

  private void checkDatacenter(String dc) {
    if (dc != null && !dc.isEmpty() && !dc.equals(datacenter)) throw new UnknownDatacenterException(dc);
  }

  @Override
  public <T> QueryResult<T> read(QueryOptions opts, Query<T> query) {
    checkDatacenter(opts.datacenter());
    Duration wait = opts.minIndex() > 0 ? (opts.maxWait() == null ? QueryOptions.DEFAULT_WAIT : opts.maxWait()) : Duration.ZERO;
    ReadRequest req = new ReadRequest(query, opts.consistency(), opts.minIndex(), opts.maxWait() == null ? 0 : opts.maxWait().toMillis(),
        opts.token(), target);
    ReadAnswer a = call("/rpc/read", req, ReadAnswer.class, wait.plus(READ_MARGIN));
    Object wire = a.value() == null || a.value().isNull() ? null : JSON.convertValue(a.value(), JSON.constructType(query.wireType()));
    return new QueryResult<>(query.fromWire(wire), a.meta());
  }

  @Override
  public Outcome write(Command command, WriteOptions opts) {
    checkDatacenter(opts.datacenter());
    Command once = command instanceof Command.Once ? command : new Command.Once(UUID.randomUUID().toString(), command);
    return call("/rpc/apply", once, Applied.class, Duration.ofSeconds(40)).outcome();
  }

  @Override
  public RaftStatus raft() {
    return call("/rpc/raft-status", Map.of(), RaftStatus.class, Duration.ofSeconds(10));
  }

  @Override
  public Optional<Session> renewSession(String id) {
    return Optional.ofNullable(call("/rpc/session-renew-any", new Id(id), Endpoints.Renewed.class, Duration.ofSeconds(15)).session());
  }

  @Override
  public void removePeer(String id) {
    call("/rpc/remove-peer", new Id(id), Ack.class, Duration.ofSeconds(20));
  }

  @Override
  public io.cairn.membership.Autopilot.Report autopilot() {
    return call("/rpc/autopilot", Map.of(), io.cairn.membership.Autopilot.Report.class, Duration.ofSeconds(15));
  }

  @Override
  public String transferLeader(String id) {
    return call("/rpc/transfer-leader", new LeaderOperations.Transfer(id == null ? "" : id), LeaderOperations.Transfer.class,
        Duration.ofSeconds(20)).id();
  }

  @Override
  public Map<String, Double> gauges() {
    return Map.of();
  }

  /** One call to some server; no server (or none with a leader) is Consul's "No cluster leader". */
  private <T> T call(String path, Object body, Class<T> answer, Duration timeout) {
    try {
      return servers.call(path, body, answer, timeout);
    } catch (RpcClient.NoLeaderIOException e) {
      throw new NoLeaderException();
    } catch (RpcClient.RemoteError e) {
      if (e.status() == 400) throw new IllegalArgumentException(e.reason());
      throw new RemoteFailure(e.reason());
    } catch (IOException e) {
      // No server could be reached: as Consul's client says when it has none to ask.
      throw new RemoteFailure("No known Consul servers");
    }
  }

  /** A server answered with a failure, or none could be reached: a 500 with the reason. */
  public static final class RemoteFailure extends RuntimeException {
    public RemoteFailure(String message) {
      super(message);
    }
  }
}
