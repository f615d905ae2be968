package io.cairn.raft;

import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis settings Cairn runs with, all set through Ratis's own constants because a misspelled
 * key is silently ignored. The values come from measurements on 2-core machines (DESIGN.md).
 */
public final class RatisTuning {
  private static final Logger LOG = LoggerFactory.getLogger(RatisTuning.class);
  /** Consul's raft_snapshot_threshold default. */
  public static final long DEFAULT_SNAPSHOT_THRESHOLD = 16_384;

  private RatisTuning() {}

  static RaftProperties properties(Path dataDir, String bindHost, int raftPort, long snapshotThreshold) {
    return properties(dataDir, bindHost, raftPort, snapshotThreshold, false);
  }

  /** {@code solo}: a group of one that never grows (-dev), which may elect itself at once. */
  static RaftProperties properties(Path dataDir, String bindHost, int raftPort, long snapshotThreshold, boolean solo) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
    NettyConfigKeys.Server.setPort(p, raftPort);
    if (bindHost != null && !bindHost.isEmpty()) NettyConfigKeys.Server.setHost(p, bindHost);  // honour -bind
    RaftServerConfigKeys.setStorageDir(p, List.of(dataDir.toFile()));
    // The log's metadata file costs a sync per commit; the commit index is recovered without it.
    p.setBoolean(RaftServerConfigKeys.Log.LOG_METADATA_ENABLED_KEY, false);
    // A follower appends what the leader sends on the thread that received it, rather than
    // hopping through two executors first (Ratis's "compose" path, for transports that handle a
    // follower's appends concurrently). Netty hands one connection's requests over in order, so
    // the order holds; measured: p50 put at one connection -12% on a 3-server cluster.
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
    // Ratis's retry cache keeps every reply for a minute, for clients that resend with the same
    // call id. Cairn's callers never do (a resend is a new call carrying the same request id,
    // deduplicated by the state machine), so a minute of replies is only garbage to collect.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(2, java.util.concurrent.TimeUnit.SECONDS));
    // Ratis keeps the entries of up to 6 log segments of 32 MB in the heap by default; under
    // load that held ~200 MB, which every young collection then had to walk and copy. Two
    // segments of 8 MB are plenty: a follower that falls further behind is fed from the files.
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.Appender.setBufferElementLimit(p, 0);
    RaftServerConfigKeys.Write.setElementLimit(p, 4096);
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(8L * 1024 * 1024 + 8));
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("8MB"));
    // Ratis requires the write buffer to hold one full append batch plus its 8-byte header.
    // Election timeout 1–2 s: on 2-core hosts under load, JVM and host pauses of 0.3–0.9 s were
    // measured, and a 300–600 ms timeout caused needless elections (Consul's floor is 1 s too).
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, java.util.concurrent.TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, java.util.concurrent.TimeUnit.MILLISECONDS));
    // A -dev server is a group of one that never grows: nobody to wait for or to disrupt, so its
    // first election need not wait out a timeout sized for pauses between servers. Measured:
    // -dev start to /v1/agent/ready 4.2 s -> 2.4 s (the first election took 1.1 s of it).
    if (solo) {
      RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(50, java.util.concurrent.TimeUnit.MILLISECONDS));
      RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
    // A leader cut off from the majority stops calling itself leader after this (Ratis's
    // default is 10 s); it stops acknowledging far sooner, when its lease runs out.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(3, java.util.concurrent.TimeUnit.SECONDS));
    // Linearizable reads (ReadIndex) for default and ?consistent reads, on leader and followers:
    // a heartbeat round confirms leadership (Ratis shares one round among concurrent reads).
    // Ratis's leader lease stays off: its Netty appender renews the lease with any reply from a
    // follower, a rejection by a newer term included, so a leader frozen (SIGSTOP, a long pause)
    // and resumed answered a read from its old state before stepping down (PartitionProcessTest
    // caught it, about one run in nine).
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotThreshold);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    for (String key : List.of(RaftServerConfigKeys.Log.LOG_METADATA_ENABLED_KEY,
        RaftServerConfigKeys.Log.APPEND_ENTRIES_COMPOSE_ENABLED_KEY, RaftServerConfigKeys.RetryCache.EXPIRY_TIME_KEY,
        RaftServerConfigKeys.Log.SEGMENT_SIZE_MAX_KEY, RaftServerConfigKeys.Log.SEGMENT_CACHE_NUM_MAX_KEY,
        RaftServerConfigKeys.Log.Appender.BUFFER_ELEMENT_LIMIT_KEY, RaftServerConfigKeys.Write.ELEMENT_LIMIT_KEY,
        RaftServerConfigKeys.Log.WRITE_BUFFER_SIZE_KEY, RaftServerConfigKeys.Snapshot.AUTO_TRIGGER_THRESHOLD_KEY)) {
      LOG.debug("ratis {}={}", key, p.get(key));
    }
    return p;
  }
}
