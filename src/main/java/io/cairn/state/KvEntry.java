package io.cairn.state;

/** One key of the KV store as it stands after the write at {@code modifyIndex}. */
public record KvEntry(String key, byte[] value, long flags, long createIndex, long modifyIndex,
                      long lockIndex, String session) {
  public KvEntry {
    value = value == null ? new byte[0] : value;
  }
}
