package io.cairn.http.filter;

import io.cairn.http.filter.Expr.Collection;
import io.cairn.http.filter.Expr.Match;
import io.cairn.http.filter.Expr.Mode;
import io.cairn.http.filter.Expr.Op;
import io.cairn.http.filter.Expr.Selector;
import io.cairn.http.filter.Expr.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * go-bexpr's grammar, by recursive descent: {@code or} binds loosest, then {@code and}, then
 * {@code not}; a match is {@code selector op value}, {@code selector is [not] empty|nil} or
 * {@code value [not] in selector}; {@code any|all selector as name[, name] { expr }} iterates.
 * Values are "double-quoted" (Go escapes), `raw`, numbers or bare words; a selector is
 * {@code Ident(.Ident|.N|["key"])*} or a quoted JSON pointer ({@code "/Meta/rack"}).
 */
final class FilterParser {
  private static final int MAX_LENGTH = 4096;
  private static final int MAX_DEPTH = 64;

  private final String s;
  private int i;
  private int depth;

  private FilterParser(String s) {
    this.s = s;
  }

  static Expr parse(String expression) throws FilterException {
    if (expression.length() > MAX_LENGTH) throw new FilterException("expression longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
    FilterParser p = new FilterParser(expression);
    p.ws();
    if (p.eof()) throw new FilterException("empty expression", 1);
    Expr e = p.or();
    p.ws();
    if (!p.eof()) {
      boolean glued = p.i > 0 && !Character.isWhitespace(expression.charAt(p.i - 1));
      throw p.error("unexpected \"" + p.word() + "\"; expected \"and\", \"or\" or the end" + (glued
          ? " (quote a value that holds characters other than letters, digits, \"_\" and \"/\")" : ""));
    }
    return e;
  }

  private Expr or() throws FilterException {
    Expr left = and();
    while (keyword("or")) left = new Expr.Or(left, and());
    return left;
  }

  private Expr and() throws FilterException {
    Expr left = not();
    while (keyword("and")) left = new Expr.And(left, not());
    return left;
  }

  private Expr not() throws FilterException {
    if (keyword("not")) return new Expr.Not(not());
    return primary();
  }

  private Expr primary() throws FilterException {
    ws();
    if (++depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH + " levels");
    try {
      if (peek('(')) {
        int open = i;
        i++;
        Expr e = or();
        ws();
        if (!peek(')')) throw new FilterException("unmatched parenthesis", open + 1);
        i++;
        return e;
      }
      int mark = i;
      if (keyword("any") || keyword("all")) {
        boolean all = s.startsWith("all", mark);
        ws();
        if (isIdentStart()) {
          Selector sel = selector();
          if (keyword("as")) return collection(all, sel);
        }
        i = mark;
      }
      return match();
    } finally {
      depth--;
    }
  }

  private Collection collection(boolean all, Selector sel) throws FilterException {
    ws();
    String first = bindingName();
    String second = null;
    boolean pair = false;
    ws();
    if (peek(',')) {
      i++;
      ws();
      second = bindingName();
      pair = true;
    }
    Mode mode;
    if (!pair) {
      if (first.equals("_")) throw error("\"_\" alone binds nothing");
      mode = Mode.DEFAULT;
    } else if (first.equals("_") && second.equals("_")) {
      throw error("\"_, _\" binds nothing");
    } else if (second.equals("_")) {
      mode = Mode.INDEX;
    } else if (first.equals("_")) {
      mode = Mode.VALUE;
    } else {
      if (first.equals(second)) throw error("\"" + first + "\" cannot name both the index and the value");
      mode = Mode.INDEX_AND_VALUE;
    }
    ws();
    if (!peek('{')) throw error("expected \"{\" after the names of \"" + (all ? "all" : "any") + "\"");
    i++;
    Expr inner = or();
    ws();
    if (!peek('}')) throw error("expected \"}\"");
    i++;
    return new Collection(all, sel, first, second, mode, inner);
  }

  private String bindingName() throws FilterException {
    if (peek('_') && !isIdentChar(i + 1)) {
      i++;
      return "_";
    }
    if (!isIdentStart()) throw error("expected a name to bind");
    int start = i;
    while (isIdentChar(i)) i++;
    return s.substring(start, i);
  }

  private Match match() throws FilterException {
    ws();
    int start = i;
    if (eof()) throw error("expected a selector or a value");
    boolean quoted = peek('"') || peek('`');
    boolean number = peek('-') || (i < s.length() && Character.isDigit(s.charAt(i)));
    Selector sel = null;
    Value val = null;
    if (quoted) {
      String text = string();
      val = new Value(text, start + 1);
      if (text.startsWith("/")) sel = pointer(text, start + 1);
    } else if (number) {
      val = new Value(number(), start + 1);
    } else if (isIdentStart()) {
      sel = selector();
      val = new Value(sel.text(), start + 1);
    } else {
      throw error("expected a selector or a value, found \"" + word() + "\"");
    }
    int opAt = skipWs();
    if (consume("==")) return new Match(leftSelector(sel, "==", start), Op.EQUAL, value());
    if (consume("!=")) return new Match(leftSelector(sel, "!=", start), Op.NOT_EQUAL, value());
    if (keyword("is")) {
      boolean negated = keyword("not");
      if (keyword("empty")) return new Match(leftSelector(sel, "is empty", start), negated ? Op.IS_NOT_EMPTY : Op.IS_EMPTY, null);
      if (keyword("nil")) return new Match(leftSelector(sel, "is nil", start), negated ? Op.IS_NOT_NIL : Op.IS_NIL, null);
      throw error("expected \"empty\" or \"nil\" after \"is" + (negated ? " not" : "") + "\"");
    }
    boolean negated = keyword("not");
    if (keyword("in")) return new Match(rightSelector(val), negated ? Op.NOT_IN : Op.IN, val);
    if (keyword("contains")) return new Match(leftSelector(sel, "contains", start), negated ? Op.NOT_IN : Op.IN, value());
    if (keyword("matches")) return new Match(leftSelector(sel, "matches", start), negated ? Op.NOT_MATCHES : Op.MATCHES, value());
    i = opAt;
    if (negated) throw error("expected \"in\", \"contains\" or \"matches\" after \"not\"");
    throw error(eof() ? "expected an operator at the end" : "expected an operator (==, !=, in, not in, contains, not contains, "
        + "matches, not matches, is empty, is not empty), found \"" + word() + "\"");
  }

  private static Selector leftSelector(Selector sel, String op, int start) throws FilterException {
    if (sel == null) throw new FilterException("\"" + op + "\" needs a selector on its left, not a literal value", start + 1);
    return sel;
  }

  private Selector rightSelector(Value leftValue) throws FilterException {
    ws();
    int start = i;
    if (peek('"')) {
      String text = string();
      if (!text.startsWith("/")) throw new FilterException("expected a selector after \"in\", not a string", start + 1);
      return pointer(text, start + 1);
    }
    if (!isIdentStart()) throw error("expected a selector after \"in\"");
    return selector();
  }

  private Value value() throws FilterException {
    ws();
    int start = i;
    if (peek('"') || peek('`')) return new Value(string(), start + 1);
    if (peek('-') || (!eof() && Character.isDigit(s.charAt(i)))) return new Value(number(), start + 1);
    if (isIdentStart()) return new Value(selector().text(), start + 1);
    throw error(eof() ? "expected a value at the end" : "expected a value, found \"" + word() + "\"");
  }

  private Selector selector() throws FilterException {
    int start = i;
    List<String> path = new ArrayList<>();
    path.add(ident());
    while (!eof()) {
      if (peek('.')) {
        int dot = i++;
        if (!eof() && Character.isDigit(s.charAt(i))) {
          int n = i;
          while (!eof() && Character.isDigit(s.charAt(i))) i++;
          path.add(s.substring(n, i));
        } else if (isIdentStart()) {
          path.add(ident());
        } else {
          throw new FilterException("expected a field name after \".\"", dot + 2);
        }
      } else if (peek('[')) {
        int open = i++;
        ws();
        if (!(peek('"') || peek('`'))) throw new FilterException("invalid index: expected a quoted key", open + 1);
        path.add(string());
        ws();
        if (!peek(']')) throw new FilterException("unclosed index expression", open + 1);
        i++;
      } else {
        break;
      }
    }
    return new Selector(List.copyOf(path), s.substring(start, i), start + 1);
  }

  private static Selector pointer(String text, int position) throws FilterException {
    List<String> path = new ArrayList<>();
    for (String part : text.substring(1).split("/", -1)) {
      if (part.isEmpty()) throw new FilterException("empty segment in JSON pointer \"" + text + "\"", position);
      path.add(part.replace("~1", "/").replace("~0", "~"));
    }
    return new Selector(List.copyOf(path), text, position);
  }

  private String ident() {
    int start = i;
    while (isIdentChar(i)) i++;
    return s.substring(start, i);
  }

  private String number() throws FilterException {
    int start = i;
    if (peek('-')) i++;
    if (eof() || !Character.isDigit(s.charAt(i))) throw new FilterException("invalid number literal", start + 1);
    if (peek('0')) {
      i++;
    } else {
      while (!eof() && Character.isDigit(s.charAt(i))) i++;
    }
    if (peek('.')) {
      i++;
      if (eof() || !Character.isDigit(s.charAt(i))) throw new FilterException("invalid number literal", start + 1);
      while (!eof() && Character.isDigit(s.charAt(i))) i++;
    }
    if (!eof() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ')' && s.charAt(i) != '}') {
      throw new FilterException("invalid number literal", start + 1);
    }
    return s.substring(start, i);
  }

  /** A "double-quoted" string with Go's escapes, or a `raw` one. */
  private String string() throws FilterException {
    int start = i;
    char q = s.charAt(i++);
    StringBuilder out = new StringBuilder();
    while (true) {
      if (eof()) throw new FilterException("unterminated string literal", start + 1);
      char c = s.charAt(i++);
      if (c == q) return out.toString();
      if (c != '\\' || q == '`') {
        out.append(c);
        continue;
      }
      if (eof()) throw new FilterException("unterminated string literal", start + 1);
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case '\\', '"', '\'' -> out.append(e);
        case 'x' -> out.append((char) hex(2));
        case 'u' -> out.appendCodePoint(hex(4));
        case 'U' -> out.appendCodePoint(hex(8));
        default -> throw new FilterException("invalid escape \"\\" + e + "\" in string literal", i - 1);
      }
    }
  }

