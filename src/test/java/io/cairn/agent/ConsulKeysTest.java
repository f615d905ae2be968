package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key table and its check of one file, on parsed trees: no files, no agent. */
class ConsulKeysTest {
  /**
   * The top-level keys of Consul's agent config (agent/config/config.go and deprecated.go, read
   * independently of {@link ConsulKeys}): none may be refused as unknown.
   */
  private static final List<String> CONSUL_TOP_LEVEL = List.of("acl", "addresses", "advertise_addr",
      "advertise_addr_ipv4", "advertise_addr_ipv6", "advertise_addr_wan", "advertise_addr_wan_ipv4",
      "advertise_addr_wan_ipv6", "advertise_reconnect_timeout", "auto_config", "autopilot", "bind_addr", "bootstrap",
      "bootstrap_expect", "cache", "check", "check_output_max_size", "check_update_interval", "checks", "client_addr",
      "cloud", "config_entries", "auto_encrypt", "connect", "dns_config", "domain", "alt_domain", "recursors",
      "data_dir", "datacenter", "default_query_time", "disable_anonymous_signature", "disable_coordinates",
      "disable_host_node_id", "disable_http_unprintable_char_filter", "disable_keyring_file", "disable_remote_exec",
      "disable_update_check", "discard_check_output", "discovery_max_stale", "enable_agent_tls_for_checks",
      "enable_central_service_config", "enable_debug", "enable_script_checks", "enable_local_script_checks",
      "enable_syslog", "encrypt", "encrypt_verify_incoming", "encrypt_verify_outgoing", "gossip_lan", "gossip_wan",
      "http_config", "leave_on_terminate", "license_path", "limits", "locality", "log_level", "log_sublevels",
      "log_json", "log_file", "log_rotate_duration", "log_rotate_bytes", "log_rotate_max_files", "max_query_time",
      "node_id", "node_meta", "node_name", "peering", "performance", "pid_file", "ports", "primary_datacenter",
      "primary_gateways", "primary_gateways_interval", "protocol", "raft_protocol", "raft_snapshot_threshold",
      "raft_snapshot_interval", "raft_trailing_logs", "reconnect_timeout", "reconnect_timeout_wan",
      "rejoin_after_leave", "auto_reload_config", "retry_interval", "retry_interval_wan", "retry_join", "retry_max",
      "retry_max_wan", "retry_join_wan", "serf_lan_allowed_cidrs", "serf_wan_allowed_cidrs", "serf_lan", "serf_wan",
      "server", "server_name", "service", "services", "session_ttl_min", "skip_leave_on_interrupt", "syslog_facility",
      "tls", "tagged_addresses", "telemetry", "translate_wan_addrs", "xds", "ui", "ui_content_path", "ui_dir",
      "ui_config", "unix_sockets", "watches", "rpc", "raft_logstore", "use_streaming_backend", "snapshot_agent",
      "ae_interval", "check_deregister_interval_min", "check_reap_interval", "consul", "revision", "segment_limit",
      "segment_name_limit", "sync_coordinate_interval_min", "sync_coordinate_rate_target", "version",
      "version_prerelease", "version_metadata", "build_date", "audit", "read_replica", "non_voting_server", "segment",
      "segments", "partition", "license_poll_base_time", "license_poll_max_time", "license_update_base_time",
      "license_update_max_time", "reporting",
      // deprecated.go
      "acl_agent_master_token", "acl_agent_token", "acl_token", "acl_enable_key_list_policy", "acl_master_token",
      "acl_replication_token", "enable_acl_replication", "acl_datacenter", "acl_default_policy", "acl_down_policy",
      "acl_ttl", "ca_file", "ca_path", "cert_file", "key_file", "tls_cipher_suites", "tls_min_version",
      "verify_incoming", "verify_incoming_https", "verify_incoming_rpc", "verify_outgoing", "verify_server_hostname",
      "tls_prefer_server_cipher_suites", "start_join", "start_join_wan", "raft_boltdb");

