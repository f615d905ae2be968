package io.cairn.http.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cairn.http.filter.Expr.Collection;
import io.cairn.http.filter.Expr.Match;
import io.cairn.http.filter.Expr.Op;
import io.cairn.http.filter.Expr.Selector;
import io.cairn.http.filter.FieldType.ListOf;
import io.cairn.http.filter.FieldType.MapOf;
import io.cairn.http.filter.FieldType.Primitive;
import io.cairn.http.filter.FieldType.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A compiled {@code ?filter=} expression over one endpoint's items, evaluated on their JSON as
 * the endpoint answers it. Compiling checks every selector against the endpoint's
 * {@link FieldType} and every value against its field's type, so evaluation cannot fail.
 *
 * <p>Semantics, as go-bexpr's: a field a struct leaves out (or null) reads as its type's zero
 * value; a key missing from a map makes {@code ==}, {@code in}, {@code matches} and
 * {@code is not empty} false and their negations true. A selector that steps through a list
 * without an index ({@code Checks.Status}) matches when the comparison holds for any element,
 * as Consul's documented selectors have always worked; {@code Checks.0.Status} picks one and
 * {@code any|all Checks as c { … }} quantifies explicitly.
 */
public final class Filter {
  private final Node root;

  private Filter(Node root) {
    this.root = root;
  }

  /** Parses and checks {@code expression} against the items' type. */
  public static Filter compile(String expression, FieldType itemType) throws FilterException {
    Expr e = FilterParser.parse(expression);
    return new Filter(new Compiler(itemType).compile(e, Scope.EMPTY));
  }

  public boolean matches(JsonNode item) {
    return root.eval(item, Map.of());
  }

  private interface Node {
    boolean eval(JsonNode item, Map<String, JsonNode> env);
  }

  /** A name bound by any/all: its type, and whether it stands for a key or index (no path may follow it). */
  private record Binding(FieldType type, boolean scalar) {}

  private record Scope(Map<String, Binding> names) {
    static final Scope EMPTY = new Scope(Map.of());

    Scope with(String name, Binding b) {
      if (name == null || name.equals("_")) return this;
      Map<String, Binding> m = new HashMap<>(names);
      m.put(name, b);
      return new Scope(m);
    }
  }

  /** A selector resolved against the types: where it starts, its steps, and whether it fans out over a list. */
  private record Path(String binding, List<String> steps, List<FieldType> typesBefore, FieldType type, boolean fansOut) {}

  private static final class Compiler {
    private final FieldType itemType;

    Compiler(FieldType itemType) {
      this.itemType = itemType;
    }

    Node compile(Expr e, Scope scope) throws FilterException {
      return switch (e) {
        case Expr.And a -> {
          Node l = compile(a.left(), scope), r = compile(a.right(), scope);
          yield (item, env) -> l.eval(item, env) && r.eval(item, env);
        }
        case Expr.Or o -> {
          Node l = compile(o.left(), scope), r = compile(o.right(), scope);
          yield (item, env) -> l.eval(item, env) || r.eval(item, env);
        }
        case Expr.Not n -> {
          Node inner = compile(n.operand(), scope);
          yield (item, env) -> !inner.eval(item, env);
        }
        case Match m -> match(m, scope);
        case Collection c -> collection(c, scope);
      };
    }

    private Path resolve(Selector sel, Scope scope) throws FilterException {
      List<String> parts = sel.path();
      String binding = null;
      FieldType t = itemType;
      int from = 0;
      Binding b = scope.names().get(parts.get(0));
      if (b != null) {
        binding = parts.get(0);
        t = b.type();
        from = 1;
        if (b.scalar() && parts.size() > 1) {
          throw new FilterException("\"" + binding + "\" is a key or an index, so \"" + sel.text() + "\" is not valid", sel.position());
        }
      }
      List<String> steps = new ArrayList<>();
      List<FieldType> before = new ArrayList<>();
      boolean fansOut = false;
      for (int k = from; k < parts.size(); k++) {
        String part = parts.get(k);
        before.add(t);
        steps.add(part);
        switch (t) {
          case Struct st -> {
            FieldType f = st.fields().get(part);
            if (f == null) {
              throw new FilterException("Selector \"" + sel.text() + "\" is not valid: " + st.name() + " has no field \"" + part
                  + "\" (it has " + String.join(", ", st.fields().keySet()) + ")", sel.position());
            }
            t = f;
          }
          case MapOf m -> t = m.value();
          case ListOf l -> {
            if (part.chars().allMatch(Character::isDigit)) {
              t = l.element();
            } else {
              // Through a list without an index: the rest applies to each element.
              fansOut = true;
              steps.set(steps.size() - 1, "*");
              t = l.element();
              k--;
            }
          }
          case Primitive p -> throw new FilterException("Selector \"" + sel.text() + "\" is not valid: \""
              + String.join(".", parts.subList(0, k)) + "\" is a " + FieldType.describe(p) + " and has no \"" + part + "\"", sel.position());
        }
      }
      return new Path(binding, List.copyOf(steps), List.copyOf(before), t, fansOut);
    }