  private int hex(int digits) throws FilterException {
    if (i + digits > s.length()) throw new FilterException("short escape in string literal", i);
    try {
      int cp = Integer.parseUnsignedInt(s.substring(i, i + digits), 16);
      if (!Character.isValidCodePoint(cp)) throw new FilterException("invalid code point in string literal", i);
      i += digits;
      return cp;
    } catch (NumberFormatException ex) {
      throw new FilterException("invalid escape in string literal", i);
    }
  }

  /** Consumes {@code word} when it stands alone (whitespace skipped first); otherwise consumes nothing. */
  private boolean keyword(String word) {
    int mark = i;
    skipWs();
    if (s.startsWith(word, i) && !isIdentChar(i + word.length())) {
      i += word.length();
      return true;
    }
    i = mark;
    return false;
  }

  private boolean consume(String token) {
    int mark = i;
    skipWs();
    if (s.startsWith(token, i)) {
      i += token.length();
      return true;
    }
    i = mark;
    return false;
  }

  private void ws() {
    skipWs();
  }

  private int skipWs() {
    while (!eof() && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }

  private boolean eof() {
    return i >= s.length();
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private boolean isIdentStart() {
    return i < s.length() && isAsciiLetter(s.charAt(i));
  }

  private boolean isIdentChar(int at) {
    if (at >= s.length()) return false;
    char c = s.charAt(at);
    return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '/';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The token at the cursor, for messages. */
  private String word() {
    int end = i;
    while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && end - i < 20) end++;
    return end == i && i < s.length() ? s.substring(i, i + 1) : s.substring(i, end);
  }

  private FilterException error(String reason) {
    return new FilterException(reason, Math.min(i, s.length()) + 1);
  }
}