  private static JsonNode json(String text) throws Exception {
    return JsonMapper.builder().build().readTree(text);
  }

  private static List<String> check(String json) throws Exception {
    return KeyCheck.check(json(json), "f.json");
  }

  @Test
  void everyTopLevelKeyOfConsulIsKnown() {
    assertThat(CONSUL_TOP_LEVEL).hasSizeGreaterThan(150).allMatch(KeyCheck::known);
  }

  @Test
  void everyKeyOfTheTableIsHonouredOrHasAReason() {
    assertThat(ConsulKeys.ALL).hasSizeGreaterThan(300);
    assertThat(ConsulKeys.ALL).filteredOn(r -> r.effect() == KeyRule.Effect.REFUSED).allMatch(r -> r.reason() != null)
        .extracting(KeyRule::path).contains("acl.enabled", "encrypt", "verify_incoming", "verify_incoming_rpc",
            "verify_incoming_https", "verify_outgoing", "verify_server_hostname", "tls.defaults.verify_incoming",
            "tls.internal_rpc.verify_server_hostname", "tls.https.verify_incoming", "ports.https", "auto_encrypt.tls",
            "auto_config.enabled");
  }

  @Test
  void aKeyWithNoEffectIsOneWarningNamingItsPath() throws Exception {
    assertThat(check("{\"telemetry\": {\"prometheus_retention_time\": \"24h\", \"disable_hostname\": true}}"))
        .containsExactly(
            "config key 'telemetry.prometheus_retention_time' has no effect in Cairn (no metrics sinks; "
                + "/v1/agent/metrics serves Prometheus)",
            "config key 'telemetry.disable_hostname' has no effect in Cairn (no metrics sinks; "
                + "/v1/agent/metrics serves Prometheus)");
  }

  @Test
  void keysMatchWhateverTheirCaseOrUnderscoresAndAreNamedAsConsulDocumentsThem() throws Exception {
    assertThat(check("{\"Telemetry\": {\"PrometheusRetentionTime\": \"24h\"}}")).singleElement().asString()
        .startsWith("config key 'telemetry.prometheus_retention_time' has no effect in Cairn");
  }

  @Test
  void honouredKeysAndValuesThatAreCairnsOwnBehaviourAreSilent() throws Exception {
    assertThat(check("""
        {"datacenter": "dc1", "ports": {"http": 8500, "https": -1, "grpc": -1},
         "acl": {"enabled": false}, "encrypt": "", "verify_incoming": false, "verify_outgoing": "false",
         "tls": {"defaults": {"verify_incoming": false}}, "http_config": {"block_endpoints": []},
         "disable_update_check": true, "disable_remote_exec": true, "raft_protocol": 3, "ui_config": {"enabled": false},
         "dns_config": {"enable_truncate": true}, "connect": {"enabled": false}, "log_json": false,
         "auto_encrypt": {"tls": false}, "auto_config": {"enabled": false}}
        """)).isEmpty();
  }

  @Test
  void aValueOtherThanCairnsOwnWarns() throws Exception {
    assertThat(check("{\"raft_protocol\": 2, \"disable_update_check\": false}")).containsExactly(
        "config key 'raft_protocol' has no effect in Cairn (Raft protocol 3 only)",
        "config key 'disable_update_check' has no effect in Cairn (never checks for updates)");
  }

