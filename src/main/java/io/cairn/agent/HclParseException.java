package io.cairn.agent;

/**
 * A syntax error in an HCL file; the message is {@code <sourceName>:<line>:<col>: <reason>} on a
 * single line.
 */
public final class HclParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String reason;

    HclParseException(String sourceName, int line, int column, String reason) {
        super(oneLine(sourceName) + ":" + line + ":" + column + ": " + oneLine(reason));
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** 1-based line of the offending token. */
    public int line() { return line; }

    /** 1-based column, counted in UTF-16 chars (a tab is one). */
    public int column() { return column; }

    /** The message without the position prefix. */
    public String reason() { return reason; }

    /** {@code s} with control and line-separator characters escaped, so a message stays one line. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
