package io.cairn.agent;

import static io.cairn.agent.HclScanner.describe;
import static io.cairn.agent.HclParseException.oneLine;
import static io.cairn.agent.HclScanner.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.HclScanner.Kind;
import io.cairn.agent.HclScanner.Token;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Parser for HCL version 1, the configuration syntax of Consul's {@code .hcl} files, producing the
 * Jackson tree that the equivalent JSON configuration would produce, so the rest of the agent only
 * ever deals with one shape of config.
 *
 * <p>HCL1 semantics kept on purpose: block labels become nested object keys ({@code check "id" {}}
 * is {@code {"check": {"id": {}}}}); a key repeated with object values becomes an array of those
 * objects in source order; integers with a leading {@code 0} are octal and {@code 0x} is hex, as
 * Go's {@code strconv.ParseInt(s, 0, 64)} reads them. A key repeated with any non-object value is
 * rejected as a duplicate rather than silently overwritten.
 */
public final class Hcl {

    /** Deeper input is rejected; it also bounds the parser's recursion so it cannot overflow the stack. */
    private static final int MAX_DEPTH = 100;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Hcl() {}

    /**
     * Parses {@code text} as HCL1.
     *
     * @param sourceName used only as the prefix of error messages; {@code null} becomes {@code <input>}
     * @throws HclParseException for any malformed input, with a one-line {@code source:line:col: reason} message
     */
    public static ObjectNode parse(String text, String sourceName) throws HclParseException {
        Objects.requireNonNull(text, "text");
        return new Parser(text, sourceName == null ? "<input>" : sourceName).document();
    }

    private static final class Parser {
        private final HclScanner scanner;
        // Arrays we built from repeated object keys; only these may grow when the key appears again,
        // so a literal list value is never silently extended by a later block.
        private final Set<ArrayNode> repeated = Collections.newSetFromMap(new IdentityHashMap<>());
        private Token tok;

        Parser(String text, String sourceName) {
            this.scanner = new HclScanner(text, sourceName);
        }

        private void advance() throws HclParseException {
            tok = scanner.next();
        }

        private HclParseException error(int offset, String reason) {
            return scanner.error(offset, reason);
        }

        private String position(int offset) {
            return scanner.position(offset);
        }

        ObjectNode document() throws HclParseException {
            advance();
            ObjectNode root = NODES.objectNode();
            body(root, 0, -1);
            return root;
        }

        /** Items up to the '}' matching the brace at {@code openOffset}, or to end of input when it is -1. */
        private void body(ObjectNode target, int depth, int openOffset) throws HclParseException {
            while (true) {
                if (tok.kind() == Kind.EOF) {
                    if (openOffset < 0) return;
                    throw error(tok.offset(), "expected '}' to close '{' at " + position(openOffset)
                            + ", found end of input");
                }
                if (tok.kind() == Kind.RBRACE && openOffset >= 0) {
                    advance();
                    return;
                }
                item(target, depth);
                // HCL1 needs no separator between items; a comma is optional.
                if (tok.kind() == Kind.COMMA) advance();
            }
        }

        private void item(ObjectNode target, int depth) throws HclParseException {
            Token key = tok;
            if (key.kind() != Kind.IDENT && key.kind() != Kind.STRING) {
                throw error(key.offset(), "expected key, found " + describe(key));
            }
            advance();
            JsonNode value;
            if (tok.kind() == Kind.ASSIGN) {
                advance();
                value = value(depth + 1);
            } else {
                Token firstLabel = tok;
                List<String> labels = new ArrayList<>();
                while (tok.kind() == Kind.IDENT || tok.kind() == Kind.STRING) {
                    labels.add(tok.text());
                    advance();
                }
                // `name "web"` followed by `port = 80` reads as labels until the '='; the likely
                // mistake is the missing '=' right after the key, so point there.
                if (labels.isEmpty() || tok.kind() == Kind.ASSIGN) {
                    if (tok.kind() != Kind.LBRACE) {
                        throw error(firstLabel.offset(), "expected '=' after key " + quote(key.text())
                                + ", found " + describe(firstLabel));
                    }
                } else if (tok.kind() != Kind.LBRACE) {
                    throw error(tok.offset(), "expected '{' after labels of block " + quote(key.text())
                            + ", found " + describe(tok));
                }
                // Labels add output nesting too, so they count toward the depth limit.
                value = object(depth + 1 + labels.size());
                for (int i = labels.size() - 1; i >= 0; i--) {
                    ObjectNode wrapper = NODES.objectNode();
                    wrapper.set(labels.get(i), value);
                    value = wrapper;
                }
            }
            insert(target, key, value);
        }

        private void insert(ObjectNode target, Token key, JsonNode value) throws HclParseException {
            JsonNode existing = target.get(key.text());
            if (existing == null) {
                target.set(key.text(), value);
                return;
            }
            if (value.isObject()) {
                if (existing.isObject()) {
                    ArrayNode list = NODES.arrayNode().add(existing).add(value);
                    repeated.add(list);
                    target.set(key.text(), list); // LinkedHashMap keeps the key's original position
                    return;
                }
                if (existing instanceof ArrayNode list && repeated.contains(list)) {
                    list.add(value);
                    return;
                }
            }
            throw error(key.offset(), "duplicate key " + quote(key.text()));
        }

        private JsonNode value(int depth) throws HclParseException {
            Token t = tok;
            if (t.kind() == Kind.LBRACKET) return list(depth);
            if (t.kind() == Kind.LBRACE) return object(depth);
            JsonNode scalar = switch (t.kind()) {
                case STRING, HEREDOC -> NODES.textNode(t.text());
                case NUMBER -> t.number();
                case IDENT -> switch (t.text()) {
                    case "true" -> NODES.booleanNode(true);
                    case "false" -> NODES.booleanNode(false);
                    default -> throw error(t.offset(), "unexpected identifier " + quote(t.text()) + ", strings must be quoted");
                };
                default -> throw error(t.offset(), "expected value, found " + describe(t));
            };
            advance();
            return scalar;
        }

        private ObjectNode object(int depth) throws HclParseException {
            checkDepth(depth);
            int open = tok.offset();
            advance();
            ObjectNode node = NODES.objectNode();
            body(node, depth, open);
            return node;
        }

        private ArrayNode list(int depth) throws HclParseException {
            checkDepth(depth);
            int open = tok.offset();
            advance();
            ArrayNode node = NODES.arrayNode();
            while (tok.kind() != Kind.RBRACKET) {
                if (tok.kind() == Kind.EOF) {
                    throw error(tok.offset(), "expected ']' to close '[' at " + position(open) + ", found end of input");
                }
                node.add(value(depth + 1));
                if (tok.kind() == Kind.COMMA) {
                    advance();
                } else if (tok.kind() != Kind.RBRACKET) {
                    throw error(tok.offset(), "expected ',' or ']' in list, found " + describe(tok));
                }
            }
            advance();
            return node;
        }

        private void checkDepth(int depth) throws HclParseException {
            if (depth > MAX_DEPTH) throw error(tok.offset(), "nesting deeper than " + MAX_DEPTH + " levels");
        }
    }
}
