package io.cairn.state;

import java.util.List;

/**
 * What a transaction returned: the entries its operations produced or read, in order; or,
 * when it was rolled back, which operation failed and why ({@code failedOp} -1 on success).
 */
public record TxnResult(List<KvEntry> results, int failedOp, String what) {
  public boolean committed() {
    return failedOp < 0;
  }
}
