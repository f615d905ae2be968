package io.cairn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.AgentHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Rolling upgrades with a health gate: at most {@code MaxUnavailable} hosts of a role (or
 * instances of a service) upgrading or unhealthy at once, through a semaphore in KV under
 * {@code rollout/<version>/}.
 *
 * <ul>
 *   <li>{@code rollout/<version>}: the policy, {@code {"MaxUnavailable":N,"Per":"role"|"service"}},
 *       written by {@code trigger-update --max-unavailable} before the version itself.
 *   <li>{@code rollout/<version>/slots/<group>/<session>}: a host's claim, held by a session
 *       bound to its node's health (behaviour delete), so a host that dies frees its slot.
 *   <li>{@code rollout/<version>/slots/<group>/.lock}: {@code {"Limit":N,"Holders":[…]}},
 *       changed only by check-and-set; a holder whose claim is gone is pruned. A group is a
 *       role (its name), or with {@code Per: service} a service ({@code service:<name>}): a host
 *       then needs a slot of every service it runs.
 *   <li>A host that is unhealthy without holding a slot counts against the limit too (with
 *       {@code Per: service}: an instance of the service with a critical check): the rollout
 *       never takes a further instance down while others are already down.
 *   <li>{@code rollout/<version>/halted}: {@code {"Host","Reason"}}: a host whose pass failed
 *       while holding a slot keeps it and halts the rollout: nobody takes a new slot until
 *       {@code deploy resume}. {@code deploy abort} writes the same key with reason "aborted".
 * </ul>
 */
public final class RolloutGate {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CAS_ATTEMPTS = 32;

  /** A version's policy. */
  public record Policy(int maxUnavailable, String per) {}

  private final AgentHttp http;

  public RolloutGate(AgentHttp http) {
    this.http = http;
  }

  static String base(String version) {
    return "rollout/" + version;
  }

  public void writePolicy(String version, Policy p) throws IOException {
    ObjectNode o = JSON.createObjectNode().put("MaxUnavailable", p.maxUnavailable()).put("Per", p.per());
    ok(http.put("/v1/kv/" + base(version), o.toString()), "writing the rollout policy");
  }

  public Optional<Policy> policy(String version) throws IOException {
    Optional<String> v = raw(base(version));
    if (v.isEmpty()) return Optional.empty();
    JsonNode o = JSON.readTree(v.get());
    return Optional.of(new Policy(o.path("MaxUnavailable").asInt(1), o.path("Per").asText("role")));
  }

  /** Why new slots are refused for this version; empty when the rollout goes on. */
  public Optional<String> halted(String version) throws IOException {
    Optional<String> v = raw(base(version) + "/halted");
    if (v.isEmpty()) return Optional.empty();
    JsonNode o = JSON.readTree(v.get());
    return Optional.of(o.path("Host").asText() + ": " + o.path("Reason").asText());
  }

  public void halt(String version, String host, String reason) throws IOException {
    ObjectNode o = JSON.createObjectNode().put("Host", host).put("Reason", reason);
    ok(http.put("/v1/kv/" + base(version) + "/halted", o.toString()), "halting the rollout");
  }

  public void resume(String version) throws IOException {
    ok(http.delete("/v1/kv/" + base(version) + "/halted"), "resuming the rollout");
  }

  /**
   * Takes a slot of {@code role} for {@code host}, or confirms it holds one. Empty when it
   * holds one now; else why it must wait (the holders, or the halt).
   */
  public Optional<String> acquire(String version, String role, String host, int limit) throws IOException {
    return acquire(version, List.of(role), host, limit, group -> List.of());
  }

  /** The hosts of a group that are unhealthy now (they count against the limit when they hold no slot). */
  @FunctionalInterface
  public interface Unhealthy {
    List<String> hosts(String group) throws IOException;
  }

  /**
   * Takes a slot of every group for {@code host} (all of them, or none: what this call took is
   * given back when one group refuses). Empty when it holds them all now; else why it must wait.
   */
  public Optional<String> acquire(String version, List<String> groups, String host, int limit, Unhealthy unhealthy)
      throws IOException {
    List<String> taken = new ArrayList<>();
    for (String group : groups) {
      boolean had = holders(version, group).contains(host);
      Optional<String> wait = acquireOne(version, group, host, limit, unhealthy.hosts(group));
      if (wait.isPresent()) {
        for (String g : taken) release(version, g, host);
        return wait;
      }
      if (!had) taken.add(group);
    }
    return Optional.empty();
  }

