package io.cairn.http;

import io.cairn.endpoints.QueryExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.PreparedQuery;
import io.cairn.state.ServiceEntry;
import io.cairn.state.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryDefinitionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PreparedQuery stored(String id, String body) throws Exception {
    return QueryDefinition.toStored(id, QueryDefinition.normalise(JSON.readTree(body)));
  }

  @Test
  void refusesWhatConsulRefusesInItsWords() {
    assertRefused("{}", "Must provide a Service name to query");
    assertRefused("{\"Service\":{\"Service\":\"\"}}", "Must provide a Service name to query");
    assertRefused("{\"Service\":{\"Service\":\"a\",\"Failover\":{\"NearestN\":-1}}}", "Bad NearestN '-1', must be >= 0");
    assertRefused("{\"Service\":{\"Service\":\"a\"},\"DNS\":{\"TTL\":\"soon\"}}", "Bad DNS TTL 'soon'");
    assertRefused("{\"Service\":{\"Service\":\"a\"},\"Template\":{\"Type\":\"regex\"}}", "Bad Template.Type 'regex'");
    assertRefused("{\"Service\":{\"Service\":\"a\"},\"Template\":{\"Type\":\"name_prefix_match\",\"Regexp\":\"(\"}}", "Bad Regexp");
    assertRefused("{\"Service\":{\"Service\":\"a\",\"Tags\":\"x\"}}", "Service.Tags must be a list of strings");
    assertRefused("{\"Service\":{\"Service\":\"a\",\"Servcie\":1}}", "unknown field \"Service.Servcie\"");
    assertRefused("[]", "a JSON object is required");
  }

  private static void assertRefused(String body, String words) {
    assertThatThrownBy(() -> QueryDefinition.normalise(JSON.readTree(body))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(words);
  }

  @Test
  void aTemplateFillsItsVariablesForTheNameAsked() throws Exception {
    PreparedQuery t = stored("t1", """
        {"Name":"geo-db-","Template":{"Type":"name_prefix_match","Regexp":"^geo-db-(.*?)-([^\\\\-]+?)$","RemoveEmptyTags":true},
         "Service":{"Service":"mysql-${match(1)}","Tags":["${match(2)}","${match(3)}","x-${name.suffix}"],
                    "NodeMeta":{"asked":"${name.full}","prefix":"${name.prefix}"}}}""");
    ObjectNode r = QueryDefinition.rendered(t, "geo-db-customer-primary");
    QueryExecution.Service s = QueryDefinition.service(r);
    assertThat(s.service()).isEqualTo("mysql-customer");
    assertThat(s.tags()).containsExactly("primary", "x-customer-primary");
    assertThat(s.nodeMeta()).containsEntry("asked", "geo-db-customer-primary").containsEntry("prefix", "geo-db-");
  }

  @Test
  void lookupByIdThenExactNameThenLongestTemplatePrefixThenCatchAll() throws Exception {
    PreparedQuery exact = stored("q1", "{\"Name\":\"web\",\"Service\":{\"Service\":\"web\"}}");
    PreparedQuery shortT = stored("q2", "{\"Name\":\"we\",\"Template\":{\"Type\":\"name_prefix_match\"},\"Service\":{\"Service\":\"${name.full}\"}}");
    PreparedQuery longT = stored("q3", "{\"Name\":\"web-\",\"Template\":{\"Type\":\"name_prefix_match\"},\"Service\":{\"Service\":\"${name.suffix}\"}}");
    PreparedQuery all = stored("q4", "{\"Name\":\"\",\"Template\":{\"Type\":\"name_prefix_match\"},\"Service\":{\"Service\":\"${name.full}\"}}");
    List<PreparedQuery> qs = List.of(all, shortT, longT, exact);
    assertThat(QueryDefinition.lookup(qs, "q3")).contains(longT);
    assertThat(QueryDefinition.lookup(qs, "web")).contains(exact);
    assertThat(QueryDefinition.lookup(qs, "web-api")).contains(longT);
    assertThat(QueryDefinition.lookup(qs, "wedge")).contains(shortT);
    assertThat(QueryDefinition.lookup(qs, "db")).contains(all);
    assertThat(QueryDefinition.lookup(List.of(exact), "db")).isEmpty();
  }

  private static ServiceEntry entry(String node, String dc, List<String> tags, CheckStatus... statuses) {
    List<HealthCheck> checks = new ArrayList<>();
    for (int i = 0; i < statuses.length; i++) {
      checks.add(new HealthCheck(node, "c" + i, "c" + i, statuses[i], "", "", "svc", "web", tags, "", "", "", null, 0, 0));
    }
    return new ServiceEntry(new Node("", node, "10.0.0.1", dc, Map.of(), Map.of("rack", "r1"), 0, 0),
        new ServiceInstance(node, "web", "web", tags, "", 80, Map.of(), false, 1, 1, 0, 0), checks);
  }

  @Test
  void runFiltersHealthAndTagsAndFailsOverNearestFirstThenListedEachOnce() {
    QueryExecution.Service q = new QueryExecution.Service("web", 1, List.of("dc3", "dc2"), false, List.of("c1"), "",
        List.of("primary", "!canary"), Map.of("rack", "r1"), Map.of());
    List<String> tried = new ArrayList<>();
    QueryExecution.Result r = QueryExecution.run(q, "dc1", dc -> {
      tried.add(dc);
      return switch (dc) {
        case "dc1" -> List.of(entry("a", dc, List.of("primary"), CheckStatus.CRITICAL),
            entry("b", dc, List.of("primary", "canary"), CheckStatus.PASSING));
        case "dc3" -> throw new IllegalStateException("unreachable");
        default -> List.of(entry("c", dc, List.of("PRIMARY"), CheckStatus.WARNING, CheckStatus.CRITICAL));
      };
    }, List.of("dc1", "dc3", "dc2"), "", 0);
    // dc3 is nearest (NearestN 1) and listed: tried once; dc2's instance passes (c1 ignored, warning counts).
    assertThat(tried).containsExactly("dc1", "dc3", "dc2");
    assertThat(r.datacenter()).isEqualTo("dc2");
    assertThat(r.failovers()).isEqualTo(2);
    assertThat(r.nodes()).extracting(e -> e.node().name()).containsExactly("c");
    QueryExecution.Service passingOnly = new QueryExecution.Service("web", 0, List.of("dc2"), true, List.of("c1"), "",
        List.of(), Map.of(), Map.of());
    assertThat(QueryExecution.run(passingOnly, "dc1",
        dc -> List.of(entry("c", dc, List.of(), CheckStatus.WARNING, CheckStatus.CRITICAL)), List.of("dc1"), "", 0).nodes()).isEmpty();
  }
}
