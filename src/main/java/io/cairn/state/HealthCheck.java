package io.cairn.state;

import java.util.List;

/**
 * A health check as the catalog holds it. A node check has an empty {@code serviceId} and
 * counts against every service of its node. {@code interval} and {@code timeout} are kept in
 * Go's duration spelling because they exist only to be shown back to clients.
 */
public record HealthCheck(String node, String checkId, String name, CheckStatus status, String notes,
                          String output, String serviceId, String serviceName, List<String> serviceTags,
                          String type, String interval, String timeout,
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
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isNodeCheck() {
    return serviceId.isEmpty();
  }

  HealthCheck withIndexes(long create, long modify) {
    return new HealthCheck(node, checkId, name, status, notes, output, serviceId, serviceName, serviceTags,
        type, interval, timeout, create, modify);
  }

  HealthCheck withService(String svcName, List<String> tags) {
    return new HealthCheck(node, checkId, name, status, notes, output, serviceId, svcName, tags,
        type, interval, timeout, createIndex, modifyIndex);
  }


  public HealthCheck onNode(String nodeName) {
    return new HealthCheck(nodeName, checkId, name, status, notes, output, serviceId, serviceName, serviceTags,
        type, interval, timeout, createIndex, modifyIndex);
  }

  public boolean sameContent(HealthCheck o) {
    return o != null && node.equals(o.node) && checkId.equals(o.checkId) && name.equals(o.name)
        && status == o.status && notes.equals(o.notes) && output.equals(o.output)
        && serviceId.equals(o.serviceId) && serviceName.equals(o.serviceName)
        && serviceTags.equals(o.serviceTags) && type.equals(o.type)
        && interval.equals(o.interval) && timeout.equals(o.timeout);
  }
}
