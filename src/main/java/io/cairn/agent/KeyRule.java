package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * What Cairn does with one key of a Consul agent config file, found by its dotted path
 * ({@code telemetry.statsd_address}). A key whose value is what Cairn does anyway ({@code
 * disable_update_check = true}, {@code acl { enabled = false }}) is accepted without a word,
 * whatever its effect.
 *
 * @param path the key as Consul documents it; a key inside a block is {@code block.key}
 * @param effect whether Cairn acts on it, warns that it does not, or refuses to start
 * @param reason for {@link Effect#NO_EFFECT} and {@link Effect#REFUSED}: why, in a few words
 * @param asCairnDoes values that already describe Cairn, so that neither warning nor refusal applies
 */
record KeyRule(String path, Effect effect, String reason, Predicate<JsonNode> asCairnDoes) {

  /** The three answers Cairn gives to a Consul config key. */
  enum Effect {
    /** Read by {@link ConfigBuilder} and acted on. */
    HONOURED,
    /** Accepted so that the file loads, with one warning at start that it changes nothing. */
    NO_EFFECT,
    /**
     * A security setting Cairn does not implement: an agent that ran without it would be more
     * open than its operator asked for, so the config is refused until it is implemented.
     */
    REFUSED
  }

  static KeyRule honoured(String path) {
    return new KeyRule(path, Effect.HONOURED, null, v -> true);
  }

  static KeyRule noEffect(String path, String reason) {
    return new KeyRule(path, Effect.NO_EFFECT, reason, v -> false);
  }

  /** No effect, except that values matching {@code asCairnDoes} are Cairn's own behaviour. */
  static KeyRule noEffectUnless(String path, Predicate<JsonNode> asCairnDoes, String reason) {
    return new KeyRule(path, Effect.NO_EFFECT, reason, asCairnDoes);
  }

  /** Refused unless its value is one that asks for nothing more than Cairn does (off, empty, false). */
  static KeyRule refusedUnless(String path, Predicate<JsonNode> asCairnDoes, String reason) {
    return new KeyRule(path, Effect.REFUSED, reason, asCairnDoes);
  }

  // ---- values, as JSON or HCL give them (Consul also takes "true" and "8501" as strings) ----

  static boolean isFalse(JsonNode v) {
    return v.isBoolean() ? !v.booleanValue() : v.isTextual() && v.asText().equals("false");
  }

  static boolean isTrue(JsonNode v) {
    return v.isBoolean() ? v.booleanValue() : v.isTextual() && v.asText().equals("true");
  }

  /** An empty string or list: the setting is off. */
  static boolean isEmpty(JsonNode v) {
    return (v.isTextual() && v.asText().isBlank()) || (v.isArray() && v.isEmpty());
  }

  /** A port of 0 or -1: the listener is off. */
  static boolean isPortOff(JsonNode v) {
    if (v.isIntegralNumber()) return v.longValue() <= 0;
    if (!v.isTextual()) return false;
    try {
      return Long.parseLong(v.asText().strip()) <= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static Predicate<JsonNode> is(long number) {
    return v -> (v.isIntegralNumber() && v.longValue() == number) || (v.isTextual() && v.asText().equals(Long.toString(number)));
  }
}
