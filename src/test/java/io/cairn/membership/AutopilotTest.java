package io.cairn.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.raft.Voter;
import io.cairn.state.AutopilotConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Autopilot's rules on a leader whose Raft view and membership the test sets: what counts as
 * healthy, the failure tolerance, and when a dead server is removed (and when it must not be).
 */
class AutopilotTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(100 * SECOND);
  private final List<String> voters = new ArrayList<>(List.of("s1", "s2", "s3"));
  private final Map<String, Member.Status> status = new HashMap<>();
  private final Map<String, Long> failedAt = new HashMap<>();
  private final Map<String, Long> silence = new HashMap<>();
  private final Map<String, Long> indexes = new HashMap<>();
  private final List<String> removed = new ArrayList<>();
  private AutopilotConfig config = AutopilotConfig.DEFAULTS;
  private boolean leader = true;

  private final Autopilot autopilot = new Autopilot(new Autopilot.ServerPort() {
    public boolean isLeader() {
      return leader;
    }

    public String selfId() {
      return "s1";
    }

    public List<Voter> voters() {
      return voters.stream().map(id -> new Voter(id, id + ":8301", id + ":8300")).toList();
    }

    public AutopilotConfig config() {
      return config;
    }

    public Map<String, Long> followerSilenceMillis() {
      return silence;
    }

    public Map<String, Long> logIndexes() {
      return indexes;
    }

    public long lastIndex() {
      return 1000;
    }

    public long term() {
      return 3;
    }

    public void removeVoter(String id) {
      removed.add(id);
      voters.remove(id);
    }
  }, new Autopilot.Membership() {
    public Member member(String name) {
      return new Member(name, "10.0.0.1", 8301, "dc1", true, 8300, status.getOrDefault(name, Member.Status.ALIVE));
    }

    public long failedForNanos(String name, long at) {
      return status.get(name) == Member.Status.FAILED ? at - failedAt.get(name) : -1;
    }
  }, "1.17.0", now::get, () -> now.get() / 1_000_000);

  AutopilotTest() {
    for (String id : voters) {
      silence.put(id, 100L);
      indexes.put(id, 1000L);
    }
  }

  private void fail(String id) {
    autopilot.report();  // the leader sees it healthy first: only then can it be taken for dead
    status.put(id, Member.Status.FAILED);
    failedAt.put(id, now.get());
    silence.put(id, 60_000L);
  }

  private Autopilot.ServerHealth of(Autopilot.Report r, String id) {
    return r.servers().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void aClusterInStepIsHealthyAndToleratesOneFailure() {
    Autopilot.Report r = autopilot.report();
    assertThat(r.healthy()).isTrue();
    assertThat(r.failureTolerance()).isEqualTo(1);
    assertThat(r.leader()).isEqualTo("s1");
    assertThat(of(r, "s1").leader()).isTrue();
    assertThat(of(r, "s1").lastContactMillis()).isZero();
    assertThat(r.servers()).allMatch(s -> s.serfStatus().equals("alive") && s.voter() && s.lastTerm() == 3);
  }

  @Test
  void aServerSilentPastTheThresholdOrTrailingTooFarIsUnhealthy() {
    silence.put("s2", 200L + Autopilot.HEARTBEAT_PERIOD_MILLIS + 1);
    indexes.put("s3", 1000L - 251);
    Autopilot.Report r = autopilot.report();
    assertThat(of(r, "s2").healthy()).as("silent past LastContactThreshold beyond one heartbeat").isFalse();
    assertThat(of(r, "s3").healthy()).as("trailing by more than MaxTrailingLogs").isFalse();
    assertThat(r.healthy()).isFalse();
    assertThat(r.failureTolerance()).isZero();

    now.addAndGet(5 * SECOND);
    config = new AutopilotConfig(true, 1000, 300, 0, 10_000, "", false, "", 1, 1);
    Autopilot.Report relaxed = autopilot.report();
    assertThat(relaxed.healthy()).as("within the settings raised").isTrue();
    assertThat(of(relaxed, "s2").stableSinceMillis()).as("StableSince moves when health changes")
        .isEqualTo(of(r, "s2").stableSinceMillis() + 5000);
    assertThat(of(relaxed, "s1").stableSinceMillis()).as("and stays while it does not")
        .isEqualTo(of(r, "s1").stableSinceMillis());
  }

  @Test
  void aDeadServerIsRemovedOnlyOnceFailedForTheStabilizationTime() {
    fail("s3");
    autopilot.tick();
    assertThat(removed).isEmpty();
    now.addAndGet(9 * SECOND);
    autopilot.tick();
    assertThat(removed).as("failed 9 s of 10").isEmpty();
    now.addAndGet(SECOND);
    autopilot.tick();
    assertThat(removed).containsExactly("s3");
    assertThat(autopilot.report().servers()).hasSize(2);
  }

  @Test
  void aServerNeverSeenHealthyIsWaitedForNotRemoved() {
    status.put("s3", Member.Status.FAILED);
    failedAt.put("s3", now.get());
    silence.put("s3", 60_000L);
    now.addAndGet(60 * SECOND);
    autopilot.tick();
    assertThat(removed).as("a server still starting while the cluster forms").isEmpty();
  }

  @Test
  void nothingIsRemovedWhenCleanupIsOffOrOnAFollower() {
    fail("s3");
    now.addAndGet(60 * SECOND);
    config = new AutopilotConfig(false, 200, 250, 0, 10_000, "", false, "", 1, 1);
    autopilot.tick();
    assertThat(removed).isEmpty();
    config = AutopilotConfig.DEFAULTS;
    leader = false;
    autopilot.tick();
    assertThat(removed).isEmpty();
  }

  @Test
  void neverMoreThanAMinorityAtOnceNorBelowMinQuorum() {
    voters.addAll(List.of("s4", "s5"));
    for (String id : List.of("s4", "s5")) {
      silence.put(id, 100L);
      indexes.put(id, 1000L);
    }
    fail("s3");
    fail("s4");
    fail("s5");
    now.addAndGet(60 * SECOND);
    autopilot.tick();
    assertThat(removed).as("three of five dead: removing them would let a minority decide").isEmpty();

    status.put("s5", Member.Status.ALIVE);
    config = new AutopilotConfig(true, 200, 250, 4, 10_000, "", false, "", 1, 1);
    autopilot.tick();
    assertThat(removed).as("two of five may go, but MinQuorum 4 keeps them").isEmpty();

    config = new AutopilotConfig(true, 200, 250, 3, 10_000, "", false, "", 1, 1);
    autopilot.tick();
    assertThat(removed).containsExactlyInAnyOrder("s3", "s4");
  }
}
