package io.cairn.membership;

/**
 * An agent as the cluster's membership knows it: where it is, whether it is a server (and its
 * RPC port), and whether it is alive, failed (silent past the failure timeout) or left.
 */
public record Member(String name, String address, int port, String datacenter, boolean server, int serverPort,
                     Status status) {

  /** Consul's member states, with the numbers /v1/agent/members shows. */
  public enum Status {
    ALIVE(1), LEAVING(2), LEFT(3), FAILED(4);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  Member with(Status s) {
    return new Member(name, address, port, datacenter, server, serverPort, s);
  }
}
