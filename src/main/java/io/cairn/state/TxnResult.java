package io.cairn.state;

import java.util.List;

/**
 * What a transaction returned: the KV entries its operations produced or read, in order, and the
 * catalog entities (each with its place {@code at} among all results); or, when it was rolled
 * back, which operation failed and why ({@code failedOp} -1 on success).
 */
public record TxnResult(List<KvEntry> results, int failedOp, String what, List<CatalogItem> catalog) {
  /** A node, service or check a catalog operation set or read, at position {@code at} of the results. */
  public record CatalogItem(int at, Node node, ServiceInstance service, HealthCheck check) {}

  /** A KV-only result (as written before catalog operations existed). */
  public TxnResult(List<KvEntry> results, int failedOp, String what) {
    this(results, failedOp, what, null);
  }

  public boolean committed() {
    return failedOp < 0;
  }
}
