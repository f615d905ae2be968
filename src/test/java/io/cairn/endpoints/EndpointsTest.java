package io.cairn.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import io.cairn.state.Command;
import io.cairn.state.KvEntry;
import io.cairn.state.Outcome;
import io.cairn.state.Session;
import io.cairn.state.WatchSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Write routing, lock-delay and the follower read barrier of {@link Endpoints}, on an in-memory
 * Raft group of three with real state stores: forwarded writes and read-index questions go to
 * the leader's endpoints directly instead of over RPC; time is a counter the test moves.
 */
class EndpointsTest {
  private static final Duration LEADER_WAIT = Duration.ofMillis(300);
  private final InMemoryGroup group = new InMemoryGroup(3);
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final CountDownLatch readIndexAsked = new CountDownLatch(1);
  private final List<Endpoints> servers = new ArrayList<>();

  EndpointsTest() {
    for (int i = 0; i < 3; i++) {
      Endpoints e = new Endpoints(group.member(i).store, "dc1", new RpcClient(), this::forward, this::readIndex,
          address -> byAddress(address).term().term(), clock::get, LEADER_WAIT);
      e.attach(group.member(i));
      servers.add(e);
    }
  }

  private Endpoints byAddress(String address) {
    for (int i = 0; i < 3; i++) if (group.member(i).address().equals(address)) return servers.get(i);
    throw new IllegalArgumentException(address);
  }

  private Outcome forward(String leader, Command command) {
    forwarded.incrementAndGet();
    return byAddress(leader).applyForwarded(command, true).outcome();
  }

  private long readIndex(String leader) {
    readIndexAsked.countDown();
    return byAddress(leader).leaderReadIndex().index();
  }

  private static Command put(String key, String value) {
    return new Command.KvSet(key, value.getBytes(StandardCharsets.UTF_8), 0, null);
  }

  private static String value(Optional<KvEntry> e) {
    return e.map(k -> new String(k.value(), StandardCharsets.UTF_8)).orElse(null);
  }

  private String valueOn(int member, String key) {
    return value(group.member(member).store.kvGet(new WatchSet(), key).value());
  }

  @Test
  void aWriteOnTheLeaderAppliesThereAndOnAFollowerGoesToTheLeader() {
    assertThat(servers.get(0).write(put("a", "1")).applied()).isTrue();
    assertThat(forwarded).hasValue(0);
    assertThat(servers.get(2).write(put("b", "2")).applied()).isTrue();
    assertThat(forwarded).hasValue(1);
    for (int m = 0; m < 3; m++) {
      assertThat(valueOn(m, "a")).isEqualTo("1");
      assertThat(valueOn(m, "b")).isEqualTo("2");
    }
  }

  @Test
  void aWriteWithoutALeaderWaitsForOneAndFailsWhenNoneComes() throws Exception {
    group.noLeader();
    assertThatThrownBy(() -> servers.get(1).write(put("a", "1"))).isInstanceOf(NoLeaderException.class);
    assertThat(valueOn(0, "a")).isNull();

    CompletableFuture<Outcome> waiting = CompletableFuture.supplyAsync(() -> servers.get(1).write(put("b", "2")));
    group.leader(2);  // elected while the write waits
    assertThat(waiting.get(10, TimeUnit.SECONDS).applied()).isTrue();
    assertThat(valueOn(2, "b")).isEqualTo("2");
  }

  @Test
  void aWriteResentWithTheSameRequestIdAppliesOnce() {
    servers.get(1).write(new Command.Once("req-1", put("k", "first")));
    long index = group.member(0).store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex();
    Outcome again = servers.get(2).write(new Command.Once("req-1", put("k", "second")));
    assertThat(again.applied()).isTrue();
    assertThat(valueOn(0, "k")).isEqualTo("first");
    assertThat(group.member(0).store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex()).isEqualTo(index);
  }

