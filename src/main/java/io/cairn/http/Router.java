package io.cairn.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a decoded path to a handler: exact paths first, then the longest matching prefix (a
 * pattern ending in "/"), whose remainder (a key, an id) is passed to the handler. A known path
 * with a method it does not take is a 405.
 */
final class Router {
  /** A handler gets the request and the path's remainder after its prefix ("" for exact routes). */
  @FunctionalInterface
  interface Handler {
    Reply handle(ApiRequest request, String rest) throws Exception;
  }

  record Match(Handler handler, String rest) {}

  private final Map<String, Map<String, Handler>> exact = new HashMap<>();
  private final List<String> prefixes = new ArrayList<>();
  private final Map<String, Map<String, Handler>> byPrefix = new HashMap<>();

  Router route(String methods, String pattern, Handler h) {
    boolean prefix = pattern.endsWith("/");
    Map<String, Map<String, Handler>> table = prefix ? byPrefix : exact;
    Map<String, Handler> perMethod = table.computeIfAbsent(pattern, k -> new HashMap<>());
    for (String m : methods.split(",")) perMethod.put(m.trim(), h);
    if (prefix && !prefixes.contains(pattern)) {
      prefixes.add(pattern);
      prefixes.sort((a, b) -> b.length() - a.length());
    }
    return this;
  }

  Match find(String method, String path) {
    Map<String, Handler> perMethod = exact.get(path);
    String rest = "";
    if (perMethod == null) {
      for (String p : prefixes) {
        if (path.startsWith(p)) {
          perMethod = byPrefix.get(p);
          rest = path.substring(p.length());
          break;
        }
        // "/v1/kv" without the slash is the empty key, as "/v1/kv/" is.
        if (path.equals(p.substring(0, p.length() - 1))) {
          perMethod = byPrefix.get(p);
          break;
        }
      }
    }
    if (perMethod == null) throw new ApiException(404, "404 page not found");
    Set<String> allowed = new LinkedHashSet<>();
    allowed.add("OPTIONS");
    allowed.addAll(perMethod.keySet().stream().sorted().toList());
    String allow = String.join(",", allowed);
    if (method.equals("OPTIONS")) return new Match((req, r) -> Reply.ok().withHeader("Allow", allow), rest);
    Handler h = perMethod.get(method.equals("HEAD") ? "GET" : method);
    if (h == null) {
      return new Match((req, r) -> Reply.text(405, "method " + method + " not allowed").withHeader("Allow", allow), rest);
    }
    return new Match(h, rest);
  }
}
