package io.cairn.agent;

import static io.cairn.agent.KeyRule.noEffectUnless;
import static io.cairn.agent.KeyRule.refusedUnless;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every key a Consul agent config file may hold (Consul's {@code agent/config/config.go} and
 * {@code deprecated.go}, JSON and HCL alike, enterprise and internal keys included, so that any
 * file Consul loads also loads here), plus Cairn's own few, with what Cairn does with each. A key
 * that is not here is unknown, as it is to Consul, and refused. docs/config.md explains the
 * choices.
 */
final class ConsulKeys {
  private ConsulKeys() {}

  static final List<KeyRule> ALL = table();

  private static final String NO_WAN = "no Serf WAN: datacenters federate over the server RPC port (docs/federation.md)";
  private static final String NO_GOSSIP = "no gossip; a node fails after node_failure_timeout";
  private static final String NO_ACL = "no ACLs";
  private static final String NO_TLS = "no TLS";
  private static final String NO_GRPC = "no gRPC";
  private static final String NO_MESH = "no service mesh";
  private static final String NO_UI = "no web UI";
  private static final String LOGS = "logs go to stderr";
  private static final String RAFT = "Raft is Apache Ratis, tuned by Cairn";
  private static final String LIMITS = "limits are fixed";
  private static final String TELEMETRY = "no metrics sinks; /v1/agent/metrics serves Prometheus";
  private static final String ENTERPRISE = "Consul Enterprise";
  private static final String INTERNAL = "Consul-internal tuning";
  private static final String SECURITY_TLS = "Cairn serves no TLS, so peers and clients would go unverified";