  @Test
  void aLockCannotBeTakenDuringTheLockDelayOfTheSessionThatHeldIt() {
    Endpoints leader = servers.get(0);
    leader.write(new Command.CatalogRegister("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), true, null, List.of()));
    long delay = Duration.ofSeconds(15).toNanos();
    leader.write(new Command.SessionCreate(new Session("s1", "", "n1", List.of(), List.of(), delay, Session.RELEASE, "", 0, 0)));
    leader.write(new Command.SessionCreate(new Session("s2", "", "n1", List.of(), List.of(), delay, Session.RELEASE, "", 0, 0)));
    Command takeByS1 = new Command.KvSet("lock", new byte[0], 0, null, "s1", null);
    Command takeByS2 = new Command.KvSet("lock", new byte[0], 0, null, "s2", null);
    assertThat(leader.write(takeByS1).applied()).isTrue();
    leader.write(new Command.SessionDestroy("s1"));

    clock.addAndGet(delay - 1);
    assertThat(leader.write(takeByS2).applied()).as("within the lock-delay").isFalse();
    assertThat(servers.get(1).write(takeByS2).applied()).as("forwarded, within the lock-delay").isFalse();
    clock.addAndGet(1);
    assertThat(servers.get(1).write(takeByS2).applied()).as("once the delay has passed").isTrue();
    assertThat(group.member(0).store.kvGet(new WatchSet(), "lock").value().orElseThrow().session()).isEqualTo("s2");
  }

  @Test
  void aLaggingFollowerAnswersADefaultReadOnlyOnceItHasAppliedWhatTheLeaderHad() throws Exception {
    group.member(1).lag();
    servers.get(0).write(put("k", "v"));
    QueryOptions stale = new QueryOptions(Consistency.STALE, 0, null, "", "");
    assertThat(value(servers.get(1).read(stale, new Query.KvGet("k")).value())).as("stale: at once, from what it has").isNull();

    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      try {
        return value(servers.get(1).read(QueryOptions.defaults(), new Query.KvGet("k")).value());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(readIndexAsked.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(read).as("behind the leader's read index").isNotDone();
    group.member(1).catchUp();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v");
  }

  /**
   * A leader cut off from the others goes on believing it leads for a while, and commits nothing
   * new; Ratis's ReadIndex then skips its heartbeat round (the commit index was confirmed before)
   * and would answer from the old state. The term round refuses instead.
   */
  @Test
  void aLeaderReplacedInANewerTermWithoutKnowingItAnswersNoReadFromItsOldState() throws Exception {
    QueryOptions consistent = new QueryOptions(Consistency.CONSISTENT, 0, null, "", "");
    servers.get(0).write(put("k", "old"));
    assertThat(value(servers.get(0).read(consistent, new Query.KvGet("k")).value())).isEqualTo("old");

    group.electBehindLeadersBack(1);
    assertThat(servers.get(1).write(put("k", "new")).applied()).isTrue();
    assertThat(group.member(0).isLeader()).as("the old leader still believes it leads").isTrue();

    assertThatThrownBy(() -> servers.get(0).read(consistent, new Query.KvGet("k")))
        .as("a read on the deposed leader").isInstanceOf(NoLeaderException.class);
    assertThatThrownBy(() -> servers.get(0).read(QueryOptions.defaults(), new Query.KvGet("k")))
        .as("a default read there too").isInstanceOf(NoLeaderException.class);
    assertThat(value(servers.get(2).read(consistent, new Query.KvGet("k")).value())).as("a follower of the new leader").isEqualTo("new");
    assertThat(value(servers.get(1).read(consistent, new Query.KvGet("k")).value())).as("the new leader").isEqualTo("new");
  }

  @Test
  void aSessionNotRenewedWithinTwiceItsTtlIsDestroyedByTheLeader() {
    Endpoints leader = servers.get(0);
    leader.write(new Command.CatalogRegister("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), true, null, List.of()));
    leader.write(new Command.SessionCreate(new Session("t1", "", "n1", List.of(), List.of(), 0, Session.RELEASE, "10s", 0, 0)));
    leader.sessionTimers().tick();
    clock.addAndGet(Duration.ofSeconds(15).toNanos());
    assertThat(leader.renewSession("t1")).isPresent();
    clock.addAndGet(Duration.ofSeconds(19).toNanos());
    leader.sessionTimers().tick();
    assertThat(group.member(0).store.session(new WatchSet(), "t1").value()).as("renewed 19 s ago, TTL 10 s").isPresent();
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    leader.sessionTimers().tick();
    assertThat(group.member(0).store.session(new WatchSet(), "t1").value()).isEmpty();
  }
}
