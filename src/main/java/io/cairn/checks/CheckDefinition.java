package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A check as registered with an agent: what to probe, how often, and how results turn into a
 * status. {@code serviceId} is empty for a node check.
 */
public record CheckDefinition(String id, String name, String notes, String serviceId, CheckType type,
                              String http, String method, Map<String, List<String>> header, String body,
                              boolean tlsSkipVerify, String tcp, List<String> args, Duration ttl,
                              Duration interval, Duration timeout, Duration deregisterCriticalServiceAfter,
                              int successBeforePassing, int failuresBeforeCritical, CheckStatus initialStatus,
                              String target, boolean useTls, String tlsServerName, int outputMaxSize) {
  /** A check that keeps the agent's output limit (check_output_max_size). */
  public CheckDefinition(String id, String name, String notes, String serviceId, CheckType type,
                         String http, String method, Map<String, List<String>> header, String body,
                         boolean tlsSkipVerify, String tcp, List<String> args, Duration ttl,
                         Duration interval, Duration timeout, Duration deregisterCriticalServiceAfter,
                         int successBeforePassing, int failuresBeforeCritical, CheckStatus initialStatus, String target,
                         boolean useTls, String tlsServerName) {
    this(id, name, notes, serviceId, type, http, method, header, body, tlsSkipVerify, tcp, args, ttl, interval, timeout,
        deregisterCriticalServiceAfter, successBeforePassing, failuresBeforeCritical, initialStatus, target, useTls,
        tlsServerName, 0);
  }

  /** A check without TLS settings of its own (all but gRPC and H2PING; HTTP's TLS is its URL's). */
  public CheckDefinition(String id, String name, String notes, String serviceId, CheckType type,
                         String http, String method, Map<String, List<String>> header, String body,
                         boolean tlsSkipVerify, String tcp, List<String> args, Duration ttl,
                         Duration interval, Duration timeout, Duration deregisterCriticalServiceAfter,
                         int successBeforePassing, int failuresBeforeCritical, CheckStatus initialStatus, String target) {
    this(id, name, notes, serviceId, type, http, method, header, body, tlsSkipVerify, tcp, args, ttl, interval, timeout,
        deregisterCriticalServiceAfter, successBeforePassing, failuresBeforeCritical, initialStatus, target, false, null);
  }

  /** A check without a {@code target} (every kind but UDP, whose address it is, and OSService, whose unit). */
  public CheckDefinition(String id, String name, String notes, String serviceId, CheckType type,
                         String http, String method, Map<String, List<String>> header, String body,
                         boolean tlsSkipVerify, String tcp, List<String> args, Duration ttl,
                         Duration interval, Duration timeout, Duration deregisterCriticalServiceAfter,
                         int successBeforePassing, int failuresBeforeCritical, CheckStatus initialStatus) {
    this(id, name, notes, serviceId, type, http, method, header, body, tlsSkipVerify, tcp, args, ttl, interval, timeout,
        deregisterCriticalServiceAfter, successBeforePassing, failuresBeforeCritical, initialStatus, null, false, null);
  }

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public CheckDefinition {
    notes = notes == null ? "" : notes;
    serviceId = serviceId == null ? "" : serviceId;
    method = method == null || method.isEmpty() ? "GET" : method;
    header = header == null ? Map.of() : Map.copyOf(header);
    body = body == null ? "" : body;
    args = args == null ? List.of() : List.copyOf(args);
    initialStatus = initialStatus == null ? CheckStatus.CRITICAL : initialStatus;
  }

  public Duration effectiveTimeout() {
    if (timeout != null && !timeout.isZero() && !timeout.isNegative()) return timeout;
    if (type == CheckType.SCRIPT) return Duration.ofSeconds(30);
    return DEFAULT_TIMEOUT;
  }

  /** The same check keeping {@code max} characters of its output. */
  CheckDefinition withOutputMaxSize(int max) {
    return new CheckDefinition(id, name, notes, serviceId, type, http, method, header, body, tlsSkipVerify, tcp, args, ttl,
        interval, timeout, deregisterCriticalServiceAfter, successBeforePassing, failuresBeforeCritical, initialStatus, target,
        useTls, tlsServerName, max);
  }

  /** What a probe keeps of its output: OutputMaxSize once the runner set it, else the most any probe keeps. */
  int outputLimit() {
    return outputMaxSize > 0 ? Math.min(outputMaxSize, CheckResult.MAX_OUTPUT) : CheckResult.MAX_OUTPUT;
  }

  public CheckDefinition withIdentity(String newId, String newName, String newServiceId) {
    return new CheckDefinition(newId, newName, notes, newServiceId, type, http, method, header, body, tlsSkipVerify,
        tcp, args, ttl, interval, timeout, deregisterCriticalServiceAfter, successBeforePassing,
        failuresBeforeCritical, initialStatus, target, useTls, tlsServerName, outputMaxSize);
  }
}
