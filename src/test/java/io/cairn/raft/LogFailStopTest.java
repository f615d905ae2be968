package io.cairn.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-stop with real Ratis: a one-server group is handed an entry that a newer server could
 * write and this one cannot read. It stops applying, leaves the group, and stops again at the
 * same entry when restarted; a newer snapshot refuses the start.
 */
class LogFailStopTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path dir;
  private RaftNode node;

  @AfterEach
  void close() throws IOException {
    if (node != null) node.close();
  }

  @Test
  void anUnreadableEntryStopsTheServerAndARestartStopsAtTheSameEntry() throws Exception {
    StateStore store = new StateStore();
    node = start(store, 16_384);
    assertThat(node.apply(set("a"), WAIT).applied()).isTrue();
    long before = node.lastAppliedIndex();

    node.submitEncoded(utf8("{\"v\":2,\"@\":\"kv-set\",\"key\":\"x\",\"flags\":0}"));
    String reason = node.halted().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reason).contains("index=" + (before + 1), "type=kv-set", "format=2", "newer than this server reads");

    // Ratis closed this server's division: no leader here any more, nothing else is applied.
    await().atMost(WAIT).until(node::isClosed);
    assertThat(node.isLeader()).isFalse();
    assertThatThrownBy(() -> node.apply(set("b"), Duration.ofSeconds(5))).isInstanceOf(RuntimeException.class);
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "x").value()).isEmpty();
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "b").value()).isEmpty();
    assertThat(store.lastIndex()).isEqualTo(before);
    node.close();

    // Restarted without an upgrade, it replays the log and stops at the same entry: never past it.
    StateStore again = new StateStore();
    node = RaftNode.start(settings(16_384), again);
    assertThat(node.halted().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(reason);
    assertThat(again.kvGet(new io.cairn.state.WatchSet(), "a").value()).isPresent();
    assertThat(again.lastIndex()).isEqualTo(before);
  }

  @Test
  void anUnreadableEntryMarkedIgnorableIsSkippedAndWritesGoOn() throws Exception {
    StateStore store = new StateStore();
    node = start(store, 16_384);
    RaftClientReply reply = node.submitEncoded(utf8("{\"v\":1,\"ignorable\":true,\"@\":\"autopilot-state\"}"))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reply.isSuccess()).isTrue();
    Outcome after = node.apply(set("b"), WAIT);
    assertThat(after.applied()).isTrue();
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "b").value()).isPresent();
    assertThat(node.halted()).isNotDone();
  }

  @Test
  void aSnapshotOfANewerFormatRefusesTheStart() throws Exception {
    node = start(new StateStore(), 4);
    for (int i = 0; i < 40 && snapshots().isEmpty(); i++) node.apply(set("k" + i), WAIT);
    await().atMost(WAIT).until(() -> !snapshots().isEmpty());
    node.close();
    node = null;
    for (Path snapshot : snapshots()) {
      String image = Files.readString(snapshot);
      assertThat(image).startsWith("{\"v\":1,");
      Files.writeString(snapshot, "{\"v\":2," + image.substring("{\"v\":1,".length()));
      MD5FileUtil.computeAndSaveMd5ForFile(snapshot.toFile());
    }

    assertThatThrownBy(() -> node = RaftNode.start(settings(4), new StateStore()))
        .isInstanceOf(LogFormatException.class)
        .hasMessageContaining("cannot be loaded by this server: format 2 is newer than this server reads")
        .hasMessageContaining("Upgrade this server");
  }

  private RaftNode start(StateStore store, long snapshotThreshold) throws Exception {
    RaftNode n = RaftNode.start(settings(snapshotThreshold), store);
    n.awaitLeadership(WAIT);
    return n;
  }

  private RaftNode.Settings settings(long snapshotThreshold) {
    Voter self = new Voter("s1", "127.0.0.1:0", "127.0.0.1:0");
    return new RaftNode.Settings("s1", dir, "127.0.0.1", self.raftAddress(), self.rpcAddress(), 0, List.of(self),
        snapshotThreshold);
  }

  private List<Path> snapshots() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList();
    }
  }

  private static Command set(String key) {
    return new Command.Once("req-" + key, new Command.KvSet(key, utf8("1"), 0, null));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
