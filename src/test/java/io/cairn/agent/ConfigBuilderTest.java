package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.checks.CheckType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBuilderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void hclAndJsonFilesOfADirMergeInNameOrder() throws Exception {
    write("10-base.json", "{\"datacenter\":\"east\",\"node_name\":\"n1\",\"ports\":{\"http\":9500}}");
    write("20-web.hcl", """
        service {
          name = "web"
          port = 80
          check {
            http = "http://localhost/health"
            interval = "10s"
            deregister_critical_service_after = "1m"
          }
        }
        datacenter = "west"
        """);
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configDirs.add(dir);
    AgentConfig c = b.loadFiles().build();
    assertThat(c.datacenter()).isEqualTo("west");
    assertThat(c.httpPort()).isEqualTo(9500);
    assertThat(c.services()).hasSize(1);
    var check = c.services().getFirst().checks().getFirst();
    assertThat(check.id()).isEqualTo("service:web");
    assertThat(check.type()).isEqualTo(CheckType.HTTP);
    assertThat(check.deregisterCriticalServiceAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void unknownKeyNamesTheFileAndTheKey() throws Exception {
    Path f = write("bad.json", "{\"datacenter\":\"dc1\",\"colour\":\"blue\"}");
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(f);
    assertThatThrownBy(b::loadFiles).isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad.json").hasMessageContaining("colour");
  }

  @Test
  void unknownKeyInsideAServiceIsRefused() throws Exception {
    Path f = write("svc.hcl", "service { name = \"x\"  prot = 80 }");
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(f);
    assertThatThrownBy(b::loadFiles).hasMessageContaining("svc.hcl").hasMessageContaining("prot");
  }

  @Test
  void badDurationNamesTheKey() throws Exception {
    Path f = write("d.json", "{\"check_update_interval\":\"5\"}");
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(f);
    assertThatThrownBy(b::loadFiles).hasMessageContaining("d.json").hasMessageContaining("check_update_interval");
  }

  @Test
  void hclSyntaxErrorGivesLineAndColumn() throws Exception {
    Path f = write("broken.hcl", "datacenter = \"dc1\"\nservice {\n  name = \n}\n");
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(f);
    assertThatThrownBy(b::loadFiles).hasMessageMatching(".*broken.hcl:\\d+:\\d+: .*");
  }

  @Test
  void scriptChecksInFilesNeedLocalScriptChecksEnabled() throws Exception {
    Path f = write("s.json", "{\"check\":{\"id\":\"disk\",\"args\":[\"/bin/true\"],\"interval\":\"10s\"}}");
    ConfigBuilder refused = new ConfigBuilder().devMode();
    refused.configFiles.add(f);
    assertThatThrownBy(refused::loadFiles).hasMessageContaining("enable_script_checks");
    Path g = write("t.json", "{\"enable_local_script_checks\":true,\"check\":{\"id\":\"disk\",\"args\":[\"/bin/true\"],\"interval\":\"10s\"}}");
    ConfigBuilder allowed = new ConfigBuilder().devMode();
    allowed.configFiles.add(g);
    assertThat(allowed.loadFiles().build().checks()).hasSize(1);
  }

  /** Each of these keys loaded alone; together the second was refused as unknown. */
  @Test
  void keysOfOneBlockAreAcceptedTogetherInHclAndJson() throws Exception {
    Path hcl = write("ports.hcl", """
        ports { grpc = 8502, grpc_tls = 8503, http = 9500 }
        dns_config { max_stale = "1s", enable_truncate = true }
        """);
    Path json = write("ports.json", """
        {"ports": {"grpc": 8502, "grpc_tls": 8503, "serf_lan": 9301, "raft": 9302},
         "dns_config": {"max_stale": "1s", "enable_truncate": true}}
        """);
    for (Path f : List.of(hcl, json)) {
      ConfigBuilder b = new ConfigBuilder().devMode();
      b.configFiles.add(f);
      b.loadFiles();
    }
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(hcl);
    assertThat(b.loadFiles().build().httpPort()).isEqualTo(9500);
  }

  @Test
  void retryJoinAndStartJoinTogetherBothCount() throws Exception {
    Path f = write("join.json", "{\"retry_join\": [\"10.0.0.1\"], \"start_join\": [\"10.0.0.2:8300\"]}");
    ConfigBuilder b = new ConfigBuilder();
    b.configFiles.add(f);
    b.loadFiles();
    assertThat(b.retryJoin).containsExactly("10.0.0.1", "10.0.0.2:8300");
  }

  @Test
  void serverWithoutDataDirIsRefused() {
    ConfigBuilder b = new ConfigBuilder();
    b.server = true;
    b.bootstrap = true;
    assertThatThrownBy(b::build).hasMessageContaining("data_dir");
  }
}