  @Test
  void eachSecuritySettingIsRefusedByName() {
    List<List<String>> cases = List.of(
        List.of("{\"acl\": {\"enabled\": true, \"default_policy\": \"deny\"}}", "acl.enabled"),
        List.of("{\"acl_datacenter\": \"dc1\"}", "acl_datacenter"),
        List.of("{\"encrypt\": \"pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\"}", "encrypt"),
        List.of("{\"verify_incoming\": true}", "verify_incoming"),
        List.of("{\"verify_incoming_rpc\": true}", "verify_incoming_rpc"),
        List.of("{\"verify_incoming_https\": true}", "verify_incoming_https"),
        List.of("{\"verify_outgoing\": \"true\"}", "verify_outgoing"),
        List.of("{\"verify_server_hostname\": true}", "verify_server_hostname"),
        List.of("{\"tls\": {\"defaults\": {\"verify_outgoing\": true}}}", "tls.defaults.verify_outgoing"),
        List.of("{\"tls\": {\"internal_rpc\": {\"verify_incoming\": true}}}", "tls.internal_rpc.verify_incoming"),
        List.of("{\"tls\": {\"https\": {\"verify_incoming\": true}}}", "tls.https.verify_incoming"),
        List.of("{\"ports\": {\"https\": 8501}}", "ports.https"),
        List.of("{\"auto_encrypt\": {\"tls\": true}}", "auto_encrypt.tls"),
        List.of("{\"auto_config\": {\"enabled\": true, \"intro_token\": \"x\"}}", "auto_config.enabled"),
        List.of("{\"http_config\": {\"block_endpoints\": [\"/v1/acl\"]}}", "http_config.block_endpoints"),
        List.of("{\"serf_lan_allowed_cidrs\": [\"10.0.0.0/8\"]}", "serf_lan_allowed_cidrs"));
    for (List<String> c : cases) {
      assertThatThrownBy(() -> check(c.get(0))).as(c.get(1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("f.json: refusing config key '" + c.get(1) + "': ")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void aGossipKeyIsNeverEchoedInTheRefusal() {
    assertThatThrownBy(() -> check("{\"encrypt\": \"pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\"}"))
        .hasMessageNotContaining("pUqJ");
  }

  @Test
  void everyRefusalOfAFileIsNamedInTheOneLine() {
    assertThatThrownBy(() -> check("""
        {"encrypt": "k", "acl": {"enabled": true}, "tls": {"defaults": {"verify_incoming": true}}, "telemetry": {}}
        """)).hasMessage("f.json: refusing config key 'encrypt': Cairn does not encrypt or authenticate traffic between "
        + "agents, so any host could join (also refused: 'acl.enabled', 'tls.defaults.verify_incoming')");
  }

  @Test
  void anUnknownKeyInsideABlockIsNamedWithItsPath() {
    assertThatThrownBy(() -> check("{\"telemetry\": {\"colour\": \"blue\"}}"))
        .hasMessage("f.json: unknown config key 'telemetry.colour'");
    assertThatThrownBy(() -> check("{\"tls\": {\"defaults\": {\"verify_incomming\": true}}}"))
        .hasMessage("f.json: unknown config key 'tls.defaults.verify_incomming'");
  }

  @Test
  void aDottedNameIsNotAPath() {
    assertThatThrownBy(() -> check("{\"telemetry.statsd_address\": \"x\"}"))
        .hasMessage("f.json: unknown config key 'telemetry.statsd_address'");
  }

  @Test
  void aBlockGivenAsAValueIsRefused() {
    assertThatThrownBy(() -> check("{\"telemetry\": \"on\"}")).hasMessage("f.json: config key 'telemetry' must be a block of keys");
  }

  @Test
  void aBlockWrittenTwiceInHclIsCheckedInBothParts() throws Exception {
    JsonNode tree = Hcl.parse("telemetry { disable_hostname = true }\ntelemetry { statsd_address = \"x\" }\n", "f.hcl");
    assertThat(KeyCheck.check(tree, "f.hcl")).hasSize(2);
    JsonNode bad = Hcl.parse("tls { defaults { ca_file = \"a\" } }\ntls { defaults { verify_incoming = true } }\n", "f.hcl");
    assertThatThrownBy(() -> KeyCheck.check(bad, "f.hcl")).hasMessageContaining("'tls.defaults.verify_incoming'");
  }
}
