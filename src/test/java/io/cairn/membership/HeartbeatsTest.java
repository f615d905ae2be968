package io.cairn.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.rpc.RpcClient;
import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.StateStore;
import io.cairn.state.WatchSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leader's membership: heartbeats, failures, leaves and forced leaves, on a real store and a driven clock. */
class HeartbeatsTest {
  private static final long S = 1_000_000_000L;
  private final StateStore store = new StateStore();
  private final AtomicLong clock = new AtomicLong();
  private final AtomicLong index = new AtomicLong();
  private final List<String> removedVoters = new ArrayList<>();
  private final Map<String, Long> raftSilence = new java.util.HashMap<>();
  private final Heartbeats heartbeats = new Heartbeats(new Heartbeats.ServerPort() {
    @Override
    public boolean isLeader() {
      return true;
    }

    @Override
    public String leaderRpcAddress() {
      return "127.0.0.1:1";
    }

    @Override
    public StateStore store() {
      return store;
    }

    @Override
    public void write(Command command) {
      store.apply(index.incrementAndGet(), command);
    }

    @Override
    public void removeVoter(String id) {
      removedVoters.add(id);
    }

    @Override
    public Map<String, Long> followerSilenceMillis() {
      return raftSilence;
    }

    @Override
    public List<io.cairn.raft.Voter> voters() {
      return List.of(new io.cairn.raft.Voter("s9", "10.0.0.9:8301", "10.0.0.9:8300"));
    }
  }, new RpcClient(), Duration.ofSeconds(10), clock::get);

  private static Heartbeats.Beat beat(String node, long incarnation) {
    return new Heartbeats.Beat(node, "10.0.0.1", 8301, "dc1", false, 0, incarnation);
  }

  private void registerAgent(String node, CheckStatus serf) {
    HealthCheck hc = new HealthCheck(node, Heartbeats.SERF_HEALTH, "Serf Health Status", serf, "", "", "", "", List.of(),
        "", "", "", 0, 0);
    store.apply(index.incrementAndGet(), new Command.CatalogRegister("", node, "10.0.0.2", "dc1", Map.of(), Map.of(),
        true, null, List.of(hc)));
  }

  private Member member(String name) {
    return heartbeats.members(false).members().stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
  }

  private CheckStatus serfHealth(String node) {
    return store.nodeChecks(new WatchSet(), node).value().stream()
        .filter(c -> c.checkId().equals(Heartbeats.SERF_HEALTH)).map(HealthCheck::status).findFirst().orElse(null);
  }

  @Test
  void aNewLeaderListsAgentsFromTheCatalogButNotNodesRegisteredFromOutside() {
    registerAgent("agent-1", CheckStatus.PASSING);
    registerAgent("agent-2", CheckStatus.CRITICAL);
    store.apply(index.incrementAndGet(), new Command.CatalogRegister("", "external", "10.0.0.3", "dc1", Map.of(), Map.of(),
        true, null, List.of()));
    heartbeats.tick();
    assertThat(heartbeats.members(false).members()).extracting(Member::name).containsExactlyInAnyOrder("agent-1", "agent-2", "s9");
    assertThat(member("s9")).isEqualTo(new Member("s9", "10.0.0.9", 8301, "", true, 8300, Member.Status.ALIVE));
    assertThat(member("agent-2").status()).isEqualTo(Member.Status.FAILED);
  }

  @Test
  void aSilentAgentFailsAndItsSerfHealthTurnsCriticalThenABeatRevivesIt() throws Exception {
    heartbeats.tick();
    registerAgent("a", CheckStatus.PASSING);
    heartbeats.beat(beat("a", 1), false);
    clock.set(11 * S);
    heartbeats.tick();
    assertThat(member("a").status()).isEqualTo(Member.Status.FAILED);
    assertThat(serfHealth("a")).isEqualTo(CheckStatus.CRITICAL);
    heartbeats.beat(beat("a", 1), false);
    assertThat(member("a").status()).isEqualTo(Member.Status.ALIVE);
    assertThat(serfHealth("a")).isEqualTo(CheckStatus.PASSING);
  }

