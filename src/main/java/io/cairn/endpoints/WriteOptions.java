package io.cairn.endpoints;

/** Where a write goes and on whose behalf: the datacenter ({@code ?dc=}) and the ACL token. */
public record WriteOptions(String datacenter, String token) {
  /** A write by the agent itself (anti-entropy), in its own datacenter. */
  public static WriteOptions local() {
    return new WriteOptions("", "");
  }
}
