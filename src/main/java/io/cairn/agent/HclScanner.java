package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.regex.Pattern;

/**
 * The tokens of HCL1 source: identifiers, strings and heredocs (decoded), numbers (as Go's
 * {@code strconv} reads them), punctuation; comments and whitespace skipped. Positions are
 * offsets; line and column are worked out only when an error is reported.
 */
final class HclScanner {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    enum Kind { IDENT, STRING, HEREDOC, NUMBER, LBRACE, RBRACE, LBRACKET, RBRACKET, COMMA, ASSIGN, EOF }

    private static final Pattern INTEGER = Pattern.compile("-?(0[xX][0-9a-fA-F]+|[0-9]+)");
    private static final Pattern FLOAT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final String PUNCTUATION = "{}[],=";
    private static final Kind[] PUNCTUATION_KINDS =
            {Kind.LBRACE, Kind.RBRACE, Kind.LBRACKET, Kind.RBRACKET, Kind.COMMA, Kind.ASSIGN};
    // Go's single-character escapes, which HCL1 strings inherit, and what each one stands for.
    private static final String ESCAPES = "ntr\"\\abfv";
    private static final String ESCAPED = "\n\t\r\"\\\007\b\f\013";

    /** {@code text} is the decoded value for strings and heredocs, the raw source otherwise. */
    record Token(Kind kind, int offset, String text, JsonNode number) {}

    private final String src;
    private final String sourceName;
    private int pos;

    HclScanner(String text, String sourceName) {
        // The CR of a CRLF sits at the end of a line, so dropping it leaves every line and column
        // number unchanged while sparing the scanner (and heredoc contents) from Windows endings.
        this.src = text.replace("\r\n", "\n");
        this.sourceName = sourceName;
    }

    /** The next token; {@link Kind#EOF} at the end, again and again. */
    Token next() throws HclParseException {
        skipTrivia();
        int start = pos;
        if (pos >= src.length()) return new Token(Kind.EOF, start, "", null);
        char c = src.charAt(pos);
        int punctuation = PUNCTUATION.indexOf(c);
        if (punctuation >= 0) {
            pos++;
            return new Token(PUNCTUATION_KINDS[punctuation], start, String.valueOf(c), null);
        }
        if (c == '"') return string(start);
        if (c == '<' && peek(1) == '<') return heredoc(start);
        if (isAsciiDigit(c) || (c == '-' && isAsciiDigit(peek(1)))) return number(start);
        if (isIdentStart(c)) {
            while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
            return new Token(Kind.IDENT, start, src.substring(start, pos), null);
        }
        if (c == ':') throw error(start, "unexpected ':', HCL uses '=' for assignment");
        throw error(start, "unexpected character " + describeChar(c));
    }

