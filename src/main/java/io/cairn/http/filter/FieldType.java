package io.cairn.http.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of what a filter reads: Consul's Go structs as their JSON appears on the wire. A
 * selector is checked against it when the filter is compiled, so a misspelt field is refused
 * before anything is read rather than silently matching nothing.
 */
public sealed interface FieldType {
  /** A string, bool, integer or float: what {@code ==} compares. */
  enum Primitive implements FieldType { STRING, BOOL, INT, FLOAT }

  record ListOf(FieldType element) implements FieldType {}

  /** A map keyed by strings. */
  record MapOf(FieldType value) implements FieldType {}

  record Struct(String name, Map<String, FieldType> fields) implements FieldType {}

  FieldType STRING = Primitive.STRING;
  FieldType BOOL = Primitive.BOOL;
  FieldType INT = Primitive.INT;
  FieldType FLOAT = Primitive.FLOAT;
  FieldType STRINGS = new ListOf(Primitive.STRING);
  FieldType STRING_MAP = new MapOf(Primitive.STRING);

  static ListOf listOf(FieldType element) {
    return new ListOf(element);
  }

  static MapOf mapOf(FieldType value) {
    return new MapOf(value);
  }

  /** A struct from alternating field names and types, in the order Consul declares them. */
  static Struct struct(String name, Object... namesAndTypes) {
    if (namesAndTypes.length % 2 != 0) throw new IllegalArgumentException("names and types must pair up");
    Map<String, FieldType> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) fields.put((String) namesAndTypes[i], (FieldType) namesAndTypes[i + 1]);
    return new Struct(name, java.util.Collections.unmodifiableMap(fields));
  }

  /** The same struct with more fields (Consul embeds structs, as a check's in an agent's). */
  default Struct with(Object... namesAndTypes) {
    Struct base = (Struct) this;
    Struct more = struct(base.name(), namesAndTypes);
    Map<String, FieldType> fields = new LinkedHashMap<>(base.fields());
    fields.putAll(more.fields());
    return new Struct(base.name(), java.util.Collections.unmodifiableMap(fields));
  }

  /** How the type reads in an error message. */
  static String describe(FieldType t) {
    return switch (t) {
      case Primitive p -> p.name().toLowerCase(java.util.Locale.ROOT);
      case ListOf l -> "list of " + describe(l.element());
      case MapOf m -> "map of " + describe(m.value());
      case Struct s -> s.name();
    };
  }
}
