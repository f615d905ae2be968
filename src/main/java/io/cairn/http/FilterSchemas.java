package io.cairn.http;

import static io.cairn.http.filter.FieldType.BOOL;
import static io.cairn.http.filter.FieldType.INT;
import static io.cairn.http.filter.FieldType.STRING;
import static io.cairn.http.filter.FieldType.STRINGS;
import static io.cairn.http.filter.FieldType.STRING_MAP;
import static io.cairn.http.filter.FieldType.listOf;
import static io.cairn.http.filter.FieldType.mapOf;
import static io.cairn.http.filter.FieldType.struct;

import io.cairn.http.filter.FieldType.Struct;

/**
 * What {@code ?filter=} may select on each endpoint: Consul's structs (agent/structs) by their
 * field names, which are also their JSON names, so a filter written for Consul reads the same
 * fields here. Fields Cairn does not fill (peering, partitions) read as empty, as on a Consul
 * without them.
 */
final class FilterSchemas {
  private FilterSchemas() {}

  private static final Struct WEIGHTS = struct("Weights", "Passing", INT, "Warning", INT);
  private static final Struct SERVICE_ADDRESS = struct("ServiceAddress", "Address", STRING, "Port", INT);
  private static final Struct LOCALITY = struct("Locality", "Region", STRING, "Zone", STRING);
  private static final Struct UPSTREAM = struct("Upstream", "DestinationType", STRING, "DestinationNamespace", STRING,
      "DestinationPartition", STRING, "DestinationPeer", STRING, "DestinationName", STRING, "Datacenter", STRING,
      "LocalBindAddress", STRING, "LocalBindPort", INT, "LocalBindSocketPath", STRING, "LocalBindSocketMode", STRING,
      "MeshGateway", struct("MeshGatewayConfig", "Mode", STRING), "CentrallyConfigured", BOOL);
  private static final Struct PROXY = struct("ConnectProxyConfig", "EnvoyExtensions", listOf(struct("EnvoyExtension",
          "Name", STRING, "Required", BOOL)), "DestinationServiceName", STRING, "DestinationServiceID", STRING,
      "LocalServiceAddress", STRING, "LocalServicePort", INT, "LocalServiceSocketPath", STRING, "Mode", STRING,
      "Upstreams", listOf(UPSTREAM), "MeshGateway", struct("MeshGatewayConfig", "Mode", STRING),
      "Expose", struct("ExposeConfig", "Checks", BOOL, "Paths", listOf(struct("ExposePath", "ListenerPort", INT,
          "Path", STRING, "LocalPathPort", INT, "Protocol", STRING, "ParsedFromCheck", BOOL))));
  private static final Struct CONNECT = struct("ServiceConnect", "Native", BOOL, "PeerMeta", struct("PeeringServiceMeta",
      "SNI", STRINGS, "SpiffeID", STRINGS, "Protocol", STRING));

  /** catalog/nodes: structs.Node. */
  static final Struct NODE = struct("Node", "ID", STRING, "Node", STRING, "Address", STRING, "Datacenter", STRING,
      "Partition", STRING, "PeerName", STRING, "TaggedAddresses", STRING_MAP, "Meta", STRING_MAP, "Locality", LOCALITY,
      "CreateIndex", INT, "ModifyIndex", INT);

  /** The service of a node: structs.NodeService (health/service's Service, catalog/node's Services). */
  static final Struct NODE_SERVICE = struct("NodeService", "Kind", STRING, "ID", STRING, "Service", STRING,
      "Tags", STRINGS, "Address", STRING, "TaggedAddresses", mapOf(SERVICE_ADDRESS), "Meta", STRING_MAP, "Port", INT,
      "SocketPath", STRING, "Weights", WEIGHTS, "EnableTagOverride", BOOL, "Proxy", PROXY, "Connect", CONNECT,
      "Locality", LOCALITY, "PeerName", STRING, "Partition", STRING, "Namespace", STRING, "CreateIndex", INT,
      "ModifyIndex", INT);

  /** agent/services: api.AgentService. */
  static final Struct AGENT_SERVICE = NODE_SERVICE.with("Datacenter", STRING, "ContentHash", STRING);

  /** catalog/service/:name, and the rows catalog/services is built from: structs.ServiceNode. */
  static final Struct SERVICE_NODE = struct("ServiceNode", "ID", STRING, "Node", STRING, "Address", STRING,
      "Datacenter", STRING, "TaggedAddresses", STRING_MAP, "NodeMeta", STRING_MAP, "ServiceKind", STRING,
      "ServiceID", STRING, "ServiceName", STRING, "ServiceTags", STRINGS, "ServiceAddress", STRING,
      "ServiceTaggedAddresses", mapOf(SERVICE_ADDRESS), "ServiceWeights", WEIGHTS, "ServiceMeta", STRING_MAP,
      "ServicePort", INT, "ServiceSocketPath", STRING, "ServiceEnableTagOverride", BOOL, "ServiceProxy", PROXY,
      "ServiceConnect", CONNECT, "ServiceLocality", LOCALITY, "PeerName", STRING, "Partition", STRING,
      "Namespace", STRING, "CreateIndex", INT, "ModifyIndex", INT);

  private static final Struct CHECK_DEFINITION = struct("HealthCheckDefinition", "HTTP", STRING, "TLSServerName", STRING,
      "TLSSkipVerify", BOOL, "Header", mapOf(STRINGS), "Method", STRING, "Body", STRING, "DisableRedirects", BOOL,
      "TCP", STRING, "TCPUseTLS", BOOL, "UDP", STRING, "H2PING", STRING, "H2PingUseTLS", BOOL, "OSService", STRING,
      "GRPC", STRING, "GRPCUseTLS", BOOL, "Interval", STRING, "Timeout", STRING, "DeregisterCriticalServiceAfter", STRING,
      "ScriptArgs", STRINGS, "IntervalDuration", INT, "TimeoutDuration", INT, "DeregisterCriticalServiceAfterDuration", INT);

  /** health/node, health/checks, health/state, agent/checks: structs.HealthCheck. */
  static final Struct CHECK = struct("HealthCheck", "Node", STRING, "CheckID", STRING, "Name", STRING, "Status", STRING,
      "Notes", STRING, "Output", STRING, "ServiceID", STRING, "ServiceName", STRING, "ServiceTags", STRINGS,
      "Type", STRING, "Interval", STRING, "Timeout", STRING, "ExposedPort", INT, "Definition", CHECK_DEFINITION,
      "PeerName", STRING, "Partition", STRING, "Namespace", STRING, "CreateIndex", INT, "ModifyIndex", INT);

  /** health/service/:name: structs.CheckServiceNode. */
  static final Struct CHECK_SERVICE_NODE = struct("CheckServiceNode", "Node", NODE, "Service", NODE_SERVICE,
      "Checks", listOf(CHECK));

  /** agent/members: api.AgentMember. */
  static final Struct MEMBER = struct("AgentMember", "Name", STRING, "Addr", STRING, "Port", INT, "Tags", STRING_MAP,
      "Status", INT, "ProtocolMin", INT, "ProtocolMax", INT, "ProtocolCur", INT, "DelegateMin", INT,
      "DelegateMax", INT, "DelegateCur", INT);
}