    private Node match(Match m, Scope scope) throws FilterException {
      Path path = resolve(m.selector(), scope);
      Op op = m.op();
      Op positive = op.positive() == null ? op : op.positive();
      Leaf test = leafTest(m, positive, path.type());
      boolean negate = op.positive() != null;
      return (item, env) -> {
        List<JsonNode> leaves = new ArrayList<>(1);
        boolean[] missing = {false};
        collect(start(path, item, env), path, 0, leaves, missing, false);
        if (!path.fansOut()) {
          if (missing[0]) return op.whenMissing();
          boolean r = test.test(leaves.get(0));
          return negate != r;
        }
        // Implicitly over every element: true when the operator holds for any one.
        for (JsonNode leaf : leaves) {
          boolean r = leaf == MISSING ? op.whenMissing() : negate != test.test(leaf);
          if (r) return true;
        }
        return false;
      };
    }

    private Leaf leafTest(Match m, Op positive, FieldType t) throws FilterException {
      String sel = m.selector().text();
      String raw = m.value() == null ? null : m.value().raw();
      int at = m.value() == null ? m.selector().position() : m.value().position();
      switch (positive) {
        case EQUAL -> {
          if (!(t instanceof Primitive p)) {
            throw new FilterException("\"" + m.op().text + "\" cannot compare " + sel + " (a " + FieldType.describe(t)
                + "); use \"in\", \"contains\" or \"is empty\"", m.selector().position());
          }
          Object want = coerce(raw, p, sel, at);
          return leaf -> equal(leaf, p, want);
        }
        case IN -> {
          switch (t) {
            case Primitive p when p == Primitive.STRING -> {
              return leaf -> text(leaf).contains(raw);
            }
            case ListOf l when l.element() instanceof Primitive p -> {
              Object want = coerce(raw, p, sel, at);
              return leaf -> {
                if (leaf == null || !leaf.isArray()) return false;
                for (JsonNode e : leaf) if (equal(e, p, want)) return true;
                return false;
              };
            }
            case MapOf ignored -> {
              return leaf -> leaf != null && leaf.isObject() && leaf.has(raw);
            }
            default -> throw new FilterException("\"" + m.op().text + "\" cannot look into " + sel + " (a " + FieldType.describe(t)
                + "); it works on strings, lists of values and maps", m.selector().position());
          }
        }
        case IS_EMPTY -> {
          if (t instanceof Primitive p && p != Primitive.STRING || t instanceof Struct) {
            throw new FilterException("\"" + m.op().text + "\" cannot be asked of " + sel + " (a " + FieldType.describe(t)
                + "); it works on strings, lists and maps", m.selector().position());
          }
          return leaf -> leaf == null || leaf.isNull() || leaf.size() == 0 && !leaf.isTextual() || leaf.isTextual() && leaf.asText().isEmpty();
        }
        case MATCHES -> {
          if (t != Primitive.STRING) {
            throw new FilterException("\"" + m.op().text + "\" needs a string, and " + sel + " is a " + FieldType.describe(t),
                m.selector().position());
          }
          String why = Re2Guard.problem(raw);
          if (why != null) throw new FilterException("invalid regular expression \"" + raw + "\": " + why, at);
          Pattern re = Pattern.compile(raw);
          // Past the step budget, no match: one hostile pattern must not hold a server thread.
          return leaf -> Boolean.TRUE.equals(Re2Guard.find(re, text(leaf)));
        }
        case IS_NIL -> {
          if (t instanceof Primitive) {
            throw new FilterException("\"" + m.op().text + "\" cannot be asked of " + sel + " (a " + FieldType.describe(t) + ")",
                m.selector().position());
          }
          return leaf -> leaf == null || leaf.isNull() || leaf.isMissingNode();
        }
        default -> throw new IllegalStateException(positive.name());
      }
    }

