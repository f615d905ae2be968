package io.cairn.raft;

import io.cairn.state.Command;
import io.cairn.state.Image;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds committed log entries to the {@link StateStore}, and writes and loads its snapshots. */
final class CairnStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CairnStateMachine.class);

  private final StateStore store;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Consumer<RaftPeerId> onLeaderChange;
  private final ExecutorService snapshotWriter = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().daemon().name("snapshot-writer").factory());
  /** The snapshot being written; only the applier thread touches these two fields. */
  private SnapshotWrite writing;
  private final CompletableFuture<String> halted = new CompletableFuture<>();
  /** After a failed write (a full disk, say), no new attempt before this System.nanoTime(). */
  private long nextAttemptNanos = System.nanoTime();

  private record SnapshotWrite(TermIndex at, File file, File tmp, int keys, CompletableFuture<MD5Hash> done) {}

  CairnStateMachine(StateStore store, Consumer<RaftPeerId> onLeaderChange) {
    this.store = store;
    this.onLeaderChange = onLeaderChange;
    store.onApplyFailure((index, e) -> LOG.error("command at index={} threw while being applied and was answered as an error", index, e));
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    removeUnfinishedSnapshots(raftStorage.getStorageDir().getStateMachineDir());
    loadLatestSnapshot();
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /**
   * Before a snapshot from the leader is installed (this server fell behind the leader's log),
   * Ratis pauses the state machine, and after it checks that it was paused.
   */
  @Override
  public void pause() {
    if (getLifeCycleState() != LifeCycle.State.RUNNING) return;
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  @Override
  public void reinitialize() throws IOException {
    // A snapshot installed from the leader replaces the state: one still being written here
    // is older and must never be published (Ratis's snapshot index only moves forward).
    discardWriting();
    loadLatestSnapshot();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  private void discardWriting() {
    SnapshotWrite w = writing;
    writing = null;
    if (w != null) w.done().whenComplete((md5, err) -> w.tmp().delete());
  }

  /** A snapshot still being written when the server stopped is of no use: its log is kept. */
  private static void removeUnfinishedSnapshots(File dir) throws IOException {
    File[] unfinished = dir.listFiles((d, name) -> name.endsWith(".tmp"));
    if (unfinished == null) return;
    for (File f : unfinished) Files.deleteIfExists(f.toPath());
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snap = storage.loadLatestSnapshot();
    if (snap == null) return;
    File file = snap.getFile().getPath().toFile();
    Image image;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
      image = CommandCodec.readImage(in);
    } catch (LogFormatException e) {
      // Dropping what this version does not know would start the server with less than the
      // others hold: refuse to start (or, for a snapshot installed from the leader, stop).
      String reason = "snapshot " + file + " (index " + snap.getIndex() + ", format " + e.formatName()
          + ") cannot be loaded by this server: " + e.getMessage()
          + ". Upgrade this server to the version of the server that wrote it";
      LOG.error(reason);
      halted.complete(reason);
      throw new LogFormatException(e.format(), false, reason, e);
    }
    store.restore(image);
    setLastAppliedTermIndex(snap.getTermIndex());
    LOG.info("loaded snapshot index={} file={}", snap.getIndex(), file.getName());
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * Completes, with the reason, when this server has stopped applying the log for an entry it
   * cannot read (fail-stop, docs/log-format.md). Dependent actions must not block: they may run
   * on Ratis's applier thread.
   */
  CompletableFuture<String> halted() {
    return halted;
  }

  /**
   * Applies one committed entry. An entry this version cannot read exactly is never skipped
   * unless its writer marked it ignorable: servers that apply different entries hold different
   * state. Instead the applier stops for good (fail-stop). Throwing here, rather than returning
   * a failed future, is what stops Ratis: its StateMachineUpdater (3.3) logs a failed future and
   * goes on with the next entry, but an exception thrown from applyTransaction ends its loop
   * (state EXCEPTION) and closes this server's division, before the entry counts as applied.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    if (halted.isDone()) throw new IllegalStateException("this server has stopped applying the log: " + halted.join());
    ByteString data = entry.getStateMachineLogEntry().getLogData();
    Command command;
    try {
      command = CommandCodec.decode(data.newInput());
    } catch (LogFormatException e) {
      return skipOrHalt(entry, data, e);
    }
    List<Outcome> outcomes = store.apply(index, command);
    updateLastAppliedTermIndex(entry.getTerm(), index);
    return CompletableFuture.completedFuture(new OutcomesMessage(outcomes));
  }

  /** An entry this server cannot read: skipped if its writer marked it ignorable, else the end. */
  private CompletableFuture<Message> skipOrHalt(LogEntryProto entry, ByteString data, LogFormatException e) {
    String what = "log entry index=" + entry.getIndex() + " term=" + entry.getTerm()
        + " type=" + CommandCodec.entryType(data.newInput()) + " format=" + e.formatName();
    if (e.ignorable()) {
      LOG.warn("skipping {}, which this server cannot read: {}. The server that wrote it marked it safe to skip; "
          + "upgrade this server to the version of the others", what, e.getMessage());
      store.advanceTo(entry.getIndex());
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(new OutcomesMessage(List.of(Outcome.error("entry skipped: " + e.getMessage()))));
    }
    String reason = what + " cannot be applied by this server: " + e.getMessage();
    LOG.error("{}. This server stops applying the log and leaves the Raft group, so that its state cannot "
        + "diverge from the others' (fail-stop). Upgrade it to the version of the server that wrote the entry, "
        + "then start it again: it resumes from this entry", reason);
    halted.complete(reason);
    throw new IllegalStateException(reason, e);
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    // After a halt nothing past the refused entry counts as seen, not even a configuration entry.
    if (halted.isDone()) return;
    // Configuration and metadata entries take an index too; reads must report it as seen.
    super.notifyTermIndexUpdated(term, index);
    store.advanceTo(index);
  }

  /**
   * Called by Ratis on the applier thread once {@code raft_snapshot_threshold} entries have been
   * applied since the last snapshot, and after every further entry until one is returned. Only
   * the image is taken here (a copy, consistent at the applied index); it is written, synced and
   * checksummed on a background thread so that writes are not held up meanwhile. A later call
   * publishes the finished file and returns its index, and only then may Ratis purge the log up
   * to it. Until then this returns -1: nothing new to purge.
   */
  @Override
  public long takeSnapshot() throws IOException {
    if (writing != null) {
      if (!writing.done().isDone()) return RaftLog.INVALID_LOG_INDEX;
      return publish();
    }
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0 || System.nanoTime() - nextAttemptNanos < 0) return RaftLog.INVALID_LOG_INDEX;
    Image image = store.image();
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
    writing = new SnapshotWrite(last, file, tmp, image.kv().size(),
        CompletableFuture.supplyAsync(() -> writeSynced(image, tmp), snapshotWriter));
    return RaftLog.INVALID_LOG_INDEX;
  }

  private long publish() throws IOException {
    SnapshotWrite w = writing;
    SnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= w.at().getIndex()) {
      discardWriting();
      return RaftLog.INVALID_LOG_INDEX;
    }
    writing = null;
    MD5Hash md5;
    try {
      md5 = w.done().join();
    } catch (CompletionException e) {
      LOG.error("snapshot index={} not written (next attempt in 10 s): {}", w.at().getIndex(), e.getCause().toString());
      Files.deleteIfExists(w.tmp().toPath());
      nextAttemptNanos = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      return RaftLog.INVALID_LOG_INDEX;
    }
    Files.move(w.tmp().toPath(), w.file().toPath(), StandardCopyOption.ATOMIC_MOVE);
    MD5FileUtil.saveMD5File(w.file(), md5);
    syncDirectory(w.file().getParentFile().toPath());
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(w.file().toPath(), md5), w.at()));
    LOG.info("took snapshot index={} keys={}", w.at().getIndex(), w.keys());
    return w.at().getIndex();
  }

  /** Writes the image and syncs it to disk, so the log it replaces may be purged; returns its MD5. */
  private static MD5Hash writeSynced(Image image, File tmp) {
    try (FileChannel ch = FileChannel.open(tmp.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      OutputStream out = new BufferedOutputStream(new DigestOutputStream(Channels.newOutputStream(ch), digest), 1 << 16);
      CommandCodec.writeImage(image, out);
      out.flush();
      ch.force(true);
      return MD5Hash.newInstance(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void syncDirectory(java.nio.file.Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("could not sync directory {}: {}", dir, e.toString());  // not every file system allows it
    }
  }

  @Override
  public void close() throws IOException {
    snapshotWriter.shutdownNow();
    super.close();
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
