package io.cairn.endpoints;

/** A request named a datacenter this agent has no path to: Consul answers 500 "No path to datacenter". */
public final class UnknownDatacenterException extends RuntimeException {
  public UnknownDatacenterException(String dc) {
    super("No path to datacenter");
  }
}
