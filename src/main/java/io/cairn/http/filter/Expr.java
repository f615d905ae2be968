package io.cairn.http.filter;

import java.util.List;

/** A parsed filter expression; positions are 1-based character offsets into the expression. */
sealed interface Expr {
  record And(Expr left, Expr right) implements Expr {}

  record Or(Expr left, Expr right) implements Expr {}

  record Not(Expr operand) implements Expr {}

  /** {@code value} is null for the operators that take none ({@code is empty}, {@code is nil}). */
  record Match(Selector selector, Op op, Value value) implements Expr {}

  /**
   * {@code any|all <selector> as <binding> { <inner> }}: {@code index} and {@code value} name
   * what each element binds (either may be null; with one name only, {@code value} is null and
   * {@code index} holds it, bound as go-bexpr binds a lone name: the element of a list, the key
   * of a map).
   */
  record Collection(boolean all, Selector selector, String first, String second, Mode mode, Expr inner) implements Expr {}

  enum Mode { DEFAULT, INDEX, VALUE, INDEX_AND_VALUE }

  record Selector(List<String> path, String text, int position) {}

  record Value(String raw, int position) {}

  enum Op {
    EQUAL("=="), NOT_EQUAL("!="), IN("in"), NOT_IN("not in"), IS_EMPTY("is empty"), IS_NOT_EMPTY("is not empty"),
    MATCHES("matches"), NOT_MATCHES("not matches"), IS_NIL("is nil"), IS_NOT_NIL("is not nil");

    final String text;

    Op(String text) {
      this.text = text;
    }

    /** The operator whose result this one negates, or null when it is a positive one. */
    Op positive() {
      return switch (this) {
        case NOT_EQUAL -> EQUAL;
        case NOT_IN -> IN;
        case IS_NOT_EMPTY -> IS_EMPTY;
        case NOT_MATCHES -> MATCHES;
        case IS_NOT_NIL -> IS_NIL;
        default -> null;
      };
    }

    /** What a missing map key gives: nothing equals, contains or matches it, and it is empty and nil. */
    boolean whenMissing() {
      return switch (this) {
        case EQUAL, IN, MATCHES, IS_NOT_EMPTY, IS_NOT_NIL -> false;
        case NOT_EQUAL, NOT_IN, NOT_MATCHES, IS_EMPTY, IS_NIL -> true;
      };
    }
  }
}
