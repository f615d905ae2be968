package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.Query;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.ServiceInstance;
import io.cairn.state.UserEvent;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * /v1/event/: fire a user event, list recent ones. Events travel through Raft (Consul gossips
 * them); an agent lists those whose node, service and tag filters match it.
 */
final class EventApi {
  private static final int MAX_PAYLOAD = 100 * 1024;
  private final ApiContext ctx;

  EventApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("PUT", "/v1/event/fire/", this::fire);
    r.route("GET", "/v1/event/list", this::list);
  }

  private Reply fire(ApiRequest req, String name) throws Exception {
    if (name.isEmpty()) throw ApiException.badRequest("Missing name");
    String node = orEmpty(req.param("node"));
    String service = orEmpty(req.param("service"));
    String tag = orEmpty(req.param("tag"));
    for (String re : List.of(node, service, tag)) EventFilter.forFire(re);
    if (!tag.isEmpty() && service.isEmpty()) throw ApiException.badRequest("Cannot provide tag filter without service filter");
    byte[] payload = req.body(MAX_PAYLOAD, "Event payload too large: the limit is " + MAX_PAYLOAD + " bytes");
    UserEvent e = new UserEvent(UUID.randomUUID().toString(), name, payload, node, service, tag, 0);
    Outcome o = ctx.cluster().write(new Command.EventFire(e), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.json(event(e));
  }

  private Reply list(ApiRequest req, String rest) throws Exception {
    String name = req.param("name");
    QueryResult<List<UserEvent>> q = ctx.cluster().read(req.queryOptions(), new Query.Events());
    ArrayNode out = Wire.array();
    for (UserEvent e : q.value()) {
      if ((name == null || name.isEmpty() || name.equals(e.name())) && matchesThisAgent(e)) out.add(event(e));
    }
    return Reply.json(out, q.meta());
  }

  /**
   * Consul delivers an event only to agents whose node name, and some service (and tag), match.
   * Filters run within a step budget (see {@link EventFilter}): one bad filter must not hang the list.
   */
  private boolean matchesThisAgent(UserEvent e) {
    if (!e.nodeFilter().isEmpty() && !EventFilter.matches(e.nodeFilter(), ctx.local().node().name())) return false;
    if (e.serviceFilter().isEmpty()) return true;
    for (ServiceInstance s : ctx.local().services().values()) {
      if (!EventFilter.matches(e.serviceFilter(), s.name())) continue;
      if (e.tagFilter().isEmpty() || s.tags().stream().anyMatch(t -> EventFilter.matches(e.tagFilter(), t))) return true;
    }
    return false;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static ObjectNode event(UserEvent e) {
    ObjectNode o = Wire.object();
    o.put("ID", e.id());
    o.put("Name", e.name());
    if (e.payload().length == 0) o.putNull("Payload");
    else o.put("Payload", Base64.getEncoder().encodeToString(e.payload()));
    o.put("NodeFilter", e.nodeFilter());
    o.put("ServiceFilter", e.serviceFilter());
    o.put("TagFilter", e.tagFilter());
    o.put("Version", 1);
    o.put("LTime", e.ltime());
    return o;
  }
}
