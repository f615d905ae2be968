package io.cairn.cli;

import io.cairn.agent.AgentHttp;
import io.cairn.checks.GoDuration;
import io.cairn.deploy.Need;
import io.cairn.deploy.Roles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the orchestration commands read from their command lines: the agent, durations, needs and roles files. */
final class DeployArgs {
  private DeployArgs() {}

  static AgentHttp agent(ApiOptions api) {
    String token = api.token != null ? api.token
        : Optional.ofNullable(System.getenv("CAIRN_HTTP_TOKEN")).orElse(System.getenv("CONSUL_HTTP_TOKEN"));
    return new AgentHttp(ApiOptions.agentAddress(api.httpAddr, System.getenv()), token);
  }

  /** The needs named on the command line, plus what {@code role} requires in the roles file. */
  static List<Need> needs(List<String> specs, Path rolesFile, String role) {
    if ((rolesFile == null) != (role == null)) throw new ClientError("--roles and --role go together");
    List<Need> out = new ArrayList<>();
    if (role != null) {
      try {
        out.addAll(readRoles(rolesFile).role(role).requires());
      } catch (IllegalArgumentException e) {
        throw new ClientError(e.getMessage());
      }
    }
    for (String s : specs) {
      try {
        out.add(Need.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ClientError(e.getMessage());
      }
    }
    return out;
  }

  static Roles readRoles(Path file) {
    try {
      return Roles.read(file);
    } catch (IllegalArgumentException e) {
      throw new ClientError(e.getMessage());
    }
  }

  static Duration duration(String flag, String text) {
    try {
      Duration d = GoDuration.parse(text);
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("must be positive");
      return d;
    } catch (IllegalArgumentException e) {
      throw new ClientError(flag + ": " + e.getMessage());
    }
  }
}
