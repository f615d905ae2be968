package io.cairn.state;

import java.util.List;
import java.util.Objects;

/**
 * A health check as the catalog holds it. A node check has an empty {@code serviceId} and
 * counts against every service of its node. {@code interval} and {@code timeout} are kept in
 * Go's duration spelling because they exist only to be shown back to clients.
 *
 * <p>{@code definition} is the check's Definition as a client registered it in the catalog
 * (Consul's HealthCheckDefinition: HTTP, Header, TCP, Interval, ...), an opaque JSON object in
 * Consul's field names that Cairn keeps and shows back; null when none was given, which is how
 * entries written before it existed read.
 */
public record HealthCheck(String node, String checkId, String name, CheckStatus status, String notes,
                          String output, String serviceId, String serviceName, List<String> serviceTags,
                          String type, String interval, String timeout, String definition,
                          long createIndex, long modifyIndex) {
  public HealthCheck {
    name = name == null ? checkId : name;
    status = status == null ? CheckStatus.CRITICAL : status;
    notes = notes == null ? "" : notes;
    output = output == null ? "" : output;
    serviceId = serviceId == null ? "" : serviceId;
    serviceName = serviceName == null ? "" : serviceName;
    serviceTags = serviceTags == null ? List.of() : List.copyOf(serviceTags);
    type = type == null ? "" : type;
    interval = interval == null ? "" : interval;
    timeout = timeout == null ? "" : timeout;
    // Consul's Definition is a plain struct: an empty one is no definition.
    definition = definition == null || definition.isBlank() || definition.strip().equals("{}") ? null : definition;
  }

  /** A check without a registered Definition. */
  public HealthCheck(String node, String checkId, String name, CheckStatus status, String notes, String output,
                     String serviceId, String serviceName, List<String> serviceTags, String type, String interval,
                     String timeout, long createIndex, long modifyIndex) {
    this(node, checkId, name, status, notes, output, serviceId, serviceName, serviceTags, type, interval, timeout,
        null, createIndex, modifyIndex);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isNodeCheck() {
    return serviceId.isEmpty();
  }

  HealthCheck withIndexes(long create, long modify) {
    return new HealthCheck(node, checkId, name, status, notes, output, serviceId, serviceName, serviceTags,
        type, interval, timeout, definition, create, modify);
  }

  HealthCheck withService(String svcName, List<String> tags) {
    return new HealthCheck(node, checkId, name, status, notes, output, serviceId, svcName, tags,
        type, interval, timeout, definition, createIndex, modifyIndex);
  }

  public HealthCheck onNode(String nodeName) {
    return new HealthCheck(nodeName, checkId, name, status, notes, output, serviceId, serviceName, serviceTags,
        type, interval, timeout, definition, createIndex, modifyIndex);
  }

  public boolean sameContent(HealthCheck o) {
    return o != null && node.equals(o.node) && checkId.equals(o.checkId) && name.equals(o.name)
        && status == o.status && notes.equals(o.notes) && output.equals(o.output)
        && serviceId.equals(o.serviceId) && serviceName.equals(o.serviceName)
        && serviceTags.equals(o.serviceTags) && type.equals(o.type)
        && interval.equals(o.interval) && timeout.equals(o.timeout) && Objects.equals(definition, o.definition);
  }
}
