package io.cairn.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The session a lock or semaphore is held by, as Consul's api recipes make it: named, with a 15 s
 * TTL (there is no check to tie it to), renewed every half TTL until destroyed. If the process
 * dies the renewals stop and the session expires within twice the TTL, releasing what it held.
 */
final class LockSession {
  static final String TTL = "15s";
  private static final Duration RENEW_EVERY = Duration.ofMillis(7_500);

  private final LockApi api;
  final String id;
  private final Thread renewer;
  private volatile boolean destroyed;

  private LockSession(LockApi api, String id) {
    this.api = api;
    this.id = id;
    this.renewer = Thread.ofVirtual().name("session-renew").start(this::renew);
  }

  static LockSession create(LockApi api, String name) throws IOException {
    String body = LockApi.JSON.writeValueAsString(Map.of("Name", name, "TTL", TTL));
    return new LockSession(api, api.put("/v1/session/create", body).get("ID").asText());
  }

  private void renew() {
    while (!destroyed) {
      try {
        Thread.sleep(RENEW_EVERY);
        api.put("/v1/session/renew/" + id, null);
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        // A missed renewal is survivable (the TTL is doubled by the servers); the lock's
        // monitor notices if the session is actually gone.
      }
    }
  }

  void destroy() {
    destroyed = true;
    renewer.interrupt();
    try {
      api.put("/v1/session/destroy/" + id, null);
    } catch (IOException e) {
      // It expires on its own.
    }
  }
}