    private void skipTrivia() throws HclParseException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                int nl = src.indexOf('\n', pos);
                pos = nl < 0 ? src.length() : nl;
            } else if (c == '/' && peek(1) == '*') {
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) throw error(pos, "unterminated comment");
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private Token string(int start) throws HclParseException {
        StringBuilder out = new StringBuilder();
        pos++;
        while (true) {
            // A raw newline ends the line, not the string: HCL1 strings are single-line.
            if (pos >= src.length() || src.charAt(pos) == '\n') throw error(start, "unterminated string");
            char c = src.charAt(pos++);
            if (c == '"') return new Token(Kind.STRING, start, out.toString(), null);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            int at = pos - 1;
            if (pos >= src.length() || src.charAt(pos) == '\n') throw error(start, "unterminated string");
            char e = src.charAt(pos++);
            int simple = ESCAPES.indexOf(e);
            if (simple >= 0) {
                out.append(ESCAPED.charAt(simple));
            } else if (e == 'u' || e == 'U') {
                out.appendCodePoint(hexEscape(e == 'u' ? 4 : 8, at));
            } else {
                throw error(at, "invalid escape sequence " + quote("\\" + e));
            }
        }
    }

    private int hexEscape(int digits, int at) throws HclParseException {
        long cp = 0;
        for (int i = 0; i < digits; i++) {
            int d = hexValue(peek(i));
            if (d < 0) throw error(at, "invalid unicode escape");
            cp = cp * 16 + d;
        }
        if (cp > Character.MAX_CODE_POINT) throw error(at, "invalid unicode escape");
        pos += digits;
        return (int) cp;
    }

    private Token heredoc(int start) throws HclParseException {
        pos += 2;
        boolean indented = peek(0) == '-';
        if (indented) pos++;
        int anchorStart = pos;
        while (pos < src.length() && (isIdentStart(src.charAt(pos)) || isAsciiDigit(src.charAt(pos)))) pos++;
        String anchor = src.substring(anchorStart, pos);
        if (anchor.isEmpty()) throw error(start, "expected heredoc anchor after '<<'");
        if (peek(0) != '\n') throw error(pos, "heredoc anchor must be followed by a newline");
        int bodyStart = ++pos;
        int lineStart = bodyStart;
        while (true) {
            int nl = src.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? src.length() : nl;
            String line = src.substring(lineStart, lineEnd);
            if (line.strip().equals(anchor)) {
                pos = lineEnd;
                String body = src.substring(bodyStart, lineStart);
                String indent = line.substring(0, line.indexOf(anchor));
                return new Token(Kind.HEREDOC, start, indented ? dedent(body, indent) : body, null);
            }
            if (nl < 0) throw error(start, "unterminated heredoc, expected closing " + quote(anchor));
            lineStart = nl + 1;
        }
    }

    /**
     * HCL1's {@code <<-} strips the terminator line's indentation from every line, and only when
     * every line has it (otherwise the text is kept as written). Blank lines are exempt so that an
     * empty line inside an indented heredoc does not switch the stripping off.
     */
    private static String dedent(String body, String indent) {
        if (indent.isEmpty()) return body;
        String[] lines = body.split("\n", -1);
        for (String line : lines) {
            if (!line.isBlank() && !line.startsWith(indent)) return body;
        }
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            out.append(lines[i].startsWith(indent) ? lines[i].substring(indent.length()) : lines[i]);
        }
        return out.toString();
    }

    private Token number(int start) throws HclParseException {
        pos++; // a digit, or the '-' scan() saw a digit after
        // Take the whole word so "10s" or "1.2.3" is reported as one bad number instead of
        // silently becoming a number followed by something else.
        while (pos < src.length() && (isIdentPart(src.charAt(pos))
                || (src.charAt(pos) == '+' && (src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')))) {
            pos++;
        }
        String text = src.substring(start, pos);
        JsonNode value;
        if (INTEGER.matcher(text).matches()) {
            value = toInteger(text, start);
        } else if (FLOAT.matcher(text).matches()) {
            value = toDouble(text, start);
        } else {
            throw error(start, "invalid number " + quote(text));
        }
        return new Token(Kind.NUMBER, start, text, value);
    }

    private JsonNode toDouble(String text, int start) throws HclParseException {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) throw error(start, "number out of range " + quote(text));
        return NODES.numberNode(d);
    }

    private JsonNode toInteger(String text, int start) throws HclParseException {
        String sign = text.startsWith("-") ? "-" : "";
        String digits = text.substring(sign.length());
        int radix = 10;
        if (digits.length() > 1 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            if (digits.chars().anyMatch(ch -> ch > '7')) throw error(start, "invalid octal number " + quote(text));
        }
        try {
            long v = Long.parseLong(sign + digits, radix);
            // Same node types Jackson's JSON reader picks, so HCL and JSON trees compare equal.
            return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
        } catch (NumberFormatException e) {
            throw error(start, "integer out of range " + quote(text));
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    HclParseException error(int offset, String reason) {
        int[] lc = lineCol(offset);
        return new HclParseException(sourceName, lc[0], lc[1], reason);
    }

    String position(int offset) {
        int[] lc = lineCol(offset);
        return lc[0] + ":" + lc[1];
    }

    // Computed only when an error is reported, so the scanner never has to track lines.
    private int[] lineCol(int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static int hexValue(char c) {
        return c < 128 ? Character.digit(c, 16) : -1; // Character.digit alone also accepts non-ASCII digits
    }

    static boolean isIdentStart(char c) {
        return c == '_' || Character.isLetter(c);
    }

    static boolean isIdentPart(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '-' || c == '.';
    }

    static String describe(Token t) {
        return switch (t.kind()) {
            case EOF -> "end of input";
            case IDENT -> "identifier " + quote(t.text());
            case STRING -> "string " + quote(t.text());
            case HEREDOC -> "heredoc";
            case NUMBER -> "number " + t.text();
            default -> "'" + t.text() + "'";
        };
    }

    static String describeChar(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate(c)
                ? String.format("U+%04X", (int) c)
                : "'" + c + "'";
    }

    /** Quotes user text for a message, escaped so it cannot break the one-line format, and shortened. */
    static String quote(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) : s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return HclParseException.oneLine(b.append(s.length() > 40 ? "...\"" : "\"").toString());
    }
}
