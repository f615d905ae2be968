package io.cairn.state;

/** One of a service's tagged addresses (Consul's {@code ServiceAddress}): where to reach it on a named network. */
public record ServiceAddress(String address, int port) {
  public ServiceAddress {
    address = address == null ? "" : address;
  }
}
