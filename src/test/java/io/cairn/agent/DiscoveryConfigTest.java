package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryConfigTest {
  @TempDir Path dir;

  private ConfigBuilder client(String discovery) {
    ConfigBuilder b = new ConfigBuilder();
    b.nodeName = "n1";
    b.nodeId = "00000000-0000-4000-8000-000000000001";
    b.discovery = discovery;
    return b;
  }

  @Test
  void theTokenNamesTheDatacenterUnlessOneIsGiven() throws Exception {
    assertThat(client("http://d.example/abc123").build().datacenter()).isEqualTo("abc123");
    ConfigBuilder named = client("http://d.example/abc123");
    named.datacenter = "east";
    assertThat(named.build().datacenter()).isEqualTo("east");
    assertThat(client(null).build().datacenter()).isEqualTo("dc1");
  }

  @Test
  void aServerMustBeAbleToRegisterAndABadSpecIsRefused() {
    ConfigBuilder server = client("dns:_abc123._tcp.service.discovery");
    server.server = true;
    server.dataDir = dir;
    assertThatThrownBy(server::build).isInstanceOf(ConfigException.class).hasMessageContaining("registers itself over HTTP");
    assertThatThrownBy(client("ftp://x/abc")::build).isInstanceOf(ConfigException.class).hasMessageContaining("-discovery");
  }
}
