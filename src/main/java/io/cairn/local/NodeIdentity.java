package io.cairn.local;

import java.util.Map;

/** Who this agent is in the catalog. */
public record NodeIdentity(String id, String name, String address, String datacenter,
                           Map<String, String> taggedAddresses, Map<String, String> meta) {}
