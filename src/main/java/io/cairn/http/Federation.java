package io.cairn.http;

import java.time.Duration;
import java.util.List;

/**
 * Other datacenters, as the HTTP API reaches them (implemented by the agent): which exist, and
 * how to send a request to one. A server sends it to a live server there; a client agent sends
 * it to its own servers, which send it on.
 */
public interface Federation {
  /** Every datacenter known: this one first, then the others by round trip. */
  List<String> datacenters();

  /**
   * Serves {@code request} in {@code datacenter}, waiting up to {@code timeout} for the answer.
   * Throws {@link io.cairn.endpoints.UnknownDatacenterException} for a datacenter nobody knows
   * and {@link Unreachable} when none of its servers answers.
   */
  Forwarded.Answer forward(String datacenter, Forwarded.Request request, Duration timeout);

  /** Another datacenter's instances of a service, all of them, as its catalog has them (a prepared query's failover). */
  List<io.cairn.state.ServiceEntry> serviceEntries(String datacenter, String service);

  /** A known datacenter none of whose servers could be reached: Consul's 500. */
  final class Unreachable extends RuntimeException {
    public Unreachable() {
      super("Remote DC has no server currently reachable");
    }
  }

  /** One datacenter and no others (a -dev agent, tests). */
  static Federation alone(String datacenter) {
    return new Federation() {
      @Override
      public List<String> datacenters() {
        return List.of(datacenter);
      }

      @Override
      public Forwarded.Answer forward(String dc, Forwarded.Request request, Duration timeout) {
        throw new io.cairn.endpoints.UnknownDatacenterException(dc);
      }

      @Override
      public List<io.cairn.state.ServiceEntry> serviceEntries(String dc, String service) {
        throw new io.cairn.endpoints.UnknownDatacenterException(dc);
      }
    };
  }
}
