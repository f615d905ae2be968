package io.cairn.http.filter;

import static io.cairn.http.filter.FieldType.BOOL;
import static io.cairn.http.filter.FieldType.INT;
import static io.cairn.http.filter.FieldType.STRING;
import static io.cairn.http.filter.FieldType.STRINGS;
import static io.cairn.http.filter.FieldType.STRING_MAP;
import static io.cairn.http.filter.FieldType.listOf;
import static io.cairn.http.filter.FieldType.struct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** go-bexpr's language against a health/service entry, with expressions from Consul's filtering docs. */
class FilterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final FieldType.Struct CHECK = struct("HealthCheck", "CheckID", STRING, "Name", STRING, "Status", STRING,
      "ServiceTags", STRINGS);
  private static final FieldType.Struct ENTRY = struct("CheckServiceNode",
      "Node", struct("Node", "Node", STRING, "Address", STRING, "Meta", STRING_MAP, "TaggedAddresses", STRING_MAP),
      "Service", struct("NodeService", "ID", STRING, "Service", STRING, "Tags", STRINGS, "Port", INT, "Meta", STRING_MAP,
          "EnableTagOverride", BOOL, "Address", STRING),
      "Checks", listOf(CHECK));

  private static final JsonNode WEB1 = json("""
      {"Node":{"Node":"web-01","Address":"10.0.0.1","Meta":{"rack":"r1","os":"linux"},"TaggedAddresses":{"lan":"10.0.0.1"}},
       "Service":{"ID":"web1","Service":"web","Tags":["primary","v2"],"Port":8080,"Meta":{"version":"2.1"},"EnableTagOverride":false},
       "Checks":[{"CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing"},
                 {"CheckID":"service:web1","Name":"web up","Status":"critical","ServiceTags":["primary"]}]}
      """);

  private static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("Service.Service == web", true),
        Arguments.of("Service.Service == \"web\"", true),
        Arguments.of("Service.Service == `web`", true),
        Arguments.of("Service.Service != web", false),
        Arguments.of("Service.Port == 8080", true),
        Arguments.of("Service.Port == \"0x1f90\"", true),
        Arguments.of("Service.Port != 80", true),
        Arguments.of("Service.EnableTagOverride == false", true),
        Arguments.of("Service.EnableTagOverride == F", true),
        Arguments.of("primary in Service.Tags", true),
        Arguments.of("\"secondary\" in Service.Tags", false),
        Arguments.of("\"secondary\" not in Service.Tags", true),
        Arguments.of("Service.Tags contains v2", true),
        Arguments.of("Service.Tags not contains v2", false),
        Arguments.of("Service.Tags is not empty", true),
        Arguments.of("Service.Address is empty", true),
        Arguments.of("Node.Meta.rack == r1", true),
        Arguments.of("Node.Meta[\"rack\"] == r1", true),
        Arguments.of("Node.Meta contains rack", true),
        Arguments.of("rack in Node.Meta", true),
        Arguments.of("Node.Meta.zone == r1", false),
        Arguments.of("Node.Meta.zone != r1", true),
        Arguments.of("Node.Meta.zone is empty", true),
        Arguments.of("Node.Meta.zone not matches \".*\"", true),
        Arguments.of("Service.Meta.version matches \"^2\\\\.\"", true),
        Arguments.of("Service.Meta.version matches `^3`", false),
        Arguments.of("Node.Node matches \"web\"", true),
        Arguments.of("Node.Address contains \"10.0\"", true),
        Arguments.of("\"/Service/Meta/version\" == \"2.1\"", true),
        Arguments.of("Checks.Status == critical", true),
        Arguments.of("Checks.Status == warning", false),
        Arguments.of("Checks.Status != passing", true),
        Arguments.of("Checks.0.Status == passing", true),
        Arguments.of("Checks.1.Status == passing", false),
        Arguments.of("Checks.ServiceTags contains primary", true),
        Arguments.of("any Checks as c { c.Status == critical }", true),
        Arguments.of("all Checks as c { c.Status == passing }", false),
        Arguments.of("all Checks as c { c.Name is not empty }", true),
        Arguments.of("any Service.Tags as t { t == v2 }", true),
        Arguments.of("all Node.Meta as k { k matches \"^[a-z]+$\" }", true),
        Arguments.of("any Node.Meta as _, v { v == linux }", true),
        Arguments.of("any Checks as i, c { i == 1 and c.Status == critical }", true),
        Arguments.of("Service.Service == web and Node.Meta.rack == r2", false),
        Arguments.of("Service.Service == web and not Node.Meta.rack == r2", true),
        Arguments.of("Service.Service == db or Node.Meta.rack == r1", true),
        Arguments.of("not (Service.Service == db or Node.Meta.rack == r1)", false),
        Arguments.of("( Service.Port == 8080 )", true),
        Arguments.of("Service.Service == db or Service.Port == 8080 and Service.Tags contains v3", false),
        Arguments.of("not not Service.Port == 8080", true));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("table")
  void evaluatesAsGoBexprDoes(String expression, boolean expected) throws Exception {
    assertThat(Filter.compile(expression, ENTRY).matches(WEB1)).isEqualTo(expected);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("Service.Tgs contains x", "Selector \"Service.Tgs\" is not valid: NodeService has no field \"Tgs\"", 1),
        Arguments.of("Service.Port == 8080 and Nod.Node == a", "Selector \"Nod.Node\" is not valid", 26),
        Arguments.of("Service.Port == abc", "value \"abc\" is not a int", 17),
        Arguments.of("Service.EnableTagOverride == yes", "is not a bool", 30),
        Arguments.of("Service.Tags == x", "cannot compare Service.Tags", 1),
        Arguments.of("Service.Port matches x", "needs a string", 1),
        Arguments.of("Service.Service matches \"(\"", "invalid regular expression", 25),
        Arguments.of("Service.Service matches \"(a+)+$\"", "exponential time", 25),
        Arguments.of("Service.Service matches \"(a)\\\\1\"", "backreferences", 25),
        Arguments.of("Service.Port contains 8", "cannot look into Service.Port", 1),
        Arguments.of("Service.Service.Name == x", "is a string and has no \"Name\"", 1),
        Arguments.of("Service.Service == \"web", "unterminated string literal", 20),
        Arguments.of("(Service.Service == web", "unmatched parenthesis", 1),
        Arguments.of("Service.Service == web or", "expected a selector or a value", 26),
        Arguments.of("Service.Service == web )", "unexpected \")\"", 24),
        Arguments.of("Service.Service", "expected an operator at the end", 16),
        Arguments.of("Service.Service = web", "expected an operator", 17),
        Arguments.of("web == Service.Service and", "expected a selector or a value", 27),
        Arguments.of("\"web\" == Service.Service", "needs a selector on its left", 1),
        Arguments.of("Node.Meta[rack] == x", "invalid index", 10),
        Arguments.of("   ", "empty expression", 1),
        Arguments.of("any Checks as c { c.Satus == passing }", "has no field \"Satus\"", 19),
        Arguments.of("any Service.Port as p { p == 1 }", "needs a list or a map", 5),
        Arguments.of("any Node.Meta as k { k.x == 1 }", "is a key or an index", 22));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refused")
  void refusesWithTheReasonAndWhere(String expression, String reason, int position) {
    assertThatThrownBy(() -> Filter.compile(expression, ENTRY))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((FilterException) e).position()).isEqualTo(position));
  }

  /**
   * Property: for random trees of and/or/not over atoms whose truth is known, the parsed
   * expression (printed without parentheses where precedence allows) evaluates as the tree does.
   */
  @Test
  void precedenceAndNegationFollowTheTree() throws Exception {
    String[][] atoms = {
        {"Service.Port == 8080", "true"}, {"Service.Port == 80", "false"},
        {"primary in Service.Tags", "true"}, {"Node.Meta.zone == a", "false"},
        {"Checks.Status == critical", "true"}, {"Service.Address is not empty", "false"}};
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      List<Boolean> value = new ArrayList<>(1);
      String expression = tree(random, atoms, 4, value, 0);
      assertThat(Filter.compile(expression, ENTRY).matches(WEB1)).as(expression).isEqualTo(value.get(0));
    }
  }

  /** Prints a tree at a precedence level (0 or, 1 and, 2 not/atom), parenthesising only when needed. */
  private static String tree(Random r, String[][] atoms, int depth, List<Boolean> value, int level) {
    int kind = depth == 0 ? 3 : r.nextInt(4);
    String text;
    boolean v;
    int own;
    switch (kind) {
      case 0, 1 -> {
        List<Boolean> l = new ArrayList<>(1), rr = new ArrayList<>(1);
        String left = tree(r, atoms, depth - 1, l, kind == 0 ? 0 : 1);
        String right = tree(r, atoms, depth - 1, rr, kind == 0 ? 1 : 2);
        v = kind == 0 ? l.get(0) || rr.get(0) : l.get(0) && rr.get(0);
        text = left + (kind == 0 ? " or " : " and ") + right;
        own = kind;
      }
      case 2 -> {
        List<Boolean> inner = new ArrayList<>(1);
        text = "not " + tree(r, atoms, depth - 1, inner, 2);
        v = !inner.get(0);
        own = 2;
      }
      default -> {
        String[] atom = atoms[r.nextInt(atoms.length)];
        text = atom[0];
        v = Boolean.parseBoolean(atom[1]);
        own = 2;
      }
    }
    value.add(v);
    return own < level ? "(" + text + ")" : text;
  }
}
