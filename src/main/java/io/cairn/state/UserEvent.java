package io.cairn.state;

/**
 * A user event ({@code consul event}): a name and payload broadcast to the agents whose node,
 * service and tag match the filters (regular expressions, empty matches all). {@code ltime} is
 * the Raft index it was fired at, so events are ordered the same on every agent.
 */
public record UserEvent(String id, String name, byte[] payload, String nodeFilter, String serviceFilter,
                        String tagFilter, long ltime) {
  /** How many of the latest events the store keeps for every agent to list (Consul's agents keep 256). */
  public static final int MAX_KEPT = 256;

  public UserEvent {
    payload = payload == null ? new byte[0] : payload;
    nodeFilter = nodeFilter == null ? "" : nodeFilter;
    serviceFilter = serviceFilter == null ? "" : serviceFilter;
    tagFilter = tagFilter == null ? "" : tagFilter;
  }

  UserEvent at(long index) {
    return new UserEvent(id, name, payload, nodeFilter, serviceFilter, tagFilter, index);
  }
}
