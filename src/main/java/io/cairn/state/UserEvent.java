package io.cairn.state;

/**
 * A user event ({@code consul event}): a name and payload broadcast to the agents whose node,
 * service and tag match the filters (regular expressions, empty matches all). {@code ltime} is
 * the Raft index it was fired at, so events are ordered the same on every agent.
 */
public record UserEvent(String id, String name, byte[] payload, String nodeFilter, String serviceFilter,
                        String tagFilter, long ltime) {
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
