package io.cairn.state;

import java.util.List;

/** A node and every service registered on it. */
public record NodeServices(Node node, List<ServiceInstance> services) {}
