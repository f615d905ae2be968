package io.cairn.membership;

import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers a client agent talks to: the -retry-join addresses, then every server those
 * know. Calls go to one server until it fails, then rotate to the next.
 */
public final class ServerList {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private final CopyOnWriteArrayList<String> servers = new CopyOnWriteArrayList<>();
  private final AtomicInteger current = new AtomicInteger();
  private final RpcClient client;

  public ServerList(List<String> joinAddresses, RpcClient client) {
    servers.addAll(joinAddresses);
    this.client = client;
  }

  public List<String> servers() {
    return List.copyOf(servers);
  }

  /** The server to use now (RPC address). */
  public String pick() {
    List<String> s = servers;
    if (s.isEmpty()) throw new NoLeaderException();
    return s.get(Math.floorMod(current.get(), s.size()));
  }

  /** That server failed us: use the next one from now on. */
  public void failed(String server) {
    List<String> s = servers;
    if (!s.isEmpty() && s.get(Math.floorMod(current.get(), s.size())).equals(server)) current.incrementAndGet();
  }

  /** Adds server RPC addresses found elsewhere (a discovery token's servers). */
  public void addAddresses(List<String> addresses) {
    for (String a : addresses) servers.addIfAbsent(a);
  }

  /** Learns the servers a server knows of (called with what /rpc/hello answers). */
  void learn(List<ServerInfo> known) {
    for (ServerInfo s : known) servers.addIfAbsent(s.rpcAddress());
  }

  /** One RPC to some server, trying each once before giving up. */
  public <T> T call(String path, Object body, Class<T> answer) throws IOException {
    return call(path, body, answer, CALL_TIMEOUT);
  }

  /** As above, with a timeout for calls the server may hold (blocking queries). */
  public <T> T call(String path, Object body, Class<T> answer, Duration timeout) throws IOException {
    IOException last = null;
    for (int i = 0; i < Math.max(1, servers.size()); i++) {
      String server = pick();
      try {
        return client.post(server, path, body, answer, timeout, false);
      } catch (RpcClient.RemoteError e) {
        throw e;  // it answered: the answer is the same from any server
      } catch (IOException e) {
        last = e;
        failed(server);
      }
    }
    throw last != null ? last : new IOException("no servers known");
  }

  /**
   * {@code /v1/agent/join} on a client: asks the server at {@code address} which servers form its
   * group (or which it knows, before one has formed), and uses them all from now on. Returns how
   * many it named.
   */
  public int join(String address, ServerInfo self) throws IOException {
    ServerCluster.HelloReply reply = client.post(address, "/rpc/servers", self, ServerCluster.HelloReply.class, CALL_TIMEOUT, false);
    servers.addIfAbsent(address);
    List<ServerInfo> named = reply.groupPeers() != null && !reply.groupPeers().isEmpty() ? reply.groupPeers() : reply.known();
    learn(named);
    return named.size();
  }

  /**
   * Asks the known servers for the servers they know; returns how many servers the first one
   * that answered named as its Raft group (0 before the group has formed, or if none answered).
   */
  public int refresh(ServerInfo self) {
    for (String server : new ArrayList<>(servers)) {
      try {
        List<ServerInfo> group = client.post(server, "/rpc/servers", self, ServerCluster.HelloReply.class, CALL_TIMEOUT, false).groupPeers();
        learn(group);
        return group.size();
      } catch (IOException e) {
        // try the next one
      }
    }
    return 0;
  }
}
