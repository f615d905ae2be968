package io.cairn.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cairn.http.ConsulSnapshot;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cairn snapshot inspect FILE}: what a snapshot holds, read from the file alone (no
 * agent): Cairn's own (format, index, records per kind) or one Consul saved (meta.json's ID,
 * index, term and version, then records per type with their bytes, as Consul's command shows).
 * The file is checked as a restore would check it.
 */
@Command(name = "inspect", description = "Shows what a snapshot file holds (Cairn's or Consul's), without an agent.")
final class SnapshotInspect implements Callable<Integer> {
  @Parameters(paramLabel = "FILE") Path file;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file)) throw new ClientError("no such file: " + file);
    try (PushbackInputStream in = new PushbackInputStream(
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 8192), 512)) {
      byte[] head = in.readNBytes(512);
      in.unread(head);
      if (ConsulSnapshot.isTar(head)) consul(ConsulSnapshot.inspect(in));
      else cairn(in);
    } catch (ZipException e) {
      throw new ClientError("not a snapshot: " + file + " is not gzip data");
    } catch (java.io.EOFException e) {
      throw new ClientError("not a snapshot: " + file + " ends early");
    } catch (IllegalArgumentException e) {
      throw new ClientError(e.getMessage());
    }
    return 0;
  }

  private void consul(ConsulSnapshot.Summary s) {
    var out = spec.commandLine().getOut();
    out.printf(" %-12s %s%n", "ID", s.meta().path("ID").asText());
    out.printf(" %-12s %s%n", "Size", s.meta().path("Size").asLong(s.stateBytes()));
    out.printf(" %-12s %s%n", "Index", s.meta().path("Index").asLong());
    out.printf(" %-12s %s%n", "Term", s.meta().path("Term").asLong());
    out.printf(" %-12s %s%n", "Version", s.meta().path("Version").asLong());
    out.println();
    out.printf(" %-28s %-10s %s%n", "Type", "Count", "Size");
    out.printf(" %-28s %-10s %s%n", "----", "----", "----");
    long total = 0;
    for (Map.Entry<String, long[]> e : s.records().entrySet()) {
      out.printf(" %-28s %-10d %s%n", e.getKey(), e.getValue()[0], bytes(e.getValue()[1]));
      total += e.getValue()[1];
    }
    out.printf(" %-28s %-10s %s%n", "----", "----", "----");
    out.printf(" %-28s %-10s %s%n", "Total", "", bytes(total));
  }

  /** Cairn's JSON: streamed, counting the records of each list or map under State. */
  private void cairn(InputStream json) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    String format = "";
    long index = 0;
    try (JsonParser p = new JsonFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new ClientError("not a snapshot: expected Cairn's JSON or Consul's archive");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "Format" -> format = p.getValueAsString("");
          case "Index" -> index = p.getValueAsLong();
          case "State" -> {
            if (t != JsonToken.START_OBJECT) throw new ClientError("not a snapshot: State is not an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String kind = p.currentName();
              JsonToken v = p.nextToken();
              if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
                long n = 0;
                JsonToken end = v == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
                while (p.nextToken() != end) {
                  if (p.currentToken() == JsonToken.FIELD_NAME) p.nextToken();
                  p.skipChildren();
                  n++;
                }
                counts.put(kind, n);
              }
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ClientError("not a snapshot: " + e.getOriginalMessage());
    }
    var out = spec.commandLine().getOut();
    out.printf(" %-12s %s%n", "Format", format);
    out.printf(" %-12s %s%n", "Index", index);
    out.printf(" %-12s %s%n", "Size", Files.size(file));
    out.println();
    out.printf(" %-28s %s%n", "Kind", "Count");
    out.printf(" %-28s %s%n", "----", "----");
    counts.forEach((k, n) -> out.printf(" %-28s %d%n", k, n));
  }

  private static String bytes(long n) {
    if (n < 1024) return n + "B";
    if (n < 1024 * 1024) return String.format("%.1fKB", n / 1024.0);
    return String.format("%.1fMB", n / (1024.0 * 1024));
  }
}