    private Node collection(Collection c, Scope scope) throws FilterException {
      Path path = resolve(c.selector(), scope);
      if (path.fansOut()) {
        throw new FilterException("\"" + c.selector().text() + "\" steps through a list; iterate over that list instead",
            c.selector().position());
      }
      boolean isMap;
      FieldType element;
      switch (path.type()) {
        case ListOf l -> {
          isMap = false;
          element = l.element();
        }
        case MapOf m -> {
          isMap = true;
          element = m.value();
        }
        default -> throw new FilterException("\"" + (c.all() ? "all" : "any") + "\" needs a list or a map, and " + c.selector().text()
            + " is a " + FieldType.describe(path.type()), c.selector().position());
      }
      Binding keyOrIndex = new Binding(isMap ? Primitive.STRING : Primitive.INT, true);
      Binding value = new Binding(element, false);
      String keyName, valueName;
      switch (c.mode()) {
        case DEFAULT -> {
          keyName = isMap ? c.first() : null;
          valueName = isMap ? null : c.first();
        }
        case INDEX -> {
          keyName = c.first();
          valueName = null;
        }
        case VALUE -> {
          keyName = null;
          valueName = c.second();
        }
        default -> {
          keyName = c.first();
          valueName = c.second();
        }
      }
      Node inner = compile(c.inner(), scope.with(keyName, keyOrIndex).with(valueName, value));
      boolean all = c.all();
      return (item, env) -> {
        List<JsonNode> leaves = new ArrayList<>(1);
        boolean[] missing = {false};
        collect(start(path, item, env), path, 0, leaves, missing, false);
        JsonNode coll = missing[0] ? null : leaves.get(0);
        if (coll == null || coll.isNull() || coll.isMissingNode()) return all;
        int index = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = coll.isObject() ? coll.fields() : null; ; index++) {
          Map.Entry<String, JsonNode> entry;
          JsonNode v;
          JsonNode k;
          if (it != null) {
            if (!it.hasNext()) break;
            entry = it.next();
            k = TextNode.valueOf(entry.getKey());
            v = entry.getValue();
          } else {
            if (index >= coll.size()) break;
            k = IntNode.valueOf(index);
            v = coll.get(index);
          }
          Map<String, JsonNode> inside = new HashMap<>(env);
          if (keyName != null && !keyName.equals("_")) inside.put(keyName, k);
          if (valueName != null && !valueName.equals("_")) inside.put(valueName, v);
          boolean r = inner.eval(item, inside);
          if (r && !all) return true;
          if (!r && all) return false;
        }
        return all;
      };
    }
  }

  /** What one step of a path reads: a value, or MISSING for a key a map lacks. */
  private static final JsonNode MISSING = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

  private static JsonNode start(Path path, JsonNode item, Map<String, JsonNode> env) {
    return path.binding() == null ? item : env.get(path.binding());
  }

  private static void collect(JsonNode node, Path path, int k, List<JsonNode> out, boolean[] missing, boolean fanned) {
    if (k == path.steps().size()) {
      out.add(node);
      return;
    }
    String step = path.steps().get(k);
    FieldType t = path.typesBefore().get(k);
    if (step.equals("*") && t instanceof ListOf) {
      if (node == null || !node.isArray()) return;
      for (JsonNode e : node) collect(e, path, k + 1, out, missing, true);
      return;
    }
    switch (t) {
      case MapOf ignored -> {
        JsonNode v = node == null || !node.isObject() ? null : node.get(step);
        if (v == null) {
          if (fanned) {
            out.add(MISSING);
          } else {
            missing[0] = true;
            out.add(MISSING);
          }
          return;
        }
        collect(v, path, k + 1, out, missing, fanned);
      }
      case ListOf ignored -> {
        int n = Integer.parseInt(step);
        JsonNode v = node == null || !node.isArray() || n >= node.size() ? null : node.get(n);
        collect(v, path, k + 1, out, missing, fanned);
      }
      default -> collect(node == null || !node.isObject() ? null : node.get(step), path, k + 1, out, missing, fanned);
    }
  }

  private interface Leaf {
    boolean test(JsonNode leaf);
  }

  private static String text(JsonNode leaf) {
    return leaf == null || leaf.isNull() || leaf.isMissingNode() ? "" : leaf.asText();
  }

  private static boolean equal(JsonNode leaf, Primitive p, Object want) {
    boolean absent = leaf == null || leaf.isNull() || leaf.isMissingNode();
    return switch (p) {
      case STRING -> (absent ? "" : leaf.asText()).equals(want);
      case BOOL -> (!absent && leaf.asBoolean()) == (Boolean) want;
      case INT -> (absent ? 0L : leaf.asLong()) == (Long) want;
      case FLOAT -> (absent ? 0.0 : leaf.asDouble()) == (Double) want;
    };
  }

  /** The value as the field's type, as go-bexpr coerces it (strconv's rules), or why not. */
  static Object coerce(String raw, Primitive p, String selector, int at) throws FilterException {
    try {
      return switch (p) {
        case STRING -> raw;
        case BOOL -> switch (raw) {
          case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
          case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
          default -> throw new NumberFormatException();
        };
        case INT -> parseGoInt(raw);
        case FLOAT -> Double.parseDouble(raw);
      };
    } catch (NumberFormatException e) {
      throw new FilterException("value \"" + raw + "\" is not a " + FieldType.describe(p) + ", as " + selector + " is", at);
    }
  }

  private static long parseGoInt(String raw) {
    String s = raw.replace("_", "");
    boolean neg = s.startsWith("-");
    if (neg || s.startsWith("+")) s = s.substring(1);
    long v;
    if (s.startsWith("0x") || s.startsWith("0X")) v = Long.parseLong(s.substring(2), 16);
    else if (s.startsWith("0o") || s.startsWith("0O")) v = Long.parseLong(s.substring(2), 8);
    else if (s.startsWith("0b") || s.startsWith("0B")) v = Long.parseLong(s.substring(2), 2);
    else if (s.length() > 1 && s.startsWith("0")) v = Long.parseLong(s.substring(1), 8);
    else v = Long.parseLong(s);
    return neg ? -v : v;
  }
}
