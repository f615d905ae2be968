package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.checks.CheckType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  void anHclProxyDefinitionIsKeptAsTheApiWouldKeepIt() throws Exception {
    write("proxy.hcl", """
        service {
          name = "web-proxy"
          kind = "connect-proxy"
          port = 21000
          tagged_addresses { wan { address = "198.51.100.7" port = 443 } }
          proxy {
            destination_service_name = "web"
            local_service_port = 8080
            config { protocol = "http" }
            upstreams { destination_name = "db" local_bind_port = 9191 }
          }
        }
        """);
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configDirs.add(dir);
    var s = b.loadFiles().build().services().getFirst().service();
    assertThat(s.kind()).isEqualTo("connect-proxy");
    assertThat(s.taggedAddresses()).containsEntry("wan", new io.cairn.state.ServiceAddress("198.51.100.7", 443));
    assertThat(s.proxy()).isEqualTo("{\"DestinationServiceName\":\"web\",\"LocalServicePort\":8080,"
        + "\"Config\":{\"protocol\":\"http\"},\"Upstreams\":[{\"DestinationType\":\"service\","
        + "\"DestinationName\":\"db\",\"LocalBindPort\":9191}]}");
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

  @Test
  void serverWithoutDataDirIsRefused() {
    ConfigBuilder b = new ConfigBuilder();
    b.server = true;
    b.bootstrap = true;
    assertThatThrownBy(b::build).hasMessageContaining("data_dir");
  }
}