  private Optional<String> acquireOne(String version, String group, String host, int limit, List<String> unhealthy)
      throws IOException {
    String session = session(host);
    String dir = base(version) + "/slots/" + group + "/";
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      Lock lock = readLock(dir);
      List<String> holders = live(dir, lock.holders());
      if (holders.contains(session)) return Optional.empty();
      Optional<String> halt = halted(version);
      if (halt.isPresent()) return Optional.of("rollout halted by " + halt.get());
      List<String> holding = hostsOf(dir, holders);
      List<String> down = unhealthy.stream().filter(h -> !holding.contains(h) && !h.equals(host)).distinct().toList();
      if (holders.size() + down.size() >= limit) {
        return Optional.of("all " + limit + " slots of " + describe(group) + " are taken: upgrading "
            + (holding.isEmpty() ? "(none)" : String.join(", ", holding)) + (down.isEmpty() ? "" : "; unhealthy " + String.join(", ", down)));
      }
      AgentHttp.Answer claim = http.put("/v1/kv/" + dir + session + "?acquire=" + session, host);
      ok(claim, "claiming a rollout slot");
      if (!claim.body().strip().equals("true")) throw new IOException("claiming a rollout slot was refused (session " + session + ")");
      holders.add(session);
      if (writeLock(dir, limit, holders, lock.index())) return Optional.empty();
    }
    throw new IOException("the rollout slots of " + describe(group) + " kept changing; try again");
  }

  private static String describe(String group) {
    return group.startsWith("service:") ? "service " + group.substring(8) : "role " + group;
  }

  /** Gives back the slot {@code host} holds, if any. */
  public void release(String version, String role, String host) throws IOException {
    String dir = base(version) + "/slots/" + role + "/";
    Optional<String> session = findSession(host);
    if (session.isEmpty()) return;
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      Lock lock = readLock(dir);
      List<String> holders = live(dir, lock.holders());
      if (!lock.holders().contains(session.get())) break;
      holders.remove(session.get());
      if (writeLock(dir, lock.limit(), holders, lock.index())) break;
    }
    ok(http.delete("/v1/kv/" + dir + session.get()), "releasing the rollout slot");
  }

  /** The hosts holding slots of {@code role} now. */
  public List<String> holders(String version, String role) throws IOException {
    String dir = base(version) + "/slots/" + role + "/";
    return hostsOf(dir, live(dir, readLock(dir).holders()));
  }

  private record Lock(int limit, List<String> holders, long index) {}

  private Lock readLock(String dir) throws IOException {
    AgentHttp.Answer a = http.get("/v1/kv/" + dir + ".lock", 0, Duration.ZERO);
    if (a.status() == 404) return new Lock(0, new ArrayList<>(), 0);
    ok(a, "reading the rollout slots");
    JsonNode e = JSON.readTree(a.body()).get(0);
    JsonNode o = JSON.readTree(new String(Base64.getDecoder().decode(e.path("Value").asText("")), StandardCharsets.UTF_8));
    List<String> holders = new ArrayList<>();
    o.path("Holders").forEach(h -> holders.add(h.asText()));
    return new Lock(o.path("Limit").asInt(), holders, e.path("ModifyIndex").asLong());
  }

  private boolean writeLock(String dir, int limit, List<String> holders, long index) throws IOException {
    ObjectNode o = JSON.createObjectNode().put("Limit", limit);
    ArrayNode h = o.putArray("Holders");
    holders.forEach(h::add);
    AgentHttp.Answer a = http.put("/v1/kv/" + dir + ".lock?cas=" + index, o.toString());
    ok(a, "writing the rollout slots");
    return a.body().strip().equals("true");
  }

  /** The holders whose claim key still exists with their session on it (a dead host's is gone). */
  private List<String> live(String dir, List<String> holders) throws IOException {
    List<String> out = new ArrayList<>();
    for (String s : holders) {
      AgentHttp.Answer a = http.get("/v1/kv/" + dir + s, 0, Duration.ZERO);
      if (a.status() == 200 && JSON.readTree(a.body()).get(0).path("Session").asText().equals(s)) out.add(s);
    }
    return out;
  }

  private List<String> hostsOf(String dir, List<String> sessions) throws IOException {
    List<String> out = new ArrayList<>();
    for (String s : sessions) out.add(raw(dir + s).orElse(s));
    return out;
  }

  /** This host's rollout session: found by name on the agent's node, else created bound to the node's health. */
  private String session(String host) throws IOException {
    Optional<String> found = findSession(host);
    if (found.isPresent()) return found.get();
    ObjectNode body = JSON.createObjectNode().put("Name", sessionName(host)).put("Behavior", "delete").put("LockDelay", "0s");
    AgentHttp.Answer a = http.put("/v1/session/create", body.toString());
    ok(a, "creating the rollout session");
    return JSON.readTree(a.body()).path("ID").asText();
  }

  private Optional<String> findSession(String host) throws IOException {
    AgentHttp.Answer self = http.get("/v1/agent/self", 0, Duration.ZERO);
    ok(self, "reading the agent's node name");
    String node = JSON.readTree(self.body()).path("Config").path("NodeName").asText();
    AgentHttp.Answer a = http.get("/v1/session/node/" + AgentHttp.enc(node), 0, Duration.ZERO);
    ok(a, "listing this node's sessions");
    for (JsonNode s : JSON.readTree(a.body())) {
      if (s.path("Name").asText().equals(sessionName(host))) return Optional.of(s.path("ID").asText());
    }
    return Optional.empty();
  }

  private static String sessionName(String host) {
    return "cairn-upgrade:" + host;
  }

  private Optional<String> raw(String key) throws IOException {
    AgentHttp.Answer a = http.get("/v1/kv/" + key + "?raw", 0, Duration.ZERO);
    if (a.status() == 404) return Optional.empty();
    ok(a, "reading " + key);
    return Optional.of(a.body());
  }

  private static void ok(AgentHttp.Answer a, String what) throws IOException {
    if (a.status() != 200) {
      String why = a.body().strip().lines().findFirst().orElse("");
      throw new IOException(what + ": the agent answered " + a.status() + (why.isEmpty() ? "" : " (" + why + ")"));
    }
  }
}
