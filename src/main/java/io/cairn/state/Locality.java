package io.cairn.state;

/** Where a service instance runs (Consul's {@code Locality}); kept and shown back, not acted on. */
public record Locality(String region, String zone) {
  public Locality {
    region = region == null ? "" : region;
    zone = zone == null ? "" : zone;
  }
}
