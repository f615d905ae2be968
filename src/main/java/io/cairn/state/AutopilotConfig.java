package io.cairn.state;

/**
 * Autopilot's settings as the cluster stores them (Consul keeps them in Raft too, so every
 * server acts on the same ones): whether dead servers are removed, what counts as a healthy
 * server, and how long one must stay so. Durations in milliseconds. The Enterprise-only fields
 * are kept and shown as given, and do nothing, as in Consul's community edition.
 */
public record AutopilotConfig(boolean cleanupDeadServers, long lastContactThresholdMillis, long maxTrailingLogs,
                              long minQuorum, long serverStabilizationTimeMillis, String redundancyZoneTag,
                              boolean disableUpgradeMigration, String upgradeVersionTag, long createIndex,
                              long modifyIndex) {

  /** Consul's defaults. */
  public static final AutopilotConfig DEFAULTS = new AutopilotConfig(true, 200, 250, 0, 10_000, "", false, "", 0, 0);

  AutopilotConfig at(long create, long modify) {
    return new AutopilotConfig(cleanupDeadServers, lastContactThresholdMillis, maxTrailingLogs, minQuorum,
        serverStabilizationTimeMillis, redundancyZoneTag, disableUpgradeMigration, upgradeVersionTag, create, modify);
  }
}
