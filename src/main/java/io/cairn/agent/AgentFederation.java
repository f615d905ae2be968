package io.cairn.agent;

import io.cairn.endpoints.RemoteCluster;
import io.cairn.endpoints.UnknownDatacenterException;
import io.cairn.http.Federation;
import io.cairn.http.Forwarded;
import io.cairn.membership.ServerList;
import io.cairn.membership.WanPool;
import io.cairn.rpc.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** How this agent reaches other datacenters: a server through the WAN pool, a client through its servers. */
final class AgentFederation {
  private AgentFederation() {}

  private static List<io.cairn.state.ServiceEntry> entries(OtherDatacenterViews views, String dc, String service) {
    io.cairn.dns.CatalogView v = views == null ? null : views.apply(dc);
    if (v == null) throw new UnknownDatacenterException(dc);
    return v.serviceEntries(service);
  }

  /** A server: to a live server of the datacenter, nearest first; one that fails is marked failed and the next tried. */
  static Federation server(WanPool wan, RpcClient rpc, OtherDatacenterViews views) {
    return new Federation() {
      @Override
      public List<io.cairn.state.ServiceEntry> serviceEntries(String dc, String service) {
        return entries(views, dc, service);
      }

      @Override
      public List<String> datacenters() {
        return wan.datacenters();
      }

      @Override
      public Forwarded.Answer forward(String dc, Forwarded.Request request, Duration timeout) {
        if (!wan.knows(dc)) throw new UnknownDatacenterException(dc);
        for (String address : wan.alive(dc)) {
          try {
            return rpc.post(address, "/rpc/http", request, Forwarded.Answer.class, timeout, true);
          } catch (RpcClient.RemoteError e) {
            return new Forwarded.Answer(e.status(), java.util.Map.of("Content-Type", "text/plain; charset=utf-8"),
                e.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          } catch (IOException e) {
            wan.failed(address);
          }
        }
        throw new Federation.Unreachable();
      }
    };
  }

  /** A client agent: its servers answer the list and send requests on. */
  static Federation client(ServerList servers, OtherDatacenterViews views) {
    return new Federation() {
      @Override
      public List<io.cairn.state.ServiceEntry> serviceEntries(String dc, String service) {
        return entries(views, dc, service);
      }

      @Override
      public List<String> datacenters() {
        try {
          return Arrays.asList(servers.call("/rpc/wan-datacenters", java.util.Map.of(), String[].class));
        } catch (IOException e) {
          throw new RemoteCluster.RemoteFailure("No known Consul servers");
        }
      }

      @Override
      public Forwarded.Answer forward(String dc, Forwarded.Request request, Duration timeout) {
        try {
          return servers.call("/rpc/http", request, Forwarded.Answer.class, timeout);
        } catch (RpcClient.RemoteError e) {
          throw new RemoteCluster.RemoteFailure(e.reason());
        } catch (IOException e) {
          throw new RemoteCluster.RemoteFailure("No known Consul servers");
        }
      }
    };
  }
}