  @Test
  void aLeftAgentStaysLeftDespiteALateBeatAndComesBackWhenRestarted() throws Exception {
    heartbeats.tick();
    registerAgent("a", CheckStatus.PASSING);
    heartbeats.beat(beat("a", 5), false);
    heartbeats.leave(beat("a", 5), false);
    assertThat(member("a").status()).isEqualTo(Member.Status.LEFT);
    assertThat(store.leftNodes(new WatchSet()).value()).containsKey("a");
    assertThat(store.nodes(new WatchSet()).value()).noneMatch(n -> n.name().equals("a"));
    heartbeats.beat(beat("a", 5), false);  // sent before the leave, delivered after
    assertThat(member("a").status()).isEqualTo(Member.Status.LEFT);
    clock.set(100 * S);
    heartbeats.tick();
    assertThat(member("a").status()).isEqualTo(Member.Status.LEFT);
    heartbeats.beat(beat("a", 6), false);  // the agent restarted
    assertThat(member("a").status()).isEqualTo(Member.Status.ALIVE);
  }

  @Test
  void forceLeaveTakesAFailedServerOutOfVotersAndCatalogAndPruneForgetsIt() throws Exception {
    heartbeats.tick();
    registerAgent("s2", CheckStatus.PASSING);
    heartbeats.beat(new Heartbeats.Beat("s2", "10.0.0.2", 8301, "dc1", true, 8300, 1), false);
    assertThat(heartbeats.forceLeave(new Heartbeats.ForceLeave("nobody", false), false).ok()).isFalse();
    clock.set(11 * S);
    heartbeats.tick();
    assertThat(heartbeats.forceLeave(new Heartbeats.ForceLeave("s2", false), false).ok()).isTrue();
    assertThat(member("s2").status()).isEqualTo(Member.Status.LEFT);
    assertThat(removedVoters).containsExactly("s2");
    assertThat(store.nodes(new WatchSet()).value()).noneMatch(n -> n.name().equals("s2"));
    assertThat(heartbeats.forceLeave(new Heartbeats.ForceLeave("s2", true), false).ok()).isTrue();
    assertThat(member("s2")).isNull();
  }

  @Test
  void aForcedOutAgentThatIsAliveComesBackWithItsNextBeat() throws Exception {
    heartbeats.tick();
    heartbeats.beat(beat("a", 1), false);
    heartbeats.forceLeave(new Heartbeats.ForceLeave("a", false), false);
    assertThat(member("a").status()).isEqualTo(Member.Status.LEFT);
    heartbeats.beat(beat("a", 1), false);
    assertThat(member("a").status()).isEqualTo(Member.Status.ALIVE);
  }

  @Test
  void aServerSilentInRaftAndInHeartbeatsFailsWellBeforeTheFailureTimeout() throws Exception {
    heartbeats.tick();
    registerAgent("s2", CheckStatus.PASSING);
    heartbeats.beat(new Heartbeats.Beat("s2", "10.0.0.2", 8301, "dc1", true, 8300, 1), false);
    raftSilence.put("s2", 5_000L);
    clock.set(2 * S);
    heartbeats.tick();
    assertThat(member("s2").status()).as("beats are recent: not yet").isEqualTo(Member.Status.ALIVE);
    raftSilence.put("s2", 100L);
    clock.set(4 * S);
    heartbeats.tick();
    assertThat(member("s2").status()).as("Raft hears it: not failed").isEqualTo(Member.Status.ALIVE);
    raftSilence.put("s2", 4_000L);
    heartbeats.tick();
    assertThat(member("s2").status()).isEqualTo(Member.Status.FAILED);
    assertThat(serfHealth("s2")).isEqualTo(CheckStatus.CRITICAL);
  }
}
