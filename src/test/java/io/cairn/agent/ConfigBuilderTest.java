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
  void theAutopilotBlockGivesTheSettingsALeaderStoresAndBadValuesAreRefused() throws Exception {
    Path f = write("ap.hcl", """
        autopilot {
          cleanup_dead_servers = false
          last_contact_threshold = "1s"
          max_trailing_logs = 500
          min_quorum = 3
          server_stabilization_time = "30s"
        }
        """);
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(f);
    assertThat(b.loadFiles().build().autopilot())
        .isEqualTo(new io.cairn.state.AutopilotConfig(false, 1000, 500, 3, 30_000, "", false, "", 0, 0));
    assertThat(b.warnings()).isEmpty();

    Path bad = write("bad-ap.json", "{\"autopilot\":{\"max_trailing_logs\":-1}}");
    ConfigBuilder b2 = new ConfigBuilder().devMode();
    b2.configFiles.add(bad);
    assertThatThrownBy(b2::loadFiles).hasMessageContaining("bad-ap.json").hasMessageContaining("max_trailing_logs");
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

  /** A Consul server's config as deployment guides write it, TLS files without verification included. */
  private static final String CONSUL_SERVER_HCL = """
      datacenter           = "east"
      primary_datacenter   = "east"
      node_name            = "consul-s1"
      log_level            = "INFO"
      log_json             = false
      server               = true
      bootstrap_expect     = 3
      bind_addr            = "10.0.0.10"
      advertise_addr       = "10.0.0.10"
      advertise_addr_wan   = "203.0.113.10"
      client_addr          = "127.0.0.1"
      retry_join           = ["10.0.0.11", "10.0.0.12"]
      leave_on_terminate   = true
      rejoin_after_leave   = true
      disable_update_check = true
      raft_protocol        = 3
      enable_local_script_checks = true
      ui_config { enabled = true }
      addresses {
        http = "0.0.0.0"
        dns  = "127.0.0.1"
        grpc = "127.0.0.1"
      }
      ports {
        grpc     = 8502,
        grpc_tls = 8503
        dns      = 8653
      }
      autopilot {
        cleanup_dead_servers      = true
        last_contact_threshold    = "200ms"
        max_trailing_logs         = 250
        server_stabilization_time = "10s"
      }
      performance { raft_multiplier = 1 }
      limits {
        http_max_conns_per_client = 200
        rpc_max_conns_per_client  = 100
      }
      http_config {
        response_headers { "Access-Control-Allow-Origin" = "*" }
      }
      telemetry {
        prometheus_retention_time = "24h"
        disable_hostname          = true
      }
      tls {
        defaults {
          ca_file   = "/etc/consul.d/tls/ca.pem"
          cert_file = "/etc/consul.d/tls/server.pem"
          key_file  = "/etc/consul.d/tls/server-key.pem"
        }
      }
      connect { enabled = true }
      dns_config {
        allow_stale     = true
        max_stale       = "87600h"
        node_ttl        = "30s"
        service_ttl { "*" = "10s" }
        enable_truncate = true
        only_passing    = true
      }
      watches = [
        { type = "checks", handler_type = "script", args = ["/usr/local/bin/notify.sh"] }
      ]
      acl { enabled = false, default_policy = "allow" }
      """;

  @Test
  void aConsulServerConfigLoadsWithOneWarningPerKeyWithoutEffect() throws Exception {
    Path f = write("server.hcl", CONSUL_SERVER_HCL + "data_dir = \"" + dir.resolve("data") + "\"\n");
    ConfigBuilder b = new ConfigBuilder();
    b.configFiles.add(f);
    AgentConfig c = b.loadFiles().build();
    assertThat(b.warnings()).map(w -> w.substring(0, w.indexOf(" has no effect in Cairn"))).containsExactly(
        "config key 'primary_datacenter'", "config key 'rejoin_after_leave'",
        "config key 'ui_config.enabled'", "config key 'addresses.grpc'", "config key 'ports.grpc'",
        "config key 'ports.grpc_tls'", "config key 'performance.raft_multiplier'",
        "config key 'limits.http_max_conns_per_client'", "config key 'limits.rpc_max_conns_per_client'",
        "config key 'http_config.response_headers'", "config key 'telemetry.prometheus_retention_time'",
        "config key 'telemetry.disable_hostname'", "config key 'tls.defaults.ca_file'",
        "config key 'tls.defaults.cert_file'", "config key 'tls.defaults.key_file'", "config key 'connect.enabled'",
        "config key 'dns_config.max_stale'", "config key 'acl.default_policy'");
    assertThat(c.datacenter()).isEqualTo("east");
    assertThat(c.autopilot()).as("the autopilot block, honoured").isEqualTo(io.cairn.state.AutopilotConfig.DEFAULTS);
    assertThat(c.watches()).singleElement().satisfies(w -> {
      assertThat(w.spec().type()).isEqualTo("checks");
      assertThat(w.args()).containsExactly("/usr/local/bin/notify.sh");
    });
    assertThat(c.server()).isTrue();
    assertThat(c.bootstrapExpect()).isEqualTo(3);
    assertThat(c.advertiseAddr()).isEqualTo("10.0.0.10");
    assertThat(c.clientAddr()).isEqualTo("127.0.0.1");
    assertThat(c.httpAddr()).isEqualTo("0.0.0.0");
    assertThat(c.dnsAddr()).isEqualTo("127.0.0.1");
    assertThat(c.dnsPort()).isEqualTo(8653);
    assertThat(c.httpPort()).isEqualTo(8500);
    assertThat(c.retryJoin()).containsExactly("10.0.0.11:8300", "10.0.0.12:8300");
    assertThat(c.dns().onlyPassing()).isTrue();
    assertThat(b.leaveOnTerminate()).isTrue();
  }

  @Test
  void theSameConfigInJsonGivesTheSameWarnings() throws Exception {
    Path hcl = write("a.hcl", "telemetry { prometheus_retention_time = \"24h\" }\nports { grpc = 8502, grpc_tls = 8503 }\n");
    Path json = write("b.json", "{\"telemetry\": {\"prometheus_retention_time\": \"24h\"}, \"ports\": {\"grpc\": 8502, \"grpc_tls\": 8503}}");
    ConfigBuilder fromHcl = new ConfigBuilder().devMode();
    fromHcl.configFiles.add(hcl);
    ConfigBuilder fromJson = new ConfigBuilder().devMode();
    fromJson.configFiles.add(json);
    assertThat(fromHcl.loadFiles().warnings()).hasSize(3).isEqualTo(fromJson.loadFiles().warnings());
  }

  @Test
  void aKeySetInTwoFilesWarnsOnce() throws Exception {
    write("10-a.hcl", "telemetry { disable_hostname = true }\n");
    write("20-b.json", "{\"telemetry\": {\"disable_hostname\": false, \"statsd_address\": \"127.0.0.1:8125\"}}");
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configDirs.add(dir);
    assertThat(b.loadFiles().warnings()).hasSize(2);
  }

  @Test
  void aHardenedConsulConfigIsRefusedNamingEachSecuritySetting() throws Exception {
    Path f = write("hardened.hcl", """
        datacenter       = "dc1"
        data_dir         = "/opt/consul"
        server           = true
        bootstrap_expect = 3
        retry_join       = ["10.0.0.10", "10.0.0.11", "10.0.0.12"]
        encrypt          = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="
        acl {
          enabled                  = true
          default_policy           = "deny"
          enable_token_persistence = true
        }
        tls {
          defaults {
            ca_file         = "/etc/consul.d/consul-agent-ca.pem"
            cert_file       = "/etc/consul.d/dc1-server-consul-0.pem"
            key_file        = "/etc/consul.d/dc1-server-consul-0-key.pem"
            verify_incoming = true
            verify_outgoing = true
          }
          internal_rpc { verify_server_hostname = true }
        }
        auto_encrypt { allow_tls = true }
        ports { https = 8501 }
        """);
    ConfigBuilder b = new ConfigBuilder();
    b.configFiles.add(f);
    assertThatThrownBy(b::loadFiles).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": refusing config key 'encrypt': ")
        .hasMessageEndingWith("(also refused: 'acl.enabled', 'tls.defaults.verify_incoming', "
            + "'tls.defaults.verify_outgoing', 'tls.internal_rpc.verify_server_hostname', 'ports.https')")
        .hasMessageNotContaining("\n");
  }

  @Test
  void addressesDefaultToClientAddr() throws Exception {
    AgentConfig c = new ConfigBuilder().devMode().build();
    assertThat(c.httpAddr()).isEqualTo("127.0.0.1");
    assertThat(c.dnsAddr()).isEqualTo("127.0.0.1");
  }

  @Test
  void leavingOnASignalDefaultsAsInConsul() throws Exception {
    ConfigBuilder client = new ConfigBuilder();
    assertThat(client.leaveOnTerminate()).isTrue();
    assertThat(client.skipLeaveOnInterrupt()).isFalse();
    ConfigBuilder server = new ConfigBuilder().devMode();
    assertThat(server.leaveOnTerminate()).isFalse();
    assertThat(server.skipLeaveOnInterrupt()).isTrue();
    server.configFiles.add(write("leave.json", "{\"leave_on_terminate\": true, \"skip_leave_on_interrupt\": false}"));
    server.loadFiles();
    assertThat(server.leaveOnTerminate()).isTrue();
    assertThat(server.skipLeaveOnInterrupt()).isFalse();
  }

  @Test
  void anAddressCairnCannotBindIsRefusedAtOnce() throws Exception {
    for (String text : List.of("bind_addr = \"{{ GetPrivateIP }}\"", "client_addr = \"127.0.0.1 10.0.0.1\"",
        "addresses { http = \"unix:///tmp/consul.sock\" }")) {
      ConfigBuilder b = new ConfigBuilder().devMode();
      b.configFiles.add(write("addr.hcl", text));
      String key = text.substring(0, text.indexOf(' '));
      assertThatThrownBy(() -> b.loadFiles().validate()).as(text).isInstanceOf(ConfigException.class)
          .hasMessageContaining(key.equals("addresses") ? "addresses.http" : key);
    }
  }

  @Test
  void anAgentWithoutHttpIsRefused() throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.configFiles.add(write("nohttp.hcl", "ports { http = -1 }"));
    assertThatThrownBy(() -> b.loadFiles().validate()).hasMessageContaining("ports.http");
  }

  @Test
  void validateWritesNothingToDataDir() throws Exception {
    ConfigBuilder b = new ConfigBuilder();
    b.server = true;
    b.bootstrap = true;
    b.dataDir = dir.resolve("data");
    b.validate();
    assertThat(dir.resolve("data")).doesNotExist();
    b.build();
    assertThat(dir.resolve("data").resolve("node-id")).exists();
  }

  @Test
  void serverWithoutDataDirIsRefused() {
    ConfigBuilder b = new ConfigBuilder();
    b.server = true;
    b.bootstrap = true;
    assertThatThrownBy(b::build).hasMessageContaining("data_dir");
  }
}
