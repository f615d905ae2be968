package io.cairn.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process's log, as lines, for {@code /v1/agent/monitor}. The logger (slf4j-simple) writes
 * to {@code System.err}; this stands in its place, passes on each line at or above the agent's
 * level and hands every line to the monitors that want its level. Cairn's own loggers log at
 * DEBUG into it, so a monitor can ask for DEBUG on an agent that prints INFO, as Consul's can.
 *
 * <p>A monitor is a bounded queue: a reader slower than the log loses lines, counted and said,
 * rather than holding up the code that logs.
 */
public final class LogTap extends OutputStream {
  /** Levels in slf4j's order; a line's level is the word in its first brackets. */
  public enum Level { TRACE, DEBUG, INFO, WARN, ERROR;

    /** Consul's and slf4j's names (warning, err…); null when unknown. */
    public static Level parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "trace" -> TRACE;
        case "debug" -> DEBUG;
        case "info" -> INFO;
        case "warn", "warning" -> WARN;
        case "err", "error" -> ERROR;
        default -> null;
      };
    }
  }

  /** One log entry's first line and its level; continuation lines (stack traces) carry the entry's level. */
  public record Line(Level level, String text) {}

  private static volatile LogTap installed;

  private final PrintStream target;
  private volatile Level level;
  private final List<Monitor> monitors = new CopyOnWriteArrayList<>();
  private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
  /** The last lines at any level, for {@code /debug/log} and {@code cairn debug}. */
  private static final int RECENT = 1000;
  private final java.util.ArrayDeque<Line> recent = new java.util.ArrayDeque<>(RECENT);
  private Level entryLevel = Level.INFO;
  private boolean entryShown = true;

  LogTap(PrintStream target, Level level) {
    this.target = target;
    this.level = level;
  }

  /** Puts the tap in front of System.err (once per process); later calls only set the level. */
  public static synchronized void install(Level level) {
    if (installed == null) {
      LogTap tap = new LogTap(System.err, level);
      System.setErr(new PrintStream(tap, true, StandardCharsets.UTF_8));
      installed = tap;
    } else {
      installed.level = level;
    }
  }

  /** The tap, or null when logging was not set up through {@link #install} (a library use). */
  public static LogTap installed() {
    return installed;
  }

  public Level level() {
    return level;
  }

  /** The last lines written, oldest first (up to 1,000, at every level down to DEBUG). */
  public synchronized List<Line> recent() {
    return List.copyOf(recent);
  }

  /** A reader of lines at or above {@code min}, holding at most {@code capacity} unread. */
  public Monitor subscribe(Level min, int capacity) {
    Monitor m = new Monitor(min, capacity);
    monitors.add(m);
    return m;
  }

  public final class Monitor implements AutoCloseable {
    private final Level min;
    private final BlockingQueue<Line> lines;
    private final AtomicLong dropped = new AtomicLong();

    private Monitor(Level min, int capacity) {
      this.min = min;
      this.lines = new ArrayBlockingQueue<>(capacity);
    }

    void offer(Line line) {
      if (line.level().ordinal() >= min.ordinal() && !lines.offer(line)) dropped.incrementAndGet();
    }

    /** The next line, waiting up to {@code millis}; null when none came. */
    public Line poll(long millis) throws InterruptedException {
      return lines.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Lines lost since the last call, because this reader fell behind. */
    public long takeDropped() {
      return dropped.getAndSet(0);
    }

    @Override
    public void close() {
      monitors.remove(this);
    }
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      line(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
    } else {
      pending.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        pending.write(b, start, i - start);
        line(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
        start = i + 1;
      }
    }
    pending.write(b, start, off + len - start);
  }

  @Override
  public synchronized void flush() {
    target.flush();
  }

  /**
   * A line with a level starts an entry, shown when the level lets it through; a line without
   * one (a stack trace's, or anything else written to stderr) goes with the entry before it.
   */
  private void line(String text) {
    Level l = levelOf(text);
    if (l != null) {
      entryLevel = l;
      entryShown = l.ordinal() >= level.ordinal();
    }
    Line line = new Line(entryLevel, text);
    if (recent.size() == RECENT) recent.removeFirst();
    recent.addLast(line);
    if (entryShown) target.println(text);
    for (Monitor m : monitors) m.offer(line);
  }

  /** The level in a line as slf4j-simple writes it ({@code <time> [LEVEL] Name - message}), or null for a continuation. */
  static Level levelOf(String text) {
    int open = text.indexOf(" [");
    if (open < 0 || open > 40) return null;
    int close = text.indexOf(']', open);
    if (close < 0 || close - open > 8) return null;
    return Level.parse(text.substring(open + 2, close));
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