  private static List<KeyRule> table() {
    List<KeyRule> t = new ArrayList<>();
    // Acted on.
    honoured(t, "datacenter", "node_name", "node_id", "data_dir", "bind_addr", "advertise_addr", "client_addr",
        "server", "bootstrap", "bootstrap_expect", "log_level", "enable_debug", "domain", "alt_domain", "recursors", "node_meta",
        "enable_script_checks", "enable_local_script_checks", "check_update_interval", "retry_join", "start_join",
        "retry_interval", "retry_max", "raft_snapshot_threshold", "leave_on_terminate", "skip_leave_on_interrupt",
        "pid_file", "service", "services", "check", "checks", "watches", "retry_join_wan", "start_join_wan", "session_ttl_min",
        "advertise_addr_wan", "translate_wan_addrs", "check_output_max_size", "disable_remote_exec");
    honoured(t, under("addresses", "http", "dns"));
    honoured(t, under("autopilot", "cleanup_dead_servers", "last_contact_threshold", "max_trailing_logs", "min_quorum",
        "server_stabilization_time"));
    honoured(t, under("ports", "http", "dns", "server", "serf_lan"));
    honoured(t, under("dns_config", "node_ttl", "service_ttl", "only_passing", "a_record_limit", "allow_stale",
        "recursor_timeout"));
    // Cairn's own: its Raft port (Consul's serf_lan port by default), failure detection without
    // gossip, fixed DNS names, a top-level recursor_timeout.
    honoured(t, "ports.raft", "node_failure_timeout", "dns_config.aliases", "recursor_timeout", "discovery");

    // Security settings Cairn does not implement: refused, unless off.
    t.add(refusedUnless("acl.enabled", KeyRule::isFalse, "Cairn has no ACLs, so every request would be allowed"));
    t.add(refusedUnless("acl_datacenter", KeyRule::isEmpty,
        "it turns on Consul's ACLs, which Cairn lacks, so every request would be allowed"));
    t.add(refusedUnless("encrypt", KeyRule::isEmpty,
        "Cairn does not encrypt or authenticate traffic between agents, so any host could join"));
    for (String k : List.of("verify_incoming", "verify_incoming_rpc", "verify_incoming_https", "verify_outgoing",
        "verify_server_hostname", "tls.https.verify_incoming")) {
      t.add(refusedUnless(k, KeyRule::isFalse, SECURITY_TLS));
    }
    for (String k : under("tls.defaults", "verify_incoming", "verify_outgoing", "verify_server_hostname")) {
      t.add(refusedUnless(k, KeyRule::isFalse, SECURITY_TLS));
    }
    for (String k : under("tls.internal_rpc", "verify_incoming", "verify_outgoing", "verify_server_hostname")) {
      t.add(refusedUnless(k, KeyRule::isFalse, SECURITY_TLS));
    }
    t.add(refusedUnless("ports.https", KeyRule::isPortOff, "Cairn serves no HTTPS; its API would be plain HTTP"));
    t.add(refusedUnless("auto_encrypt.tls", KeyRule::isFalse,
        "Cairn gets no certificate from the servers, so this agent would talk to them in the clear"));
    t.add(refusedUnless("auto_config.enabled", KeyRule::isFalse,
        "Cairn cannot fetch TLS, gossip key and ACL token at start, so the agent would run without them"));
    t.add(refusedUnless("http_config.block_endpoints", KeyRule::isEmpty,
        "Cairn cannot block API endpoints, so they would all be open"));
    t.add(refusedUnless("http_config.allow_write_http_from", KeyRule::isEmpty,
        "Cairn cannot limit writes by address, so anyone could write"));
    t.add(refusedUnless("serf_lan_allowed_cidrs", KeyRule::isEmpty,
        "Cairn cannot limit its cluster ports by address, so any host could join"));

    // Accepted with a warning: nothing in Cairn to act on them.
    noEffect(t, "one address per node", "advertise_addr_ipv4", "advertise_addr_ipv6", "tagged_addresses",
        "serf_lan");
    noEffect(t, NO_WAN, "advertise_addr_wan_ipv4", "advertise_addr_wan_ipv6",
        "retry_interval_wan", "retry_max_wan", "reconnect_timeout_wan", "serf_wan",
        "serf_wan_allowed_cidrs", "primary_gateways", "primary_gateways_interval");
    t.add(noEffectUnless("ports.serf_wan", KeyRule::isPortOff, NO_WAN));
    noEffect(t, NO_GOSSIP, "reconnect_timeout", "advertise_reconnect_timeout", "rejoin_after_leave",
        "encrypt_verify_incoming", "encrypt_verify_outgoing", "disable_keyring_file");
    String[] gossip = {"gossip_nodes", "gossip_interval", "probe_interval", "probe_timeout", "suspicion_mult",
        "retransmit_mult"};
    noEffect(t, NO_GOSSIP, under("gossip_lan", gossip));
    noEffect(t, NO_WAN, under("gossip_wan", gossip));
    t.add(noEffectUnless("log_json", KeyRule::isFalse, LOGS));
    noEffect(t, LOGS, "log_file", "log_rotate_duration", "log_rotate_bytes", "log_rotate_max_files",
        "log_sublevels", "enable_syslog", "syslog_facility");
    t.add(noEffectUnless("disable_update_check", KeyRule::isTrue, "never checks for updates"));
    t.add(noEffectUnless("disable_anonymous_signature", KeyRule::isTrue, "never checks for updates"));
    t.add(noEffectUnless("disable_host_node_id", KeyRule::isTrue, "node IDs are random, kept in data_dir"));
    t.add(noEffectUnless("disable_coordinates", KeyRule::isTrue, "no network coordinates"));
    t.add(noEffectUnless("raft_protocol", KeyRule.is(3), "Raft protocol 3 only"));
    noEffect(t, "one RPC protocol", "protocol");
    noEffect(t, RAFT, "raft_snapshot_interval", "raft_trailing_logs", "raft_boltdb", "performance.raft_multiplier");
    noEffect(t, RAFT, under("raft_logstore", "backend", "disable_log_cache", "verification.enabled",
        "verification.interval", "boltdb.no_freelist_sync", "wal.segment_size_mb"));
    noEffect(t, null, "performance.leave_drain_time", "performance.rpc_hold_timeout");
    noEffect(t, TELEMETRY, under("telemetry", "circonus_api_app", "circonus_api_token", "circonus_api_url",
        "circonus_broker_id", "circonus_broker_select_tag", "circonus_check_display_name",
        "circonus_check_force_metric_activation", "circonus_check_id", "circonus_check_instance_id",
        "circonus_check_search_tag", "circonus_check_tags", "circonus_submission_interval", "circonus_submission_url",
        "disable_hostname", "dogstatsd_addr", "dogstatsd_tags", "retry_failed_connection", "filter_default",
        "prefix_filter", "metrics_prefix", "prometheus_retention_time", "statsd_address", "statsite_address"));
    noEffect(t, "HTTP responses are fixed", under("http_config", "response_headers", "use_cache",
        "max_header_bytes"));
    noEffect(t, LIMITS, under("limits", "http_max_conns_per_client", "https_handshake_timeout", "rpc_client_timeout",
        "rpc_handshake_timeout", "rpc_max_burst", "rpc_max_conns_per_client", "rpc_rate", "kv_max_value_size",
        "txn_max_req_len", "request_limits.mode", "request_limits.read_rate", "request_limits.write_rate"));
    noEffect(t, LIMITS, "discard_check_output", "default_query_time",
        "max_query_time", "disable_http_unprintable_char_filter");
    noEffect(t, "no streaming backend", "use_streaming_backend", "rpc.enable_streaming");
    noEffect(t, null, "discovery_max_stale");
    noEffect(t, "reload with 'cairn reload'", "auto_reload_config");
    noEffect(t, "used by ACLs and service mesh", "primary_datacenter");
    noEffect(t, "no agent cache", under("cache", "entry_fetch_max_burst", "entry_fetch_rate"));
    noEffect(t, "TCP only", under("unix_sockets", "user", "group", "mode"));
    t.add(noEffectUnless("dns_config.enable_truncate", KeyRule::isTrue, "UDP answers that do not fit always carry TC"));
    noEffect(t, "DNS answers are fixed", under("dns_config", "max_stale", "udp_answer_limit", "use_cache",
        "cache_max_age", "disable_compression", "enable_additional_node_meta_txt", "recursor_strategy",
        "soa.refresh", "soa.retry", "soa.expire", "soa.min_ttl"));
    t.add(noEffectUnless("ui", KeyRule::isFalse, NO_UI));
    t.add(noEffectUnless("ui_config.enabled", KeyRule::isFalse, NO_UI));
    noEffect(t, NO_UI, "ui_dir", "ui_content_path");
    noEffect(t, NO_UI, under("ui_config", "dir", "content_path", "metrics_provider", "metrics_provider_files",
        "metrics_provider_options_json", "metrics_proxy.base_url", "metrics_proxy.add_headers",
        "metrics_proxy.path_allowlist", "dashboard_url_templates"));

    // ACLs are off unless acl.enabled (refused above): tokens and policies then do nothing, in
    // Consul too.
    noEffect(t, NO_ACL, under("acl", "enable_token_replication", "policy_ttl", "role_ttl", "token_ttl", "down_policy",
        "default_policy", "enable_key_list_policy", "enable_token_persistence"));
    noEffect(t, NO_ACL, under("acl.tokens", "initial_management", "replication", "agent_recovery", "default", "agent",
        "config_file_service_registration", "master", "agent_master"));
    noEffect(t, NO_ACL, "acl_agent_master_token", "acl_agent_token", "acl_token", "acl_enable_key_list_policy",
        "acl_master_token", "acl_replication_token", "enable_acl_replication", "acl_default_policy",
        "acl_down_policy", "acl_ttl");

    // TLS files and versions alone change nothing until a verify_* or ports.https asks for TLS
    // (refused above).
    String[] tlsFiles = {"ca_file", "ca_path", "cert_file", "key_file", "tls_min_version", "tls_cipher_suites"};
    noEffect(t, NO_TLS, tlsFiles);
    noEffect(t, NO_TLS, "tls_prefer_server_cipher_suites", "server_name", "enable_agent_tls_for_checks");
    for (String stanza : List.of("tls.defaults", "tls.internal_rpc", "tls.https", "tls.grpc")) {
      noEffect(t, NO_TLS, under(stanza, tlsFiles));
      noEffect(t, NO_TLS, stanza + ".use_auto_cert");
    }
    noEffect(t, NO_TLS, under("tls.https", "verify_outgoing", "verify_server_hostname"));
    for (String k : under("tls.grpc", "verify_incoming", "verify_outgoing", "verify_server_hostname")) {
      t.add(noEffectUnless(k, KeyRule::isFalse, NO_GRPC));
    }
    // Server side: without them a server hands nothing out, which opens nothing.
    noEffect(t, "no certificates to issue", under("auto_encrypt", "allow_tls", "dns_san", "ip_san"));
    noEffect(t, "no auto_config endpoint", "auto_config.authorization.enabled");
    noEffect(t, "auto_config is off", under("auto_config", "intro_token", "intro_token_file",
        "server_addresses", "dns_sans", "ip_sans"));
    noEffect(t, "auto_config is off", under("auto_config.authorization.static", "claim_assertions",
        "allow_reuse", "jwt_supported_algs", "bound_audiences", "claim_mappings", "list_claim_mappings",
        "oidc_discovery_url", "oidc_discovery_ca_cert", "jwks_url", "jwks_ca_cert", "jwt_validation_pub_keys",
        "bound_issuer", "expiration_leeway", "not_before_leeway", "clock_skew_leeway"));

    for (String k : under("ports", "grpc", "grpc_tls")) t.add(noEffectUnless(k, KeyRule::isPortOff, NO_GRPC));
    noEffect(t, NO_GRPC, under("addresses", "grpc", "grpc_tls"));
    noEffect(t, NO_TLS, "addresses.https");
    t.add(noEffectUnless("connect.enabled", KeyRule::isFalse, NO_MESH));
    noEffect(t, NO_MESH, under("connect", "ca_provider", "ca_config", "enable_mesh_gateway_wan_federation",
        "test_ca_leaf_root_change_spread"));
    noEffect(t, NO_MESH, under("ports", "proxy_min_port", "proxy_max_port", "sidecar_min_port", "sidecar_max_port",
        "expose_min_port", "expose_max_port"));
    noEffect(t, NO_MESH, "xds.update_max_per_second", "config_entries.bootstrap", "enable_central_service_config");
    t.add(noEffectUnless("peering.enabled", KeyRule::isFalse, "no cluster peering"));
    noEffect(t, "no cluster peering", "peering.test_allow_peer_registrations");
    noEffect(t, "no localities", under("locality", "region", "zone"));
    noEffect(t, "no HCP", under("cloud", "resource_id", "client_id", "client_secret", "hostname",
        "auth_url", "scada_address"));
    noEffect(t, ENTERPRISE, "license_path", "reporting.license.enabled", "audit.enabled", "audit.sink", "segment",
        "segments", "partition", "read_replica", "non_voting_server", "snapshot_agent", "autopilot.disable_upgrade_migration",
        "autopilot.redundancy_zone_tag", "autopilot.upgrade_version_tag", "dns_config.prefer_namespace",
        "acl.msp_disable_bootstrap", "acl.tokens.managed_service_provider", "license_poll_base_time",
        "license_poll_max_time", "license_update_base_time", "license_update_max_time");
    noEffect(t, INTERNAL, "ae_interval", "check_deregister_interval_min", "check_reap_interval", "revision",
        "segment_limit", "segment_name_limit", "sync_coordinate_interval_min", "sync_coordinate_rate_target", "version",
        "version_prerelease", "version_metadata", "build_date", "consul.coordinate.update_batch_size",
        "consul.coordinate.update_max_batches", "consul.coordinate.update_period", "consul.raft.election_timeout",
        "consul.raft.heartbeat_timeout", "consul.raft.leader_lease_timeout", "consul.server.health_interval");
    return List.copyOf(t);
  }

  private static void honoured(List<KeyRule> t, String... paths) {
    for (String p : paths) t.add(KeyRule.honoured(p));
  }

  private static void noEffect(List<KeyRule> t, String reason, String... paths) {
    for (String p : paths) t.add(KeyRule.noEffect(p, reason));
  }

  private static String[] under(String block, String... keys) {
    return Arrays.stream(keys).map(k -> block + "." + k).toArray(String[]::new);
  }
}
