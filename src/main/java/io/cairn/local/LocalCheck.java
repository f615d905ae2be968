package io.cairn.local;

import io.cairn.checks.CheckDefinition;
import io.cairn.state.CheckStatus;

/**
 * A check this agent owns: its definition (null for maintenance checks, which nobody runs) and
 * what it last found. {@code syncedStatus}/{@code syncedOutput} are what the catalog holds.
 */
final class LocalCheck {
  final String id;
  final String name;
  final String notes;
  final String serviceId;
  final String type;
  final CheckDefinition definition;
  CheckStatus status;
  String output = "";
  CheckStatus syncedStatus;
  String syncedOutput;
  /** When only the output changed: not before this (epoch ms) does it go to the catalog. */
  long outputDueAt;
  /** When the check turned critical (epoch ms), for DeregisterCriticalServiceAfter; 0 if not. */
  long criticalSince;

  LocalCheck(String id, String name, String notes, String serviceId, String type, CheckDefinition definition,
             CheckStatus status, String output) {
    this.id = id;
    this.name = name;
    this.notes = notes == null ? "" : notes;
    this.serviceId = serviceId == null ? "" : serviceId;
    this.type = type;
    this.definition = definition;
    this.status = status;
    this.output = output == null ? "" : output;
  }

  boolean inSync() {
    return status == syncedStatus && output.equals(syncedOutput);
  }
}
