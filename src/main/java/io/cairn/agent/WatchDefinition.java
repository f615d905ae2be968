package io.cairn.agent;

import io.cairn.http.Fields;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@code watches} block of an agent's config, as Consul reads it: what to watch, and the
 * handler: {@code args} (run as given) or the older {@code handler} string (run by the shell), or
 * {@code handler_type = "http"} with {@code http_handler_config} (path, method, header, timeout,
 * tls_skip_verify).
 */
public record WatchDefinition(WatchPlan.Spec spec, List<String> args, boolean shell, URI httpPath, String method,
                              Map<String, List<String>> headers, Duration timeout, boolean tlsSkipVerify) {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static WatchDefinition read(Fields w) {
    List<String> tags = w.strings("tag");  // a string or a list, as Consul takes it
    WatchPlan.Spec spec = new WatchPlan.Spec(w.text("type"), w.text("key"), w.text("prefix"), w.text("service"), tags,
        w.bool(false, "passingonly"), w.text("state"), w.text("name"));
    spec.path();  // refuses an unknown type or a missing parameter now, not when the watch starts
    String handlerType = w.text("handler_type");
    if ("http".equals(handlerType)) {
      Fields h = w.object("http_handler_config").orElseThrow(() -> w.bad("http_handler_config", "is required with handler_type http"));
      String path = h.text("path");
      if (path == null || !(path.startsWith("http://") || path.startsWith("https://"))) {
        throw h.bad("path", "must be an http(s) URL");
      }
      Duration timeout = h.duration("timeout");
      Map<String, List<String>> headers = h.headers("header");
      return new WatchDefinition(spec, List.of(), false, URI.create(path), h.text("method"), headers == null ? Map.of() : headers,
          timeout == null ? DEFAULT_TIMEOUT : timeout, h.bool(false, "tls_skip_verify"));
    }
    if (handlerType != null && !handlerType.equals("script")) throw w.bad("handler_type", "must be script or http");
    List<String> args = w.strings("args");
    if (args != null && !args.isEmpty()) return new WatchDefinition(spec, args, false, null, null, Map.of(), Duration.ofMinutes(10), false);
    String handler = w.text("handler");
    if (handler == null || handler.isEmpty()) throw w.bad("args", "a watch needs a handler: args, handler or http_handler_config");
    return new WatchDefinition(spec, List.of(handler), true, null, null, Map.of(), Duration.ofMinutes(10), false);
  }

  WatchPlan.Handler handler(WatchPlan.Problems problems) {
    return httpPath != null
        ? WatchHandlers.http(httpPath, method, headers, timeout, tlsSkipVerify, problems)
        : WatchHandlers.script(args, shell, timeout, problems);
  }
}
