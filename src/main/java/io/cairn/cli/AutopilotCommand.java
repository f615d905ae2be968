package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn operator autopilot get-config|set-config|state}, as Consul's. */
@Command(name = "autopilot", description = "Autopilot: dead-server cleanup and server health.",
    subcommands = {AutopilotCommand.GetConfig.class, AutopilotCommand.SetConfig.class, AutopilotCommand.State.class})
final class AutopilotCommand {
  private static final String PATH = "/v1/operator/autopilot/configuration";

  @Command(name = "get-config", description = "Shows autopilot's settings.")
  static final class GetConfig extends ClientCommand {
    @Override
    int run(ApiClient client) {
      JsonNode c = client.get(PATH, Map.of());
      out().println("CleanupDeadServers = " + c.path("CleanupDeadServers").asBoolean());
      out().println("LastContactThreshold = " + c.path("LastContactThreshold").asText());
      out().println("MaxTrailingLogs = " + c.path("MaxTrailingLogs").asLong());
      out().println("MinQuorum = " + c.path("MinQuorum").asLong());
      out().println("ServerStabilizationTime = " + c.path("ServerStabilizationTime").asText());
      out().println("RedundancyZoneTag = \"" + c.path("RedundancyZoneTag").asText() + "\"");
      out().println("DisableUpgradeMigration = " + c.path("DisableUpgradeMigration").asBoolean());
      out().println("UpgradeVersionTag = \"" + c.path("UpgradeVersionTag").asText() + "\"");
      return 0;
    }
  }

  /** Reads the settings, changes what the flags name, and writes them back only if nobody changed them meanwhile. */
  @Command(name = "set-config", description = "Changes autopilot's settings (only those given).")
  static final class SetConfig extends ClientCommand {
    @Option(names = "-cleanup-dead-servers", arity = "0..1", fallbackValue = "true", paramLabel = "<bool>") Boolean cleanup;
    @Option(names = "-last-contact-threshold", paramLabel = "<duration>") String lastContact;
    @Option(names = "-max-trailing-logs", paramLabel = "<n>") Long maxTrailing;
    @Option(names = "-min-quorum", paramLabel = "<n>") Long minQuorum;
    @Option(names = "-server-stabilization-time", paramLabel = "<duration>") String stabilization;
    @Option(names = "-redundancy-zone-tag", paramLabel = "<tag>") String zoneTag;
    @Option(names = "-disable-upgrade-migration", arity = "0..1", fallbackValue = "true", paramLabel = "<bool>")
    Boolean disableMigration;
    @Option(names = "-upgrade-version-tag", paramLabel = "<tag>") String versionTag;

    @Override
    int run(ApiClient client) throws Exception {
      ObjectNode c = (ObjectNode) client.get(PATH, Map.of());
      long index = c.path("ModifyIndex").asLong();
      if (cleanup != null) c.put("CleanupDeadServers", cleanup);
      if (lastContact != null) c.put("LastContactThreshold", duration("-last-contact-threshold", lastContact));
      if (maxTrailing != null) c.put("MaxTrailingLogs", maxTrailing);
      if (minQuorum != null) c.put("MinQuorum", minQuorum);
      if (stabilization != null) c.put("ServerStabilizationTime", duration("-server-stabilization-time", stabilization));
      if (zoneTag != null) c.put("RedundancyZoneTag", zoneTag);
      if (disableMigration != null) c.put("DisableUpgradeMigration", disableMigration);
      if (versionTag != null) c.put("UpgradeVersionTag", versionTag);
      JsonNode done = client.put(PATH, Map.of("cas", Long.toString(index)), c.toString().getBytes(StandardCharsets.UTF_8));
      if (done == null || !done.asBoolean()) {
        throw new ClientError("Configuration could not be atomically updated, please try again");
      }
      out().println("Configuration updated!");
      return 0;
    }

    private static String duration(String flag, String value) {
      try {
        io.cairn.checks.GoDuration.parse(value);
        return value;
      } catch (IllegalArgumentException e) {
        throw new ClientError(flag + ": " + e.getMessage());
      }
    }
  }

  @Command(name = "state", description = "Shows autopilot's view of the servers.")
  static final class State extends ClientCommand {
    @Option(names = "-format", paramLabel = "<pretty|json>", description = "Output format (default pretty).")
    String format = "pretty";

    @Override
    int run(ApiClient client) throws Exception {
      if (!format.equals("pretty") && !format.equals("json")) throw new ClientError("-format must be pretty or json, not " + format);
      JsonNode s = client.get("/v1/operator/autopilot/state", Map.of());
      if (format.equals("json")) {
        out().println(s.toPrettyString());
        return 0;
      }
      out().printf("Healthy:                      %s%n", s.path("Healthy").asBoolean());
      out().printf("Failure Tolerance:            %d%n", s.path("FailureTolerance").asInt());
      out().printf("Optimistic Failure Tolerance: %d%n", s.path("OptimisticFailureTolerance").asInt());
      out().printf("Leader:                       %s%n", s.path("Leader").asText());
      out().println("Voters:");
      for (JsonNode v : s.path("Voters")) out().println("   " + v.asText());
      out().println();
      out().println("Servers:");
      for (JsonNode srv : s.path("Servers")) {
        out().println("   " + srv.path("ID").asText());
        out().printf("      Name:            %s%n", srv.path("Name").asText());
        out().printf("      Address:         %s%n", srv.path("Address").asText());
        out().printf("      Version:         %s%n", srv.path("Version").asText());
        out().printf("      Status:          %s%n", srv.path("Status").asText());
        out().printf("      Node Type:       %s%n", srv.path("NodeType").asText());
        out().printf("      Node Status:     %s%n", srv.path("NodeStatus").asText());
        out().printf("      Healthy:         %s%n", srv.path("Healthy").asBoolean());
        out().printf("      Last Contact:    %s%n", srv.path("LastContact").asText("unknown"));
        out().printf("      Last Term:       %d%n", srv.path("LastTerm").asLong());
        out().printf("      Last Index:      %d%n", srv.path("LastIndex").asLong());
      }
      return 0;
    }
  }
}
