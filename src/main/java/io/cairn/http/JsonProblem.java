package io.cairn.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.regex.Pattern;

/**
 * What was wrong with a JSON document, said in the API's words: where (line and column, or the
 * field's path) and a short reason. Jackson's own messages name its classes and switches
 * ({@code StreamReadConstraints.getMaxNestingDepth()}, {@code JsonReadFeature...}, a target
 * type such as {@code io.cairn.state.KvEntry}); none of that is the client's business.
 */
final class JsonProblem {
  /** Jackson's hints on how to relax its parser: "enable `JsonReadFeature.X` to allow", "(from `...`)". */
  private static final Pattern HINT = Pattern.compile("[:;,]?\\s*(enable|from|see)\\s*`[^`]*`[^);]*");
  /** Jackson's echo of where an enclosing value started: " (for Object starting at [Source: ...])". */
  private static final Pattern ENCLOSING = Pattern.compile("\\s*\\((for \\w+ starting|start marker) at .*$");

  private JsonProblem() {}

  /** E.g. "invalid JSON at line 1 column 5: unexpected character ('x' (code 120))". */
  static String describe(JsonProcessingException e) {
    return describe(e, "");
  }

  /** As {@link #describe(JsonProcessingException)}, a value's path starting at {@code root} ("State"). */
  static String describe(JsonProcessingException e, String root) {
    if (e instanceof JsonMappingException m && !(e instanceof MismatchedInputException && m.getPath().isEmpty())) {
      String path = path(m);
      String where = root.isEmpty() ? path : path.isEmpty() ? root : root + "." + path;
      return "invalid value at " + (where.isEmpty() ? "the top level" : where) + ": " + mappingReason(m);
    }
    String reason = e instanceof JsonEOFException ? "unexpected end of input"
        : e instanceof StreamConstraintsException ? constraintReason(e)
        : parseReason(e.getOriginalMessage());
    return "invalid JSON" + at(e.getLocation()) + ": " + reason;
  }

  private static String at(JsonLocation l) {
    if (l == null || l.getLineNr() < 1) return "";
    return " at line " + l.getLineNr() + (l.getColumnNr() > 0 ? " column " + l.getColumnNr() : "");
  }

  /** The field path of a value that did not fit, as a client would write it: {@code kv[3].value}. */
  private static String path(JsonMappingException m) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (!b.isEmpty()) b.append('.');
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String mappingReason(JsonMappingException m) {
    if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      return "expected " + shapeOf(mi.getTargetType());
    }
    return "not a valid value here";
  }

  /** A Java type as the JSON shape it reads from, never its name. */
  private static String shapeOf(Class<?> t) {
    if (t == String.class || t == char.class || t.isEnum()) return "a string";
    if (t == boolean.class || t == Boolean.class) return "true or false";
    if (t.isPrimitive() || Number.class.isAssignableFrom(t)) return "a number";
    if (t.isArray() && t != byte[].class || java.util.Collection.class.isAssignableFrom(t)) return "a list";
    if (t == byte[].class) return "a base64 string";
    return "an object";
  }

  private static String constraintReason(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (m.contains("nesting depth")) return "nested too deeply";
    if (m.contains("Number")) return "a number is too long";
    if (m.contains("String") || m.contains("Name")) return "a string is too long";
    return "the document exceeds a size limit";
  }

  private static String parseReason(String original) {
    if (original == null || original.isBlank()) return "malformed";
    String r = original.lines().findFirst().orElse("");
    r = ENCLOSING.matcher(HINT.matcher(r).replaceAll("")).replaceAll("").strip();
    if (r.isEmpty() || ErrorText.leaksInternals(r)) return "malformed";
    return Character.toLowerCase(r.charAt(0)) + r.substring(1);
  }
}
