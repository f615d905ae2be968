package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this agent's checks: each on its interval, first run at a random point of its first
 * interval so that a thousand checks registered together do not fire together. Every run
 * reports to the listener; whether it is worth a write is the listener's call.
 */
public final class CheckRunners implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckRunners.class);
  /** Consul refuses to run checks more often than this; shorter intervals are raised to it. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** Receives the status a check now has (thresholds applied) and the output of the run. */
  public interface Listener {
    void onResult(String checkId, CheckResult result);
  }

  private final Listener listener;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("check-timer").factory());
  private final Map<String, Runner> runners = new ConcurrentHashMap<>();
  private final HttpProbe http = new HttpProbe();
  private final TcpProbe tcp = new TcpProbe();
  private final ScriptProbe script = new ScriptProbe();
  private final UdpProbe udp = new UdpProbe();
  private final OsServiceProbe osService = new OsServiceProbe();
  private final AliasProbe alias = new AliasProbe();
  private final Http2Connections http2 = new Http2Connections();
  private final GrpcProbe grpc = new GrpcProbe(http2);
  private final H2PingProbe h2ping = new H2PingProbe(http2);
  private final DockerProbe docker = new DockerProbe();

  /** Where Docker checks find the Docker daemon (DOCKER_HOST's form; the environment's by default). */
  public void dockerHost(String host) {
    docker.host(host);
  }

  /** Where alias checks read the health they follow. */
  public void aliasSource(AliasProbe.Source source) {
    alias.source(source);
  }

  /** check_output_max_size: what a check without its own OutputMaxSize keeps of its output. */
  private volatile int outputMax = CheckResult.DEFAULT_OUTPUT_MAX;

  public CheckRunners(Listener listener) {
    this.listener = listener;
  }

  public void outputMaxSize(int max) {
    this.outputMax = max > 0 ? max : CheckResult.DEFAULT_OUTPUT_MAX;
  }

  /** What {@code def} keeps of an output: its own OutputMaxSize, else the agent's. */
  public int outputLimit(CheckDefinition def) {
    return def.outputMaxSize() > 0 ? def.outputMaxSize() : outputMax;
  }

  /** Starts running a check, replacing any runner of the same id. */
  public void start(CheckDefinition def) {
    // The probe reads no more than the check keeps: its own OutputMaxSize, else the agent's.
    Runner r = new Runner(def.withOutputMaxSize(outputLimit(def)));
    Runner old = runners.put(def.id(), r);
    if (old != null) old.cancel();
    r.scheduleFirst();
  }

  public void stop(String checkId) {
    Runner r = runners.remove(checkId);
    if (r != null) r.cancel();
  }

  /** A TTL check was updated from outside: its clock starts again. */
  public void ttlRenewed(String checkId) {
    Runner r = runners.get(checkId);
    if (r != null && r.def.type() == CheckType.TTL) r.scheduleTtl();
  }


  @Override
  public void close() {
    runners.values().forEach(Runner::cancel);
    runners.clear();
    timer.shutdownNow();
    http2.close();
  }

  private Probe probeFor(CheckType type) {
    return switch (type) {
      case HTTP -> http;
      case TCP -> tcp;
      case SCRIPT -> script;
      case UDP -> udp;
      case OS_SERVICE -> osService;
      case ALIAS -> alias;
      case GRPC -> grpc;
      case H2PING -> h2ping;
      case DOCKER -> docker;
      case TTL -> throw new IllegalArgumentException("TTL checks are not probed");
    };
  }

  /** One check's schedule, and the consecutive-result counters behind its thresholds. */
  private final class Runner {
    final CheckDefinition def;
    private volatile boolean cancelled;
    private ScheduledFuture<?> next;
    private CheckStatus current;
    private int successes;
    private int failures;

    Runner(CheckDefinition def) {
      this.def = def;
      this.current = def.initialStatus();
    }

    synchronized void scheduleFirst() {
      if (def.type() == CheckType.TTL) {
        scheduleTtl();
        return;
      }
      long interval = interval().toMillis();
      schedule(ThreadLocalRandom.current().nextLong(Math.max(1, interval)));
    }

    synchronized void scheduleTtl() {
      if (cancelled) return;
      if (next != null) next.cancel(false);
      next = timer.schedule(() -> {
        if (!cancelled) listener.onResult(def.id(), new CheckResult(CheckStatus.CRITICAL, "TTL expired"));
      }, def.ttl().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Duration interval() {
      Duration i = def.interval();
      return i == null || i.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : i;
    }

    private synchronized void schedule(long delayMillis) {
      if (cancelled) return;
      next = timer.schedule(() -> Thread.ofVirtual().name("check-" + def.id()).start(this::runOnce),
          delayMillis, TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
      if (cancelled) return;
      CheckResult raw;
      try {
        raw = probeFor(def.type()).run(def);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("check {} failed to run: {}", def.id(), e.toString());
        raw = new CheckResult(CheckStatus.CRITICAL, "check failed to run: " + e);
      }
      if (cancelled) return;
      listener.onResult(def.id(), new CheckResult(applyThresholds(raw.status()), raw.output()).cut(def.outputLimit()));
      schedule(interval().toMillis());
    }

    /** SuccessBeforePassing / FailuresBeforeCritical: a status holds until enough runs agree. */
    private synchronized CheckStatus applyThresholds(CheckStatus observed) {
      switch (observed) {
        case PASSING -> {
          successes++;
          failures = 0;
          if (successes >= def.successBeforePassing()) current = CheckStatus.PASSING;
        }
        case WARNING -> {
          successes = 0;
          failures = 0;
          current = CheckStatus.WARNING;
        }
        case CRITICAL -> {
          failures++;
          successes = 0;
          if (failures >= def.failuresBeforeCritical()) current = CheckStatus.CRITICAL;
        }
      }
      return current;
    }

    synchronized void cancel() {
      cancelled = true;
      if (next != null) next.cancel(false);
    }
  }
}
