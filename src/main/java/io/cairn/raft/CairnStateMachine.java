package io.cairn.raft;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds committed log entries to the {@link StateStore}, and writes and loads its snapshots. */
final class CairnStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CairnStateMachine.class);

  private final StateStore store;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Consumer<RaftPeerId> onLeaderChange;

  CairnStateMachine(StateStore store, Consumer<RaftPeerId> onLeaderChange) {
    this.store = store;
    this.onLeaderChange = onLeaderChange;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadLatestSnapshot();
  }

  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snap = storage.loadLatestSnapshot();
    if (snap == null) return;
    File file = snap.getFile().getPath().toFile();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
      store.restore(CommandCodec.readImage(in));
    }
    setLastAppliedTermIndex(snap.getTermIndex());
    LOG.info("loaded snapshot index={} file={}", snap.getIndex(), file.getName());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    List<Outcome> outcomes;
    try {
      Command command = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
      outcomes = store.apply(index, command);
    } catch (IOException e) {
      // A log entry this version cannot read must not stop the applier: it changes nothing here.
      LOG.error("unreadable log entry index={}: {}", index, e.getMessage());
      store.advanceTo(index);
      outcomes = List.of(Outcome.error("unreadable command: " + e.getMessage()));
    }
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(CommandCodec.encodeOutcomes(outcomes))));
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // Configuration and metadata entries take an index too; reads must report it as seen.
    super.notifyTermIndexUpdated(term, index);
    store.advanceTo(index);
  }

  @Override
  public long takeSnapshot() throws IOException {
    StateStore.Image image = store.image();
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) return -1;
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()))) {
      CommandCodec.writeImage(image, out);
    }
    Files.move(tmp.toPath(), file.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(
        new org.apache.ratis.server.storage.FileInfo(file.toPath(), md5), last));
    LOG.info("took snapshot index={} keys={}", last.getIndex(), image.kv().size());
    return last.getIndex();
  }

  /** Reads are served from the store by the caller once Ratis has run ReadIndex; nothing to return. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId memberId, RaftPeerId newLeaderId) {
    onLeaderChange.accept(newLeaderId);
  }
}
