package io.cairn.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.state.Command;
import io.cairn.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The applier at the log boundary, fed entries as Ratis hands them over: an entry it cannot
 * read stops it for good (fail-stop), unless its writer marked it ignorable.
 */
class CairnStateMachineTest {
  private static final long TERM = 3;
  private final StateStore store = new StateStore();
  private final CairnStateMachine sm = new CairnStateMachine(store, leader -> {});

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"v\":1,\"@\":\"kv-frobnicate\",\"key\":\"x\"}",
      "{\"v\":1,\"@\":\"kv-set\",\"key\":\"x\",\"flags\":0,\"ttl\":\"5s\"}",
      "{\"v\":2,\"@\":\"kv-set\",\"key\":\"x\",\"flags\":0}",
      "{\"@\":\"kv-set\",\"key\":\"x\",\"flags\":0,\"cas\":null,\"acquire\":null,\"release\":null,\"ttl\":5}",
  })
  void anEntryItCannotReadStopsTheApplierForGood(String unreadable) {
    apply(1, CommandCodec.encode(set("a")));
    assertThatThrownBy(() -> apply(2, utf8(unreadable)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("log entry index=2 term=3 type=kv-");
    assertThat(sm.halted()).isDone();
    assertThat(sm.halted().join()).contains("index=2", "term=3", "cannot be applied by this server");

    // Nothing after it is applied, not even an entry it could read.
    assertThatThrownBy(() -> apply(3, CommandCodec.encode(set("b")))).isInstanceOf(IllegalStateException.class);
    sm.notifyTermIndexUpdated(TERM, 4);
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "a").value()).isPresent();
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "x").value()).isEmpty();
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "b").value()).isEmpty();
    assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(1);
    assertThat(store.lastIndex()).isEqualTo(1);
  }

  @Test
  void anEntryMarkedIgnorableThatItCannotReadIsSkippedAndLaterEntriesApply() {
    apply(1, CommandCodec.encode(set("a")));
    apply(2, utf8("{\"v\":1,\"ignorable\":true,\"@\":\"autopilot-state\",\"healthy\":3}"));
    apply(3, utf8("{\"v\":9,\"ignorable\":true,\"@\":\"anything\"}"));
    apply(4, CommandCodec.encode(set("b")));
    assertThat(sm.halted()).isNotDone();
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "b").value()).isPresent();
    assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(4);
  }

  @Test
  void anUnversionedEntryFromDiskIsApplied() throws Exception {
    apply(1, Files.readAllBytes(LogFormatGoldenTest.GOLDEN.resolve("v0/once.json")));
    assertThat(store.kvGet(new io.cairn.state.WatchSet(), "a").value()).isPresent();
    assertThat(sm.halted()).isNotDone();
  }

  private static Command set(String key) {
    return new Command.Once("req-" + key, new Command.KvSet(key, utf8("1"), 0, null));
  }

  private void apply(long index, byte[] data) {
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(TERM).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(data)))
        .build();
    TransactionContext trx = TransactionContext.newBuilder().setStateMachine(sm)
        .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
    sm.applyTransaction(trx).join();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
