package io.cairn.cli;

/** How the KV commands turn a key typed on the command line into an API path. */
final class KvKeys {
  private KvKeys() {}

  /** The API path of a key, its segments percent-encoded so that any key survives the URL. */
  static String path(String key) {
    return "/v1/kv/" + ApiClient.encodePath(key);
  }

  /**
   * Keys never start with a slash, but users type one thinking of a root; Consul's CLI drops it
   * rather than refuse, and so do we.
   */
  static String normalize(String key) {
    String k = key == null ? "" : key;
    while (k.startsWith("/")) k = k.substring(1);
    return k;
  }
}
